import Kernels
import XCTest

/// Closed forms of METHODS §3 (issue 4).
final class ClosedFormTests: XCTestCase {
    func testSumNormalisedFluctuationSumsToZero() {
        var rng = Xoshiro256StarStar(seed: 3)
        let e = (0 ..< 999).map { _ in Int32(rng.next(below: 9)) }, i = (0 ..< 999).map { _ in Int32(rng.next(below: 13)) }
        let se = Int64(e.reduce(0, +)), si = Int64(i.reduce(0, +))
        var g: Int64 = 0
        var f = 0.0
        for k in 0 ..< e.count {
            g += Kernels.scaledFluctuation(e: e[k], i: i[k], sumE: se, sumI: si)
            f += Double(e[k]) / Double(se) - Double(i[k]) / Double(si)
        }
        XCTAssertEqual(g, 0)               // exact
        XCTAssertEqual(f, 0, accuracy: 1e-12)
        // The collapse curve therefore ends where it starts.
        let m = e.withUnsafeBufferPointer { a in i.withUnsafeBufferPointer { b in
            Kernels.scaleMeasures(e: a, i: b, options: ScaleOptions(unitsE: 4, unitsI: 2, dtMilliseconds: 1)) } }
        let c = try! XCTUnwrap(m.collapseCurve)
        XCTAssertEqual(c.first!, 0); XCTAssertEqual(c.last!, 0, accuracy: 1e-15)
        XCTAssertEqual(c.min()!, -m.values["collapse_depth"]!, accuracy: 1e-3)
    }

    func testConstantCountGivesGiniZero() {
        let s = SortedCounts(values: [7], weights: [500])
        XCTAssertEqual(Kernels.partitionGini(s)!, 0, accuracy: 1e-15)
        XCTAssertEqual(Kernels.partitionCurve(s, points: 5)!, [0, 0.25, 0.5, 0.75, 1])
        // All spikes in one of K bins: G = 1 − 1/K.
        XCTAssertEqual(Kernels.partitionGini(SortedCounts(values: [0, 10], weights: [9, 1]))!, 0.9, accuracy: 1e-15)
        XCTAssertNil(Kernels.partitionGini(SortedCounts(values: [0], weights: [10])))
    }

    func testDiagonalCooccurrenceGivesContrastZeroHomogeneityOne() {
        var c = [Int64](repeating: 0, count: 16 * 16)
        for l in 0 ..< 16 { c[l * 16 + l] = Int64(l + 1) }
        let f = Kernels.glcmFeatures(counts: c, levels: 16)
        XCTAssertEqual(f["contrast"]!!, 0); XCTAssertEqual(f["dissimilarity"]!!, 0)
        XCTAssertEqual(f["homogeneity"]!!, 1, accuracy: 1e-15)
        XCTAssertEqual(f["correlation"]!!, 1, accuracy: 1e-12)
        // One cell only: energy 1, entropy 0, correlation undefined.
        var one = [Int64](repeating: 0, count: 16 * 16); one[3 * 16 + 3] = 5
        let g = Kernels.glcmFeatures(counts: one, levels: 16)
        XCTAssertEqual(g["energy"]!!, 1); XCTAssertEqual(g["entropy"]!!, 0)
        XCTAssertNil(g["correlation"]!)
    }

    func testIndependentPoissonGivesNoCorrelationAtEveryScale() {
        var rng = Xoshiro256StarStar(seed: 11)
        let dur = 3000.0
        let e = (0 ..< 8).map { _ in TestData.poisson(rate: 5, start: 0, stop: dur, rng: &rng) }
        let i = (0 ..< 4).map { _ in TestData.poisson(rate: 25, start: 0, stop: dur, rng: &rng) }
        let fe = TestData.fine(e, epochs: [(0, dur)]), fi = TestData.fine(i, epochs: [(0, dur)])
        for s in 1 ... 32 {
            let m = TestData.measures(e: fe, i: fi, unitsE: 8, unitsI: 4, scale: s)
            let r = try! XCTUnwrap(m.values["pearson_r"], "scale \(s)")
            XCTAssertLessThan(abs(r), 4.5 / Double(m.binCount).squareRoot(), "scale \(s): r = \(r), K = \(m.binCount)")
        }
    }

    /// E and I share a slowly varying rate (log-normal steps every 2 s): r > 0, growing with scale.
    func testSharedRateGivesPositiveCorrelationGrowingWithScale() {
        var rng = Xoshiro256StarStar(seed: 12)
        let dur = 3000.0
        let steps = (0 ..< Int(dur / 2) + 1).map { _ in exp(0.8 * (rng.nextUnit() - 0.5)) }
        let rate: (Double) -> Double = { steps[Int($0 / 2)] }
        let e = (0 ..< 8).map { _ in TestData.poisson(maxRate: 5 * 1.5, start: 0, stop: dur, rng: &rng) { 5 * rate($0) } }
        let i = (0 ..< 4).map { _ in TestData.poisson(maxRate: 25 * 1.5, start: 0, stop: dur, rng: &rng) { 25 * rate($0) } }
        let fe = TestData.fine(e, epochs: [(0, dur)]), fi = TestData.fine(i, epochs: [(0, dur)])
        let r = (1 ... 32).map { TestData.measures(e: fe, i: fi, unitsE: 8, unitsI: 4, scale: $0).values["pearson_r"]! }
        for s in [1, 5, 10, 15, 20, 25] { XCTAssertGreaterThan(r[s - 1], 0, "scale \(s)") }
        XCTAssertLessThan(r[0], r[9]); XCTAssertLessThan(r[9], r[19]); XCTAssertLessThan(r[19], r[24])
        XCTAssertGreaterThan(r[24], 0.6)
    }

