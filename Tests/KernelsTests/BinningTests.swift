import Kernels
import XCTest

final class BinningTests: XCTestCase {
    func testScaleLadder() {
        XCTAssertEqual(Kernels.scaleMilliseconds(1), 1)
        // The four scales labelled in SE's figure (METHODS §2).
        XCTAssertEqual(Kernels.scaleMilliseconds(15), 66.69, accuracy: 0.01)
        XCTAssertEqual(Kernels.scaleMilliseconds(20), 298.9, accuracy: 0.1)
        XCTAssertEqual(Kernels.scaleMilliseconds(25), 1339, accuracy: 1)
        XCTAssertEqual(Kernels.scaleMilliseconds(30), 6003, accuracy: 1)
        XCTAssertEqual(Kernels.scaleMilliseconds(32), 10938, accuracy: 10)
    }

    /// The METHODS §2 edge rule (revised 2026-12): a spike on edge k, 1 ulp below it or 1e-9 bin widths below it
    /// lands in bin k; 1e-7 bin widths below it lands in bin k − 1; K follows the same rule on `stop`. Checked at every
    /// scale with an epoch start that is not a multiple of Δt, for the direct binning and the fine-binned prefix
    /// path. (The earlier comparison against edge doubles put the 1-ulp and 1e-9 spikes in bin k − 1.)
    func testSpikesOnAndJustBelowEdgesFollowTheEdgeRuleAtEveryScale() {
        let start = 1234.567
        for s in 1 ... 32 {
            let w = Kernels.scaleSeconds(s)
            let g = BinGrid(origin: start, width: w)
            // stop 1e-9 bins below edge 4: K = 4 by the rule (the last bin counts as whole).
            let stop = g.edge(4) - 1e-9 * w
            let k = g.fullBinCount(stop: stop)
            XCTAssertEqual(k, 4, "scale \(s): K by the edge rule")
            XCTAssertEqual(g.fullBinCount(stop: g.edge(4) - 1e-7 * w), 3, "scale \(s)")
            var spikes: [Double] = [], expect = [Int32](repeating: 0, count: k)
            for j in 0 ..< k {
                spikes.append(g.edge(j)); expect[j] += 1
                if j > 0 {
                    spikes.append(g.edge(j).nextDown); expect[j] += 1
                    spikes.append(g.edge(j) - 1e-9 * w); expect[j] += 1
                    spikes.append(g.edge(j) - 1e-7 * w); expect[j - 1] += 1
                }
                XCTAssertEqual(g.index(g.edge(j)), j, "scale \(s) edge \(j)")
                if j > 0 {
                    XCTAssertEqual(g.index(g.edge(j).nextDown), j, "scale \(s): 1 ulp below edge \(j)")
                    XCTAssertEqual(g.index(g.edge(j) - 1e-9 * w), j, "scale \(s): 1e-9 bin below edge \(j)")
                    XCTAssertEqual(g.index(g.edge(j) - 1e-7 * w), j - 1, "scale \(s): 1e-7 bin below edge \(j)")
                }
            }
            spikes.sort()
            let direct = spikes.withUnsafeBufferPointer { Kernels.binCounts($0, start: start, stop: stop, width: w) }
            XCTAssertEqual(direct, expect, "scale \(s) direct")
            // Fine-binned path, with the spikes split over two units.
            let f = TestData.fine([spikes.enumerated().filter { $0.offset % 2 == 0 }.map { $0.element },
                                   spikes.enumerated().filter { $0.offset % 2 == 1 }.map { $0.element }],
                                  epochs: [(start, stop)])
            XCTAssertEqual(TestData.counts(f, width: w), expect, "scale \(s) prefix path")
        }
    }

    /// 30 kHz sample ticks (t = n/30000 s) binned at 1 ms from an epoch start that is itself a tick: the counts equal
    /// exact integer-tick arithmetic (bin = (n − n0) div 30), which the §2 rule guarantees and comparing against
    /// edge doubles does not. Every scale's prefix path agrees with the direct rule.
    func testThirtyKilohertzTicksBinLikeIntegerArithmetic() {
        var rng = Xoshiro256StarStar(seed: 31)
        let n0 = 37_012_345                            // epoch start tick (1233.7448 s)
        let ticks = (0 ..< 20_000).map { _ in n0 + Int(rng.next(below: 30 * 4_000)) }.sorted()
        let times = ticks.map { Double($0) / 30_000 }
        let start = Double(n0) / 30_000, stop = Double(n0 + 30 * 4_000) / 30_000
        let direct = times.withUnsafeBufferPointer { Kernels.binCounts($0, start: start, stop: stop, width: 0.001) }
        var exact = [Int32](repeating: 0, count: 4_000)
        for n in ticks { exact[(n - n0) / 30] += 1 }
        XCTAssertEqual(direct, exact)
        let f = TestData.fine([times], epochs: [(start, stop)])
        XCTAssertEqual(TestData.counts(f, width: 0.001), exact)
        for s in 2 ... 32 {
            let w = Kernels.scaleSeconds(s)
            let d = times.withUnsafeBufferPointer { Kernels.binCounts($0, start: start, stop: stop, width: w) }
            XCTAssertEqual(TestData.counts(f, width: w), d, "scale \(s)")
        }
    }

    /// Random spikes, three epochs of one state with gaps and a spike-dense epoch: the prefix path equals the direct
    /// per-epoch scatter binning at all 32 scales; the partial last bin of each epoch is dropped.
    func testPrefixCountsEqualDirectBinningAcrossEpochs() {
        var rng = Xoshiro256StarStar(seed: 7)
        let epochs: [(Double, Double)] = [(0.5, 30.2), (45.0, 45.9), (60.123, 101.77)]
        var trains: [[Double]] = []
        for u in 0 ..< 5 { trains.append(TestData.poisson(rate: 20 + Double(u) * 10, start: 0, stop: 110, rng: &rng)) }
        let f = TestData.fine(trains, epochs: epochs)
        let pooled = trains.flatMap { $0 }.sorted()
        for s in 1 ... 32 {
            let w = Kernels.scaleSeconds(s)
            var expect: [Int32] = []
            for (a, b) in epochs { expect += pooled.withUnsafeBufferPointer { Kernels.binCounts($0, start: a, stop: b, width: w) } }
            XCTAssertEqual(TestData.counts(f, width: w), expect, "scale \(s)")
        }
        XCTAssertEqual(f.spikeCount, pooled.filter { t in epochs.contains { t >= $0.0 && t < $0.1 } }.count)
    }
}
