import CHDF5

/// Why a zlib stream (one gzip-filtered HDF5 chunk) could not be inflated.
enum InflateFailure: Error, Equatable, CustomStringConvertible {
    /// The stream is not valid zlib data (bad header, bad Huffman codes, Adler-32 mismatch, truncated).
    case corrupt
    /// The stream inflates to a different number of bytes than the chunk must hold.
    case wrongSize(expected: Int, got: Int?)
    /// The decompressor could not be allocated.
    case outOfMemory

    var description: String {
        switch self {
        case .corrupt: return "the deflate stream is corrupt or truncated"
        case let .wrongSize(expected, got):
            return "the deflate stream inflates to \(got.map { "\($0)" } ?? "more than \(expected)") bytes, not \(expected)"
        case .outOfMemory: return "out of memory for the decompressor"
        }
    }
}

/// A zlib-format (RFC 1950, HDF5's deflate filter) decompressor: libdeflate's whole-buffer inflater, or zlib's
/// `uncompress` as the oracle. Not thread-safe: use one per thread. Both give the same bytes for a valid stream.
final class ZlibInflater {
    /// Which inflater runs.
    enum Engine: Sendable { case libdeflate, zlib }

    let engine: Engine
    private let decompressor: OpaquePointer?

    init(engine: Engine = .libdeflate) throws(InflateFailure) {
        self.engine = engine
        if engine == .libdeflate {
            guard let d = libdeflate_alloc_decompressor() else { throw .outOfMemory }
            decompressor = d
        } else {
            decompressor = nil
        }
    }

    deinit { if let d = decompressor { libdeflate_free_decompressor(d) } }

    /// Inflates the zlib stream `source` into `destination`, which it must fill exactly (an HDF5 chunk's size).
    /// Bytes after the stream's Adler-32 trailer are ignored, as HDF5's own filter does.
    func inflate(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer) throws(InflateFailure) {
        let expected = destination.count
        guard let src = source.baseAddress, let dst = destination.baseAddress else {
            if expected == 0 { return }
            throw .corrupt
        }
        switch engine {
        case .libdeflate:
            var got = 0
            let r = libdeflate_zlib_decompress(decompressor, src, source.count, dst, expected, &got)
            switch r {
            case LIBDEFLATE_SUCCESS:
                guard got == expected else { throw .wrongSize(expected: expected, got: got) }
            case LIBDEFLATE_INSUFFICIENT_SPACE: throw .wrongSize(expected: expected, got: nil)
            default: throw .corrupt
            }
        case .zlib:
            var destLen = uLongf(expected)
            let z = uncompress(dst.assumingMemoryBound(to: Bytef.self), &destLen,
                               src.assumingMemoryBound(to: Bytef.self), uLong(source.count))
            switch z {
            case Z_OK:
                guard Int(destLen) == expected else { throw .wrongSize(expected: expected, got: Int(destLen)) }
            case Z_BUF_ERROR where Int(destLen) == expected:
                // The output is full: a longer stream, or one cut short after its last byte. One byte more decides.
                var probe = [UInt8](repeating: 0, count: expected + 1)
                var probeLen = uLongf(expected + 1)
                let again = uncompress(&probe, &probeLen, src.assumingMemoryBound(to: Bytef.self), uLong(source.count))
                throw again == Z_BUF_ERROR || again == Z_OK ? .wrongSize(expected: expected, got: nil) : .corrupt
            case Z_MEM_ERROR: throw .outOfMemory
            default: throw .corrupt
            }
        }
    }
}
