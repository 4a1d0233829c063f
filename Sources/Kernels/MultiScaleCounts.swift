/// The spike counts of one ensemble (E or I) in the epochs of one state at many bin widths at once — the 32 scales
/// of METHODS §2 — in one windowed pass over the spikes (METHODS §11).
///
/// `FineBinnedTrain` first lays the whole state out on the 1-ms grid (prefix counts and grouped times, 4 + 8 bytes
/// per bin and spike), then walks those arrays once per scale. Here the fine grid exists only for a window of
/// `window` fine bins at a time: the window's spikes are counted and grouped by fine bin while they are in cache,
/// and the coarse edges of every scale that fall inside the window are resolved there, with the same bracket
/// (`FineBinnedTrain.coarseCounts`) and the same in-bin decision (`FineBinnedTrain.below`), so the counts are those of
/// the METHODS §2 edge rule exactly. The first fine bin of a window is the last bin of the previous one, so an
/// edge whose bracket spans two fine bins is resolved in one window.
///
/// `counts[s]` holds the `binCounts[s]` counts of width `widths[s]` (epochs concatenated, partial last bin of each
/// epoch dropped); its `count` may exceed `binCounts[s]` (capacity kept between members).
public struct MultiScaleCounts: Sendable {
    public private(set) var widths: [Double] = []
    public private(set) var binCounts: [Int] = []
    /// Per width, the counts (first `binCounts[s]` entries); swappable with a caller's buffer.
    public var counts: [[Int32]] = []

    public init() {}

    /// Reusable buffers of the windowed pass, shared by the E and I ensembles of a workspace.
    public struct Scratch: Sendable {
        var prefix: [Int32] = []
        var cursor: [Int32] = []
        /// Each spike's local fine bin from the count pass of `windows`, for its scatter pass.
        var local: [UInt16] = []
        var times: [Double] = []
        /// The pooled sorted train of one epoch, then its shuffled intervals (ISI permutation).
        var pooled: [Double] = []
        var labels: [UInt16] = []
        /// `Kernels.pooledSorted`'s scratch.
        var sortTmp: [Double] = []
        var sortBuckets: [Int32] = []
        public init() {}
    }

    /// Fine bins per window.
    static let window = 16384

    /// Whether the windowed pass applies to these epochs and widths on a fine grid of `fineWidth` seconds: every
    /// width is the fine width or at least one fine bin and below 1e5 fine bins (so an edge's bracket spans at most
    /// two fine bins), and every epoch has fewer than 2^29 bins of each width and 2^31 fine bins.
    public static func supports(epochs: [(start: Double, stop: Double)], widths: [Double],
                                fineWidth: Double = 0.001) -> Bool {
        for (a, b) in epochs {
            let fine = BinGrid(origin: a, width: fineWidth)
            if fine.fullBinCount(stop: b) >= Int(Int32.max) - 1 { return false }
            for w in widths where w != fineWidth {
                let ratio = w * fine.inverseWidth
                if !(ratio >= 1 && ratio < 1e5) { return false }
                if BinGrid(origin: a, width: w).fullBinCount(stop: b) >= 1 << 29 { return false }
            }
        }
        return true
    }

    /// Lays out the outputs for `epochs` and `widths` (keeping buffers' capacity).
    mutating func layOut(epochs: [(start: Double, stop: Double)], widths: [Double]) {
        self.widths = widths
        binCounts = widths.map { w in epochs.reduce(0) { $0 + BinGrid(origin: $1.start, width: w).fullBinCount(stop: $1.stop) } }
        if counts.count != widths.count { counts = widths.map { _ in [] } }
        // Not zeroed: every bin is written by the pass (edge by edge, bin by bin, or zeroed ahead of the spikes), so
        // fresh pages are touched once, by the pass, not first by a memset.
        for s in widths.indices where counts[s].count < binCounts[s] {
            let k = binCounts[s]
            counts[s] = [Int32](unsafeUninitializedCapacity: k) { _, n in n = k }
        }
    }

