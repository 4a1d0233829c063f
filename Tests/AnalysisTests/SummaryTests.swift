import XCTest
import Analysis

/// `StateAnalysis.summarize` on hand-built MeasureSets: closed-form z-scores, the §4 verdict, missing rules.
final class SummaryTests: XCTestCase {
    let iso = SurrogateKind.isiPermutation, circ = SurrogateKind.circularShift

    func params(count: Int = 4, kinds: [SurrogateKind] = [.isiPermutation, .circularShift]) -> AnalysisParameters {
        var p = AnalysisParameters()
        p.surrogateCount = count
        p.surrogateKinds = kinds
        return p
    }

    /// Surrogates with values v[i] for key k (first kind) and w[i] (second kind).
    func surrogates(_ values: [MeasureKey: [Double]], kind: SurrogateKind = .isiPermutation)
        -> [Member: MeasureSet] {
        var out: [Member: MeasureSet] = [:]
        for (k, vs) in values {
            for (i, v) in vs.enumerated() { out[.surrogate(kind, i), default: MeasureSet()].values[k] = v }
        }
        return out
    }

    func testZScoreClosedForm() {
        // Surrogates 1,2,3,4: mean 2.5, sample sd sqrt(5/3); observed 10 → z = 7.5/sqrt(5/3).
        let key = MeasureKey("pearson_r", scale: 12)
        let obs = MeasureSet(values: [key: 10])
        let s = StateAnalysis.summarize(subject: "s1", session: "a", state: "wake", observed: obs,
                                        surrogates: surrogates([key: [4, 2, 1, 3]]), parameters: params())
        XCTAssertEqual(s.measures.count, 1)
        let r = s.measures[0]
        XCTAssertEqual(r.measure, "pearson_r")
        XCTAssertEqual(r.scaleIndex, 12)
        XCTAssertEqual(r.dtMilliseconds!, exp(0.3 * 11), accuracy: 1e-12)
        XCTAssertEqual(r.value, 10)
        XCTAssertEqual(r.surrogateMean!, 2.5, accuracy: 1e-15)
        XCTAssertEqual(r.surrogateSD!, (5.0 / 3.0).squareRoot(), accuracy: 1e-15)
        XCTAssertEqual(r.z!, 7.5 / (5.0 / 3.0).squareRoot(), accuracy: 1e-12)
    }

    func testOnlyFirstKindFillsMainTableAndSecondGoesToSecondary() {
        let key = MeasureKey("ks_d", scale: 3)
        var sur = surrogates([key: [0, 2]])
        for (m, set) in surrogates([key: [10, 20, 30]], kind: .circularShift) { sur[m] = set }
        let obs = MeasureSet(values: [key: 1])
        let p = params(count: 3)
        let s = StateAnalysis.summarize(subject: "s", session: "x", state: "rem", observed: obs, surrogates: sur,
                                        parameters: p)
        XCTAssertEqual(s.measures[0].surrogateMean, 1)
        XCTAssertEqual(s.measures[0].z!, 0, accuracy: 0)
        let sec = StateAnalysis.secondarySurrogates(subject: "s", session: "x", state: "rem", observed: obs,
                                                    surrogates: sur, parameters: p)
        let row = sec.first { $0.measure == "ks_d" }!
        XCTAssertEqual(row.kind, .circularShift)
        XCTAssertEqual(row.surrogateMean, 20)
        XCTAssertEqual(row.surrogateSD, 10)
        XCTAssertEqual(row.z!, -1.9, accuracy: 1e-15)
        XCTAssertTrue(sec.contains { $0.measure == OrderParameter.verdict && $0.kind == .circularShift })
        // Swapping the kinds swaps the roles.
        let s2 = StateAnalysis.summarize(subject: "s", session: "x", state: "rem", observed: obs, surrogates: sur,
                                         parameters: params(count: 3, kinds: [.circularShift, .isiPermutation]))
        XCTAssertEqual(s2.measures[0].surrogateMean, 20)
    }

    func testZMissingWhenSdZeroOrTooFewSurrogates() {
        let a = MeasureKey("qq_slope", scale: 1), b = MeasureKey("qq_slope", scale: 2)
        var sur = surrogates([a: [3, 3, 3]])
        sur[.surrogate(iso, 0), default: MeasureSet()].values[b] = 1   // only one surrogate has b
        sur[.surrogate(iso, 1), default: MeasureSet()].missing[b] = "fewer than 2 bins"
        let obs = MeasureSet(values: [a: 4, b: 2])
        let s = StateAnalysis.summarize(subject: "s", session: "x", state: "wake", observed: obs, surrogates: sur,
                                        parameters: params(count: 3))
        let ra = s.measures.first { $0.scaleIndex == 1 }!, rb = s.measures.first { $0.scaleIndex == 2 }!
        XCTAssertEqual(ra.surrogateMean, 3); XCTAssertEqual(ra.surrogateSD, 0); XCTAssertNil(ra.z)
        XCTAssertEqual(rb.surrogateMean, 1); XCTAssertNil(rb.surrogateSD); XCTAssertNil(rb.z)
        let ma = s.missing.first { $0.measure == "qq_slope" && $0.scaleIndex == 1 }!
        XCTAssertTrue(ma.reason.hasPrefix("z: ") && ma.reason.contains("sd = 0"), ma.reason)
        let mb = s.missing.first { $0.measure == "qq_slope" && $0.scaleIndex == 2 }!
        XCTAssertTrue(mb.reason.contains("only 1 of 3"), mb.reason)
    }

