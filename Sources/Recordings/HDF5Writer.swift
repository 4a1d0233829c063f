import CHDF5
import Foundation

/// A write-only HDF5 file for the NWB writer: groups, typed datasets (optionally chunked + gzip),
/// string/number/reference attributes. Object modification times are not stored, so identical input gives
/// identical bytes. Internal: C types stop here.
final class HDF5Writer {
    let path: String
    let handle: HDF5Handle
    /// gzip level for chunked datasets.
    var deflateLevel: UInt32 = 4

    init(creatingAt path: String) throws {
        symedge_h5_quiet()
        _ = HDF5Library.libdeflateDecoderInstalled   // first HDF5 use of the process installs it (before other threads)
        self.path = path
        let id = H5Fcreate(path, symedge_h5f_acc_trunc(), symedge_h5p_default(), symedge_h5p_default())
        self.handle = try HDF5Handle(id, path: path, what: "H5Fcreate failed", closer: { H5Fclose($0) })
    }

    var id: hid_t { handle.id }

    func flush() throws {
        guard H5Fflush(id, H5F_SCOPE_GLOBAL) >= 0 else { throw HDF5Failure(path: path, what: "H5Fflush failed") }
    }

    // MARK: groups

    func createGroup(_ p: String) throws {
        let gcpl = try HDF5Handle(H5Pcreate(symedge_h5p_group_create()), path: p, what: "H5Pcreate", closer: { H5Pclose($0) })
        H5Pset_obj_track_times(gcpl.id, false)
        let g = H5Gcreate2(id, p, symedge_h5p_default(), gcpl.id, symedge_h5p_default())
        _ = try HDF5Handle(g, path: p, what: "cannot create group", closer: { H5Gclose($0) })
    }

    /// A soft link at `p` pointing to the absolute path `target` (NWB links, e.g. ElectrodeGroup → Device).
    func softLink(_ p: String, to target: String) throws {
        guard H5Lcreate_soft(target, id, p, symedge_h5p_default(), symedge_h5p_default()) >= 0 else {
            throw HDF5Failure(path: p, what: "cannot create soft link to \(target)")
        }
    }

    // MARK: datasets

    /// Creates and writes a dataset. `memType` describes `buffer`; `fileType` is the stored type.
    /// Datasets of at least `chunkThreshold` elements are chunked along the first dimension and gzipped.
    private func write(_ p: String, dims: [Int], fileType: hid_t, memType: hid_t, shuffle: Bool = false,
                       chunkRows: Int? = nil, buffer: UnsafeRawPointer?) throws {
        let space: HDF5Handle
        if dims.isEmpty {
            space = try HDF5Handle.space(H5Screate(H5S_SCALAR), path: p)
        } else {
            let d = dims.map { hsize_t($0) }
            space = try HDF5Handle.space(H5Screate_simple(Int32(dims.count), d, nil), path: p)
        }
        let dcpl = try HDF5Handle(H5Pcreate(symedge_h5p_dataset_create()), path: p, what: "H5Pcreate", closer: { H5Pclose($0) })
        H5Pset_obj_track_times(dcpl.id, false)
        let total = dims.reduce(1, *)
        if let chunkRows, !dims.isEmpty, total >= 4096, dims[0] > 0 {
            var chunk = dims.map { hsize_t($0) }
            chunk[0] = hsize_t(max(1, min(dims[0], chunkRows)))
            H5Pset_chunk(dcpl.id, Int32(dims.count), chunk)
            if shuffle { H5Pset_shuffle(dcpl.id) }
            H5Pset_deflate(dcpl.id, deflateLevel)
        }
        let ds = try HDF5Handle(H5Dcreate2(id, p, fileType, space.id, symedge_h5p_default(), dcpl.id, symedge_h5p_default()),
                                path: p, what: "cannot create dataset", closer: { H5Dclose($0) })
        if total > 0 || dims.isEmpty {
            guard H5Dwrite(ds.id, memType, symedge_h5s_all(), symedge_h5s_all(), symedge_h5p_default(), buffer) >= 0 else {
                throw HDF5Failure(path: p, what: "H5Dwrite failed")
            }
        }
    }

    /// Rows per chunk so that one chunk holds about 1 MiB.
    private static func chunkRows(rowBytes: Int) -> Int { max(1, (1 << 20) / max(1, rowBytes)) }

    func writeDoubles(_ p: String, _ values: [Double], dims: [Int]? = nil, compress: Bool = true) throws {
        let d = dims ?? [values.count]
        let rowBytes = 8 * d.dropFirst().reduce(1, *)
        try values.withUnsafeBytes {
            try write(p, dims: d, fileType: symedge_h5t_ieee_f64le(), memType: symedge_h5t_native_double(),
                      chunkRows: compress ? Self.chunkRows(rowBytes: rowBytes) : nil, buffer: $0.baseAddress)
        }
    }

    func writeFloats(_ p: String, _ values: [Float], dims: [Int]) throws {
        let rowBytes = 4 * dims.dropFirst().reduce(1, *)
        try values.withUnsafeBytes {
            try write(p, dims: dims, fileType: symedge_h5t_ieee_f32le(), memType: symedge_h5t_native_float(),
                      chunkRows: Self.chunkRows(rowBytes: rowBytes), buffer: $0.baseAddress)
        }
    }

    func writeInt64s(_ p: String, _ values: [Int64], compress: Bool = true) throws {
        try values.withUnsafeBytes {
            try write(p, dims: [values.count], fileType: symedge_h5t_std_i64le(), memType: symedge_h5t_native_int64(),
                      shuffle: true, chunkRows: compress ? Self.chunkRows(rowBytes: 8) : nil, buffer: $0.baseAddress)
        }
    }

