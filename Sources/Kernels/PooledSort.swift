extension Kernels {
    /// Buckets per window of `pooledSorted`, and about the number of spikes per window (half as many: fewer
    /// buckets with two spikes, so fewer out-of-order pairs for the insertion pass).
    static let pooledSortBuckets = 16384
    static let pooledSortSpikes = 8192

    /// The spikes of the sorted trains `trains` (seconds) inside `[start, stop)`, pooled and sorted ascending into
    /// `dst` (capacity at least their number); returns that number. The ISI surrogate's pooled train (METHODS §5a).
    ///
    /// A bucket sort window by window, so each window's spikes stay in cache: the epoch is cut into windows of
    /// about `pooledSortBuckets` spikes (time thresholds `start + w·span/windows`); each train's next run below the
    /// window's end is appended to `dst`, spread into `pooledSortBuckets` buckets by the monotone key
    /// `⌊(t − w0)·scale⌋` (clamped), and an insertion pass orders the spikes inside each bucket. Any sort of the same
    /// doubles gives the same array, so this equals `FineBinnedTrain.build` + `sortWithinBins` of the epoch (the
    /// fine grid there only groups; here no edge rule is needed). `tmp` and `buckets` are scratch, grown as needed.
    /// With `intervals`, `dst` gets the first spike then the intervals `t[i] − t[i − 1]` of the sorted train instead
    /// (the differences `Kernels.shuffleIntervals` takes, the same doubles), each window's while it is in cache.
    public static func pooledSorted(_ trains: [UnsafeBufferPointer<Double>], start a: Double, stop b: Double,
                                    into dst: UnsafeMutableBufferPointer<Double>, tmp: inout [Double],
                                    buckets: inout [Int32], intervals: Bool = false) -> Int {
        var bases: [UnsafePointer<Double>] = [], lo: [Int] = [], hi: [Int] = []
        var n = 0
        for t in trains {
            let r = FineBinnedTrain.range(of: t, start: a, stop: b)
            if r.isEmpty { continue }
            bases.append(t.baseAddress!); lo.append(r.lowerBound); hi.append(r.upperBound)
            n += r.count
        }
        precondition(dst.count >= n, "pooled train buffer too small")
        if n == 0 { return 0 }
        let nbk = pooledSortBuckets
        let windows = max(1, (n + pooledSortSpikes - 1) / pooledSortSpikes)
        let wsec = (b - a) / Double(windows)
        let scale = Double(nbk) / wsec
        let top = Double(nbk - 1)
        if buckets.count < nbk + 1 { buckets = [Int32](repeating: 0, count: nbk + 1) }
        var write = 0
        var previous = 0.0    // the last spike of the previous window (intervals)
        buckets.withUnsafeMutableBufferPointer { cnt in
            let out = dst.baseAddress!
            for w in 0 ..< windows {
                // Every spike of this window is ≥ w0 (those below were taken by the previous window, whose end is
                // the same double), so t − w0 ≥ 0 and the key is monotone in t.
                let w0 = w == 0 ? a : a + Double(w) * wsec
                let w1 = w == windows - 1 ? Double.infinity : a + Double(w + 1) * wsec
                cnt.baseAddress!.update(repeating: 0, count: nbk + 1)
                let seg = write
                for s in bases.indices {
                    var c = lo[s]
                    let h = hi[s], p = bases[s]
                    while c < h {
                        let t = p[c]
                        if !(t < w1) { break }
                        out[write] = t
                        write &+= 1
                        cnt[Int(min((t - w0) * scale, top)) &+ 1] &+= 1
                        c &+= 1
                    }
                    lo[s] = c
                }
                let m = write - seg
                if m == 0 { continue }
                if m == 1 {
                    if intervals { let t = out[seg]; if seg > 0 { out[seg] = t - previous }; previous = t }
                    continue
                }
                var k = 1
                while k <= nbk { cnt[k] &+= cnt[k - 1]; k &+= 1 }
                if tmp.count < m { tmp = [Double](unsafeUninitializedCapacity: 2 * m) { _, c in c = 2 * m } }
                tmp.withUnsafeMutableBufferPointer { tb in
                    let tp = tb.baseAddress!
                    var i = seg
                    while i < write {
                        let t = out[i]
                        let key = Int(min((t - w0) * scale, top))
                        tp[Int(cnt[key])] = t
                        cnt[key] &+= 1
                        i &+= 1
                    }
                    // Insertion pass: out of order only inside a bucket.
                    out[seg] = tp[0]
                    var j = 1
                    while j < m {
                        let x = tp[j]
                        var q = seg &+ j
                        while q > seg && out[q - 1] > x { out[q] = out[q - 1]; q &-= 1 }
                        out[q] = x
                        j &+= 1
                    }
                }
                if intervals {
                    let lastSpike = out[write - 1]
                    var i = write - 1
                    while i > seg { out[i] = out[i] - out[i - 1]; i &-= 1 }
                    if seg > 0 { out[seg] = out[seg] - previous }
                    previous = lastSpike
                }
            }
        }
        return write
    }
}
