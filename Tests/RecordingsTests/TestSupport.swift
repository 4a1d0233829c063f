import Foundation
import TestSupport
import XCTest

/// Locations and helpers shared by the Recordings tests.
enum TestSupport {
    /// The repository root, found from this file's path.
    static var repoRoot: URL {
        URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// `<repo>/../shared/data`, or XCTSkip when absent.
    static func dataDir() throws -> URL { try Repository.sharedData() }

    /// The Python with h5py/pynwb (`SYMEDGE_PYTHON`, else `<repo>/.venv/bin/python`), or XCTSkip.
    static func python() throws -> String { try Repository.python() }

    /// Runs a program, returns (status, stdout, stderr).
    @discardableResult
    static func run(_ exe: String, _ args: [String]) throws -> (Int32, String, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        let out = Pipe()
        // stderr goes to a file so that neither pipe can fill up and block the child.
        let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("symedge-rec-stderr-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let errHandle = try FileHandle(forWritingTo: errURL)
        defer { try? FileManager.default.removeItem(at: errURL) }
        p.standardOutput = out
        p.standardError = errHandle
        try p.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        try? errHandle.close()
        let errData = (try? Data(contentsOf: errURL)) ?? Data()
        return (p.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }

    /// Runs a script from Tests/python with the venv Python; fails the test on a non-zero exit.
    static func runPython(_ script: String, _ args: [String]) throws -> String {
        let py = try python()
        let path = repoRoot.appendingPathComponent("Tests/python/\(script)").path
        let (status, out, err) = try run(py, [path] + args)
        guard status == 0 else {
            throw NSError(domain: "python", code: Int(status), userInfo: [NSLocalizedDescriptionKey: "\(script) failed: \(err)"])
        }
        return out
    }

    /// A fresh temporary directory.
    static func tempDir(_ name: String = #function) throws -> URL {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("symedge-rec-\(safe)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }

    /// Every `.nwb` file under the data folder, sorted (including the third-party fixtures of
    /// e1_thirdparty_nwb_fixtures, which `ThirdPartyFixtureTests` checks on their own).
    static func allNWBFiles() throws -> [String] {
        let d = try dataDir()
        let e = FileManager.default.enumerator(atPath: d.path)
        var out: [String] = []
        while let f = e?.nextObject() as? String {
            if f.hasSuffix(".nwb") { out.append(d.appendingPathComponent(f).path) }
        }
        return out.sorted()
    }
}
