import Kernels
import XCTest

/// The §3.7 overlap-weighted resampling onto the reference grid (METHODS revised 2026-12), in closed form.
final class CooccurrenceTests: XCTestCase {
    func testFinerScaleIsAveragedAndCoarserScaleIsRepeated() {
        // Finer: width 1, grid 4 → each grid bin averages 4 bins (centres 0.5, 1.5, 2.5, 3.5).
        let c: [Int32] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]          // 10 bins, one epoch; mean 4.5, sd √8.25
        let sd = 8.25.squareRoot()
        let z = c.withUnsafeBufferPointer {
            Kernels.resampleZScores(counts: $0, epochBins: [10], width: 1, gridWidth: 4, gridEpochBins: [2],
                                    mean: 4.5, sd: sd)
        }
        XCTAssertEqual(z[0], (1.5 - 4.5) / sd, accuracy: 1e-15)
        XCTAssertEqual(z[1], (5.5 - 4.5) / sd, accuracy: 1e-15)
        // Coarser: width 8, grid 4 → each grid bin lies inside one bin and takes its value.
        let d: [Int32] = [2, 6]
        let y = d.withUnsafeBufferPointer {
            Kernels.resampleZScores(counts: $0, epochBins: [2], width: 8, gridWidth: 4, gridEpochBins: [5],
                                    mean: 4, sd: 2)
        }
        XCTAssertEqual(Array(y[0 ..< 4]), [-1, -1, 1, 1])
        XCTAssertTrue(y[4].isNaN)                                   // beyond the last whole bin: no overlap
        // Not aligned: width 3, grid 4, bins [0,3) [3,6) [6,9) with counts 0, 3, 6 (mean 0, sd 1 → z = count).
        // B0 = [0,4): (0·3 + 3·1)/4; B1 = [4,8): (3·2 + 6·2)/4; B2 = [8,12): only [8,9) of it overlaps → 6.
        // (The earlier bin-centre rule gave 0, 4.5 and 6: this fails on it.)
        let u: [Int32] = [0, 3, 6]
        let w = u.withUnsafeBufferPointer {
            Kernels.resampleZScores(counts: $0, epochBins: [3], width: 3, gridWidth: 4, gridEpochBins: [3],
                                    mean: 0, sd: 1)
        }
        XCTAssertEqual(w[0], 0.75, accuracy: 1e-15)
        XCTAssertEqual(w[1], 4.5, accuracy: 1e-15)
        XCTAssertEqual(w[2], 6, accuracy: 1e-15)
        // Two epochs are resampled separately; zero sd gives no values.
        let two = c.withUnsafeBufferPointer {
            Kernels.resampleZScores(counts: $0, epochBins: [4, 6], width: 1, gridWidth: 2, gridEpochBins: [2, 3],
                                    mean: 4.5, sd: 1)
        }
        XCTAssertEqual(two, [-4, -2, 0, 2, 4])
        XCTAssertTrue(c.withUnsafeBufferPointer {
            Kernels.resampleZScores(counts: $0, epochBins: [10], width: 1, gridWidth: 2, gridEpochBins: [5], mean: 0, sd: 0)
        }.allSatisfy { $0.isNaN })
    }

    /// The straightforward §3.7 resampling of one scale (the construction before session 5): a prefix-sum array,
    /// the 128-bit division, per epoch.
    static func resampleStraightforward(_ c: [Int32], epochBins: [Int], width: Double, gridWidth: Double,
                                        gridEpochBins: [Int], mean: Double, sd: Double) -> [Double] {
        var out = [Double](repeating: .nan, count: gridEpochBins.reduce(0, +))
        guard sd > 0 else { return out }
        func rational(_ x: Double) -> (Int128, Int) { (Int128(x.significandBitPattern | (1 << 52)), Int(x.exponent) - 52) }
        let (mw, ew) = rational(width), (mg, eg) = rational(gridWidth)
        let e0 = min(ew, eg)
        let dt = mw << (ew - e0), d20 = mg << (eg - e0)
        var src = 0, dst = 0
        for (e, kb) in epochBins.enumerated() {
            var prefix: [Int64] = [0]
            for k in 0 ..< kb { prefix.append(prefix.last! + Int64(c[src + k])) }
            for m in 0 ..< gridEpochBins[e] {
                let lo = Int128(m) * d20, hi = lo + d20
                let i0 = Int(lo / dt), i1 = min(Int((hi + dt - 1) / dt) - 1, kb - 1)
                guard i0 <= i1 else { continue }
                let value: Double
                if i0 == i1 { value = Double(c[src + i0]) } else {
                    let wa = Int128(i0 + 1) * dt - lo, wb = min(hi, Int128(i1 + 1) * dt) - Int128(i1) * dt
                    let den = wa + Int128(i1 - i0 - 1) * dt + wb
                    let num = Int128(c[src + i0]) * wa + Int128(prefix[i1] - prefix[i0 + 1]) * dt + Int128(c[src + i1]) * wb
                    let (q, r) = num.quotientAndRemainder(dividingBy: den)
                    value = r == 0 ? Double(q) : Double(q) + Double(r) / Double(den)
                }
                out[dst + m] = (value - mean) / sd
            }
            src += kb; dst += gridEpochBins[e]
        }
        return out
    }

    /// `CooccurrenceWorkspace` (resampling into the pooled buffer, thresholds by buckets, SIMD levels, flat rows)
    /// equals the straightforward construction: rows per scale, the pooled finite values reordered by quickselect,
    /// a binary search per cell, `cooccurrenceCounts` of [[Int8]] rows; counts at every offset identical. Three
    /// epochs with partial reference bins (NaN tails), scales finer and coarser than the grid, rows with sd 0, and
    /// one workspace reused for a second, smaller member (stale cells must not leak).
    func testWorkspaceEqualsTheStraightforwardConstruction() {
        var rng = Xoshiro256StarStar(seed: 2026)
        var ws = CooccurrenceWorkspace()
        for (lengths, levels) in [([900.3, 0.7, 517.123], 16), ([40.05, 12.5], 16), ([250.0], 5)] {
            let gw = Kernels.scaleSeconds(20)
            let gb = lengths.map { BinGrid(origin: 0, width: gw).fullBinCount(stop: $0) }
            ws.start(gridWidth: gw, gridEpochBins: gb, scales: 32)
            var rowsE: [[Double]] = [], rowsI: [[Double]] = []
            for s in 1 ... 32 {
                let w = Kernels.scaleSeconds(s)
                let eb = lengths.map { BinGrid(origin: 0, width: w).fullBinCount(stop: $0) }
                let k = eb.reduce(0, +)
                let rate = w * 800
                let e = (0 ..< k).map { _ in Int32(rng.next(below: UInt64(2 * rate) + 1)) }
                let i = (0 ..< k).map { _ in Int32(rng.next(below: UInt64(rate / 2) + 2)) }
                let (meanE, sdE) = (rate, s == 7 ? 0 : (rate / 3).squareRoot() + 0.1)
                let (meanI, sdI) = (rate / 4, s == 30 ? -1 : (rate / 12).squareRoot() + 0.3)
                e.withUnsafeBufferPointer { pe in i.withUnsafeBufferPointer { pi in
                    ws.addScale(e: pe, i: pi, epochBins: eb, width: w, meanE: meanE, sdE: sdE, meanI: meanI, sdI: sdI)
                } }
                rowsE.append(Self.resampleStraightforward(e, epochBins: eb, width: w, gridWidth: gw, gridEpochBins: gb,
                                                          mean: meanE, sd: sdE))
                rowsI.append(Self.resampleStraightforward(i, epochBins: eb, width: w, gridWidth: gw, gridEpochBins: gb,
                                                          mean: meanI, sd: sdI))
            }
            var pooled: [Double] = []
            for row in rowsE + rowsI { for v in row where v.isFinite { pooled.append(v) } }
            XCTAssertEqual(ws.pooledCount, pooled.count)
            XCTAssertTrue(ws.quantise(levels: levels))
            let t = Kernels.equalFrequencyThresholds(&pooled, levels: levels)
            XCTAssertEqual(ws.thresholds.map(\.bitPattern), t.map(\.bitPattern))
            func quantised(_ rows: [[Double]]) -> [[Int8]] {
                rows.map { $0.map { $0.isFinite ? Int8(Kernels.quantiseLevel($0, thresholds: t)) : -1 } }
            }
            let (le, li) = (quantised(rowsE), quantised(rowsI))
            for s in 1 ... 32 {
                XCTAssertEqual(Array(ws.levelRow(scale: s, ofE: true)), le[s - 1], "scale \(s) E")
                XCTAssertEqual(Array(ws.levelRow(scale: s, ofE: false)), li[s - 1], "scale \(s) I")
            }
            for d in 1 ... 5 {
                XCTAssertEqual(ws.counts(offset: d, levels: levels),
                               Kernels.cooccurrenceCounts(levelsE: le, levelsI: li, offset: d, levels: levels), "offset \(d)")
            }
        }
        // Fewer than 2 finite values: nothing to quantise.
        ws.start(gridWidth: 1, gridEpochBins: [3], scales: 1)
        let c: [Int32] = [1, 2, 3]
        c.withUnsafeBufferPointer { ws.addScale(e: $0, i: $0, epochBins: [3], width: 1, meanE: 0, sdE: 0, meanI: 0, sdI: 0) }
        XCTAssertFalse(ws.quantise(levels: 16))
    }

    /// The thresholds by buckets (`equalFrequencyThresholds(unordered:…)`) equal quickselect's on inputs large
    /// enough for the bucket path: heavy ties, a narrow cluster with far outliers (most values in a few buckets),
    /// negative values, all values equal, and small inputs; the input is left in order.
    func testUnorderedThresholdsEqualQuickselect() {
        var rng = Xoshiro256StarStar(seed: 77)
        var hist: [Int32] = [], scratch: [Double] = []
        let n = 400_000
        let inputs: [[Double]] = [
            (0 ..< n).map { _ in Double(rng.next(below: 40)) / 7 - 2 },                        // 40 distinct values
            (0 ..< n).map { j in j % 1000 == 0 ? 1e6 * (rng.nextUnit() - 0.3) : 1e-3 * rng.nextUnit() },
            (0 ..< n).map { _ in -log(1 - rng.nextUnit()) * (rng.nextUnit() < 0.5 ? -1 : 1) },
            [Double](repeating: 0.25, count: n),
            (0 ..< n).map { j in j < n / 2 ? -0.0 : 0.0 },
            (0 ..< 1000).map { _ in rng.nextUnit() },
            [3.0, 1.0],
        ]
        for (x, values) in inputs.enumerated() {
            for levels in [16, 7, 2] {
                var copy = values
                let expected = Kernels.equalFrequencyThresholds(&copy, levels: levels)
                let got = values.withUnsafeBufferPointer {
                    Kernels.equalFrequencyThresholds(unordered: $0, levels: levels, histogram: &hist, scratch: &scratch)
                }
                XCTAssertEqual(got, expected, "input \(x), \(levels) levels")
            }
        }
    }

    /// SIMD levels (`Kernels.quantise`) equal the binary search, including values equal to a threshold, repeated
    /// thresholds, values beyond both ends, and thresholds that are not ascending (the binary search is used).
    func testQuantiseEqualsBinarySearch() {
        var rng = Xoshiro256StarStar(seed: 5)
        for t in [[-1.0, -0.5, -0.5, 0, 0, 0.25, 1, 2, 2, 2, 3, 4, 5, 6, 7], [0.5], [1.0, 0.0, 2.0],
                  (0 ..< 16).map { Double($0) }, (0 ..< 20).map { Double($0) / 3 }] {
            let values = (0 ..< 2000).map { j in j % 3 == 0 ? t[j % t.count] : rng.nextUnit() * 12 - 3 }
            var cells = (0 ..< 2500).map { j in Int8(j % 5 == 4 ? -1 : 0) }
            let valid = cells.filter { $0 >= 0 }.count
            XCTAssertEqual(valid, values.count)
            values.withUnsafeBufferPointer { v in
                cells.withUnsafeMutableBufferPointer { Kernels.quantise(values: v, cells: $0, thresholds: t) }
            }
            var next = 0
            for c in cells {
                if c < 0 { continue }
                XCTAssertEqual(Int(c), Kernels.quantiseLevel(values[next], thresholds: t), "\(values[next]) in \(t)")
                next += 1
            }
        }
    }
}
