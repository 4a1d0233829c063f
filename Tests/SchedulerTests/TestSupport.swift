import Foundation
import XCTest
import Scheduler

/// Repository root, found from this file's path.
let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

let injectionStrings = [
    "x'; touch pwned; '",
    "$(touch pwned)",
    "`touch pwned`",
    "a\"b\\c",
    "space and * glob ~ ?",
    "semi;colon&amp|pipe>redirect<in",
    "'",
    "''",
    "-rf",
    "${HOME}",
    "ünïcödé ✓",
    "%A_%a %x %j",
]

func makeTempDir(_ name: String = "sched") throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("symedge-\(name)-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Runs bash with arguments; returns status and stdout.
@discardableResult
func runBash(_ args: [String], cwd: URL, env: [String: String] = [:]) throws -> (Int32, String, String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/bash")
    p.arguments = args
    p.currentDirectoryURL = cwd
    var e = ProcessInfo.processInfo.environment
    for (k, v) in env { e[k] = v }
    p.environment = e
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let r = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: r, as: UTF8.self))
}

func templates() throws -> TemplateSet {
    try TemplateSet.locate(explicit: repoRoot.appendingPathComponent("Slurm/templates").path)
}

/// A fake `sbatch`/`squeue`/`sacct` runner that replays canned answers and records calls.
final class FakeRunner: CommandRunner, @unchecked Sendable {
    struct Call: Equatable { var command: String; var arguments: [String]; var cwd: String? }
    private let lock = NSLock()
    private var _calls: [Call] = []
    var answers: [String: [CommandResult]]

    init(answers: [String: [CommandResult]]) { self.answers = answers }

    var calls: [Call] { lock.lock(); defer { lock.unlock() }; return _calls }

    func run(_ command: String, _ arguments: [String], workingDirectory: URL?) throws -> CommandResult {
        lock.lock(); defer { lock.unlock() }
        _calls.append(Call(command: command, arguments: arguments, cwd: workingDirectory?.path))
        guard var list = answers[command], !list.isEmpty else {
            return CommandResult(status: 1, stdout: "", stderr: "\(command): no canned answer")
        }
        let first = list.removeFirst()
        if list.isEmpty { list = [first] }  // the last answer repeats
        answers[command] = list
        return first
    }
}
