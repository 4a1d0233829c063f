import Analysis
import Foundation
import Kernels
import Recordings
import XCTest

/// `StateAnalysis.compute`, `curves` and `ensembleSeries` (METHODS §2–5) on small generated recordings.
final class ComputeTests: XCTestCase {
    /// E and I units sharing a slowly varying rate (log-normal steps every 2 s), two epochs of "wake" and one of "rem".
    static func recording(sharedRate: Bool = true, inhibitory: Int = 3, seed: UInt64 = 1) -> Recording {
        var rng = Xoshiro256StarStar(seed: seed)
        let dur = 700.0
        let steps = (0 ... Int(dur / 2)).map { _ in sharedRate ? exp(1.2 * (rng.nextUnit() - 0.5)) : 1 }
        var trains: [[Double]] = [], units: [Recordings.Unit] = []
        for u in 0 ..< (6 + inhibitory) {
            let isE = u < 6
            let base = isE ? 6.0 : 20.0, maxRate = base * 2
            var t = 0.0, train: [Double] = []
            while true {
                t += -log(1 - rng.nextUnit()) / maxRate
                if t >= dur { break }
                if rng.nextUnit() * maxRate < base * steps[Int(t / 2)] { train.append(t) }
            }
            trains.append(train)
            units.append(Recordings.Unit(id: Int64(u), cellClass: isE ? .excitatory : .inhibitory))
        }
        units.append(Recordings.Unit(id: 99, cellClass: .unclassified)); trains.append([1, 2, 3])
        return Recording(subject: "sub", session: "ses", units: units, spikes: SpikeTrains(trains: trains),
                         epochs: [StateEpoch(start: 0.5, stop: 300.25, state: "wake"),
                                  StateEpoch(start: 300.25, stop: 400, state: "rem"),
                                  StateEpoch(start: 400, stop: 699.9, state: "wake")])
    }

    static let perScale = ["ks_d", "qq_slope", "qq_intercept", "qq_r2", "pearson_r", "pca_angle_deg", "pca_anisotropy",
                           "orthogonal_width", "pair_asymmetry", "collapse_depth", "collapse_argmin", "partition_gini_e",
                           "partition_gini_i", "xcorr_peak", "xcorr_peak_lag_ms", "fluctuation_variance"]
    static let crossScale = ["variance_beta", "variance_beta_se", "collapse_spread", "r_bar", "theta_bar_deg",
                             "width_scale20", "asymmetry_mean", "xcorr_lag_scale10_ms"]
        + ["contrast", "dissimilarity", "homogeneity", "energy", "entropy", "correlation"].flatMap { f in
            (1 ... 5).map { "glcm_\(f)_d\($0)" } }

    func testEveryMemberHasEveryKeyAsValueOrMissing() throws {
        let rec = Self.recording()
        let members: [Member] = [.observed, .surrogate(.isiPermutation, 0), .surrogate(.circularShift, 0)]
        let out = try StateAnalysis.compute(recording: rec, recordingID: "sub/ses", state: "wake", members: members,
                                            parameters: AnalysisParameters())
        XCTAssertEqual(Set(out.keys), Set(members))
        for (m, set) in out {
            var keys = Set(Self.crossScale.map { MeasureKey($0) })
            for s in 1 ... 32 { for n in Self.perScale { keys.insert(MeasureKey(n, scale: s)) } }
            let have = Set(set.values.keys).union(set.missing.keys)
            XCTAssertEqual(have, keys, "\(m)")
            XCTAssertTrue(Set(set.values.keys).isDisjoint(with: set.missing.keys))
            XCTAssertTrue(set.values.values.allSatisfy { $0.isFinite }, "\(m)")
            // With 600 s of data every scale ≤ 32 has ≥ 2 bins: nothing may be missing except by a stated reason.
            for n in ["pearson_r", "ks_d", "collapse_depth", "partition_gini_i"] {
                XCTAssertNotNil(set.values[MeasureKey(n, scale: 1)], "\(m) \(n)")
            }
            XCTAssertNotNil(set.values[MeasureKey("r_bar")]); XCTAssertNotNil(set.values[MeasureKey("glcm_contrast_d1")])
        }
    }

