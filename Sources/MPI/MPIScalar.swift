import CMPI

/// The element kinds that cross MPI.
public enum MPIScalarKind: Sendable {
    case double, int64, byte

    var datatype: MPI_Datatype {
        switch self {
        case .double: return symedge_mpi_double()
        case .int64: return symedge_mpi_int64()
        case .byte: return symedge_mpi_byte()
        }
    }
}

/// An element type that can cross MPI: `Double`, `Int` (sent as 64-bit) and `UInt8` (raw bytes).
public protocol MPIScalar: Sendable {
    static var mpiKind: MPIScalarKind { get }
}

extension Double: MPIScalar {
    public static var mpiKind: MPIScalarKind { .double }
}

extension Int: MPIScalar {
    public static var mpiKind: MPIScalarKind {
        precondition(MemoryLayout<Int>.size == 8, "SymmetryEdge requires a 64-bit platform")
        return .int64
    }
}

extension UInt8: MPIScalar {
    public static var mpiKind: MPIScalarKind { .byte }
}
