/// All units' spike times in one flat, contiguous array, as NWB stores them.
///
/// Unit `u`'s sorted spike times (seconds) are `times[offsets[u] ..< offsets[u + 1]]`.
/// `offsets.count == unitCount + 1`, `offsets[0] == 0`, `offsets.last == times.count`.
public struct SpikeTrains: Sendable, Equatable {
    /// Spike times in seconds, unit after unit, each unit's slice sorted ascending.
    public var times: [Double]
    /// Start offsets of each unit's slice, plus the total count at the end.
    public var offsets: [Int]

    public init(times: [Double], offsets: [Int]) {
        precondition(offsets.first == 0 && offsets.last == times.count, "offsets must span times")
        self.times = times
        self.offsets = offsets
    }

    /// Builds the flat layout from one array per unit.
    public init(trains: [[Double]]) {
        var t: [Double] = []
        t.reserveCapacity(trains.reduce(0) { $0 + $1.count })
        var o = [0]
        for train in trains { t.append(contentsOf: train); o.append(t.count) }
        self.times = t
        self.offsets = o
    }

    public var unitCount: Int { offsets.count - 1 }
    public var spikeCount: Int { times.count }

    /// Unit `u`'s spike times (seconds).
    public subscript(unit u: Int) -> ArraySlice<Double> { times[offsets[u] ..< offsets[u + 1]] }

    /// Number of spikes of unit `u`.
    public func count(unit u: Int) -> Int { offsets[u + 1] - offsets[u] }
}
