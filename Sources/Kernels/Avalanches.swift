import Foundation

/// Neuronal avalanches (METHODS §8; AV, Beggs & Plenz 2003): an avalanche is a maximal run of non-empty
/// bins of the pooled event count; its size is the number of events in it and its duration the number of bins.
/// Runs never straddle an epoch: each contiguous piece is scanned on its own (a run touching a piece's edge
/// is kept, as the partial bin rule of METHODS §0 already drops the incomplete bin).
public enum Avalanches {
    /// Sizes (events) and durations (bins) of every avalanche, in order of occurrence.
    public struct Result: Sendable, Equatable {
        public var sizes: [Int]
        public var durations: [Int]
        /// Total number of bins scanned.
        public var bins: Int
        public init(sizes: [Int] = [], durations: [Int] = [], bins: Int = 0) {
            self.sizes = sizes; self.durations = durations; self.bins = bins
        }
    }

    /// Scans one contiguous count series and appends its avalanches to `result`.
    public static func scan(_ counts: UnsafeBufferPointer<Int32>, into result: inout Result) {
        var size = 0, duration = 0
        for c in counts {
            if c > 0 { size += Int(c); duration += 1 }
            else if duration > 0 {
                result.sizes.append(size); result.durations.append(duration); size = 0; duration = 0
            }
        }
        if duration > 0 { result.sizes.append(size); result.durations.append(duration) }
        result.bins += counts.count
    }

    /// Avalanches of several contiguous count series (epochs), scanned separately.
    public static func detect(pieces: [[Int32]]) -> Result {
        var r = Result()
        for p in pieces { p.withUnsafeBufferPointer { scan($0, into: &r) } }
        return r
    }

    /// Counts events (sorted times, seconds) in bins `[start + kΔ, start + (k+1)Δ)` for the K whole bins of
    /// `[start, stop)` (the partial last bin is dropped), adding into `counts`. Bin indices and K follow the
    /// METHODS §2 edge rule (`BinGrid`).
    public static func addCounts(times: UnsafeBufferPointer<Double>, start: Double, stop: Double, width: Double,
                                 into counts: inout [Int32]) {
        let k = binCount(start: start, stop: stop, width: width)
        if counts.count < k { counts += [Int32](repeating: 0, count: k - counts.count) }
        // First event at or after start (times sorted).
        var lo = 0, hi = times.count
        while lo < hi { let m = (lo + hi) / 2; if times[m] < start { lo = m + 1 } else { hi = m } }
        var i = lo
        while i < times.count {
            let b = binIndex(times[i], start: start, width: width)
            if b >= k { break }
            counts[b] += 1
            i += 1
        }
    }

    /// `addCounts(times:start:stop:width:into:)` for several widths after one search for the first event:
    /// `counts[w]` gets exactly what that function adds at `widths[w]` (the same bin index per event, and each
    /// width stops at its first event whose bin is K or more). `counts` must hold one array per width.
    public static func addCounts(times: UnsafeBufferPointer<Double>, start: Double, stop: Double, widths: [Double],
                                 into counts: inout [[Int32]]) {
        precondition(counts.count == widths.count, "one count array per width")
        let m = widths.count
        var k = [Int](repeating: 0, count: m), grids: [BinGrid] = []
        for w in 0..<m {
            k[w] = binCount(start: start, stop: stop, width: widths[w])
            if counts[w].count < k[w] { counts[w] += [Int32](repeating: 0, count: k[w] - counts[w].count) }
            grids.append(BinGrid(origin: start, width: widths[w]))
        }
        var lo = 0, hi = times.count
        while lo < hi { let mid = (lo + hi) / 2; if times[mid] < start { lo = mid + 1 } else { hi = mid } }
        // Width by width (each width's own pass stops at its first event at or beyond its K, as the one-width
        // function does); the counts are written through a pointer, without per-event copy-on-write checks.
        for w in 0..<m {
            let g = grids[w], kw = k[w]
            counts[w].withUnsafeMutableBufferPointer { c in
                var i = lo
                while i < times.count {
                    let b = max(g.index(times[i]), 0)
                    if b >= kw { break }
                    c[b] += 1
                    i += 1
                }
            }
        }
    }

