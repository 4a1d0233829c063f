import CMPI

/// An element-wise reduction used by `allreduce`.
public enum ReduceOperation: Sendable {
    case sum, min, max

    var handle: MPI_Op {
        switch self {
        case .sum: return symedge_mpi_op_sum()
        case .min: return symedge_mpi_op_min()
        case .max: return symedge_mpi_op_max()
        }
    }
}
