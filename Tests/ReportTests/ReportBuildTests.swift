import XCTest
import Foundation
import Analysis
import Recordings
import Report

/// The report built from analyze- and sweep-layout folders: figures present, marks match the tables,
/// self-contained HTML.
final class ReportBuildTests: XCTestCase {
    var base = ""

    override func setUpWithError() throws {
        base = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(getpid())-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: base) }

    func count(_ needle: String, in s: String) -> Int { s.components(separatedBy: needle).count - 1 }

    /// The `<svg …>…</svg>` whose aria-label is `label`.
    func panel(_ label: String, in html: String) -> String? {
        guard let r = html.range(of: "aria-label=\"\(label)\"") else { return nil }
        let start = html[..<r.lowerBound].range(of: "<svg", options: .backwards)!.lowerBound
        let end = html[r.upperBound...].range(of: "</svg>")!.upperBound
        return String(html[start..<end])
    }

    func testAnalyzeFolderReport() throws {
        try ReportFixture.writeAnalyzeFolder(base)
        let path = try HTMLReport.write(folder: base)
        let html = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"))
        XCTAssertFalse(html.contains("<script"), "no scripts")
        XCTAssertFalse(html.contains("src=\"http") || html.contains("href=\"http"), "no network resources")
        for id in ["order", "correlation", "variance", "xcorr", "distribution", "gini", "glcm",
                   "collapse-wake", "partition-nrem_deep", "series-rem", "joint-nrem_light"] {
            XCTAssertTrue(html.contains("<figure id=\"\(id)\""), "figure \(id) missing")
        }
        // Every chart has both axes; every figure has a caption.
        let svgs = count("<svg ", in: html)
        XCTAssertGreaterThan(svgs, 30)
        XCTAssertEqual(count("<g class=\"axis x\">", in: html), svgs)
        XCTAssertEqual(count("<g class=\"axis y\">", in: html), svgs)
        XCTAssertEqual(count("<figure ", in: html), count("<figcaption>", in: html))
        // Collapse figure of one state: 32 scale curves + the normal reference + the surrogate mean, 101 points
        // each, and the surrogate ±2 sd band.
        let collapse = try XCTUnwrap(panel("Collapse curves, wake", in: html))
        XCTAssertEqual(count("class=\"line\"", in: collapse), 34)
        XCTAssertEqual(count("class=\"band\"", in: collapse), 1)
        XCTAssertEqual(count("data-count=\"101\"", in: collapse), 35)
        // Correlation across scales: one line per state with one point per scale (32).
        let corr = try XCTUnwrap(panel("E–I correlation across scales", in: html))
        XCTAssertEqual(count("data-count=\"32\"", in: corr), 4 * 3)   // data + 2 surrogate band lines per state
        XCTAssertEqual(count("class=\"point\"", in: corr), 4 * 32)
        // Verdict table: one row per state with the computed word.
        let verdicts = try TidyCSV.readVerdicts(String(contentsOfFile: base + "/verdicts.csv", encoding: .utf8))
        for v in verdicts {
            let word = v.verdict.rawValue
            XCTAssertTrue(html.contains("<tr class=\"\(word)\"><td>\(v.state)</td>"), "\(v.state) \(word)")
        }
        // Cohort counts per state: one row per state whose counts add up to its recordings.
        for st in Set(verdicts.map(\.state)) {
            let n = verdicts.filter { $0.state == st }
            let cells = Verdict.allCases.map { c in "<td>\(n.filter { $0.verdict == c }.count)</td>" }.joined()
            XCTAssertTrue(html.contains("<tr><td>\(st)</td><td>\(n.count)</td>\(cells)</tr>"), "counts of \(st)")
        }
        XCTAssertTrue(html.contains("Provenance: provenance.json"))
    }

    func testSweepFolderReportPointsMatchTables() throws {
        try ReportFixture.writeSweepFolder(base, subjects: 5)
        let html = ReportReportBuild.build(base)
        XCTAssertTrue(html.contains("injected &lt;failure&gt; for the test"), "failed shard message shown, escaped")
        XCTAssertTrue(html.contains("sub3/ses1 rem: 1 of 2 shards not done"))
        let rbar = try XCTUnwrap(panel("r_bar", in: html))
        let rows = try TidyCSV.readOrderParameters(String(contentsOfFile: base + "/tables/order_parameters.csv", encoding: .utf8))
        for state in ReportFixture.states {
            let n = rows.filter { $0.state == state && $0.measure == "r_bar" && $0.value != nil }.count
            XCTAssertEqual(n, 5)
            XCTAssertTrue(rbar.contains("data-name=\"\(state) recordings\" data-count=\"\(n)\""), state)
        }
        // Cohort means with CI error bars: one per state.
        XCTAssertEqual(count("class=\"errorbar\"", in: rbar), 4)
        XCTAssertTrue(html.contains("Paired within-subject state differences"))
        // Measure families: spatial correlation against bin size, one line per (state, pair class) with 3 bins.
        let spatial = try XCTUnwrap(panel("pair_correlation", in: html))
        XCTAssertEqual(count("data-count=\"3\"", in: spatial), 4 * 3)
        XCTAssertTrue(html.contains("<figure id=\"family-avalanches\""))
        XCTAssertTrue(html.contains("lfp/aperiodic_exponent"))
        // A sweep folder without curves (made before sweeps wrote them) says so per state instead of drawing empty figures.
        XCTAssertTrue(html.contains("No curves or series files for this state"))
    }

    /// A sweep's per-state figures come from its shard products in `tables/recordings/<name>/curves/` and
    /// `series/` (the files `analyze` writes): the report draws the first recording with the state, labels it by
    /// its folder, and never opens a recording (the input is deleted before the report is built).
    func testSweepReportDrawsPerStateCurvesFromTheRecordingTables() throws {
        let rec = base + "/rec"
        try ReportFixture.writeTextRecording(rec)
        try ReportFixture.writeSweepFolder(base + "/sweep", subjects: 3, inputPath: rec)
        let recording = try RecordingReader.read(rec)
        var p = AnalysisParameters()
        p.surrogateCount = 4
        for name in ["sub2_ses1", "sub1_ses1"] {
            var curves: [(state: String, curve: StateCurve)] = [], series: [SeriesTable] = []
            for state in ["wake", "nrem_deep"] {
                let b = try StatePipeline.computeBlock([.observed], recording: recording, recordingID: name,
                                                       state: state, parameters: p)
                XCTAssertEqual(b.warnings, [])
                curves += b.curves.map { (state, $0) }
                series += b.series
            }
            try AnalysisOutput.write(TidyTables(), curves: curves, series: series,
                                     to: base + "/sweep/tables/recordings/" + name)
        }
        try FileManager.default.removeItem(atPath: rec)
        let input = try ReportInput.load(base + "/sweep")
        XCTAssertEqual(Set(input.curves.map(\.source)), ["sub1_ses1", "sub2_ses1"])
        XCTAssertEqual(Set(input.curves.map(\.table.state)), ["wake", "nrem_deep"])
        XCTAssertEqual(Set(input.series.map(\.table.scaleIndex)), [15, 20, 25, 30])
        let html = HTMLReport.build(input)
        XCTAssertTrue(html.contains("<figure id=\"collapse-wake\""))
        XCTAssertTrue(html.contains("<figure id=\"joint-nrem_deep\""))
        // The surrogate collapse reference of both states, drawn as a band; only the first recording's curves.
        for state in ["wake", "nrem_deep"] {
            for kind in [StateAnalysis.collapseSurrogateMeanKind, StateAnalysis.collapseSurrogateSDKind] {
                XCTAssertEqual(input.curves.filter { $0.table.state == state && $0.table.kind == kind }.count, 2, "\(state) \(kind)")
            }
        }
        let collapse = try XCTUnwrap(panel("Collapse curves, wake", in: html))
        XCTAssertEqual(count("class=\"band\"", in: collapse), 1)
        XCTAssertTrue(collapse.contains("sub1_ses1") && !collapse.contains("sub2_ses1"))
    }

    /// Wall time per family from the manifest's `measureTimes` (written by the sweep from its ledger).
    func testWallTimePerFamilyFromTheManifest() throws {
        try ReportFixture.writeSweepFolder(base, subjects: 2)
        let path = base + "/manifest.json"
        var m = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        m["measureTimes"] = ["lfp": ["shards": 1, "seconds": 0.5], "seizure": ["shards": 1, "seconds": 3],
                             "balance": ["shards": 2, "seconds": 5], "spatial": ["shards": 1, "seconds": 1.5]]
        try JSONSerialization.data(withJSONObject: m).write(to: URL(fileURLWithPath: path))
        let input = try ReportInput.load(base)
        XCTAssertEqual(input.familyTimes, [FamilyTime(family: "balance", shards: 2, seconds: 5),
                                           FamilyTime(family: "seizure", shards: 1, seconds: 3),
                                           FamilyTime(family: "spatial", shards: 1, seconds: 1.5),
                                           FamilyTime(family: "lfp", shards: 1, seconds: 0.5)])
        let html = HTMLReport.build(input)
        XCTAssertTrue(html.contains("<h3>Wall time per family</h3>"))
        XCTAssertTrue(html.contains("<tr><td>seizure</td><td>1</td><td>3</td><td>30 %</td></tr>"), html)
        XCTAssertEqual(ReportInput.familyTimes(manifest: [:]), [])
    }

    func testNotAnOutputFolder() {
        XCTAssertThrowsError(try HTMLReport.write(folder: base)) { e in
            XCTAssertTrue("\(e)".contains("not an analysis or sweep output folder"), "\(e)")
        }
    }

    func testNormalCollapseReference() {
        XCTAssertEqual(Figures.normalCollapse(0.5), -1, accuracy: 1e-12)
        // −φ(Φ⁻¹(x))/φ(0) at x = Φ(1) = 0.8413447460685429 is −e^{−1/2}.
        XCTAssertEqual(Figures.normalCollapse(0.8413447460685429), -exp(-0.5), accuracy: 1e-8)
        XCTAssertEqual(Figures.normalCollapse(0), 0)
    }
}

/// Builds without writing (helper for tests).
enum ReportReportBuild {
    static func build(_ folder: String) -> String {
        (try? HTMLReport.build(ReportInput.load(folder))) ?? ""
    }
}
