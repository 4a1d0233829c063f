import CMPI
#if canImport(Glibc)
import Glibc
#endif

/// A message that arrived or is waiting: who sent it, with which tag, and how many bytes.
public struct MessageInfo: Sendable, Equatable {
    public let source: Int
    public let tag: Int
    public let byteCount: Int
}

/// The world communicator of an initialised MPI process.
///
/// Obtain it from `MPIEnvironment.initialize(...)`. Without `mpirun` the process is a
/// singleton world: `rank == 0`, `size == 1`, and every collective is the identity.
/// All counts are element counts, not bytes, except for the byte-buffer messages.
public struct Communicator: Sendable {
    /// This process's rank, `0..<size`.
    public let rank: Int
    /// Number of processes in the world.
    public let size: Int

    init() throws {
        var r: Int32 = 0, s: Int32 = 0
        try check(MPI_Comm_rank(symedge_mpi_comm_world(), &r), "MPI_Comm_rank")
        try check(MPI_Comm_size(symedge_mpi_comm_world(), &s), "MPI_Comm_size")
        rank = Int(r)
        size = Int(s)
    }

    /// Whether this is rank 0, the coordinator by convention.
    public var isRoot: Bool { rank == 0 }

    /// Blocks until every rank has called `barrier()`.
    public func barrier() throws {
        try check(MPI_Barrier(symedge_mpi_comm_world()), "MPI_Barrier")
    }

    /// Broadcasts `values` from `root` to every rank; returns root's array on all ranks.
    /// Non-root ranks' input is ignored (its length may differ).
    public func broadcast<T: MPIScalar>(_ values: [T], root: Int = 0) throws -> [T] {
        try validate(root)
        let count = try broadcastCount(values.count, root: root)
        var buffer = rank == root ? values : [T](unsafeUninitializedCapacity: count) { _, n in n = count }
        if count > 0 {
            try buffer.withUnsafeMutableBytes { raw in
                try check(MPI_Bcast(raw.baseAddress, try cCount(count, "MPI_Bcast"), T.mpiKind.datatype,
                                    Int32(root), symedge_mpi_comm_world()), "MPI_Bcast")
            }
        }
        return buffer
    }

    /// Broadcasts a byte buffer from `root`.
    public func broadcast(bytes: [UInt8], root: Int = 0) throws -> [UInt8] {
        try broadcast(bytes as [UInt8], root: root)
    }

    private func broadcastCount(_ count: Int, root: Int) throws -> Int {
        var n = [count]
        try n.withUnsafeMutableBytes { raw in
            try check(MPI_Bcast(raw.baseAddress, 1, Int.mpiKind.datatype, Int32(root), symedge_mpi_comm_world()),
                      "MPI_Bcast")
        }
        return n[0]
    }

    /// Element-wise reduction over all ranks; every rank receives the result.
    /// All ranks must pass arrays of the same length.
    public func allreduce<T: MPIScalar>(_ values: [T], _ op: ReduceOperation) throws -> [T] {
        if values.isEmpty { return [] }
        var out = [T](unsafeUninitializedCapacity: values.count) { _, n in n = values.count }
        try values.withUnsafeBytes { src in
            try out.withUnsafeMutableBytes { dst in
                try check(MPI_Allreduce(src.baseAddress, dst.baseAddress, try cCount(values.count, "MPI_Allreduce"),
                                        T.mpiKind.datatype, op.handle, symedge_mpi_comm_world()), "MPI_Allreduce")
            }
        }
        return out
    }

    /// Scalar convenience for `allreduce`.
    public func allreduce<T: MPIScalar>(_ value: T, _ op: ReduceOperation) throws -> T {
        try allreduce([value], op)[0]
    }