    func testMissingObservedValueKeepsKernelReasonAndEmptyValue() {
        let key = MeasureKey("partition_gini_i", scale: 5)
        var obs = MeasureSet()
        obs.set(key, nil, reason: "no I units in the state")
        let s = StateAnalysis.summarize(subject: "s", session: "x", state: "wake", observed: obs,
                                        surrogates: surrogates([key: [0.1, 0.2]]), parameters: params(count: 2))
        XCTAssertNil(s.measures[0].value)
        XCTAssertNil(s.measures[0].z)
        XCTAssertEqual(s.measures[0].surrogateMean!, 0.15, accuracy: 1e-15)
        XCTAssertEqual(s.missing.filter { $0.measure == "partition_gini_i" }.map(\.reason),
                       ["value: no I units in the state"])
    }

    func testGlcmAndOrderParametersAreRoutedByName() {
        let obs = MeasureSet(values: [MeasureKey("glcm_contrast_d3"): 1.5, MeasureKey("r_bar"): 0.3,
                                      MeasureKey("xcorr_peak", scale: 4): 0.2])
        let s = StateAnalysis.summarize(subject: "s", session: "x", state: "wake", observed: obs, surrogates: [:],
                                        parameters: params(count: 0))
        XCTAssertEqual(Set(s.measures.map(\.measure)), ["glcm_contrast_d3", "xcorr_peak"])
        let g = s.measures.first { $0.measure == "glcm_contrast_d3" }!
        XCTAssertNil(g.scaleIndex); XCTAssertNil(g.dtMilliseconds)
        XCTAssertEqual(s.orderParameters.map(\.measure), ["r_bar", "balance_symmetry"])
        // No surrogates requested: one summary missing row, not one per measure; verdict undecidable.
        XCTAssertEqual(s.missing.filter { $0.measure == "surrogate_statistics" }.count, 1)
        XCTAssertNil(s.verdict.holds)
        XCTAssertNil(s.orderParameters.last!.value)
    }

    /// Builds observed/surrogate sets whose r̄ and collapse spread z-scores are exactly `zr` and `zc`
    /// (surrogates −1, +1 → mean 0, sd √2), with θ̄ = theta.
    func verdict(zr: Double, zc: Double, theta: Double?) -> StateSummary {
        let r = MeasureKey("r_bar"), c = MeasureKey("collapse_spread"), t = MeasureKey("theta_bar_deg")
        var obs = MeasureSet(values: [r: zr * 2.0.squareRoot(), c: zc * 2.0.squareRoot()])
        obs.set(t, theta, reason: "no PCA angle")
        return StateAnalysis.summarize(subject: "s", session: "x", state: "nrem_deep", observed: obs,
                                       surrogates: surrogates([r: [-1, 1], c: [-1, 1], t: [0, 1]]),
                                       parameters: params(count: 2))
    }

    func testVerdictHoldsWhenAllThreeTestsPass() {
        let s = verdict(zr: 3, zc: 1.9, theta: -9.9)
        XCTAssertEqual(s.verdict.verdict, .holds)
        XCTAssertEqual(s.verdict.holds, true)
        XCTAssertEqual(s.verdict.failed, "")
        XCTAssertEqual(s.orderParameters.first { $0.measure == "balance_symmetry" }?.value, 1)
        XCTAssertTrue(s.verdict.evidence.contains("r_bar=4.243 z=3"), s.verdict.evidence)
        XCTAssertEqual(s.verdict.rBarZ!, 3, accuracy: 1e-12)
        XCTAssertEqual(s.verdict.collapseSpreadZ!, 1.9, accuracy: 1e-12)
        XCTAssertEqual(s.verdict.thetaBarDegrees, -9.9)
        XCTAssertEqual(s.orderParameters.first { $0.measure == "r_bar" }!.z!, 3, accuracy: 1e-12)
        // A spread far below its surrogates still holds (the earlier rule required it; now it is not needed).
        XCTAssertEqual(verdict(zr: 3, zc: -3, theta: 0).verdict.verdict, .holds)
    }

