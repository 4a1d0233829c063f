@testable import Kernels
import XCTest

/// The fast per-scale kernels (METHODS §3) against their straightforward forms, bit for bit, on random count
/// series with the edge cases: K < 2, K not a multiple of the SIMD width or of the block, L ≥ K, zero variance,
/// large counts.
final class ScaleMeasuresFastPathTests: XCTestCase {
    /// Random count series: lengths and count ranges that reach every branch of the kernels.
    static func series(_ rng: inout Xoshiro256StarStar, length n: Int, top: Int) -> [Int32] {
        (0 ..< n).map { _ in Int32(rng.next(below: UInt64(top + 1))) }
    }

    static let lengths = [0, 1, 2, 3, 7, 8, 9, 17, 40, 41, 42, 100, 511, 512, 513, 1030, 2047, 2048, 2049, 4100, 5000]

    func testCrossCorrelationEqualsTheLaneByLaneSum() {
        var rng = Xoshiro256StarStar(seed: 1501)
        var compared = 0, orderMatters = 0
        for n in Self.lengths {
            for top in [1, 3, 40, 100_000] {
                for maxLag in [0, 1, 3, 20, 23] {
                    let e = Self.series(&rng, length: n, top: top), i = Self.series(&rng, length: n, top: top)
                    let m = e.withUnsafeBufferPointer { a in i.withUnsafeBufferPointer { b in Kernels.countMoments(e: a, i: b) } }
                    let fast = e.withUnsafeBufferPointer { a in i.withUnsafeBufferPointer { b in
                        Kernels.crossCorrelation(e: a, i: b, maxLag: maxLag, moments: m) } }
                    let ref = Kernels.crossCorrelationReference(e: e, i: i, maxLag: maxLag, moments: m)
                    XCTAssertEqual(fast?.map(\.bitPattern), ref?.map(\.bitPattern), "K = \(n), top = \(top), L = \(maxLag)")
                    if let ref {
                        compared += 1
                        // The comparison is sensitive to the order of the sum: one sequential FMA chain per lag
                        // (not 8 lanes) changes the last bits somewhere.
                        let sequential = Self.sequentialCrossCorrelation(e: e, i: i, maxLag: maxLag, moments: m)
                        if sequential.map(\.bitPattern) != ref.map(\.bitPattern) { orderMatters += 1 }
                    }
                }
            }
        }
        XCTAssertGreaterThan(compared, 200)
        XCTAssertGreaterThan(orderMatters, 10)
        // Zero variance: nil on both sides.
        let flat = [Int32](repeating: 3, count: 100), var1 = (0 ..< 100).map { Int32($0 % 5) }
        let m = flat.withUnsafeBufferPointer { a in var1.withUnsafeBufferPointer { b in Kernels.countMoments(e: a, i: b) } }
        XCTAssertNil(flat.withUnsafeBufferPointer { a in var1.withUnsafeBufferPointer { b in
            Kernels.crossCorrelation(e: a, i: b, maxLag: 20, moments: m) } })
        XCTAssertNil(Kernels.crossCorrelationReference(e: flat, i: var1, maxLag: 20, moments: m))
    }

