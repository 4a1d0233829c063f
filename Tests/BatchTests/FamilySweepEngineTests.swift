import Analysis
import Batch
import Foundation
import Logging
import MPI
import Recordings
import XCTest

/// Family shards run in-process with the real `AnalysisShardComputer` on small plain-text recordings: pair-block
/// spatial rows equal a single-process `FamilyAnalysis.run`, the shard files round-trip exactly, and a corrupt
/// input fails only its own shards.
final class FamilySweepEngineTests: XCTestCase {
    /// Deterministic SplitMix64 uniform numbers.
    struct Mix {
        var s: UInt64
        mutating func next() -> Double {
            s &+= 0x9e37_79b9_7f4a_7c15
            var z = s
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
        }
    }

    /// 7 E + 3 I units on a 4 × 3 grid (200 µm pitch), 20 s, states wake / rem.
    static func writeRecording(_ folder: URL, seed: UInt64) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var rng = Mix(s: seed)
        var spikes = "unit_id,time_s\n", units = "unit_id,class,x_um,y_um\n"
        for u in 0..<10 {
            units += "\(u + 1),\(u < 7 ? "E" : "I"),\(200 * (u % 4)),\(200 * (u / 4))\n"
            var t = 0.0
            while true {
                t += -log(max(rng.next(), 1e-12)) / (u < 7 ? 8.0 : 20.0)
                if t >= 20 { break }
                if rng.next() < 0.5 + 0.5 * sin(2 * Double.pi * 0.7 * t) { spikes += "\(u + 1),\(String(format: "%.5f", t))\n" }
            }
        }
        try spikes.write(to: folder.appendingPathComponent("spikes.csv"), atomically: true, encoding: .utf8)
        try units.write(to: folder.appendingPathComponent("units.csv"), atomically: true, encoding: .utf8)
        try "start_s,stop_s,state\n0,12,wake\n12,20,rem\n".write(to: folder.appendingPathComponent("states.csv"),
                                                                 atomically: true, encoding: .utf8)
    }

    func testSpatialPairBlocksEqualSingleProcessAndFailuresStayLocal() throws {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("family-engine-\(getpid())-\(Int.random(in: 0...1_000_000))")
        defer { try? FileManager.default.removeItem(at: dir) }
        let good = dir.appendingPathComponent("data/sub-a/sub-a_ses-1")
        let bad = dir.appendingPathComponent("data/sub-b/sub-b_ses-1")
        try Self.writeRecording(good, seed: 11)
        try Self.writeRecording(bad, seed: 12)
        let yaml = """
        inputs: data
        output: out
        measures: [spatial, avalanches]
        surrogates: 3
        surrogate_kinds: [circular_shift, isi_permutation]
        surrogates_per_shard: 2
        seed: 9
        spatial_block_units: 3
        family_parameters:
          spatial_bins_ms: [20, 200]
          avalanche_bins_ms: [4, 8]
          minimum_avalanches: 10
        """
        let jobURL = dir.appendingPathComponent("job.yaml")
        try yaml.write(to: jobURL, atomically: true, encoding: .utf8)
        let job = try JobSpec.load(path: jobURL.path)
        let plan = try Planner(job: job, cacheFolder: nil).plan()
        // spatial: 10 units in blocks of 3 → 4 + 3 + 2 + 1 = 10 pair blocks, + 2 surrogate blocks (first kind);
        // avalanches: 1 + 2. Per recording × 2 states.
        XCTAssertEqual(plan.shardsPerMeasure, ["spatial": 2 * 2 * 12, "avalanches": 2 * 2 * 3])

        // Corrupt b after planning: its shards must fail, a's must not.
        try "unit_id,time_s\n1,abc\n".write(to: bad.appendingPathComponent("spikes.csv"), atomically: true, encoding: .utf8)
        let folder = SweepFolder(job.output)
        let world = try MPIEnvironment.initialize()
        let summary = try XCTUnwrap(try Sweep.execute(plan: plan, folder: folder, world: world, options: SweepOptions(),
                                                      factory: AnalysisShardComputer.factory,
                                                      logger: Logger(label: "test")))
        XCTAssertEqual(summary.failures.count, plan.shards.count / 2)
        XCTAssertTrue(summary.failures.allSatisfy { $0.file == plan.recordings[1].path }, "\(summary.failures)")
        XCTAssertEqual(SweepStatus.verify(folder: folder), [])
        let status = SweepStatus.compute(plan: plan, folder: folder)
        XCTAssertEqual(status.perMeasure?["spatial"]?.failed, 24)
        XCTAssertEqual(status.perMeasure?["spatial"]?.done, 24)

        let red = try Reductions.run(plan: plan, folder: folder)
        XCTAssertEqual(red.familiesReduced, 4)
        XCTAssertEqual(red.familiesIncomplete?.count, 4)
        XCTAssertTrue(red.familiesIncomplete?.allSatisfy { $0.hasPrefix("b/1 ") } ?? false, "\(red.familiesIncomplete ?? [])")
        XCTAssertFalse(red.complete)

        // Reference: one process, the whole matrix, the same members and scoring as `symedge analyze`.
        let rec = RecordingInfoReader.withPseudoState(try RecordingReader.read(good.path, options: ReadOptions()))
        var expected = TidyTables()
        let fp = job.familyParametersInEffect
        for state in ["wake", "rem"] {
            for family in [MeasureFamily.spatial, .avalanches] {
                let obs = try FamilyAnalysis.run(family: family, recording: rec, recordingID: "a/1", state: state,
                                                 member: .observed, parameters: fp)
                let sur = try (0..<3).map {
                    try FamilyAnalysis.run(family: family, recording: rec, recordingID: "a/1", state: state,
                                           member: .surrogate(.circularShift, $0), parameters: fp)
                }
                expected.append(FamilyAnalysis.score(observed: obs, surrogates: sur, kind: .circularShift))
            }
        }
        let tables = folder.tablesDirectory
        let measures = try String(contentsOfFile: tables + "/family_measures.csv", encoding: .utf8)
        XCTAssertEqual(measures, TidyCSV.familyMeasures(expected.families), "sweep and single-process rows differ")
        let curves = try String(contentsOfFile: tables + "/family_curves.csv", encoding: .utf8)
        XCTAssertEqual(curves, TidyCSV.familyCurves(expected.familyCurves))
        XCTAssertTrue(curves.contains(",spatial,,all,20.0,rho_distance,"), "spatial curves reach the sweep tables")
        let missing = try String(contentsOfFile: tables + "/missing.csv", encoding: .utf8)
        for m in expected.missing { XCTAssertTrue(missing.contains(m.measure), "missing.csv lacks \(m.measure)") }
        // The per-recording folder holds the family tables too.
        XCTAssertTrue(FileManager.default.fileExists(atPath: tables + "/recordings/a_1/family_measures.csv"))
        // Spatial rows are not all empty: pair correlations were computed from the assembled blocks.
        let rows = try TidyCSV.readFamilyMeasures(measures)
        XCTAssertTrue(rows.contains { $0.family == .spatial && $0.measure == "pair_correlation" && $0.value != nil })
        XCTAssertTrue(rows.contains { $0.family == .spatial && $0.z != nil }, "surrogate z of spatial rows")
    }

    func testFamilyShardFileRoundTripIsBitExact() throws {
        let awkward: [Double] = [0.1 + 0.2, -1e-300, .pi, 2.0.squareRoot(), 1.0 / 3.0, 5e-324, 1.7976931348623157e308,
                                 123456789.123456789, -0.0]
        var rows: [FamilyRow] = []
        for (i, v) in awkward.enumerated() {
            rows.append(FamilyRow(subject: "s", session: "1", state: "wake", family: .avalanches, group: "spikes",
                                  binMilliseconds: Double(i) + 0.5, measure: "m\(i)", value: v, surrogateMean: v / 7,
                                  surrogateSD: nil, z: nil))
        }
        let curve = awkward.map { FamilyCurveRow(subject: "s", session: "1", state: "wake", family: .avalanches,
                                                 group: "spikes", binMilliseconds: 1, curve: "size_count", x: $0, y: -$0) }
        let member = FamilyMemberResult(FamilyResult(rows: rows, missing: [MissingRow(subject: "s", session: "1",
            state: "wake", scaleIndex: nil, measure: "avalanches:x", reason: "σ = 0, “quoted”")], curves: curve))
        let prov = ShardProvenance(key: "k", shard: "s/1 wake avalanches all observed", inputPath: "/d", inputSHA256: "00",
                                   programVersion: "symedge 0", rank: 1, host: "h", seconds: 0.25)
        let r = FamilyShardResult(provenance: prov, family: .avalanches, part: .whole, members: [member])
        let bytes = try r.encoded()
        XCTAssertEqual(try r.encoded(), bytes, "encoding must be deterministic")
        let back = try FamilyShardResult(decoding: bytes, source: "t")
        XCTAssertEqual(back, r)
        for (a, b) in zip(back.members[0].rows, rows) {
            XCTAssertEqual(a.value?.bitPattern, b.value?.bitPattern)
            XCTAssertEqual(a.surrogateMean?.bitPattern, b.surrogateMean?.bitPattern)
        }
        for (a, b) in zip(back.members[0].curves, curve) { XCTAssertEqual(a.x.bitPattern, b.x.bitPattern) }
        for cut in [0, 8, bytes.count / 2, bytes.count - 1] {
            XCTAssertThrowsError(try FamilyShardResult(decoding: Array(bytes.prefix(cut)), source: "cut")) { e in
                guard case BatchError.corruptShard = e else { return XCTFail("\(e)") }
            }
        }
    }
}
