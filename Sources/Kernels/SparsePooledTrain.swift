/// The operations a member computation needs from the pooled spikes of one ensemble in the epochs of one state
/// (METHODS §2, §5): lay out the epochs, gather the (optionally circularly shifted) spikes, and apply the ISI
/// permutation. `FineBinnedTrain` (memory ∝ recording length at 1 ms) and `SparsePooledTrain` (memory ∝ spikes)
/// give the same spike times, so the same counts at every scale.
public protocol PooledSpikeTrain: Sendable {
    /// Lays out the epochs `[start, stop)` (sorted, non-overlapping, seconds) and empties the train.
    mutating func layOut(epochs: [(start: Double, stop: Double)])
    /// Gathers the spikes of `trains` (each sorted, seconds) inside the epochs; `shifts` as `FineBinnedTrain.build`.
    mutating func build(trains: [UnsafeBufferPointer<Double>], shifts: [[Double]]?)
    /// Makes each epoch's pooled train sorted (needed before `permuteIntervals`).
    mutating func sortWithinBins()
    /// ISI permutation surrogate of the pooled train (METHODS §5a), epoch by epoch.
    mutating func permuteIntervals(rng: inout Xoshiro256StarStar)
}

extension FineBinnedTrain: PooledSpikeTrain {
    public mutating func layOut(epochs: [(start: Double, stop: Double)]) { reset(epochs: epochs) }
}

/// The pooled spikes of one ensemble (E or I) in the epochs of one state as one sorted run of times per epoch,
/// without a fine grid: memory in proportion to the spikes, not to the recording's length (issue 18 item 8; METHODS
/// §11). Used for long sparse recordings, where `FineBinnedTrain`'s 1-ms prefix counts (4 bytes per millisecond:
/// 691 MB per ensemble for 48 h) dominate. The spike times are those of `FineBinnedTrain` for the observed data and
/// both surrogates — the same selection, circular shift (`FineBinnedTrain.streams`) and interval permutation (the
/// same random draws) — so `SparseCountSeries` gives the counts `FineBinnedTrain.counts` gives.
public struct SparsePooledTrain: PooledSpikeTrain {
    public struct Epoch: Sendable, Equatable {
        public var start: Double
        public var stop: Double
    }

    public private(set) var epochs: [Epoch] = []
    /// Spike times (seconds), epoch after epoch, ascending within an epoch.
    public private(set) var times: [Double] = []
    /// `times[offsets[e] ..< offsets[e + 1]]` are the spikes of epoch e.
    public private(set) var offsets: [Int] = [0]
    private var labels: [UInt16] = []

    public init() {}

    public var spikeCount: Int { offsets.last ?? 0 }

    public mutating func layOut(epochs bounds: [(start: Double, stop: Double)]) {
        epochs = bounds.map { Epoch(start: $0.start, stop: $0.stop) }
        times.removeAll(keepingCapacity: true)
        offsets = [Int](repeating: 0, count: bounds.count + 1)
    }

    public mutating func build(trains: [UnsafeBufferPointer<Double>], shifts: [[Double]]? = nil) {
        times.removeAll(keepingCapacity: true)
        offsets = [0]
        for (ei, ep) in epochs.enumerated() {
            let fine = FineBinnedTrain.Epoch(start: ep.start, stop: ep.stop,
                                             fineGrid: BinGrid(origin: ep.start, width: 0.001), binBase: 0, binCount: 0)
            let from = times.count
            for s in FineBinnedTrain.streams(trains, fine, shifts?[ei]) {
                for c in s.lo ..< s.hi { times.append(max(s.base[c] + s.add, s.floor)) }
            }
            times[from...].sort()
            offsets.append(times.count)
        }
    }

    /// Each epoch's train is kept sorted by `build`: nothing to do.
    public mutating func sortWithinBins() {}

    /// `FineBinnedTrain.permuteIntervals` on the sorted trains: keeps each epoch's first spike, shuffles its
    /// intervals (`Kernels.shuffle`, the same draws from `rng`), rebuilds by cumulative sum and drops spikes at or
    /// past the epoch end.
    public mutating func permuteIntervals(rng: inout Xoshiro256StarStar) {
        var write = 0
        var kept = [0]
        let old = offsets
        let eps = epochs
        var scratch = labels
        times.withUnsafeMutableBufferPointer { t in
            for (ei, ep) in eps.enumerated() {
                let lo = old[ei], n = old[ei + 1] - lo
                let count = Kernels.permuteIntervals(t, lo: lo, count: n, write: write, stop: ep.stop, rng: &rng,
                                                     labels: &scratch)
                write += count
                kept.append(write)
            }
        }
        labels = scratch
        times.removeLast(times.count - write)
        offsets = kept
    }

    /// The bins of width `width` seconds (METHODS §2: `BinGrid` from each epoch start, whole bins only, epochs
    /// concatenated) that hold spikes, ascending, with their counts; and K per epoch.
    func nonzeroBins(width: Double) -> (bins: [Int], counts: [Int32], epochBins: [Int]) {
        var bins: [Int] = [], counts: [Int32] = [], epochBins: [Int] = []
        var base = 0
        for (ei, ep) in epochs.enumerated() {
            let grid = BinGrid(origin: ep.start, width: width)
            let k = grid.fullBinCount(stop: ep.stop)
            epochBins.append(k)
            for c in offsets[ei] ..< offsets[ei + 1] {
                let j = grid.index(times[c])          // monotone in t: the times are ascending
                if j >= k { break }
                if j < 0 { continue }
                if let last = bins.last, last == base + j { counts[counts.count - 1] += 1 }
                else { bins.append(base + j); counts.append(1) }
            }
            base += k
        }
        return (bins, counts, epochBins)
    }
}
