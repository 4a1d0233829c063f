import Foundation

/// The outcome of a finished process.
public struct ProcessResult: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String
}

/// Runs programs for the tests, with stdout and stderr in files so that neither pipe can fill and block.
public enum Processes {
    /// Runs `exe args` (environment: this process's, with `environment` merged in; a nil value removes a
    /// variable) and waits for it.
    @discardableResult
    public static func run(_ exe: String, _ args: [String], environment: [String: String?] = [:],
                           currentDirectory: String? = nil) throws -> ProcessResult {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        if !environment.isEmpty {
            var env = ProcessInfo.processInfo.environment
            for (k, v) in environment { env[k] = v }
            p.environment = env
        }
        if let currentDirectory { p.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
        let tmp = FileManager.default.temporaryDirectory
        let o = tmp.appendingPathComponent("symedge-test-out-\(UUID().uuidString)")
        let e = tmp.appendingPathComponent("symedge-test-err-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: o.path, contents: nil)
        _ = FileManager.default.createFile(atPath: e.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: o); try? FileManager.default.removeItem(at: e) }
        let oh = try FileHandle(forWritingTo: o), eh = try FileHandle(forWritingTo: e)
        p.standardOutput = oh
        p.standardError = eh
        try p.run()
        p.waitUntilExit()
        try? oh.close(); try? eh.close()
        return ProcessResult(status: p.terminationStatus,
                             stdout: String(decoding: (try? Data(contentsOf: o)) ?? Data(), as: UTF8.self),
                             stderr: String(decoding: (try? Data(contentsOf: e)) ?? Data(), as: UTF8.self))
    }

    /// Runs `symedge args` (see `Repository.symedge()`).
    @discardableResult
    public static func symedge(_ args: [String], environment: [String: String?] = [:]) throws -> ProcessResult {
        try run(try Repository.symedge(), args, environment: environment)
    }
}

/// A fresh folder under the temporary directory, removed by `remove()`.
public struct TemporaryFolder {
    public let url: URL
    public var path: String { url.path }

    public init(_ name: String) throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("symedge-\(name)-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    public func remove() { try? FileManager.default.removeItem(at: url) }
}
