/// One job or array task as reported by `squeue` or `sacct`.
public struct QueueEntry: Equatable, Sendable, Codable {
    /// As printed, e.g. `12`, `12_3`, `12_[4-7%2]` (pending rest of an array).
    public var jobID: String
    /// The job id without the array suffix (`12`).
    public var baseID: String
    /// The array task id (`3`), the pending task range (`[4-7%2]`), or nil for a plain job.
    public var taskID: String?
    /// Slurm state, upper case (`PENDING`, `RUNNING`, `COMPLETED`, `FAILED`, `CANCELLED`, …).
    public var state: String
    /// squeue: the pending reason; sacct: the exit code `status:signal`.
    public var detail: String
    /// Elapsed time as Slurm prints it.
    public var elapsed: String

    public init(jobID: String, state: String, detail: String = "", elapsed: String = "") {
        self.jobID = jobID
        let parts = jobID.split(separator: "_", maxSplits: 1)
        self.baseID = parts.first.map(String.init) ?? jobID
        self.taskID = parts.count > 1 ? String(parts[1]) : nil
        // sacct prints "CANCELLED by 0"; keep the state word only.
        self.state = state.split(separator: " ").first.map { String($0).uppercased() } ?? ""
        self.detail = detail
        self.elapsed = elapsed
    }

    /// The task index when this entry is a single array task.
    public var taskIndex: Int? { taskID.flatMap { Int($0) } }
}

/// Parses `squeue -h -r -t all -o '%i|%T|%r|%M'` output.
public enum SqueueParser {
    /// The `--format` argument whose output ``parse(_:)`` reads.
    public static let format = "%i|%T|%r|%M"

    public static func parse(_ text: String) -> [QueueEntry] {
        QueueEntry.records(text).compactMap { f in
            guard f.count >= 2, !f[0].isEmpty, f[0] != "JOBID" else { return nil }
            return QueueEntry(jobID: f[0], state: f[1], detail: f.count > 2 ? f[2] : "",
                              elapsed: f.count > 3 ? f[3] : "")
        }
    }
}

/// Parses `sacct -n -P -X -o JobID,State,ExitCode,Elapsed` output.
public enum SacctParser {
    /// The `--format` argument whose output ``parse(_:)`` reads.
    public static let format = "JobID,State,ExitCode,Elapsed"

    public static func parse(_ text: String) -> [QueueEntry] {
        QueueEntry.records(text).compactMap { f in
            guard f.count >= 2, !f[0].isEmpty, f[0] != "JobID" else { return nil }
            // Job steps (12.batch, 12_3.0) are not jobs.
            if f[0].contains(".") { return nil }
            return QueueEntry(jobID: f[0], state: f[1], detail: f.count > 2 ? f[2] : "",
                              elapsed: f.count > 3 ? f[3] : "")
        }
    }

    /// True when sacct's error output says accounting is switched off on this cluster.
    public static func accountingDisabled(_ stderr: String) -> Bool {
        stderr.localizedCaseInsensitiveContains("accounting storage is disabled")
    }
}

extension QueueEntry {
    /// The `|`-separated fields of each line of `squeue`/`sacct` output, trimmed (empty fields kept).
    static func records(_ text: String) -> [[String]] {
        text.split(whereSeparator: \.isNewline).map { line in
            line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        }
    }
}
