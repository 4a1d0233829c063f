import Foundation
import XCTest

/// Signals through `mpirun` and a crashing rank (issue #19 point 1, #17 "a rank that crashes"), on a cohort
/// whose shards take seconds each, so that Open MPI's 1 s kill grace matters:
/// - SIGTERM to `mpirun`: every rank stops within the grace, rank 0 prints the summary and records the stop
///   (mpirun itself then exits 1, whatever the ranks return: Open MPI 4.1 behaviour); the resume gives the
///   tables of a clean run;
/// - SIGUSR1 to `mpirun` (forwarded, not fatal): running shards finish and the exit status is 75;
/// - SIGKILL of one worker rank: its in-flight shards are recorded `crashed` with rank and host, `status`
///   lists them as failed, and the resume reruns only what is missing.
final class SweepSignalFaultTests: XCTestCase {
    typealias F = SweepFixture

    /// 2 recordings × 600 s × 30 units; 400 surrogates in blocks of 200 → 12 shards of ≈ 1–3 s. (Blocks of 40 took
    /// 2–4 s each before the #15 speed work; at ≈ 0.4 s a whole sweep ended before the crash test's kill arrived.)
    static func writeLongJob(in root: URL) throws -> URL {
        for k in 1...2 {
            try F.writeRecording(at: root.appendingPathComponent("data/sub-0\(k)/sub-0\(k)_ses-1"),
                                 seed: UInt64(2000 + k), duration: 600, unitsE: 22, unitsI: 8)
        }
        let job = root.appendingPathComponent("long.yaml")
        try """
        name: long
        inputs:
          folder: data
        states: [wake, nrem_deep]
        scales: 8
        measures: [balance]
        surrogates: 400
        surrogate_kinds: [isi_permutation]
        surrogates_per_shard: 200
        seed: 7
        bootstrap_resamples: 50
        output: out
        """.write(to: job, atomically: true, encoding: .utf8)
        return job
    }

    static func doneCount(_ out: URL) -> Int {
        ((try? String(contentsOf: out.appendingPathComponent("ledger.jsonl"), encoding: .utf8)) ?? "")
            .components(separatedBy: "\"event\":\"done\"").count - 1
    }

    /// Starts `mpirun -np N symedge sweep`, waits for `done` finished shards; returns the process and pipes.
    func startAndWait(job: URL, out: URL, np: Int, done: Int) throws -> (Process, Pipe, Pipe) {
        let p = try F.process(["sweep", job.path, "--out", out.path], np: np)
        let o = Pipe(), e = Pipe()
        p.standardOutput = o
        p.standardError = e
        try p.run()
        let deadline = Date().addingTimeInterval(240)
        while Date() < deadline, p.isRunning, Self.doneCount(out) < done { usleep(50_000) }
        return (p, o, e)
    }

    func finish(_ p: Process, _ o: Pipe, _ e: Pipe, timeout: TimeInterval) -> (seconds: Double, out: String, err: String) {
        let t0 = Date()
        nonisolated(unsafe) var od = Data(), ed = Data()
        let g = DispatchGroup()
        DispatchQueue.global().async(group: g) { od = o.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: g) { ed = e.fileHandleForReading.readDataToEndOfFile() }
        while p.isRunning && Date().timeIntervalSince(t0) < timeout { usleep(20_000) }
        let took = Date().timeIntervalSince(t0)
        if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
        g.wait()
        return (took, String(decoding: od, as: UTF8.self), String(decoding: ed, as: UTF8.self))
    }

    func reference(_ root: URL, _ job: URL) throws -> [String: Data] {
        let clean = root.appendingPathComponent("clean")
        let r = try F.symedge(["sweep", job.path, "--out", clean.path], np: 2)
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        return try F.tables(clean)
    }

    func testSigtermAndSigusr1ToMpirunStopEveryRankWithASummaryAndTheResumeGivesTheSameBytes() throws {
        let root = try F.temporaryFolder("mpirun-signals")
        defer { try? FileManager.default.removeItem(at: root) }
        let job = try Self.writeLongJob(in: root)
        let reference = try reference(root, job)
        for sig in [SIGTERM, SIGUSR1] {
            let out = root.appendingPathComponent("out-\(sig)")
            let (p, o, e) = try startAndWait(job: job, out: out, np: 2, done: 2)
            XCTAssertTrue(p.isRunning, "the sweep must still be running when signal \(sig) arrives")
            kill(p.processIdentifier, sig)      // to mpirun itself, as `kill`, scancel or a batch shell would
            let r = finish(p, o, e, timeout: 60)
            XCTAssertLessThan(r.seconds, sig == SIGTERM ? 8 : 30, "signal \(sig): mpirun must end promptly")
            XCTAssertTrue(r.out.contains("interrupted by a stop request (signal \(sig))"),
                          "signal \(sig): rank 0 prints the summary: \(r.out)\n\(r.err)")
            if sig == SIGUSR1 { XCTAssertEqual(p.terminationStatus, 75, r.out + r.err) }
            let events = try F.ledger(out).compactMap { $0["event"] as? String }
            XCTAssertTrue(events.contains("interrupted"), "\(events.suffix(4))")
            let st = try F.symedge(["status", out.path, "--json", "--verify"])
            XCTAssertEqual((try F.json(st.stdout)["corrupt"] as? [Any])?.count, 0, st.stdout)
            let again = try F.symedge(["sweep", job.path, "--out", out.path], np: 2)
            XCTAssertEqual(again.status, 0, again.stdout + again.stderr)
            let resumed = try F.tables(out)
            XCTAssertEqual(Set(resumed.keys), Set(reference.keys))
            for (k, v) in reference { XCTAssertEqual(resumed[k], v, "signal \(sig): tables/\(k) differs") }
        }
    }

