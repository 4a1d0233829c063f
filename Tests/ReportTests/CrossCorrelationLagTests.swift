import Analysis
import Foundation
import Report
import XCTest

/// Structural checks of the cross-correlation-against-lag figure (METHODS §3.6, issue 10).
final class CrossCorrelationLagTests: XCTestCase {
    func count(_ needle: String, in s: String) -> Int { s.components(separatedBy: needle).count - 1 }

    /// ρ(l) = a·exp(−((l − shift)/w)²) for l = −L…L, x = l·Δt_s.
    static func curve(scale: Int, lag: Int = 20, shift: Double = 0, height: Double = 0.8) -> StateCurve {
        let dt = AnalysisParameters.scaleMilliseconds(scale)
        let ls = (-lag ... lag).map(Double.init)
        return StateCurve(kind: "xcorr", scaleIndex: scale, x: ls.map { $0 * dt },
                          y: ls.map { height * exp(-pow(($0 - shift) / 4, 2)) })
    }

    func testOnePanelPerChosenScaleAndOneMarkPerLag() throws {
        var input = ReportInput(root: "/nowhere", layout: "analyze")
        for src in ["rec-a", "rec-b"] {
            for s in [1, 5, 10, 20, 28, 32] {
                input.curves.append((src, AnalysisOutput.curveTable(state: "wake", Self.curve(scale: s))))
            }
        }
        input.curves.append(("rec-a", AnalysisOutput.curveTable(state: "rem", Self.curve(scale: 10))))
        let f = try XCTUnwrap(Figures.crossCorrelationLag(input, state: "wake"))
        XCTAssertEqual(f.panels.count, 4)   // scales 1, 10, 20, 28
        for (panel, s) in zip(f.panels, [1, 10, 20, 28]) {
            XCTAssertTrue(panel.contains("<g class=\"axis x\">") && panel.contains("<g class=\"axis y\">"))
            XCTAssertTrue(panel.contains(">lag of I after E (ms)</text>") && panel.contains("class=\"reference\""))
            XCTAssertTrue(panel.contains("(scale \(s))"))
            XCTAssertEqual(count("class=\"point\"", in: panel), 2 * 41)
            XCTAssertEqual(count("class=\"line\"", in: panel), 2)
            XCTAssertEqual(count("data-count=\"41\"", in: panel), 2)
            XCTAssertTrue(panel.contains("data-name=\"rec-a\"") && panel.contains("data-name=\"rec-b\""))
        }
        XCTAssertTrue(f.caption.contains("peaks at zero") && f.caption.contains("external drive"))
        XCTAssertNil(Figures.crossCorrelationLag(input, state: "nrem_deep"))
        XCTAssertEqual(try XCTUnwrap(Figures.crossCorrelationLag(input, state: "rem")).panels.count, 1)
    }

    func testFallsBackToFourSpreadScalesAndClippedLags() throws {
        var input = ReportInput(root: "/nowhere", layout: "analyze")
        for s in 2 ... 9 { input.curves.append(("", AnalysisOutput.curveTable(state: "wake", Self.curve(scale: s, lag: 3)))) }
        let f = try XCTUnwrap(Figures.crossCorrelationLag(input, state: "wake"))
        XCTAssertEqual(f.panels.count, 4)
        for p in f.panels { XCTAssertEqual(count("class=\"point\"", in: p), 7) }
        XCTAssertTrue(f.panels[0].contains("(scale 2)") && f.panels[3].contains("(scale 9)"))
    }

    /// Written by the real output path and read back: the `<state>_xcorr_sNN.csv` names parse (state with `_`),
    /// and the report page carries the figure in the state's section.
    func testRoundTripThroughCurveFilesIntoTheReport() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("report-xcorr-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let curves: [(state: String, curve: StateCurve)] = [("nrem_light", Self.curve(scale: 10, shift: 3)),
                                                            ("nrem_light", Self.curve(scale: 20))]
        try AnalysisOutput.write(TidyTables(), curves: curves, to: dir)
        let input = try ReportInput.load(dir)
        let xc = input.curves.filter { $0.table.kind == "xcorr" }
        XCTAssertEqual(xc.map(\.table.state), ["nrem_light", "nrem_light"])
        XCTAssertEqual(Set(xc.map(\.table.scaleIndex)), [10, 20])
        XCTAssertEqual(xc.first?.table.rows.count, 41)
        let html = HTMLReport.build(input)
        XCTAssertTrue(html.contains("id=\"xcorr-lag-nrem_light\""))
        XCTAssertTrue(html.contains("E–I cross-correlation against lag — nrem_light"))
    }
}
