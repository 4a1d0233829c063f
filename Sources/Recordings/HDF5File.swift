import CHDF5

/// An error from the thin HDF5 layer; the NWB reader turns it into a `RecordingError`.
struct HDF5Failure: Error, CustomStringConvertible {
    var path: String
    var what: String
    var description: String { "\(path): \(what)" }
}

/// The kind of values an HDF5 dataset or attribute holds.
enum HDF5ValueKind: Equatable {
    case float, integer, string, enumeration, reference, compound, other
}

/// An open HDF5 handle (file, group, dataset, dataspace, type, attribute, property list), closed on deinit.
final class HDF5Handle {
    let id: hid_t
    private let closer: (hid_t) -> herr_t

    init(_ id: hid_t, path: String, what: String, closer: @escaping (hid_t) -> herr_t) throws {
        guard id >= 0 else { throw HDF5Failure(path: path, what: what) }
        self.id = id
        self.closer = closer
    }

    deinit { _ = closer(id) }

    static func space(_ id: hid_t, path: String) throws -> HDF5Handle {
        try HDF5Handle(id, path: path, what: "cannot get dataspace", closer: { H5Sclose($0) })
    }

    static func type(_ id: hid_t, path: String) throws -> HDF5Handle {
        try HDF5Handle(id, path: path, what: "cannot get datatype", closer: { H5Tclose($0) })
    }
}

/// A read-only view of an HDF5 file: typed dataset and attribute reads, hyperslabs, group listings.
///
/// Internal: C types stop here. Every method throws `HDF5Failure` instead of crashing on bad files.
final class HDF5File {
    let path: String
    let handle: HDF5Handle

    /// Opens `path` read-only.
    init(readingAt path: String) throws {
        symedge_h5_quiet()
        _ = HDF5Library.libdeflateDecoderInstalled
        self.path = path
        let id = H5Fopen(path, symedge_h5f_acc_rdonly(), symedge_h5p_default())
        self.handle = try HDF5Handle(id, path: path, what: "H5Fopen failed", closer: { H5Fclose($0) })
    }

    var id: hid_t { handle.id }

    // MARK: structure

    /// Whether every component of an absolute path exists as a link.
    func exists(_ objectPath: String) -> Bool {
        var prefix = ""
        for part in objectPath.split(separator: "/") where !part.isEmpty {
            prefix += "/" + part
            if H5Lexists(id, prefix, symedge_h5p_default()) <= 0 { return false }
        }
        if prefix.isEmpty { return true }
        // The final link may be dangling (external / soft); require the object to open.
        let oid = H5Oopen(id, prefix, symedge_h5p_default())
        if oid < 0 { return false }
        H5Oclose(oid)
        return true
    }

    func isGroup(_ objectPath: String) -> Bool { objectType(objectPath) == H5I_GROUP }
    func isDataset(_ objectPath: String) -> Bool { objectType(objectPath) == H5I_DATASET }

    private func objectType(_ objectPath: String) -> H5I_type_t? {
        guard exists(objectPath) else { return nil }
        let oid = H5Oopen(id, objectPath, symedge_h5p_default())
        if oid < 0 { return nil }
        defer { H5Oclose(oid) }
        return H5Iget_type(oid)
    }

