import Foundation
import Kernels
import XCTest

/// METHODS §8: the pruned x_min scan (`PowerLawFit.powerLaw`) and the per-distinct-value EM and comparisons of
/// `fitAll` give exactly the bits of the original quadratic scan and per-observation loops, kept as
/// `powerLawQuadratic`, `biExponentialReference` and `fitAllReference`.
final class PowerLawFitOracleTests: XCTestCase {
    /// Exact equality of every field (shortest round-trip decimal of each Double).
    func same<T>(_ a: T?, _ b: T?) -> Bool { String(describing: a) == String(describing: b) }

    /// Mixtures of a geometric body, a rounded Pareto tail and a few large outliers; sizes and seeds vary.
    func randomData(_ rng: inout LFPRandom) -> [Int] {
        let n = 20 + Int(rng.uniform() * 3000)
        let alpha = 1.3 + 2.5 * rng.uniform(), body = rng.uniform(), rate = 0.05 + rng.uniform()
        let start = 1.5 + 20 * rng.uniform()
        return (0..<n).map { _ -> Int in
            let u = rng.uniform()
            if u < body { return Int(rng.exponential(rate: rate)) + (rng.uniform() < 0.05 ? -1 : 1) }
            if u > 0.995 { return 500 + Int(rng.uniform() * 5000) }
            return Int((start * pow(rng.uniform(), -1 / (alpha - 1))).rounded())
        }
    }

    /// Avalanche sizes and durations of Poisson counts with a slowly varying rate (as the spike family sees them).
    func avalancheData(_ rng: inout LFPRandom, bins: Int) -> [[Int]] {
        var counts: [Int32] = []
        var rate = 0.5
        for k in 0..<bins {
            if k % 200 == 0 { rate = 0.05 + 2 * rng.uniform() }
            // Poisson by inversion.
            var c: Int32 = 0, p = exp(-rate), s = p
            let u = rng.uniform()
            while u > s && c < 200 { c += 1; p *= rate / Double(c); s += p }
            counts.append(c)
        }
        let av = Avalanches.detect(pieces: [counts])
        return [av.sizes, av.durations]
    }

    func testPowerLawEqualsQuadraticScanOnRandomData() {
        var rng = LFPRandom(seed: 0x5EED)
        var fitted = 0
        for trial in 0..<150 {
            let data = randomData(&rng)
            for maxAlpha in [Double.infinity, 3] {
                let a = PowerLawFit.powerLaw(data, maximumAlpha: maxAlpha)
                let b = PowerLawFit.powerLawQuadratic(data, maximumAlpha: maxAlpha)
                XCTAssertTrue(same(a, b), "trial \(trial), maximumAlpha \(maxAlpha): \(String(describing: a)) vs \(String(describing: b))")
                if a != nil { fitted += 1 }
            }
            let fixed = 1 + Int(rng.uniform() * 10)
            XCTAssertTrue(same(PowerLawFit.powerLaw(data, xmin: fixed), PowerLawFit.powerLawQuadratic(data, xmin: fixed)),
                          "trial \(trial), fixed x_min \(fixed)")
        }
        XCTAssertGreaterThan(fitted, 250)
    }

    func testFitAllEqualsReferenceOnAvalancheData() {
        var rng = LFPRandom(seed: 77)
        var compared = 0
        for trial in 0..<12 {
            for data in avalancheData(&rng, bins: 20_000 + trial * 5_000) {
                let a = PowerLawFit.fitAll(data), b = PowerLawFit.fitAllReference(data)
                XCTAssertTrue(same(a, b), "trial \(trial): \(String(describing: a)) vs \(String(describing: b))")
                if a?.versusBiExponential != nil { compared += 1 }
            }
        }
        XCTAssertGreaterThan(compared, 12)
    }

    /// The descending x_min scan with one `ZetaTable` shared by many data sets (remembered powers and ζ values
    /// carried from one fit to the next, and a tiny table whose entries are overwritten all the time) against
    /// the quadratic scan: avalanches of the same counts at bin widths 1, 3, …, 15 bins (long runs of
    /// candidates whose distance falls with x_min), with and without maximumAlpha = 3.
    func testSharedTableAndDescendingScanOnAvalancheWidths() {
        var rng = LFPRandom(seed: 2026)
        let shared = PowerLawFit.ZetaTable(), tiny = PowerLawFit.ZetaTable(bits: 4, zetaBits: 4)
        var compared = 0
        for trial in 0..<3 {
            var counts: [Int32] = []
            var rate = 0.3
            for k in 0..<(30_000 + 10_000 * trial) {
                if k % 300 == 0 { rate = 0.02 + 0.6 * rng.uniform() }
                var c: Int32 = 0, p = exp(-rate), acc = p
                let u = rng.uniform()
                while u > acc && c < 100 { c += 1; p *= rate / Double(c); acc += p }
                counts.append(c)
            }
            for w in stride(from: 1, through: 15, by: 2) {
                let coarse = stride(from: 0, to: counts.count - w + 1, by: w).map { k in counts[k..<(k + w)].reduce(0, +) }
                let av = Avalanches.detect(pieces: [coarse])
                for data in [av.sizes, av.durations] where data.count >= 50 {
                    for maxAlpha in [Double.infinity, 3] {
                        let want = PowerLawFit.fitAllReference(data, maximumAlpha: maxAlpha)
                        for table in [shared, tiny] {
                            let got = PowerLawFit.fitAll(data, maximumAlpha: maxAlpha, zeta: table)
                            XCTAssertTrue(same(got, want), "trial \(trial), width \(w), maximumAlpha \(maxAlpha)")
                        }
                        compared += 1
                    }
                }
            }
        }
        XCTAssertGreaterThan(compared, 60)
    }

    func testEdgeCases() {
        for data in [[], [0, -3], [5], [5, 5, 5], [1, 2], [2, 1, 1], [3, 3, 4, 4, 4, 100], [1, 1, 1, 1, 2, 2, 3, 1000]] {
            XCTAssertTrue(same(PowerLawFit.powerLaw(data), PowerLawFit.powerLawQuadratic(data)), "\(data)")
            XCTAssertTrue(same(PowerLawFit.fitAll(data), PowerLawFit.fitAllReference(data)), "\(data)")
            XCTAssertTrue(same(PowerLawFit.biExponential(data, xmin: 1), PowerLawFit.biExponentialReference(data, xmin: 1)),
                          "\(data)")
        }
    }
}