    /// Every per-scale measure and curve of the fast kernel (pair table at fine scales, interleaved sub-tables,
    /// sorts at coarse ones) equals the long way, including K < 2, one class silent, a constant class and counts
    /// far from 0.
    func testScaleMeasuresEqualTheStraightforwardForms() {
        var rng = Xoshiro256StarStar(seed: 1502)
        var cases = 0, tablePath = 0, smallPath = 0
        for n in Self.lengths {
            for (topE, topI, offset) in [(1, 1, 0), (3, 7, 0), (12, 40, 0), (300, 2, 0), (5000, 5000, 0), (0, 4, 0),
                                         (0, 0, 0), (6, 6, 1_000_000), (2, 3, 20_000_000)] {
                var e = Self.series(&rng, length: n, top: topE), i = Self.series(&rng, length: n, top: topI)
                if offset > 0 { e = e.map { $0 + Int32(offset) }; i = i.map { $0 + Int32(offset / 2) } }
                let o = ScaleOptions(unitsE: topE == 0 ? 0 : 8, unitsI: 3, dtMilliseconds: 1.35, maxLag: 20)
                let fast = e.withUnsafeBufferPointer { a in i.withUnsafeBufferPointer { b in
                    Kernels.scaleMeasures(e: a, i: b, options: o) } }
                let ref = Kernels.scaleMeasuresReference(e: e, i: i, options: o)
                XCTAssertEqual(fast, ref, "K = \(n), tops \(topE)/\(topI), offset \(offset)")
                XCTAssertEqual(fast.values.mapValues(\.bitPattern), ref.values.mapValues(\.bitPattern))
                XCTAssertEqual(fast.sdE.bitPattern, ref.sdE.bitPattern)
                // ρ(l) kept for the xcorr curve: the lane-by-lane sum's bits (nil exactly when undefined).
                XCTAssertEqual(fast.crossCorrelation?.map(\.bitPattern), ref.crossCorrelation?.map(\.bitPattern))
                XCTAssertEqual(fast.crossCorrelation == nil, fast.values["xcorr_peak"] == nil)
                if n >= 2 {
                    let m = e.withUnsafeBufferPointer { a in i.withUnsafeBufferPointer { b in Kernels.countMoments(e: a, i: b) } }
                    XCTAssertEqual(m, Kernels.countMomentsReference(e: e, i: i))
                    let cells = (Int(m.maxE) - Int(m.minE) + 1) * (Int(m.maxI) - Int(m.minI) + 1)
                    if cells <= max(n, 4096) {
                        tablePath += 1
                        let t = e.withUnsafeBufferPointer { a in i.withUnsafeBufferPointer { b in
                            PairTable(e: a, i: b, minE: m.minE, maxE: m.maxE, minI: m.minI, maxI: m.maxI) } }
                        XCTAssertEqual(t.moments(extrema: m), m)
                        XCTAssertEqual(t.cells.reduce(0, +), n)
                        // The one-pass table of counts below 32: the same cells and extrema, or nil.
                        let small = e.withUnsafeBufferPointer { a in i.withUnsafeBufferPointer { b in PairTable.small(e: a, i: b) } }
                        if m.maxE < 32 && m.maxI < 32 && m.minE >= 0 && m.minI >= 0 {
                            smallPath += 1
                            XCTAssertEqual(small?.table.cells, t.cells)
                            XCTAssertEqual(small?.table.rangeE, t.rangeE); XCTAssertEqual(small?.table.rangeI, t.rangeI)
                            XCTAssertEqual(small.map { $0.table.moments(extrema: $0.extrema) }, m)
                        } else {
                            XCTAssertNil(small)
                        }
                    }
                }
                cases += 1
            }
        }
        XCTAssertGreaterThan(tablePath, 50)
        XCTAssertGreaterThan(smallPath, 30)
        // One count of 32 (late, after a block of small ones) or a negative count: not the one-pass table.
        var late = [Int32](repeating: 1, count: 3000); late[2990] = 32
        let ones = [Int32](repeating: 2, count: 3000)
        XCTAssertNil(late.withUnsafeBufferPointer { a in ones.withUnsafeBufferPointer { b in PairTable.small(e: a, i: b) } })
        XCTAssertNil(ones.withUnsafeBufferPointer { a in late.withUnsafeBufferPointer { b in PairTable.small(e: a, i: b) } })
        var negative = ones; negative[5] = -1
        XCTAssertNil(negative.withUnsafeBufferPointer { a in ones.withUnsafeBufferPointer { b in PairTable.small(e: a, i: b) } })
        XCTAssertNotNil(ones.withUnsafeBufferPointer { a in ones.withUnsafeBufferPointer { b in PairTable.small(e: a, i: b) } })
        XCTAssertGreaterThan(cases, 100)
        // A measure that differs is caught: one bin changed changes the reference.
        let e: [Int32] = (0 ..< 500).map { Int32($0 % 7) }, i: [Int32] = (0 ..< 500).map { Int32(($0 * 3) % 5) }
        var i2 = i; i2[77] += 1
        let o = ScaleOptions(unitsE: 4, unitsI: 2, dtMilliseconds: 1)
        XCTAssertNotEqual(Kernels.scaleMeasuresReference(e: e, i: i, options: o),
                          Kernels.scaleMeasuresReference(e: e, i: i2, options: o))
    }

    /// ρ(d) with one sequential FMA chain per lag: the same value up to rounding, other last bits.
    static func sequentialCrossCorrelation(e: [Int32], i: [Int32], maxLag: Int, moments m: CountMoments) -> [Double] {
        let n = e.count, lag = min(maxLag, n - 1)
        let meanE = Double(m.sumE) / Double(n), meanI = Double(m.sumI) / Double(n)
        let norm = Double(n) * m.varianceE.squareRoot() * m.varianceI.squareRoot()
        return (-lag ... lag).map { d in
            var s = 0.0
            for k in max(0, -d) ..< min(n, n - d) { s = s.addingProduct(Double(e[k]) - meanE, Double(i[k + d]) - meanI) }
            return s / norm
        }
    }
}
