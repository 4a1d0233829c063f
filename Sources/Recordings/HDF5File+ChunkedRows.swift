import CHDF5
import Foundation

extension HDF5File {
    /// Reads rows `rows` of a 1-D or 2-D little-endian float32/float64 dataset stored in gzip (deflate, optionally
    /// byte-shuffled) chunks that span every column (a signal's `(samples, channels)` chunked by samples only, as
    /// our writer and the demo data store it), as doubles, row-major: the chunks the rows touch come raw from
    /// `H5Dread_chunk`, libdeflate inflates them on all cores (one decompressor per thread), and the rows are
    /// converted (`Double(Float)`, exact, as HDF5's own conversion) straight into the result. The same values as
    /// `H5Dread` through a hyperslab, without HDF5's one-thread inflate, type-conversion buffer and scatter.
    ///
    /// Returns nil when the dataset does not qualify (contiguous, other filters, types or chunk shapes, a chunk
    /// missing, fewer than `minimumChunks` chunks touched); the caller then uses `H5Dread`.
    /// - Throws: `HDF5Failure` naming the dataset, the chunk and its rows when a chunk is unreadable or corrupt.
    func readRowsInflatingInParallel(_ p: String, rows: Range<Int>, minimumChunks: Int = 2,
                                     engine: ZlibInflater.Engine = .libdeflate) throws -> [Double]? {
        let ds = try openDataset(p)
        let dims = try Self.dims(of: ds.id, path: p)
        guard dims.count == 1 || dims.count == 2, rows.lowerBound >= 0, rows.upperBound <= dims[0],
              !rows.isEmpty else { return nil }
        let cols = dims.count == 2 ? dims[1] : 1
        guard cols > 0, UInt16(1).littleEndian == 1 else { return nil }   // raw chunk bytes are read as host floats
        let ft = try HDF5Handle.type(H5Dget_type(ds.id), path: p)
        let elementSize: Int
        if H5Tequal(ft.id, symedge_h5t_ieee_f32le()) > 0 { elementSize = 4 }
        else if H5Tequal(ft.id, symedge_h5t_ieee_f64le()) > 0 { elementSize = 8 }
        else { return nil }
        let dcpl = try HDF5Handle(H5Dget_create_plist(ds.id), path: p, what: "H5Dget_create_plist", closer: { H5Pclose($0) })
        guard H5Pget_layout(dcpl.id) == H5D_CHUNKED else { return nil }
        var chunkDims = [hsize_t](repeating: 0, count: dims.count)
        guard H5Pget_chunk(dcpl.id, Int32(dims.count), &chunkDims) == Int32(dims.count), chunkDims[0] > 0 else { return nil }
        if dims.count == 2 { guard Int(chunkDims[1]) == cols else { return nil } }
        let chunkRows = Int(chunkDims[0])

        // Filter pipeline: optional shuffle, then deflate; anything else → fall back.
        guard let pipeline = DeflatePipeline(creationPropertyList: dcpl.id) else { return nil }

        let firstChunk = rows.lowerBound / chunkRows, lastChunk = (rows.upperBound - 1) / chunkRows
        let chunks = lastChunk - firstChunk + 1
        guard chunks >= minimumChunks else { return nil }
        // Every chunk touched must be stored (a missing chunk holds the fill value: fall back).
        var stored = [Int](repeating: 0, count: chunks)
        for k in 0..<chunks {
            var off = [hsize_t((firstChunk + k) * chunkRows), 0]
            var mask: UInt32 = 0, addr: haddr_t = 0, size: hsize_t = 0
            guard H5Dget_chunk_info_by_coord(ds.id, &off, &mask, &addr, &size) >= 0, size > 0,
                  addr != haddr_t.max else { return nil }
            stored[k] = Int(size)
        }

        let n = rows.count * cols
        let chunkBytes = chunkRows * cols * elementSize
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, chunks))
        let failures = WorkerFailureBox()
        let dsID = ds.id, storedSizes = stored
        let result = try [Double](unsafeUninitializedCapacity: n) { buffer, initialized in
            nonisolated(unsafe) let out = buffer.baseAddress!
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                var decoder: ChunkDecoder
                do { decoder = try ChunkDecoder(pipeline: pipeline, engine: engine, chunkBytes: chunkBytes,
                                                elementSize: elementSize) } catch {
                    failures.record(HDF5Failure(path: p, what: "cannot inflate: \(error)")); return
                }
                var raw = [UInt8](repeating: 0, count: chunkBytes + 1024)
                var k = w
                while k < chunks, failures.failure == nil {
                    defer { k += workers }
                    let chunk = firstChunk + k, chunkStart = chunk * chunkRows
                    let what = "gzip chunk \(chunk) (rows \(chunkStart)..<\(min(dims[0], chunkStart + chunkRows)), "
                        + "\(storedSizes[k]) bytes stored)"
                    var off = [hsize_t(chunkStart), 0]
                    var mask: UInt32 = 0
                    if raw.count < storedSizes[k] { raw = [UInt8](repeating: 0, count: storedSizes[k]) }
                    let status = raw.withUnsafeMutableBytes { r in
                        off.withUnsafeMutableBufferPointer { o in
                            H5Dread_chunk(dsID, symedge_h5p_default(), o.baseAddress, &mask, r.baseAddress)
                        }
                    }
                    guard status >= 0 else { failures.record(HDF5Failure(path: p, what: "cannot read raw \(what)")); return }
                    // 1. decode (inflate, unshuffle); 2. convert the rows of this chunk inside `rows` into the result
                    let lo = max(rows.lowerBound, chunkStart), hi = min(rows.upperBound, chunkStart + chunkRows)
                    let count = (hi - lo) * cols
                    let dst = out + (lo - rows.lowerBound) * cols
                    let failure: ChunkDecoder.Failure? = raw.withUnsafeBytes { r in
                        do throws(ChunkDecoder.Failure) {
                            try decoder.decode(UnsafeRawBufferPointer(rebasing: r[0..<storedSizes[k]]), mask: mask) { src in
                                let from = src.baseAddress! + (lo - chunkStart) * cols * elementSize
                                if elementSize == 4 {
                                    let f = from.assumingMemoryBound(to: Float.self)
                                    for i in 0..<count { (dst + i).initialize(to: Double(f[i])) }
                                } else {
                                    (UnsafeMutableRawPointer(dst)).copyMemory(from: from, byteCount: count * 8)
                                }
                            }
                            return nil
                        } catch { return error }
                    }
                    switch failure {
                    case nil: break
                    case let .inflate(f)?: failures.record(HDF5Failure(path: p, what: "\(what): \(f)")); return
                    case .rawSize?: failures.record(HDF5Failure(path: p, what: "bad raw size of \(what)")); return
                    }
                }
            }
            if let f = failures.failure { throw f }
            initialized = n
        }
        return result
    }
}
