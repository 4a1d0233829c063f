/// The multiscale co-occurrence computation of one member (METHODS §3.7) with its buffers, kept across scales and
/// members so that a member allocates and page-faults nothing here once the workspace has grown.
///
/// Usage per member: `start(gridWidth:gridEpochBins:scales:)`, then `addScale` for scales 1, 2, … (the E and I
/// rows of each), then `quantise(levels:)` and `counts(offset:levels:)`. The values are those of the
/// straightforward construction (`Kernels.resampleZScores` per row, `Kernels.equalFrequencyThresholds` of the
/// pooled finite values, `Kernels.quantiseLevel`, `Kernels.cooccurrenceCounts` of the rows), bit for bit
/// (`CooccurrenceTests`).
///
/// Memory: per cell of the reference grid and row, 8 bytes (its z-score, finite ones only) and 1 byte (its level);
/// no separate z-score rows: the finite values are pooled in row order, and the levels row marks the NaN cells.
public struct CooccurrenceWorkspace: Sendable {
    /// Reference bins per row (Σ of the epochs' whole reference bins).
    public private(set) var rowLength = 0
    /// Scales added since `start`.
    public private(set) var scaleCount = 0
    /// Finite values pooled so far (the first `pooledCount` of `pooled`).
    public private(set) var pooledCount = 0
    /// The thresholds of the last `quantise`.
    public private(set) var thresholds: [Double] = []
    var gridWidth = 1.0
    var gridEpochBins: [Int] = []
    /// Finite resampled z-scores in row order: scale 1 E, scale 1 I, scale 2 E, …
    var pooled: [Double] = []
    /// One row of `rowLength` cells per (scale, class) in the same order: −1 for NaN; after `quantise` the level.
    var levels: [Int8] = []
    var histogram: [Int32] = []
    var scratch: [Double] = []

    public init() {}

    /// Starts a member: the reference grid (bin width seconds, whole bins per epoch) and the number of scales
    /// that will be added (for the buffers' size).
    public mutating func start(gridWidth: Double, gridEpochBins: [Int], scales: Int) {
        self.gridWidth = gridWidth
        self.gridEpochBins = gridEpochBins
        rowLength = gridEpochBins.reduce(0, +)
        scaleCount = 0
        pooledCount = 0
        thresholds = []
        let cells = 2 * max(0, scales) * rowLength
        if pooled.count < cells { pooled = [Double](repeating: 0, count: cells) }
        if levels.count < cells { levels = [Int8](repeating: 0, count: cells) }
    }

    /// Resamples the next scale's E and I counts (`e`, `i`: K bins, `epochBins` whole bins per epoch, width in
    /// seconds) onto the reference grid as z-scores with the given mean and sample sd (sd ≤ 0: every cell NaN),
    /// as `Kernels.resampleZScores`, and pools their finite values.
    public mutating func addScale(e: UnsafeBufferPointer<Int32>, i: UnsafeBufferPointer<Int32>, epochBins: [Int],
                                  width: Double, meanE: Double, sdE: Double, meanI: Double, sdI: Double) {
        let m = rowLength
        let needed = 2 * (scaleCount + 1) * m
        if pooled.count < needed {                      // more scales than `start` was told: grow
            pooled += [Double](repeating: 0, count: needed - pooled.count)
        }
        if levels.count < needed { levels += [Int8](repeating: 0, count: needed - levels.count) }
        let (gw, gb) = (gridWidth, gridEpochBins)
        for (row, counts, mean, sd) in [(2 * scaleCount, e, meanE, sdE), (2 * scaleCount + 1, i, meanI, sdI)] {
            let n = pooledCount
            let kept: Int = pooled.withUnsafeMutableBufferPointer { p in
                levels.withUnsafeMutableBufferPointer { l in
                    // Resample into the free tail of `pooled` (at least m cells are free: n ≤ row·m), then keep the
                    // finite values in place and mark the NaN cells.
                    let tail = UnsafeMutableBufferPointer(rebasing: p[n ..< n + m])
                    Kernels.resampleZScores(counts: counts, epochBins: epochBins, width: width, gridWidth: gw,
                                            gridEpochBins: gb, mean: mean, sd: sd, into: tail)
                    let src = p.baseAddress! + n, lv = l.baseAddress! + row * m
                    var w = 0
                    for c in 0 ..< m {
                        let v = src[c]
                        if v.isFinite { src[w] = v; w += 1; lv[c] = 0 } else { lv[c] = -1 }
                    }
                    return w
                }
            }
            pooledCount = n + kept
        }
        scaleCount += 1
    }

