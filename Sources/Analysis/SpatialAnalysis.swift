import Foundation
import Kernels
import Recordings

/// METHODS §7 per (recording, state, bin size): pairwise spike-count correlations by pair class and their
/// distance dependence `ρ(d) = β + κ e^{−d/λ}` (PN).
///
/// Groups: `all` (every unit, no classes — the E–I-free measure) and, when classified units exist, `E-E`,
/// `I-I`, `E-I`. Measures (family `spatial`, per group and `bin_ms`): `pair_count` (pairs with both units
/// active), `pair_correlation` (mean Pearson r), `pair_rho` (mean cov/√(ν_i ν_j), ν = mean count per bin),
/// `distance_lambda_um`, `distance_lambda_se_um`, `distance_beta`, `distance_kappa` (fit of `pair_rho`
/// averaged in `distanceBinMicrometres` bins). Unit positions: the unit's own, else its electrode's x, y.
/// Curves (observed data): `rho_distance` and `rho_distance_fit` per group and `bin_ms` (see `FamilyCurveRow`).
public enum SpatialAnalysis {
    /// Points of the `rho_distance_fit` curve.
    public static let fitCurvePoints = 50

    public static let measureNames = Measure.spatial.map(\.rawValue)

    /// x, y in µm of each unit, or nil.
    static func positions(_ r: Recording) -> [SIMD2<Double>?] {
        r.units.map { u in
            if let p = u.position, p.x.isFinite, p.y.isFinite { return SIMD2(p.x, p.y) }
            if let e = u.electrode {
                let el = r.electrodes.first { $0.id == e } ?? (e >= 0 && e < r.electrodes.count ? r.electrodes[e] : nil)
                if let el, el.x.isFinite, el.y.isFinite { return SIMD2(el.x, el.y) }
            }
            return nil
        }
    }

    public static func run(recording r: Recording, state: String, parameters p: FamilyParameters) -> FamilyResult {
        run(recording: r, state: state, parameters: p, curves: true)
    }

    static func run(recording r: Recording, state: String, parameters p: FamilyParameters, curves: Bool) -> FamilyResult {
        let epochs = FamilySupport.epochs(r, state: state)
        let trains = FamilySupport.trains(r, Array(0..<r.units.count))
        return rows(recording: r, state: state, parameters: p, curves: curves) { binMs in
            SpatialCorrelation.matrix(trains: trains, epochs: epochs, width: binMs / 1000)
        }
    }

    /// The full result (rows, missing rows and, with `curves`, the `rho_distance`/`rho_distance_fit` curves) from
    /// correlation matrices supplied per bin size (ms) — the reducer of a sharded spatial member: assemble the
    /// N × N matrices with `SpatialCorrelation.assemble` from pair blocks computed on several ranks
    /// (`pairBlocks`, `blockMoments`, `correlations`), then call this. Equal to `run` on the same data.
    public static func rows(recording r: Recording, state: String, parameters p: FamilyParameters,
                            curves: Bool = true, matrix: (Double) -> SpatialCorrelation.Block) -> FamilyResult {
        var b = FamilyRowBuilder(subject: r.subject, session: r.session, state: state, family: .spatial)
        let epochs = FamilySupport.epochs(r, state: state)
        let n = r.units.count
        let classes = r.units.map(\.cellClass)
        var groups: [(String, (Int, Int) -> Bool)] = [("all", { _, _ in true })]
        if classes.contains(.excitatory) || classes.contains(.inhibitory) {
            groups += [("E-E", { classes[$0] == .excitatory && classes[$1] == .excitatory }),
                       ("I-I", { classes[$0] == .inhibitory && classes[$1] == .inhibitory }),
                       ("E-I", { (classes[$0] == .excitatory && classes[$1] == .inhibitory)
                                  || (classes[$0] == .inhibitory && classes[$1] == .excitatory) })]
        }
        let pos = positions(r)
        for binMs in p.spatialBinsMs {
            guard n >= 2, !epochs.isEmpty else {
                for (g, _) in groups { for m in measureNames {
                    b.add(m, nil, group: g, binMs: binMs, reason: n < 2 ? "fewer than 2 units" : "no epochs of state \(state)")
                } }
                continue
            }
            let m = matrix(binMs)
            for (g, member) in groups {
                var rs: [Double] = [], rhos: [Double] = [], ds: [Double] = [], dr: [Double] = []
                for i in 0..<n {
                    for j in (i + 1)..<n where member(i, j) {
                        let r0 = m.pearson[i * n + j], rho = m.normalisedCovariance[i * n + j]
                        guard r0.isFinite, rho.isFinite else { continue }
                        rs.append(r0); rhos.append(rho)
                        if let a = pos[i], let c = pos[j] {
                            let d = ((a - c) * (a - c)).sum().squareRoot()
                            ds.append(d); dr.append(rho)
                        }
                    }
                }
                b.add("pair_count", Double(rs.count), group: g, binMs: binMs)
                let none = "no pair of class \(g) with both units active in state \(state)"
                b.add("pair_correlation", rs.isEmpty ? nil : rs.reduce(0, +) / Double(rs.count), group: g, binMs: binMs, reason: none)
                b.add("pair_rho", rhos.isEmpty ? nil : rhos.reduce(0, +) / Double(rhos.count), group: g, binMs: binMs, reason: none)
                let bins = DistanceFit.bin(distances: ds, values: dr, width: p.distanceBinMicrometres)
                let fit = DistanceFit.fit(distances: bins.map(\.distance), values: bins.map(\.mean),
                                          weights: bins.map { Double($0.pairs) })
                let why = ds.isEmpty ? "no unit positions (units or electrodes table lack x, y)"
                    : "fewer than 3 distance bins of \(p.distanceBinMicrometres) µm (\(bins.count))"
                b.add("distance_lambda_um", fit?.lambda, group: g, binMs: binMs, reason: why)
                b.add("distance_lambda_se_um", fit?.lambdaSE, group: g, binMs: binMs,
                      reason: fit == nil ? why : "fewer than 4 distance bins for a standard error")
                b.add("distance_beta", fit?.beta, group: g, binMs: binMs, reason: why)
                b.add("distance_kappa", fit?.kappa, group: g, binMs: binMs, reason: why)
                if curves {
                    b.curve("rho_distance", x: bins.map(\.distance), y: bins.map(\.mean), group: g, binMs: binMs)
                    if let fit, let lo = bins.first?.distance, let hi = bins.last?.distance, hi > lo {
                        let n = fitCurvePoints
                        let x = (0..<n).map { lo + (hi - lo) * Double($0) / Double(n - 1) }
                        b.curve("rho_distance_fit", x: x, y: x.map { fit.beta + fit.kappa * exp(-$0 / fit.lambda) },
                                group: g, binMs: binMs)
                    }
                }
            }
        }
        return b.result
    }
}