    /// Names of the links in a group, in name order.
    func members(_ groupPath: String) throws -> [String] {
        let gid = H5Gopen2(id, groupPath, symedge_h5p_default())
        let group = try HDF5Handle(gid, path: groupPath, what: "cannot open group", closer: { H5Gclose($0) })
        var info = H5G_info_t()
        guard H5Gget_info(group.id, &info) >= 0 else { throw HDF5Failure(path: groupPath, what: "H5Gget_info failed") }
        var names: [String] = []
        for i in 0..<info.nlinks {
            let n = H5Lget_name_by_idx(group.id, ".", H5_INDEX_NAME, H5_ITER_INC, i, nil, 0, symedge_h5p_default())
            guard n >= 0 else { throw HDF5Failure(path: groupPath, what: "cannot read link name \(i)") }
            var buf = [CChar](repeating: 0, count: Int(n) + 1)
            _ = H5Lget_name_by_idx(group.id, ".", H5_INDEX_NAME, H5_ITER_INC, i, &buf, buf.count, symedge_h5p_default())
            names.append(String(decoding: buf.prefix(Int(n)).map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return names
    }

    // MARK: datasets

    func openDataset(_ p: String) throws -> HDF5Handle {
        try HDF5Handle(H5Dopen2(id, p, symedge_h5p_default()), path: p, what: "cannot open dataset",
                       closer: { H5Dclose($0) })
    }

    /// Dimensions of a dataset (empty for a scalar).
    func shape(_ p: String) throws -> [Int] {
        let ds = try openDataset(p)
        return try Self.dims(of: ds.id, path: p)
    }

    static func dims(of datasetID: hid_t, path: String) throws -> [Int] {
        let space = try HDF5Handle.space(H5Dget_space(datasetID), path: path)
        return try spaceDims(space.id, path: path)
    }

    static func spaceDims(_ spaceID: hid_t, path: String) throws -> [Int] {
        let rank = H5Sget_simple_extent_ndims(spaceID)
        guard rank >= 0 else { throw HDF5Failure(path: path, what: "bad dataspace") }
        if rank == 0 { return [] }
        var d = [hsize_t](repeating: 0, count: Int(rank))
        guard H5Sget_simple_extent_dims(spaceID, &d, nil) >= 0 else { throw HDF5Failure(path: path, what: "bad dataspace") }
        return d.map { Int($0) }
    }

    func kind(_ p: String) throws -> HDF5ValueKind {
        let ds = try openDataset(p)
        let t = try HDF5Handle.type(H5Dget_type(ds.id), path: p)
        return Self.kind(ofType: t.id)
    }

    static func kind(ofType t: hid_t) -> HDF5ValueKind {
        switch H5Tget_class(t) {
        case H5T_FLOAT: return .float
        case H5T_INTEGER: return .integer
        case H5T_STRING: return .string
        case H5T_ENUM: return .enumeration
        case H5T_REFERENCE: return .reference
        case H5T_COMPOUND: return .compound
        default: return .other
        }
    }

    /// Reads a whole numeric dataset, converted by HDF5 to `memType` (e.g. native double or uint64).
    func readAll<T>(_ p: String, as _: T.Type, memType: hid_t) throws -> [T] {
        let ds = try openDataset(p)
        let n = try Self.dims(of: ds.id, path: p).reduce(1, *)
        if n == 0 { return [] }
        let ft = try HDF5Handle.type(H5Dget_type(ds.id), path: p)
        if H5Tget_class(ft.id) == H5T_ENUM {
            // HDF5 does not convert enums to numbers; read the base integers and convert in Swift.
            let ints = try readEnumAsInt64(ds.id, fileType: ft.id, count: n, path: p)
            return try ints.map { v -> T in
                if T.self == Double.self { return Double(v) as! T }
                if T.self == Int64.self { return v as! T }
                if T.self == UInt64.self { return UInt64(bitPattern: v) as! T }
                throw HDF5Failure(path: p, what: "unsupported enum conversion")
            }
        }
        let out = try [T](unsafeUninitializedCapacity: n) { buf, count in
            let status = H5Dread(ds.id, memType, symedge_h5s_all(), symedge_h5s_all(), symedge_h5p_default(),
                                 buf.baseAddress)
            guard status >= 0 else { throw HDF5Failure(path: p, what: "H5Dread failed (corrupt or truncated data?)") }
            count = n
        }
        return out
    }

    private func readEnumAsInt64(_ dsID: hid_t, fileType: hid_t, count n: Int, path p: String) throws -> [Int64] {
        let base = try HDF5Handle.type(H5Tget_super(fileType), path: p)
        let size = H5Tget_size(base.id)
        let signed = H5Tget_sign(base.id) == H5T_SGN_2
        let native = try HDF5Handle.type(H5Tget_native_type(fileType, H5T_DIR_ASCEND), path: p)
        var bytes = [UInt8](repeating: 0, count: n * size)
        let st = bytes.withUnsafeMutableBytes {
            H5Dread(dsID, native.id, symedge_h5s_all(), symedge_h5s_all(), symedge_h5p_default(), $0.baseAddress)
        }
        guard st >= 0 else { throw HDF5Failure(path: p, what: "H5Dread failed for enum data") }
        return (0..<n).map { i in
            var v: Int64 = 0
            for b in 0..<size { v |= Int64(bytes[i * size + b]) << (8 * Int64(b)) }
            if signed && size < 8 && (v >> (8 * Int64(size) - 1)) & 1 == 1 { v -= Int64(1) << (8 * Int64(size)) }
            return v
        }
    }

    func readDoubles(_ p: String) throws -> [Double] { try readAll(p, as: Double.self, memType: symedge_h5t_native_double()) }
    func readInt64s(_ p: String) throws -> [Int64] { try readAll(p, as: Int64.self, memType: symedge_h5t_native_int64()) }
    func readUInt64s(_ p: String) throws -> [UInt64] { try readAll(p, as: UInt64.self, memType: symedge_h5t_native_uint64()) }

    /// Reads a block of rows `[rows.lowerBound, rows.upperBound)` of a 1-D or 2-D dataset as doubles, row-major,
    /// through a hyperslab selection (only those rows are read and decompressed). gzip float signals chunked by
    /// rows take `readRowsInflatingInParallel` (the same values, inflated on all cores).
    func readRows(_ p: String, rows: Range<Int>) throws -> [Double] {
        let ds = try openDataset(p)
        let dims = try Self.dims(of: ds.id, path: p)
        guard !dims.isEmpty else { throw HDF5Failure(path: p, what: "scalar dataset has no rows") }
        guard rows.lowerBound >= 0, rows.upperBound <= dims[0] else {
            throw HDF5Failure(path: p, what: "rows \(rows) outside 0..<\(dims[0])")
        }
        if let direct = try readRowsInflatingInParallel(p, rows: rows) { return direct }
        let cols = dims.dropFirst().reduce(1, *)
        let n = rows.count * cols
        if n == 0 { return [] }
        let fileSpace = try HDF5Handle.space(H5Dget_space(ds.id), path: p)
        var start = [hsize_t](repeating: 0, count: dims.count)
        var count = dims.map { hsize_t($0) }
        start[0] = hsize_t(rows.lowerBound)
        count[0] = hsize_t(rows.count)
        guard H5Sselect_hyperslab(fileSpace.id, H5S_SELECT_SET, start, nil, count, nil) >= 0 else {
            throw HDF5Failure(path: p, what: "hyperslab selection failed")
        }
        let memSpace = try HDF5Handle.space(H5Screate_simple(Int32(dims.count), count, nil), path: p)
        return try [Double](unsafeUninitializedCapacity: n) { buf, c in
            let st = H5Dread(ds.id, symedge_h5t_native_double(), memSpace.id, fileSpace.id, symedge_h5p_default(),
                             buf.baseAddress)
            guard st >= 0 else { throw HDF5Failure(path: p, what: "H5Dread of rows \(rows) failed") }
            c = n
        }
    }

    /// Reads a string dataset (variable- or fixed-length, ASCII or UTF-8), flattened.
    func readStrings(_ p: String) throws -> [String] {
        let ds = try openDataset(p)
        let n = try Self.dims(of: ds.id, path: p).reduce(1, *)
        let ft = try HDF5Handle.type(H5Dget_type(ds.id), path: p)
        guard H5Tget_class(ft.id) == H5T_STRING else { throw HDF5Failure(path: p, what: "not a string dataset") }
        return try Self.readStringValues(count: n, fileType: ft.id, path: p) { mem, buf in
            H5Dread(ds.id, mem, symedge_h5s_all(), symedge_h5s_all(), symedge_h5p_default(), buf)
        }
    }

    /// Shared by datasets and attributes: `read(memType, buffer)` performs the H5Dread/H5Aread.
    static func readStringValues(count n: Int, fileType: hid_t, path p: String,
                                 read: (hid_t, UnsafeMutableRawPointer?) -> herr_t) throws -> [String] {
        if n == 0 { return [] }
        let mem = try HDF5Handle.type(H5Tcopy(symedge_h5t_c_s1()), path: p)
        H5Tset_cset(mem.id, H5Tget_cset(fileType))
        if H5Tis_variable_str(fileType) > 0 {
            H5Tset_size(mem.id, symedge_h5t_variable())
            var ptrs = [UnsafeMutablePointer<CChar>?](repeating: nil, count: n)
            let st = ptrs.withUnsafeMutableBytes { read(mem.id, $0.baseAddress) }
            guard st >= 0 else { throw HDF5Failure(path: p, what: "cannot read strings") }
            defer { for q in ptrs where q != nil { H5free_memory(q) } }
            return ptrs.map { $0.map { String(cString: $0) } ?? "" }
        }
        let size = H5Tget_size(fileType)
        guard size > 0 else { return [String](repeating: "", count: n) }
        H5Tset_size(mem.id, size)
        H5Tset_strpad(mem.id, H5T_STR_NULLPAD)
        var bytes = [UInt8](repeating: 0, count: n * size)
        let st = bytes.withUnsafeMutableBytes { read(mem.id, $0.baseAddress) }
        guard st >= 0 else { throw HDF5Failure(path: p, what: "cannot read fixed-length strings") }
        return (0..<n).map { i in
            let slice = bytes[(i * size)..<((i + 1) * size)]
            let trimmed = slice.prefix { $0 != 0 }
            return String(decoding: trimmed, as: UTF8.self).trimmingTrailingSpaces()
        }
    }

    // MARK: attributes

    func hasAttribute(_ objectPath: String, _ name: String) -> Bool {
        H5Aexists_by_name(id, objectPath, name, symedge_h5p_default()) > 0
    }

    private func openAttribute(_ objectPath: String, _ name: String) throws -> HDF5Handle {
        try HDF5Handle(H5Aopen_by_name(id, objectPath, name, symedge_h5p_default(), symedge_h5p_default()),
                       path: "\(objectPath)@\(name)", what: "cannot open attribute", closer: { H5Aclose($0) })
    }

    /// String attribute values (scalar → one element; arrays flattened). Nil when absent or not text.
    func stringAttribute(_ objectPath: String, _ name: String) -> [String]? {
        guard hasAttribute(objectPath, name), let a = try? openAttribute(objectPath, name) else { return nil }
        let p = "\(objectPath)@\(name)"
        guard let t = try? HDF5Handle.type(H5Aget_type(a.id), path: p), H5Tget_class(t.id) == H5T_STRING,
              let space = try? HDF5Handle.space(H5Aget_space(a.id), path: p),
              let dims = try? Self.spaceDims(space.id, path: p) else { return nil }
        let n = dims.reduce(1, *)
        return try? Self.readStringValues(count: n, fileType: t.id, path: p) { mem, buf in H5Aread(a.id, mem, buf) }
    }

    /// First numeric value of an attribute (converted to double), nil when absent or not numeric.
    func doubleAttribute(_ objectPath: String, _ name: String) -> Double? {
        guard hasAttribute(objectPath, name), let a = try? openAttribute(objectPath, name) else { return nil }
        let p = "\(objectPath)@\(name)"
        guard let t = try? HDF5Handle.type(H5Aget_type(a.id), path: p),
              [H5T_FLOAT, H5T_INTEGER].contains(H5Tget_class(t.id)),
              let space = try? HDF5Handle.space(H5Aget_space(a.id), path: p),
              let dims = try? Self.spaceDims(space.id, path: p) else { return nil }
        let n = max(1, dims.reduce(1, *))
        var v = [Double](repeating: 0, count: n)
        guard H5Aread(a.id, symedge_h5t_native_double(), &v) >= 0 else { return nil }
        return v.first
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = Substring(self)
        while let last = s.last, last == " " { s = s.dropLast() }
        return String(s)
    }
}
