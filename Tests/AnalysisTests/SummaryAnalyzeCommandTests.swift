import TestSupport
import XCTest
import Foundation
import Analysis
import Recordings

/// `symedge analyze` end to end on a generated plain-text recording: the output folder's layout and headers,
/// byte-identical CSVs on a rerun, provenance hash, the pseudo-state `all`, and clear errors.
/// Uses `SYMEDGE_BIN`, else `<repo>/.build/release/symedge`.
final class SummaryAnalyzeCommandTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    var base = ""

    override func setUpWithError() throws {
        base = FileManager.default.temporaryDirectory.appendingPathComponent("analyze-\(getpid())-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: base) }

    func binary() throws -> String { try Repository.symedge() }

    func run(_ args: [String]) throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try binary())
        p.arguments = args
        let o = base + "/.stdout-\(UUID().uuidString)", e = base + "/.stderr-\(UUID().uuidString)"
        FileManager.default.createFile(atPath: o, contents: nil)
        FileManager.default.createFile(atPath: e, contents: nil)
        p.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: o))
        p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: e))
        try p.run()
        p.waitUntilExit()
        return (p.terminationStatus, (try? String(contentsOfFile: o, encoding: .utf8)) ?? "",
                (try? String(contentsOfFile: e, encoding: .utf8)) ?? "")
    }

    /// 16 E units at ~5 Hz and 4 I units at ~25 Hz sharing a slow rate modulation, `seconds` long;
    /// states wake / nrem_deep halves when `states` (`PlainTextRecording` of TestSupport, seed 77).
    func writeRecording(_ dir: String, seconds: Double = 120, states: Bool = true) throws {
        try PlainTextRecording.write(to: dir, seconds: seconds, states: states, seed: 77)
    }

    func testRerunIsByteIdenticalAndLayoutMatchesTheContract() throws {
        _ = try binary()
        let rec = base + "/rec"
        try writeRecording(rec)
        let a = try run(["analyze", rec, "--out", base + "/a", "--surrogates", "4", "--seed", "5"])
        XCTAssertEqual(a.status, 0, a.err)
        let b = try run(["analyze", rec, "--out", base + "/b", "--surrogates", "4", "--seed", "5"])
        XCTAssertEqual(b.status, 0, b.err)
        XCTAssertTrue(a.err.contains("state wake"), "progress per state on stderr")
        let fm = FileManager.default
        let files = try fm.subpathsOfDirectory(atPath: base + "/a").filter { $0.hasSuffix(".csv") }.sorted()
        for f in ["measures.csv", "order_parameters.csv", "verdicts.csv", "missing.csv", "surrogates_secondary.csv",
                  "curves/wake_collapse_s01.csv", "curves/nrem_deep_partition_i_s32.csv", "series/wake_s20.csv"] {
            XCTAssertTrue(files.contains(f), "\(f) missing from \(files)")
        }
        for f in files {
            XCTAssertEqual(fm.contents(atPath: base + "/a/" + f), fm.contents(atPath: base + "/b/" + f), "\(f) differs")
        }
        let m = try String(contentsOfFile: base + "/a/measures.csv", encoding: .utf8)
        XCTAssertTrue(m.hasPrefix(TidyCSV.measuresHeader.joined(separator: ",") + "\n"))
        let rows = try TidyCSV.readMeasures(m)
        XCTAssertEqual(Set(rows.filter { $0.measure == "pearson_r" }.map(\.scaleIndex)), Set((1...32).map { Optional($0) }))
        XCTAssertTrue(rows.contains { $0.measure == "glcm_contrast_d3" && $0.scaleIndex == nil })
        let orders = try TidyCSV.readOrderParameters(String(contentsOfFile: base + "/a/order_parameters.csv", encoding: .utf8))
        XCTAssertEqual(Set(orders.map(\.measure)), Set(OrderParameter.names + [OrderParameter.verdict]))
        let verdicts = try TidyCSV.readVerdicts(String(contentsOfFile: base + "/a/verdicts.csv", encoding: .utf8))
        XCTAssertEqual(verdicts.map(\.state).sorted(), ["nrem_deep", "wake"])
        // The shared modulation makes r̄ far above its surrogates.
        let rbar = try XCTUnwrap(orders.first { $0.measure == "r_bar" && $0.state == "wake" })
        XCTAssertGreaterThan(try XCTUnwrap(rbar.z), 1.96)
        // Provenance: the input hash and the parameters in effect.
        let prov = try Provenance.read(String(contentsOfFile: base + "/a/provenance.json", encoding: .utf8))
        XCTAssertEqual(prov.input.sha256, try ContentHash.sha256(file: rec))
        XCTAssertEqual(prov.parameters.surrogateCount, 4)
        XCTAssertEqual(prov.parameters.seed, 5)
        XCTAssertEqual(prov.input.unitsE, 16); XCTAssertEqual(prov.input.unitsI, 4)
        // A different seed changes the surrogate statistics.
        let c = try run(["analyze", rec, "--out", base + "/c", "--surrogates", "4", "--seed", "6"])
        XCTAssertEqual(c.status, 0, c.err)
        XCTAssertNotEqual(fm.contents(atPath: base + "/a/measures.csv"), fm.contents(atPath: base + "/c/measures.csv"))
    }

    func testFamiliesOptionWritesFamilyMeasures() throws {
        _ = try binary()
        let rec = base + "/rec"
        try writeRecording(rec, seconds: 30, states: false)
        let a = try run(["analyze", rec, "--out", base + "/a", "--surrogates", "0", "--families", "avalanches,spatial"])
        XCTAssertEqual(a.status, 0, a.err)
        let t = try String(contentsOfFile: base + "/a/family_measures.csv", encoding: .utf8)
        XCTAssertTrue(t.hasPrefix(TidyCSV.familyMeasuresHeader.joined(separator: ",") + "\n"))
        XCTAssertTrue(t.contains(",all,avalanches,") && t.contains(",all,spatial,"))
        let prov = try Provenance.read(String(contentsOfFile: base + "/a/provenance.json", encoding: .utf8))
        XCTAssertEqual(prov.families, [.avalanches, .spatial])
        let bad = try run(["analyze", rec, "--out", base + "/b", "--families", "nonsense"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.err.contains("nonsense"), bad.err)
    }

    func testNoEpochsGivesPseudoStateAllAndUnknownStateIsAClearError() throws {
        _ = try binary()
        let rec = base + "/rec"
        try writeRecording(rec, seconds: 40, states: false)
        let a = try run(["analyze", rec, "--out", base + "/a", "--surrogates", "0", "--scales", "12"])
        XCTAssertEqual(a.status, 0, a.err)
        let v = try TidyCSV.readVerdicts(String(contentsOfFile: base + "/a/verdicts.csv", encoding: .utf8))
        XCTAssertEqual(v.map(\.state), ["all"])
        // Without surrogates the z tests are undecidable; only θ̄ can decide (as broken), never "holds".
        XCTAssertNotEqual(v[0].holds, true)
        XCTAssertTrue(v[0].evidence.contains("r_bar=") && v[0].evidence.contains("z=empty"), v[0].evidence)
        let missing = try String(contentsOfFile: base + "/a/missing.csv", encoding: .utf8)
        XCTAssertTrue(missing.contains("surrogate_statistics"))
        let bad = try run(["analyze", rec, "--out", base + "/b", "--states", "rem"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.err.contains("rem") && bad.err.contains("all"), bad.err)
        let none = try run(["analyze", base + "/nope", "--out", base + "/c"])
        XCTAssertNotEqual(none.status, 0)
        XCTAssertTrue(none.err.contains("nope"), none.err)
    }
}
