import Foundation

/// One Slurm job SymmetryEdge submitted.
public struct SubmittedJob: Codable, Equatable, Sendable {
    /// Slurm job id (for an array: the array's job id).
    public var id: String
    public var kind: JobKind
    /// Script file name inside `OUT/slurm`.
    public var script: String
    /// `--array` value (array jobs only).
    public var array: String?
    /// Shard groups this job runs (array jobs only).
    public var groups: [Int]?
    /// `--dependency` value, if any.
    public var dependency: String?

    public init(id: String, kind: JobKind, script: String, array: String? = nil, groups: [Int]? = nil,
                dependency: String? = nil) {
        self.id = id
        self.kind = kind
        self.script = script
        self.array = array
        self.groups = groups
        self.dependency = dependency
    }
}

/// One `symedge submit` or `symedge rerun-failed --slurm` invocation.
public struct Submission: Codable, Equatable, Sendable {
    public var sequence: Int
    /// ISO 8601 UTC time of submission.
    public var submitted: String
    /// `submit` or `rerun-failed`.
    public var origin: String
    public var mode: SubmitMode
    public var jobs: [SubmittedJob]

    public init(sequence: Int, submitted: String, origin: String, mode: SubmitMode, jobs: [SubmittedJob]) {
        self.sequence = sequence
        self.submitted = submitted
        self.origin = origin
        self.mode = mode
        self.jobs = jobs
    }
}

/// The record of Slurm jobs submitted for one output folder: `OUT/slurm/jobs.json`.
public struct JobsRecord: Codable, Equatable, Sendable {
    public var submissions: [Submission]

    public init(submissions: [Submission] = []) { self.submissions = submissions }

    /// `OUT/slurm`.
    public static func slurmDirectory(outDir: String) -> URL {
        URL(fileURLWithPath: outDir).appendingPathComponent("slurm")
    }

    /// `OUT/slurm/jobs.json`.
    public static func url(outDir: String) -> URL {
        slurmDirectory(outDir: outDir).appendingPathComponent("jobs.json")
    }

    /// Reads the record; an absent file is an empty record.
    public static func load(outDir: String) throws -> JobsRecord {
        let url = url(outDir: outDir)
        guard FileManager.default.fileExists(atPath: url.path) else { return JobsRecord() }
        do {
            return try JSONDecoder().decode(JobsRecord.self, from: Data(contentsOf: url))
        } catch {
            throw SchedulerError.jobsFile(path: url.path, reason: "cannot read: \(error)")
        }
    }

    /// Writes the record atomically.
    public func save(outDir: String) throws {
        let url = Self.url(outDir: outDir)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .sortedKeys]
            try enc.encode(self).write(to: url, options: .atomic)
        } catch {
            throw SchedulerError.jobsFile(path: url.path, reason: "cannot write: \(error)")
        }
    }

    /// The next submission number (1 for an empty record).
    public var nextSequence: Int { (submissions.map(\.sequence).max() ?? 0) + 1 }

    /// Every recorded job, oldest first.
    public var allJobs: [SubmittedJob] { submissions.flatMap(\.jobs) }
}
