import Analysis
import Foundation
import Kernels
import Recordings

/// What the reductions produced.
public struct ReductionSummary: Codable, Sendable, Equatable {
    /// (recording, state) pairs reduced into the tables.
    public var pairsReduced: Int
    /// Pairs left out because a shard is missing or failed, as `subject/session state: reason`.
    public var pairsIncomplete: [String]
    /// Table files written, relative to the output folder, with their SHA-256.
    public var tables: [String: String]
    /// (recording, state, family) units of the METHODS §6–9 families reduced into `family_measures.csv` and
    /// `family_curves.csv` (nil when the job has no family).
    public var familiesReduced: Int?
    /// Family units left out because a shard is missing or failed, as
    /// `subject/session state family: reason` — their rows are absent from the family tables.
    public var familiesIncomplete: [String]?

    public init(pairsReduced: Int, pairsIncomplete: [String], tables: [String: String],
                familiesReduced: Int? = nil, familiesIncomplete: [String]? = nil) {
        self.pairsReduced = pairsReduced; self.pairsIncomplete = pairsIncomplete; self.tables = tables
        self.familiesReduced = familiesReduced; self.familiesIncomplete = familiesIncomplete
    }

    /// Whether every balance pair and every family unit was reduced.
    public var complete: Bool { pairsIncomplete.isEmpty && (familiesIncomplete ?? []).isEmpty }
}

/// The sweep's reductions (METHODS §4–5, §10), run by rank 0 from the shard files alone:
/// surrogate blocks → surrogate mean, sd, z and verdicts (`StatePipeline.reduce`); per-recording tables with the
/// observed shards' curves and series (`curves/`, `series/`, as `analyze` writes them);
/// cohort tables and `cohort_statistics.csv` (`CohortStatistics`). Written with `AnalysisOutput`, so the
/// columns and bytes are those of `symedge analyze`. Inputs are taken in plan order and every writer sorts,
/// so the tables do not depend on rank count, shard order or reruns.
public enum Reductions {
    /// Per-recording tables go to `tables/recordings/<subject>_<session>/`.
    public static let recordingsFolder = "recordings"