    /// An index (VectorIndex) dataset stored as the smallest unsigned type that fits, like hdmf does.
    func writeIndex(_ p: String, _ values: [UInt64]) throws {
        let maxV = values.max() ?? 0
        let fileType = maxV <= UInt64(UInt8.max) ? symedge_h5t_std_u8le()
            : maxV <= UInt64(UInt16.max) ? symedge_h5t_std_u16le()
            : maxV <= UInt64(UInt32.max) ? symedge_h5t_std_u32le() : symedge_h5t_std_u64le()
        try values.withUnsafeBytes {
            try write(p, dims: [values.count], fileType: fileType, memType: symedge_h5t_native_uint64(),
                      shuffle: true, chunkRows: Self.chunkRows(rowBytes: 8), buffer: $0.baseAddress)
        }
    }

    func writeScalarDouble(_ p: String, _ v: Double) throws {
        var x = v
        try withUnsafeBytes(of: &x) {
            try write(p, dims: [], fileType: symedge_h5t_ieee_f64le(), memType: symedge_h5t_native_double(), buffer: $0.baseAddress)
        }
    }

    private func vlenStringType(utf8: Bool) throws -> HDF5Handle {
        let t = try HDF5Handle.type(H5Tcopy(symedge_h5t_c_s1()), path: path)
        H5Tset_size(t.id, symedge_h5t_variable())
        H5Tset_cset(t.id, utf8 ? H5T_CSET_UTF8 : H5T_CSET_ASCII)
        return t
    }

    /// Calls `body` with an array of C string pointers for `strings` (valid only inside `body`).
    private func withCStrings<R>(_ strings: [String], _ body: (UnsafeRawPointer?) throws -> R) rethrows -> R {
        let ptrs: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        defer { for p in ptrs { free(p) } }
        return try ptrs.withUnsafeBytes { try body($0.baseAddress) }
    }

    /// Variable-length UTF-8 strings; `scalar` writes one string with a scalar dataspace.
    func writeStrings(_ p: String, _ values: [String], scalar: Bool = false, utf8: Bool = true) throws {
        let t = try vlenStringType(utf8: utf8)
        try withCStrings(values) { buf in
            try write(p, dims: scalar ? [] : [values.count], fileType: t.id, memType: t.id, buffer: buf)
        }
    }

    /// Object references to `targets` (absolute paths), e.g. the `group` column of the electrodes table.
    func writeReferences(_ p: String, to targets: [String]) throws {
        let refs = try targets.map { try objectReference($0) }
        try refs.withUnsafeBytes {
            try write(p, dims: [refs.count], fileType: symedge_h5t_std_ref_obj(), memType: symedge_h5t_std_ref_obj(),
                      buffer: $0.baseAddress)
        }
    }

    /// Copies a dataset (with its attributes and filters) from another HDF5 file.
    func copyDataset(from file: String, dataset: String, to p: String) throws {
        let src = try HDF5File(readingAt: file)
        guard H5Ocopy(src.id, dataset, id, p, symedge_h5p_default(), symedge_h5p_default()) >= 0 else {
            throw HDF5Failure(path: p, what: "H5Ocopy from \(file):\(dataset) failed")
        }
    }

    // MARK: attributes

    private func objectReference(_ target: String) throws -> hobj_ref_t {
        var ref = hobj_ref_t()
        guard H5Rcreate(&ref, id, target, H5R_OBJECT, -1) >= 0 else {
            throw HDF5Failure(path: target, what: "cannot create object reference")
        }
        return ref
    }

    private func attribute(_ object: String, _ name: String, type: hid_t, dims: [Int]?, buffer: UnsafeRawPointer?) throws {
        let space: HDF5Handle
        if let dims {
            space = try HDF5Handle.space(H5Screate_simple(Int32(dims.count), dims.map { hsize_t($0) }, nil), path: object)
        } else {
            space = try HDF5Handle.space(H5Screate(H5S_SCALAR), path: object)
        }
        let a = try HDF5Handle(H5Acreate_by_name(id, object, name, type, space.id, symedge_h5p_default(),
                                                 symedge_h5p_default(), symedge_h5p_default()),
                               path: "\(object)@\(name)", what: "cannot create attribute", closer: { H5Aclose($0) })
        guard H5Awrite(a.id, type, buffer) >= 0 else { throw HDF5Failure(path: "\(object)@\(name)", what: "H5Awrite failed") }
    }

    func setAttribute(_ object: String, _ name: String, _ value: String) throws {
        let t = try vlenStringType(utf8: true)
        try withCStrings([value]) { try attribute(object, name, type: t.id, dims: nil, buffer: $0) }
    }

    func setAttribute(_ object: String, _ name: String, strings: [String]) throws {
        let t = try vlenStringType(utf8: true)
        try withCStrings(strings) { try attribute(object, name, type: t.id, dims: [strings.count], buffer: $0) }
    }

    func setAttribute(_ object: String, _ name: String, _ value: Double) throws {
        var v = value
        try withUnsafeBytes(of: &v) {
            try attribute(object, name, type: symedge_h5t_native_double(), dims: nil, buffer: $0.baseAddress)
        }
    }

    func setAttribute(_ object: String, _ name: String, int32 value: Int32) throws {
        var v = value
        try withUnsafeBytes(of: &v) {
            try attribute(object, name, type: symedge_h5t_native_int32(), dims: nil, buffer: $0.baseAddress)
        }
    }

    func setAttribute(_ object: String, _ name: String, reference target: String) throws {
        var ref = try objectReference(target)
        try withUnsafeBytes(of: &ref) {
            try attribute(object, name, type: symedge_h5t_std_ref_obj(), dims: nil, buffer: $0.baseAddress)
        }
    }
}