    /// The counts of the spikes of `trains` (each sorted, seconds) inside `epochs`, at every width; `shifts` as
    /// `FineBinnedTrain.build` (one circular offset per epoch and train, METHODS §5b), nil for the data as they are.
    /// Requires `supports(epochs:widths:fineWidth:)`.
    public mutating func build(epochs: [(start: Double, stop: Double)], widths: [Double], fineWidth: Double = 0.001,
                               trains: [UnsafeBufferPointer<Double>], shifts: [[Double]]?, scratch: inout Scratch) {
        layOut(epochs: epochs, widths: widths)
        var store = counts; counts = []
        var written = [Int](repeating: 0, count: widths.count)
        for (ei, (a, b)) in epochs.enumerated() {
            let ep = Self.epoch(a, b, fineWidth)
            let n = trains.reduce(0) { $0 + FineBinnedTrain.range(of: $1, start: a, stop: b).count }
            var pass = Pass(ep: ep, widths: widths, written: written, spikes: n)
            Self.windows(ep, trains, shifts?[ei], &scratch) { w0, w1, p, t, base in
                pass.consume(w0, w1, p, t, base, &store)
            }
            written = pass.finish()
        }
        counts = store
    }

    /// The counts at every width of the ISI-permutation surrogate of the pooled spikes of `trains` (METHODS §5a):
    /// epoch by epoch, the pooled sorted train's intervals (`Kernels.pooledSorted`, differenced window by window)
    /// are shuffled (`Kernels.shuffleIntervals`, the draws of `Kernels.permuteIntervals` and
    /// `FineBinnedTrain.permuteIntervals`), and the permuted train is generated by cumulative sum window by window (`permutedWindows`) and counted there,
    /// without being written back. Requires `supports(epochs:widths:fineWidth:)`.
    public mutating func buildPermuted(epochs: [(start: Double, stop: Double)], widths: [Double],
                                      fineWidth: Double = 0.001, trains: [UnsafeBufferPointer<Double>],
                                      rng: inout Xoshiro256StarStar, scratch: inout Scratch) {
        layOut(epochs: epochs, widths: widths)
        var store = counts; counts = []
        var written = [Int](repeating: 0, count: widths.count)
        for (a, b) in epochs {
            let ep = Self.epoch(a, b, fineWidth)
            var n = 0
            for train in trains { n += FineBinnedTrain.range(of: train, start: a, stop: b).count }
            // Not initialised: `pooledSorted` writes the n spikes read afterwards.
            if scratch.pooled.count < n { scratch.pooled = [Double](unsafeUninitializedCapacity: n) { _, c in c = n } }
            var pooled = scratch.pooled, labels = scratch.labels, tmp = scratch.sortTmp, buckets = scratch.sortBuckets
            scratch.pooled = []; scratch.labels = []; scratch.sortTmp = []; scratch.sortBuckets = []
            pooled.withUnsafeMutableBufferPointer { t in
                let m = Kernels.pooledSorted(trains, start: a, stop: b, into: t, tmp: &tmp, buckets: &buckets,
                                             intervals: true)
                Kernels.shuffleIntervals(t, lo: 0, count: m, rng: &rng, labels: &labels, differenced: true)
                // Whether a width is counted spike by spike depends on the spike count; either way the counts are
                // the rule's, so the count before dropping the spikes past the end serves.
                var pass = Pass(ep: ep, widths: widths, written: written, spikes: m)
                Self.permutedWindows(ep, UnsafeBufferPointer(t), count: m, &scratch) { w0, w1, p, tw, base in
                    pass.consume(w0, w1, p, tw, base, &store)
                }
                written = pass.finish()
            }
            scratch.pooled = pooled; scratch.labels = labels; scratch.sortTmp = tmp; scratch.sortBuckets = buckets
        }
        counts = store
    }

    static func epoch(_ a: Double, _ b: Double, _ fineWidth: Double) -> FineBinnedTrain.Epoch {
        let g = BinGrid(origin: a, width: fineWidth)
        return FineBinnedTrain.Epoch(start: a, stop: b, fineGrid: g, binBase: 0, binCount: g.fullBinCount(stop: b) + 1)
    }

