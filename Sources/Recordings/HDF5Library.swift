import CHDF5

/// The linked HDF5 C library.
public enum HDF5Library {
    /// Version string, e.g. "1.10.8".
    public static var version: String {
        var major: UInt32 = 0, minor: UInt32 = 0, release: UInt32 = 0
        symedge_h5_version(&major, &minor, &release)
        return "\(major).\(minor).\(release)"
    }
}
