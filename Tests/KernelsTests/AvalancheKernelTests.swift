import Foundation
import Kernels
import XCTest

/// METHODS §8: avalanches, branching ratio, discrete power-law / exponential fits.
final class AvalancheKernelTests: XCTestCase {
    func testAvalancheRunsAndPieces() {
        let r = Avalanches.detect(pieces: [[0, 2, 1, 0, 0, 3, 0, 1], [1, 1, 0]])
        XCTAssertEqual(r.sizes, [3, 3, 1, 2])
        XCTAssertEqual(r.durations, [2, 1, 1, 2])
        XCTAssertEqual(r.bins, 11)
    }

    func testBranchingRatioClosedForm() {
        // Ratios: 1/2 (2→1), 0/1, 1/3 … per ancestor bin: [2,1,0,3,1] → (1/2 + 0/1 + 1/3)/3; piece 2: [1,1] → 1/1.
        let s = BranchingRatio.estimate(pieces: [[2, 1, 0, 3, 1], [1, 1]])!
        XCTAssertEqual(s, (0.5 + 0 + 1.0 / 3 + 1) / 4, accuracy: 1e-12)
    }

    func testBinningEdges() {
        var c: [Int32] = []
        let t: [Double] = [0, 0.001, 0.002, 0.0029999, 0.003, 0.0099]
        t.withUnsafeBufferPointer { Avalanches.addCounts(times: $0, start: 0, stop: 0.01, width: 0.001, into: &c) }
        XCTAssertEqual(c, [1, 1, 2, 1, 0, 0, 0, 0, 0, 1])
    }

    func testLFPEventsPickExtremaPerExcursion() {
        let z: [Double] = [0, 3.5, 4.2, 3.1, 0, -3.2, -5, 0, 2.9, 3.01]
        XCTAssertEqual(Avalanches.lfpEvents(z: z, threshold: 3), [2, 6, 9])
    }

    /// `lfpEventCounts` on row-major samples equals the per-channel rule: each channel z-scored over all its
    /// samples (sequential sums), `lfpEvents(z:)` per piece, events binned at each width (partial bin dropped).
    /// Channel counts that are and are not multiples of the SIMD width, a constant channel (no events), NaN
    /// samples, excursions that flip sign in one sample and run to a piece's end, an empty piece.
    func testLFPEventCountsEqualPerChannelRule() {
        var rng = LFPRandom(seed: 15)
        for m in [1, 7, 8, 13, 24] {
            let lengths = [0, 1, 2_000, 2_999, 1_500 + m]
            var pieces: [[Double]] = lengths.map { n in (0..<(n * m)).map { _ in rng.uniform() * 2 - 1 } }
            for k in pieces.indices where !pieces[k].isEmpty {
                let n = pieces[k].count / m
                for _ in 0..<(n / 40) {       // bursts of large values, sometimes flipping sign
                    let c = Int(rng.uniform() * Double(m)), j = Int(rng.uniform() * Double(n))
                    let sign = rng.uniform() < 0.5 ? -1.0 : 1.0
                    for d in 0..<min(6, n - j) { pieces[k][(j + d) * m + c] = sign * (4 + 3 * rng.uniform()) * (d == 3 ? -1 : 1) }
                }
                pieces[k][(n - 1) * m + (m - 1)] = 9        // an excursion at the piece's end
                if m > 2 { for j in 0..<n { pieces[k][j * m + 1] = 0.25 } }     // constant channel
                if m > 3 { pieces[k][(n / 2) * m + 2] = .nan }
            }
            let rate = 1000.0, widths = [0.002, 0.004, 0.016], th = 3.0
            let got = Avalanches.lfpEventCounts(pieces: pieces, channels: m, rate: rate, widths: widths, threshold: th)
            var want = widths.map { w in pieces.map { [Int32](repeating: 0, count: Avalanches.binCount(start: 0, stop: Double($0.count / m) / rate, width: w)) } }
            for c in 0..<m {
                let columns = pieces.map { p in stride(from: c, to: p.count, by: m).map { p[$0] } }
                var s = 0.0, q = 0.0, n = 0.0
                for x in columns { for v in x { s += v; q += v * v; n += 1 } }
                guard n > 1 else { continue }
                let mean = s / n, sd = ((q - s * s / n) / (n - 1)).squareRoot()
                guard sd > 0 else { continue }
                for (k, x) in columns.enumerated() {
                    for i in Avalanches.lfpEvents(z: x.map { ($0 - mean) / sd }, threshold: th) {
                        for (w, width) in widths.enumerated() {
                            let b = Avalanches.binIndex(Double(i) / rate, start: 0, width: width)
                            if b < want[w][k].count { want[w][k][b] += 1 }
                        }
                    }
                }
            }
            XCTAssertEqual(got, want, "\(m) channels")
            XCTAssertGreaterThan(got[0].reduce(0) { $0 + $1.reduce(0) { $0 + Int($1) } }, m == 1 ? 0 : 10, "\(m) channels")
        }
        // Fewer than two samples: no events at all.
        XCTAssertEqual(Avalanches.lfpEventCounts(pieces: [[5, 5]], channels: 2, rate: 1, widths: [1], threshold: 3), [[[0]]])
    }

