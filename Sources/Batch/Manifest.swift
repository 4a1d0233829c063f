import Analysis
import Foundation

/// `OUT/manifest.json`: what a sweep output folder holds and how it was made (METHODS §10).
public struct Manifest: Codable, Sendable {
    public struct Input: Codable, Sendable {
        public var path: String
        public var sha256: String
        public var subject: String
        public var session: String
        public var unitsE: Int
        public var unitsI: Int
        public var states: [String]
        public var readError: String?
    }
    public var program: String
    public var commit: String
    public var job: String
    public var jobFile: String
    public var parameters: AnalysisParameters
    public var measures: [String]
    /// METHODS §6–9 parameters in effect (seed = the job's seed) and the family sharding, when the job names a
    /// family.
    public var familyParameters: FamilyParameters?
    public var lfpChannelsPerShard: Int?
    public var spatialBlockUnits: Int?
    /// Shards per measure family (`balance`, `lfp`, `spatial`, …).
    public var shardsPerMeasure: [String: Int]?
    public var scaleBand: String
    public var inputs: [Input]
    public var shards: Int
    public var shardsDone: Int
    public var shardsFailed: Int
    public var shardsPending: Int
    public var groups: Int
    /// The last sweep run in this folder (nil after `--reduce-only`).
    public var lastRun: SweepSummary?
    public var reduction: ReductionSummary
    public var host: String
    public var writtenAt: String

    public static func make(plan: SweepPlan, folder: SweepFolder, run: SweepSummary?,
                            reduction: ReductionSummary) -> Manifest {
        let status = SweepStatus.compute(plan: plan, folder: folder)
        let fam = !plan.job.families.isEmpty
        return Manifest(program: plan.programVersion, commit: BuildInfo.gitCommit, job: plan.job.name,
                        jobFile: plan.job.jobFile, parameters: plan.job.parameters, measures: plan.job.measures,
                        familyParameters: fam ? plan.job.familyParametersInEffect : nil,
                        lfpChannelsPerShard: fam ? plan.job.lfpChannelsPerShard : nil,
                        spatialBlockUnits: fam ? plan.job.spatialBlockUnits : nil,
                        shardsPerMeasure: plan.shardsPerMeasure,
                        scaleBand: plan.scaleBand,
                        inputs: plan.recordings.map {
                            Input(path: $0.path, sha256: $0.contentHash, subject: $0.subject, session: $0.session,
                                  unitsE: $0.unitsE, unitsI: $0.unitsI, states: $0.states.map(\.name),
                                  readError: $0.readError)
                        },
                        shards: plan.shards.count, shardsDone: status.done, shardsFailed: status.failed.count,
                        shardsPending: status.pending, groups: plan.groupCount, lastRun: run, reduction: reduction,
                        host: BuildInfo.hostName, writtenAt: LedgerEntry.now())
    }

    public func write(to folder: SweepFolder) throws {
        try AtomicFile.write(try SweepFolder.encoder.encode(self), to: folder.manifestPath)
    }
}

/// Done, pending and failed shards of an output folder, against a plan.
public struct SweepStatus: Codable, Sendable, Equatable {
    public struct Failed: Codable, Sendable, Equatable {
        public var shard: String
        public var key: String
        public var file: String
        public var message: String
        public var time: String
    }
    public var total: Int
    public var done: Int
    public var pending: Int
    public var failed: [Failed]
    public var groups: Int
    /// Visible files under `shards/` that are not complete shard results (filled by `verify`; must stay empty).
    public var corrupt: [String]?
    /// Counts per measure family (`balance`, `lfp`, `spatial`, `avalanches`, `seizure`).
    public var perMeasure: [String: Counts]?

    public struct Counts: Codable, Sendable, Equatable {
        public var total = 0, done = 0, pending = 0, failed = 0
    }

    /// A shard is done when its result file exists; failed when not done and its last ledger entry is a
    /// failure; pending otherwise.
    public static func compute(plan: SweepPlan, folder: SweepFolder) -> SweepStatus {
        let finished = folder.finishedKeys()
        var last: [String: LedgerEntry] = [:]
        for e in Ledger.readAll(in: folder) {
            if let k = e.key, e.event == "done" || e.event == "failed" { last[k] = e }
        }
        var done = 0, pending = 0
        var failed: [Failed] = []
        var per: [String: Counts] = [:]
        for s in plan.shards {
            per[s.measureName, default: Counts()].total += 1
            if finished.contains(s.key) { done += 1; per[s.measureName]!.done += 1; continue }
            if let e = last[s.key], e.event == "failed" {
                failed.append(Failed(shard: s.label(in: plan), key: s.key, file: e.file ?? "",
                                     message: e.message ?? "", time: e.time))
                per[s.measureName]!.failed += 1
            } else { pending += 1; per[s.measureName]!.pending += 1 }
        }
        return SweepStatus(total: plan.shards.count, done: done, pending: pending, failed: failed,
                           groups: plan.groupCount, corrupt: nil, perMeasure: per)
    }

    /// Decodes every visible file under `shards/`; returns those that are not complete shard results.
    /// Hidden `.tmp-*` files are a killed writer's leftovers and are never read as results.
    public static func verify(folder: SweepFolder) -> [String] {
        var bad: [String] = []
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.shardsDirectory)) ?? []).sorted()
        for n in names where !n.hasPrefix(".") {
            let p = (folder.shardsDirectory as NSString).appendingPathComponent(n)
            guard n.hasSuffix(".shard"), let data = FileManager.default.contents(atPath: p) else {
                bad.append("\(p): not a shard result"); continue
            }
            do {
                let prov = try ShardFile.provenance(of: [UInt8](data), source: p)
                if prov.key + ".shard" != n { bad.append("\(p): holds key \(prov.key)") }
            } catch { bad.append("\(error)") }
        }
        return bad
    }
}
