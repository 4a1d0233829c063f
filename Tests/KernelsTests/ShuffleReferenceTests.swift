@testable import Kernels
import XCTest

/// `Kernels.shuffle` (the ISI surrogate's interval shuffle, METHODS §5a) against the version recorded before
/// session 6 (below, unchanged), value by value: the cycle moves now read each head's label from a small cache
/// instead of the label array; the permutation, and so every surrogate table, must not change.
final class ShuffleReferenceTests: XCTestCase {
    func testShuffleEqualsTheCycleMovesItReplaced() {
        var data = Xoshiro256StarStar(seed: 99)
        for (n, seed) in [(65_536, UInt64(1)), (65_537, 2), (200_003, 3), (1_000_000, 4), (70_000, 5), (1000, 6)] {
            let values = (0 ..< n).map { _ in data.nextUnit() }
            var a = values, b = values
            var la = [UInt16](repeating: 0, count: n), lb = la
            var r1 = Xoshiro256StarStar(seed: seed), r2 = r1
            a.withUnsafeMutableBufferPointer { p in la.withUnsafeMutableBufferPointer { Kernels.shuffle(p, rng: &r1, labels: $0) } }
            b.withUnsafeMutableBufferPointer { p in lb.withUnsafeMutableBufferPointer { Self.referenceShuffle(p, rng: &r2, labels: $0) } }
            XCTAssertEqual(a.map(\.bitPattern), b.map(\.bitPattern), "n = \(n)")
            XCTAssertEqual(r1.next(), r2.next(), "the same draws, n = \(n)")
            XCTAssertNotEqual(a, values)
        }
    }

    /// The shuffle of commit b9df54d (Shuffle.swift), kept verbatim as the reference.
    static func referenceShuffle(_ a: UnsafeMutableBufferPointer<Double>, rng: inout Xoshiro256StarStar,
                               labels: UnsafeMutableBufferPointer<UInt16>) {
        let n = a.count
        func fisherYates(_ lo: Int, _ hi: Int) {
            var m = hi - lo
            while m > 1 {
                let r = Int(rng.next(below: UInt64(m)))
                a.swapAt(lo + r, lo + m - 1)
                m -= 1
            }
        }
        if n < 65536 { fisherYates(0, n); return }
        precondition(labels.count >= n, "label scratch too small")
        let buckets = 1024
        var counts = [Int](repeating: 0, count: buckets)
        for i in 0 ..< n {
            let l = Int(rng.next() >> 54)
            labels[i] = UInt16(l)
            counts[l] += 1
        }
        var heads = [Int](repeating: 0, count: buckets), ends = heads
        var acc = 0
        for b in 0 ..< buckets { heads[b] = acc; acc += counts[b]; ends[b] = acc }
        let starts = heads
        heads.withUnsafeMutableBufferPointer { h in
            for b in 0 ..< buckets {
                while h[b] < ends[b] {
                    var v = a[h[b]]
                    var l = Int(labels[h[b]])
                    while l != b {
                        let dst = h[l]; h[l] += 1
                        let v2 = a[dst], l2 = Int(labels[dst])
                        a[dst] = v; labels[dst] = UInt16(l)
                        v = v2; l = l2
                    }
                    a[h[b]] = v; labels[h[b]] = UInt16(b)
                    h[b] += 1
                }
            }
        }
        for b in 0 ..< buckets { fisherYates(starts[b], ends[b]) }
    }
}
