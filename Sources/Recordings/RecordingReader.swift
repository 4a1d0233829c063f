import Foundation

/// Options for reading a recording.
public struct ReadOptions: Sendable, Equatable {
    /// The units column holding E/I labels; nil = try `cell_class`, `cell_type`, `gt_class`, `putative_cell_type`.
    public var classColumn: String?
    /// A TimeIntervals table and column to take states from; nil = auto-detect.
    public var stateTable: String?
    public var stateColumn: String?
    /// When true, an NWB file without `/units` is an error (`RecordingError.missing`); when false (default) it
    /// reads as a recording with no units and a warning (LFP/EEG-only and hypnogram-only files).
    public var requireUnits: Bool
    /// When true, `/intervals/epochs` is never used as the state annotation (NWB; e.g. stimulus or trial
    /// epochs that overlap). With no other state table the recording has no epochs.
    public var ignoreEpochs: Bool
    /// The Units table to read (an HDF5 path such as `/acquisition/UnitsTest`); nil = `/units`, else the one
    /// group anywhere in the file whose `neurodata_type` is `Units`.
    public var unitsPath: String?

    public init(classColumn: String? = nil, stateTable: String? = nil, stateColumn: String? = nil,
                requireUnits: Bool = false, ignoreEpochs: Bool = false, unitsPath: String? = nil) {
        self.classColumn = classColumn; self.stateTable = stateTable; self.stateColumn = stateColumn
        self.requireUnits = requireUnits; self.ignoreEpochs = ignoreEpochs; self.unitsPath = unitsPath
    }

    public static let defaultClassColumns = ["cell_class", "cell_type", "gt_class", "putative_cell_type"]
}

/// Reads a recording from an NWB file or a plain-text folder (`spikes.csv`, `units.csv`, `states.csv`).
public enum RecordingReader {
    /// Reads `path` (an `.nwb` file or a plain-text folder) and validates it.
    /// - Throws: `RecordingError` naming the file, unit/row and field.
    ///
    /// NWB: see `NWBReader`. Plain text: a folder holding `spikes.csv` (`unit_id,time_s`), optionally
    /// `units.csv` (`unit_id,class,electrode,x_um,y_um`) and `states.csv` (`start_s,stop_s,state`).
    /// Validation (issue 3): NaN/Inf spike times, negative epoch durations and overlapping epochs of different
    /// states throw; unsorted trains are sorted (one warning per unit); empty units and spikes outside every
    /// epoch give warnings in `Recording.warnings`.
    public static func read(_ path: String, options: ReadOptions = ReadOptions()) throws -> Recording {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw RecordingError.unreadable(file: path, reason: "no such file or folder")
        }
        if isDir.boolValue {
            var text = TextRecordingReader(folder: path, options: options)
            return try text.read()
        }
        if (path as NSString).lastPathComponent == "spikes.csv" {
            var text = TextRecordingReader(folder: (path as NSString).deletingLastPathComponent, options: options)
            return try text.read()
        }
        var reader = try NWBReader(path: path, options: options)
        return try reader.read()
    }
}
