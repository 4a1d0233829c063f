import Foundation
import XCTest

/// The METHODS §6–9 families in cohort sweeps with the real binary under `mpirun`: family tables byte-identical
/// for 1, 2 and 4 ranks and after SIGKILL + resume, equal to `symedge analyze --families`, and a corrupt input
/// failing only its own shards (then `rerun-failed`).
final class SweepFamiliesTests: XCTestCase {
    typealias F = SweepFixture

    /// Two simulated 24 s sessions (300 neurons, LFP, unit positions) with states wake, preictal, ictal,
    /// postictal, so every family, including the §6 S(t) curves, has data.
    static func simulate(in root: URL) throws -> URL {
        let data = root.appendingPathComponent("data")
        let r = try F.symedge(["simulate", "--subjects", "2", "--sessions", "1", "--duration", "24", "--seed", "3",
                               "--neurons", "300", "--states", "wake,preictal,ictal,postictal", "--threads", "1",
                               "--out", data.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        return data
    }

    /// Every family, cheap settings: 6 LFP channels in shards of 2, spatial pair blocks of 16 units, 3 surrogates
    /// per kind in blocks of 2, 8 wavelet frequencies, short DFA windows.
    static func writeJob(in root: URL, name: String = "families.yaml", measures: String = "[balance, lfp, spatial, avalanches, seizure]",
                         familyParameters: Bool = true) throws -> URL {
        var text = """
        name: families
        inputs:
          folder: data
        states: all
        scales: 6
        measures: \(measures)
        surrogates: 3
        surrogate_kinds: [circular_shift, isi_permutation]
        surrogates_per_shard: 2
        seed: 11
        bootstrap_resamples: 50
        output: out
        lfp_channels_per_shard: 2
        spatial_block_units: 16

        """
        if familyParameters {
            text += """
            family_parameters:
              channels: [0, 13, 27, 40, 61, 90]
              wavelet_count: 8
              dfa_min_window_seconds: 0.2
              dfa_max_window_seconds: 2
              minimum_avalanches: 20

            """
        }
        let u = root.appendingPathComponent(name)
        try text.write(to: u, atomically: true, encoding: .utf8)
        return u
    }

    static func familyTables(_ t: [String: Data]) -> [String: Data] {
        t.filter { $0.key.contains("family_") || $0.key.hasSuffix("missing.csv") }
    }

    func testFamilyTablesAreByteIdenticalForOneTwoAndFourRanksAndAfterAKill() throws {
        let root = try F.temporaryFolder("families")
        defer { try? FileManager.default.removeItem(at: root) }
        _ = try Self.simulate(in: root)
        let job = try Self.writeJob(in: root)

        let plan = try F.symedge(["plan", job.path, "--json"])
        XCTAssertEqual(plan.status, 0, plan.stderr)
        let totals = try XCTUnwrap(try F.json(plan.stdout)["totals"] as? [String: Any])
        let per = try XCTUnwrap(totals["shardsPerFamily"] as? [String: Int])
        let pairs = 2 * 4                                  // recordings × states
        XCTAssertEqual(per["balance"], pairs * (1 + 2 * 2))
        XCTAssertEqual(per["lfp"], pairs * 3)              // 6 channels in blocks of 2, no surrogates
        XCTAssertEqual(per["avalanches"], pairs * (1 + 2)) // observed + first kind's 3 surrogates in blocks of 2
        XCTAssertEqual(per["seizure"], pairs * (1 + 2))
        let spatial = try XCTUnwrap(per["spatial"])
        XCTAssertGreaterThan(spatial, pairs * (3 + 2), "several pair blocks per (recording, state)")
        let total = try XCTUnwrap(totals["shards"] as? Int)
        XCTAssertEqual(per.values.reduce(0, +), total)
        let text = try F.symedge(["plan", job.path])
        XCTAssertTrue(text.stdout.contains("shards per family: avalanches"), text.stdout)

        var reference: [String: Data]?
        for np in [1, 2, 4] {
            let out = root.appendingPathComponent("out-np\(np)")
            let r = try F.symedge(["sweep", job.path, "--out", out.path], np: np)
            XCTAssertEqual(r.status, 0, "np \(np): \(r.stdout)\n\(r.stderr)")
            XCTAssertTrue(r.stdout.contains("\(total) succeeded, 0 failed on \(np) rank(s)"), r.stdout)
            XCTAssertTrue(r.stdout.contains("family tables: \(pairs * 4) recording×state×family units"), r.stdout)
            let t = try F.tables(out)
            for name in ["family_measures.csv", "family_curves.csv", "missing.csv", "measures.csv"] {
                XCTAssertNotNil(t[name], "np \(np): tables/\(name) missing")
            }
            if let ref = reference {
                XCTAssertEqual(Set(t.keys), Set(ref.keys), "np \(np): different table files")
                for (k, v) in ref { XCTAssertEqual(t[k], v, "np \(np): tables/\(k) differs from np 1") }
            } else {
                reference = t
                let measures = String(decoding: t["family_measures.csv"]!, as: UTF8.self)
                for family in ["lfp", "spatial", "avalanches", "seizure"] {
                    XCTAssertTrue(measures.contains(",\(family),"), "no \(family) rows")
                }
                XCTAssertTrue(measures.contains(",lfp,ch90,"), "the last chosen channel is in the lfp rows")
                let curves = String(decoding: t["family_curves.csv"]!, as: UTF8.self)
                for c in ["size_count", "rho_distance", "balance_S"] { XCTAssertTrue(curves.contains(",\(c),"), "no \(c) curve") }
                let z = measures.split(separator: "\n").filter { $0.contains(",spatial,") && !$0.hasSuffix(",") }
                XCTAssertFalse(z.isEmpty, "spatial rows are scored against surrogates")
            }
            let st = try F.json(try F.symedge(["status", out.path, "--json"]).stdout)
            let perStatus = try XCTUnwrap(st["perMeasure"] as? [String: [String: Int]])
            XCTAssertEqual(perStatus["spatial"]?["done"], spatial)
        }
        let ref = try XCTUnwrap(reference)

        // SIGKILL mid-sweep (every rank), then resume on 2 ranks: the same bytes.
        let killed = root.appendingPathComponent("killed")
        let p = try F.process(["sweep", job.path, "--out", killed.path], np: 2)
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        let shards = killed.appendingPathComponent("shards")
        func count() -> Int {
            ((try? FileManager.default.contentsOfDirectory(atPath: shards.path)) ?? [])
                .filter { $0.hasSuffix(".shard") && !$0.hasPrefix(".") }.count
        }
        let deadline = Date().addingTimeInterval(120)
        while p.isRunning && count() < total / 3 && Date() < deadline { usleep(2_000) }
        let atKill = count()
        let ranks = SweepIntegrationTests.descendants(of: p.processIdentifier)
        kill(p.processIdentifier, SIGKILL)
        for pid in ranks { kill(pid, SIGKILL) }
        p.waitUntilExit()
        XCTAssertLessThan(atKill, total, "the kill must land mid-sweep")
        let verify = try F.json(try F.symedge(["status", killed.path, "--json", "--verify"]).stdout)
        XCTAssertEqual((verify["corrupt"] as? [Any])?.count, 0)
        let resumed = try F.symedge(["sweep", job.path, "--out", killed.path], np: 2)
        XCTAssertEqual(resumed.status, 0, resumed.stdout + resumed.stderr)
        let done = verify["done"] as? Int ?? -1
        XCTAssertTrue(resumed.stdout.contains("\(done) already done"), resumed.stdout)
        let t = try F.tables(killed)
        XCTAssertEqual(Set(t.keys), Set(ref.keys))
        for (k, v) in ref { XCTAssertEqual(t[k], v, "after kill + resume, tables/\(k) differs") }
    }

    /// With default family parameters, the sweep's per-recording tables equal `symedge analyze --families`.
    func testSweepFamilyTablesEqualAnalyze() throws {
        let root = try F.temporaryFolder("families-analyze")
        defer { try? FileManager.default.removeItem(at: root) }
        let data = try Self.simulate(in: root)
        let job = try Self.writeJob(in: root, measures: "[balance, spatial, avalanches]", familyParameters: false)
        let out = root.appendingPathComponent("out")
        let r = try F.symedge(["sweep", job.path, "--out", out.path], np: 2)
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        let file = try XCTUnwrap((FileManager.default.subpaths(atPath: data.path) ?? [])
            .filter { $0.hasSuffix(".nwb") }.sorted().first)
        let single = root.appendingPathComponent("analyze")
        let a = try F.symedge(["analyze", data.appendingPathComponent(file).path, "--out", single.path, "--scales", "6",
                               "--surrogates", "3", "--seed", "11", "--surrogate-kinds", "circular_shift,isi_permutation",
                               "--families", "spatial,avalanches"])
        XCTAssertEqual(a.status, 0, a.stderr)
        let t = try F.tables(out)
        let folder = "sim01_01"
        XCTAssertNotNil(t["recordings/\(folder)/family_measures.csv"], "\(t.keys.sorted())")
        for name in ["family_measures.csv", "family_curves.csv", "missing.csv", "measures.csv"] {
            XCTAssertEqual(try Data(contentsOf: single.appendingPathComponent(name)), t["recordings/\(folder)/\(name)"],
                           "analyze and sweep differ in \(name)")
        }
    }

    func testCorruptInputFailsOnlyItsFamilyShardsAndRerunFailedRecovers() throws {
        let root = try F.temporaryFolder("families-corrupt")
        defer { try? FileManager.default.removeItem(at: root) }
        let data = try Self.simulate(in: root)
        let job = try Self.writeJob(in: root, measures: "[lfp, spatial, avalanches]")
        let clean = root.appendingPathComponent("clean")
        XCTAssertEqual(try F.symedge(["sweep", job.path, "--out", clean.path]).status, 0)
        let reference = try F.tables(clean)

        let files = (FileManager.default.subpaths(atPath: data.path) ?? []).filter { $0.hasSuffix(".nwb") }.sorted()
        let victim = data.appendingPathComponent(try XCTUnwrap(files.last))
        let original = try Data(contentsOf: victim)
        try Data(original.prefix(4096)).write(to: victim)          // a truncated HDF5 file
        let out = root.appendingPathComponent("out")
        let r = try F.symedge(["sweep", job.path, "--out", out.path], np: 2)
        XCTAssertEqual(r.status, 3, "failed shards give exit status 3: \(r.stdout)\n\(r.stderr)")
        let st = try F.symedge(["status", out.path, "--json"])
        let status = try F.json(st.stdout)
        let failed = try XCTUnwrap(status["failed"] as? [[String: Any]])
        XCTAssertFalse(failed.isEmpty)
        for f in failed { XCTAssertEqual(f["file"] as? String, victim.path, "\(f)") }
        let per = try XCTUnwrap(status["perMeasure"] as? [String: [String: Int]])
        for family in ["lfp", "spatial", "avalanches"] {
            XCTAssertGreaterThan(per[family]?["failed"] ?? 0, 0, "\(family) shards of the corrupt input fail")
            XCTAssertGreaterThan(per[family]?["done"] ?? 0, 0, "\(family) shards of the good input succeed")
        }
        XCTAssertTrue(r.stdout.contains("incomplete family"), "the reducer names the absent family rows: \(r.stdout)")
        let partial = try F.tables(out)
        let measures = String(decoding: partial["family_measures.csv"] ?? Data(), as: UTF8.self)
        XCTAssertTrue(measures.contains("sim01,"), "the good recording's rows are kept")
        XCTAssertFalse(measures.contains("sim02,"), "the corrupt recording's rows are absent")

        try original.write(to: victim)
        let again = try F.symedge(["rerun-failed", out.path], np: 2)
        XCTAssertEqual(again.status, 0, again.stdout + again.stderr)
        let t = try F.tables(out)
        XCTAssertEqual(Set(t.keys), Set(reference.keys))
        for (k, v) in reference { XCTAssertEqual(t[k], v, "after rerun-failed, tables/\(k) differs from a clean run") }
    }
}
