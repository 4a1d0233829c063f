import Analysis
import Foundation
import Recordings

/// What the reductions produced.
public struct ReductionSummary: Codable, Sendable, Equatable {
    /// (recording, state) pairs reduced into the tables.
    public var pairsReduced: Int
    /// Pairs left out because a shard is missing or failed, as `subject/session state: reason`.
    public var pairsIncomplete: [String]
    /// Table files written, relative to the output folder, with their SHA-256.
    public var tables: [String: String]
}

/// The sweep's reductions (METHODS §4–5, §10), run by rank 0 from the shard files alone:
/// surrogate blocks → surrogate mean, sd, z and verdicts (`StateAnalysis.summarize`); per-recording tables;
/// cohort tables and `cohort_statistics.csv` (`CohortStatistics`). Written with `AnalysisOutput`, so the
/// columns and bytes are those of `symedge analyze`. Inputs are taken in plan order and every writer sorts,
/// so the tables do not depend on rank count, shard order or reruns.
public enum Reductions {
    /// Per-recording tables go to `tables/recordings/<subject>_<session>/`.
    public static let recordingsFolder = "recordings"

    public static func run(plan: SweepPlan, folder: SweepFolder) throws -> ReductionSummary {
        let p = plan.job.parameters
        let writeSecondary = p.surrogateKinds.count > 1
        var cohort = TidyTables()
        var perRecording: [Int: TidyTables] = [:]
        var statesOf: [Int: [String]] = [:]
        var incomplete: [String] = []
        var reduced = 0
        let finished = folder.finishedKeys()
        for pair in plan.pairs {
            let rec = plan.recordings[pair.recording]
            let absent = pair.shards.filter { !finished.contains($0.key) }
            if !absent.isEmpty {
                incomplete.append("\(rec.recordingID) \(pair.state): \(absent.count) of \(pair.shards.count) shards "
                                  + "not done (\(absent.map { $0.block.description }.joined(separator: ", ")))")
                continue
            }
            var observed: MeasureSet?
            var surrogates: [Member: MeasureSet] = [:]
            for s in pair.shards {
                let path = folder.shardPath(key: s.key)
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw BatchError.io(path: path, message: "cannot read shard file")
                }
                let r = try ShardResult(decoding: [UInt8](data), source: path)
                for (m, set) in r.members {
                    if m == .observed { observed = set } else { surrogates[m] = set }
                }
            }
            guard let obs = observed else {
                incomplete.append("\(rec.recordingID) \(pair.state): no observed member"); continue
            }
            let summary = StateAnalysis.summarize(subject: rec.subject, session: rec.session, state: pair.state,
                                                  observed: obs, surrogates: surrogates, parameters: p)
            let secondary = StateAnalysis.secondarySurrogates(subject: rec.subject, session: rec.session,
                                                              state: pair.state, observed: obs,
                                                              surrogates: surrogates, parameters: p)
            perRecording[pair.recording, default: TidyTables()].append(summary, secondary: secondary)
            statesOf[pair.recording, default: []].append(pair.state)
            cohort.append(summary, secondary: secondary)
            reduced += 1
        }
        let tablesDir = folder.tablesDirectory
        for (ri, tables) in perRecording.sorted(by: { $0.key < $1.key }) {
            let rec = plan.recordings[ri]
            let name = TidyCSV.fileSafe(rec.session.isEmpty ? rec.subject : "\(rec.subject)_\(rec.session)")
            try AnalysisOutput.write(tables, writeSecondary: writeSecondary,
                                     to: "\(tablesDir)/\(recordingsFolder)/\(name)")
        }
        let cohortRows = CohortStatistics.compute(cohort.orderParameters, resamples: plan.job.bootstrapResamples, seed: p.seed)
        try AnalysisOutput.write(cohort, cohort: cohortRows, writeSecondary: writeSecondary, to: tablesDir)

        var hashes: [String: String] = [:]
        let fm = FileManager.default
        for rel in ((try? fm.subpathsOfDirectory(atPath: tablesDir)) ?? []).sorted()
        where rel.hasSuffix(".csv") && !(rel as NSString).lastPathComponent.hasPrefix(".") {
            hashes["tables/" + rel] = try ContentHash.sha256(file: "\(tablesDir)/\(rel)")
        }
        return ReductionSummary(pairsReduced: reduced, pairsIncomplete: incomplete, tables: hashes)
    }
}
