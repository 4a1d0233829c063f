import Batch
import Foundation
import XCTest

/// `AtomicFile.publish`: a shard result is written only when no file is there, so a run with a stale view of a
/// shared output folder never replaces a finished result (issue #17; the multi-node check is
/// Slurm/tests/multinode.sh, "stale view").
final class AtomicPublishTests: XCTestCase {
    func folder() throws -> String {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("publish-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: d) }
        return d
    }

    func inode(_ path: String) throws -> UInt64 {
        try XCTUnwrap((try FileManager.default.attributesOfItem(atPath: path))[.systemFileNumber] as? UInt64)
    }

    func testFirstWriterWinsAndTheFileIsNeverReplaced() throws {
        let dir = try folder()
        let target = (dir as NSString).appendingPathComponent("k.shard")
        XCTAssertTrue(try AtomicFile.publish([1, 2, 3], to: target))
        let first = try inode(target)
        XCTAssertFalse(try AtomicFile.publish([9, 9], to: target), "a second copy must be refused")
        XCTAssertEqual(FileManager.default.contents(atPath: target), Data([1, 2, 3]))
        XCTAssertEqual(try inode(target), first, "the finished file must be the same file, not a replacement")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["k.shard"],
                       "no temporary may be left behind")
    }

    func testOverwritingWriteStillReplaces() throws {
        // `write` keeps its meaning (job.json, plan.json, manifest.json are meant to be replaced).
        let target = (try folder() as NSString).appendingPathComponent("plan.json")
        try AtomicFile.write([1], to: target)
        try AtomicFile.write([2], to: target)
        XCTAssertEqual(FileManager.default.contents(atPath: target), Data([2]))
    }

    func testManyConcurrentWritersLeaveExactlyOneCompleteFile() throws {
        let dir = try folder()
        let target = (dir as NSString).appendingPathComponent("race.shard")
        let payloads = (0..<8).map { [UInt8](repeating: UInt8($0), count: 256 << 10) }
        let wins = ManagedCounter()
        DispatchQueue.concurrentPerform(iterations: payloads.count) { i in
            if (try? AtomicFile.publish(payloads[i], to: target)) == true { wins.add() }
        }
        XCTAssertEqual(wins.value, 1)
        let bytes = try XCTUnwrap(FileManager.default.contents(atPath: target))
        XCTAssertTrue(payloads.contains { Data($0) == bytes }, "the file must be one writer's complete bytes")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["race.shard"])
    }
}

private final class ManagedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func add() { lock.lock(); n += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return n }
}
