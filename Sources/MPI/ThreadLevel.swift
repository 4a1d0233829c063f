import CMPI

/// The MPI thread-support level requested at initialisation (MPI-3.1 §12.4.3).
public enum ThreadLevel: Int, Comparable, Sendable, CustomStringConvertible {
    case single = 0, funneled, serialized, multiple

    var cValue: Int32 {
        switch self {
        case .single: return symedge_mpi_thread_single()
        case .funneled: return symedge_mpi_thread_funneled()
        case .serialized: return symedge_mpi_thread_serialized()
        case .multiple: return symedge_mpi_thread_multiple()
        }
    }

    init(cValue: Int32) {
        switch cValue {
        case symedge_mpi_thread_multiple(): self = .multiple
        case symedge_mpi_thread_serialized(): self = .serialized
        case symedge_mpi_thread_funneled(): self = .funneled
        default: self = .single
        }
    }

    public static func < (a: ThreadLevel, b: ThreadLevel) -> Bool { a.rawValue < b.rawValue }

    public var description: String {
        switch self {
        case .single: return "single"
        case .funneled: return "funneled"
        case .serialized: return "serialized"
        case .multiple: return "multiple"
        }
    }
}
