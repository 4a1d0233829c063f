import Foundation
import XCTest

/// A fatal error on any rank (a full disk, an injected fault) ends every rank promptly, with one message
/// naming the path and the error, and a non-zero exit (issue #19 point 2, #18 item 10); the data stay safe:
/// a resume after the fault gives the tables of a clean run.
final class SweepFatalErrorTests: XCTestCase {
    typealias F = SweepFixture

    func testAnInjectedFatalErrorOnRankZeroOrOnAWorkerEndsEveryRank() throws {
        let root = try F.temporaryFolder("fatal")
        defer { try? FileManager.default.removeItem(at: root) }
        _ = try F.writeCohort(in: root)
        let job = try F.writeJob(in: root)
        for (rank, after) in [(0, 2), (1, 1)] {
            let out = root.appendingPathComponent("out-\(rank)")
            let t0 = Date()
            let r = try F.symedge(["sweep", job.path, "--out", out.path], np: 2, timeout: 90,
                                  env: ["SYMEDGE_INJECT_FATAL": "\(rank):\(after)"])
            let took = Date().timeIntervalSince(t0)
            XCTAssertNotEqual(r.status, 0, "rank \(rank): a fatal error must give a non-zero exit")
            XCTAssertLessThan(took, 60, "rank \(rank): every rank must stop promptly (took \(took) s)")
            XCTAssertEqual(r.stderr.components(separatedBy: "fatal on rank \(rank)").count - 1, 1,
                           "one message naming the failing rank: \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("(injected fault)"), r.stderr)
            // Nothing that passed for a result is damaged, and a resume finishes the job.
            let st = try F.symedge(["status", out.path, "--verify", "--json"])
            XCTAssertEqual((try F.json(st.stdout)["corrupt"] as? [Any])?.count, 0, st.stdout)
            let again = try F.symedge(["sweep", job.path, "--out", out.path], np: 2)
            XCTAssertEqual(again.status, 0, again.stdout + again.stderr)
        }
        let clean = root.appendingPathComponent("clean")
        XCTAssertEqual(try F.symedge(["sweep", job.path, "--out", clean.path]).status, 0)
        let reference = try F.tables(clean)
        for rank in [0, 1] {
            let resumed = try F.tables(root.appendingPathComponent("out-\(rank)"))
            XCTAssertEqual(Set(resumed.keys), Set(reference.keys))
            for (k, v) in reference { XCTAssertEqual(resumed[k], v, "rank \(rank) fault: tables/\(k) differs") }
        }
    }

    /// The output on a small tmpfs that fills up mid-sweep: both ranks end within seconds (before: rank 1
    /// blocked in MPI_Send forever), the message names the file and "No space left on device", and after more
    /// space a resume gives the tables of a clean run.
    func testAFullDiskEndsEveryRankWithOneMessageAndResumesAfterwards() throws {
        guard getuid() == 0 else { throw XCTSkip("mounting a tmpfs needs root") }
        let root = try F.temporaryFolder("fulldisk")
        let mnt = root.appendingPathComponent("small")
        try FileManager.default.createDirectory(at: mnt, withIntermediateDirectories: true)
        guard shell("mount -t tmpfs -o size=4m symedge-test-tmpfs '\(mnt.path)'") == 0 else {
            try? FileManager.default.removeItem(at: root)
            throw XCTSkip("cannot mount a tmpfs here (no CAP_SYS_ADMIN?)")
        }
        defer { _ = shell("umount '\(mnt.path)'"); try? FileManager.default.removeItem(at: root) }
        _ = try F.writeCohort(in: root)
        let job = try F.writeJob(in: root)
        let out = mnt.appendingPathComponent("out")
        // Plan first (job, plan, input cache fit), then fill the disk so that only a few shards fit.
        let plan = try F.symedge(["plan", job.path, "--out", out.path, "--save"])
        XCTAssertEqual(plan.status, 0, plan.stderr)
        var fs = statvfs()
        XCTAssertEqual(statvfs(mnt.path, &fs), 0)
        let free = Int(fs.f_bavail) * Int(fs.f_frsize)
        let filler = mnt.appendingPathComponent("filler")
        XCTAssertTrue(FileManager.default.createFile(atPath: filler.path, contents: Data(count: max(0, free - 24 * 1024))))

        let t0 = Date()
        let r = try F.symedge(["sweep", job.path, "--out", out.path], np: 2, timeout: 120)
        let took = Date().timeIntervalSince(t0)
        XCTAssertNotEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertLessThan(took, 60, "every rank must stop promptly on a full disk (took \(took) s)")
        XCTAssertTrue(r.stderr.contains("No space left on device"), r.stderr)
        XCTAssertTrue(r.stderr.contains(out.path), "the message names the path: \(r.stderr)")
        XCTAssertEqual(r.stderr.components(separatedBy: "fatal on rank").count - 1, 1, "one message: \(r.stderr)")

        try FileManager.default.removeItem(at: filler)
        let st = try F.symedge(["status", out.path, "--verify", "--json"])
        XCTAssertEqual((try F.json(st.stdout)["corrupt"] as? [Any])?.count, 0, "no partial shard passes: \(st.stdout)")
        let again = try F.symedge(["sweep", job.path, "--out", out.path], np: 2)
        XCTAssertEqual(again.status, 0, again.stdout + again.stderr)
        let clean = root.appendingPathComponent("clean")
        XCTAssertEqual(try F.symedge(["sweep", job.path, "--out", clean.path]).status, 0)
        let reference = try F.tables(clean), resumed = try F.tables(out)
        XCTAssertEqual(Set(resumed.keys), Set(reference.keys))
        for (k, v) in reference { XCTAssertEqual(resumed[k], v, "tables/\(k) differs after the full-disk resume") }
    }

    @discardableResult
    func shell(_ command: String) -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return -1 }
        p.waitUntilExit()
        return p.terminationStatus
    }
}