    /// Gathers arrays of different lengths at `root`, concatenated in rank order.
    /// Returns the concatenation and each rank's count on root; empty arrays elsewhere.
    public func gatherv<T: MPIScalar>(_ values: [T], root: Int = 0) throws -> (values: [T], counts: [Int]) {
        try validate(root)
        // First gather the counts so root can size its buffer.
        var myCount = [Int32(try cCount(values.count, "MPI_Gatherv"))]
        var counts = [Int32](repeating: 0, count: rank == root ? size : 0)
        try myCount.withUnsafeMutableBytes { s in
            try counts.withUnsafeMutableBytes { r in
                try check(MPI_Gather(s.baseAddress, 1, symedge_mpi_int32(), r.baseAddress, 1, symedge_mpi_int32(),
                                     Int32(root), symedge_mpi_comm_world()), "MPI_Gather")
            }
        }
        var displacements = [Int32](repeating: 0, count: counts.count)
        var total = 0
        for i in counts.indices {
            guard total <= Int(Int32.max) else { throw MPIError.countOverflow(function: "MPI_Gatherv", count: total) }
            displacements[i] = Int32(total)
            total += Int(counts[i])
        }
        var out = [T](unsafeUninitializedCapacity: total) { _, n in n = total }
        try values.withUnsafeBytes { s in
            try out.withUnsafeMutableBytes { r in
                try counts.withUnsafeMutableBufferPointer { c in
                    try displacements.withUnsafeMutableBufferPointer { d in
                        try check(MPI_Gatherv(s.baseAddress, myCount[0], T.mpiKind.datatype,
                                              r.baseAddress, c.baseAddress, d.baseAddress, T.mpiKind.datatype,
                                              Int32(root), symedge_mpi_comm_world()), "MPI_Gatherv")
                    }
                }
            }
        }
        return (out, counts.map(Int.init))
    }

    /// Sends a byte buffer to `destination` with a message `tag` (0...32767 is always valid).
    public func send(_ bytes: [UInt8], to destination: Int, tag: Int) throws {
        try validate(destination)
        try bytes.withUnsafeBytes { raw in
            try check(MPI_Send(raw.baseAddress, try cCount(bytes.count, "MPI_Send"), symedge_mpi_byte(),
                               Int32(destination), Int32(tag), symedge_mpi_comm_world()), "MPI_Send")
        }
    }

    /// Blocks until a message is available and describes it without receiving it.
    /// `source` and `tag` nil mean any.
    public func probe(source: Int? = nil, tag: Int? = nil) throws -> MessageInfo {
        var status = MPI_Status()
        try check(MPI_Probe(Int32(source ?? Int(symedge_mpi_any_source())), Int32(tag ?? Int(symedge_mpi_any_tag())),
                            symedge_mpi_comm_world(), &status), "MPI_Probe")
        return try info(status)
    }

    /// Non-blocking probe: the waiting message, if any.
    public func poll(source: Int? = nil, tag: Int? = nil) throws -> MessageInfo? {
        var status = MPI_Status()
        var flag: Int32 = 0
        try check(MPI_Iprobe(Int32(source ?? Int(symedge_mpi_any_source())), Int32(tag ?? Int(symedge_mpi_any_tag())),
                             symedge_mpi_comm_world(), &flag, &status), "MPI_Iprobe")
        return flag != 0 ? try info(status) : nil
    }

    /// Receives a byte message; blocks until one matching `source`/`tag` (nil = any) arrives.
    public func receive(from source: Int? = nil, tag: Int? = nil) throws -> (bytes: [UInt8], info: MessageInfo) {
        let pending = try probe(source: source, tag: tag)
        var buffer = [UInt8](repeating: 0, count: pending.byteCount)
        var status = MPI_Status()
        try buffer.withUnsafeMutableBytes { raw in
            try check(MPI_Recv(raw.baseAddress, try cCount(pending.byteCount, "MPI_Recv"), symedge_mpi_byte(),
                               Int32(pending.source), Int32(pending.tag), symedge_mpi_comm_world(), &status),
                      "MPI_Recv")
        }
        return (buffer, pending)
    }

    /// Terminates every process in the world with `code` (MPI_Abort). Does not return.
    public func abort(code: Int32) -> Never {
        _ = MPI_Abort(symedge_mpi_comm_world(), code)
        exit(code)
    }

    private func info(_ status: MPI_Status) throws -> MessageInfo {
        var count: Int32 = 0
        var s = status
        try check(MPI_Get_count(&s, symedge_mpi_byte(), &count), "MPI_Get_count")
        return MessageInfo(source: Int(status.MPI_SOURCE), tag: Int(status.MPI_TAG), byteCount: Int(count))
    }

    private func validate(_ r: Int) throws {
        guard r >= 0 && r < size else { throw MPIError.invalidRank(r, size: size) }
    }
}

@inline(__always)
func cCount(_ n: Int, _ function: String) throws -> Int32 {
    guard n <= Int(Int32.max) else { throw MPIError.countOverflow(function: function, count: n) }
    return Int32(n)
}

func check(_ code: Int32, _ function: String) throws {
    guard code != MPI_SUCCESS else { return }
    var buffer = [CChar](repeating: 0, count: Int(MPI_MAX_ERROR_STRING) + 1)
    var length: Int32 = 0
    MPI_Error_string(code, &buffer, &length)
    let message = String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    throw MPIError.call(function: function, code: code, message: message)
}