    /// Number of whole bins of width `width` in `[start, stop)` under the METHODS §2 edge rule (`BinGrid`).
    @inlinable
    public static func binCount(start: Double, stop: Double, width: Double) -> Int {
        guard stop > start, width > 0 else { return 0 }
        return BinGrid(origin: start, width: width).fullBinCount(stop: stop)
    }

    /// The bin of time `t` under the METHODS §2 edge rule (`BinGrid.index`), clamped below at 0.
    @inlinable
    public static func binIndex(_ t: Double, start: Double, width: Double) -> Int {
        max(BinGrid(origin: start, width: width).index(t), 0)
    }

    /// Event sample indices of one z-scored channel (METHODS §8, LFP avalanches): in every excursion beyond
    /// `+threshold` the sample of the maximum, and in every excursion below `−threshold` the sample of the
    /// minimum. `z` must already be z-scored.
    public static func lfpEvents(z: [Double], threshold: Double = 3) -> [Int] {
        var out: [Int] = []
        var i = 0
        let n = z.count
        while i < n {
            if z[i] > threshold {
                var best = i
                while i < n && z[i] > threshold { if z[i] > z[best] { best = i }; i += 1 }
                out.append(best)
            } else if z[i] < -threshold {
                var best = i
                while i < n && z[i] < -threshold { if z[i] < z[best] { best = i }; i += 1 }
                out.append(best)
            } else { i += 1 }
        }
        return out
    }
}

extension Avalanches {
    /// `lfpEvents(z:threshold:)` of the series `(x − mean) / sd` without forming it: each z is computed with that
    /// expression where it is compared, so the events are the same.
    public static func lfpEvents(x: UnsafeBufferPointer<Double>, mean: Double, sd: Double,
                                 threshold: Double = 3) -> [Int] {
        var out: [Int] = []
        var i = 0
        let n = x.count
        @inline(__always) func z(_ j: Int) -> Double { (x[j] - mean) / sd }
        while i < n {
            let zi = z(i)
            if zi > threshold {
                var best = i, zb = zi
                while i < n { let v = z(i); guard v > threshold else { break }; if v > zb { best = i; zb = v }; i += 1 }
                out.append(best)
            } else if zi < -threshold {
                var best = i, zb = zi
                while i < n { let v = z(i); guard v < -threshold else { break }; if v < zb { best = i; zb = v }; i += 1 }
                out.append(best)
            } else { i += 1 }
        }
        return out
    }
}

/// Branching ratio (METHODS §8; Beggs & Plenz 2003): mean number of descendants per ancestor,
/// `σ = mean over bins t with n_t > 0 of n_{t+1} / n_t`, where t+1 is in the same contiguous piece.
/// A critical branching process gives σ = 1. Nil when no bin has a successor with n_t > 0.
public enum BranchingRatio {
    public static func estimate(pieces: [[Int32]]) -> Double? {
        var sum = 0.0, count = 0
        for p in pieces where p.count > 1 {
            for t in 0..<(p.count - 1) where p[t] > 0 {
                sum += Double(p[t + 1]) / Double(p[t]); count += 1
            }
        }
        return count > 0 ? sum / Double(count) : nil
    }
}