    /// The edge walk of one epoch at every width: per width the next edge, the cumulative count at the previous
    /// edge and where the epoch's counts start.
    struct Pass {
        let ep: FineBinnedTrain.Epoch
        var grids: [BinGrid]
        var ratios: [Double]
        var k: [Int]
        var next: [Int]
        var prev: [Int]
        var offset: [Int]
        let fineWidth: Double
        /// Widths counted spike by spike (`BinGrid.index`, the rule itself) instead of edge by edge: those with fewer
        /// than `perSpikeLimit` spikes per bin on average, where one index per spike is cheaper than one edge
        /// resolution per bin. Either way the counts are the rule's; `zeroed[s]`: bins of this epoch set to 0 so far.
        var perSpike: [Bool]
        var zeroed: [Int]
        static let perSpikeLimit = 8.0

        init(ep: FineBinnedTrain.Epoch, widths: [Double], written: [Int], spikes: Int) {
            self.ep = ep
            grids = widths.map { BinGrid(origin: ep.start, width: $0) }
            ratios = widths.map { $0 * ep.fineGrid.inverseWidth }
            k = grids.map { $0.fullBinCount(stop: ep.stop) }
            next = widths.map { _ in 1 }
            prev = widths.map { _ in 0 }
            offset = written
            fineWidth = ep.fineGrid.width
            let perFineBin = Double(spikes) / Double(max(1, ep.binCount))
            perSpike = zip(widths, ratios).map { w, r in w != ep.fineGrid.width && perFineBin * r < Self.perSpikeLimit }
            zeroed = widths.map { _ in 0 }
        }

        func finish() -> [Int] { zip(offset, k).map { $0 + $1 } }

