import CHDF5
import Foundation

/// The bounds of one dataset-region reference: how many points it selects and its first and last index along
/// dimension 0.
struct HDF5RegionBounds: Equatable {
    var points: Int
    var first: Int
    var last: Int
}

extension HDF5File {
    /// Absolute paths of every group reachable by hard links, each object once (HDF5's `H5Ovisit`), in name order.
    func allGroupPaths() throws -> [String] {
        var len = 0
        guard let buf = symedge_h5_group_paths(id, &len) else {
            throw HDF5Failure(path: "/", what: "cannot walk the file's groups (H5Ovisit failed)")
        }
        defer { free(buf) }
        var out: [String] = []
        var start = 0
        buf.withMemoryRebound(to: UInt8.self, capacity: len) { bytes in
            for i in 0..<len where bytes[i] == 0 {
                out.append("/" + String(decoding: UnsafeBufferPointer(start: bytes + start, count: i - start), as: UTF8.self))
                start = i + 1
            }
        }
        return out
    }

    /// Paths of the groups whose `neurodata_type` attribute is one of `types`, anywhere in the file.
    func groups(ofNeurodataType types: Set<String>) throws -> [(path: String, type: String)] {
        try allGroupPaths().compactMap { p in
            guard let t = stringAttribute(p, "neurodata_type")?.first, types.contains(t) else { return nil }
            return (p, t)
        }
    }

    /// A number identifying the object at `objectPath` (its file address), equal for two links to one object;
    /// 0 when it cannot be opened.
    func objectKey(_ objectPath: String) -> UInt64 { UInt64(symedge_h5_object_key(id, objectPath)) }

    /// Whether a dataset holds HDF5 dataset-region references (the NWB 2.0b form of VectorIndex and
    /// DynamicTableRegion written by MatNWB in 2018).
    func isRegionReference(_ p: String) -> Bool {
        guard let ds = try? openDataset(p), let t = try? HDF5Handle.type(H5Dget_type(ds.id), path: p) else { return false }
        return H5Tget_class(t.id) == H5T_REFERENCE && H5Tequal(t.id, symedge_h5t_std_ref_dsetreg()) > 0
    }

    /// Reads a dataset of region references: each reference's bounds, and the path of the dataset the first one
    /// points into.
    func readRegionBounds(_ p: String) throws -> (target: String, bounds: [HDF5RegionBounds]) {
        let ds = try openDataset(p)
        let n = max(1, try Self.dims(of: ds.id, path: p).reduce(1, *))
        var points = [Int](repeating: 0, count: n)
        var lo = [hsize_t](repeating: 0, count: n), hi = [hsize_t](repeating: 0, count: n)
        var target = [CChar](repeating: 0, count: 1024)
        let st = points.withUnsafeMutableBufferPointer { pts in
            pts.baseAddress!.withMemoryRebound(to: hssize_t.self, capacity: n) { np in
                symedge_h5_region_bounds(ds.id, n, np, &lo, &hi, &target, target.count)
            }
        }
        guard st == 0 else {
            throw HDF5Failure(path: p, what: st == -1 ? "cannot read region references"
                                                      : "a region reference cannot be resolved")
        }
        let name = String(decoding: target.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return (name, (0..<n).map { HDF5RegionBounds(points: points[$0], first: Int(lo[$0]), last: Int(hi[$0])) })
    }
}
