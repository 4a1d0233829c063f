import CMPI
#if canImport(Glibc)
import Glibc
#endif

/// Process-wide MPI lifetime: initialise once, finalise at exit.
///
/// MPI can be initialised only once per process. `initialize` is idempotent: a second call
/// returns the same world. `MPI_Finalize` is registered with `atexit`, so a normal exit
/// (including `exit(code)`) finalises MPI and `mpirun` sees a clean termination.
public enum MPIEnvironment {
    /// Initialises MPI (if not yet) with at least `threadLevel` requested and returns the world.
    /// Works without `mpirun`: the process becomes a singleton world of size 1.
    @discardableResult
    public static func initialize(threadLevel: ThreadLevel = .funneled) throws -> Communicator {
        var finalized: Int32 = 0
        MPI_Finalized(&finalized)
        if finalized != 0 { throw MPIError.finalized }
        var initialized: Int32 = 0
        MPI_Initialized(&initialized)
        if initialized == 0 {
            var provided: Int32 = 0
            try check(MPI_Init_thread(nil, nil, threadLevel.cValue, &provided), "MPI_Init_thread")
            // Errors come back as codes (thrown as `MPIError`), so a lost peer is reported by the caller
            // (e.g. the sweep records the shards the dead rank had) instead of killing this process at once.
            _ = MPI_Comm_set_errhandler(symedge_mpi_comm_world(), symedge_mpi_errors_return())
            atexit { symedgeFinalizeAtExit() }
        }
        return try Communicator()
    }

    /// The thread level the library actually provides (after `initialize`).
    public static var providedThreadLevel: ThreadLevel {
        var provided: Int32 = 0
        MPI_Query_thread(&provided)
        return ThreadLevel(cValue: provided)
    }

    /// Whether MPI is initialised and not yet finalised in this process.
    public static var isActive: Bool {
        var i: Int32 = 0, f: Int32 = 0
        MPI_Initialized(&i)
        MPI_Finalized(&f)
        return i != 0 && f == 0
    }

    /// The Open MPI library version, e.g. "4.1.4", and the MPI standard version, e.g. "3.1".
    public static var libraryVersion: (openMPI: String, standard: String) {
        var major: Int32 = 0, minor: Int32 = 0
        MPI_Get_version(&major, &minor)
        return (String(cString: symedge_ompi_version_string()), "\(major).\(minor)")
    }

    /// This process's host name as MPI reports it.
    public static var processorName: String {
        var buffer = [CChar](repeating: 0, count: Int(MPI_MAX_PROCESSOR_NAME) + 1)
        var length: Int32 = 0
        MPI_Get_processor_name(&buffer, &length)
        return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Finalises MPI now if active (normally left to the `atexit` handler).
    public static func finalize() {
        if isActive { _ = MPI_Finalize() }
    }
}

private func symedgeFinalizeAtExit() {
    MPIEnvironment.finalize()
}