    func testSurrogatesDestroyTheEICorrelation() throws {
        let rec = Self.recording()
        var p = AnalysisParameters()
        p.scaleCount = 26
        let members: [Member] = [.observed] + (0 ..< 4).flatMap { [Member.surrogate(.isiPermutation, $0), .surrogate(.circularShift, $0)] }
        let out = try StateAnalysis.compute(recording: rec, recordingID: "sub/ses", state: "wake", members: members, parameters: p)
        let obs = out[.observed]!.values[MeasureKey("r_bar")]!
        XCTAssertGreaterThan(obs, 0.4)
        for m in members.dropFirst() {
            let r = out[m]!.values[MeasureKey("r_bar")]!
            XCTAssertLessThan(abs(r), 0.2, "\(m): r_bar \(r) vs observed \(obs)")
        }
        // Surrogates keep the spike counts: ISI permutation up to spikes pushed past the epoch end, shifts exactly.
        let sE = try StateAnalysis.ensembleSeries(recording: rec, state: "wake", scaleIndex: 1)
        XCTAssertGreaterThan(sE.e.reduce(0, +), 0)
    }

    func testDeterministicForAnyMemberOrderAndSubset() throws {
        let rec = Self.recording()
        var p = AnalysisParameters(); p.scaleCount = 22
        let all: [Member] = [.observed, .surrogate(.isiPermutation, 0), .surrogate(.isiPermutation, 1),
                             .surrogate(.circularShift, 0), .surrogate(.circularShift, 1)]
        let a = try StateAnalysis.compute(recording: rec, recordingID: "sub/ses", state: "wake", members: all, parameters: p)
        let b = try StateAnalysis.compute(recording: rec, recordingID: "sub/ses", state: "wake", members: all.reversed(), parameters: p)
        let c = try StateAnalysis.compute(recording: rec, recordingID: "sub/ses", state: "wake",
                                          members: [.surrogate(.circularShift, 1), .surrogate(.isiPermutation, 1)], parameters: p)
        XCTAssertEqual(a, b)
        XCTAssertEqual(a[.surrogate(.circularShift, 1)], c[.surrogate(.circularShift, 1)])
        XCTAssertEqual(a[.surrogate(.isiPermutation, 1)], c[.surrogate(.isiPermutation, 1)])
        XCTAssertNotEqual(a[.surrogate(.isiPermutation, 0)], a[.surrogate(.isiPermutation, 1)])
        // Another seed or recording id gives other surrogates, the same observed values.
        p.seed += 1
        let d = try StateAnalysis.compute(recording: rec, recordingID: "sub/ses", state: "wake", members: all, parameters: p)
        XCTAssertEqual(a[.observed], d[.observed])
        XCTAssertNotEqual(a[.surrogate(.circularShift, 0)], d[.surrogate(.circularShift, 0)])
    }

    func testEnsembleSeriesIsPerNeuronBinningOfEachEpoch() throws {
        let rec = Self.recording()
        for s in [1, 7, 18] {
            let got = try StateAnalysis.ensembleSeries(recording: rec, state: "wake", scaleIndex: s)
            let w = Kernels.scaleSeconds(s)
            XCTAssertEqual(got.dtMilliseconds, Kernels.scaleMilliseconds(s))
            var e: [Double] = [], i: [Double] = []
            for ep in rec.epochs(of: "wake") {
                var ce = [Int32](), ci = [Int32]()
                for (u, unit) in rec.units.enumerated() {
                    let c = Array(rec.spikes[unit: u]).withUnsafeBufferPointer {
                        Kernels.binCounts($0, start: ep.start, stop: ep.stop, width: w) }
                    if unit.cellClass == .excitatory { ce = ce.isEmpty ? c : zip(ce, c).map { $0 + $1 } }
                    if unit.cellClass == .inhibitory { ci = ci.isEmpty ? c : zip(ci, c).map { $0 + $1 } }
                }
                e += ce.map { Double($0) / 6 }; i += ci.map { Double($0) / 3 }
            }
            XCTAssertEqual(got.e, e, "scale \(s)"); XCTAssertEqual(got.i, i, "scale \(s)")
        }
    }

