import Foundation

/// What a job script runs: a job spec, an output folder and the `symedge` executable, all absolute paths.
public struct SweepTarget: Equatable, Sendable {
    public let jobSpec: String
    public let outDir: String
    public let symedge: String
    /// Slurm job name derived from the job spec's file name (letters, digits, `_`, `-`, `.` only).
    public let jobName: String

    /// - Throws: ``SchedulerError/unsafePath(what:path:)`` when a path holds control characters.
    ///   Any other character (quotes, `;`, `$`, spaces) is fine: paths are single-quoted in scripts.
    public init(jobSpec: String, outDir: String, symedge: String, jobName: String? = nil) throws {
        let cwd = FileManager.default.currentDirectoryPath
        func absolute(_ p: String, _ what: String) throws -> String {
            guard !ShellQuote.hasControlCharacters(p) else { throw SchedulerError.unsafePath(what: what, path: p) }
            let url = p.hasPrefix("/") ? URL(fileURLWithPath: p) : URL(fileURLWithPath: cwd).appendingPathComponent(p)
            return url.standardizedFileURL.path
        }
        self.jobSpec = try absolute(jobSpec, "job spec")
        self.outDir = try absolute(outDir, "output folder")
        self.symedge = try absolute(symedge, "symedge executable")
        self.jobName = Self.slurmJobName(jobName ?? URL(fileURLWithPath: jobSpec).deletingPathExtension().lastPathComponent)
    }

    /// A Slurm-safe job name: `symedge-` plus the stem with every other character turned into `_`.
    public static func slurmJobName(_ stem: String) -> String {
        let cleaned = String(stem.unicodeScalars.map { u -> Character in
            let ok = u.isASCII && (CharacterSet.alphanumerics.contains(u) || "_-.".unicodeScalars.contains(u))
            return ok ? Character(u) : "_"
        }.prefix(40))
        return cleaned.isEmpty ? "symedge" : "symedge-" + cleaned
    }
}

/// One rendered job script.
public struct RenderedScript: Equatable, Sendable {
    public let kind: JobKind
    /// File name inside `OUT/slurm` (e.g. `001-array.sbatch`).
    public let fileName: String
    public let text: String
    /// Array indices (array jobs only).
    public let array: ArraySpec?
}

/// Renders the `mpi`, `array` and `reduce` job scripts from the templates.
public struct ScriptRenderer: Sendable {
    public let templates: TemplateSet

    public init(templates: TemplateSet) { self.templates = templates }

    /// Renders one script. `array` is required for `.array` jobs and ignored otherwise.
    /// `groupCount` is only used in a comment of array scripts.
    public func render(kind: JobKind, target: SweepTarget, options: SlurmOptions, array: ArraySpec? = nil,
                       groupCount: Int? = nil, fileName: String) throws -> RenderedScript {
        let template = try templates.template("\(kind.rawValue).sbatch")
        let lib = try templates.template("lib.sh").text.trimmingCharacters(in: .newlines)
        let scriptDir = URL(fileURLWithPath: target.outDir).appendingPathComponent("slurm").path
        var values: [String: String] = [
            "JOB_NAME": kind == .reduce ? target.jobName + "-reduce" : target.jobName,
            "DIRECTIVES": options.directives(for: kind).joined(separator: "\n"),
            "WARN_SECONDS": String(options.warnSeconds),
            "MAX_REQUEUES": String(options.maxRequeues),
            "SYMEDGE": ShellQuote.quote(target.symedge),
            "JOB_SPEC": ShellQuote.quote(target.jobSpec),
            "OUT_DIR": ShellQuote.quote(target.outDir),
            "SCRIPT_NAME": ShellQuote.quote(fileName),
            "SCRIPT_DIR_COMMENT": ShellQuote.quote(scriptDir),
            "LIB": lib,
        ]
        if kind != .reduce { values["SRUN_MPI"] = options.srunMPI }
        var spec: ArraySpec?
        if kind == .array {
            guard let a = array else {
                throw SchedulerError.invalidOption(option: "--array", value: "", reason: "array job without indices")
            }
            let limited = try ArraySpec(a.indices, parallelism: options.arrayParallelism ?? a.parallelism)
            spec = limited
            values["ARRAY"] = limited.description
            let n = a.indices.count
            values["GROUP_COUNT_COMMENT"] = groupCount.map { "\(n) of \($0) groups" } ?? "\(n) groups"
        }
        return RenderedScript(kind: kind, fileName: fileName, text: try template.render(values), array: spec)
    }
}