    /// Thresholds of `levels` equal-frequency levels of the pooled finite values (`Kernels.equalFrequencyThresholds`)
    /// and the level of every cell; false (nothing quantised) when fewer than 2 values are finite.
    public mutating func quantise(levels count: Int) -> Bool {
        guard pooledCount >= 2 else { return false }
        let n = pooledCount
        thresholds = pooled.withUnsafeBufferPointer {
            Kernels.equalFrequencyThresholds(unordered: UnsafeBufferPointer(rebasing: $0[0 ..< n]), levels: count,
                                             histogram: &histogram, scratch: &scratch)
        }
        let cells = 2 * scaleCount * rowLength
        let t = thresholds
        pooled.withUnsafeBufferPointer { p in
            levels.withUnsafeMutableBufferPointer { l in
                Kernels.quantise(values: UnsafeBufferPointer(rebasing: p[0 ..< n]),
                                 cells: UnsafeMutableBufferPointer(rebasing: l[0 ..< cells]), thresholds: t)
            }
        }
        return true
    }

    /// The levels row of scale `s` (1-based) and class E (`ofE`) or I after `quantise` (−1 = NaN).
    public func levelRow(scale s: Int, ofE: Bool) -> ArraySlice<Int8> {
        let row = 2 * (s - 1) + (ofE ? 0 : 1)
        return levels[row * rowLength ..< (row + 1) * rowLength]
    }

    /// `Kernels.cooccurrenceCounts` of the quantised rows of every scale added at offset `d`: L×L counts,
    /// row-major (row = E level).
    public func counts(offset d: Int, levels count: Int) -> [Int64] {
        var out = [Int64](repeating: 0, count: count * count)
        let m = rowLength
        guard m > d else { return out }
        levels.withUnsafeBufferPointer { l in
            out.withUnsafeMutableBufferPointer { p in
                for s in 0 ..< scaleCount {
                    let le = l.baseAddress! + 2 * s * m, li = le + m
                    for c in 0 ..< (m - d) {
                        let a = le[c], b = li[c + d]
                        if a >= 0 && b >= 0 { p[Int(a) * count + Int(b)] += 1 }
                    }
                }
            }
        }
        return out
    }
}

extension Kernels {
    /// `equalFrequencyThresholds(_:levels:)` of `values` (finite) without reordering them: the same order
    /// statistics, so the same thresholds. The values are counted into 2^16 buckets by a monotone map of
    /// [min, max] (bucket(x) ≤ bucket(y) when x ≤ y, so the value of rank r lies in the bucket where the cumulative
    /// count passes r and has rank r − (count before it) among that bucket's values); only the buckets holding a
    /// needed rank are copied to `scratch` and selected there. `histogram`, `scratch`: buffers kept by the caller.
    public static func equalFrequencyThresholds(unordered values: UnsafeBufferPointer<Double>, levels: Int,
                                                histogram: inout [Int32], scratch: inout [Double]) -> [Double] {
        let n = values.count
        guard n > 0, levels > 1 else { return [] }
        var hs: [Double] = []
        var wanted: [Int] = []
        for l in 1 ..< levels {
            let h = Double(n - 1) * (Double(l) / Double(levels))
            let lo = Int(h.rounded(.down))
            hs.append(h); wanted.append(lo); if lo + 1 < n { wanted.append(lo + 1) }
        }
        let ranks = Array(Set(wanted)).sorted()
        let selected = orderStatistics(values, ranks: ranks, histogram: &histogram, scratch: &scratch)
        func at(_ r: Int) -> Double {
            var lo = 0, hi = ranks.count
            while lo < hi { let m = (lo + hi) >> 1; if ranks[m] < r { lo = m + 1 } else { hi = m } }
            return selected[lo]
        }
        return hs.map { h in
            let lo = Int(h.rounded(.down))
            let a = at(lo)
            guard lo + 1 < n else { return a }
            return a + (h - Double(lo)) * (at(lo + 1) - a)
        }
    }

    /// Buckets of `orderStatistics`.
    static let selectionBuckets = 1 << 16

