import Foundation
import XCTest

/// Damaged shards, leftovers, a second sweep on the same folder, inputs changed in place, and the small
/// crashes and silent no-ops of issue #19 (points 3–7).
final class SweepIntegrityTests: XCTestCase {
    typealias F = SweepFixture

    func makeSweep(_ name: String, extra: String = "") throws -> (root: URL, job: URL, out: URL) {
        let root = try F.temporaryFolder(name)
        _ = try F.writeCohort(in: root)
        let job = try F.writeJob(in: root, extra: extra)
        let out = root.appendingPathComponent("out")
        let r = try F.symedge(["sweep", job.path, "--out", out.path])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        return (root, job, out)
    }

    func shardFiles(_ out: URL) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("shards").path)
            .filter { $0.hasSuffix(".shard") && !$0.hasPrefix(".") }.sorted()
            .map { out.appendingPathComponent("shards/\($0)") }
    }

    /// A truncated shard and one with a single flipped byte: `status` reports the truncated one as damaged
    /// (size against the ledger), `status --verify` both (checksum); `sweep` and `rerun-failed` move them to
    /// OUT/damaged/, recompute them and give the tables of the first run.
    func testDamagedShardsAreReportedMovedAsideAndRecomputed() throws {
        let (root, job, out) = try makeSweep("damaged")
        defer { try? FileManager.default.removeItem(at: root) }
        let reference = try F.tables(out)
        for command in ["sweep", "rerun-failed"] {
            let files = try shardFiles(out)
            let truncated = files[0], flipped = files[3]
            var t = try Data(contentsOf: truncated); t = t.prefix(t.count / 2); try t.write(to: truncated)
            var f = [UInt8](try Data(contentsOf: flipped)); f[f.count / 2] ^= 0x01; try Data(f).write(to: flipped)

            let st = try F.symedge(["status", out.path])
            XCTAssertEqual(st.status, 3, "a truncated shard is not done: \(st.stdout)")
            XCTAssertTrue(st.stdout.contains("damaged shard file"), st.stdout)
            let v = try F.symedge(["status", out.path, "--verify"])
            XCTAssertEqual(v.status, 6, v.stdout)
            XCTAssertTrue(v.stdout.contains(truncated.lastPathComponent) && v.stdout.contains(flipped.lastPathComponent)
                          && v.stdout.contains("checksum mismatch"), v.stdout)

            let r = command == "sweep" ? try F.symedge(["sweep", job.path, "--out", out.path])
                : try F.symedge(["rerun-failed", out.path])
            XCTAssertEqual(r.status, 0, "\(command): \(r.stdout)\(r.stderr)")
            XCTAssertTrue(r.stdout.contains("2 succeeded"), "\(command) recomputes exactly the 2 damaged shards: \(r.stdout)")
            XCTAssertTrue(r.stderr.contains("damaged shard file"), r.stderr)
            let moved = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("damaged").path)
            XCTAssertTrue(moved.contains { $0.hasPrefix(truncated.lastPathComponent) }, "\(moved)")
            XCTAssertTrue(moved.contains { $0.hasPrefix(flipped.lastPathComponent) }, "\(moved)")
            XCTAssertEqual(try F.symedge(["status", out.path, "--verify"]).status, 0)
            let now = try F.tables(out)
            for (k, v) in reference { XCTAssertEqual(now[k], v, "\(command): tables/\(k) differs") }
            try FileManager.default.removeItem(at: out.appendingPathComponent("damaged"))
        }
        // Damaged after the sweep checked it: the reduction leaves that pair out (exit 4), moves the file aside,
        // and the next sweep computes it again.
        let victim = try shardFiles(out)[2]
        var b = [UInt8](try Data(contentsOf: victim)); b[b.count - 40] ^= 0x80; try Data(b).write(to: victim)
        let red = try F.symedge(["sweep", job.path, "--out", out.path, "--reduce-only"])
        XCTAssertEqual(red.status, 4, red.stdout + red.stderr)
        XCTAssertTrue(red.stdout.contains("damaged shard file"), red.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: victim.path))
        let fixed = try F.symedge(["sweep", job.path, "--out", out.path])
        XCTAssertEqual(fixed.status, 0, fixed.stdout + fixed.stderr)
        XCTAssertTrue(fixed.stdout.contains("1 succeeded"), fixed.stdout)
        let now = try F.tables(out)
        for (k, v) in reference { XCTAssertEqual(now[k], v, "after a damaged reduce: tables/\(k) differs") }
    }

    /// The reduction owns tables/: a killed writer's temporaries and the folder of a recording whose input
    /// turned bad are removed.
    func testTheReductionRemovesStaleTablesAndItsTemporaries() throws {
        let (root, job, out) = try makeSweep("leftovers")
        defer { try? FileManager.default.removeItem(at: root) }
        let recs = out.appendingPathComponent("tables/recordings")
        let names = try FileManager.default.contentsOfDirectory(atPath: recs.path).sorted()
        XCTAssertEqual(names.count, 3)
        let tmp = recs.appendingPathComponent("\(names[0])/.missing.csv.tmp.99999")
        try Data("partial".utf8).write(to: tmp)
        // The third recording turns bad: its spikes file is replaced by garbage.
        let bad = root.appendingPathComponent("data/sub-03/sub-03_ses-1/spikes.csv")
        try "unit_id,time_s\n1,not-a-time\n".write(to: bad, atomically: true, encoding: .utf8)
        let r = try F.symedge(["sweep", job.path, "--out", out.path])
        XCTAssertEqual(r.status, 3, r.stdout + r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: tmp.path), "the stale temporary is removed")
        let after = try FileManager.default.contentsOfDirectory(atPath: recs.path).sorted()
        XCTAssertEqual(after, Array(names.prefix(2)), "the bad recording's previous tables are removed")
    }

    /// A second sweep on a folder in use says who holds it and exits; `--force` refuses a live holder on this
    /// host and takes over the lock of a holder on another (dead) host.
    func testASecondSweepOnTheSameFolderIsRefusedWithTheHolder() throws {
        let root = try F.temporaryFolder("lock")
        defer { try? FileManager.default.removeItem(at: root) }
        _ = try F.writeCohort(in: root)
        let job = try F.writeJob(in: root)
        let out = root.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let lockPath = out.appendingPathComponent(".symedge.lock").path
        // A holder: flock(1) keeps the lock while it sleeps; the file names a live pid on this host.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        holder.arguments = ["-o", lockPath, "sleep", "30"]     // -o: the lock stays with flock, not with sleep
        try holder.run()
        defer { kill(holder.processIdentifier, SIGKILL); holder.waitUntilExit() }
        usleep(300_000)
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? ""
        try "host=\(host) pid=\(holder.processIdentifier) since=now\n".write(toFile: lockPath, atomically: false, encoding: .utf8)
        let t0 = Date()
        let second = try F.symedge(["sweep", job.path, "--out", out.path])
        XCTAssertEqual(second.status, 1)
        XCTAssertLessThan(Date().timeIntervalSince(t0), 20)
        XCTAssertTrue(second.stderr.contains("in use by another symedge run (host=\(host) pid=\(holder.processIdentifier)"),
                      second.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("shards").path + "/x"))
        let forcedLive = try F.symedge(["sweep", job.path, "--out", out.path, "--force"])
        XCTAssertEqual(forcedLive.status, 1, "--force must not break a live holder's lock")
        XCTAssertTrue(forcedLive.stderr.contains("live process on this host"), forcedLive.stderr)
        // The holder's node "died": its host name is another one.
        try "host=deadnode pid=1 since=yesterday\n".write(toFile: lockPath, atomically: false, encoding: .utf8)
        let refused = try F.symedge(["sweep", job.path, "--out", out.path])
        XCTAssertTrue(refused.stderr.contains("host=deadnode pid=1"), refused.stderr)
        let forced = try F.symedge(["sweep", job.path, "--out", out.path, "--force"])
        XCTAssertEqual(forced.status, 0, forced.stdout + forced.stderr)
    }

    /// An input changed in place and given its old mtime back (as `cp -p`, `rsync -a`, `touch -r` do) is
    /// detected: its content hash changes, so its shards get new keys and run again.
    func testAnInputChangedInPlaceWithItsOldMtimeIsDetected() throws {
        let (root, job, out) = try makeSweep("mtime")
        defer { try? FileManager.default.removeItem(at: root) }
        let spikes = root.appendingPathComponent("data/sub-02/sub-02_ses-1/spikes.csv")
        let attrs = try FileManager.default.attributesOfItem(atPath: spikes.path)
        var text = try String(contentsOf: spikes, encoding: .utf8)
        // Same size: change one digit of one spike time.
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var l = lines[5]
        let last = l.removeLast()
        l.append(last == "1" ? "2" : "1")
        text = (lines[..<5] + [l] + lines[6...]).joined(separator: "\n")
        try text.write(to: spikes, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.modificationDate: attrs[.modificationDate]!], ofItemAtPath: spikes.path)
        XCTAssertEqual((try FileManager.default.attributesOfItem(atPath: spikes.path))[.size] as? Int, attrs[.size] as? Int)
        let r = try F.symedge(["sweep", job.path, "--out", out.path])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("20 already done, 10 succeeded"), "the changed recording's 10 shards rerun: \(r.stdout)")
    }

    /// Point 7: crashes and silent no-ops.
    func testReportOfDotUnknownStatesSymlinksValidationAndStatusWithoutPlanOrTables() throws {
        let (root, job, out) = try makeSweep("noops")
        defer { try? FileManager.default.removeItem(at: root) }
        // `report .` and `report ./` in the output folder.
        for arg in [".", "./"] {
            let r = try F.symedge(["report", arg], cwd: out)
            XCTAssertNotEqual(r.status, 132, "report \(arg) must not crash: \(r.stderr)")
            XCTAssertEqual(r.status, 0, "report \(arg): \(r.stderr)")
        }
        // Unknown state names.
        let unknown = try F.writeJob(in: root, name: "unknown.yaml", output: "out-unknown",
                                     extra: "").path
        var text = try String(contentsOfFile: unknown, encoding: .utf8)
        text = text.replacingOccurrences(of: "states: [wake, nrem_deep]", with: "states: [wake, nosuchstate]")
        try text.write(toFile: unknown, atomically: true, encoding: .utf8)
        let u = try F.symedge(["sweep", unknown])
        XCTAssertNotEqual(u.status, 0)
        XCTAssertTrue(u.stderr.contains("nosuchstate") && u.stderr.contains("exist in no recording"), u.stderr)
        // A symlink to a recording already in the inputs is analysed once, with a warning.
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("data/sub-01/sub-01_ses-2").path,
                                                   withDestinationPath: root.appendingPathComponent("data/sub-01/sub-01_ses-1").path)
        let dup = try F.symedge(["sweep", job.path, "--out", root.appendingPathComponent("out-dup").path])
        XCTAssertEqual(dup.status, 0, dup.stderr)
        XCTAssertTrue(dup.stderr.contains("duplicate input") && dup.stderr.contains("sub-01_ses-2"), dup.stderr)
        XCTAssertTrue(dup.stdout.contains("sweep: 30 shards"), dup.stdout)
        try FileManager.default.removeItem(atPath: root.appendingPathComponent("data/sub-01/sub-01_ses-2").path)
        // Validation of thresholds, band order and --time.
        for (extra, key) in [("parameters:\n  z_threshold: -2", "z_threshold"),
                             ("parameters:\n  theta_threshold_degrees: -5", "theta_threshold_degrees"),
                             ("family_parameters:\n  narrow_band_low: 60", "narrow_band_low")] {
            let bad = try F.writeJob(in: root, name: "bad.yaml", extra: extra)
            let r = try F.symedge(["plan", bad.path])
            XCTAssertNotEqual(r.status, 0, "\(key) must be refused")
            XCTAssertTrue(r.stderr.contains("bad.yaml:") && r.stderr.contains(key), r.stderr)
        }
        let time = try F.symedge(["submit", job.path, "--dry-run", "--time", "99999999:00:00",
                                  "--out", root.appendingPathComponent("out-time").path])
        XCTAssertNotEqual(time.status, 0)
        XCTAssertTrue(time.stderr.contains("--time"), time.stderr)
        // status: tables deleted → 4; manifest deleted → 4; plan.json deleted → names plan.json.
        XCTAssertEqual(try F.symedge(["status", out.path]).status, 0)
        try FileManager.default.removeItem(at: out.appendingPathComponent("tables/measures.csv"))
        let s4 = try F.symedge(["status", out.path])
        XCTAssertEqual(s4.status, 4, s4.stdout)
        XCTAssertTrue(s4.stdout.contains("tables: incomplete") && s4.stdout.contains("measures.csv"), s4.stdout)
        try FileManager.default.removeItem(at: out.appendingPathComponent("manifest.json"))
        XCTAssertEqual(try F.symedge(["status", out.path]).status, 4)
        try FileManager.default.removeItem(at: out.appendingPathComponent("plan.json"))
        let np = try F.symedge(["status", out.path])
        XCTAssertNotEqual(np.status, 0)
        XCTAssertTrue(np.stderr.contains("plan.json") && !np.stderr.contains("no job.json"), np.stderr)
    }
}
