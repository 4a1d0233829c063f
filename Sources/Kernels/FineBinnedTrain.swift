/// The pooled spikes of one ensemble (E or I) in the epochs of one state, counted once on the finest grid and
/// grouped by fine bin, so that every coarser scale's counts follow from prefix counts (METHODS §2, §11).
///
/// Epoch e is gridded from its own start with `fineWidth` seconds (1 ms, scale 1); its fine bins are the whole
/// bins plus one partial tail bin, so every time in `[start, stop)` has a fine bin. `prefix[b]` is the number of
/// spikes in global fine bins `< b` (epochs concatenated); `times[prefix[b] ..< prefix[b+1]]` are the spikes of
/// global fine bin b (unordered inside a bin unless `sortWithinBins()` ran). A coarse edge that falls inside a
/// fine bin is resolved by applying the METHODS §2 edge rule to that bin's few spikes, so the counts of every
/// scale equal `BinGrid`'s binning exactly, without re-reading the spike array once per scale.
public struct FineBinnedTrain: Sendable {
    public struct Epoch: Sendable, Equatable {
        public var start: Double
        public var stop: Double
        public var fineGrid: BinGrid
        /// First global fine bin of this epoch.
        public var binBase: Int
        /// Fine bins of this epoch, including the partial tail bin.
        public var binCount: Int
    }

    public private(set) var epochs: [Epoch] = []
    public private(set) var fineWidth: Double = 0.001
    /// Exclusive prefix counts over global fine bins (count `totalBins + 1`).
    public private(set) var prefix: [Int32] = []
    /// Spike times (seconds) grouped by global fine bin.
    public private(set) var times: [Double] = []
    private var labels: [UInt16] = []

    public init() {}

    public var totalBins: Int { epochs.last.map { $0.binBase + $0.binCount } ?? 0 }
    public var spikeCount: Int { prefix.isEmpty ? 0 : Int(prefix[totalBins]) }

    /// Lays out the fine grid of the epochs `[start, stop)` (sorted, non-overlapping, seconds) and zeroes the counts.
    /// Buffers keep their capacity between calls, so one value can be reused for every member of a state.
    public mutating func reset(epochs bounds: [(start: Double, stop: Double)], fineWidth: Double = 0.001) {
        self.fineWidth = fineWidth
        epochs.removeAll(keepingCapacity: true)
        var base = 0
        for (a, b) in bounds {
            let g = BinGrid(origin: a, width: fineWidth)
            let n = g.fullBinCount(stop: b) + 1
            epochs.append(Epoch(start: a, stop: b, fineGrid: g, binBase: base, binCount: n))
            base += n
        }
        if prefix.count != base + 1 { prefix = [Int32](repeating: 0, count: base + 1) }
        else { prefix.withUnsafeMutableBufferPointer { $0.update(repeating: 0) } }
    }

    /// Index range of the times of a sorted train inside `[start, stop)`.
    @inline(__always)
    static func range(of train: UnsafeBufferPointer<Double>, start: Double, stop: Double) -> Range<Int> {
        func lowerBound(_ x: Double) -> Int {
            var lo = 0, hi = train.count
            while lo < hi { let m = (lo + hi) >> 1; if train[m] < x { lo = m + 1 } else { hi = m } }
            return lo
        }
        let a = lowerBound(start)
        return a ..< max(a, lowerBound(stop))
    }

    /// One sorted run of spike times of a unit inside an epoch, moved by `add` seconds (`floor` clamps the wrapped
    /// part of a circular shift at the epoch start against rounding).
    struct Stream { var base: UnsafePointer<Double>; var lo: Int; var hi: Int; var add: Double; var floor: Double }

