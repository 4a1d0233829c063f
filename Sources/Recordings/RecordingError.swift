/// A problem with an input recording. Every message names the file and, where it applies,
/// the unit or row and the field.
public enum RecordingError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The file does not exist or cannot be opened.
    case unreadable(file: String, reason: String)
    /// Not a valid HDF5 file, or truncated/corrupt.
    case corrupt(file: String, reason: String)
    /// A required group or dataset is missing (e.g. `/units`).
    case missing(file: String, path: String)
    /// A value is invalid: NaN/Inf spike times, a negative duration, a bad column.
    case invalidValue(file: String, location: String, field: String, reason: String)
    /// Epochs of different states overlap.
    case overlappingEpochs(file: String, first: StateEpoch, second: StateEpoch)
    /// A feature not supported by this reader/writer.
    case unsupported(file: String, what: String)
    /// The recording reads, but has nothing the balance analysis can use (no units, no spikes, no E or no I
    /// units); `reason` says which (issue 18 item 7).
    case nothingToAnalyse(file: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(file, reason): return "\(file): cannot open: \(reason)"
        case let .corrupt(file, reason): return "\(file): not a readable HDF5/NWB file (truncated or corrupt?): \(reason)"
        case let .missing(file, path): return "\(file): required \(path) is missing"
        case let .invalidValue(file, location, field, reason): return "\(file): \(location), field '\(field)': \(reason)"
        case let .overlappingEpochs(file, a, b):
            return "\(file): epochs overlap: '\(a.state)' [\(a.start), \(a.stop)) and '\(b.state)' [\(b.start), \(b.stop)); "
                + "states must not overlap (if these are stimulus or trial epochs, choose the annotation that holds "
                + "brain states with --state-table/--state-column, or --ignore-epochs)"
        case let .unsupported(file, what): return "\(file): unsupported: \(what)"
        case let .nothingToAnalyse(file, reason): return "\(file): nothing to analyse: \(reason)"
        }
    }
}
