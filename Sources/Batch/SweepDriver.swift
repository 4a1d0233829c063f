import Analysis
import Foundation
import Logging
import MPI

/// The whole of `symedge sweep` / `rerun-failed` on every rank: plan on rank 0, share the plan, run the
/// shards, reduce, write the manifest. The CLI only parses arguments and calls this.
public enum SweepDriver {
    public struct Request: Sendable {
        /// How rank 0 obtains the job (from a YAML file, or from an output folder's `job.json`).
        public var loadJob: @Sendable () throws -> JobSpec
        /// Overrides the job's output folder.
        public var output: String?
        public var group: Int?
        public var reduceOnly: Bool
        public var options: SweepOptions
        /// Break the output folder's lock when its holder is gone (`FolderLock`).
        public var forceLock: Bool
        /// Hash and read every input again, ignoring `input-cache.json`.
        public var rehash = false

        public init(loadJob: @escaping @Sendable () throws -> JobSpec, output: String? = nil, group: Int? = nil,
                    reduceOnly: Bool = false, options: SweepOptions = SweepOptions(), forceLock: Bool = false) {
            self.loadJob = loadJob; self.output = output; self.group = group; self.reduceOnly = reduceOnly
            self.options = options; self.forceLock = forceLock
        }
    }

    /// What rank 0 reports. Exit codes: 0 all done and reduced; 3 some shards failed (the rest are reduced);
    /// 4 tables are incomplete (shards missing, e.g. `--reduce-only` before every group finished).
    public struct Outcome: Sendable {
        public var summary: SweepSummary?
        public var reduction: ReductionSummary?
        public var folder: String
        public var exitCode: Int32
        public var lines: [String]
        /// Other ranks may still be computing (a stop whose grace ran out): after printing `lines`, end every
        /// rank with `Communicator.abort(code: exitCode)` instead of finalising MPI (which would wait for them).
        public var abortRanks = false
    }

    /// Runs on every rank; returns the outcome on rank 0 and nil on the others.
    public static func run(_ req: Request, world: Communicator, factory: @escaping ShardComputerFactory,
                           logger: Logger) throws -> Outcome? {
        var planned: Result<SweepPlan, Error>? = nil
        var folder = SweepFolder(".")
        // Rank 0 reads the job and finds the inputs; every rank hashes and reads its share of them
        // (round robin), rank 0 gathers the results and cuts the shards.
        var setup: Result<(JobSpec, [String]), Error>? = nil
        var lock: FolderLock?       // held by rank 0 until the run ends
        defer { withExtendedLifetime(lock) {} }
        if world.rank == 0 {
            setup = Result {
                var job = try req.loadJob()
                if let o = req.output { job.output = URL(fileURLWithPath: o).standardizedFileURL.path }
                let f = SweepFolder(job.output)
                try f.create()
                // Array tasks and the reduce job share the lock (a frozen task on a partitioned node must not
                // block the reduction); a full sweep or rerun holds it alone.
                lock = try FolderLock(folder: f, shared: req.group != nil || req.reduceOnly, force: req.forceLock)
                try f.saveJob(job)
                return (job, try InputResolver.recordingPaths(job.inputs, jobFile: job.jobFile))
            }
        }
        let distributed = !req.reduceOnly && world.size > 1
        var shared: (JobSpec, [String])?
        if distributed {
            var bytes: [UInt8] = []
            if case let .success((job, paths))? = setup {
                bytes = [UInt8](try JSONEncoder().encode(PlanningSetup(job: job, paths: paths)))
            }
            bytes = try world.broadcast(bytes: bytes, root: 0)
            if let s = try? JSONDecoder().decode(PlanningSetup.self, from: Data(bytes)) { shared = (s.job, s.paths) }
        } else if case let .success(s)? = setup { shared = s }
        var mine: [UInt8] = []
        if let (job, paths) = shared {
            let planner = Planner(job: job, cacheFolder: req.rehash ? nil : job.output)
            mine = [UInt8](try JSONEncoder().encode(planner.infos(paths: paths, offset: world.rank,
                                                                  stride: distributed ? world.size : 1)))
        }
        let gathered = distributed ? try world.gatherv(mine, root: 0) : (values: mine, counts: [mine.count])
        if world.rank == 0 {
            planned = Result {
                let (job, paths) = try setup!.get()
                var parts: [[RecordingInfo]] = []
                var offset = 0
                for c in gathered.counts {
                    let slice = Array(gathered.values[offset ..< offset + c])
                    parts.append(try JSONDecoder().decode([RecordingInfo].self, from: Data(slice)))
                    offset += c
                }
                // Round robin back to path order: path i came from rank i % size, as its (i / size)-th entry.
                let n = parts.count
                let infos = paths.indices.map { parts[$0 % n][$0 / n] }
                let plan = try Planner(job: job, cacheFolder: job.output).finish(infos: infos)
                for d in plan.duplicates ?? [] { logger.warning("duplicate input: \(d)") }
                try SweepFolder(job.output).savePlan(plan)
                return plan
            }
            if case let .success(p) = planned { folder = SweepFolder(p.job.output) }
        }
        if req.reduceOnly {
            guard world.rank == 0, let p = try planned?.get() else { return nil }
            return try reduce(plan: p, folder: folder, run: nil, logger: logger, exclusive: false)
        }
        let plan = try Sweep.share(plan: planned, world: world)
        folder = SweepFolder(plan.job.output)
        RankGuard.announce(folder: folder.root)     // where this rank's guard records a death (#17)
        if let g = req.group, !(0..<plan.groupCount).contains(g) {
            throw BatchError.noSuchGroup(g, groups: plan.groupCount)    // on every rank: nobody waits
        }
        var opts = req.options
        opts.group = req.group
        let executed: SweepSummary?
        do {
            executed = try Sweep.execute(plan: plan, folder: folder, world: world, options: opts, factory: factory,
                                         logger: logger)
        } catch {
            // A fatal error on any rank (a full or read-only disk, a lost peer): the other ranks may be blocked in
            // a send or waiting for work, so finalising would hang. Log it once, then end every rank.
            let all = world.size > 1 ? "; stopping all \(world.size) ranks" : ""
            logger.error("fatal on rank \(world.rank) (host \(BuildInfo.hostNameShort)): \(error)\(all)")
            if world.size > 1 { world.abort(code: 1) }
            throw AlreadyReported(underlying: error)
        }
        guard let summary = executed else { return nil }
        // A worker rank died: MPI cannot finalise without it, so every rank ends with MPI_Abort after the report.
        let lost = !(summary.crashedRanks ?? []).isEmpty && world.size > 1
        var out = try report(summary, plan: plan, folder: folder, group: req.group, world: world, logger: logger)
        if lost {
            out.abortRanks = true
            if out.exitCode == 0 { out.exitCode = 3 }
            out.lines.append("rank(s) \((summary.crashedRanks ?? []).map(String.init).joined(separator: ", ")) died "
                             + "during the run (see the failures above); `symedge rerun-failed \(folder.root)` (or "
                             + "`--slurm`) runs their shards again")
        }
        return out
    }

