import Foundation
import XCTest

/// SIGTERM (what a Slurm time-limit warning becomes in a job step) stops a sweep gracefully: no new shard
/// starts, running shards finish and are written, the exit code is 75, and a rerun resumes to the same bytes.
final class SweepStopSignalTests: XCTestCase {
    typealias F = SweepFixture

    func testSigtermStopsGracefullyAndTheRerunResumesToTheSameBytes() throws {
        let root = try F.temporaryFolder("sigterm")
        defer { try? FileManager.default.removeItem(at: root) }
        _ = try F.writeCohort(in: root)
        let job = root.appendingPathComponent("long.yaml")
        try """
        name: sigterm
        inputs:
          folder: data
        states: [wake, nrem_deep]
        scales: 8
        measures: [balance]
        surrogates: 300
        surrogate_kinds: [isi_permutation]
        surrogates_per_shard: 1
        seed: 7
        bootstrap_resamples: 50
        output: out
        """.write(to: job, atomically: true, encoding: .utf8)
        let out = root.appendingPathComponent("out"), clean = root.appendingPathComponent("clean")

        for np in [nil, 2] as [Int?] {
            try? FileManager.default.removeItem(at: out)
            let p = try F.process(["sweep", job.path, "--out", out.path], np: np)
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            // Wait until some shards are done, then send SIGTERM to the symedge processes (not mpirun),
            // as `scancel --signal=TERM` does to a job step's tasks.
            let ledger = out.appendingPathComponent("ledger.jsonl")
            let deadline = Date().addingTimeInterval(120)
            while Date() < deadline, p.isRunning,
                  ((try? String(contentsOf: ledger, encoding: .utf8)) ?? "").components(separatedBy: "\"done\"").count < 6 {
                usleep(20_000)
            }
            XCTAssertTrue(p.isRunning, "the sweep must still be running when the signal arrives (np \(np ?? 1))")
            let pkill = Process()
            pkill.executableURL = URL(fileURLWithPath: "/usr/bin/pkill")
            pkill.arguments = ["-TERM", "-f", "^\(try F.binary()) sweep \(job.path)"]
            try pkill.run(); pkill.waitUntilExit()
            p.waitUntilExit()
            XCTAssertEqual(p.terminationStatus, 75, "a stopped sweep exits with 75 (np \(np ?? 1))")
            let events = try F.ledger(out).compactMap { $0["event"] as? String }
            XCTAssertTrue(events.contains("interrupted"), "\(events.suffix(3))")
            let st = try F.symedge(["status", out.path, "--json", "--verify"])
            let status = try F.json(st.stdout)
            XCTAssertEqual((status["corrupt"] as? [Any])?.count, 0, st.stdout)
            XCTAssertGreaterThan(status["pending"] as? Int ?? 0, 0, "the stop must leave shards pending: \(st.stdout)")

            let r = try F.symedge(["sweep", job.path, "--out", out.path], np: np)
            XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        }
        let c = try F.symedge(["sweep", job.path, "--out", clean.path])
        XCTAssertEqual(c.status, 0, c.stdout + c.stderr)
        let reference = try F.tables(clean), resumed = try F.tables(out)
        XCTAssertEqual(Set(resumed.keys), Set(reference.keys))
        for (k, v) in reference { XCTAssertEqual(resumed[k], v, "tables/\(k) differs from a clean run") }
    }
}
