import CHDF5
import Foundation

/// The filter pipeline of a chunked dataset that the raw-chunk readers can inflate themselves: deflate (gzip),
/// optionally preceded by HDF5's byte shuffle, and nothing else. Positions are filter indices in the pipeline;
/// a chunk's filter mask has bit `i` set when filter `i` was skipped for that chunk.
struct DeflatePipeline: Equatable, Sendable {
    /// Index of the shuffle filter, if the pipeline has one before deflate.
    var shuffleIndex: Int?
    /// Index of the deflate filter.
    var deflateIndex: Int

    /// Reads the pipeline of a dataset creation property list; nil when it has no deflate filter or any filter
    /// other than shuffle-then-deflate (the caller then falls back to `H5Dread`).
    init?(creationPropertyList dcpl: hid_t) {
        var shuffle: Int?, deflate: Int?
        let nf = H5Pget_nfilters(dcpl)
        for i in 0..<max(0, Int(nf)) {
            var flags: UInt32 = 0, nelmts = 8, config: UInt32 = 0
            var values = [UInt32](repeating: 0, count: 8)
            let id = H5Pget_filter2(dcpl, UInt32(i), &flags, &nelmts, &values, 0, nil, &config)
            if id == H5Z_FILTER_SHUFFLE && deflate == nil { shuffle = i }
            else if id == H5Z_FILTER_DEFLATE { deflate = i }
            else { return nil }
        }
        guard let deflate else { return nil }
        shuffleIndex = shuffle
        deflateIndex = deflate
    }

    /// Whether a chunk with filter mask `mask` was deflated when written.
    func isDeflated(mask: UInt32) -> Bool { mask & (1 << UInt32(deflateIndex)) == 0 }
    /// Whether a chunk with filter mask `mask` was byte-shuffled when written.
    func isShuffled(mask: UInt32) -> Bool { shuffleIndex.map { mask & (1 << UInt32($0)) == 0 } ?? false }
}

/// The first error raised on any of a parallel reader's worker threads, collected under a lock.
final class WorkerFailureBox: @unchecked Sendable {
    private let lock = NSLock()
    private var first: HDF5Failure?
    func record(_ f: HDF5Failure) { lock.lock(); if first == nil { first = f }; lock.unlock() }
    var failure: HDF5Failure? { lock.lock(); defer { lock.unlock() }; return first }
}

/// One worker's decoder of a raw-chunk reader: inflates a chunk as stored (or takes its bytes when the deflate
/// filter was skipped) and undoes HDF5's byte shuffle, with its own inflater and buffers kept across chunks.
struct ChunkDecoder {
    /// Why a chunk could not be decoded; the reader names the chunk in its message.
    enum Failure: Error {
        /// The deflate stream is bad or does not give `chunkBytes` bytes.
        case inflate(InflateFailure)
        /// An unfiltered chunk whose stored size is not `chunkBytes`.
        case rawSize
    }

    let pipeline: DeflatePipeline
    let inflater: ZlibInflater
    /// Bytes of one decoded chunk, and of one element (the shuffle's plane count).
    let chunkBytes: Int, elementSize: Int
    private var plain: [UInt8], staged: [UInt8]

    init(pipeline: DeflatePipeline, engine: ZlibInflater.Engine, chunkBytes: Int, elementSize: Int)
        throws(InflateFailure) {
        self.pipeline = pipeline
        inflater = try ZlibInflater(engine: engine)
        self.chunkBytes = chunkBytes; self.elementSize = elementSize
        plain = [UInt8](repeating: 0, count: chunkBytes)
        staged = [UInt8](repeating: 0, count: pipeline.shuffleIndex == nil ? 0 : chunkBytes)
    }

    /// Decodes `stored` (a chunk as `H5Dread_chunk` returns it, with filter mask `mask`) and calls `body` with the
    /// chunk's `chunkBytes` plain bytes.
    mutating func decode<R>(_ stored: UnsafeRawBufferPointer, mask: UInt32,
                            _ body: (UnsafeRawBufferPointer) -> R) throws(Failure) -> R {
        // 1. inflate (or take the raw bytes) into `plain`
        if pipeline.isDeflated(mask: mask) {
            let inflater = self.inflater
            let outcome: Result<Void, InflateFailure> = plain.withUnsafeMutableBytes { d in
                do throws(InflateFailure) { try inflater.inflate(stored, into: d); return .success(()) } catch {
                    return .failure(error)
                }
            }
            if case let .failure(f) = outcome { throw .inflate(f) }
        } else {
            guard stored.count == chunkBytes else { throw .rawSize }
            plain.withUnsafeMutableBytes { d in d.copyMemory(from: stored) }
        }
        // 2. undo the byte shuffle: plain[b * count + e] → staged[e * size + b]
        if pipeline.isShuffled(mask: mask) {
            let count = chunkBytes / elementSize, size = elementSize
            plain.withUnsafeBytes { src in
                staged.withUnsafeMutableBytes { dst in
                    for b in 0..<size {
                        let plane = src.baseAddress! + b * count
                        for e in 0..<count { dst[e * size + b] = plane.load(fromByteOffset: e, as: UInt8.self) }
                    }
                }
            }
            swap(&plain, &staged)
        }
        return plain.withUnsafeBytes(body)
    }
}
