import Foundation
import Kernels
import TestSupport
import XCTest

/// Agreement with independent references (Elephant binning and corrcoef, NumPy/SciPy measures, scikit-image
/// co-occurrence features) run from the project's virtualenv through temp files. Tolerance 1e-9 relative.
final class ReferenceTests: XCTestCase {
    override func setUpWithError() throws {
        _ = try Repository.python()
    }

    private func compareScales(e: [[Double]], i: [[Double]], epochs: [(Double, Double)], scales: [Int],
                               elephantCorr: Bool) throws {
        let ref = try TestData.runReference(mode: "scales", input: [
            "units_e": e, "units_i": i, "epochs": epochs.map { [$0.0, $0.1] }, "scales": scales,
            "max_lag": 20, "grid": 32,
        ])
        let per = ref["scales"] as! [String: [String: Any]]
        let fe = TestData.fine(e, epochs: epochs), fi = TestData.fine(i, epochs: epochs)
        for s in scales {
            let r = per[String(s)]!
            XCTAssertEqual(TestData.counts(fe, scale: s).map(Int.init), r["counts_e"] as! [Int], "E counts, scale \(s)")
            XCTAssertEqual(TestData.counts(fi, scale: s).map(Int.init), r["counts_i"] as! [Int], "I counts, scale \(s)")
            let m = TestData.measures(e: fe, i: fi, unitsE: e.count, unitsI: i.count, scale: s)
            for name in ScaleMeasures.names {
                guard let want = r[name] as? Double else { XCTAssertNil(m.values[name], "\(name) scale \(s)"); continue }
                guard let got = m.values[name] else { XCTFail("\(name) missing at scale \(s): \(m.missing[name] ?? "")"); continue }
                // Anisotropy λmin/λmax loses relative precision when λmin ≪ λmax (cancellation in both codes).
                let tol = name == "pca_anisotropy" ? 1e-7 : 1e-9
                XCTAssertTrue(close(got, want, tol), "\(name) scale \(s): \(got) vs reference \(want)")
            }
            if elephantCorr, let c = r["elephant_corrcoef"] as? Double {
                XCTAssertTrue(close(m.values["pearson_r"]!, c), "Elephant corrcoef scale \(s)")
            }
        }
    }

    func testMeasuresAgreeWithNumPySciPyElephantSingleEpoch() throws {
        var rng = Xoshiro256StarStar(seed: 21)
        let dur = 120.0
        let common = TestData.poisson(rate: 3, start: 0, stop: dur, rng: &rng)
        let e = (0 ..< 6).map { _ in (TestData.poisson(rate: 5, start: 0, stop: dur, rng: &rng) + common).sorted() }
        let i = (0 ..< 3).map { _ in (TestData.poisson(rate: 20, start: 0, stop: dur, rng: &rng) + common.map { $0 + 0.003 }.filter { $0 < dur }).sorted() }
        try compareScales(e: e, i: i, epochs: [(0.25, 119.5)], scales: [1, 2, 4, 7, 10, 13, 16, 20, 24], elephantCorr: true)
    }

    func testMeasuresAgreeAcrossSeveralEpochs() throws {
        var rng = Xoshiro256StarStar(seed: 22)
        let e = (0 ..< 4).map { _ in TestData.poisson(rate: 8, start: 0, stop: 200, rng: &rng) }
        let i = (0 ..< 2).map { _ in TestData.poisson(rate: 30, start: 0, stop: 200, rng: &rng) }
        try compareScales(e: e, i: i, epochs: [(1.0, 61.3), (80.5, 140.0), (150.0, 199.9)],
                          scales: [1, 3, 8, 14, 19, 22], elephantCorr: false)
    }

    func testCooccurrenceAgreesWithScikitImage() throws {
        var rng = Xoshiro256StarStar(seed: 23)
        let epochBins = [40, 7, 25]
        let n = epochBins.reduce(0, +)
        // Correlated levels with some invalid cells (−1).
        var le: [[Int8]] = [], li: [[Int8]] = []
        for _ in 0 ..< 6 {
            var a: [Int8] = [], b: [Int8] = []
            for _ in 0 ..< n {
                let x = Int8(rng.next(below: 16))
                a.append(rng.nextUnit() < 0.05 ? -1 : x)
                b.append(rng.nextUnit() < 0.5 ? x : Int8(rng.next(below: 16)))
            }
            le.append(a); li.append(b)
        }
        let ref = try TestData.runReference(mode: "glcm", input: [
            "levels_e": le.map { $0.map(Int.init) }, "levels_i": li.map { $0.map(Int.init) },
            // Offsets run across epoch joins without masking (METHODS §2, lagged measures): one piece for the reference.
            "epoch_bins": [n], "levels": 16, "offsets": [1, 2, 3, 4, 5],
        ])
        for d in 1 ... 5 {
            let r = ref[String(d)] as! [String: Any]
            let counts = Kernels.cooccurrenceCounts(levelsE: le, levelsI: li, offset: d, levels: 16)
            XCTAssertEqual(counts.map(Int.init), r["counts"] as! [Int], "counts d=\(d)")
            let f = Kernels.glcmFeatures(counts: counts, levels: 16)
            for name in ["contrast", "dissimilarity", "homogeneity", "energy", "entropy", "correlation"] {
                let want = r[name] as! Double
                XCTAssertTrue(close(f[name]!!, want), "\(name) d=\(d): \(f[name]!!) vs \(want)")
            }
        }
    }

    func testQuantisationAgreesWithNumPy() throws {
        var rng = Xoshiro256StarStar(seed: 24)
        let v = (0 ..< 5001).map { _ in rng.nextUnit() < 0.1 ? 0.5 : rng.nextUnit() * 3 - 1 }
        let ref = try TestData.runReference(mode: "quantiles", input: ["values": v, "levels": 16])
        var copy = v
        let t = Kernels.equalFrequencyThresholds(&copy, levels: 16)
        for (a, b) in zip(t, ref["thresholds"] as! [Double]) { XCTAssertTrue(close(a, b, 1e-12), "\(a) vs \(b)") }
        XCTAssertEqual(v.map { Kernels.quantiseLevel($0, thresholds: t) }, ref["levels"] as! [Int])
    }
}
