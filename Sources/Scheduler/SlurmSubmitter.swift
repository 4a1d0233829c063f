import Foundation

/// The scripts of one submission, rendered and ready to write and submit.
public struct SubmitPlan: Sendable {
    public let mode: SubmitMode
    /// `submit` or `rerun-failed`.
    public let origin: String
    public let sequence: Int
    /// `mpi` mode: one script. `array` mode: the array script, then the reduce script.
    public let scripts: [RenderedScript]
    /// Shard groups the array runs (array mode).
    public let groups: [Int]
    /// `OUT/slurm`: scripts, `logs/`, `jobs.json`, `events.tsv`.
    public let slurmDirectory: URL

    /// The commands that submit the scripts, as a user would type them in `slurmDirectory`.
    public var sbatchCommands: [String] {
        scripts.map { s in
            s.kind == .reduce
                ? "sbatch --parsable --dependency=afterany:<array job id> \(ShellQuote.quote(s.fileName))"
                : "sbatch --parsable \(ShellQuote.quote(s.fileName))"
        }
    }
}

/// Renders, writes and submits SymmetryEdge jobs, and records them in `OUT/slurm/jobs.json`.
public struct SlurmSubmitter: Sendable {
    public let renderer: ScriptRenderer
    public let runner: CommandRunner

    public init(renderer: ScriptRenderer, runner: CommandRunner = ProcessRunner()) {
        self.renderer = renderer
        self.runner = runner
    }

    /// Renders the scripts for `mode`. In array mode, `groups` are the shard groups to run (all of them for a
    /// fresh submission, the failed or missing ones for a rerun) and `groupCount` is the job's total.
    public func plan(mode: SubmitMode, target: SweepTarget, options: SlurmOptions, groups: [Int], groupCount: Int,
                     origin: String = "submit") throws -> SubmitPlan {
        let record = try JobsRecord.load(outDir: target.outDir)
        let seq = max(record.nextSequence, Self.nextFreeSequence(in: JobsRecord.slurmDirectory(outDir: target.outDir)))
        let prefix = String(format: "%03d", seq)
        var scripts: [RenderedScript] = []
        switch mode {
        case .mpi:
            scripts.append(try renderer.render(kind: .mpi, target: target, options: options,
                                               fileName: "\(prefix)-mpi.sbatch"))
        case .array:
            let spec = try ArraySpec(groups)
            scripts.append(try renderer.render(kind: .array, target: target, options: options, array: spec,
                                               groupCount: groupCount, fileName: "\(prefix)-array.sbatch"))
            scripts.append(try renderer.render(kind: .reduce, target: target, options: options,
                                               fileName: "\(prefix)-reduce.sbatch"))
        }
        return SubmitPlan(mode: mode, origin: origin, sequence: seq, scripts: scripts, groups: groups,
                          slurmDirectory: JobsRecord.slurmDirectory(outDir: target.outDir))
    }

    /// Writes the scripts (mode 0755) and creates `OUT/slurm/logs` (Slurm does not create log folders).
    public func write(_ plan: SubmitPlan) throws {
        let fm = FileManager.default
        let dir = plan.slurmDirectory
        do {
            try fm.createDirectory(at: dir.appendingPathComponent("logs"), withIntermediateDirectories: true)
            for s in plan.scripts {
                let url = dir.appendingPathComponent(s.fileName)
                try Data(s.text.utf8).write(to: url, options: .atomic)
                try fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
            }
        } catch {
            throw SchedulerError.jobsFile(path: dir.path, reason: "cannot write job scripts: \(error)")
        }
    }

    /// Submits the written scripts with `sbatch --parsable` from `OUT/slurm`, chains the reduce job with
    /// `--dependency=afterany:<array job>`, and appends the submission to `OUT/slurm/jobs.json`.
    /// Jobs already submitted are recorded even when a later `sbatch` fails.
    @discardableResult
    public func submit(_ plan: SubmitPlan, outDir: String, now: Date = Date()) throws -> Submission {
        var jobs: [SubmittedJob] = []
        var failure: Error?
        var previous: String?
        for s in plan.scripts {
            var args = ["--parsable"]
            var dependency: String?
            if s.kind == .reduce, let p = previous {
                dependency = "afterany:\(p)"
                args.append("--dependency=\(dependency!)")
            }
            args.append(s.fileName)
            do {
                let r = try runner.run("sbatch", args, workingDirectory: plan.slurmDirectory)
                guard r.status == 0 else {
                    throw SchedulerError.commandFailed(command: "sbatch " + args.map(ShellQuote.quote).joined(separator: " "),
                                                       status: r.status, stderr: r.stderr)
                }
                let id = try Self.parseJobID(r.stdout)
                jobs.append(SubmittedJob(id: id, kind: s.kind, script: s.fileName, array: s.array?.description,
                                         groups: s.kind == .array ? plan.groups : nil, dependency: dependency))
                previous = id
            } catch {
                failure = error
                break
            }
        }
        let submission = Submission(sequence: plan.sequence, submitted: Self.iso8601(now), origin: plan.origin,
                                    mode: plan.mode, jobs: jobs)
        if !jobs.isEmpty {
            var record = try JobsRecord.load(outDir: outDir)
            record.submissions.append(submission)
            try record.save(outDir: outDir)
        }
        if let f = failure { throw f }
        return submission
    }

    /// The job id from `sbatch --parsable` output (`123` or `123;cluster`).
    public static func parseJobID(_ output: String) throws -> String {
        let line = output.split(whereSeparator: \.isNewline).last.map(String.init) ?? ""
        let id = line.split(separator: ";").first.map(String.init)?.trimmingCharacters(in: .whitespaces) ?? ""
        guard !id.isEmpty, id.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw SchedulerError.unparsableJobID(output: output)
        }
        return id
    }

    static func iso8601(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: date)
    }

    /// One more than the highest `NNN-` prefix of a script already in `dir`, so dry runs never overwrite.
    static func nextFreeSequence(in dir: URL) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        let used = names.compactMap { n -> Int? in
            guard n.hasSuffix(".sbatch"), let dash = n.firstIndex(of: "-") else { return nil }
            return Int(n[..<dash])
        }
        return (used.max() ?? 0) + 1
    }
}