    func testAKilledRankIsRecordedAsAFailureOfItsShardsAndTheResumeRerunsOnlyWhatIsMissing() throws {
        let root = try F.temporaryFolder("rank-crash")
        defer { try? FileManager.default.removeItem(at: root) }
        let job = try Self.writeLongJob(in: root)
        let reference = try reference(root, job)
        let out = root.appendingPathComponent("out")
        let (p, o, e) = try startAndWait(job: job, out: out, np: 3, done: 2)
        XCTAssertTrue(p.isRunning)
        usleep(700_000)     // into the next shards' computation (a kill mid-send is recorded too, see recordLost)
        let victim = try XCTUnwrap(Self.rankPid(1, outPath: out.path), "rank 1's process not found")
        kill(victim, SIGKILL)
        let r = finish(p, o, e, timeout: 60)
        XCTAssertLessThan(r.seconds, 20, r.out + r.err)
        XCTAssertNotEqual(p.terminationStatus, 0)

        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? ""
        let crashed = try F.ledger(out).filter { $0["event"] as? String == "crashed" }
        XCTAssertFalse(crashed.isEmpty, "the killed rank's in-flight shards are recorded: \(r.out)\n\(r.err)")
        for c in crashed {
            XCTAssertEqual(c["rank"] as? Int, 1)
            XCTAssertEqual(c["host"] as? String, host)
            XCTAssertEqual(c["signal"] as? Int, 9, "the rank guard recorded the signal: \(c)")
            XCTAssertTrue((c["message"] as? String ?? "").contains("pid \(victim)"), "\(c)")
        }
        let st = try F.symedge(["status", out.path])
        XCTAssertEqual(st.status, 3, "status lists the crashed rank's shards as failed: \(st.stdout)")
        XCTAssertTrue(st.stdout.contains("rank 1 (pid \(victim) on host \(host)) died"), st.stdout)

        let doneBefore = Set(try F.ledger(out).filter { $0["event"] as? String == "done" }.compactMap { $0["key"] as? String })
        let again = try F.symedge(["sweep", job.path, "--out", out.path], np: 2)
        XCTAssertEqual(again.status, 0, again.stdout + again.stderr)
        XCTAssertTrue(again.stdout.contains("\(doneBefore.count) already done"), again.stdout)
        let doneKeys = try F.ledger(out).filter { $0["event"] as? String == "done" }.compactMap { $0["key"] as? String }
        XCTAssertEqual(doneKeys.count, Set(doneKeys).count, "no finished shard is computed again")
        XCTAssertEqual(Set(doneKeys).count, 12)
        let resumed = try F.tables(out)
        for (k, v) in reference { XCTAssertEqual(resumed[k], v, "tables/\(k) differs after the crash and resume") }
    }

    /// The pid of the `symedge sweep` process of MPI rank `rank` writing to `outPath`: the rank itself, not its
    /// rank guard (the parent that records how it ends; its child has `SYMEDGE_RANK_GUARD_PARENT` set).
    static func rankPid(_ rank: Int, outPath: String) -> pid_t? {
        var guardPid: pid_t?
        for n in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = pid_t(n),
                  let cmd = FileManager.default.contents(atPath: "/proc/\(n)/cmdline"),
                  let env = FileManager.default.contents(atPath: "/proc/\(n)/environ") else { continue }
            let args = cmd.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            guard args.contains("sweep"), args.contains(outPath), !(args.first ?? "").hasSuffix("mpirun") else { continue }
            let vars = env.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            if vars.contains("OMPI_COMM_WORLD_RANK=\(rank)") {
                if vars.contains(where: { $0.hasPrefix("SYMEDGE_RANK_GUARD_PARENT=") }) { return pid }
                guardPid = pid
            }
        }
        return guardPid
    }
}
