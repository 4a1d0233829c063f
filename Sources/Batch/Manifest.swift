#if canImport(Glibc)
import Glibc
#endif
import Analysis
import Foundation
import Recordings

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
    /// Finished shards and their compute seconds per measure family (`MeasureTime`; for the report).
    public var measureTimes: [String: MeasureTime]?

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
                        host: BuildInfo.hostName, writtenAt: LedgerEntry.now(),
                        measureTimes: MeasureTime.of(plan: plan, entries: Ledger.readAll(in: folder)))
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
    /// Shards whose last run was stopped while they were in flight (pending; they run again on resume), with
    /// rank, host and signal in `message`.
    public var interrupted: [Failed]?
    /// Whether `tables/` is complete and current: nil when shards are still missing, else "complete" or the
    /// reason it is not (no reduction yet, a reduction that failed, a table missing or changed).
    public var tables: String?
    /// Whether the tables are known to be incomplete or stale although every shard is done or failed.
    public var tablesIncomplete: Bool { tables != nil && tables != "complete" }

    public struct Counts: Codable, Sendable, Equatable {
        public var total = 0, done = 0, pending = 0, failed = 0
    }

    /// A shard is done when its result file exists and is intact; failed when its file is damaged, or when
    /// its last ledger entry is a failure (`failed`, or `crashed`: its rank died while it was in flight);
    /// pending otherwise. Intact means: the file size equals the `bytes` of its ledger entry, and with
    /// `verify` also its envelope checksum, its decoding, its key and the ledger's SHA-256 of the file
    /// (`SweepFolder.readCheckedShard`). Damaged files are reported here, not moved (`sweep` and
    /// `rerun-failed` move them to `OUT/damaged/` and recompute them).
    public static func compute(plan: SweepPlan, folder: SweepFolder, verify: Bool = false) -> SweepStatus {
        let finished = folder.finishedKeys()
        var last: [String: LedgerEntry] = [:]
        var lastDone: [String: LedgerEntry] = [:]
        let entries = Ledger.readAll(in: folder)
        for e in entries {
            guard let k = e.key else { continue }
            if ["done", "failed", "crashed", "interrupted", "damaged"].contains(e.event) { last[k] = e }
            if e.event == "done" { lastDone[k] = e }
        }
        var done = 0, pending = 0
        var failed: [Failed] = []
        var interrupted: [Failed] = []
        var corrupt: [String] = []
        var per: [String: Counts] = [:]
        // In-flight markers whose process died and that no run has recorded yet (e.g. every rank was killed):
        // failures too, with host and signal (#17); the next sweep records them in the ledger and reruns them.
        var orphaned: [String: InflightRecord] = [:]
        for (_, r) in InflightMarkers.orphans(in: folder) where !finished.contains(r.key) {
            if let e = last[r.key], e.time >= r.started { continue }
            orphaned[r.key] = r
        }
        for s in plan.shards {
            per[s.measureName, default: Counts()].total += 1
            if finished.contains(s.key) {
                if let problem = damage(key: s.key, folder: folder, ledger: lastDone[s.key], verify: verify) {
                    let p = folder.shardPath(key: s.key)
                    failed.append(Failed(shard: s.label(in: plan), key: s.key, file: p,
                                         message: "damaged shard file: \(problem)", time: LedgerEntry.now()))
                    corrupt.append("\(p): \(problem)")
                    per[s.measureName]!.failed += 1
                    continue
                }
                done += 1; per[s.measureName]!.done += 1; continue
            }
            if let r = orphaned[s.key], r.signal == nil, let c = r.exitStatus {
                interrupted.append(Failed(shard: s.label(in: plan), key: s.key, file: plan.recordings[s.recording].path,
                                          message: "in flight on rank \(r.rank) (pid \(r.pid) on host \(r.host)) when its "
                                              + "process exited with status \(c); it runs again on resume",
                                          time: r.ended ?? r.started))
                pending += 1; per[s.measureName]!.pending += 1
            } else if let r = orphaned[s.key] {
                let how = "died while this shard was in flight (\(r.endText))"
                failed.append(Failed(shard: s.label(in: plan), key: s.key, file: plan.recordings[s.recording].path,
                                     message: "rank \(r.rank) (pid \(r.pid) on host \(r.host)) \(how); not yet in the "
                                         + "ledger (the next sweep records it) [rank \(r.rank) on host \(r.host)"
                                         + (r.signal.map { ", signal \($0)" } ?? "") + "]",
                                     time: r.ended ?? r.started))
                per[s.measureName]!.failed += 1
            } else if let e = last[s.key], e.event == "failed" || e.event == "crashed" {
                let where_ = e.event == "crashed" ? " [rank \(e.rank ?? -1) on host \(e.host ?? "?")"
                    + (e.signal.map { ", signal \($0)" } ?? "") + "]" : ""
                failed.append(Failed(shard: s.label(in: plan), key: s.key, file: e.file ?? "",
                                     message: (e.message ?? "") + where_, time: e.time))
                per[s.measureName]!.failed += 1
            } else {
                if let e = last[s.key], e.event == "interrupted" {
                    interrupted.append(Failed(shard: s.label(in: plan), key: s.key, file: e.file ?? "",
                                              message: e.message ?? "", time: e.time))
                }
                pending += 1; per[s.measureName]!.pending += 1
            }
        }
        var st = SweepStatus(total: plan.shards.count, done: done, pending: pending, failed: failed,
                             groups: plan.groupCount, corrupt: verify ? corrupt : nil, perMeasure: per)
        if !interrupted.isEmpty { st.interrupted = interrupted }
        if pending == 0 { st.tables = tablesState(folder: folder, entries: entries) }
        return st
    }

    /// Why the shard file of `key` is not an intact result, or nil.
    static func damage(key: String, folder: SweepFolder, ledger: LedgerEntry?, verify: Bool) -> String? {
        let p = folder.shardPath(key: key)
        var st = stat()
        guard stat(p, &st) == 0 else { return "cannot stat" }
        if let b = ledger?.bytes, b != Int(st.st_size) {
            return "\(st.st_size) bytes, the ledger recorded \(b) (truncated or overwritten)"
        }
        guard verify else { return nil }
        do {
            let bytes = try folder.readCheckedShard(key: key)
            if let sum = ledger?.sha256, ShardSeal.fileDigest(bytes) != sum {
                return "SHA-256 differs from the one recorded in the ledger"
            }
        } catch let BatchError.corruptShard(_, message) { return message } catch { return "\(error)" }
        return nil
    }

    /// "complete" when `manifest.json` records a complete reduction made after the last finished shard and
    /// every table it lists is present with its SHA-256; else the reason.
    static func tablesState(folder: SweepFolder, entries: [LedgerEntry]) -> String {
        guard let data = FileManager.default.contents(atPath: folder.manifestPath),
              let m = try? JSONDecoder().decode(Manifest.self, from: data) else {
            return "no tables yet (no manifest.json): run `symedge sweep JOB --reduce-only` (or the sweep again)"
        }
        if !m.reduction.complete { return "the last reduction left some recording×state pairs out (see manifest.json)" }
        if let lastDone = entries.last(where: { $0.event == "done" })?.time, lastDone > m.writtenAt {
            return "shards finished after the last reduction (\(m.writtenAt)); it failed or did not run: "
                + "run `symedge sweep JOB --reduce-only`"
        }
        for (rel, sum) in m.reduction.tables.sorted(by: { $0.key < $1.key }) {
            let p = folder.path(rel)
            guard FileManager.default.fileExists(atPath: p) else { return "\(p) is missing" }
            if let h = try? ContentHash.sha256(file: p), h != sum { return "\(p) differs from the reduction's" }
        }
        return "complete"
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
