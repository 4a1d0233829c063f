import Analysis
import Foundation
import Report

/// A synthetic cohort written through the real output path (`StateAnalysis.summarize` → `AnalysisOutput`),
/// so the report tests do not depend on the kernels. Values are smooth closed forms with deterministic noise.
enum ReportFixture {
    static let states = ["wake", "nrem_light", "nrem_deep", "rem"]

    struct Noise {
        var rng: CohortRNG
        init(_ seed: UInt64) { rng = CohortRNG(seed: seed) }
        mutating func uniform() -> Double { (Double(rng.next() >> 11) + 0.5) / 9007199254740992.0 }
        mutating func normal() -> Double {
            (-2 * log(uniform())).squareRoot() * cos(2 * .pi * uniform())
        }
    }

    /// Observed and surrogate measure sets of one (subject, state).
    static func sets(subject: Int, state: Int, surrogates: Int, noise: inout Noise) -> (MeasureSet, [Member: MeasureSet]) {
        let strength = [0.8, 0.7, 0.45, 0.75][state] + 0.03 * Double(subject)
        func make(_ surrogate: Bool) -> MeasureSet {
            var m = MeasureSet()
            let k = surrogate ? 0.0 : 1.0
            for s in 1...32 {
                let dt = AnalysisParameters.scaleMilliseconds(s)
                let r = k * strength * (1 - exp(-Double(s - 1) / 9)) + 0.03 * noise.normal()
                m.values[MeasureKey("pearson_r", scale: s)] = r
                m.values[MeasureKey("fluctuation_variance", scale: s)] = 5 * pow(dt, -(k == 1 ? 0.75 + 0.1 * Double(state) : 1)) * (1 + 0.05 * noise.normal())
                m.values[MeasureKey("xcorr_peak_lag_ms", scale: s)] = k == 1 ? (state == 2 ? 0.3 * dt : 0) : dt * Double(Int(noise.uniform() * 9) - 4)
                m.values[MeasureKey("xcorr_peak", scale: s)] = abs(r) + 0.02
                m.values[MeasureKey("ks_d", scale: s)] = 0.05 + 0.2 * (1 - k * strength) + 0.01 * noise.normal()
                m.values[MeasureKey("qq_slope", scale: s)] = 1 + 0.3 * (1 - k * strength) * (noise.uniform() - 0.5)
                m.values[MeasureKey("partition_gini_e", scale: s)] = 0.9 * exp(-Double(s) / 10) + 0.01 * noise.normal()
                m.values[MeasureKey("partition_gini_i", scale: s)] = 0.85 * exp(-Double(s) / 11) + 0.01 * noise.normal()
            }
            let feats = ["contrast": 2.0, "dissimilarity": 1.0, "homogeneity": 0.6, "energy": 0.05, "entropy": 4.0,
                         "correlation": 0.5]
            for (f, base) in feats {
                for d in 1...5 {
                    let grow = (f == "contrast" || f == "entropy" || f == "dissimilarity") ? 1 + 0.1 * Double(d) : 1 - 0.05 * Double(d)
                    m.values[MeasureKey("glcm_\(f)_d\(d)")] = base * grow * (1 + 0.1 * Double(state)) * (1 + 0.02 * noise.normal())
                }
            }
            m.values[MeasureKey("r_bar")] = k * strength * 0.8 + 0.02 * noise.normal()
            m.values[MeasureKey("collapse_spread")] = (k == 1 ? 0.05 + 0.1 * Double(state == 2 ? 1 : 0) : 0.3) + 0.02 * noise.normal()
            m.values[MeasureKey("theta_bar_deg")] = (state == 2 ? 14 : 2) + noise.normal()
            m.values[MeasureKey("variance_beta")] = 0.75 + 0.1 * Double(state) + 0.02 * noise.normal()
            m.values[MeasureKey("variance_beta_se")] = 0.02
            m.values[MeasureKey("width_scale20")] = 0.2 + 0.05 * noise.normal()
            m.values[MeasureKey("asymmetry_mean")] = 0.1 + 0.02 * noise.normal()
            m.values[MeasureKey("xcorr_lag_scale10_ms")] = state == 2 ? 3 : 0
            return m
        }
        let obs = make(false)
        var sur: [Member: MeasureSet] = [:]
        for i in 0..<surrogates {
            sur[.surrogate(.isiPermutation, i)] = make(true)
            sur[.surrogate(.circularShift, i)] = make(true)
        }
        return (obs, sur)
    }