        /// Resolves every edge whose fine bins lie in the window: global fine bins `w0 − 1 ..< w1` of the epoch are
        /// local bins `0 ..< w1 − w0 + 1`, with exclusive prefix counts `p` (p[0] = 0) indexing `t`; `base` is the
        /// number of the epoch's spikes in fine bins below `w0 − 1`.
        @inline(__always)
        mutating func consume(_ w0: Int, _ w1: Int, _ p: UnsafeMutablePointer<Int32>, _ t: UnsafeBufferPointer<Double>,
                              _ base: Int, _ store: inout [[Int32]]) {
            let nb = ep.binCount, nl = w1 - w0 + 1
            for s in grids.indices {
                let ks = k[s]
                var kk = next[s]
                if kk > ks { continue }
                let off = offset[s] - 1
                if grids[s].width == fineWidth {
                    // Fine bin b is bin b of this width (the same grid).
                    store[s].withUnsafeMutableBufferPointer { o in
                        let hiBin = min(w1, ks)
                        var b = kk - 1
                        while b < hiBin {
                            let jl = b - w0 + 1
                            o[off + b + 1] = p[jl + 1] &- p[jl]
                            b += 1
                        }
                        kk = b + 1
                    }
                    next[s] = kk
                    continue
                }
                let ratio = ratios[s], grid = grids[s]
                if perSpike[s] {
                    // Every spike of fine bins w0 ..< w1 (local 1 ..< nl) to its bin by the rule; bins are zeroed
                    // just ahead of the window (spikes of fine bins < w1 have index ≤ w1/ratio + 1).
                    var z = zeroed[s]
                    store[s].withUnsafeMutableBufferPointer { o in
                        let out = o.baseAddress! + offset[s]
                        let ahead = min(ks, Int(Double(w1) / ratio) + 2)
                        if ahead > z { (out + z).update(repeating: 0, count: ahead - z); z = ahead }
                        var i = Int(p[1])
                        let end = Int(p[nl])
                        func one(_ i: Int) {
                            let c = grid.index(t[i])
                            if c < z { out[c] &+= 1 } else if c < ks {
                                (out + z).update(repeating: 0, count: c + 1 - z); z = c + 1
                                out[c] &+= 1
                            }
                        }
                        // Four spikes at a time on SIMD lanes, `BinGrid.index`'s fast path: ⌊p⌋ for a product
                        // p = (t − t0)·(1/Δt) more than 1e-6 from an integer and below 2^30 (its proof); other
                        // lanes, and bins not yet zeroed, by `one` (the rule through `BinGrid.index`).
                        let o4 = SIMD4<Double>(repeating: grid.origin), inv4 = SIMD4<Double>(repeating: grid.inverseWidth)
                        let m4 = SIMD4<Double>(repeating: BinGrid.fastPathMargin)
                        let lim4 = SIMD4<Double>(repeating: BinGrid.fastPathLimit)
                        let magic = SIMD4<Double>(repeating: 0x1p52)
                        let raw = UnsafeRawPointer(t.baseAddress!)
                        while i + 4 <= end {
                            let pv = (raw.loadUnaligned(fromByteOffset: i &* 8, as: SIMD4<Double>.self) - o4) * inv4
                            let f = pv.rounded(.down)
                            let frac = pv - f
                            let ok = (frac .> m4) .& (frac .< 1 - m4) .& (pv .< lim4) .& (pv .> -lim4)
                                .& (f .< SIMD4<Double>(repeating: Double(z))) .& (f .>= SIMD4<Double>(repeating: 0))
                            if !all(ok) { one(i); one(i &+ 1); one(i &+ 2); one(i &+ 3); i &+= 4; continue }
                            // 0 ≤ f < z ≤ 2^29: its integer value is the low bits of f + 2^52.
                            let c = unsafeBitCast(f + magic, to: SIMD4<UInt64>.self) & SIMD4<UInt64>(repeating: 0xFFFF_FFFF)
                            out[Int(truncatingIfNeeded: c[0])] &+= 1
                            out[Int(truncatingIfNeeded: c[1])] &+= 1
                            out[Int(truncatingIfNeeded: c[2])] &+= 1
                            out[Int(truncatingIfNeeded: c[3])] &+= 1
                            i &+= 4
                        }
                        while i < end { one(i); i += 1 }
                        if w1 == nb && ks > z { (out + z).update(repeating: 0, count: ks - z); z = ks }
                    }
                    zeroed[s] = z
                    continue
                }
                var pv = prev[s]
                let band = 1e-6
                store[s].withUnsafeMutableBufferPointer { o in
                    while kk <= ks {
                        let kd = Double(kk)
                        let lo = max(Int(((kd - band) * ratio).rounded(.down)), 0)
                        let hi = min(max(Int(((kd + band) * ratio).rounded(.down)), lo), nb - 1)
                        if hi >= w1 { break }
                        let cum: Int
                        if lo >= nb { cum = base + Int(p[nl]) } else {
                            let lol = lo - w0 + 1
                            let a = Int(p[lol])
                            cum = base + a + Int(FineBinnedTrain.below(kk, grid, t, a, Int(p[hi - w0 + 2])))
                        }
                        o[off + kk] = Int32(truncatingIfNeeded: cum - pv)
                        pv = cum
                        kk += 1
                    }
                }
                next[s] = kk
                prev[s] = pv
            }
        }
    }

