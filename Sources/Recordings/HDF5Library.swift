import CHDF5

/// The linked HDF5 C library.
public enum HDF5Library {
    /// Version string, e.g. "1.10.8".
    public static var version: String {
        var major: UInt32 = 0, minor: UInt32 = 0, release: UInt32 = 0
        symedge_h5_version(&major, &minor, &release)
        return "\(major).\(minor).\(release)"
    }

    /// Whether libdeflate is HDF5's deflate (gzip) decoder in this process: installed once, when the first file is
    /// opened (`HDF5File.init`, `HDF5Writer.init`), so every `H5Dread` of a gzip dataset (signals, indices, small
    /// datasets) inflates with libdeflate instead of zlib; the same bytes out. Writing keeps HDF5's zlib encoder.
    /// False only if HDF5 refused the registration (reads then use zlib, still correct).
    static let libdeflateDecoderInstalled: Bool = symedge_h5z_deflate_use_libdeflate() >= 0

    /// Sets HDF5's deflate decoder for this process: `.zlib` restores HDF5's own filter. For the oracle tests only
    /// (they restore `.libdeflate` afterwards); returns whether HDF5 accepted it.
    @discardableResult
    static func useDeflateDecoder(_ engine: ZlibInflater.Engine) -> Bool {
        _ = libdeflateDecoderInstalled
        switch engine {
        case .libdeflate: return symedge_h5z_deflate_use_libdeflate() >= 0
        case .zlib: return symedge_h5z_deflate_use_zlib() >= 0
        }
    }
}
