import Batch
import Foundation
import XCTest

final class LedgerTests: XCTestCase {
    func testAppendReadAndTornLine() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ledger-\(getpid())-\(Int.random(in: 0...1_000_000))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let folder = SweepFolder(dir.path)
        let l = try Ledger(path: folder.ledgerPath(group: nil))
        try l.append(LedgerEntry(event: "done", key: "k1", shard: "s1", rank: 0))
        try l.append(LedgerEntry(event: "failed", key: "k2", shard: "s2", file: "/d/x", message: "bad \"quote\"\nline"))
        // A crash mid-write leaves a torn last line: it must be ignored.
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: folder.ledgerPath(group: nil)))
        h.seekToEndOfFile(); h.write(Data("{\"event\":\"do".utf8)); try h.close()
        // Reopening after the crash: the next entry must not be glued to the torn line.
        let reopened = try Ledger(path: folder.ledgerPath(group: nil))
        try reopened.append(LedgerEntry(event: "done", key: "k4"))
        let g = try Ledger(path: folder.ledgerPath(group: 2))
        try g.append(LedgerEntry(event: "done", key: "k3"))
        let all = Ledger.readAll(in: folder)
        XCTAssertEqual(Set(all.compactMap(\.key)), ["k1", "k2", "k3", "k4"])
        XCTAssertEqual(all.count, 4)
        XCTAssertEqual(all.first { $0.key == "k2" }?.message, "bad \"quote\"\nline")
    }

    func testAtomicWriteLeavesNoTemporary() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("atomic-\(getpid())-\(Int.random(in: 0...1_000_000))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let target = dir.appendingPathComponent("a.shard").path
        try AtomicFile.write([1, 2, 3], to: target)
        try AtomicFile.write([4, 5], to: target)
        XCTAssertEqual(FileManager.default.contents(atPath: target), Data([4, 5]))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["a.shard"])
    }
}
