/// An error reported by the MPI library or by misuse of the wrapper.
public enum MPIError: Error, Equatable, CustomStringConvertible, Sendable {
    /// An MPI call returned a non-success code.
    case call(function: String, code: Int32, message: String)
    /// MPI was already finalized; no further calls are possible in this process.
    case finalized
    /// A buffer length does not fit in MPI's `int` count.
    case countOverflow(function: String, count: Int)
    /// A rank argument is outside `0..<size`.
    case invalidRank(Int, size: Int)
    /// The peer sent a message of a different size than expected.
    case sizeMismatch(function: String, expected: Int, actual: Int)

    public var description: String {
        switch self {
        case let .call(function, code, message):
            return "\(function) failed with MPI error \(code): \(message)"
        case .finalized:
            return "MPI has already been finalized in this process"
        case let .countOverflow(function, count):
            return "\(function): \(count) elements exceed MPI's 32-bit count limit; split the message"
        case let .invalidRank(rank, size):
            return "rank \(rank) is not in the communicator (size \(size))"
        case let .sizeMismatch(function, expected, actual):
            return "\(function): expected \(expected) elements, received \(actual)"
        }
    }
}
