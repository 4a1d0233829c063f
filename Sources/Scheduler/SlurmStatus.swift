import Foundation

/// The Slurm state of one job SymmetryEdge submitted, from `squeue` and, when available, `sacct`.
public struct JobStatus: Equatable, Sendable, Codable {
    public var submission: Int
    public var origin: String
    public var job: SubmittedJob
    /// Entries for the job (one per array task once tasks have started).
    public var entries: [QueueEntry]
    /// Where the entries came from: `squeue`, `sacct`, or `none` (job no longer known to Slurm).
    public var source: String

    /// State counts, e.g. `["COMPLETED": 5, "FAILED": 1]`.
    public var stateCounts: [String: Int] {
        entries.reduce(into: [:]) { $0[$1.state, default: 0] += 1 }
    }

    /// Array task indices in a failed state (FAILED, TIMEOUT, OUT_OF_MEMORY, NODE_FAIL, CANCELLED, BOOT_FAIL).
    public var failedTasks: [Int] {
        entries.filter { JobStatus.failedStates.contains($0.state) }.compactMap(\.taskIndex).sorted()
    }

    static let failedStates: Set<String> = ["FAILED", "TIMEOUT", "OUT_OF_MEMORY", "OUT_OF_ME+", "NODE_FAIL",
                                            "CANCELLED", "BOOT_FAIL", "DEADLINE", "PREEMPTED"]

    /// A one-line summary, e.g. `COMPLETED 5, FAILED 1 (tasks 3)`.
    public var summary: String {
        if entries.isEmpty { return source == "none" ? "not known to Slurm any more" : "no entries" }
        if job.kind != .array, entries.count == 1 {
            let e = entries[0]
            return e.state + (e.detail.isEmpty || e.detail == "None" ? "" : " (\(e.detail))")
        }
        let counts = stateCounts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        let failed = failedTasks
        return counts + (failed.isEmpty ? "" : " (failed tasks \(failed.map(String.init).joined(separator: ",")))")
    }
}

/// Queries Slurm for the jobs recorded in `OUT/slurm/jobs.json`.
public struct SlurmStatusQuery: Sendable {
    public let runner: CommandRunner

    public init(runner: CommandRunner = ProcessRunner()) { self.runner = runner }

    /// Whether `sacct` works here (false when accounting storage is disabled or sacct is missing).
    public func accountingAvailable() -> Bool {
        guard let r = try? runner.run("sacct", ["-n", "-X", "-j", "1", "-o", "JobID"], workingDirectory: nil) else {
            return false
        }
        return r.status == 0 && !SacctParser.accountingDisabled(r.stderr)
    }

    /// States of every recorded job: squeue first (jobs Slurm still holds in memory), then sacct for the rest.
    public func status(of record: JobsRecord) throws -> (jobs: [JobStatus], usedSacct: Bool) {
        let ids = record.allJobs.map(\.id)
        guard !ids.isEmpty else { return ([], false) }
        var byBase: [String: [QueueEntry]] = [:]
        // One squeue call per job: squeue rejects the whole list when one id has been purged.
        for id in ids {
            guard let r = try? runner.run("squeue", ["-h", "-r", "-t", "all", "-j", id, "-o", SqueueParser.format],
                                          workingDirectory: nil), r.status == 0 else { continue }
            for e in SqueueParser.parse(r.stdout) { byBase[e.baseID, default: []].append(e) }
        }
        var fromSacct: [String: [QueueEntry]] = [:]
        var usedSacct = false
        if accountingAvailable() {
            usedSacct = true
            if let r = try? runner.run("sacct", ["-n", "-P", "-X", "-j", ids.joined(separator: ","), "-o", SacctParser.format],
                                       workingDirectory: nil), r.status == 0 {
                for e in SacctParser.parse(r.stdout) { fromSacct[e.baseID, default: []].append(e) }
            }
        }
        var out: [JobStatus] = []
        for s in record.submissions {
            for j in s.jobs {
                if let e = byBase[j.id] {
                    out.append(JobStatus(submission: s.sequence, origin: s.origin, job: j, entries: e, source: "squeue"))
                } else if let e = fromSacct[j.id] {
                    out.append(JobStatus(submission: s.sequence, origin: s.origin, job: j, entries: e, source: "sacct"))
                } else {
                    out.append(JobStatus(submission: s.sequence, origin: s.origin, job: j, entries: [], source: "none"))
                }
            }
        }
        return (out, usedSacct)
    }

    /// Human-readable lines for `symedge status`.
    public static func format(_ jobs: [JobStatus], usedSacct: Bool) -> [String] {
        guard !jobs.isEmpty else { return [] }
        var lines = ["Slurm jobs (from squeue" + (usedSacct ? " and sacct" : "; sacct unavailable") + "):"]
        for j in jobs {
            var what = "#\(j.submission) \(j.origin) \(j.job.kind.rawValue) job \(j.job.id)"
            if let a = j.job.array { what += " array=\(a)" }
            if let d = j.job.dependency { what += " after \(d)" }
            lines.append("  \(what): \(j.summary)")
        }
        return lines
    }
}