    /// Collapse curve of `n` normal samples resampled to 101 points; Lorenz curve of Poisson-like counts.
    static func curves(scale: Int, noise: inout Noise) -> [StateCurve] {
        let n = 400
        let f = (0..<n).map { _ in noise.normal() }.sorted()
        var c = [0.0]
        for v in f { c.append(c.last! + v) }
        let xs = (0...100).map { Double($0) / 100 }
        let cy = xs.map { c[Int(($0 * Double(n)).rounded())] }
        let counts = (0..<n).map { _ in Double(Int(-log(noise.uniform()) * Double(3 + scale))) }.sorted()
        var cum = [0.0]
        for v in counts { cum.append(cum.last! + v) }
        let total = max(cum.last!, 1)
        let ly = xs.map { cum[Int(($0 * Double(n)).rounded())] / total }
        return [StateCurve(kind: "collapse", scaleIndex: scale, x: xs, y: cy),
                StateCurve(kind: "partition_e", scaleIndex: scale, x: xs, y: ly),
                StateCurve(kind: "partition_i", scaleIndex: scale, x: xs, y: ly.map { pow($0, 1.05) })]
    }

    static func series(state: String, scale: Int, noise: inout Noise) -> SeriesTable {
        var e: [Double] = [], i: [Double] = []
        var shared = 0.0
        for _ in 0..<600 {
            shared = 0.9 * shared + 0.3 * noise.normal()
            e.append(max(0, 1 + shared + 0.3 * noise.normal()) * Double(scale))
            i.append(max(0, 1 + shared + 0.3 * noise.normal()) * Double(scale) * 1.1)
        }
        return SeriesTable(state: state, scaleIndex: scale, e: e, i: i)
    }

    /// Writes an analyze-layout folder (one recording) at `dir`.
    static func writeAnalyzeFolder(_ dir: String, surrogates: Int = 20) throws {
        var noise = Noise(1)
        var tables = TidyTables()
        var curves: [(state: String, curve: StateCurve)] = []
        var series: [SeriesTable] = []
        var p = AnalysisParameters()
        p.surrogateCount = surrogates
        for (si, state) in states.enumerated() {
            let (obs, sur) = sets(subject: 0, state: si, surrogates: surrogates, noise: &noise)
            tables.append(StateAnalysis.summarize(subject: "demo01", session: "night1", state: state, observed: obs,
                                                  surrogates: sur, parameters: p),
                          secondary: StateAnalysis.secondarySurrogates(subject: "demo01", session: "night1",
                                                                       state: state, observed: obs, surrogates: sur,
                                                                       parameters: p))
            for s in 1...32 { for c in self.curves(scale: s, noise: &noise) { curves.append((state, c)) } }
            // Surrogate collapse reference: near the normal shape, sd largest mid-curve.
            let xs = (0...100).map { Double($0) / 100 }
            curves.append((state, StateCurve(kind: StateAnalysis.collapseSurrogateMeanKind, scaleIndex: 0, x: xs,
                                             y: xs.map { 0.97 * Figures.normalCollapse($0) })))
            curves.append((state, StateCurve(kind: StateAnalysis.collapseSurrogateSDKind, scaleIndex: 0, x: xs,
                                             y: xs.map { 0.06 * sin(.pi * $0) })))
            for s in [15, 20, 25, 30] { series.append(self.series(state: state, scale: s, noise: &noise)) }
        }
        let prov = Provenance(input: .init(path: "demo01.nwb", sha256: String(repeating: "ab", count: 32),
                                           subject: "demo01", session: "night1", unitsE: 160, unitsI: 40,
                                           unitsUnclassified: 0),
                              parameters: p, states: states, pseudoStateAll: false, classColumn: nil,
                              command: ["symedge", "analyze", "demo01.nwb"], host: "test",
                              startedAt: Date(timeIntervalSince1970: 0), finishedAt: Date(timeIntervalSince1970: 12),
                              stateSeconds: [:])
        try AnalysisOutput.write(tables, curves: curves, series: series, provenance: prov, writeSecondary: true, to: dir)
    }

