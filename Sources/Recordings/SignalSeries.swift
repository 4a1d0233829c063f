/// Where a signal's samples live.
public enum SignalStorage: Sendable, Equatable {
    /// Raw samples in memory, row-major `[sample][channel]`, in the file's units
    /// (multiply by `conversion` and add `offset` for volts).
    case memory([Float])
    /// An NWB ElectricalSeries `data` dataset, read lazily in chunks.
    case nwb(file: String, dataset: String)
}

/// A continuous multichannel signal: LFP, ECoG or EEG (an NWB ElectricalSeries).
///
/// Samples are read lazily, a block of rows at a time, and scaled to volts:
/// `volts = raw * conversion + offset`.
public struct SignalSeries: Sendable, Equatable {
    /// The series' name, e.g. `LFP` or `ElectricalSeries`.
    public var name: String
    public var sampleCount: Int
    public var channelCount: Int
    /// Sampling rate in Hz, when regular.
    public var rate: Double?
    /// Time of the first sample, seconds.
    public var startingTime: Double
    /// Per-sample times in seconds, when the series is irregular (no `rate`).
    public var timestamps: [Double]?
    public var conversion: Double
    public var offset: Double
    /// The physical unit string from the file (e.g. "volts").
    public var unit: String
    /// Electrode ids (rows of the electrodes table) of each channel.
    public var electrodes: [Int]
    public var storage: SignalStorage
    /// Per-channel gains (NWB `channel_conversion`), multiplied in after `conversion`; nil = all 1.
    public var channelConversion: [Double]?

    public init(name: String, sampleCount: Int, channelCount: Int, rate: Double?, startingTime: Double = 0,
                timestamps: [Double]? = nil, conversion: Double = 1, offset: Double = 0, unit: String = "volts",
                electrodes: [Int] = [], storage: SignalStorage, channelConversion: [Double]? = nil) {
        self.name = name; self.sampleCount = sampleCount; self.channelCount = channelCount
        self.rate = rate; self.startingTime = startingTime; self.timestamps = timestamps
        self.conversion = conversion; self.offset = offset; self.unit = unit
        self.electrodes = electrodes; self.storage = storage; self.channelConversion = channelConversion
    }

    /// Duration in seconds.
    public var duration: Double {
        if let rate { return Double(sampleCount) / rate }
        if let ts = timestamps, let first = ts.first, let last = ts.last { return last - first }
        return 0
    }
}
