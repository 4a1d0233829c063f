#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The program's identity, recorded in every provenance file and in every shard key.
public enum BuildInfo {
    /// Semantic version of SymmetryEdge.
    public static let version = "0.1.0"

    /// The git commit the binary was built from.
    ///
    /// `make` writes it to `symedge.commit` beside the executable; `SYMEDGE_GIT_COMMIT` overrides it.
    /// "unknown" when neither is present (e.g. a plain `swift build` outside git).
    public static var gitCommit: String {
        if let env = ProcessInfo.processInfo.environment["SYMEDGE_GIT_COMMIT"], !env.isEmpty { return env }
        let exe = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        let file = exe.deletingLastPathComponent().appendingPathComponent("symedge.commit")
        if let text = try? String(contentsOf: file, encoding: .utf8) {
            let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if !t.isEmpty { return t }
        }
        return "unknown"
    }

    /// This machine's host name.
    public static var hostName: String { ProcessInfo.processInfo.hostName }
}
