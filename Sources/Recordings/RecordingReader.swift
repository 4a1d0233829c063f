/// Options for reading a recording.
public struct ReadOptions: Sendable, Equatable {
    /// The units column holding E/I labels; nil = try `cell_class`, `cell_type`, `gt_class`, `putative_cell_type`.
    public var classColumn: String?
    /// A TimeIntervals table and column to take states from; nil = auto-detect.
    public var stateTable: String?
    public var stateColumn: String?

    public init(classColumn: String? = nil, stateTable: String? = nil, stateColumn: String? = nil) {
        self.classColumn = classColumn; self.stateTable = stateTable; self.stateColumn = stateColumn
    }

    public static let defaultClassColumns = ["cell_class", "cell_type", "gt_class", "putative_cell_type"]
}

/// Reads a recording from an NWB file or a plain-text folder (`spikes.csv`, `units.csv`, `states.csv`).
public enum RecordingReader {
    /// Reads `path` (an `.nwb` file or a plain-text folder) and validates it.
    /// - Throws: `RecordingError` naming the file, unit/row and field.
    public static func read(_ path: String, options: ReadOptions = ReadOptions()) throws -> Recording {
        throw RecordingError.unsupported(file: path, what: "reader not implemented yet")
    }
}