    /// I spikes copy E spikes 5 ms later (with ±0.2 ms jitter): the cross-correlation peaks at ≈ +5 ms.
    func testDelayedInhibitionGivesPositiveLag() {
        var rng = Xoshiro256StarStar(seed: 13)
        let dur = 600.0
        let e = (0 ..< 6).map { _ in TestData.poisson(rate: 10, start: 0, stop: dur, rng: &rng) }
        let i = e.map { $0.map { $0 + 0.005 + 0.0004 * (rng.nextUnit() - 0.5) }.filter { $0 < dur } }
        let fe = TestData.fine(e, epochs: [(0, dur)]), fi = TestData.fine(i, epochs: [(0, dur)])
        for s in 1 ... 5 {
            let m = TestData.measures(e: fe, i: fi, unitsE: 6, unitsI: 6, scale: s)
            let lag = m.values["xcorr_peak_lag_ms"]!
            XCTAssertEqual(lag, 5, accuracy: Kernels.scaleMilliseconds(s) * 0.75, "scale \(s)")
            XCTAssertGreaterThan(m.values["xcorr_peak"]!, 0.3)
        }
        // Swapping the roles gives the negative lag.
        let m = TestData.measures(e: fi, i: fe, unitsE: 6, unitsI: 6, scale: 1)
        XCTAssertEqual(m.values["xcorr_peak_lag_ms"]!, -5)
    }

    func testIdenticalSeriesAreBalanced() {
        var rng = Xoshiro256StarStar(seed: 5)
        let c = (0 ..< 5000).map { _ in Int32(rng.next(below: 6)) }
        let m = c.withUnsafeBufferPointer { a in Kernels.scaleMeasures(e: a, i: a, options: ScaleOptions(unitsE: 1, unitsI: 1, dtMilliseconds: 2)) }
        XCTAssertEqual(m.values["ks_d"]!, 0); XCTAssertEqual(m.values["qq_slope"]!, 1, accuracy: 1e-12)
        XCTAssertEqual(m.values["qq_intercept"]!, 0, accuracy: 1e-15); XCTAssertEqual(m.values["pearson_r"]!, 1)
        XCTAssertEqual(m.values["pca_angle_deg"]!, 45, accuracy: 1e-12); XCTAssertEqual(m.values["pca_anisotropy"]!, 0)
        XCTAssertEqual(m.values["orthogonal_width"]!, 0); XCTAssertEqual(m.values["pair_asymmetry"]!, 0)
        XCTAssertEqual(m.values["xcorr_peak_lag_ms"]!, 0); XCTAssertEqual(m.values["fluctuation_variance"]!, 0)
        XCTAssertNotNil(m.missing["collapse_depth"])   // f ≡ 0: zero variance, reported as missing
    }

    func testMissingReasons() {
        let e: [Int32] = [1, 2, 3, 0], z: [Int32] = [0, 0, 0, 0]
        let m = e.withUnsafeBufferPointer { a in z.withUnsafeBufferPointer { b in
            Kernels.scaleMeasures(e: a, i: b, options: ScaleOptions(unitsE: 3, unitsI: 0, dtMilliseconds: 1)) } }
        XCTAssertEqual(m.missing["partition_gini_i"], "no inhibitory units")
        XCTAssertNotNil(m.values["partition_gini_e"])
        XCTAssertNotNil(m.missing["pearson_r"]); XCTAssertNotNil(m.missing["ks_d"])
        XCTAssertTrue(m.values.values.allSatisfy { $0.isFinite })
        let one: [Int32] = [3]
        let n = one.withUnsafeBufferPointer { a in Kernels.scaleMeasures(e: a, i: a, options: ScaleOptions(unitsE: 1, unitsI: 1, dtMilliseconds: 1)) }
        XCTAssertTrue(n.values.isEmpty); XCTAssertEqual(n.missing.count, ScaleMeasures.names.count)
    }

    func testVarianceScalingOfIndependentBinsIsOne() {
        let dts = (1 ... 32).map { Kernels.scaleMilliseconds($0) }
        let v: [Double?] = dts.map { 3.0 / $0 }
        let fit = Kernels.varianceScaling(dtMilliseconds: dts, variances: v)
        XCTAssertEqual(fit.beta!, 1, accuracy: 1e-12); XCTAssertEqual(fit.se!, 0, accuracy: 1e-10)
        XCTAssertNil(Kernels.varianceScaling(dtMilliseconds: [1, 2], variances: [1, 2]).beta)
    }

    func testCollapseSpreadIsZeroForIdenticalCurves() {
        let c = [0, -0.2, -0.4, -0.1, 0]
        XCTAssertEqual(Kernels.collapseSpread(curves: [c, c.map { $0 * 2 }], depths: [0.4, 0.8], averaged: [true, true])!, 0)
        XCTAssertGreaterThan(Kernels.collapseSpread(curves: [c, [0, -0.4, -0.1, -0.05, 0]], depths: [0.4, 0.4], averaged: [true, true])!, 0)
    }

    func testEqualFrequencyThresholds() {
        var v = (0 ..< 1600).map { Double(($0 * 7919) % 1600) }
        let t = Kernels.equalFrequencyThresholds(&v, levels: 16)
        XCTAssertEqual(t.count, 15)
        for (l, x) in t.enumerated() { XCTAssertEqual(x, 1599 * Double(l + 1) / 16, accuracy: 1e-9) }
        XCTAssertEqual(Kernels.quantiseLevel(-1, thresholds: t), 0); XCTAssertEqual(Kernels.quantiseLevel(1e9, thresholds: t), 15)
    }
}
