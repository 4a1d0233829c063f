extension Kernels {
    /// The ISI permutation of one epoch's sorted spike train (METHODS §5a), in place: keeps the first spike at
    /// `t[lo]`, shuffles the `n − 1` inter-spike intervals with `shuffle` (the same draws from `rng`), rebuilds the
    /// train by cumulative sum into `t[write...]` (`write ≤ lo`) and drops spikes at or past `stop` (seconds).
    /// Returns the number of spikes written. `labels` is the shuffle's scratch, grown as needed. Shared by
    /// `FineBinnedTrain` and `SparsePooledTrain`, so both paths draw identical surrogates.
    public static func permuteIntervals(_ t: UnsafeMutableBufferPointer<Double>, lo: Int, count n: Int, write: Int,
                                        stop: Double, rng: inout Xoshiro256StarStar, labels: inout [UInt16]) -> Int {
        if n == 0 { return 0 }
        shuffleIntervals(t, lo: lo, count: n, rng: &rng, labels: &labels)
        var acc = t[lo]
        t[write] = acc
        var count = 1
        for k in 1 ..< n {
            acc += t[lo + k]
            if acc >= stop { break }
            t[write + count] = acc
            count += 1
        }
        return count
    }

    /// The first half of `permuteIntervals`, in place: `t[lo]` (the first spike) is kept, `t[lo + 1 ..< lo + n]`
    /// become the intervals `t[i] − t[i − 1]` of the sorted train, shuffled by `shuffle` with the same draws. The
    /// permuted train is then `t[lo]`, `t[lo] + t[lo + 1]`, … (cumulative sum in this order, METHODS §5a), which
    /// `MultiScaleCounts.buildPermuted` generates window by window instead of writing it back.
    /// `differenced`: `t[lo + 1 ..< lo + n]` already hold the intervals (`Kernels.pooledSorted(intervals: true)`).
    public static func shuffleIntervals(_ t: UnsafeMutableBufferPointer<Double>, lo: Int, count n: Int,
                                        rng: inout Xoshiro256StarStar, labels: inout [UInt16],
                                        differenced: Bool = false) {
        if n == 0 { return }
        // Intervals in place: t[lo + i] - t[lo + i - 1] for i ≥ 1 (backwards keeps the inputs intact).
        var i = n - 1
        while i >= 1 && !differenced { t[lo + i] = t[lo + i] - t[lo + i - 1]; i -= 1 }
        // Not initialised: `shuffle` writes every label it reads.
        if labels.count < n { labels = [UInt16](unsafeUninitializedCapacity: n) { _, c in c = n } }
        labels.withUnsafeMutableBufferPointer { lb in
            shuffle(UnsafeMutableBufferPointer(rebasing: t[(lo + 1) ..< (lo + n)]), rng: &rng, labels: lb)
        }
    }

    /// `shuffleIntervals(differenced: true)` from a read-only source: `dst[0 ..< n]` gets `src[0]` (the first spike)
    /// then the intervals `src[1 ..< n]` shuffled with the same draws and moves, so the same values as shuffling a
    /// copy of `src` in place (which is what it does: `shuffle(from:into:)` copies while drawing the labels, then
    /// moves in `dst`; reading the moves' sources from `src` instead was measured slower, 9.7 vs 7.0 ms for 860 k
    /// values). `src` is one copy shared by every ISI member of a state (`PooledIntervals`); `dst` holds at least
    /// `n` values and does not overlap `src`.
    public static func shuffleIntervals(from src: UnsafeBufferPointer<Double>, into dst: UnsafeMutableBufferPointer<Double>,
                                        count n: Int, rng: inout Xoshiro256StarStar, labels: inout [UInt16]) {
        if n == 0 { return }
        precondition(src.count >= n && dst.count >= n, "interval buffers too small")
        dst[0] = src[0]
        // Not initialised: `shuffle` writes every label it reads.
        if labels.count < n { labels = [UInt16](unsafeUninitializedCapacity: n) { _, c in c = n } }
        labels.withUnsafeMutableBufferPointer { lb in
            shuffle(from: src.baseAddress! + 1, into: UnsafeMutableBufferPointer(rebasing: dst[1 ..< n]), rng: &rng,
                    labels: lb)
        }
    }
}