extension Avalanches {
    /// LFP event counts (METHODS §8) of `channels` channels stored row-major: `pieces[k]` holds the samples of
    /// epoch k, `pieces[k][j · channels + c]` the j-th sample of channel c. Equal, value for value, to
    /// z-scoring each channel over all its samples (mean, sd with n − 1, a channel with n ≤ 1 or sd ≤ 0 gives no
    /// events), finding `lfpEvents` of each channel in each piece and adding every event sample j of piece k to
    /// bin `binIndex(j / rate, start: 0, width)` of `result[width][k]` (K bins of the piece's duration, events in
    /// the partial last bin dropped).
    ///
    /// Each channel's sums are added sample by sample in the same order as the per-channel code (lanes of a SIMD
    /// vector, one channel per lane: the same IEEE operations), z is the same expression `(x − mean) / sd`, and
    /// the excursion rule runs as one state machine per channel over its samples in order, so the events are
    /// the same; rows where no channel is in or starts an excursion are passed by one vector compare.
    public static func lfpEventCounts(pieces: [[Double]], channels m: Int, rate: Double, widths: [Double],
                                      threshold: Double) -> [[[Int32]]] {
        var out = widths.map { w in
            pieces.map { p in
                [Int32](repeating: 0, count: binCount(start: 0, stop: Double(m > 0 ? p.count / m : 0) / rate, width: w))
            }
        }
        guard m > 0 else { return out }
        // Pass 1: per-channel sums over all pieces, samples in order (channel c in lane c % 8 of vector c / 8).
        let lanes = 8, full = m / lanes
        var s = [SIMD8<Double>](repeating: .zero, count: full + 1), q = s
        var n = 0.0
        for p in pieces where p.count >= m {
            let rows = p.count / m
            p.withUnsafeBufferPointer { x in
                let raw = UnsafeRawPointer(x.baseAddress!)
                for j in 0..<rows {
                    let row = x.baseAddress! + j * m
                    for b in 0..<full {
                        let v = (raw + (j * m + b * lanes) * 8).loadUnaligned(as: SIMD8<Double>.self)
                        s[b] += v
                        q[b] += v * v
                    }
                    for c in (full * lanes)..<m { let v = row[c]; s[full][c - full * lanes] += v; q[full][c - full * lanes] += v * v }
                }
            }
            n += Double(rows)      // exact: the count the per-channel code reaches by adding 1 per sample
        }
        guard n > 1 else { return out }
        // mean and sd as the per-channel code; a channel without events gets sd = NaN (no compare is true).
        var mean = [SIMD8<Double>](repeating: .zero, count: full + 1)
        var sd = [SIMD8<Double>](repeating: SIMD8(repeating: .nan), count: full + 1)
        for c in 0..<m {
            let sc = s[c / lanes][c % lanes], qc = q[c / lanes][c % lanes]
            let mu = sc / n, d = ((qc - sc * sc / n) / (n - 1)).squareRoot()
            if d > 0 { mean[c / lanes][c % lanes] = mu; sd[c / lanes][c % lanes] = d }
        }
        let grids = widths.map { BinGrid(origin: 0, width: $0) }
        // Pass 2: per-channel excursion state (0 none, 1 above +threshold, −1 below −threshold), best sample, best z.
        var state = [Int8](repeating: 0, count: m), best = [Int](repeating: 0, count: m)
        var bestZ = [Double](repeating: 0, count: m)
        for (k, p) in pieces.enumerated() {
            let rows = p.count / m
            var active = 0
            @inline(__always) func emit(_ j: Int) {
                for w in widths.indices {
                    let b = max(grids[w].index(Double(j) / rate), 0)
                    if b < out[w][k].count { out[w][k][b] += 1 }
                }
            }
            @inline(__always) func step(_ c: Int, _ j: Int, _ z: Double) {
                if state[c] == 1 {
                    if z > threshold { if z > bestZ[c] { best[c] = j; bestZ[c] = z }; return }
                    emit(best[c]); state[c] = 0; active -= 1
                } else if state[c] == -1 {
                    if z < -threshold { if z < bestZ[c] { best[c] = j; bestZ[c] = z }; return }
                    emit(best[c]); state[c] = 0; active -= 1
                }
                if z > threshold { state[c] = 1; best[c] = j; bestZ[c] = z; active += 1 }
                else if z < -threshold { state[c] = -1; best[c] = j; bestZ[c] = z; active += 1 }
            }
            if rows > 0 { p.withUnsafeBufferPointer { x in
                let raw = UnsafeRawPointer(x.baseAddress!)
                for j in 0..<rows {
                    let row = x.baseAddress! + j * m
                    for b in 0..<full {
                        let v = (raw + (j * m + b * lanes) * 8).loadUnaligned(as: SIMD8<Double>.self)
                        let z = (v - mean[b]) / sd[b]
                        if active > 0 || any((z .> threshold) .| (z .< -threshold)) {
                            for l in 0..<lanes { step(b * lanes + l, j, z[l]) }
                        }
                    }
                    for c in (full * lanes)..<m {
                        step(c, j, (row[c] - mean[full][c - full * lanes]) / sd[full][c - full * lanes])
                    }
                }
            } }
            for c in 0..<m where state[c] != 0 { emit(best[c]); state[c] = 0 }
        }
        return out
    }
}
