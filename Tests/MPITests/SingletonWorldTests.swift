import MPI
import XCTest

/// The wrapper in one process without mpirun: a singleton world of size 1.
final class SingletonWorldTests: XCTestCase {
    private func world() throws -> Communicator {
        try MPIEnvironment.initialize(threadLevel: .multiple)
    }

    func testSingletonWorldHasOneRank() throws {
        let w = try world()
        XCTAssertEqual(w.rank, 0)
        XCTAssertEqual(w.size, 1)
        XCTAssertTrue(w.isRoot)
        XCTAssertTrue(MPIEnvironment.isActive)
    }

    func testInitializeIsIdempotent() throws {
        let a = try world(), b = try world()
        XCTAssertEqual(a.rank, b.rank)
        XCTAssertEqual(a.size, b.size)
    }

    func testAllreduceOverOneRankIsIdentity() throws {
        let w = try world()
        XCTAssertEqual(try w.allreduce([1.5, -2.0, 3.25], .sum), [1.5, -2.0, 3.25])
        XCTAssertEqual(try w.allreduce([4, -7], .min), [4, -7])
        XCTAssertEqual(try w.allreduce(9, .max), 9)
        XCTAssertEqual(try w.allreduce([UInt8]([1, 2, 255]), .max), [1, 2, 255])
        XCTAssertEqual(try w.allreduce([Double](), .sum), [])
    }

    func testGathervOverOneRank() throws {
        let w = try world()
        let g = try w.gatherv([1.0, 2.0, 3.0])
        XCTAssertEqual(g.values, [1, 2, 3])
        XCTAssertEqual(g.counts, [3])
        let empty = try w.gatherv([Int]())
        XCTAssertEqual(empty.values, [])
        XCTAssertEqual(empty.counts, [0])
    }

    func testBroadcastOverOneRank() throws {
        let w = try world()
        XCTAssertEqual(try w.broadcast([7, 8, 9]), [7, 8, 9])
        XCTAssertEqual(try w.broadcast(bytes: Array("abc".utf8)), Array("abc".utf8))
        try w.barrier()
    }

    func testSendToSelfAndProbe() throws {
        // MPI_Send to self with a small message completes eagerly in Open MPI.
        let w = try world()
        XCTAssertNil(try w.poll(tag: 4242))
        try w.send(Array("ping".utf8), to: 0, tag: 4242)
        let info = try w.probe(source: 0, tag: 4242)
        XCTAssertEqual(info.source, 0)
        XCTAssertEqual(info.tag, 4242)
        XCTAssertEqual(info.byteCount, 4)
        let m = try w.receive(from: 0, tag: 4242)
        XCTAssertEqual(String(decoding: m.bytes, as: UTF8.self), "ping")
    }

    func testInvalidRankIsATypedError() throws {
        let w = try world()
        XCTAssertThrowsError(try w.send([1], to: 3, tag: 0)) { error in
            XCTAssertEqual(error as? MPIError, .invalidRank(3, size: 1))
            XCTAssertTrue("\(error)".contains("rank 3"))
        }
        XCTAssertThrowsError(try w.gatherv([1.0], root: 2))
    }

    func testVersionsAreReported() {
        let v = MPIEnvironment.libraryVersion
        XCTAssertTrue(v.openMPI.hasPrefix("4."), v.openMPI)
        XCTAssertEqual(v.standard, "3.1")
        XCTAssertFalse(MPIEnvironment.processorName.isEmpty)
    }
}