    /// Rank 0's outcome of a run that ended: the summary lines, then the reduction or the reason there is none.
    static func report(_ summary: SweepSummary, plan: SweepPlan, folder: SweepFolder, group: Int?,
                       world: Communicator, logger: Logger) throws -> Outcome {
        var lines = [summaryLine(summary)]
        for f in summary.failures { lines.append("  failed: \(f.shard): \(f.file): \(f.message)") }
        if let n = summary.interrupted {
            let sig = summary.signal.map { " (signal \($0))" } ?? ""
            let abandoned = summary.abandoned ?? 0
            lines.append("interrupted by a stop request\(sig): \(n) shard(s) not finished"
                         + (abandoned > 0 ? ", \(abandoned) of them abandoned while running when the stop grace ran out" : "")
                         + "; finished shards are kept. Run the same command again to resume.")
            var o = Outcome(summary: summary, reduction: nil, folder: folder.root, exitCode: 75, lines: lines)
            o.abortRanks = abandoned > 0 && world.size > 1
            return o
        }
        if let g = group {
            lines.append("group \(g) finished; run `symedge sweep JOB --reduce-only` after every group for the tables")
            return Outcome(summary: summary, reduction: nil, folder: folder.root,
                           exitCode: summary.failures.isEmpty ? 0 : 3, lines: lines)
        }
        var out = try reduce(plan: plan, folder: folder, run: summary, logger: logger)
        out.lines = lines + out.lines
        if !summary.failures.isEmpty {
            out.exitCode = 3
            out.lines.append("\(summary.failures.count) shard(s) failed; fix the inputs and run "
                             + "`symedge rerun-failed \(folder.root)`")
        }
        return out
    }

    /// An error the driver has already logged (the CLI only sets the exit status).
    public struct AlreadyReported: Error, CustomStringConvertible {
        public let underlying: Error
        public var description: String { "\(underlying)" }
    }

    struct PlanningSetup: Codable {
        var job: JobSpec
        var paths: [String]
    }

    static func reduce(plan: SweepPlan, folder: SweepFolder, run: SweepSummary?, logger: Logger,
                       exclusive: Bool = true) throws -> Outcome {
        let red = try Reductions.run(plan: plan, folder: folder, temporariesOlderThan: exclusive ? 0 : 600)
        try Manifest.make(plan: plan, folder: folder, run: run, reduction: red).write(to: folder)
        if let l = try? Ledger(path: folder.ledgerPath(group: nil)) {
            try? l.append(LedgerEntry(event: "reduced", message: "\(red.pairsReduced) pairs reduced, "
                                      + "\(red.pairsIncomplete.count) incomplete"
                                      + (red.familiesReduced.map { "; \($0) family units reduced, "
                                          + "\(red.familiesIncomplete?.count ?? 0) incomplete" } ?? "")))
        }
        var lines = ["tables: \(folder.tablesDirectory) (\(red.pairsReduced) recording×state pairs"
                     + (red.pairsIncomplete.isEmpty ? ")" : ", \(red.pairsIncomplete.count) incomplete and left out)")]
        for i in red.pairsIncomplete { lines.append("  incomplete: \(i)") }
        if let n = red.familiesReduced {
            let absent = red.familiesIncomplete ?? []
            lines.append("family tables: \(n) recording×state×family units"
                         + (absent.isEmpty ? "" : ", \(absent.count) incomplete: their rows are absent from "
                            + "family_measures.csv and family_curves.csv"))
            for i in absent { lines.append("  incomplete family: \(i)") }
        }
        lines.append("manifest: \(folder.manifestPath)")
        return Outcome(summary: run, reduction: red, folder: folder.root,
                       exitCode: red.complete ? 0 : 4, lines: lines)
    }

    static func summaryLine(_ s: SweepSummary) -> String {
        String(format: "sweep: %d shards, %d already done, %d succeeded, %d failed on %d rank(s) in %.2f s "
               + "(compute %.2f s, coordinator busy %.3f s, %d result bytes)",
               s.planned, s.alreadyDone, s.succeeded, s.failures.count, s.ranks, s.wallSeconds, s.computeSeconds,
               s.coordinatorBusySeconds, s.resultBytes)
    }
}