    /// Visits the epoch `ep` window by window from the units' trains (optionally circularly shifted): counts then
    /// groups each window's spikes by fine bin (the expressions of `FineBinnedTrain.build`) and calls `body(w0, w1,
    /// prefix, times, base)` as `Pass.consume` expects.
    static func windows(_ ep: FineBinnedTrain.Epoch, _ trains: [UnsafeBufferPointer<Double>], _ shifts: [Double]?,
                        _ scratch: inout Scratch,
                        _ body: (Int, Int, UnsafeMutablePointer<Int32>, UnsafeBufferPointer<Double>, Int) -> Void) {
        var streams = FineBinnedTrain.streams(trains, ep, shifts)
        let g = ep.fineGrid, nb = ep.binCount, last = nb - 1
        if scratch.prefix.count < window + 2 { scratch.prefix = [Int32](repeating: 0, count: window + 2) }
        if scratch.cursor.count < window + 2 { scratch.cursor = [Int32](repeating: 0, count: window + 2) }
        if scratch.times.count < 4096 { scratch.times = [Double](repeating: 0, count: 4096) }
        var base = 0, carry = 0
        var w0 = 0
        while w0 < nb {
            let w1 = min(nb, w0 + window), nl = w1 - w0 + 1
            let saved = streams.map { $0.lo }
            // Pass 1 keeps each spike's local fine bin (1 ... 16384, so UInt16) in visiting order for pass 2.
            var local = scratch.local
            scratch.local = []
            var k = 0
            scratch.prefix.withUnsafeMutableBufferPointer { p in
                p.baseAddress!.update(repeating: 0, count: nl + 1)
                for si in streams.indices {
                    var c = streams[si].lo
                    let hi = streams[si].hi, b = streams[si].base, add = streams[si].add, fl = streams[si].floor
                    var open = true
                    while open && c < hi {
                        if k == local.count {
                            let grown = max(4096, 2 * local.count)
                            var bigger = [UInt16](repeating: 0, count: grown)
                            for i in 0 ..< k { bigger[i] = local[i] }
                            local = bigger
                        }
                        let lim = min(hi, c + (local.count - k))
                        local.withUnsafeMutableBufferPointer { lp in
                            while c < lim {
                                let j = min(max(g.index(max(b[c] + add, fl)), 0), last)
                                if j >= w1 { open = false; break }
                                p[j - w0 + 2] &+= 1
                                lp[k] = UInt16(truncatingIfNeeded: j - w0 + 1)
                                k &+= 1
                                c += 1
                            }
                        }
                    }
                    streams[si].lo = c
                }
                p[1] = Int32(carry)
                var jl = 1
                while jl < nl { p[jl + 1] &+= p[jl]; jl += 1 }
            }
            let total = Int(scratch.prefix[nl])
            if scratch.times.count < total + 4 {
                var grown = [Double](repeating: 0, count: 2 * (total + 4))
                for i in 0 ..< carry { grown[i] = scratch.times[i] }
                scratch.times = grown
            }
            scratch.prefix.withUnsafeMutableBufferPointer { p in
            scratch.cursor.withUnsafeMutableBufferPointer { cur in
            scratch.times.withUnsafeMutableBufferPointer { out in
            local.withUnsafeBufferPointer { lp in
                cur.baseAddress!.update(from: p.baseAddress!, count: nl)
                var k = 0
                for si in streams.indices {
                    var c = saved[si]
                    let hi = streams[si].lo, b = streams[si].base, add = streams[si].add, fl = streams[si].floor
                    while c < hi {
                        let t = max(b[c] + add, fl)
                        let jl = Int(lp[k])
                        out[Int(cur[jl])] = t
                        cur[jl] &+= 1
                        k &+= 1
                        c += 1
                    }
                }
                body(w0, w1, p.baseAddress!, UnsafeBufferPointer(out), base)
                // The last bin of this window is the first of the next.
                let a = Int(p[nl - 1])
                carry = total - a
                for i in 0 ..< carry { out[i] = out[a + i] }
                base += a
            }}}}
            scratch.local = local
            w0 = w1
        }
    }

