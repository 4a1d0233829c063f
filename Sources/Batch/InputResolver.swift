#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Recordings

/// Turns a job's `InputSelection` into a sorted list of recording paths (`.nwb` files and plain-text folders).
public enum InputResolver {
    /// Every recording the selection names, sorted and without duplicates.
    /// - Throws: `BatchError.inputMissing` for a missing explicit file or folder, `BatchError.noInputs` when
    ///   nothing is found.
    public static func recordingPaths(_ selection: InputSelection, jobFile: String) throws -> [String] {
        var out = Set<String>()
        let fm = FileManager.default
        for f in selection.folders {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: f, isDirectory: &isDir), isDir.boolValue else {
                throw BatchError.inputMissing(path: f)
            }
            out.formUnion(try DatasetDiscovery.recordingPaths(in: f))
        }
        for pattern in selection.globs {
            for p in glob(pattern) {
                var isDir: ObjCBool = false
                guard fm.fileExists(atPath: p, isDirectory: &isDir) else { continue }
                if !isDir.boolValue { if p.hasSuffix(".nwb") { out.insert(p) } }
                else if isTextRecording(p) { out.insert(p) }
                else { out.formUnion((try? DatasetDiscovery.recordingPaths(in: p)) ?? []) }
            }
        }
        for f in selection.files {
            guard fm.fileExists(atPath: f) else { throw BatchError.inputMissing(path: f) }
            out.insert(f)
        }
        if out.isEmpty {
            let detail = (selection.folders + selection.globs + selection.files).joined(separator: ", ")
            throw BatchError.noInputs(file: jobFile, detail: "searched \(detail)")
        }
        return out.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }

    /// Whether `path` is a plain-text recording folder (holds `spikes.csv`).
    static func isTextRecording(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: (path as NSString).appendingPathComponent("spikes.csv"))
    }

    static func glob(_ pattern: String) -> [String] {
        var g = glob_t()
        defer { globfree(&g) }
        guard Glibc.glob(pattern, 0, nil, &g) == 0 else { return [] }
        return (0..<Int(g.gl_pathc)).compactMap { g.gl_pathv[$0].map { String(cString: $0) } }
    }
}