    /// A plain-text recording (12 E at 5 Hz, 4 I at 25 Hz sharing a slow modulation) with states wake and
    /// nrem_deep, `seconds` long.
    static func writeTextRecording(_ dir: String, seconds: Double = 60) throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var noise = Noise(9)
        let dt = 0.002, steps = Int(seconds / dt)
        var mod = [Double](repeating: 1, count: steps)
        var x = 0.0
        for k in 0..<steps { x = 0.99 * x + 0.14 * noise.normal(); mod[k] = exp(0.5 * x) }
        var spikes = "unit_id,time_s\n", units = "unit_id,class,electrode,x_um,y_um\n"
        for unit in 0..<16 {
            let rate = unit < 12 ? 5.0 : 25.0
            units += "\(unit),\(unit < 12 ? "E" : "I"),,,\n"
            for k in 0..<steps where noise.uniform() < rate * dt * mod[k] {
                spikes += "\(unit),\(String(format: "%.6f", (Double(k) + noise.uniform()) * dt))\n"
            }
        }
        try spikes.write(toFile: dir + "/spikes.csv", atomically: true, encoding: .utf8)
        try units.write(toFile: dir + "/units.csv", atomically: true, encoding: .utf8)
        try "start_s,stop_s,state\n0,\(seconds / 2),wake\n\(seconds / 2),\(seconds),nrem_deep\n"
            .write(toFile: dir + "/states.csv", atomically: true, encoding: .utf8)
    }

    /// Writes a sweep-layout folder (`tables/` + `manifest.json`) with `subjects` subjects at `dir`.
    static func writeSweepFolder(_ dir: String, subjects: Int = 5, surrogates: Int = 10,
                                 inputPath: String? = nil) throws {
        var noise = Noise(2)
        var tables = TidyTables()
        var p = AnalysisParameters()
        p.surrogateCount = surrogates
        for sub in 0..<subjects {
            for (si, state) in states.enumerated() {
                let (obs, sur) = sets(subject: sub, state: si, surrogates: surrogates, noise: &noise)
                tables.append(StateAnalysis.summarize(subject: "sub\(sub + 1)", session: "ses1", state: state,
                                                      observed: obs, surrogates: sur, parameters: p))
            }
        }
        try AnalysisOutput.write(tables, cohort: CohortStatistics.compute(tables.orderParameters, seed: p.seed),
                                 to: dir + "/tables")
        var family: [FamilyRow] = []
        for sub in 0..<subjects {
            for (si, state) in states.enumerated() {
                for g in ["E-E", "I-I", "E-I"] {
                    for bin in [10.0, 100.0, 1000.0] {
                        family.append(FamilyRow(subject: "sub\(sub + 1)", session: "ses1", state: state, family: .spatial,
                                                group: g, binMilliseconds: bin, measure: "pair_correlation",
                                                value: 0.02 * Double(si + 1) * log10(bin) + 0.01 * noise.normal()))
                    }
                }
                for bin in [1.0, 3.0, 5.0, 7.0] {
                    family.append(FamilyRow(subject: "sub\(sub + 1)", session: "ses1", state: state, family: .avalanches,
                                            group: "spikes", binMilliseconds: bin, measure: "branching_ratio",
                                            value: 0.8 + 0.02 * bin + 0.01 * noise.normal()))
                }
                family.append(FamilyRow(subject: "sub\(sub + 1)", session: "ses1", state: state, family: .lfp,
                                        channel: "ch0", measure: "aperiodic_exponent", value: 1.5 + 0.1 * Double(si)))
            }
        }
        try TidyCSV.familyMeasures(family).write(toFile: dir + "/tables/family_measures.csv", atomically: true,
                                                 encoding: .utf8)
        let manifest: [String: Any] = [
            "program": "0.1.0", "commit": "fixture", "job": "demo", "host": "test", "writtenAt": "2026-11-30T00:00:00Z",
            "shards": 40, "shardsDone": 39, "shardsFailed": 1, "shardsPending": 0, "groups": 1,
            "lastRun": ["planned": 40, "succeeded": 39, "ranks": 2, "wallSeconds": 12.5, "computeSeconds": 20.1,
                        "failures": [["shard": "sub3/ses1 rem isi#10-19", "key": "k", "file": "sub3.nwb",
                                      "message": "injected <failure> for the test"]]],
            "reduction": ["pairsReduced": 20, "pairsIncomplete": ["sub3/ses1 rem: 1 of 2 shards not done"]],
            "inputs": (0..<subjects).map { ["subject": "sub\($0 + 1)", "session": "ses1", "unitsE": 80, "unitsI": 20,
                                            "states": states, "sha256": String(repeating: "0", count: 64),
                                            "path": inputPath ?? "sub\($0 + 1).nwb"] },
            "parameters": ["seed": 20230619, "scaleCount": 32, "surrogateCount": surrogates],
        ]
        try JSONSerialization.data(withJSONObject: manifest, options: [.sortedKeys, .prettyPrinted])
            .write(to: URL(fileURLWithPath: dir + "/manifest.json"))
    }
}
