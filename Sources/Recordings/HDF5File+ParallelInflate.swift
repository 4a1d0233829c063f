import CHDF5
import Foundation

extension HDF5File {
    /// Reads a large 1-D float64 dataset stored in gzip (deflate, optionally byte-shuffled) chunks, inflating
    /// the chunks on all cores: raw chunks come from `H5Dread_chunk` (serialised by HDF5's lock), and libdeflate
    /// (one decompressor per thread; `engine: .zlib` for zlib, the oracle in tests) inflates them in parallel
    /// straight into the result. Returns nil when the dataset does not qualify (contiguous, other filters or
    /// types, fewer than `minimumChunks` chunks); the caller then uses `H5Dread`.
    ///
    /// HDF5 decompresses on one thread only, which caps a plain `H5Dread` at one core's inflate speed.
    /// - Throws: `HDF5Failure` naming the dataset, the chunk and its element range when a chunk is missing,
    ///   unreadable, corrupt or inflates to the wrong size.
    func readDoublesInflatingInParallel(_ p: String, minimumChunks: Int = 8,
                                        engine: ZlibInflater.Engine = .libdeflate) throws -> [Double]? {
        let ds = try openDataset(p)
        let dims = try Self.dims(of: ds.id, path: p)
        guard dims.count == 1 else { return nil }
        let n = dims[0]
        let ft = try HDF5Handle.type(H5Dget_type(ds.id), path: p)
        guard H5Tequal(ft.id, symedge_h5t_ieee_f64le()) > 0 else { return nil }
        let dcpl = try HDF5Handle(H5Dget_create_plist(ds.id), path: p, what: "H5Dget_create_plist", closer: { H5Pclose($0) })
        guard H5Pget_layout(dcpl.id) == H5D_CHUNKED else { return nil }
        var chunkDim: hsize_t = 0
        guard H5Pget_chunk(dcpl.id, 1, &chunkDim) == 1, chunkDim > 0 else { return nil }
        let chunkLen = Int(chunkDim)

        // Filter pipeline: optional shuffle, then deflate; anything else → fall back.
        guard let pipeline = DeflatePipeline(creationPropertyList: dcpl.id) else { return nil }

        let space = try HDF5Handle.space(H5Dget_space(ds.id), path: p)
        var count: hsize_t = 0
        guard H5Dget_num_chunks(ds.id, space.id, &count) >= 0 else { return nil }
        let chunks = Int(count)
        guard chunks >= minimumChunks else { return nil }
        // Every element must be covered by a stored chunk (missing chunks hold the fill value: fall back).
        // Chunks are looked up by coordinate (O(log n)); H5Dget_chunk_info by index is O(n) per call in 1.10.
        guard chunks == (n + chunkLen - 1) / chunkLen else { return nil }
        let offsets = (0..<chunks).map { $0 * chunkLen }

        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, chunks))
        let chunkOffsets = offsets
        let failures = WorkerFailureBox()
        let dsID = ds.id
        let chunkBytes = chunkLen * 8
        let result = try [Double](unsafeUninitializedCapacity: n) { buffer, initialized in
            nonisolated(unsafe) let out = UnsafeMutableRawPointer(buffer.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                var decoder: ChunkDecoder
                do { decoder = try ChunkDecoder(pipeline: pipeline, engine: engine, chunkBytes: chunkBytes,
                                                elementSize: 8) } catch {
                    failures.record(HDF5Failure(path: p, what: "cannot inflate: \(error)")); return
                }
                var raw = [UInt8](repeating: 0, count: chunkBytes + 1024)
                var i = w
                while i < chunks, failures.failure == nil {
                    defer { i += workers }
                    var off = hsize_t(chunkOffsets[i])
                    var mask: UInt32 = 0
                    var addr: haddr_t = 0, stored: hsize_t = 0
                    guard H5Dget_chunk_info_by_coord(dsID, &off, &mask, &addr, &stored) >= 0, stored > 0 else {
                        failures.record(HDF5Failure(path: p, what: "chunk \(i) is missing or unreadable")); return
                    }
                    let storedBytes = Int(stored)
                    if raw.count < storedBytes { raw = [UInt8](repeating: 0, count: storedBytes) }
                    let status = raw.withUnsafeMutableBytes { H5Dread_chunk(dsID, symedge_h5p_default(), &off, &mask, $0.baseAddress) }
                    guard status >= 0 else { failures.record(HDF5Failure(path: p, what: "cannot read raw chunk \(i)")); return }
                    let first = chunkOffsets[i], valid = min(chunkLen, n - first)
                    let failure: ChunkDecoder.Failure? = raw.withUnsafeBytes { r in
                        do throws(ChunkDecoder.Failure) {
                            let bytes = UnsafeRawBufferPointer(rebasing: r[0..<storedBytes])
                            // A whole chunk without shuffle inflates straight into the result (no copy through
                            // the decoder's buffer).
                            if pipeline.isDeflated(mask: mask), !pipeline.isShuffled(mask: mask), valid == chunkLen {
                                do throws(InflateFailure) {
                                    try decoder.inflater.inflate(bytes, into: UnsafeMutableRawBufferPointer(
                                        start: out + first * 8, count: chunkBytes))
                                } catch { throw .inflate(error) }
                                return nil
                            }
                            // Otherwise decode, then copy the valid part (the last chunk may extend past n).
                            try decoder.decode(bytes, mask: mask) { s in
                                (out + first * 8).copyMemory(from: s.baseAddress!, byteCount: valid * 8)
                            }
                            return nil
                        } catch { return error }
                    }
                    switch failure {
                    case nil: break
                    case let .inflate(f)?:
                        failures.record(HDF5Failure(path: p, what: "gzip chunk \(i) of \(chunks) (elements \(first)..<"
                                                    + "\(min(n, first + chunkLen)), \(storedBytes) bytes stored): \(f)"))
                        return
                    case .rawSize?: failures.record(HDF5Failure(path: p, what: "bad raw chunk \(i) size")); return
                    }
                }
            }
            if let f = failures.failure { throw f }
            initialized = n
        }
        return result
    }
}

