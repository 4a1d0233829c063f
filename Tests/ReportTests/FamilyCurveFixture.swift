import Foundation

/// Hand-written `family_curves.csv` and `family_measures.csv` following the contract's columns exactly
/// (`subject,session,state,family,channel,group,bin_ms,curve,x,y` and the family-measures header), so the
/// report's family figures are tested independently of the Analysis writers.
enum FamilyCurveFixture {
    static let curvesHeader = "subject,session,state,family,channel,group,bin_ms,curve,x,y"
    static let measuresHeader = "subject,session,state,family,channel,group,bin_ms,measure,value,surrogate_mean,surrogate_sd,z"

    /// Avalanche bins written (the figure draws 1, 3, 7, 15).
    static let avalancheBins: [Double] = [1, 3, 5, 7, 15]
    static let avalancheStates = ["wake", "nrem_deep"]
    static let xmin = 3.0
    /// The exponent of each bin: 1.5 + 0.05·bin (bin 15 is written without a fit).
    static func alpha(_ bin: Double) -> Double { 1.5 + 0.05 * bin }

    /// Sizes with a positive count: round(4000 s^−α(bin)), s = 1…80, only those > 0.
    static func sizeCounts(bin: Double) -> [(Double, Double)] {
        (1 ... 80).map { s -> (Double, Double) in
            (Double(s), (4000 * pow(Double(s), -alpha(bin))).rounded())
        }.filter { $0.1 > 0 }
    }

    static let spatialGroups = ["E-E", "I-I", "E-I", "all"]
    static let spatialBins: [Double] = [10, 100, 1000]
    static let distances = (0 ..< 10).map { 200 + 400 * Double($0) }
    /// ρ(d) = β + κ e^{−d/λ} per pair class; I–I flat (no fit).
    static let spatialModel: [String: (beta: Double, kappa: Double, lambda: Double?, se: Double?)] = [
        "E-E": (0.01, 0.05, 1000, 120), "I-I": (0.02, 0, nil, nil), "E-I": (0.005, 0.03, 800, 90),
        "all": (0.008, 0.035, 900, 100),
    ]
    static func rho(_ d: Double, group: String) -> Double {
        let m = spatialModel[group]!
        return m.beta + m.kappa * exp(-d / (m.lambda ?? 1))
    }

    /// Seizure recordings: S(t) on 0.5…599.5 s, seizure [300 + 5r, 360 + 5r], recovery 42 s after its end.
    static let seizureRecordings = 4
    static let seizureStart = 300.0, seizureEnd = 360.0, recovery = 42.0

    static func line(_ f: [String]) -> String { f.joined(separator: ",") + "\n" }
    static func n(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : "\(v)" }

    static func curvesCSV() -> String {
        var s = curvesHeader + "\n"
        for state in avalancheStates {
            for sub in ["s1", "s2"] {
                for bin in avalancheBins {
                    for (x, y) in sizeCounts(bin: bin) {
                        s += line([sub, "n1", state, "avalanches", "", "spikes", n(bin), "size_count", n(x), n(y)])
                    }
                }
            }
            // LFP avalanches: not drawn (the figure shows the spike group).
            s += line(["s1", "n1", state, "avalanches", "", "lfp", "2", "size_count", "1", "50"])
            s += line(["s1", "n1", state, "avalanches", "", "lfp", "2", "size_count", "2", "20"])
        }
        for state in ["wake", "rem"] {
            for g in spatialGroups {
                for bin in spatialBins {
                    for d in distances {
                        s += line(["s1", "n1", state, "spatial", "", g, n(bin), "rho_distance", n(d), "\(rho(d, group: g))"])
                    }
                    guard spatialModel[g]!.lambda != nil else { continue }
                    for k in 0 ..< 50 {
                        let d = 200 + 3600 * Double(k) / 49
                        s += line(["s1", "n1", state, "spatial", "", g, n(bin), "rho_distance_fit", "\(d)", "\(rho(d, group: g))"])
                    }
                }
            }
        }
        for r in 0 ..< seizureRecordings {
            let sub = "p\(r + 1)", a = seizureStart + 5 * Double(r), b = seizureEnd + 5 * Double(r)
            for k in 0 ..< 600 {
                let t = Double(k) + 0.5
                let bend = t < a ? 0 : t < b ? -0.4 * (t - a) : max(0, -24 + 0.6 * (t - b))
                s += line([sub, "", "ictal", "seizure", "", "", "", "balance_S", "\(t)", "\(0.01 * t + min(bend, 0))"])
            }
            for k in 0 ..< 600 {
                let t = Double(k) + 0.5
                s += line([sub, "", "ictal", "seizure", "", "", "", "balance_trend", "\(t)", "\(0.01 * t)"])
            }
            s += line([sub, "", "ictal", "seizure", "", "", "", "ictal_interval", n(a), "0"])
            s += line([sub, "", "ictal", "seizure", "", "", "", "ictal_interval", n(b), "0"])
        }
        return s
    }

    static func measuresCSV() -> String {
        var s = measuresHeader + "\n"
        for state in avalancheStates {
            for sub in ["s1", "s2"] {
                for bin in avalancheBins {
                    let fitted = bin != 15
                    s += line([sub, "n1", state, "avalanches", "", "spikes", n(bin), "size_alpha", fitted ? "\(alpha(bin))" : "", "", "", ""])
                    s += line([sub, "n1", state, "avalanches", "", "spikes", n(bin), "size_xmin", fitted ? n(xmin) : "", "", "", ""])
                    s += line([sub, "n1", state, "avalanches", "", "spikes", n(bin), "branching_ratio", "0.9", "", "", ""])
                }
            }
        }
        for state in ["wake", "rem"] {
            for g in spatialGroups {
                let m = spatialModel[g]!
                for bin in spatialBins {
                    s += line(["s1", "n1", state, "spatial", "", g, n(bin), "distance_lambda_um", m.lambda.map(n) ?? "", "", "", ""])
                    s += line(["s1", "n1", state, "spatial", "", g, n(bin), "distance_lambda_se_um", m.se.map(n) ?? "", "", "", ""])
                }
            }
        }
        for r in 0 ..< seizureRecordings {
            s += line(["p\(r + 1)", "", "ictal", "seizure", "", "", "", "balance_recovery_time_s", n(recovery), "", "", ""])
        }
        return s
    }

    /// Writes both tables into `dir` (an analyze-layout folder, or a sweep's `tables/`); appends the measure
    /// rows when `family_measures.csv` already exists.
    static func write(_ dir: String) throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try curvesCSV().write(toFile: dir + "/family_curves.csv", atomically: true, encoding: .utf8)
        let mpath = dir + "/family_measures.csv"
        if let old = try? String(contentsOfFile: mpath, encoding: .utf8) {
            let rows = measuresCSV().split(separator: "\n", omittingEmptySubsequences: true).dropFirst()
            try (old + rows.joined(separator: "\n") + "\n").write(toFile: mpath, atomically: true, encoding: .utf8)
        } else {
            try measuresCSV().write(toFile: mpath, atomically: true, encoding: .utf8)
        }
    }
}
