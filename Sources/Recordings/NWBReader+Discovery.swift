import CHDF5
import Foundation

/// Issue 18 items 4-6: which NWB version a file is, where its Units table is, and the NWB 2.0b region-reference
/// indices MatNWB wrote in 2018.
extension NWBReader {
    /// Throws `RecordingError.unsupported` for NWB 1.x files (a `/nwb_version` dataset, or an `nwb_version`
    /// attribute "NWB-1…" / "1.…") and for HDF5 files with nothing of NWB in them (no `nwb_version` or
    /// `neurodata_type` on `/`, and none of `/acquisition`, `/general`, `/units`, `/intervals`, `/processing`).
    /// A file with NWB 2 groups but no root `nwb_version` attribute is read with a warning.
    mutating func checkFormat() throws {
        var version = file.stringAttribute("/", "nwb_version")?.first
        if version == nil, file.isDataset("/nwb_version") { version = try? file.readStrings("/nwb_version").first }
        if let v = version?.trimmingCharacters(in: .whitespaces) {
            let bare = v.hasPrefix("NWB-") ? String(v.dropFirst(4)) : v
            if bare.hasPrefix("1.") || file.isDataset("/nwb_version") {
                throw RecordingError.unsupported(file: path, what: "NWB 1.x file (nwb_version '\(v)'); symedge reads "
                    + "NWB 2.x files (convert it to NWB 2, or export spikes.csv/units.csv/states.csv)")
            }
            return
        }
        let nwbGroups = ["/acquisition", "/general", "/units", "/intervals", "/processing"].filter { file.isGroup($0) }
        if file.stringAttribute("/", "neurodata_type") == nil && nwbGroups.isEmpty {
            let members = (try? file.members("/")) ?? []
            throw RecordingError.unsupported(file: path, what: "not an NWB file: an HDF5 file with no NWB attributes "
                + "(no nwb_version or neurodata_type on /) and no NWB groups"
                + (members.isEmpty ? " (it is empty)" : " (top level: \(members.prefix(8).joined(separator: ", ")))"))
        }
        warnings.append("\(path): no nwb_version attribute on / (\(nwbGroups.joined(separator: ", ")) present); "
                        + "read as NWB 2")
    }

    /// The Units table to read: `ReadOptions.unitsPath`, else `/units`, else the only group whose
    /// `neurodata_type` is `Units` (with a warning naming it); nil when there is none.
    /// - Throws: `RecordingError.missing` for a `unitsPath` that is not a group; `.invalidValue` when several
    ///   Units tables are found and none is `/units` (the message lists them and names `--units-path`).
    mutating func resolveUnitsTable() throws -> String? {
        if let p = options.unitsPath {
            let abs = p.hasPrefix("/") ? p : "/" + p
            guard file.isGroup(abs) else { throw RecordingError.missing(file: path, path: abs) }
            return abs
        }
        if file.isGroup("/units") { return "/units" }
        let found = try file.groups(ofNeurodataType: ["Units"]).map(\.path)
        if found.count == 1 {
            warnings.append("\(path): no /units; reading the Units table at \(found[0])")
            return found[0]
        }
        if found.count > 1 {
            throw RecordingError.invalidValue(file: path, location: "/", field: "Units",
                                              reason: "\(found.count) Units tables (\(found.joined(separator: ", "))) "
                                                + "and no /units; choose one with --units-path")
        }
        return nil
    }

    /// The end offsets of a VectorIndex stored as region references into `target` (NWB 2.0b, MatNWB 2018): each
    /// region must be one contiguous run starting where the previous one ended.
    func regionIndexEnds(_ p: String, target: String, count: Int) throws -> [UInt64] {
        let (into, bounds) = try file.readRegionBounds(p)
        func unsupported(_ why: String) -> RecordingError {
            .unsupported(file: path, what: "\(p): region-reference index (NWB 2.0b) \(why)")
        }
        if !into.isEmpty && into != target { throw unsupported("points into \(into), not \(target)") }
        var ends: [UInt64] = []
        var prev = 0
        for (u, b) in bounds.enumerated() {
            if b.points == 0 { ends.append(UInt64(prev)); continue }
            guard b.last - b.first + 1 == b.points else { throw unsupported("row \(u) selects a non-contiguous region") }
            guard b.first == prev else {
                throw unsupported("row \(u) starts at \(b.first), not where row \(u - 1) ended (\(prev)); out-of-order regions are not supported")
            }
            guard b.last < count else {
                throw RecordingError.invalidValue(file: path, location: p, field: "region",
                                                  reason: "row \(u) ends at \(b.last), past the \(count) values of \(target)")
            }
            prev = b.last + 1
            ends.append(UInt64(prev))
        }
        return ends
    }

    /// Electrode ids of a signal whose `electrodes` is a region reference into the electrodes table; empty (with a
    /// warning) when the region cannot be resolved.
    mutating func regionElectrodes(_ p: String, electrodes: [Electrode]) -> [Int] {
        do {
            let (_, bounds) = try file.readRegionBounds(p)
            guard bounds.count == 1, let b = bounds.first, b.points > 0, b.last - b.first + 1 == b.points else {
                warnings.append("\(p): region-reference electrodes (NWB 2.0b) that are not one contiguous range; channel electrodes not read")
                return []
            }
            return (b.first...b.last).map { $0 < electrodes.count ? electrodes[$0].id : $0 }
        } catch {
            warnings.append("\(path): \(p): region-reference electrodes (NWB 2.0b) could not be resolved (\(error)); channel electrodes not read")
            return []
        }
    }
}

extension HDF5File {
    /// A short description of a dataset's stored type, e.g. "int32", "uint16", "float64".
    func typeDescription(_ p: String) -> String {
        guard let ds = try? openDataset(p), let t = try? HDF5Handle.type(H5Dget_type(ds.id), path: p) else { return "unknown type" }
        let bits = H5Tget_size(t.id) * 8
        switch H5Tget_class(t.id) {
        case H5T_INTEGER: return (H5Tget_sign(t.id) == H5T_SGN_NONE ? "uint" : "int") + "\(bits)"
        case H5T_FLOAT: return "float\(bits)"
        default: return "other type"
        }
    }
}