    /// The runs of every train inside epoch `ep`: one run per train, or two when a circular shift wraps it.
    static func streams(_ trains: [UnsafeBufferPointer<Double>], _ ep: Epoch, _ shifts: [Double]?) -> [Stream] {
        var out: [Stream] = []
        let length = ep.stop - ep.start
        for (u, train) in trains.enumerated() {
            guard let b = train.baseAddress else { continue }
            let r = range(of: train, start: ep.start, stop: ep.stop)
            if r.isEmpty { continue }
            let d = shifts?[u] ?? 0
            if d == 0 { out.append(Stream(base: b, lo: r.lowerBound, hi: r.upperBound, add: 0, floor: ep.start)); continue }
            // Spikes with t + d >= stop wrap to t + d − L and come first in time.
            var cut = r.lowerBound
            while cut < r.upperBound && train[cut] + d < ep.stop { cut += 1 }
            if cut < r.upperBound { out.append(Stream(base: b, lo: cut, hi: r.upperBound, add: d - length, floor: ep.start)) }
            if cut > r.lowerBound { out.append(Stream(base: b, lo: r.lowerBound, hi: cut, add: d, floor: ep.start)) }
        }
        return out
    }

    /// Fine bins per window of the cache-friendly build: every unit's spikes are visited window by window, so the
    /// prefix counts and the grouped times being written stay in cache (instead of one cache miss per spike).
    static let window = 16384

    /// Counts then groups the spikes of `trains` (each sorted, seconds). `shifts`, when given, holds one offset
    /// per (epoch, train) in `[0, epoch length)`: each train's spikes inside the epoch are moved circularly by it
    /// (METHODS §5b); nil keeps the data as they are.
    public mutating func build(trains: [UnsafeBufferPointer<Double>], shifts: [[Double]]? = nil) {
        let nb = totalBins
        let perEpoch = epochs.enumerated().map { Self.streams(trains, $0.element, shifts?[$0.offset]) }
        // Pass 1: counts into prefix[b + 1].
        prefix.withUnsafeMutableBufferPointer { p in
            for (ei, ep) in epochs.enumerated() {
                let g = ep.fineGrid, base = ep.binBase + 1, last = ep.binCount - 1
                var streams = perEpoch[ei]
                var w = 0
                while w <= last {
                    let wEnd = min(last + 1, w + Self.window)
                    for si in streams.indices {
                        var c = streams[si].lo
                        let hi = streams[si].hi, b = streams[si].base, add = streams[si].add, fl = streams[si].floor
                        while c < hi {
                            let j = min(max(g.index(max(b[c] + add, fl)), 0), last)
                            if j >= wEnd { break }
                            p[base + j] &+= 1
                            c += 1
                        }
                        streams[si].lo = c
                    }
                    w = wEnd
                }
            }
            for b in 0 ..< nb { p[b + 1] &+= p[b] }
        }
        let total = Int(prefix[nb])
        if times.count < total + 4 { times = [Double](repeating: .infinity, count: total + 4) }
        // Pass 2: scatter into bucket order, window by window. The prefix counts themselves are the cursors
        // (prefix[b] advances to the end of bin b = prefix[b + 1]); one shift by a slot afterwards restores them,
        // so no cursor array is allocated and faulted in per member.
        prefix.withUnsafeMutableBufferPointer { cur in
                times.withUnsafeMutableBufferPointer { out in
                    for (ei, ep) in epochs.enumerated() {
                        let g = ep.fineGrid, base = ep.binBase, last = ep.binCount - 1
                        var streams = perEpoch[ei]
                        var w = 0
                        while w <= last {
                            let wEnd = min(last + 1, w + Self.window)
                            for si in streams.indices {
                                var c = streams[si].lo
                                let hi = streams[si].hi, b = streams[si].base, add = streams[si].add, fl = streams[si].floor
                                while c < hi {
                                    let t = max(b[c] + add, fl)
                                    let j = min(max(g.index(t), 0), last)
                                    if j >= wEnd { break }
                                    out[Int(cur[base + j])] = t
                                    cur[base + j] &+= 1
                                    c += 1
                                }
                                streams[si].lo = c
                            }
                            w = wEnd
                        }
                    }
                    for k in total ..< min(out.count, total + 4) { out[k] = .infinity }
                }
                // cur[b] = old prefix[b + 1] for b < nb: shift right by one slot (memmove) and put back 0.
                if nb > 0 {
                    UnsafeMutableRawPointer(cur.baseAddress! + 1).copyMemory(from: cur.baseAddress!,
                                                                              byteCount: nb * MemoryLayout<Int32>.stride)
                }
                cur[0] = 0
        }
    }

