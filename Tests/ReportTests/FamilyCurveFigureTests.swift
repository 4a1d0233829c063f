import Analysis
import Foundation
import Recordings
import Report
import XCTest

/// Structural checks of the figures drawn from `family_curves.csv` (issue 10: avalanche distributions, S(t)
/// around seizures, spatial correlation against distance) and of the collapse figure's surrogate reference.
final class FamilyCurveFigureTests: XCTestCase {
    var base = ""

    override func setUpWithError() throws {
        base = FileManager.default.temporaryDirectory.appendingPathComponent("report-fam-\(getpid())-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: base) }

    func count(_ needle: String, in s: String) -> Int { s.components(separatedBy: needle).count - 1 }

    /// The value of attribute `name` in the first element of `tag` with `marker` (e.g. `data-name="…"`).
    func attribute(_ name: String, of marker: String, in svg: String) -> String? {
        guard let r = svg.range(of: marker) else { return nil }
        let start = svg[..<r.lowerBound].range(of: "<", options: .backwards)!.lowerBound
        let end = svg[r.upperBound...].range(of: ">")!.lowerBound
        let tag = svg[start..<end]
        guard let a = tag.range(of: " \(name)=\"") else { return nil }
        return String(tag[a.upperBound...].prefix { $0 != "\"" })
    }

    /// The (x, y) pixel pairs of the polyline inside the series group named `name`.
    func polyline(_ name: String, in svg: String) -> [(Double, Double)] {
        guard let g = svg.range(of: "data-name=\"\(name)\"") else { return [] }
        let rest = svg[g.upperBound...]
        let end = rest.range(of: "</g>")!.lowerBound
        guard let p = rest[..<end].range(of: "points=\"") else { return [] }
        return rest[p.upperBound...].prefix { $0 != "\"" }.split(separator: " ").map {
            let v = $0.split(separator: ",").map { Double($0)! }
            return (v[0], v[1])
        }
    }

    /// Pixel positions and values of the ticks of axis `axis` ("x" or "y").
    func ticks(_ axis: String, in svg: String) -> [(pixel: Double, label: String)] {
        let a = svg.range(of: "<g class=\"axis \(axis)\">")!
        let rest = svg[a.upperBound...]
        let body = rest[..<(rest.range(of: "<text class=\"label\"")?.lowerBound ?? rest.endIndex)]
        return body.components(separatedBy: "<g class=\"tick\">").dropFirst().map { t in
            let line = t.components(separatedBy: "/>")[0]
            let key = axis == "x" ? "x1=\"" : "y1=\""
            let px = Double(line.components(separatedBy: key)[1].prefix { $0 != "\"" })!
            let label = t.components(separatedBy: "</text>")[0].components(separatedBy: ">").last!
            return (px, label)
        }
    }

    /// The frame rectangle (x0, y0 = top, x1, y1 = bottom) in pixels.
    func frame(_ svg: String) -> (x0: Double, top: Double, x1: Double, bottom: Double) {
        let x = Double(attribute("x", of: "class=\"frame\"", in: svg)!)!, y = Double(attribute("y", of: "class=\"frame\"", in: svg)!)!
        let w = Double(attribute("width", of: "class=\"frame\"", in: svg)!)!, h = Double(attribute("height", of: "class=\"frame\"", in: svg)!)!
        return (x, y, x + w, y + h)
    }

    func loadFixture() throws -> ReportInput {
        try FamilyCurveFixture.write(base)
        return try ReportInput.load(base)
    }

    // MARK: Avalanches

    func testAvalancheSizesPointsLogTicksAndFitOnlyAboveXmin() throws {
        let input = try loadFixture()
        XCTAssertFalse(input.familyCurvePoints.isEmpty)
        let f = try XCTUnwrap(FamilyFigures.avalancheSizes(input))
        XCTAssertEqual(f.panels.count, 4, "P(s) and CCDF per state with spike avalanches")
        let wake = f.panels[0]
        XCTAssertTrue(f.panels[1].contains("aria-label=\"wake, s1/n1: CCDF\""))
        XCTAssertTrue(f.panels[2].contains("aria-label=\"nrem_deep, s1/n1\""))
        XCTAssertTrue(wake.contains("aria-label=\"wake, s1/n1\""), "first recording of the state")
        XCTAssertTrue(wake.contains(">avalanche size s (spikes)</text>") && wake.contains(">P(s), fraction of avalanches</text>"))
        // One point per size_count row of the drawn bins (1, 3, 7, 15 ms; not 5 ms, not the lfp group).
        for bin in [1.0, 3, 7, 15] {
            let rows = FamilyCurveFixture.sizeCounts(bin: bin).count
            let name = bin == 15 ? "15 ms: no power-law fit"
                : "\(Int(bin)) ms: α = \(Markup.label(FamilyCurveFixture.alpha(bin))), x_min = 3"
            XCTAssertTrue(wake.contains("data-name=\"\(name)\" data-count=\"\(rows)\""), "\(name) with \(rows) points")
        }
        XCTAssertFalse(wake.contains("data-name=\"5 ms"))
        XCTAssertFalse(wake.contains("data-name=\"2 ms"))
        let pointsTotal = [1.0, 3, 7, 15].map { FamilyCurveFixture.sizeCounts(bin: $0).count }.reduce(0, +)
        XCTAssertEqual(count("class=\"point\"", in: wake), pointsTotal)
        // Log x axis: decades 1, 10, 100 evenly spaced.
        let xt = ticks("x", in: wake)
        XCTAssertEqual(xt.map(\.label), ["1", "10", "100"])
        XCTAssertEqual(xt[1].pixel - xt[0].pixel, xt[2].pixel - xt[1].pixel, accuracy: 0.02)
        let yt = ticks("y", in: wake)
        XCTAssertGreaterThanOrEqual(yt.count, 3)
        for k in 1 ..< yt.count - 1 {
            XCTAssertEqual(yt[k].pixel - yt[k - 1].pixel, yt[k + 1].pixel - yt[k].pixel, accuracy: 0.02, "y decades even")
        }
        // Fit lines: three (bin 15 has none), each from x_min = 3 to the largest size 80 — never left of x_min.
        XCTAssertEqual(count("power law s ≥ x_min", in: wake), 3 * 2)   // data-name + title of each
        let px = { (v: Double) in xt[0].pixel + (xt[1].pixel - xt[0].pixel) * log10(v) }
        for bin in [1, 3, 7] {
            let line = polyline("\(bin) ms power law s ≥ x_min", in: wake)
            XCTAssertEqual(line.count, 40)
            XCTAssertEqual(line.map(\.0).min()!, px(3), accuracy: 0.02)
            XCTAssertEqual(line.map(\.0).max()!, px(80), accuracy: 0.02)
            XCTAssertEqual(attribute("stroke-dasharray", of: "points=\"\(line[0].0),", in: wake), "6 4", "fit dashed")
        }
        // CCDF panel: the same point counts, starting at 1 (every avalanche has size ≥ 1), non-increasing,
        // and the fitted CCDF from x_min on.
        let cc = f.panels[1]
        XCTAssertEqual(count("class=\"point\"", in: cc), pointsTotal)
        XCTAssertTrue(cc.contains(">P(S ≥ s), fraction of avalanches</text>"))
        XCTAssertFalse(cc.contains("class=\"legend\""))
        let ccTicks = ticks("y", in: cc)
        let top = try XCTUnwrap(ccTicks.first { $0.label == "1" }).pixel
        let pys = cc.components(separatedBy: "data-name=\"1 ms: ").dropFirst().first!
            .components(separatedBy: "</g>")[0].components(separatedBy: "cy=\"").dropFirst()
            .map { Double($0.prefix { $0 != "\"" })! }
        XCTAssertEqual(pys.count, FamilyCurveFixture.sizeCounts(bin: 1).count)
        XCTAssertEqual(pys[0], top, accuracy: 0.01, "CCDF at the smallest size is 1")
        for k in 1 ..< pys.count { XCTAssertGreaterThanOrEqual(pys[k], pys[k - 1] - 1e-9, "non-increasing") }
        let ccLine = polyline("1 ms power law s ≥ x_min", in: cc)
        XCTAssertGreaterThanOrEqual(ccLine.count, 2)
        let ccX = ticks("x", in: cc)
        XCTAssertEqual(ccLine[0].0, ccX[0].pixel + (ccX[1].pixel - ccX[0].pixel) * log10(3), accuracy: 0.02)
        XCTAssertTrue(f.caption.contains("no robust power law") && f.caption.contains("critical"))
        XCTAssertTrue(f.caption.contains("s ≥ x_min"))
    }

    func testPowerLawLineIsTheNormalisedDiscretePmf() throws {
        // α = 2, x_min = 1: P(s) = F s^−2 / ζ(2) with ζ(2) = π²/6.
        let l = try XCTUnwrap(FamilyFigures.powerLawLine(alpha: 2, xmin: 1, tailFraction: 0.5, maxSize: 100, points: 3))
        XCTAssertEqual(l.x.count, 3)
        for (u, v) in zip(l.x, [1.0, 10, 100]) { XCTAssertEqual(u, v, accuracy: 1e-9) }
        XCTAssertEqual(l.y[0], 0.5 * 6 / (.pi * .pi), accuracy: 1e-12)
        XCTAssertEqual(l.y[2], 0.5 * 6 / (.pi * .pi) / 1e4, accuracy: 1e-15)
        // α = 3, x_min = 2: ζ(3, 2) = ζ(3) − 1 (Apéry's constant 1.2020569031595942).
        let m = try XCTUnwrap(FamilyFigures.powerLawLine(alpha: 3, xmin: 2, tailFraction: 1, maxSize: 2, points: 2))
        XCTAssertEqual(m.y[0], 0.125 / 0.2020569031595942, accuracy: 1e-12)
        // Cut where the pmf falls below minimumP: 1/s² · 6/π² ≥ 1e-3 up to s ≈ 24.7, so of 1, 10, 100, 1000 two remain.
        let cut = try XCTUnwrap(FamilyFigures.powerLawLine(alpha: 2, xmin: 1, tailFraction: 1, maxSize: 1000, points: 4,
                                                           minimumP: 1e-3))
        XCTAssertEqual(cut.x.count, 2)
        XCTAssertEqual(cut.x[1], 10, accuracy: 1e-9)
        XCTAssertNil(FamilyFigures.powerLawLine(alpha: 2, xmin: 1, tailFraction: 1, maxSize: 1000, points: 4, minimumP: 0.5))
        XCTAssertNil(FamilyFigures.powerLawLine(alpha: 1, xmin: 1, tailFraction: 1, maxSize: 10))
        // CCDF: P(S ≥ 1) = F, P(S ≥ 2) = F (ζ(2) − 1)/ζ(2) = F (1 − 6/π²).
        let c = try XCTUnwrap(FamilyFigures.powerLawLine(alpha: 2, xmin: 1, tailFraction: 0.5, maxSize: 2, points: 2,
                                                         cumulative: true))
        XCTAssertEqual(c.y[0], 0.5, accuracy: 1e-12)
        XCTAssertEqual(c.y[1], 0.5 * (1 - 6 / (.pi * .pi)), accuracy: 1e-12)
        XCTAssertNil(FamilyFigures.powerLawLine(alpha: 2, xmin: 5, tailFraction: 1, maxSize: 4))
    }

    // MARK: Seizures

    func testSeizureBalanceShadesTheIctalIntervalAndMarksRecovery() throws {
        let input = try loadFixture()
        let f = try XCTUnwrap(FamilyFigures.seizureBalance(input))
        XCTAssertEqual(f.panels.count, 3, "at most three recordings")
        XCTAssertTrue(f.caption.contains("first 3 of 4 recordings"))
        for (r, panel) in f.panels.enumerated() {
            let a = FamilyCurveFixture.seizureStart + 5 * Double(r), b = FamilyCurveFixture.seizureEnd + 5 * Double(r)
            XCTAssertTrue(panel.contains("aria-label=\"S(t), p\(r + 1)\""))
            XCTAssertTrue(panel.contains("data-name=\"S(t)\" data-count=\"600\""))
            XCTAssertTrue(panel.contains("data-name=\"pre-ictal trend\" data-count=\"600\""))
            XCTAssertEqual(count("class=\"interval\"", in: panel), 1)
            XCTAssertEqual(attribute("data-x1", of: "class=\"interval\"", in: panel).flatMap(Double.init), a)
            XCTAssertEqual(attribute("data-x2", of: "class=\"interval\"", in: panel).flatMap(Double.init), b)
            // The shaded rectangle spans the seizure on the x axis (linear map through two ticks) and the full height.
            let xt = ticks("x", in: panel)
            let v0 = Double(xt[0].label)!, v1 = Double(xt[1].label)!
            let px = { (v: Double) in xt[0].pixel + (xt[1].pixel - xt[0].pixel) * (v - v0) / (v1 - v0) }
            let x = Double(attribute("x", of: "class=\"interval\"", in: panel)!)!
            let w = Double(attribute("width", of: "class=\"interval\"", in: panel)!)!
            XCTAssertEqual(x, px(a), accuracy: 0.02)
            XCTAssertEqual(x + w, px(b), accuracy: 0.03)
            let fr = frame(panel)
            XCTAssertEqual(Double(attribute("y", of: "class=\"interval\"", in: panel)!)!, fr.top, accuracy: 0.01)
            XCTAssertEqual(Double(attribute("height", of: "class=\"interval\"", in: panel)!)!, fr.bottom - fr.top, accuracy: 0.02)
            // Recovery: a vertical reference line at seizure end + 42 s.
            let rx = Double(attribute("x1", of: "class=\"reference\"", in: panel)!)!
            XCTAssertEqual(rx, px(b + FamilyCurveFixture.recovery), accuracy: 0.02)
            XCTAssertEqual(attribute("x2", of: "class=\"reference\"", in: panel).flatMap(Double.init), rx)
            XCTAssertTrue(panel.contains("class=\"legend\"") && panel.contains(">seizure</text>"))
        }
        XCTAssertTrue(f.caption.contains("p1: recovery 42 s after the seizure ended"))
        XCTAssertTrue(f.caption.contains("pre-ictal trend") && f.caption.contains("bends it away"))
    }

    // MARK: Spatial

    func testSpatialDistancePointsFitsAndLambdaAtOneBin() throws {
        let input = try loadFixture()
        let f = try XCTUnwrap(FamilyFigures.spatialDistance(input))
        XCTAssertEqual(f.panels.count, 2, "wake and rem")
        for p in f.panels {
            XCTAssertTrue(p.contains(", 100 ms bins\""), "the 100 ms bin")
            XCTAssertTrue(p.contains(">electrode distance d (µm)</text>") && p.contains(">mean pair correlation ρ</text>"))
            for (g, lambda) in [("E-E", "1000 ± 120"), ("E-I", "800 ± 90"), ("all", "900 ± 100")] {
                XCTAssertTrue(p.contains("data-name=\"\(g) λ = \(lambda) µm\" data-count=\"10\""), g)
                XCTAssertTrue(p.contains("data-name=\"\(g) fit β + κ e^(−d/λ)\" data-count=\"50\""), g)
            }
            XCTAssertTrue(p.contains("data-name=\"I-I: no fit\" data-count=\"10\""))
            XCTAssertFalse(p.contains("data-name=\"I-I fit"))
            XCTAssertEqual(count("class=\"point\"", in: p), 4 * 10)
            XCTAssertEqual(count("class=\"line\"", in: p), 3)
            XCTAssertTrue(p.contains(">E-E λ = 1000 ± 120 µm</text>"), "λ ± SE in the legend")
        }
        XCTAssertTrue(f.caption.contains("wake: E-E λ = 1000 ± 120 µm"), f.caption)
        XCTAssertTrue(f.caption.contains("at 100 ms bins"))
    }

    func testUnresolvedLambdaIsMarked() throws {
        var input = ReportInput(root: "/nowhere", layout: "analyze")
        for d in [100.0, 500, 900] {
            input.familyCurvePoints.append(FamilyCurveRow(subject: "a", session: "", state: "wake", family: .spatial,
                                                          group: "I-I", binMilliseconds: 100, curve: "rho_distance",
                                                          x: d, y: 0.1))
        }
        for (m, v) in [("distance_lambda_um", 5e5), ("distance_lambda_se_um", 3e8)] {
            input.families.append(FamilyMeasure(subject: "a", session: "", state: "wake", family: "spatial",
                                                channel: "", group: "I-I", binMilliseconds: 100, measure: m, value: v))
        }
        let f = try XCTUnwrap(FamilyFigures.spatialDistance(input))
        XCTAssertTrue(f.panels[0].contains("data-name=\"I-I λ unresolved\" data-count=\"3\""))
        XCTAssertTrue(f.caption.contains("I-I λ = 5e5 ± 3e8 µm (unresolved)"), f.caption)
    }

    func testSpatialFallsBackToTheMiddleBin() throws {
        var input = ReportInput(root: "/nowhere", layout: "analyze")
        for bin in [10.0, 30, 1000] {
            for d in [100.0, 500, 900] {
                input.familyCurvePoints.append(FamilyCurveRow(subject: "a", session: "", state: "wake", family: .spatial,
                                                              group: "E-E", binMilliseconds: bin, curve: "rho_distance",
                                                              x: d, y: 0.1))
            }
        }
        let f = try XCTUnwrap(FamilyFigures.spatialDistance(input))
        XCTAssertTrue(f.panels[0].contains(", 30 ms bins\""))
        XCTAssertTrue(f.panels[0].contains("data-name=\"E-E: no fit\" data-count=\"3\""))
    }

    // MARK: Presence and the page

    func testFiguresOnlyWithTheirCurves() throws {
        let empty = ReportInput(root: "/nowhere", layout: "analyze")
        XCTAssertNil(FamilyFigures.avalancheSizes(empty))
        XCTAssertNil(FamilyFigures.seizureBalance(empty))
        XCTAssertNil(FamilyFigures.spatialDistance(empty))
        var onlyLFP = empty
        onlyLFP.familyCurvePoints = [FamilyCurveRow(subject: "a", session: "", state: "wake", family: .avalanches,
                                                    group: "lfp", binMilliseconds: 2, curve: "size_count", x: 1, y: 3)]
        XCTAssertNil(FamilyFigures.avalancheSizes(onlyLFP), "spike avalanches only")
        // A seizure curve outside the ictal state is not drawn.
        var notIctal = empty
        notIctal.familyCurvePoints = [FamilyCurveRow(subject: "a", session: "", state: "wake", family: .seizure,
                                                     curve: "balance_S", x: 1, y: 3)]
        XCTAssertNil(FamilyFigures.seizureBalance(notIctal))
    }

    func testAnalyzeAndSweepFoldersCarryTheFiguresIntoThePage() throws {
        // Analyze layout: the tables next to family_measures.csv.
        try ReportFixture.writeAnalyzeFolder(base + "/an", surrogates: 5)
        try FamilyCurveFixture.write(base + "/an")
        let html = try String(contentsOfFile: try HTMLReport.write(folder: base + "/an"), encoding: .utf8)
        for id in ["avalanche-sizes", "seizure-balance", "spatial-distance"] {
            XCTAssertTrue(html.contains("<figure id=\"\(id)\""), id)
        }
        XCTAssertEqual(count("<g class=\"axis x\">", in: html), count("<svg ", in: html))
        // Sweep layout: tables/family_curves.csv.
        try ReportFixture.writeSweepFolder(base + "/sw", subjects: 2, surrogates: 4)
        try FamilyCurveFixture.write(base + "/sw/tables")
        let sweep = HTMLReport.build(try ReportInput.load(base + "/sw"))
        for id in ["avalanche-sizes", "seizure-balance", "spatial-distance"] {
            XCTAssertTrue(sweep.contains("<figure id=\"\(id)\""), id)
        }
        // Without family_curves.csv none of them.
        try FileManager.default.removeItem(atPath: base + "/sw/tables/family_curves.csv")
        let bare = HTMLReport.build(try ReportInput.load(base + "/sw"))
        for id in ["avalanche-sizes", "seizure-balance", "spatial-distance"] {
            XCTAssertFalse(bare.contains("<figure id=\"\(id)\""), id)
        }
    }

    func testMalformedFamilyCurvesNameTheFile() throws {
        try "subject,session,state,family,channel,group,bin_ms,curve,x\n".write(
            toFile: base + "/family_curves.csv", atomically: true, encoding: .utf8)
        try FamilyCurveFixture.measuresCSV().write(toFile: base + "/family_measures.csv", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ReportInput.load(base)) { e in
            XCTAssertTrue("\(e)".contains("family_curves.csv"), "\(e)")
        }
    }

    // MARK: Collapse surrogate reference

    func testCollapseFigureDrawsTheSurrogateBandClippedToTheFrame() throws {
        var input = ReportInput(root: "/nowhere", layout: "analyze")
        let x = (0 ... 100).map { Double($0) / 100 }
        for s in [5, 10, 20] {
            input.curves.append(("", AnalysisOutput.curveTable(state: "wake", StateCurve(
                kind: "collapse", scaleIndex: s, x: x, y: x.map { -4 * $0 * (1 - $0) * Double(s) }))))
        }
        let f0 = try XCTUnwrap(Figures.collapse(input, state: "wake"))
        XCTAssertFalse(f0.panels[0].contains("class=\"band\""))
        XCTAssertTrue(f0.caption.contains("No surrogate reference"))
        // Mean −4x(1−x) (depth 1), sd 0.5: mean ± 2 sd reaches +1 and −3, beyond the curves' domain.
        input.curves.append(("", AnalysisOutput.curveTable(state: "wake", StateCurve(
            kind: StateAnalysis.collapseSurrogateMeanKind, scaleIndex: 0, x: x, y: x.map { -4 * $0 * (1 - $0) }))))
        input.curves.append(("", AnalysisOutput.curveTable(state: "wake", StateCurve(
            kind: StateAnalysis.collapseSurrogateSDKind, scaleIndex: 0, x: x, y: x.map { _ in 0.5 }))))
        let f = try XCTUnwrap(Figures.collapse(input, state: "wake"))
        let svg = f.panels[0]
        XCTAssertEqual(count("class=\"band\"", in: svg), 1)
        XCTAssertTrue(svg.contains("data-name=\"surrogates ±2 sd\" data-count=\"101\""))
        XCTAssertTrue(svg.contains("data-name=\"surrogate mean\" data-count=\"101\""))
        XCTAssertTrue(svg.contains("data-name=\"i.i.d. normal reference\" data-count=\"101\""))
        XCTAssertEqual(count("class=\"line\"", in: svg), 3 + 2)
        let fr = frame(svg)
        let pts = attribute("points", of: "class=\"band\"", in: svg)!.split(separator: " ").map {
            $0.split(separator: ",").map { Double($0)! }
        }
        XCTAssertEqual(pts.count, 2 * 101)
        for p in pts {
            XCTAssertTrue(p[0] >= fr.x0 - 1e-9 && p[0] <= fr.x1 + 1e-9)
            XCTAssertTrue(p[1] >= fr.top - 1e-9 && p[1] <= fr.bottom + 1e-9, "band clipped to the frame: \(p[1])")
        }
        XCTAssertTrue(pts.contains { abs($0[1] - fr.top) < 1e-9 } && pts.contains { abs($0[1] - fr.bottom) < 1e-9 },
                      "the band reaches both clipped edges")
        XCTAssertTrue(f.caption.contains("surrogates"))
        // The axes are set by the curves, not widened by the band: y ticks stay within [−1.2, 0.2].
        for t in ticks("y", in: svg) { XCTAssertTrue(Double(t.label)! >= -1.2 && Double(t.label)! <= 0.2, t.label) }
    }

    /// The Analysis function behind the band: each pooled curve is depth-normalised (minimum −1), the ends are 0,
    /// and with one surrogate and one scale its argmin is the `collapse_argmin` that `StateAnalysis.compute`
    /// reports for the same surrogate member (the same random stream); the stream depends on the recording id.
    func testCollapseSurrogateReferenceMatchesTheSurrogateMember() throws {
        try ReportFixture.writeTextRecording(base + "/rec", seconds: 40)
        let rec = try RecordingReader.read(base + "/rec")
        var p = AnalysisParameters()
        p.scaleCount = 1
        let ref = try StateAnalysis.collapseSurrogateReference(recording: rec, recordingID: "r/1", state: "wake",
                                                               parameters: p, kind: .circularShift, count: 1)
        XCTAssertEqual(ref.map(\.kind), [StateAnalysis.collapseSurrogateMeanKind, StateAnalysis.collapseSurrogateSDKind])
        XCTAssertEqual(ref.map(\.x.count), [101, 101])
        let y = ref[0].y
        XCTAssertEqual(y.min()!, -1, accuracy: 1e-12)
        XCTAssertEqual(y.first!, 0, accuracy: 1e-9)
        XCTAssertEqual(y.last!, 0, accuracy: 1e-9)
        XCTAssertTrue(ref[1].y.allSatisfy { abs($0) < 1e-9 }, "one pooled curve: sd 0")
        let sets = try StateAnalysis.compute(recording: rec, recordingID: "r/1", state: "wake",
                                             members: [.surrogate(.circularShift, 0)], parameters: p)
        let argmin = try XCTUnwrap(sets[.surrogate(.circularShift, 0)]?.values[MeasureKey("collapse_argmin", scale: 1)])
        XCTAssertEqual(Double(y.firstIndex(of: y.min()!)!) / 100, argmin, accuracy: 0.0101)
        // Deterministic, and seeded by the recording id.
        XCTAssertEqual(try StateAnalysis.collapseSurrogateReference(recording: rec, recordingID: "r/1", state: "wake",
                                                                    parameters: p, count: 1), ref)
        var p4 = AnalysisParameters()
        p4.scaleCount = 20
        let a = try StateAnalysis.collapseSurrogateReference(recording: rec, recordingID: "r/1", state: "wake", parameters: p4, count: 3)
        let b = try StateAnalysis.collapseSurrogateReference(recording: rec, recordingID: "r/2", state: "wake", parameters: p4, count: 3)
        XCTAssertNotEqual(a[0].y, b[0].y)
        XCTAssertGreaterThan(a[1].y.max()!, 0, "several pooled curves: a band")
        XCTAssertEqual(try StateAnalysis.collapseSurrogateReference(recording: rec, recordingID: "r/1", state: "wake",
                                                                    parameters: p4, count: 0), [])
    }
}