extension HDF5File {
    /// Reads a contiguous (unchunked, unfiltered) 1-D little-endian float64 dataset with plain `pread` calls
    /// straight into the result, on two threads; nil when the dataset does not qualify (the caller then uses
    /// `H5Dread`, which in HDF5 1.10 goes through an extra copy).
    func readDoublesContiguousDirect(_ p: String, minimumCount: Int = 1 << 20) throws -> [Double]? {
        let ds = try openDataset(p)
        let dims = try Self.dims(of: ds.id, path: p)
        guard dims.count == 1, dims[0] >= minimumCount else { return nil }
        let n = dims[0]
        let ft = try HDF5Handle.type(H5Dget_type(ds.id), path: p)
        guard H5Tequal(ft.id, symedge_h5t_ieee_f64le()) > 0 else { return nil }
        let dcpl = try HDF5Handle(H5Dget_create_plist(ds.id), path: p, what: "H5Dget_create_plist", closer: { H5Pclose($0) })
        guard H5Pget_layout(dcpl.id) == H5D_CONTIGUOUS, H5Pget_external_count(dcpl.id) == 0 else { return nil }
        let offset = H5Dget_offset(ds.id)   // absolute file offset (includes any user block)
        guard offset != haddr_t.max, H5Dget_storage_size(ds.id) == hsize_t(n * 8) else { return nil }
        let fd = open(self.path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        let failures = WorkerFailureBox()
        let total = n * 8
        let result = try [Double](unsafeUninitializedCapacity: n) { buffer, initialized in
            nonisolated(unsafe) let out = UnsafeMutableRawPointer(buffer.baseAddress!)
            let parts = 2, step = (total + parts - 1) / parts
            DispatchQueue.concurrentPerform(iterations: parts) { k in
                var pos = k * step
                let end = min(total, pos + step)
                while pos < end {
                    let got = pread(fd, out + pos, min(end - pos, 1 << 26), off_t(Int(offset) + pos))
                    if got <= 0 { failures.record(HDF5Failure(path: p, what: "short read at byte \(pos) (truncated file?)")); return }
                    pos += got
                }
            }
            if let f = failures.failure { throw f }
            initialized = n
        }
        return result
    }
}
