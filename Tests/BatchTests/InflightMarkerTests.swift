@testable import Batch
import Foundation
import XCTest

/// In-flight markers (issue #17, "a rank that crashes"): a marker is live while its process holds its lock, and an
/// orphan (its process died) once the lock is gone; the rank guard adds the signal. The multi-node check (SIGKILL
/// of a rank on another node, under srun and mpirun, and of rank 0) is Slurm/tests/multinode.sh, section 9.
final class InflightMarkerTests: XCTestCase {
    func folder() throws -> SweepFolder {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("inflight-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: d) }
        return SweepFolder(d)
    }

    func record(_ key: String, pid: Int32 = 4242) -> InflightRecord {
        InflightRecord(key: key, shard: "s01/1 wake observed", rank: 1, host: "n2", pid: pid,
                       started: "2026-12-06T00:00:00.000Z", slurmJob: "7.0")
    }

    func testALockedMarkerIsLiveAndBecomesAnOrphanWhenItsHolderLetsGo() throws {
        let f = try folder()
        var marker = InflightMarker(folder: f, record: record("k1"))
        let path = try XCTUnwrap(marker?.path)
        XCTAssertEqual(path, InflightMarkers.path(f, key: "k1", host: "n2", pid: 4242))
        XCTAssertFalse(InflightMarkers.isOrphan(path), "held locked by its (live) writer")
        XCTAssertTrue(InflightMarkers.orphans(in: f).isEmpty)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: InflightMarkers.directory(f)),
                       ["k1.n2.4242.json"], "no temporary is left behind")
        marker = nil    // as when the process dies: the kernel drops the lock
        XCTAssertTrue(InflightMarkers.isOrphan(path))
        XCTAssertEqual(InflightMarkers.orphans(in: f).map(\.record.key), ["k1"])
        XCTAssertEqual(InflightMarkers.orphans(in: f, keys: ["other"]).count, 0, "filtered by key")
        InflightMarkers.remove(f, key: "k1", host: "n2", pid: 4242)
        XCTAssertFalse(InflightMarkers.isOrphan(path), "a recorded (removed) marker is no orphan")
    }

    func testTheGuardsNoteGivesTheSignalAndOnlyToItsOwnProcess() throws {
        let f = try folder()
        _ = InflightMarker(folder: f, record: record("k1", pid: 10))   // released at once: an orphan
        _ = InflightMarker(folder: f, record: record("k2", pid: 11))
        InflightMarkers.noteEnd(folderRoot: f.root, host: "n2", pid: 10, signal: 9, exitStatus: nil)
        InflightMarkers.noteEnd(folderRoot: f.root, host: "n2", pid: 11, signal: nil, exitStatus: 1)
        let r1 = try XCTUnwrap(InflightMarkers.settledRecord(InflightMarkers.path(f, key: "k1", host: "n2", pid: 10)))
        XCTAssertEqual(r1.signal, 9)
        XCTAssertNil(r1.exitStatus)
        XCTAssertEqual(r1.endText, "killed by signal 9 (SIGKILL)")
        let r2 = try XCTUnwrap(InflightMarkers.read(InflightMarkers.path(f, key: "k2", host: "n2", pid: 11)))
        XCTAssertNil(r2.signal)
        XCTAssertEqual(r2.exitStatus, 1)
        XCTAssertEqual(Set(InflightMarkers.orphans(in: f).map(\.record.key)), ["k1", "k2"])
    }

    func testWithoutANoteTheRecordSaysTheSignalIsUnknown() throws {
        let f = try folder()
        _ = InflightMarker(folder: f, record: record("k3"))
        let t0 = Date()
        let r = try XCTUnwrap(InflightMarkers.settledRecord(InflightMarkers.path(f, key: "k3", host: "n2", pid: 4242),
                                                            wait: 0.2))
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(t0), 0.2, "waits for the guard's note")
        XCTAssertNil(r.signal)
        XCTAssertTrue(r.endText.hasPrefix("no exit status recorded"), r.endText)
    }
}
