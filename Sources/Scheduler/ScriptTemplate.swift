import Foundation

/// The kind of a Slurm job SymmetryEdge submits; also names its template (`<kind>.sbatch`).
public enum JobKind: String, Codable, Sendable, CaseIterable {
    case mpi, array, reduce
}

/// A text template with `{{NAME}}` placeholders. Values are inserted verbatim, so callers pass only
/// strings that are already quoted (``ShellQuote``) or validated (``SlurmOptions``).
public struct ScriptTemplate: Sendable {
    public let name: String
    public let text: String

    public init(name: String, text: String) {
        self.name = name
        self.text = text
    }

    /// Placeholder names in order of first appearance.
    public var placeholders: [String] {
        var seen: [String] = []
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            guard let close = rest[open.upperBound...].range(of: "}}") else { break }
            let key = String(rest[open.upperBound..<close.lowerBound])
            if !seen.contains(key) { seen.append(key) }
            rest = rest[close.upperBound...]
        }
        return seen
    }

    /// Replaces every placeholder. Throws when a placeholder has no value or a value has no placeholder,
    /// so a template and its renderer cannot drift apart silently.
    public func render(_ values: [String: String]) throws -> String {
        let keys = placeholders
        for k in keys where values[k] == nil { throw SchedulerError.unknownPlaceholder(template: name, name: k) }
        for k in values.keys.sorted() where !keys.contains(k) { throw SchedulerError.unusedValue(template: name, name: k) }
        var out = ""
        var rest = Substring(text)
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            out += rest[..<open.lowerBound]
            out += values[String(rest[open.upperBound..<close.lowerBound])]!
            rest = rest[close.upperBound...]
        }
        out += rest
        return out
    }
}

/// The folder of Slurm templates (`mpi.sbatch`, `array.sbatch`, `reduce.sbatch`, `lib.sh`).
public struct TemplateSet: Sendable {
    public let directory: URL

    public init(directory: URL) { self.directory = directory }

    /// Finds the templates: an explicit folder, else `$SYMEDGE_SLURM_TEMPLATES`, else `Slurm/templates`
    /// in a folder above the running executable (a source checkout), else `share/symedge/slurm` next to
    /// the executable's `bin` folder (an installed copy, e.g. `/usr/local/share/symedge/slurm`).
    public static func locate(explicit: String? = nil,
                              environment: [String: String] = ProcessInfo.processInfo.environment,
                              executable: URL? = Executable.url) throws -> TemplateSet {
        var candidates: [URL] = []
        if let e = explicit { candidates.append(URL(fileURLWithPath: e)) }
        if let e = environment["SYMEDGE_SLURM_TEMPLATES"], !e.isEmpty { candidates.append(URL(fileURLWithPath: e)) }
        if let exe = executable {
            var dir = exe.deletingLastPathComponent()
            for _ in 0..<6 {
                candidates.append(dir.appendingPathComponent("Slurm/templates"))
                candidates.append(dir.appendingPathComponent("share/symedge/slurm"))
                dir = dir.deletingLastPathComponent()
            }
        }
        candidates.append(URL(fileURLWithPath: "/usr/local/share/symedge/slurm"))
        candidates.append(URL(fileURLWithPath: "/usr/share/symedge/slurm"))
        let fm = FileManager.default
        for c in candidates where fm.fileExists(atPath: c.appendingPathComponent("mpi.sbatch").path) {
            return TemplateSet(directory: c.standardizedFileURL)
        }
        throw SchedulerError.templatesNotFound(searched: candidates.map(\.path))
    }

    public func template(_ file: String) throws -> ScriptTemplate {
        let url = directory.appendingPathComponent(file)
        do {
            return ScriptTemplate(name: url.path, text: try String(contentsOf: url, encoding: .utf8))
        } catch {
            throw SchedulerError.jobsFile(path: url.path, reason: "cannot read template: \(error.localizedDescription)")
        }
    }
}

/// The path of the running executable (`/proc/self/exe` on Linux).
public enum Executable {
    public static var url: URL? {
        if let p = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return URL(fileURLWithPath: p)
        }
        let arg0 = CommandLine.arguments.first ?? ""
        return arg0.contains("/") ? URL(fileURLWithPath: arg0).standardizedFileURL : nil
    }
}
