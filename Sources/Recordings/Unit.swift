/// A mean spike waveform (volts) sampled at `samplingRate` Hz.
public struct Waveform: Sendable, Equatable {
    /// The waveform on the unit's peak channel (largest trough), volts.
    public var peakChannel: [Double]
    /// Per-channel waveforms `[channel][sample]`, volts, when the file has them.
    public var allChannels: [[Double]]?
    /// Samples per second, Hz.
    public var samplingRate: Double

    public init(peakChannel: [Double], allChannels: [[Double]]? = nil, samplingRate: Double) {
        self.peakChannel = peakChannel
        self.allChannels = allChannels
        self.samplingRate = samplingRate
    }
}

/// A value from an extra column of the units table.
public enum ColumnValue: Sendable, Equatable, Codable, CustomStringConvertible {
    case number(Double)
    case text(String)

    public var description: String {
        switch self {
        case .number(let d): return String(d)
        case .text(let s): return s
        }
    }
}

/// One sorted unit. Its spike times live in the recording's `SpikeTrains` at the same index.
public struct Unit: Sendable, Equatable {
    /// The unit's id in the source file (NWB `/units/id`, or `unit_id` in text input).
    public var id: Int64
    public var cellClass: CellClass
    public var labelSource: LabelSource
    /// The raw label text the class was parsed from, if any.
    public var rawLabel: String?
    public var waveform: Waveform?
    /// Electrode id (row of the electrodes table) of the unit's peak channel.
    public var electrode: Int?
    /// Position in µm (x, y, z), from the electrodes table or the units table.
    public var position: SIMD3<Double>?
    /// Any other columns, by name.
    public var extra: [String: ColumnValue]

    public init(id: Int64, cellClass: CellClass = .unclassified, labelSource: LabelSource = .none,
                rawLabel: String? = nil, waveform: Waveform? = nil, electrode: Int? = nil,
                position: SIMD3<Double>? = nil, extra: [String: ColumnValue] = [:]) {
        self.id = id
        self.cellClass = cellClass
        self.labelSource = labelSource
        self.rawLabel = rawLabel
        self.waveform = waveform
        self.electrode = electrode
        self.position = position
        self.extra = extra
    }
}

/// A row of the electrodes table.
public struct Electrode: Sendable, Equatable {
    public var id: Int
    /// Position in µm; NaN when the file leaves it out.
    public var x: Double, y: Double, z: Double
    public var location: String
    public var groupName: String
    /// Any other columns, by name (e.g. `soz`).
    public var extra: [String: ColumnValue]

    public init(id: Int, x: Double = .nan, y: Double = .nan, z: Double = .nan, location: String = "",
                groupName: String = "", extra: [String: ColumnValue] = [:]) {
        self.id = id; self.x = x; self.y = y; self.z = z
        self.location = location; self.groupName = groupName; self.extra = extra
    }
}