    /// Sorts the spikes inside each fine bin (insertion sort; bins hold a few spikes), making `times` the sorted
    /// pooled train of each epoch.
    public mutating func sortWithinBins() {
        let nb = totalBins
        prefix.withUnsafeBufferPointer { p in
            times.withUnsafeMutableBufferPointer { t in
                for b in 0 ..< nb {
                    let lo = Int(p[b]), hi = Int(p[b + 1])
                    if hi - lo < 2 { continue }
                    for i in (lo + 1) ..< hi {
                        let x = t[i]
                        var j = i - 1
                        while j >= lo && t[j] > x { t[j + 1] = t[j]; j -= 1 }
                        t[j + 1] = x
                    }
                }
            }
        }
    }

    /// ISI permutation surrogate of the pooled train (METHODS §5a), epoch by epoch: keeps each epoch's first spike,
    /// shuffles the inter-spike intervals (Fisher–Yates with `rng`), rebuilds by cumulative sum and drops spikes at
    /// or past the epoch end; then recounts. Requires sorted bins (`build` then `sortWithinBins`).
    public mutating func permuteIntervals(rng: inout Xoshiro256StarStar) {
        let nb = totalBins
        var write = 0
        let starts = epochs.map { Int(prefix[$0.binBase]) }
        let stops = epochs.map { Int(prefix[$0.binBase + $0.binCount]) }
        var kept = [Int](repeating: 0, count: epochs.count)
        times.withUnsafeMutableBufferPointer { t in
            for (ei, ep) in epochs.enumerated() {
                let lo = starts[ei], n = stops[ei] - lo
                let count = Kernels.permuteIntervals(t, lo: lo, count: n, write: write, stop: ep.stop, rng: &rng,
                                                     labels: &labels)
                kept[ei] = count
                write += count
            }
        }
        // Recount: times are sorted per epoch, so fine bins are visited in order.
        prefix.withUnsafeMutableBufferPointer { p in
            p.update(repeating: 0)
            times.withUnsafeBufferPointer { t in
                var pos = 0
                for (ei, ep) in epochs.enumerated() {
                    let g = ep.fineGrid, base = ep.binBase + 1, last = ep.binCount - 1
                    for k in pos ..< pos + kept[ei] { p[base + min(max(g.index(t[k]), 0), last)] &+= 1 }
                    pos += kept[ei]
                }
            }
            for b in 0 ..< nb { p[b + 1] &+= p[b] }
        }
    }

    /// Spike counts of every whole bin of width `width` seconds (a scale Δt_s), epoch after epoch, written to
    /// `out` (capacity at least `binCount(width:)`); returns the number of bins written (METHODS §2: half-open
    /// `BinGrid` bins from each epoch start, partial last bin dropped, epochs concatenated).
    @discardableResult
    public func counts(width: Double, into out: UnsafeMutablePointer<Int32>) -> Int {
        Self.counts(self, self, width: width, into: out, out)
    }

