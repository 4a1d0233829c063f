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

    /// A spike exactly on edge k lands in bin k and only there, at every scale; both the direct binning and the
    /// fine-binned prefix path agree with a brute-force comparison against the edge values.
    func testSpikesOnEdgesLandInExactlyOneBinAtEveryScale() {
        let start = 1234.567
        for s in 1 ... 32 {
            let w = Kernels.scaleSeconds(s)
            let stop = start + max(2.0, 3.5 * w)
            let g = BinGrid(origin: start, width: w)
            let k = g.fullBinCount(stop: stop)
            XCTAssertGreaterThanOrEqual(k, 3, "scale \(s)")
            XCTAssertLessThanOrEqual(g.edge(k), stop); XCTAssertGreaterThan(g.edge(k + 1), stop)
            // Spikes: every edge 0..<K (twice for even k), plus the next double below each edge.
            var spikes: [Double] = []
            for j in 0 ..< k {
                spikes.append(g.edge(j))
                if j % 2 == 0 { spikes.append(g.edge(j)) }
                if j > 0 { spikes.append(g.edge(j).nextDown) }
            }
            spikes.sort()
            for j in 0 ..< k { XCTAssertEqual(g.index(g.edge(j)), j); if j > 0 { XCTAssertEqual(g.index(g.edge(j).nextDown), j - 1) } }
            // Brute force: bin j holds the spikes with edge(j) <= t < edge(j+1).
            var brute = [Int32](repeating: 0, count: k)
            for t in spikes { for j in 0 ..< k where g.edge(j) <= t && t < g.edge(j + 1) { brute[j] += 1 } }
            XCTAssertEqual(brute.reduce(0, +), Int32(spikes.count), "scale \(s): every spike in exactly one bin")
            let direct = spikes.withUnsafeBufferPointer { Kernels.binCounts($0, start: start, stop: stop, width: w) }
            XCTAssertEqual(direct, brute, "scale \(s) direct")
            // Fine-binned path, with the spikes split over two units.
            let f = TestData.fine([spikes.enumerated().filter { $0.offset % 2 == 0 }.map { $0.element },
                                   spikes.enumerated().filter { $0.offset % 2 == 1 }.map { $0.element }],
                                  epochs: [(start, stop)])
            XCTAssertEqual(TestData.counts(f, width: w), brute, "scale \(s) prefix path")
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
