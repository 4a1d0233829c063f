import Analysis
import Foundation
import TestSupport
import XCTest

/// `symedge analyze --families` end to end on a plain-text recording: family z filled from spike surrogates,
/// `family_curves.csv`, the family surrogate settings in provenance, byte-identical reruns.
/// Uses `SYMEDGE_BIN`, else `<repo>/.build/release/symedge`.
final class FamilyAnalyzeCommandTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    var base = ""

    override func setUpWithError() throws {
        base = FileManager.default.temporaryDirectory.appendingPathComponent("family-analyze-\(getpid())-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: base) }

    func binary() throws -> String { try Repository.symedge() }

    func run(_ args: [String]) throws -> (status: Int32, err: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try binary())
        p.arguments = args
        let e = base + "/.stderr-\(UUID().uuidString)"
        FileManager.default.createFile(atPath: e, contents: nil)
        p.standardOutput = FileHandle.nullDevice
        p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: e))
        try p.run()
        p.waitUntilExit()
        return (p.terminationStatus, (try? String(contentsOfFile: e, encoding: .utf8)) ?? "")
    }

    /// 6 E and 2 I units, each its own 3 Hz Poisson train plus a shared 10 Hz train (strong synchrony), 60 s of
    /// `wake`.
    func writeRecording(_ dir: String) throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var rng = FamilySurrogateTests.Rand(s: 41)
        let shared = rng.poisson(rate: 10, from: 0, to: 60)
        var spikes = "unit_id,time_s\n", units = "unit_id,class,electrode,x_um,y_um\n"
        for u in 0..<8 {
            units += "\(u),\(u < 6 ? "E" : "I"),,\(u * 200),0\n"
            for t in (rng.poisson(rate: 3, from: 0, to: 60) + shared).sorted() {
                spikes += "\(u),\(String(format: "%.6f", t))\n"
            }
        }
        try spikes.write(toFile: dir + "/spikes.csv", atomically: true, encoding: .utf8)
        try units.write(toFile: dir + "/units.csv", atomically: true, encoding: .utf8)
        try "start_s,stop_s,state\n0,60,wake\n".write(toFile: dir + "/states.csv", atomically: true, encoding: .utf8)
    }

    func testFamiliesWithSurrogatesAndCurves() throws {
        _ = try binary()
        let rec = base + "/rec"
        try writeRecording(rec)
        let args = ["analyze", rec, "--scales", "4", "--surrogates", "6", "--surrogate-kinds", "circular_shift",
                    "--seed", "9", "--families", "spatial,avalanches"]
        let a = try run(args + ["--out", base + "/a"])
        XCTAssertEqual(a.status, 0, a.err)
        let b = try run(args + ["--out", base + "/b"])
        XCTAssertEqual(b.status, 0, b.err)
        for f in [AnalysisOutput.familyFile, AnalysisOutput.familyCurvesFile, "missing.csv"] {
            XCTAssertEqual(FileManager.default.contents(atPath: base + "/a/" + f),
                           FileManager.default.contents(atPath: base + "/b/" + f), "\(f) differs on a rerun")
        }
        let rows = try TidyCSV.readFamilyMeasures(String(contentsOfFile: base + "/a/" + AnalysisOutput.familyFile,
                                                         encoding: .utf8))
        let r = try XCTUnwrap(rows.first { $0.family == .spatial && $0.group == "all" && $0.binMilliseconds == 10
                                           && $0.measure == "pair_correlation" })
        XCTAssertGreaterThan(try XCTUnwrap(r.z), 5, "shared spikes: far above the circular-shift surrogates")
        XCTAssertNotNil(rows.first { $0.family == .avalanches && $0.measure == "avalanche_count" }?.surrogateSD)
        let curves = try TidyCSV.readFamilyCurves(String(contentsOfFile: base + "/a/" + AnalysisOutput.familyCurvesFile,
                                                         encoding: .utf8))
        XCTAssertTrue(curves.contains { $0.curve == "size_count" })
        XCTAssertTrue(curves.contains { $0.curve == "rho_distance" && $0.group == "E-E" })
        let prov = try Provenance.read(String(contentsOfFile: base + "/a/provenance.json", encoding: .utf8))
        XCTAssertEqual(prov.familyParameters?.seed, 9)
        XCTAssertEqual(prov.options["family_surrogates"], "6")
        XCTAssertEqual(prov.options["family_surrogate_kind"], "circular_shift")
        XCTAssertEqual(prov.families, [.spatial, .avalanches])
    }

    /// `--family-parameters FILE` applies job-file keys (here one spatial bin size) and is recorded in provenance;
    /// an unknown key fails with the file, line and key.
    func testFamilyParametersFile() throws {
        _ = try binary()
        let rec = base + "/rec"
        try writeRecording(rec)
        try "spatial_bins_ms: [100]\n".write(toFile: base + "/fp.yaml", atomically: true, encoding: .utf8)
        let ok = try run(["analyze", rec, "--families", "spatial", "--surrogates", "0",
                          "--family-parameters", base + "/fp.yaml", "--out", base + "/a"])
        XCTAssertEqual(ok.status, 0, ok.err)
        let rows = try TidyCSV.readFamilyMeasures(String(contentsOfFile: base + "/a/family_measures.csv", encoding: .utf8))
        XCTAssertFalse(rows.isEmpty)
        XCTAssertEqual(Set(rows.compactMap(\.binMilliseconds)), [100])
        let prov = try String(contentsOfFile: base + "/a/provenance.json", encoding: .utf8)
        XCTAssertTrue(prov.contains("spatialBinsMs"), prov)

        try "spatial_bins_ms: [100]\nspatial_binz: [5]\n".write(toFile: base + "/bad.yaml", atomically: true, encoding: .utf8)
        let bad = try run(["analyze", rec, "--families", "spatial", "--family-parameters", base + "/bad.yaml",
                           "--out", base + "/b"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.err.contains("bad.yaml:2") && bad.err.contains("spatial_binz"), bad.err)
    }
}