    func testVerdictIsGradedAndNamesEachFailedCriterion() {
        // deviates: r̄ and θ̄ pass, the spread is significantly larger than its surrogates (z ≥ z*).
        let d = verdict(zr: 3, zc: 2.5, theta: 0)
        XCTAssertEqual(d.verdict.verdict, .deviates)
        XCTAssertEqual(d.verdict.failed, "collapse_spread_above_surrogates")
        XCTAssertEqual(d.orderParameters.first { $0.measure == "balance_symmetry" }?.value, 0)
        // broken: r̄ not above its surrogates (z ≤ z*), or |θ̄| ≥ 10°.
        XCTAssertEqual(verdict(zr: 1.96, zc: -3, theta: 0).verdict.verdict, .broken)
        XCTAssertEqual(verdict(zr: 1.9, zc: -3, theta: 0).verdict.failed, "r_bar_not_above_surrogates")
        XCTAssertEqual(verdict(zr: 3, zc: -3, theta: 10).verdict.failed, "theta_bar")
        XCTAssertEqual(verdict(zr: 3, zc: -3, theta: -10).verdict.verdict, .broken)
        let all = verdict(zr: -5, zc: 5, theta: -12)
        XCTAssertEqual(all.verdict.verdict, .broken)
        XCTAssertEqual(all.verdict.holds, false)
        XCTAssertEqual(all.verdict.failed, "r_bar_not_above_surrogates;theta_bar;collapse_spread_above_surrogates")
        XCTAssertEqual(all.orderParameters.first { $0.measure == "balance_symmetry" }?.value, 0)
    }

    func testSeizureCriterionBreaksOnlyBeyondItsThreshold() {
        let r = MeasureKey("r_bar"), c = MeasureKey("collapse_spread"), t = MeasureKey("theta_bar_deg")
        let obs = MeasureSet(values: [r: 3 * 2.0.squareRoot(), c: 0, t: 1])
        func run(_ d: Double?) -> VerdictRow {
            StateAnalysis.summarize(subject: "s", session: "x", state: "postictal", observed: obs,
                                    surrogates: surrogates([r: [-1, 1], c: [-1, 1], t: [0, 1]]),
                                    parameters: params(count: 2), seizureDeviationSD: d).verdict
        }
        XCTAssertEqual(run(nil).verdict, .holds)
        XCTAssertEqual(run(5).verdict, .holds)                  // "more than 5 pre-ictal sd"
        let b = run(5.01)
        XCTAssertEqual(b.verdict, .broken)
        XCTAssertEqual(b.failed, "seizure_balance_deviation")
        XCTAssertEqual(b.seizureDeviationSD, 5.01)
        XCTAssertTrue(b.evidence.contains("seizure_deviation_sd=5.01"), b.evidence)
    }

    func testVerdictUndecidableOnlyWithoutADefiniteFailure() {
        let u = verdict(zr: 3, zc: -3, theta: nil)
        XCTAssertEqual(u.verdict.verdict, .undecidable)
        XCTAssertNil(u.verdict.holds)
        XCTAssertEqual(u.verdict.failed, "theta_bar_undefined")
        XCTAssertTrue(u.missing.contains { $0.measure == "balance_symmetry" && $0.reason.contains("undecidable") })
        XCTAssertNil(u.orderParameters.first { $0.measure == "balance_symmetry" }!.value)
        // A definite failure decides even when another criterion is undecidable.
        let b = verdict(zr: 0, zc: -3, theta: nil)
        XCTAssertEqual(b.verdict.verdict, .broken)
        XCTAssertEqual(b.verdict.failed, "r_bar_not_above_surrogates")
        // r̄ and θ̄ pass but the spread's z is undefined (its surrogates are constant): undecidable, not holds.
        let r = MeasureKey("r_bar"), c = MeasureKey("collapse_spread"), t = MeasureKey("theta_bar_deg")
        let s = StateAnalysis.summarize(subject: "s", session: "x", state: "wake",
                                        observed: MeasureSet(values: [r: 3 * 2.0.squareRoot(), c: 0.2, t: 0]),
                                        surrogates: surrogates([r: [-1, 1], c: [0.1, 0.1], t: [0, 1]]),
                                        parameters: params(count: 2))
        XCTAssertEqual(s.verdict.verdict, .undecidable)
        XCTAssertEqual(s.verdict.failed, "collapse_spread_z_undefined")
    }

    func testSurrogateOrderDoesNotChangeStatistics() {
        // Same values arriving under permuted indices give bit-identical mean and sd only if the reduction
        // follows index order; check that reversing index assignment (a different order) is still within 1 ulp
        // and that the same assignment is bit-identical.
        let key = MeasureKey("orthogonal_width", scale: 7)
        let vals: [Double] = (0..<50).map { (k: Int) -> Double in
            let a: Double = 0.1 * Double(k * k % 17)
            return a + 1e-3 * Double(k)
        }
        let obs = MeasureSet(values: [key: 2])
        let a = StateAnalysis.summarize(subject: "s", session: "x", state: "w", observed: obs,
                                        surrogates: surrogates([key: vals]), parameters: params(count: 50))
        let b = StateAnalysis.summarize(subject: "s", session: "x", state: "w", observed: obs,
                                        surrogates: surrogates([key: vals]), parameters: params(count: 50))
        XCTAssertEqual(a, b)
        let m = vals.reduce(0, +) / 50
        var ss = 0.0
        for v in vals { ss += (v - m) * (v - m) }
        let sd = (ss / 49).squareRoot()
        XCTAssertEqual(a.measures[0].surrogateSD!, sd, accuracy: 1e-14)
    }
}
