import Foundation
import XCTest

/// Multi-rank cohort sweeps with the real binary under `mpirun` (oversubscribed): identical tables for any
/// rank count, resume after SIGKILL, failure isolation and `rerun-failed`, job-spec errors.
final class SweepIntegrationTests: XCTestCase {
    typealias F = SweepFixture

    /// 3 recordings × 2 states × (1 observed + 2 kinds × 2 blocks) = 30 shards.
    static let shardCount = 30

    func testTablesAreByteIdenticalForOneTwoAndFourRanks() throws {
        let root = try F.temporaryFolder("ranks")
        defer { try? FileManager.default.removeItem(at: root) }
        _ = try F.writeCohort(in: root)
        let job = try F.writeJob(in: root)

        let plan = try F.symedge(["plan", job.path, "--json"])
        XCTAssertEqual(plan.status, 0, plan.stderr)
        let totals = try XCTUnwrap(try F.json(plan.stdout)["totals"] as? [String: Any])
        XCTAssertEqual(totals["shards"] as? Int, Self.shardCount)
        XCTAssertEqual(totals["groups"] as? Int, 3)
        XCTAssertEqual(totals["recordings"] as? Int, 3)

        var reference: [String: Data]?
        for np in [1, 2, 4] {
            let out = root.appendingPathComponent("out-np\(np)")
            let r = try F.symedge(["sweep", job.path, "--out", out.path], np: np)
            XCTAssertEqual(r.status, 0, "np \(np): \(r.stdout)\n\(r.stderr)")
            XCTAssertTrue(r.stdout.contains("\(Self.shardCount) succeeded, 0 failed on \(np) rank(s)"), r.stdout)
            let t = try F.tables(out)
            for name in ["measures.csv", "order_parameters.csv", "verdicts.csv", "missing.csv",
                         "cohort_statistics.csv", "surrogates_secondary.csv"] {
                XCTAssertNotNil(t[name], "np \(np): tables/\(name) missing")
            }
            XCTAssertEqual(t.keys.filter { $0.hasPrefix("recordings/") && $0.hasSuffix("/measures.csv") }.count, 3)
            let measures = String(decoding: t["measures.csv"] ?? Data(), as: UTF8.self)
            XCTAssertGreaterThan(measures.split(separator: "\n").count, 3 * 2 * 8, "measures.csv is nearly empty")
            if let ref = reference {
                XCTAssertEqual(Set(t.keys), Set(ref.keys), "np \(np): different table files")
                for (k, v) in ref { XCTAssertEqual(t[k], v, "np \(np): tables/\(k) differs from np 1") }
            } else { reference = t }
            let manifest = try F.json(String(contentsOf: out.appendingPathComponent("manifest.json"), encoding: .utf8))
            XCTAssertEqual(manifest["shardsDone"] as? Int, Self.shardCount)
        }

        // `symedge analyze` on one recording with the same parameters writes the same bytes as the sweep's
        // per-recording tables.
        let single = root.appendingPathComponent("analyze-01")
        let a = try F.symedge(["analyze", root.appendingPathComponent("data/sub-01/sub-01_ses-1").path,
                               "--out", single.path, "--scales", "8", "--surrogates", "4", "--seed", "7",
                               "--surrogate-kinds", "isi_permutation,circular_shift", "--states", "wake,nrem_deep"])
        XCTAssertEqual(a.status, 0, a.stderr)
        let ref = try XCTUnwrap(reference)
        let folder = try XCTUnwrap(ref.keys.first { $0.hasPrefix("recordings/01") }?.split(separator: "/")[1])
        for name in ["measures.csv", "order_parameters.csv", "verdicts.csv", "missing.csv", "surrogates_secondary.csv"] {
            XCTAssertEqual(try Data(contentsOf: single.appendingPathComponent(name)), ref["recordings/\(folder)/\(name)"],
                           "analyze and sweep differ in \(name)")
        }
        // The sweep's shard products: the same curves (with the surrogate collapse reference) and series files.
        for sub in ["curves", "series"] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: single.appendingPathComponent(sub).path)) ?? []
            XCTAssertEqual(Set(names), Set(ref.keys.filter { $0.hasPrefix("recordings/\(folder)/\(sub)/") }
                                            .map { String($0.split(separator: "/").last!) }), sub)
            XCTAssertTrue(names.contains { $0.contains("collapse_surrogate_mean") } || sub == "series", "\(names)")
            for n in names {
                XCTAssertEqual(try Data(contentsOf: single.appendingPathComponent("\(sub)/\(n)")),
                               ref["recordings/\(folder)/\(sub)/\(n)"], "analyze and sweep differ in \(sub)/\(n)")
            }
        }
        // The report of the sweep draws the per-state figures from those files alone.
        let rep = try F.symedge(["report", root.appendingPathComponent("out-np1").path])
        XCTAssertEqual(rep.status, 0, rep.stderr)
        let html = try String(contentsOf: root.appendingPathComponent("out-np1/report.html"), encoding: .utf8)
        for state in ["wake", "nrem_deep"] { XCTAssertTrue(html.contains("<figure id=\"collapse-\(state)\""), state) }
        XCTAssertFalse(html.contains("No curves or series files"))
    }

    func testSweepKilledAtSeveralPointsResumesToTheSameBytes() throws {
        let root = try F.temporaryFolder("kill")
        defer { try? FileManager.default.removeItem(at: root) }
        _ = try F.writeCohort(in: root)
        let job = try F.writeJob(in: root)
        let clean = root.appendingPathComponent("clean")
        let c = try F.symedge(["sweep", job.path, "--out", clean.path])
        XCTAssertEqual(c.status, 0, c.stdout + c.stderr)
        let reference = try F.tables(clean)

        // Kill mpirun and every rank, then rank 0 (the coordinator) alone, then a worker alone.
        let points: [(after: Int, victim: Victim)] = [(1, .everything), (8, .rank(0)), (17, .rank(1))]
        var interrupted = 0
        for (i, point) in points.enumerated() {
            let out = root.appendingPathComponent("killed-\(i)")
            let (killedAt, midRun) = try runAndKill(job: job, out: out, afterShards: point.after, victim: point.victim)
            if midRun { interrupted += 1 }
            // No visible partial results: every visible shard file decodes completely.
            let st = try F.symedge(["status", out.path, "--json", "--verify"])
            let status = try F.json(st.stdout)
            XCTAssertEqual((status["corrupt"] as? [Any])?.count, 0, "kill \(i): \(st.stdout)")
            let done = status["done"] as? Int ?? -1
            XCTAssertGreaterThanOrEqual(done, min(killedAt, Self.shardCount), "kill \(i)")

            let r = try F.symedge(["sweep", job.path, "--out", out.path], np: 2)
            XCTAssertEqual(r.status, 0, "resume \(i): \(r.stdout)\n\(r.stderr)")
            XCTAssertTrue(r.stdout.contains("\(done) already done"), "resume \(i) must skip finished shards: \(r.stdout)")
            let t = try F.tables(out)
            XCTAssertEqual(Set(t.keys), Set(reference.keys))
            for (k, v) in reference { XCTAssertEqual(t[k], v, "kill point \(i): tables/\(k) differs from the clean run") }
        }
        XCTAssertGreaterThanOrEqual(interrupted, 2, "the kills must land while the sweep is running")
    }

    /// The Slurm array interface: `--group K` per task, then `--reduce-only`, equals one whole sweep.
    func testGroupsThenReduceOnlyEqualAWholeSweep() throws {
        let root = try F.temporaryFolder("groups")
        defer { try? FileManager.default.removeItem(at: root) }
        _ = try F.writeCohort(in: root)
        let job = try F.writeJob(in: root)
        let whole = root.appendingPathComponent("whole")
        XCTAssertEqual(try F.symedge(["sweep", job.path, "--out", whole.path]).status, 0)
        let reference = try F.tables(whole)

        let out = root.appendingPathComponent("grouped")
        for g in [2, 0] {
            let r = try F.symedge(["sweep", job.path, "--out", out.path, "--group", "\(g)"], np: g == 0 ? 2 : nil)
            XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
            XCTAssertTrue(r.stdout.contains("10 shards, 0 already done, 10 succeeded"), r.stdout)
            XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("ledger.group-\(g).jsonl").path))
        }
        let early = try F.symedge(["sweep", job.path, "--out", out.path, "--reduce-only"])
        XCTAssertEqual(early.status, 4, "reduce-only before every group finished: \(early.stdout)")
        XCTAssertTrue(early.stdout.contains("incomplete"), early.stdout)
        XCTAssertEqual(try F.symedge(["sweep", job.path, "--out", out.path, "--group", "1"]).status, 0)
        let st = try F.symedge(["status", out.path, "--json"])
        // Every shard is done, but the tables are those of the early, incomplete reduction: exit 4.
        XCTAssertEqual(st.status, 4, st.stdout)
        XCTAssertEqual(try F.json(st.stdout)["done"] as? Int, Self.shardCount)
        let red = try F.symedge(["sweep", job.path, "--out", out.path, "--reduce-only"])
        XCTAssertEqual(red.status, 0, red.stdout + red.stderr)
        XCTAssertEqual(try F.symedge(["status", out.path]).status, 0, "after the reduction the tables are complete")
        let t = try F.tables(out)
        XCTAssertEqual(Set(t.keys), Set(reference.keys))
        for (k, v) in reference { XCTAssertEqual(t[k], v, "tables/\(k) differs from the whole sweep") }
        let bad = try F.symedge(["sweep", job.path, "--out", out.path, "--group", "3"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("group 3 does not exist"), bad.stderr)
    }

    enum Victim { case everything, rank(Int) }

    /// Starts `mpirun -np 2 symedge sweep`, waits until `afterShards` shard files exist, SIGKILLs the victim
    /// (and then anything left), and returns how many shard files existed at the kill and whether the sweep was
    /// still running then.
    func runAndKill(job: URL, out: URL, afterShards: Int, victim: Victim) throws -> (Int, Bool) {
        let p = try F.process(["sweep", job.path, "--out", out.path, "--progress-interval", "1"], np: 2)
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        let shards = out.appendingPathComponent("shards")
        func count() -> Int {
            ((try? FileManager.default.contentsOfDirectory(atPath: shards.path)) ?? [])
                .filter { $0.hasSuffix(".shard") && !$0.hasPrefix(".") }.count
        }
        let deadline = Date().addingTimeInterval(120)
        while p.isRunning && count() < afterShards && Date() < deadline { usleep(2_000) }
        let n = count()
        let ranks = Self.descendants(of: p.processIdentifier)
        let running = p.isRunning && n < Self.shardCount
        switch victim {
        case .everything:
            kill(p.processIdentifier, SIGKILL)
            for pid in ranks { kill(pid, SIGKILL) }
        case let .rank(r):
            // The last match: the rank itself, the child of its rank guard (which is listed before it).
            if let pid = ranks.last(where: { Self.worldRank(of: $0) == r }) { kill(pid, SIGKILL) }
        }
        let stop = Date().addingTimeInterval(30)
        while p.isRunning && Date() < stop { usleep(20_000) }
        if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        for pid in Self.descendants(of: p.processIdentifier) + ranks { kill(pid, SIGKILL) }
        p.waitUntilExit()
        return (n, running)
    }

    /// Child processes (recursively) of `pid`, from /proc.
    static func descendants(of pid: Int32) -> [Int32] {
        var parent: [Int32: Int32] = [:]
        for e in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let p = Int32(e), let stat = try? String(contentsOfFile: "/proc/\(e)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 2, let pp = Int32(fields[1]) { parent[p] = pp }
        }
        var out: [Int32] = [], frontier = [pid]
        while let q = frontier.popLast() {
            for (c, pp) in parent where pp == q { out.append(c); frontier.append(c) }
        }
        return out
    }

    static func worldRank(of pid: Int32) -> Int? {
        guard let env = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return nil }
        for item in env.split(separator: 0) {
            let s = String(decoding: item, as: UTF8.self)
            if s.hasPrefix("OMPI_COMM_WORLD_RANK=") { return Int(s.dropFirst("OMPI_COMM_WORLD_RANK=".count)) }
        }
        return nil
    }

    func testCorruptInputFailsOnlyItsShardsAndRerunFailedRunsOnlyThose() throws {
        let root = try F.temporaryFolder("corrupt")
        defer { try? FileManager.default.removeItem(at: root) }
        let data = try F.writeCohort(in: root)
        let job = try F.writeJob(in: root)
        let clean = root.appendingPathComponent("clean")
        XCTAssertEqual(try F.symedge(["sweep", job.path, "--out", clean.path]).status, 0)
        let reference = try F.tables(clean)

        let spikes = data.appendingPathComponent("sub-02/sub-02_ses-1/spikes.csv")
        let original = try Data(contentsOf: spikes)
        try "unit_id,time_s\n1,0.5\n2,not-a-number\n".write(to: spikes, atomically: true, encoding: .utf8)
        let out = root.appendingPathComponent("out")
        let r = try F.symedge(["sweep", job.path, "--out", out.path], np: 2)
        XCTAssertEqual(r.status, 3, "a failed shard must give exit status 3: \(r.stdout)\n\(r.stderr)")
        XCTAssertTrue(r.stdout.contains("20 succeeded, 10 failed"), r.stdout)
        XCTAssertTrue(r.stdout.contains("rerun-failed"), r.stdout)

        let st = try F.symedge(["status", out.path, "--json"])
        XCTAssertEqual(st.status, 3)
        let status = try F.json(st.stdout)
        XCTAssertEqual(status["done"] as? Int, 20)
        let failed = try XCTUnwrap(status["failed"] as? [[String: Any]])
        XCTAssertEqual(failed.count, 10)
        for f in failed {
            XCTAssertTrue((f["file"] as? String ?? "").contains("sub-02_ses-1"), "\(f)")
            XCTAssertTrue((f["message"] as? String ?? "").contains("spikes.csv"), "message should name the file: \(f)")
        }
        let partial = try F.tables(out)
        XCTAssertEqual(partial.keys.filter { $0.hasPrefix("recordings/") && $0.hasSuffix("/measures.csv") }.count, 2)

        try original.write(to: spikes)
        let before = try F.ledger(out).count
        let again = try F.symedge(["rerun-failed", out.path], np: 2)
        XCTAssertEqual(again.status, 0, again.stdout + again.stderr)
        XCTAssertTrue(again.stdout.contains("20 already done, 10 succeeded, 0 failed"), again.stdout)
        let newDone = try F.ledger(out).dropFirst(before).filter { $0["event"] as? String == "done" }
        XCTAssertEqual(newDone.count, 10)
        for e in newDone { XCTAssertTrue((e["file"] as? String ?? "").contains("sub-02_ses-1"), "\(e)") }
        let t = try F.tables(out)
        for (k, v) in reference where !k.hasPrefix("recordings/sub-02") || true {
            XCTAssertEqual(t[k], v, "after rerun-failed, tables/\(k) differs from a clean run")
        }
    }

    func testMalformedJobSpecNamesTheKeyAndLine() throws {
        let root = try F.temporaryFolder("spec")
        defer { try? FileManager.default.removeItem(at: root) }
        _ = try F.writeCohort(in: root, subjects: 1)
        // Line 14 of the generated job (after 13 lines of the template) is the extra text.
        let unknown = try F.writeJob(in: root, name: "unknown.yaml", extra: "survogates: 4")
        for args in [["plan", unknown.path], ["sweep", unknown.path]] {
            let r = try F.symedge(args)
            XCTAssertNotEqual(r.status, 0)
            XCTAssertTrue(r.stderr.contains("unknown.yaml:14"), "\(args[0]): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("'survogates'") && r.stderr.contains("unknown key"), r.stderr)
        }
        let badType = root.appendingPathComponent("type.yaml")
        try "inputs: data\nstates: all\nscales: many\noutput: out\n".write(to: badType, atomically: true, encoding: .utf8)
        let r2 = try F.symedge(["plan", badType.path])
        XCTAssertNotEqual(r2.status, 0)
        XCTAssertTrue(r2.stderr.contains("type.yaml:3") && r2.stderr.contains("'scales'")
                      && r2.stderr.contains("integer"), r2.stderr)
        let broken = root.appendingPathComponent("broken.yaml")
        try "inputs: [data\noutput: out\n".write(to: broken, atomically: true, encoding: .utf8)
        let r3 = try F.symedge(["plan", broken.path])
        XCTAssertNotEqual(r3.status, 0)
        XCTAssertTrue(r3.stderr.contains("broken.yaml") && r3.stderr.contains("invalid YAML"), r3.stderr)
        let noOutput = root.appendingPathComponent("nooutput.yaml")
        try "inputs: data\nmeasures: [balance, gamma]\noutput: out\n".write(to: noOutput, atomically: true, encoding: .utf8)
        let r4 = try F.symedge(["plan", noOutput.path])
        XCTAssertTrue(r4.stderr.contains("nooutput.yaml:2") && r4.stderr.contains("'measures'"), r4.stderr)
    }
}
