/// Writes recordings as NWB 2.x files that pynwb reads and `pynwb-validate` accepts.
public enum NWBWriter {
    /// Writes `recording` to a new file at `path` (atomically: temp file, then rename).
    /// Never modifies an existing input in place.
    public static func write(_ recording: Recording, to path: String) throws {
        throw RecordingError.unsupported(file: path, what: "writer not implemented yet")
    }
}
