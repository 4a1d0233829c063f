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