    /// Visits epoch `ep` window by window along the ISI-permutation surrogate whose first spike is `d[0]` and whose
    /// intervals are `d[1 ..< count]` in order (`Kernels.shuffleIntervals`): the train `d[0]`, `d[0] + d[1]`, … is
    /// generated by the cumulative sum of `Kernels.permuteIntervals` (the same additions, so the same doubles), up to
    /// the first sum at or past the epoch's stop, and each window's spikes are counted by fine bin (the recount of
    /// `FineBinnedTrain.permuteIntervals`) into `scratch.times` and passed to `body` as `windows` does. The train is
    /// sorted (intervals ≥ 0), so it arrives grouped by fine bin; only the last fine bin of a window is carried.
    static func permutedWindows(_ ep: FineBinnedTrain.Epoch, _ d: UnsafeBufferPointer<Double>, count n: Int,
                                _ scratch: inout Scratch,
                                _ body: (Int, Int, UnsafeMutablePointer<Int32>, UnsafeBufferPointer<Double>, Int) -> Void) {
        let g = ep.fineGrid, nb = ep.binCount, last = nb - 1, stop = ep.stop
        // 8 entries of slack: the prefix is written 8 entries at a time (below).
        if scratch.prefix.count < window + 10 { scratch.prefix = [Int32](repeating: 0, count: window + 10) }
        if scratch.times.count < 4096 { scratch.times = [Double](repeating: 0, count: 4096) }
        var times = scratch.times, prefix = scratch.prefix
        scratch.times = []; scratch.prefix = []
        // The generator: `pending` is a spike generated but not yet placed (it belongs to a later window).
        var k = 0, acc = 0.0
        var pending = 0.0, hasPending = false
        var base = 0, carry = 0
        var w0 = 0
        prefix.withUnsafeMutableBufferPointer { p in
            while w0 < nb {
                let w1 = min(nb, w0 + window), nl = w1 - w0 + 1
                // The prefix counts are written directly: p[x] is where local fine bin x starts in the window's
                // times (local bin 0 is the carried bin w0 − 1, bin j is local j − w0 + 1), the counts of the bins
                // below x summed. The train arrives sorted, so when a spike of local bin y − 1 comes, the entries
                // x < y not yet final (`filled` < x) are the spikes so far, `total`: the same array as counting each
                // spike into p[y] and summing, without the increments' store-to-load chain or the summing pass. The
                // 8 entries after `filled` are stored at once (entries past y − 1 are stored again later).
                p[0] = 0
                p[1] = Int32(carry)
                var filled = 1
                var total = carry
                while true {
                    var full = false
                    times.withUnsafeMutableBufferPointer { out in
                        let cap = out.count - 4
                        let pp = UnsafeMutableRawPointer(p.baseAddress!)
                        while true {
                            let t: Double
                            if hasPending { t = pending; hasPending = false }
                            else if k == 0 {
                                if n == 0 { return }
                                acc = d[0]; k = 1; t = acc
                            } else {
                                if k >= n { return }
                                acc += d[k]
                                k &+= 1
                                if acc >= stop { k = n; return }
                                t = acc
                            }
                            let j = min(max(g.index(t), 0), last)
                            if j >= w1 { pending = t; hasPending = true; return }
                            if total >= cap { pending = t; hasPending = true; full = true; return }
                            out[total] = t
                            let y = j &- w0 &+ 2
                            pp.storeBytes(of: SIMD8<Int32>(repeating: Int32(truncatingIfNeeded: total)),
                                          toByteOffset: (filled &+ 1) &* 4, as: SIMD8<Int32>.self)
                            var x = filled &+ 9
                            while x < y { p[x] = Int32(truncatingIfNeeded: total); x &+= 1 }
                            filled = y &- 1
                            total &+= 1
                        }
                    }
                    if !full { break }
                    var grown = [Double](repeating: 0, count: 2 * times.count)
                    for i in 0 ..< total { grown[i] = times[i] }
                    times = grown
                }
                while filled < nl { filled &+= 1; p[filled] = Int32(truncatingIfNeeded: total) }
                times.withUnsafeBufferPointer { tb in
                    body(w0, w1, p.baseAddress!, UnsafeBufferPointer(rebasing: tb[0 ..< total + 4]), base)
                }
                // The last bin of this window is the first of the next.
                let a = Int(p[nl - 1])
                carry = total - a
                times.withUnsafeMutableBufferPointer { t in for i in 0 ..< carry { t[i] = t[a + i] } }
                base += a
                w0 = w1
            }
        }
        scratch.times = times; scratch.prefix = prefix
    }
}