    /// - Parameter temporariesOlderThan: hidden temporaries under `tables/` at least this old (s) are removed;
    ///   0 when this run holds the folder's lock alone (no other writer can be live).
    public static func run(plan: SweepPlan, folder: SweepFolder, temporariesOlderThan: Double = 0) throws -> ReductionSummary {
        let p = plan.job.parameters
        let writeSecondary = p.surrogateKinds.count > 1
        var cohort = TidyTables()
        var perRecording: [Int: TidyTables] = [:]
        // The observed shards' curves and series, by recording (written beside its tables, as `analyze` does).
        var curvesOf: [Int: [(state: String, curve: StateCurve)]] = [:]
        var seriesOf: [Int: [SeriesTable]] = [:]
        var statesOf: [Int: [String]] = [:]
        var incomplete: [String] = []
        var reduced = 0
        let finished = folder.finishedKeys()
        // Families first: the seizure family's S(t) criterion enters the balance verdict (METHODS §4).
        var seizureDeviation: [String: Double] = [:]
        var familiesReduced = 0
        var familiesIncomplete: [String] = []
        for unit in plan.familyUnits {
            let rec = plan.recordings[unit.recording]
            let name = "\(rec.recordingID) \(unit.state) \(unit.family.rawValue)"
            let absent = unit.shards.filter { !finished.contains($0.key) }
            if !absent.isEmpty {
                familiesIncomplete.append("\(name): \(absent.count) of \(unit.shards.count) shards not done ("
                                          + absent.map { "\($0.part ?? .whole) \($0.block)" }.joined(separator: ", ") + ")")
                continue
            }
            let f: FamilyResult
            do {
                f = try reduceFamily(unit.shards, family: unit.family, state: unit.state, plan: plan, folder: folder)
            } catch let BatchError.corruptShard(path, message) {
                // Damaged since the sweep checked it: moved aside, so the next run computes it again.
                let d = folder.quarantine(key: String((path as NSString).lastPathComponent.dropLast(6)), reason: message)
                familiesIncomplete.append("\(name): damaged shard file \(path) (\(message)), moved to \(d.movedTo ?? "nowhere")")
                continue
            }
            if unit.family == .seizure, let d = f.seizureDeviationSD(state: unit.state) {
                seizureDeviation["\(unit.recording)\u{1F}\(unit.state)"] = d
            }
            perRecording[unit.recording, default: TidyTables()].append(f)
            cohort.append(f)
            familiesReduced += 1
        }
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
            var damaged: String?
            var curves: [StateCurve] = [], series: [SeriesTable] = []
            for s in pair.shards {
                let path = folder.shardPath(key: s.key)
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw BatchError.io(path: path, message: "cannot read shard file")
                }
                let r: ShardResult
                do { r = try ShardResult(decoding: [UInt8](data), source: path) } catch let BatchError.corruptShard(_, message) {
                    // Damaged since the sweep checked it: moved aside, so the next run computes it again.
                    let d = folder.quarantine(key: s.key, reason: message)
                    damaged = "\(s.block): damaged shard file \(path) (\(message)), moved to \(d.movedTo ?? "nowhere")"
                    break
                }
                for (m, set) in r.members {
                    if m == .observed { observed = set } else { surrogates[m] = set }
                }
                curves += r.curves
                series += r.series
            }
            if let d = damaged { incomplete.append("\(rec.recordingID) \(pair.state): \(d)"); continue }
            guard let obs = observed else {
                incomplete.append("\(rec.recordingID) \(pair.state): no observed member"); continue
            }
            let (summary, secondary) = StatePipeline.reduce(
                subject: rec.subject, session: rec.session, state: pair.state, observed: obs, surrogates: surrogates,
                parameters: p, seizureDeviationSD: seizureDeviation["\(pair.recording)\u{1F}\(pair.state)"])
            perRecording[pair.recording, default: TidyTables()].append(summary, secondary: secondary)
            statesOf[pair.recording, default: []].append(pair.state)
            cohort.append(summary, secondary: secondary)
            curvesOf[pair.recording, default: []] += curves.map { (pair.state, $0) }
            seriesOf[pair.recording, default: []] += series
            reduced += 1
        }
        let tablesDir = folder.tablesDirectory
        TablesFolder.prune(tablesDir, recordingsFolder: recordingsFolder, temporariesOlderThan: temporariesOlderThan, keeping: Set(perRecording.keys.map { ri in
            let rec = plan.recordings[ri]
            return TidyCSV.fileSafe(rec.session.isEmpty ? rec.subject : "\(rec.subject)_\(rec.session)")
        }))
        for (ri, tables) in perRecording.sorted(by: { $0.key < $1.key }) {
            let rec = plan.recordings[ri]
            let name = TidyCSV.fileSafe(rec.session.isEmpty ? rec.subject : "\(rec.subject)_\(rec.session)")
            let dir = "\(tablesDir)/\(recordingsFolder)/\(name)"
            let curves = curvesOf[ri] ?? [], series = seriesOf[ri] ?? []
            try AnalysisOutput.write(tables, curves: curves, series: series, writeSecondary: writeSecondary, to: dir)
            TablesFolder.pruneProducts(dir, curves: Set(curves.map { AnalysisOutput.curveTable(state: $0.state, $0.curve).fileName }),
                                       series: Set(series.map(\.fileName)))
        }
        let cohortRows = CohortStatistics.compute(cohort.orderParameters, resamples: plan.job.bootstrapResamples, seed: p.seed)
        try AnalysisOutput.write(cohort, cohort: cohortRows, writeSecondary: writeSecondary, to: tablesDir)

        var hashes: [String: String] = [:]
        let fm = FileManager.default
        for rel in ((try? fm.subpathsOfDirectory(atPath: tablesDir)) ?? []).sorted()
        where rel.hasSuffix(".csv") && !(rel as NSString).lastPathComponent.hasPrefix(".") {
            hashes["tables/" + rel] = try ContentHash.sha256(file: "\(tablesDir)/\(rel)")
        }
        let hasFamilies = !plan.job.families.isEmpty
        return ReductionSummary(pairsReduced: reduced, pairsIncomplete: incomplete, tables: hashes,
                                familiesReduced: hasFamilies ? familiesReduced : nil,
                                familiesIncomplete: hasFamilies ? familiesIncomplete : nil)
    }

    /// One (recording, state, family): the observed member (LFP channel blocks concatenated; spatial pair blocks
    /// assembled into the N × N matrices and turned into rows and curves by `SpatialAnalysis.rows`), scored
    /// against the surrogate members with `FamilyAnalysis.score` using the job's first surrogate kind — as
    /// `symedge analyze --families` does.
    static func reduceFamily(_ shards: [Shard], family: MeasureFamily, state: String, plan: SweepPlan,
                             folder: SweepFolder) throws -> FamilyResult {
        var observed = FamilyResult()
        var surrogates: [FamilyResult] = []
        var moments: [SpatialBlockMoments] = []
        var layout: SpatialLayout?
        for s in shards {
            let path = folder.shardPath(key: s.key)
            guard let data = FileManager.default.contents(atPath: path) else {
                throw BatchError.io(path: path, message: "cannot read shard file")
            }
            let r = try FamilyShardResult(decoding: [UInt8](data), source: path)
            if let m = r.moments { moments += m }
            if layout == nil, let l = r.layout { layout = l }
            for m in r.members {
                if m.member == .observed { observed.append(m.result) } else { surrogates.append(m.result) }
            }
        }
        if family == .spatial, let layout {
            observed = spatialRows(moments: moments, layout: layout, state: state,
                                   parameters: plan.job.familyParametersInEffect)
        }
        return FamilyAnalysis.score(observed: observed, surrogates: surrogates,
                                    kind: plan.job.parameters.surrogateKinds.first ?? .circularShift)
    }

    /// The §7 rows and curves from pair-block moments: per bin size, each block's correlations
    /// (`SpatialCorrelation.correlations`), assembled into the full matrix (`SpatialCorrelation.assemble`).
    /// The moments are integer sums, so this equals a single-process `FamilyAnalysis.run` exactly.
    public static func spatialRows(moments: [SpatialBlockMoments], layout: SpatialLayout, state: String,
                                   parameters: FamilyParameters) -> FamilyResult {
        let n = layout.units.count
        var matrices: [Double: SpatialCorrelation.Block] = [:]
        for w in Set(moments.map(\.binMilliseconds)) {
            let blocks = moments.filter { $0.binMilliseconds == w }
                .sorted { ($0.rows.lowerBound, $0.columns.lowerBound) < ($1.rows.lowerBound, $1.columns.lowerBound) }
                .map { SpatialCorrelation.correlations($0.moments) }
            matrices[w] = SpatialCorrelation.assemble(blocks, units: n)
        }
        let empty = SpatialCorrelation.assemble([], units: n)    // all NaN: no pair computed
        return SpatialAnalysis.rows(recording: layout.recording, state: state, parameters: parameters, curves: true) {
            matrices[$0] ?? empty
        }
    }
}