    func testHurwitzZeta() {
        XCTAssertEqual(PowerLawFit.hurwitzZeta(2, 1), Double.pi * Double.pi / 6, accuracy: 1e-13)
        XCTAssertEqual(PowerLawFit.hurwitzZeta(4, 1), pow(Double.pi, 4) / 90, accuracy: 1e-13)
        XCTAssertEqual(PowerLawFit.hurwitzZeta(2.5, 7), PowerLawFit.hurwitzZeta(2.5, 6) - pow(6, -2.5), accuracy: 1e-14)
    }

    /// Discrete power-law samples (inverse-CDF method) with a geometric body below x = 6.
    func sample(alpha: Double, count: Int, seed: UInt64) -> [Int] {
        var rng = LFPRandom(seed: seed)
        var out: [Int] = []
        for _ in 0..<count {
            if rng.uniform() < 0.3 {
                out.append(1 + Int(rng.exponential(rate: 0.7)))
            } else {
                // Continuous Pareto from 5.5, rounded: a close approximation of the discrete law for x ≥ 6.
                let x = 5.5 * pow(rng.uniform(), -1 / (alpha - 1))
                out.append(Int(x.rounded()))
            }
        }
        return out
    }

    func testPowerLawMatchesPowerlawPackage() throws {
        for (alpha, seed) in [(2.2, UInt64(1)), (1.8, 2), (2.6, 3)] {
            let data = sample(alpha: alpha, count: 3000, seed: seed)
            let mine = try XCTUnwrap(PowerLawFit.powerLaw(data, maximumAlpha: 3))
            let ref = try LFPPython.run("powerlaw", ["data": data])
            XCTAssertEqual(Double(mine.xmin), ref["xmin"] as! Double, "x_min for α=\(alpha)")
            let ra = ref["alpha"] as! Double
            XCTAssertEqual(mine.alpha, ra, accuracy: 0.01 * ra, "α for α=\(alpha)")
            XCTAssertEqual(mine.alpha, alpha, accuracy: 0.15)
        }
    }

    func testExponentialDataPrefersExponential() throws {
        var rng = LFPRandom(seed: 5)
        let data = (0..<4000).map { _ in 1 + Int(rng.exponential(rate: 0.25)) }
        let fits = try XCTUnwrap(PowerLawFit.fitAll(data))
        let e = try XCTUnwrap(fits.exponential)
        // Tail of a geometric is geometric with the same rate: P(X ≥ x+1 | X ≥ x) = e^{-0.25}.
        XCTAssertEqual(e.lambda, 0.25, accuracy: 0.04)
        XCTAssertLessThan(try XCTUnwrap(fits.versusExponential).ratio, 0)
    }

    /// #15: the counts of several widths in one call equal one call per width (edge rule, partial last bin).
    func testCountsOfSeveralWidthsEqualOneWidthAtATime() {
        var rng = LFPRandom(seed: 21)
        for trial in 0..<20 {
            let times = rng.poissonTrain(rate: 50, duration: 20) + [3.0, 7.0, 7.0 + 1e-12, 19.999]
            let sorted = times.sorted()
            let start = Double(trial % 3) * 0.37, stop = 19.99 - Double(trial % 4) * 0.5
            let widths = [0.001, 0.003, 0.005, 0.007]
            var many = widths.map { _ in [Int32]() }
            sorted.withUnsafeBufferPointer {
                Avalanches.addCounts(times: $0, start: start, stop: stop, widths: widths, into: &many)
            }
            for (w, width) in widths.enumerated() {
                var one: [Int32] = []
                sorted.withUnsafeBufferPointer {
                    Avalanches.addCounts(times: $0, start: start, stop: stop, width: width, into: &one)
                }
                XCTAssertEqual(many[w], one, "trial \(trial), width \(width)")
            }
        }
    }

    /// #15: events of (x − mean)/sd found in place equal those of the z-scored array.
    func testLFPEventsInPlaceEqualZScoredArray() {
        var rng = LFPRandom(seed: 22)
        let x = (0..<20_000).map { _ in rng.normal() * 2 + 0.3 }
        for threshold in [1.5, 2.5, 3.0] {
            let z = x.map { ($0 - 0.3) / 2 }
            let a = Avalanches.lfpEvents(z: z, threshold: threshold)
            let b = x.withUnsafeBufferPointer { Avalanches.lfpEvents(x: $0, mean: 0.3, sd: 2, threshold: threshold) }
            XCTAssertEqual(a, b)
            XCTAssertGreaterThan(a.count, 10)
        }
    }

    /// #15: `ZetaTable.zeta` gives the bits of `hurwitzZeta` (same s for many q, and q again after other s).
    func testZetaTableIsBitIdenticalToHurwitzZeta() {
        let t = PowerLawFit.ZetaTable(bits: 6)      // small: collisions overwrite entries
        var rng = LFPRandom(seed: 23)
        for _ in 0..<200 {
            let s = 1 + 1e-6 + 11 * rng.uniform()
            for q in [1, 2, 3, 4, 50, 51, 52, 1000, 1001] {
                XCTAssertEqual(t.zeta(s, q).bitPattern, PowerLawFit.hurwitzZeta(s, Double(q)).bitPattern, "s \(s) q \(q)")
            }
        }
    }
}