    func testCurvesAreResampledAndConsistentWithDepth() throws {
        let rec = Self.recording()
        var p = AnalysisParameters(); p.scaleCount = 12
        let all = try StateAnalysis.curves(recording: rec, state: "wake", parameters: p)
        let curves = all.filter { $0.kind != "xcorr" }
        XCTAssertEqual(curves.count, 36)
        let obs = try StateAnalysis.compute(recording: rec, recordingID: "x", state: "wake", members: [.observed], parameters: p)[.observed]!
        // xcorr (§3.6): one per scale with a Pearson r; ρ(0) is Pearson r, the maximum is xcorr_peak at its lag.
        let xc = all.filter { $0.kind == "xcorr" }
        XCTAssertEqual(xc.map(\.scaleIndex), (1 ... 12).filter { obs.values[MeasureKey("pearson_r", scale: $0)] != nil })
        XCTAssertFalse(xc.isEmpty)
        for c in xc {
            let dt = AnalysisParameters.scaleMilliseconds(c.scaleIndex)
            XCTAssertEqual(c.x.count, c.y.count); XCTAssertEqual(c.x.count % 2, 1)
            XCTAssertLessThanOrEqual(c.x.count, 2 * p.maxLagBins + 1)
            let mid = c.x.count / 2
            XCTAssertEqual(c.x[mid], 0); XCTAssertEqual(c.x.last!, Double(mid) * dt, accuracy: 1e-9 * dt)
            XCTAssertEqual(c.x.first!, -Double(mid) * dt, accuracy: 1e-9 * dt)
            XCTAssertEqual(c.y[mid], obs.values[MeasureKey("pearson_r", scale: c.scaleIndex)]!, accuracy: 1e-9)
            XCTAssertEqual(c.y.max()!, obs.values[MeasureKey("xcorr_peak", scale: c.scaleIndex)]!, accuracy: 1e-12)
            XCTAssertTrue(c.y.allSatisfy { abs($0) <= 1 + 1e-9 })
        }
        for c in curves {
            XCTAssertEqual(c.x.count, 101); XCTAssertEqual(c.y.count, 101)
            XCTAssertEqual(c.x.first, 0); XCTAssertEqual(c.x.last, 1)
            if c.kind == "collapse" {
                XCTAssertEqual(c.y.first!, 0); XCTAssertEqual(c.y.last!, 0, accuracy: 1e-12)
                let d = obs.values[MeasureKey("collapse_depth", scale: c.scaleIndex)]!
                XCTAssertEqual(-c.y.min()!, d, accuracy: d * 0.05 + 1e-3)   // resampling may miss the exact minimum
            } else {
                XCTAssertEqual(c.y.first!, 0); XCTAssertEqual(c.y.last!, 1, accuracy: 1e-12)
                XCTAssertTrue(zip(c.y, c.y.dropFirst()).allSatisfy { $0 <= $1 + 1e-15 })
            }
        }
    }

    func testMissingReasonsAndErrors() throws {
        let rec = Self.recording(inhibitory: 0)
        var p = AnalysisParameters(); p.scaleCount = 21
        let set = try StateAnalysis.compute(recording: rec, recordingID: "x", state: "wake", members: [.observed], parameters: p)[.observed]!
        XCTAssertEqual(set.missing[MeasureKey("partition_gini_i", scale: 3)], "no inhibitory units")
        XCTAssertNotNil(set.values[MeasureKey("partition_gini_e", scale: 3)])
        XCTAssertNotNil(set.missing[MeasureKey("pearson_r", scale: 3)])
        XCTAssertEqual(set.missing[MeasureKey("glcm_energy_d2")], "no inhibitory units")
        XCTAssertNotNil(set.missing[MeasureKey("r_bar")])
        XCTAssertThrowsError(try StateAnalysis.compute(recording: rec, recordingID: "x", state: "ictal", members: [.observed],
                                                       parameters: p))
        // Fewer scales than the co-occurrence reference scale: glcm_* missing with the reason.
        p.scaleCount = 8
        let few = try StateAnalysis.compute(recording: Self.recording(), recordingID: "x", state: "rem", members: [.observed], parameters: p)[.observed]!
        XCTAssertTrue(few.missing[MeasureKey("glcm_contrast_d1")]!.contains("reference scale"))
        XCTAssertTrue(few.missing[MeasureKey("width_scale20")]!.contains("scale 20"))
    }
}
