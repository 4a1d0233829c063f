import Foundation
import XCTest

/// Where the tests find the repository, the `symedge` binary, the Python references and the shared real data.
///
/// A test that needs a tool (the binary, `mpirun`, `sbatch`, the `.venv` Python, chromium) calls one of the
/// `require…` functions: without the tool it is skipped, except when the environment variable `CI` is set (to
/// anything), where a missing tool is a failure (`.ci/run` provides every tool). Only `../shared/data`, which CI
/// does not provide, is always a skip (`sharedData()`).
public enum Repository {
    /// The repository root (this file is `<root>/Tests/TestSupport/Repository.swift`).
    public static let root: URL = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Whether the tests run under CI (environment variable `CI` set, even empty).
    public static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] != nil }

    /// A missing tool: a skip on a developer machine, a failure under CI.
    public struct MissingTool: Error, CustomStringConvertible {
        public let message: String
        public var description: String { "required under CI: \(message)" }
    }

    /// Throws `XCTSkip(message)`, or under CI records a failure and throws `MissingTool`.
    public static func missing(_ message: String, file: StaticString = #filePath, line: UInt = #line) throws -> Never {
        if isCI {
            XCTFail("CI is set, so a missing tool is a failure: \(message)", file: file, line: line)
            throw MissingTool(message: message)
        }
        throw XCTSkip(message, file: file, line: line)
    }

    /// `symedge`: `SYMEDGE_BIN` when set and not empty, else `<root>/.build/release/symedge`.
    public static func symedge(file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let env = ProcessInfo.processInfo.environment["SYMEDGE_BIN"] ?? ""
        let bin = env.isEmpty ? root.appendingPathComponent(".build/release/symedge").path : env
        guard FileManager.default.isExecutableFile(atPath: bin) else {
            try missing("symedge is not built at \(bin); run `make build` or set SYMEDGE_BIN", file: file, line: line)
        }
        return bin
    }

    /// The folder of the built executables (`mpi-test-helper` beside `symedge`): next to `SYMEDGE_BIN`, else
    /// `.build/release` or `.build/debug`.
    public static func productsFolder(containing exe: String = "symedge") throws -> URL {
        if let bin = ProcessInfo.processInfo.environment["SYMEDGE_BIN"], !bin.isEmpty {
            return URL(fileURLWithPath: bin).deletingLastPathComponent()
        }
        for dir in [Bundle.main.bundleURL, root.appendingPathComponent(".build/release"),
                    root.appendingPathComponent(".build/debug")]
        where FileManager.default.fileExists(atPath: dir.appendingPathComponent(exe).path) {
            return dir
        }
        try missing("\(exe) is not built; run `make build` or `swift build`")
    }

    /// The Python of the references: `SYMEDGE_PYTHON`, else `<root>/.venv/bin/python` (`make venv`).
    public static func python(file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let env = ProcessInfo.processInfo.environment["SYMEDGE_PYTHON"] ?? ""
        let p = env.isEmpty ? root.appendingPathComponent(".venv/bin/python").path : env
        guard FileManager.default.isExecutableFile(atPath: p) else {
            try missing("Python reference interpreter not found at \(p) (set SYMEDGE_PYTHON or run `make venv`)",
                        file: file, line: line)
        }
        return p
    }

    /// The Python of the references, or nil (for callers that decide themselves); never fails.
    public static var pythonIfPresent: String? {
        let env = ProcessInfo.processInfo.environment["SYMEDGE_PYTHON"] ?? ""
        let p = env.isEmpty ? root.appendingPathComponent(".venv/bin/python").path : env
        return FileManager.default.isExecutableFile(atPath: p) ? p : nil
    }

    /// `mpirun` (Open MPI), from /usr/bin or /usr/local/bin.
    public static func mpirun(file: StaticString = #filePath, line: UInt = #line) throws -> String {
        for p in ["/usr/bin/mpirun", "/usr/local/bin/mpirun"] where FileManager.default.isExecutableFile(atPath: p) {
            return p
        }
        try missing("mpirun is not installed (apt-get install openmpi-bin)", file: file, line: line)
    }

    /// `<root>/../shared/data`, or a skip (also under CI: CI has no real data).
    public static func sharedData() throws -> URL {
        let d = root.deletingLastPathComponent().appendingPathComponent("shared/data")
        guard FileManager.default.fileExists(atPath: d.path) else {
            throw XCTSkip("shared real data not found at \(d.path)")
        }
        return d
    }
}
