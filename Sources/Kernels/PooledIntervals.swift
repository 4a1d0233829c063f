/// The input of the ISI-permutation surrogate (METHODS §5a) for one ensemble (E or I) in the epochs of one state:
/// per epoch, the pooled sorted train's first spike followed by its intervals `t[i] − t[i − 1]`, exactly what
/// `Kernels.pooledSorted(intervals: true)` writes (the same doubles), the epochs concatenated.
///
/// It depends only on the data, not on a surrogate's draws, so every ISI member of a state can shuffle from one
/// read-only copy (`MultiScaleCounts.buildPermuted(epochs:widths:fineWidth:pooled:rng:scratch:)`) instead of
/// sorting the pooled train again: 8 bytes per spike of the ensemble in the state's epochs.
public struct PooledIntervals: Sendable {
    /// Epoch e's first spike (seconds) and intervals (seconds) are `values[offsets[e] ..< offsets[e + 1]]`.
    public let offsets: [Int]
    public let values: [Double]

    /// The pooled intervals of the sorted trains `trains` (seconds) in each of `epochs` (`[start, stop)`).
    public init(trains: [UnsafeBufferPointer<Double>], epochs: [(start: Double, stop: Double)]) {
        var offsets = [0]
        for (a, b) in epochs {
            offsets.append(offsets.last! + trains.reduce(0) { $0 + FineBinnedTrain.range(of: $1, start: a, stop: b).count })
        }
        let total = offsets.last!
        var tmp: [Double] = [], buckets: [Int32] = []
        // Not initialised: `pooledSorted` writes every value of its epoch.
        values = [Double](unsafeUninitializedCapacity: total) { v, count in
            for (e, (a, b)) in epochs.enumerated() {
                let m = Kernels.pooledSorted(trains, start: a, stop: b,
                                             into: UnsafeMutableBufferPointer(rebasing: v[offsets[e] ..< offsets[e + 1]]),
                                             tmp: &tmp, buckets: &buckets, intervals: true)
                precondition(m == offsets[e + 1] - offsets[e])
            }
            count = total
        }
        self.offsets = offsets
    }

    /// Epochs held.
    public var epochCount: Int { offsets.count - 1 }
    /// Spikes held (all epochs).
    public var spikeCount: Int { values.count }
}

extension MultiScaleCounts {
    /// `buildPermuted(epochs:widths:fineWidth:trains:rng:scratch:)` from the state's pooled intervals of these
    /// trains (`PooledIntervals`, built once for every ISI member of the state): the same counts, and the same
    /// draws from `rng`. Per epoch, `Kernels.shuffleIntervals(from:into:)` shuffles the shared intervals into the
    /// workspace's buffer (read-only source, so threads may share it) with the draws and moves of the in-place
    /// shuffle, and the permuted train is generated and counted window by window as before (`permutedWindows`).
    /// `pooled` must hold one entry per epoch of `epochs`. Requires `supports(epochs:widths:fineWidth:)`.
    public mutating func buildPermuted(epochs: [(start: Double, stop: Double)], widths: [Double],
                                      fineWidth: Double = 0.001, pooled: PooledIntervals,
                                      rng: inout Xoshiro256StarStar, scratch: inout Scratch) {
        precondition(pooled.epochCount == epochs.count, "pooled intervals of \(pooled.epochCount) epochs for \(epochs.count)")
        layOut(epochs: epochs, widths: widths)
        var store = counts; counts = []
        var written = [Int](repeating: 0, count: widths.count)
        pooled.values.withUnsafeBufferPointer { all in
            for (e, (a, b)) in epochs.enumerated() {
                let ep = Self.epoch(a, b, fineWidth)
                let lo = pooled.offsets[e], m = pooled.offsets[e + 1] - lo
                // Not initialised: the shuffle writes the m values read afterwards.
                if scratch.pooled.count < m { scratch.pooled = [Double](unsafeUninitializedCapacity: m) { _, c in c = m } }
                var buffer = scratch.pooled, labels = scratch.labels
                scratch.pooled = []; scratch.labels = []
                buffer.withUnsafeMutableBufferPointer { t in
                    Kernels.shuffleIntervals(from: UnsafeBufferPointer(rebasing: all[lo ..< lo + m]), into: t, count: m,
                                             rng: &rng, labels: &labels)
                    var pass = Pass(ep: ep, widths: widths, written: written, spikes: m)
                    Self.permutedWindows(ep, UnsafeBufferPointer(t), count: m, &scratch) { w0, w1, p, tw, base in
                        pass.consume(w0, w1, p, tw, base, &store)
                    }
                    written = pass.finish()
                }
                scratch.pooled = buffer; scratch.labels = labels
            }
        }
        counts = store
    }
}
