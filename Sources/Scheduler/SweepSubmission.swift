import Batch
import Foundation

/// The bridge between a sweep (job spec, plan, output folder) and Slurm submissions.
public enum SweepSubmission {
    /// What to submit for a job file: the target paths, the plan's group count and the groups to run.
    public struct Prepared: Sendable {
        public var target: SweepTarget
        public var groupCount: Int
        /// Groups to run (all for `submit`, the unfinished ones for `rerun-failed --slurm`).
        public var groups: [Int]
        public var shardCount: Int
    }

    /// Loads and plans `jobFile` (reading each input's metadata, as `symedge plan` does) for `symedge submit`.
    /// `output` overrides the job's output folder; `symedge` defaults to the running executable. With
    /// `savePlan`, the output folder gets `job.json` and `plan.json` now (as a sweep writes them when it starts),
    /// so `symedge status OUT` works before the first job runs.
    public static func prepare(jobFile: String, output: String?, symedge: String?,
                               savePlan: Bool = false) throws -> Prepared {
        var job = try JobSpec.load(path: jobFile)
        if let o = output { job.output = URL(fileURLWithPath: o).standardizedFileURL.path }
        let folder = SweepFolder(job.output)
        let cache = FileManager.default.fileExists(atPath: folder.root) ? folder.root : nil
        let plan = try Planner(job: job, cacheFolder: cache).plan()
        guard plan.groupCount > 0, !plan.shards.isEmpty else {
            throw SchedulerError.nothingToSubmit(reason: "\(jobFile) plans no shards (no readable inputs?)")
        }
        if savePlan {
            try folder.create()
            try folder.saveJob(job)
            try folder.savePlan(plan)
        }
        let target = try SweepTarget(jobSpec: job.jobFile, outDir: job.output, symedge: try executable(symedge),
                                     jobName: job.name)
        return Prepared(target: target, groupCount: plan.groupCount, groups: Array(0..<plan.groupCount),
                        shardCount: plan.shards.count)
    }

    /// For `symedge rerun-failed OUT --slurm`: re-plans the job saved in `OUT/job.json` (inputs are
    /// re-hashed, so a repaired input gets new shard keys) and returns the groups holding any shard without a
    /// result file, i.e. failed or missing shards.
    public static func prepareRerun(outDir: String, symedge: String?) throws -> Prepared {
        let folder = SweepFolder(outDir)
        var job = try folder.loadJob()
        job.output = folder.root
        let plan = try Planner(job: job, cacheFolder: folder.root).plan()
        let finished = folder.finishedKeys()
        let groups = Set(plan.shards.filter { !finished.contains($0.key) }.map(\.group)).sorted()
        let target = try SweepTarget(jobSpec: job.jobFile, outDir: folder.root, symedge: try executable(symedge),
                                     jobName: job.name)
        return Prepared(target: target, groupCount: plan.groupCount, groups: groups, shardCount: plan.shards.count)
    }

    static func executable(_ given: String?) throws -> String {
        if let g = given { return g }
        guard let url = Executable.url else {
            throw SchedulerError.invalidOption(option: "--symedge", value: "", reason: "cannot tell where symedge is; pass --symedge PATH")
        }
        return url.path
    }
}