    /// The counts of two trains with the same epochs (the E and I ensembles) in one walk over the coarse edges:
    /// each edge's fine bin is located once for both (METHODS §11). Returns the number of bins written to each.
    @discardableResult
    public static func counts(_ a: FineBinnedTrain, _ b: FineBinnedTrain, width: Double,
                              into outA: UnsafeMutablePointer<Int32>, _ outB: UnsafeMutablePointer<Int32>) -> Int {
        precondition(a.epochs == b.epochs, "both trains must share their epochs")
        var written = 0
        a.prefix.withUnsafeBufferPointer { pa in
        b.prefix.withUnsafeBufferPointer { pb in
        a.times.withUnsafeBufferPointer { ta in
        b.times.withUnsafeBufferPointer { tb in
            for ep in a.epochs {
                let grid = BinGrid(origin: ep.start, width: width)
                let k = grid.fullBinCount(stop: ep.stop)
                let base = ep.binBase, fine = ep.fineGrid, nb = ep.binCount
                if k == 0 { continue }
                if width == a.fineWidth {
                    for j in 0 ..< k {
                        outA[written + j] = pa[base + j + 1] &- pa[base + j]
                        outB[written + j] = pb[base + j + 1] &- pb[base + j]
                    }
                    written += k
                    continue
                }
                let a0 = pa[base], b0 = pb[base]
                let totalA = pa[base + nb] &- a0, totalB = pb[base + nb] &- b0
                // A coarse edge's fine bin is found with a margin far above the 1e-8-bin tolerance and the rounding
                // of the edge double: every spike in a fine bin below `lo` has coarse index < kk, every spike in a
                // fine bin above `hi` has index ≥ kk, and the spikes of bins lo…hi are decided by the rule itself.
                let margin = width * 1e-6
                var prevA: Int32 = 0, prevB: Int32 = 0
                let ratio = width * fine.inverseWidth      // coarse width in fine bins
                if ratio >= 1 && k < 1 << 29 {
                    written += Self.coarseCounts(k: k, grid: grid, ratio: ratio, nb: nb, base: base, pa: pa, ta: ta,
                                                 pb: pb, tb: tb, outA: outA + written, outB: outB + written)
                    continue
                }
                for kk in 1 ... k {
                    let e = grid.edge(kk)
                    let lo = max(fine.index(e - margin), 0)
                    var cumA: Int32, cumB: Int32
                    if lo >= nb { cumA = totalA; cumB = totalB } else {
                        let hi = min(max(fine.index(e + margin), lo), nb - 1)
                        cumA = pa[base + lo] &- a0 &+ Self.below(kk, grid, ta, Int(pa[base + lo]), Int(pa[base + hi + 1]))
                        cumB = pb[base + lo] &- b0 &+ Self.below(kk, grid, tb, Int(pb[base + lo]), Int(pb[base + hi + 1]))
                    }
                    outA[written + kk - 1] = cumA &- prevA
                    outB[written + kk - 1] = cumB &- prevB
                    prevA = cumA; prevB = cumB
                }
                written += k
            }
        }}}}
        return written
    }

    /// The coarse counts of one epoch (`k` < 2^29 bins of `grid`, `ratio` = Δt/δ ≥ 1 fine bins each) from the prefix
    /// counts and grouped times of the two trains; equal to the METHODS §2 rule's counts. Edge kk lies at fine
    /// coordinate kk·ratio; `lo = ⌊(kk − 1e-6)·ratio⌋` and `hi = ⌊(kk + 1e-6)·ratio⌋` bracket its fine bin without
    /// locating the edge double. A spike of fine bin j < lo has fine coordinate q_f < j + 1 ≤ lo, and its coarse
    /// coordinate q_c = fl((t − t0)/Δt) is q_f/ratio to within a few ulps (kk·6e-16 < 6.5e-7 bins), so
    /// q_c < kk − 3e-7: bin < kk by more than the 1e-8 tolerance. A spike of fine bin j > hi has
    /// q_f ≥ j − 1e-8 ≥ hi + 1 − 1e-8 > (kk + 1e-6)·ratio − 1e-8, so q_c > kk (ratio ≥ 1): bin ≥ kk. The spikes of
    /// bins lo…hi are decided by `below`.
    @inline(__always)
    static func coarseCounts(k: Int, grid: BinGrid, ratio: Double, nb: Int, base: Int,
                             pa: UnsafeBufferPointer<Int32>, ta: UnsafeBufferPointer<Double>,
                             pb: UnsafeBufferPointer<Int32>, tb: UnsafeBufferPointer<Double>,
                             outA: UnsafeMutablePointer<Int32>, outB: UnsafeMutablePointer<Int32>) -> Int {
        let a0 = pa[base], b0 = pb[base]
        var prevA: Int32 = 0, prevB: Int32 = 0
        let band = 1e-6                                   // coarse bins on either side of an edge
        for kk in 1 ... k {
            let kd = Double(kk)
            let lo = max(Int(((kd - band) * ratio).rounded(.down)), 0)
            var cumA: Int32, cumB: Int32
            if lo >= nb {
                cumA = pa[base + nb] &- a0; cumB = pb[base + nb] &- b0
            } else {
                let hi = min(max(Int(((kd + band) * ratio).rounded(.down)), lo), nb - 1)
                let la = pa[base + lo], lb = pb[base + lo]
                cumA = la &- a0 &+ Self.below(kk, grid, ta, Int(la), Int(pa[base + hi + 1]))
                cumB = lb &- b0 &+ Self.below(kk, grid, tb, Int(lb), Int(pb[base + hi + 1]))
            }
            outA[kk - 1] = cumA &- prevA
            outB[kk - 1] = cumB &- prevB
            prevA = cumA; prevB = cumB
        }
        return k
    }

