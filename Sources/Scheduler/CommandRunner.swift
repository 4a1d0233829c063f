import Foundation

/// The result of running an external command.
public struct CommandResult: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String
    public init(status: Int32, stdout: String, stderr: String) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
    }
}

/// Runs Slurm's client commands. Arguments go straight to `execve` (no shell), so nothing in them is
/// interpreted. Tests substitute a fake.
public protocol CommandRunner: Sendable {
    func run(_ command: String, _ arguments: [String], workingDirectory: URL?) throws -> CommandResult
}

/// Runs commands found on `PATH` with Foundation's `Process`.
public struct ProcessRunner: CommandRunner {
    public init() {}

    public func run(_ command: String, _ arguments: [String], workingDirectory: URL?) throws -> CommandResult {
        guard let exe = Self.which(command) else { throw SchedulerError.commandNotFound(command: command) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = arguments
        if let wd = workingDirectory { p.currentDirectoryURL = wd }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        // Read both pipes before waiting so a chatty command cannot block on a full pipe.
        let errData = LockedData()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errData.set(err.fileHandleForReading.readDataToEndOfFile())
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        p.waitUntilExit()
        return CommandResult(status: p.terminationStatus,
                             stdout: String(decoding: outData, as: UTF8.self),
                             stderr: String(decoding: errData.get(), as: UTF8.self))
    }

    /// The first executable `command` on `PATH` (or `command` itself when it contains a `/`).
    public static func which(_ command: String) -> String? {
        let fm = FileManager.default
        if command.contains("/") { return fm.isExecutableFile(atPath: command) ? command : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(command)"
            if fm.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

private final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func set(_ d: Data) { lock.lock(); data = d; lock.unlock() }
    func get() -> Data { lock.lock(); defer { lock.unlock() }; return data }
}
