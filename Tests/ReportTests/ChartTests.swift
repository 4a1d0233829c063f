import XCTest
import Report

/// Structural checks of the SVG layer: axes present, one drawn mark per data point, scales and ticks.
final class ChartTests: XCTestCase {
    func count(_ needle: String, in s: String) -> Int { s.components(separatedBy: needle).count - 1 }

    func testPointsMatchFiniteDataAndAxesPresent() {
        let x = (0..<17).map(Double.init)
        var y = x.map { $0 * $0 }
        y[3] = .nan
        let svg = XYChart(title: "t", xLabel: "time (s)", yLabel: "rate (Hz)",
                          series: [Series(name: "a", x: x, y: y, style: .points),
                                   Series(name: "b", x: [1, 2, 3], y: [1, 2, 3], style: .line)]).svg()
        XCTAssertEqual(count("class=\"point\"", in: svg), 16)
        XCTAssertEqual(count("class=\"line\"", in: svg), 1)
        XCTAssertTrue(svg.contains("data-name=\"a\" data-count=\"16\""))
        XCTAssertTrue(svg.contains("<g class=\"axis x\">") && svg.contains("<g class=\"axis y\">"))
        XCTAssertTrue(svg.contains(">time (s)</text>") && svg.contains(">rate (Hz)</text>"))
        XCTAssertGreaterThanOrEqual(count("class=\"tick\"", in: svg), 6)
        XCTAssertTrue(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        XCTAssertTrue(svg.contains("class=\"legend\""))
    }

    func testPolylineHasOneVertexPerPoint() {
        let svg = XYChart(title: "t", xLabel: "x", yLabel: "y",
                          series: [Series(name: "a", x: [0, 1, 2, 3, 4], y: [1, 0, 1, 0, 1])]).svg()
        let pts = svg.components(separatedBy: "points=\"")[1].components(separatedBy: "\"")[0]
        XCTAssertEqual(pts.split(separator: " ").count, 5)
    }

    func testLogAxisDropsNonPositiveAndMapsDecadesEvenly() {
        let svg = XYChart(title: "t", xLabel: "Δt (ms)", yLabel: "V", xAxis: .log, yAxis: .log,
                          series: [Series(name: "a", x: [1, 10, 100, 1000, 0, -1], y: [1, 0.1, 0.01, 0.001, 1, 1],
                                          style: .points)]).svg()
        XCTAssertEqual(count("class=\"point\"", in: svg), 4)
        let s = AxisScale(kind: .log, lower: 1, upper: 1000, start: 0, end: 300)
        XCTAssertEqual(s.map(10), 100, accuracy: 1e-9)
        XCTAssertEqual(s.map(100), 200, accuracy: 1e-9)
        XCTAssertEqual(s.ticks().map(\.value), [1, 10, 100, 1000])
    }

    func testLinearScaleMapsEndsAndTicksStayInside() {
        let s = AxisScale.fitted(.linear, values: [0.13, 0.87], start: 50, end: 350)
        XCTAssertLessThanOrEqual(s.lower, 0.13); XCTAssertGreaterThanOrEqual(s.upper, 0.87)
        XCTAssertEqual(s.map(s.lower), 50); XCTAssertEqual(s.map(s.upper), 350)
        let t = s.ticks().map(\.value)
        XCTAssertGreaterThanOrEqual(t.count, 3)
        for v in t { XCTAssertTrue(v >= s.lower - 1e-12 && v <= s.upper + 1e-12) }
        XCTAssertEqual(Ticks.niceStep(0.13), 0.2, accuracy: 1e-15)
        XCTAssertEqual(Ticks.niceStep(3.1), 5)
        let lt = Ticks.linear(0, 1)
        XCTAssertEqual(lt.count, 6)
        XCTAssertEqual(lt.first, 0); XCTAssertEqual(lt.last!, 1, accuracy: 1e-12)
    }

    func testCategoricalAxisAndErrorBars() {
        let svg = XYChart(title: "r̄", xLabel: "state", yLabel: "r̄", xAxis: .categorical(["wake", "rem", "nrem_deep"]),
                          series: [Series(name: "mean", x: [0, 1, 2], y: [0.5, 0.4, 0.2], style: .points,
                                          yLow: [0.4, 0.3, 0.1], yHigh: [0.6, 0.5, 0.3])]).svg()
        XCTAssertEqual(count("class=\"errorbar\"", in: svg), 3)
        XCTAssertTrue(svg.contains(">wake</text>") && svg.contains(">nrem_deep</text>"))
    }

    func testHeatmapCellsAndDiagonal() {
        let m = [[1.0, 0, 2], [0, 3, .nan]]
        let svg = Heatmap(title: "h", xLabel: "E", yLabel: "I", values: m, xRange: 0...3, yRange: 0...2,
                          colorLabel: "fraction", diagonal: true).svg()
        XCTAssertEqual(count("class=\"cell\"", in: svg), 5)
        XCTAssertTrue(svg.contains("data-count=\"5\""))
        XCTAssertEqual(count("class=\"reference\"", in: svg), 1)
        XCTAssertTrue(svg.contains("class=\"colorbar\""))
    }

    func testEscapingAndPalette() {
        let svg = XYChart(title: "a < b & \"c\"", xLabel: "x", yLabel: "y",
                          series: [Series(name: "<s>", x: [0, 1], y: [0, 1])]).svg()
        XCTAssertTrue(svg.contains("a &lt; b &amp; &quot;c&quot;"))
        XCTAssertFalse(svg.contains("<s>"))
        XCTAssertEqual(Palette.okabeIto.count, 8)
        XCTAssertEqual(Palette.sequential(0), "#440154")
        XCTAssertEqual(Palette.sequential(1), "#FDE725")
        XCTAssertEqual(Ticks.label(0.8535, step: 0.0005), "0.8535"); XCTAssertEqual(Ticks.label(1500, step: 500), "1500")
        XCTAssertEqual(Ticks.label(0.4, step: 0.2), "0.4"); XCTAssertEqual(Ticks.label(2.54e-4, step: 5e-7), "2.54e-4")
        XCTAssertEqual(Markup.label(1339.43), "1339"); XCTAssertEqual(Markup.label(66.686), "66.7")
        XCTAssertEqual(Markup.label(0.0025), "0.0025"); XCTAssertEqual(Markup.label(1e5), "1e5")
        XCTAssertEqual(Markup.label(-2.5e-4), "-2.5e-4"); XCTAssertEqual(Markup.label(0), "0")
        XCTAssertEqual(Markup.num(1.004), "1"); XCTAssertEqual(Markup.num(2.5), "2.5"); XCTAssertEqual(Markup.num(-3), "-3")
    }

    func testBandIsClippedToTheFrameAndIntervalSpansItsRange() {
        let x = (0 ... 10).map(Double.init)
        let svg = XYChart(title: "t", xLabel: "time (s)", yLabel: "S", series: [Series(name: "s", x: x, y: x.map { $0 / 10 })],
                          xDomain: 0 ... 10, yDomain: 0 ... 1,
                          bands: [Band(name: "band", x: x, low: x.map { _ in -5 }, high: x.map { 0.1 + $0 / 5 })],
                          intervals: [Interval(name: "seizure", x1: 2, x2: 5)]).svg()
        func attr(_ tag: String, _ name: String) -> Double {
            let t = svg.components(separatedBy: tag)[1].components(separatedBy: ">")[0]
            return Double(t.components(separatedBy: " \(name)=\"")[1].prefix { $0 != "\"" })!
        }
        let fx = attr("class=\"frame\"", "x"), fy = attr("class=\"frame\"", "y")
        let fw = attr("class=\"frame\"", "width"), fh = attr("class=\"frame\"", "height")
        // Interval [2, 5] of the domain [0, 10], full height.
        XCTAssertEqual(attr("class=\"interval\"", "x"), fx + 0.2 * fw, accuracy: 0.01)
        XCTAssertEqual(attr("class=\"interval\"", "width"), 0.3 * fw, accuracy: 0.02)
        XCTAssertEqual(attr("class=\"interval\"", "y"), fy, accuracy: 0.01)
        XCTAssertEqual(attr("class=\"interval\"", "height"), fh, accuracy: 0.01)
        XCTAssertTrue(svg.contains("data-x1=\"2.0\" data-x2=\"5.0\""))
        // Band: 22 vertices, every one inside the frame; the low side (−5) and the high side above 1 are clipped.
        let pts = svg.components(separatedBy: "class=\"band\"")[1].components(separatedBy: "points=\"")[1]
            .prefix { $0 != "\"" }.split(separator: " ").map { $0.split(separator: ",").map { Double($0)! } }
        XCTAssertEqual(pts.count, 22)
        for p in pts { XCTAssertTrue(p[1] >= fy - 1e-9 && p[1] <= fy + fh + 1e-9, "\(p)") }
        XCTAssertEqual(pts.filter { abs($0[1] - (fy + fh)) < 1e-9 }.count, 11, "low side on the bottom edge")
        XCTAssertEqual(pts.filter { abs($0[1] - fy) < 1e-9 }.count, 6, "high side clipped at the top for x ≥ 5")
        // The interval is drawn behind the axes and series; legend shows band and interval.
        XCTAssertLessThan(svg.range(of: "class=\"interval\"")!.lowerBound, svg.range(of: "class=\"axis x\"")!.lowerBound)
        XCTAssertTrue(svg.contains(">band</text>") && svg.contains(">seizure</text>"))
    }

    func testBandsDoNotWidenTheFittedAxes() {
        let plain = XYChart(title: "t", xLabel: "x", yLabel: "y", series: [Series(name: "s", x: [0, 1], y: [0, 1])])
        var banded = plain
        banded.bands = [Band(name: "b", x: [0, 1], low: [-100, -100], high: [100, 100])]
        let a = plain.svg(), b = banded.svg()
        func yTicks(_ s: String) -> String {
            s.components(separatedBy: "<g class=\"axis y\">")[1].components(separatedBy: "<text class=\"label\"")[0]
        }
        XCTAssertEqual(yTicks(a), yTicks(b))
    }
}
