/// One recording session: units with spike trains, electrodes, continuous signals and state epochs.
///
/// The value type every analysis consumes (METHODS §0). Spike times are seconds from the
/// session start; each unit's train is sorted (the readers sort and warn).
public struct Recording: Sendable, Equatable {
    public var subject: String
    public var session: String
    public var units: [Unit]
    /// Spike times of `units`, same order.
    public var spikes: SpikeTrains
    public var electrodes: [Electrode]
    /// LFP / ECoG / EEG series.
    public var signals: [SignalSeries]
    /// State epochs, sorted by start; epochs of different states never overlap.
    public var epochs: [StateEpoch]
    /// The file or folder this was read from (empty for generated data).
    public var source: String
    /// Non-fatal problems found while reading, in user-readable form.
    public var warnings: [String]

    public init(subject: String, session: String, units: [Unit], spikes: SpikeTrains,
                electrodes: [Electrode] = [], signals: [SignalSeries] = [], epochs: [StateEpoch] = [],
                source: String = "", warnings: [String] = []) {
        precondition(units.count == spikes.unitCount, "one spike train per unit")
        self.subject = subject; self.session = session; self.units = units; self.spikes = spikes
        self.electrodes = electrodes; self.signals = signals; self.epochs = epochs
        self.source = source; self.warnings = warnings
    }

    /// Indices of units of a class.
    public func unitIndices(of cellClass: CellClass) -> [Int] {
        units.indices.filter { units[$0].cellClass == cellClass }
    }

    /// The distinct states with epochs, in order of first appearance.
    public var states: [String] {
        var seen = Set<String>(), out: [String] = []
        for e in epochs where seen.insert(e.state).inserted { out.append(e.state) }
        return out
    }

    /// Epochs of one state, sorted by start.
    public func epochs(of state: String) -> [StateEpoch] {
        epochs.filter { $0.state == state }.sorted { $0.start < $1.start }
    }

    /// The time span covered by spikes and epochs, seconds.
    public var timeSpan: ClosedRange<Double> {
        var lo = Double.infinity, hi = -Double.infinity
        for e in epochs { lo = min(lo, e.start); hi = max(hi, e.stop) }
        for u in 0..<spikes.unitCount {
            let s = spikes[unit: u]
            if let f = s.first { lo = min(lo, f) }
            if let l = s.last { hi = max(hi, l) }
        }
        return lo <= hi ? lo...hi : 0...0
    }
}