    /// Number of `t[lo ..< hi]` whose bin on `grid` (METHODS §2 edge rule) is below `kk`: the spikes of the one or
    /// two fine bins around a coarse edge.
    ///
    /// Up to four spikes (the usual case) are decided at once on SIMD lanes, without a data-dependent branch, by the
    /// product p = (t − t0)·(1/Δt): `BinGrid.index` shows |p − q| < 3.7e-7 bins for the rule's q (below 2^30 bins),
    /// so p < kk − 1e-6 means bin < kk and p > kk + 1e-6 means bin ≥ kk. When any valid lane lies within 1e-6 of kk
    /// (rare), or there are more than four spikes, the spikes are decided by `BinGrid.index` one by one. Lanes past
    /// `hi` are masked; `times` is padded with four values past its last spike so the load stays inside.
    @inline(__always)
    static func below(_ kk: Int, _ grid: BinGrid, _ t: UnsafeBufferPointer<Double>, _ lo: Int, _ hi: Int) -> Int32 {
        let n = hi - lo
        if n <= 4 && lo + 4 <= t.count && kk < 1 << 29 {
            let tv = UnsafeRawPointer(t.baseAddress! + lo).loadUnaligned(as: SIMD4<Double>.self)
            let d = (tv - SIMD4(repeating: grid.origin)) * SIMD4(repeating: grid.inverseWidth)
                - SIMD4(repeating: Double(kk))
            let lane = SIMD4<Int64>(0, 1, 2, 3) .< SIMD4<Int64>(repeating: Int64(n))
            let m = SIMD4<Double>(repeating: BinGrid.fastPathMargin)
            let unsure = (d .>= -m) .& (d .<= m) .& lane
            if !any(unsure) {
                let hit = (d .< SIMD4<Double>(repeating: 0)) .& lane
                return Int32(truncatingIfNeeded: SIMD4<Int64>(repeating: 0).replacing(with: 1, where: hit).wrappedSum())
            }
        }
        var c: Int32 = 0
        var i = lo
        while i < hi { if grid.index(t[i]) < kk { c &+= 1 }; i += 1 }
        return c
    }

    /// Number of whole bins of width `width` seconds over all epochs.
    public func binCount(width: Double) -> Int {
        epochs.reduce(0) { $0 + BinGrid(origin: $1.start, width: width).fullBinCount(stop: $1.stop) }
    }

    /// Whole bins of width `width` seconds per epoch.
    public func binCounts(width: Double) -> [Int] {
        epochs.map { BinGrid(origin: $0.start, width: width).fullBinCount(stop: $0.stop) }
    }
}