    /// The values of rank `ranks` (sorted ascending, distinct, in 0..<count) of the finite `values` (see
    /// `equalFrequencyThresholds(unordered:…)`).
    static func orderStatistics(_ values: UnsafeBufferPointer<Double>, ranks: [Int], histogram: inout [Int32],
                                scratch: inout [Double]) -> [Double] {
        let n = values.count
        func selectAll() -> [Double] {
            if scratch.count < n { scratch = [Double](repeating: 0, count: n) }
            return scratch.withUnsafeMutableBufferPointer { s in
                _ = s.update(fromContentsOf: values)
                let part = UnsafeMutableBufferPointer(rebasing: s[0 ..< n])
                multiSelect(part, 0, n, ranks[...])
                return ranks.map { part[$0] }
            }
        }
        guard n > 4 * selectionBuckets, n < Int(Int32.max) else { return selectAll() }
        var lo = values[0], hi = values[0]
        for v in values { lo = min(lo, v); hi = max(hi, v) }
        let range = hi - lo
        let nb = selectionBuckets
        let scale = Double(nb) / range
        guard range > 0, range.isFinite, scale.isFinite, scale > 0 else { return selectAll() }
        @inline(__always) func bucket(_ x: Double) -> Int { min(Int((x - lo) * scale), nb - 1) }
        if histogram.count < nb { histogram = [Int32](repeating: 0, count: nb) }
        return histogram.withUnsafeMutableBufferPointer { hist -> [Double] in
            hist.update(repeating: 0)
            for v in values { hist[bucket(v)] &+= 1 }
            // The bucket of each rank and its rank within the bucket.
            var bucketOf: [Int] = [], before: [Int] = []
            var cum = 0, b = 0
            for r in ranks {
                while cum + Int(hist[b]) <= r { cum += Int(hist[b]); b += 1 }
                bucketOf.append(b); before.append(cum)
            }
            // The needed buckets' places in the scratch (ascending), every other bucket −1.
            var offsetOf: [Int: Int] = [:]
            var total = 0
            for b in bucketOf where offsetOf[b] == nil { offsetOf[b] = total; total += Int(hist[b]) }
            hist.update(repeating: -1)
            for (b, o) in offsetOf { hist[b] = Int32(o) }
            if scratch.count < total { scratch = [Double](repeating: 0, count: total) }
            return scratch.withUnsafeMutableBufferPointer { s -> [Double] in
                for v in values {
                    let b = bucket(v), c = hist[b]
                    if c >= 0 { s[Int(c)] = v; hist[b] = c + 1 }
                }
                let mapped = ranks.indices.map { offsetOf[bucketOf[$0]]! + ranks[$0] - before[$0] }
                let part = UnsafeMutableBufferPointer(rebasing: s[0 ..< total])
                multiSelect(part, 0, total, mapped[...])
                return mapped.map { part[$0] }
            }
        }
    }

    /// Levels (METHODS §3.7) of the cells of `cells` that are not −1, from `values` in order (one per such cell):
    /// the number of `thresholds` ≤ value, as `quantiseLevel`; 16 thresholds at a time on SIMD lanes.
    public static func quantise(values: UnsafeBufferPointer<Double>, cells: UnsafeMutableBufferPointer<Int8>,
                                thresholds: [Double]) {
        var next = 0
        let ascending = zip(thresholds, thresholds.dropFirst()).allSatisfy { $0 <= $1 }
        if thresholds.count <= 16 && ascending && thresholds.allSatisfy({ $0.isFinite }) {
            // Padding with +∞ (never ≤ a finite value); the count of lanes ≤ v is the binary search's answer for
            // ascending finite thresholds (otherwise the binary search itself).
            var p = [Double](repeating: .infinity, count: 16)
            for (j, x) in thresholds.enumerated() { p[j] = x }
            let t0 = SIMD4(p[0], p[1], p[2], p[3]), t1 = SIMD4(p[4], p[5], p[6], p[7])
            let t2 = SIMD4(p[8], p[9], p[10], p[11]), t3 = SIMD4(p[12], p[13], p[14], p[15])
            for c in cells.indices where cells[c] >= 0 {
                let v = SIMD4<Double>(repeating: values[next]); next += 1
                // A true lane of a mask is −1: the level is minus the sum of the four masks' lanes.
                let s = (t0 .<= v)._storage &+ (t1 .<= v)._storage &+ (t2 .<= v)._storage &+ (t3 .<= v)._storage
                cells[c] = Int8(truncatingIfNeeded: 0 &- s.wrappedSum())
            }
        } else {
            for c in cells.indices where cells[c] >= 0 {
                cells[c] = Int8(truncatingIfNeeded: quantiseLevel(values[next], thresholds: thresholds)); next += 1
            }
        }
        precondition(next == values.count, "quantise: \(values.count) values for \(next) cells")
    }
}
