import Classification
import Kernels
import XCTest

final class KMeansTests: XCTestCase {
    func testSeparatesTwoBlobsDeterministically() {
        var g = SplitMixTest(11)
        var pts: [[Double]] = []
        for i in 0..<60 {
            let c: [Double] = i < 40 ? [0, 0] : [5, 3]
            pts.append([c[0] + g.unit() - 0.5, c[1] + g.unit() - 0.5])
        }
        let a = kMeans(points: pts, k: 2, restarts: 20, seed: 1)
        let b = kMeans(points: pts, k: 2, restarts: 20, seed: 1)
        XCTAssertEqual(a, b)
        let first = a.assignments[0]
        for i in 0..<60 { XCTAssertEqual(a.assignments[i] == first, i < 40) }
        XCTAssertEqual(Set(a.assignments[0..<40]).count, 1)
    }

    func testFindsOptimalOneDimensionalSplit() {
        // In 1-D the optimal 2-means partition is a split of the sorted values: brute-force it.
        var g = SplitMixTest(5)
        for trial in 0..<10 {
            let x = (0..<25).map { _ in g.unit() * 10 + (g.unit() < 0.3 ? 8 : 0) }.sorted()
            var bestSSE = Double.infinity
            for s in 1..<x.count {
                func sse(_ v: ArraySlice<Double>) -> Double {
                    let m = v.reduce(0, +) / Double(v.count)
                    return v.reduce(0) { $0 + ($1 - m) * ($1 - m) }
                }
                bestSSE = min(bestSSE, sse(x[..<s]) + sse(x[s...]))
            }
            let r = kMeans(points: x.map { [$0] }, k: 2, restarts: 100, seed: UInt64(trial))
            XCTAssertEqual(r.inertia, bestSSE, accuracy: 1e-9 * max(1, bestSSE), "trial \(trial)")
        }
    }

    func testModelPutsShortTroughToPeakInFSCluster() {
        var g = SplitMixTest(9)
        var f: [[Double]] = []
        for i in 0..<50 {
            let fs = i % 5 == 0
            f.append([(fs ? 0.3 : 0.7) + 0.05 * (g.unit() - 0.5), (fs ? 0.15 : 0.25) + 0.03 * (g.unit() - 0.5)])
        }
        let m = WaveformClusterModel.fit(features: f, restarts: 100, seed: 3)
        XCTAssertEqual(m.fsCentroidMs[0], 0.3, accuracy: 0.02)
        XCTAssertEqual(m.rsCentroidMs[0], 0.7, accuracy: 0.02)
        XCTAssertEqual(m.assign([0.31, 0.16]).cellClass, .inhibitory)
        XCTAssertEqual(m.assign([0.68, 0.24]).cellClass, .excitatory)
        // A point far from both centroids is many pooled SDs away.
        XCTAssertGreaterThan(m.assign([1.5, 0.6]).distanceSD, 2.5)
        XCTAssertEqual(m.fittedUnits, 50)
    }

    func testGeneratorIsDeterministicAndUniform() {
        var a = Xoshiro256StarStar(seed: 42, streams: [1, 2]), b = Xoshiro256StarStar(seed: 42, streams: [1, 2])
        var c = Xoshiro256StarStar(seed: 42, streams: [2, 1])
        var same = true, diff = false, sum = 0.0
        for _ in 0..<10_000 {
            let x = a.nextUnit()
            same = same && x == b.nextUnit()
            diff = diff || x != c.nextUnit()
            sum += x
        }
        XCTAssertTrue(same); XCTAssertTrue(diff)
        XCTAssertEqual(sum / 10_000, 0.5, accuracy: 0.01)
        var counts = [Int](repeating: 0, count: 3)
        for _ in 0..<30_000 { counts[a.nextInt(below: 3)] += 1 }
        for c in counts { XCTAssertEqual(Double(c), 10_000, accuracy: 400) }
    }
}
