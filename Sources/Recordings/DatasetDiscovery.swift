import Foundation

/// Finds the recordings in a dataset folder.
///
/// Recognises the DANDI layout `sub-<id>/sub-<id>_ses-<id>_ecephys.nwb`, any other `*.nwb` file at any depth,
/// and plain-text recording folders (folders holding `spikes.csv`). Hidden files and folders are skipped.
public enum DatasetDiscovery {
    /// Paths of every recording under `folder`, sorted by byte-wise path order (deterministic on every
    /// machine). A path that is itself an `.nwb` file or a plain-text folder is returned alone.
    /// - Throws: `RecordingError.unreadable` when `folder` does not exist or cannot be listed.
    public static func recordingPaths(in folder: String) throws -> [String] {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: folder, isDirectory: &isDir) else {
            throw RecordingError.unreadable(file: folder, reason: "no such file or folder")
        }
        if !isDir.boolValue { return [folder] }
        if fm.fileExists(atPath: (folder as NSString).appendingPathComponent("spikes.csv")) { return [folder] }
        var out: [String] = []
        try walk(folder, into: &out, depth: 0)
        return out.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }

    private static func walk(_ dir: String, into out: inout [String], depth: Int) throws {
        guard depth < 16 else { return }
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: dir) } catch {
            throw RecordingError.unreadable(file: dir, reason: error.localizedDescription)
        }
        for name in names where !name.hasPrefix(".") {
            let p = (dir as NSString).appendingPathComponent(name)
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: p, isDirectory: &isDir) else { continue }
            if isDir.boolValue {
                if FileManager.default.fileExists(atPath: (p as NSString).appendingPathComponent("spikes.csv")) {
                    out.append(p)
                } else {
                    try walk(p, into: &out, depth: depth + 1)
                }
            } else if name.lowercased().hasSuffix(".nwb") {
                out.append(p)
            }
        }
    }

    /// Subject and session ids parsed from a DANDI-style name (`sub-<id>_ses-<id>_…`); nil parts when absent.
    public static func dandiIdentifiers(of path: String) -> (subject: String?, session: String?) {
        let name = DANDIName(fileName: (path as NSString).lastPathComponent)
        var subject = name.subject
        if subject == nil {
            // sub-<id>/<file>: the folder names the subject.
            let parent = ((path as NSString).deletingLastPathComponent as NSString).lastPathComponent
            if parent.hasPrefix("sub-") { subject = String(parent.dropFirst(4)) }
        }
        return (subject, name.session)
    }
}
