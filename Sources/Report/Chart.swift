import Foundation

/// One data series of an `XYChart`.
public struct Series: Sendable, Equatable {
    public enum Style: Sendable, Equatable { case line, points, lineAndPoints }

    public var name: String
    public var x: [Double]
    public var y: [Double]
    public var style: Style
    public var color: String
    public var dashed: Bool
    public var opacity: Double
    public var strokeWidth: Double
    /// Optional vertical intervals (e.g. a CI), same length as `x`; drawn as error bars.
    public var yLow: [Double]?
    public var yHigh: [Double]?
    /// Shown in the legend.
    public var inLegend: Bool
    /// Radius of the point marks (pixels).
    public var radius: Double

    public init(name: String, x: [Double], y: [Double], style: Style = .line, color: String = Palette.category(0),
                dashed: Bool = false, opacity: Double = 1, strokeWidth: Double = 1.5, yLow: [Double]? = nil,
                yHigh: [Double]? = nil, inLegend: Bool = true, radius: Double = 3) {
        self.name = name; self.x = x; self.y = y; self.style = style; self.color = color; self.dashed = dashed
        self.opacity = opacity; self.strokeWidth = strokeWidth; self.yLow = yLow; self.yHigh = yHigh
        self.inLegend = inLegend; self.radius = radius
    }
}

/// A straight reference line in data coordinates (e.g. the balance diagonal, z = 0, slope −1).
public struct ReferenceLine: Sendable, Equatable {
    public var x1: Double, y1: Double, x2: Double, y2: Double
    public var label: String
    public init(x1: Double, y1: Double, x2: Double, y2: Double, label: String) {
        self.x1 = x1; self.y1 = y1; self.x2 = x2; self.y2 = y2; self.label = label
    }
}

/// A filled region between a lower and an upper curve over the same x (e.g. a surrogate mean ± 2 sd band).
/// Bands never widen the axes: they are clipped to the domain the series and reference lines set.
public struct Band: Sendable, Equatable {
    public var name: String
    public var x: [Double]
    public var low: [Double]
    public var high: [Double]
    public var color: String
    public var opacity: Double
    public var inLegend: Bool

    public init(name: String, x: [Double], low: [Double], high: [Double], color: String = Palette.category(7),
                opacity: Double = 0.3, inLegend: Bool = true) {
        self.name = name; self.x = x; self.low = low; self.high = high; self.color = color; self.opacity = opacity
        self.inLegend = inLegend
    }
}

/// A shaded x interval over the full height of the frame (e.g. a seizure), drawn behind the series; its ends
/// are part of the x domain.
public struct Interval: Sendable, Equatable {
    public var name: String
    public var x1: Double
    public var x2: Double
    public var color: String
    public var opacity: Double

    public init(name: String, x1: Double, x2: Double, color: String = Palette.category(6), opacity: Double = 0.35) {
        self.name = name; self.x1 = x1; self.x2 = x2; self.color = color; self.opacity = opacity
    }
}

/// Layout constants shared by the charts (pixels).
enum Layout {
    static let left = 62.0, right = 20.0, top = 26.0, bottom = 46.0
    static let font = "font-family=\"Helvetica, Arial, sans-serif\""
}

/// A line / scatter chart with axes, ticks, axis titles (with units), optional legend and reference lines.
///
/// Structure of the SVG (relied on by tests and CSS): `<g class="axis x">` and `<g class="axis y">` with one
/// `<g class="tick">` per tick; one `<g class="series" data-name=… data-count=N>` per series holding a
/// `<polyline class="line">` and/or one `<circle class="point">` per drawn point; one `<polygon class="band"
/// data-name=…>` per band; one `<rect class="interval" data-name=… data-x1=… data-x2=…>` per shaded interval
/// (data values of its ends); `<g class="legend">`.
public struct XYChart: Sendable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var xAxis: AxisKind
    public var yAxis: AxisKind
    public var series: [Series]
    public var references: [ReferenceLine]
    public var bands: [Band]
    public var intervals: [Interval]
    public var width: Double
    public var height: Double
    public var legend: Bool
    /// Forces the y domain to include 0.
    public var includeZeroY: Bool
    /// Fixed domains (override fitting).
    public var xDomain: ClosedRange<Double>?
    public var yDomain: ClosedRange<Double>?

    public init(title: String, xLabel: String, yLabel: String, xAxis: AxisKind = .linear, yAxis: AxisKind = .linear,
                series: [Series], references: [ReferenceLine] = [], width: Double = 380, height: Double = 270,
                legend: Bool = true, includeZeroY: Bool = false, xDomain: ClosedRange<Double>? = nil,
                yDomain: ClosedRange<Double>? = nil, bands: [Band] = [], intervals: [Interval] = []) {
        self.title = title; self.xLabel = xLabel; self.yLabel = yLabel; self.xAxis = xAxis; self.yAxis = yAxis
        self.series = series; self.references = references; self.bands = bands; self.intervals = intervals
        self.width = width; self.height = height
        self.legend = legend; self.includeZeroY = includeZeroY; self.xDomain = xDomain; self.yDomain = yDomain
    }

    /// Number of points of `s` that are drawable on these axes (finite, > 0 on log axes).
    public func drawableCount(_ s: Series, x: AxisScale, y: AxisScale) -> Int {
        zip(s.x, s.y).filter { x.accepts($0) && y.accepts($1) }.count
    }

    /// Legend entries in order: series, bands, intervals.
    enum LegendMark { case series(Series), band(Band), interval(Interval) }

    var legendEntries: [(name: String, mark: LegendMark)] {
        series.filter(\.inLegend).map { ($0.name, .series($0)) } + bands.filter(\.inLegend).map { ($0.name, .band($0)) }
            + intervals.filter { !$0.name.isEmpty }.map { ($0.name, .interval($0)) }
    }

    /// Width reserved right of the frame for the legend (0 without one).
    var legendWidth: Double {
        let shown = legendEntries
        guard legend, !shown.isEmpty else { return 0 }
        let chars = shown.map(\.name.count).max() ?? 0
        return min(230, 30 + 6 * Double(chars))
    }

    var bottomMargin: Double {
        if case .categorical = xAxis { return Layout.bottom + 14 }
        return Layout.bottom
    }

    func scales() -> (AxisScale, AxisScale) {
        let x0 = Layout.left, x1 = width - Layout.right - legendWidth, y0 = height - bottomMargin, y1 = Layout.top
        var xs = series.flatMap(\.x), ys = series.flatMap(\.y)
        for s in series { ys += (s.yLow ?? []) + (s.yHigh ?? []) }
        for r in references { xs += [r.x1, r.x2]; ys += [r.y1, r.y2] }
        for i in intervals { xs += [i.x1, i.x2] }
        var xa = AxisScale.fitted(xAxis, values: xDomain.map { [$0.lowerBound, $0.upperBound] } ?? xs, start: x0, end: x1)
        var ya = AxisScale.fitted(yAxis, values: yDomain.map { [$0.lowerBound, $0.upperBound] } ?? ys, start: y0,
                                  end: y1, includeZero: includeZeroY)
        if let d = xDomain { xa.lower = d.lowerBound; xa.upper = d.upperBound }
        if let d = yDomain { ya.lower = d.lowerBound; ya.upper = d.upperBound }
        return (xa, ya)
    }

    /// The chart as an `<svg>` element.
    public func svg() -> String {
        let (xs, ys) = scales()
        var g: [Element] = []
        let n = Markup.num
        // Frame and title.
        g.append(Element("rect", [("class", "frame"), ("x", n(xs.start)), ("y", n(ys.end)),
                                  ("width", n(xs.end - xs.start)), ("height", n(ys.start - ys.end)),
                                  ("fill", "none"), ("stroke", "#bbbbbb")]))
        g.append(Element("text", [("class", "title"), ("x", n(width / 2)), ("y", "16"), ("text-anchor", "middle"),
                                  ("font-size", "13"), ("font-weight", "bold")], text: title))
        // Shaded intervals, behind everything else.
        for iv in intervals where xs.accepts(iv.x1) && xs.accepts(iv.x2) {
            let a = xs.map(min(iv.x1, iv.x2)), b = xs.map(max(iv.x1, iv.x2))
            g.append(Element("rect", [("class", "interval"), ("data-name", iv.name), ("data-x1", "\(min(iv.x1, iv.x2))"),
                                      ("data-x2", "\(max(iv.x1, iv.x2))"), ("x", n(a)), ("y", n(ys.end)),
                                      ("width", n(b - a)), ("height", n(ys.start - ys.end)), ("fill", iv.color),
                                      ("fill-opacity", n(iv.opacity))], children: [Element("title", text: iv.name)]))
        }
        // Axes.
        var xt: [Element] = [AxisParts.xBaseline(xs, ys)]
        var categorical = false
        if case .categorical = xAxis { categorical = true }
        for t in xs.ticks() {
            let px = xs.map(t.value)
            let label: Element = categorical
                ? Element("text", [("x", n(px)), ("y", n(ys.start + 14)), ("text-anchor", "end"), ("font-size", "11"),
                                   ("transform", "rotate(-25 \(n(px)) \(n(ys.start + 14)))")], text: t.label)
                : Element("text", [("x", n(px)), ("y", n(ys.start + 16)), ("text-anchor", "middle"),
                                   ("font-size", "11")], text: t.label)
            xt.append(Element("g", [("class", "tick")], children: [
                Element("line", [("x1", n(px)), ("y1", n(ys.start)), ("x2", n(px)), ("y2", n(ys.start + 4)),
                                 ("stroke", "#000")]),
                label,
            ]))
        }
        xt.append(AxisParts.xTitle(xs, height: height, xLabel))
        g.append(Element("g", [("class", "axis x")], children: xt))
        var yt: [Element] = [AxisParts.yBaseline(xs, ys)]
        for t in ys.ticks() {
            let py = ys.map(t.value)
            yt.append(Element("g", [("class", "tick")], children: [
                Element("line", [("x1", n(xs.start - 4)), ("y1", n(py)), ("x2", n(xs.start)), ("y2", n(py)),
                                 ("stroke", "#000")]),
                Element("line", [("x1", n(xs.start)), ("y1", n(py)), ("x2", n(xs.end)), ("y2", n(py)),
                                 ("stroke", "#eeeeee")]),
                Element("text", [("x", n(xs.start - 6)), ("y", n(py + 4)), ("text-anchor", "end"),
                                 ("font-size", "11")], text: t.label),
            ]))
        }
        yt.append(AxisParts.yTitle(ys, yLabel))
        g.append(Element("g", [("class", "axis y")], children: yt))
        // Reference lines.
        for r in references where xs.accepts(r.x1) && xs.accepts(r.x2) && ys.accepts(r.y1) && ys.accepts(r.y2) {
            g.append(Element("line", [("class", "reference"), ("x1", n(xs.map(r.x1))), ("y1", n(ys.map(r.y1))),
                                      ("x2", n(xs.map(r.x2))), ("y2", n(ys.map(r.y2))), ("stroke", "#555555"),
                                      ("stroke-dasharray", "4 3"), ("stroke-width", "1")],
                             children: [Element("title", text: r.label)]))
        }
        // Bands: upper curve left to right, lower curve back; clipped to the frame by `map`.
        for b in bands {
            let pts = (0 ..< min(b.x.count, b.low.count, b.high.count)).filter {
                xs.accepts(b.x[$0]) && ys.accepts(b.low[$0]) && ys.accepts(b.high[$0])
            }
            guard pts.count >= 2 else { continue }
            let upper = pts.map { "\(n(xs.map(b.x[$0]))),\(n(ys.map(b.high[$0])))" }
            let lower = pts.reversed().map { "\(n(xs.map(b.x[$0]))),\(n(ys.map(b.low[$0])))" }
            g.append(Element("polygon", [("class", "band"), ("data-name", b.name), ("data-count", "\(pts.count)"),
                                         ("points", (upper + lower).joined(separator: " ")), ("fill", b.color),
                                         ("fill-opacity", n(b.opacity)), ("stroke", "none")],
                             children: [Element("title", text: b.name)]))
        }
        // Series.
        for s in series {
            let pts = zip(zip(s.x, s.y), zip(s.yLow ?? s.y, s.yHigh ?? s.y))
                .filter { xs.accepts($0.0.0) && ys.accepts($0.0.1) }
            var children: [Element] = [Element("title", text: s.name)]
            if s.style != .points, pts.count >= 2 {
                let p = pts.map { "\(n(xs.map($0.0.0))),\(n(ys.map($0.0.1)))" }.joined(separator: " ")
                var a: [(String, String)] = [("class", "line"), ("points", p), ("fill", "none"), ("stroke", s.color),
                                             ("stroke-width", n(s.strokeWidth))]
                if s.dashed { a.append(("stroke-dasharray", "6 4")) }
                if s.opacity < 1 { a.append(("stroke-opacity", n(s.opacity))) }
                children.append(Element("polyline", a))
            }
            if s.yLow != nil || s.yHigh != nil {
                for ((x, _), (lo, hi)) in pts where ys.accepts(lo) && ys.accepts(hi) {
                    children.append(Element("line", [("class", "errorbar"), ("x1", n(xs.map(x))), ("y1", n(ys.map(lo))),
                                                     ("x2", n(xs.map(x))), ("y2", n(ys.map(hi))), ("stroke", s.color),
                                                     ("stroke-width", "2")]))
                }
            }
            if s.style != .line {
                for ((x, y), _) in pts {
                    var a: [(String, String)] = [("class", "point"), ("cx", n(xs.map(x))), ("cy", n(ys.map(y))),
                                                 ("r", n(s.radius)), ("fill", s.color)]
                    if s.opacity < 1 { a.append(("fill-opacity", n(s.opacity))) }
                    children.append(Element("circle", a))
                }
            }
            g.append(Element("g", [("class", "series"), ("data-name", s.name), ("data-count", "\(pts.count)")],
                             children: children))
        }
        // Legend right of the frame.
        if legendWidth > 0 {
            var items: [Element] = []
            let lx = xs.end + 10
            for (i, entry) in legendEntries.enumerated() {
                let ly = ys.end + 8 + Double(i) * 15
                var mark: [Element] = []
                switch entry.mark {
                case let .series(s):
                    if s.style != .points {
                        mark.append(Element("line", [("x1", n(lx)), ("y1", n(ly - 4)), ("x2", n(lx + 18)),
                                                     ("y2", n(ly - 4)), ("stroke", s.color), ("stroke-width", "3")]
                                            + (s.dashed ? [("stroke-dasharray", "4 2")] : [])))
                    }
                    if s.style != .line {
                        mark.append(Element("circle", [("cx", n(lx + 9)), ("cy", n(ly - 4)), ("r", "3"),
                                                       ("fill", s.color)]))
                    }
                case let .band(b):
                    mark.append(Element("rect", [("x", n(lx)), ("y", n(ly - 9)), ("width", "18"), ("height", "10"),
                                                 ("fill", b.color), ("fill-opacity", n(b.opacity))]))
                case let .interval(iv):
                    mark.append(Element("rect", [("x", n(lx)), ("y", n(ly - 9)), ("width", "18"), ("height", "10"),
                                                 ("fill", iv.color), ("fill-opacity", n(iv.opacity))]))
                }
                items.append(Element("g", [("class", "legend-item")], children: mark + [
                    Element("text", [("x", n(lx + 24)), ("y", n(ly)), ("font-size", "11")], text: entry.name),
                ]))
            }
            g.append(Element("g", [("class", "legend")], children: items))
        }
        return Element("svg", [("xmlns", "http://www.w3.org/2000/svg"), ("class", "chart"),
                               ("width", n(width)), ("height", n(height)), ("viewBox", "0 0 \(n(width)) \(n(height))"),
                               ("font-family", "Helvetica, Arial, sans-serif"), ("role", "img"),
                               ("aria-label", title)], children: g).render()
    }
}

/// A heat map of a matrix on a regular grid with a colour bar (viridis on a square-root scale, so sparse
/// tails stay visible), optionally with the x = y diagonal.
///
/// `values[row][column]`: row = y bin (bottom to top), column = x bin. One `<rect class="cell">` per finite cell.
public struct Heatmap: Sendable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var values: [[Double]]
    public var xRange: ClosedRange<Double>
    public var yRange: ClosedRange<Double>
    public var colorLabel: String
    public var diagonal: Bool
    public var width: Double
    public var height: Double

    public init(title: String, xLabel: String, yLabel: String, values: [[Double]], xRange: ClosedRange<Double>,
                yRange: ClosedRange<Double>, colorLabel: String, diagonal: Bool = false, width: Double = 300,
                height: Double = 270) {
        self.title = title; self.xLabel = xLabel; self.yLabel = yLabel; self.values = values; self.xRange = xRange
        self.yRange = yRange; self.colorLabel = colorLabel; self.diagonal = diagonal; self.width = width
        self.height = height
    }

    public func svg() -> String {
        let n = Markup.num
        let barW = 14.0
        let xs = AxisScale(kind: .linear, lower: xRange.lowerBound, upper: xRange.upperBound, start: Layout.left,
                           end: width - Layout.right - barW - 34)
        let ys = AxisScale(kind: .linear, lower: yRange.lowerBound, upper: yRange.upperBound,
                           start: height - Layout.bottom, end: Layout.top)
        let finite = values.flatMap { $0 }.filter(\.isFinite)
        let vmax = finite.max() ?? 1, vmin = min(finite.min() ?? 0, 0)
        let rows = values.count, cols = values.first?.count ?? 0
        var g: [Element] = [Element("text", [("class", "title"), ("x", n(width / 2)), ("y", "16"),
                                             ("text-anchor", "middle"), ("font-size", "13"), ("font-weight", "bold")],
                                    text: title)]
        var cells: [Element] = []
        if rows > 0 && cols > 0 {
            let cw = (xs.end - xs.start) / Double(cols), ch = (ys.start - ys.end) / Double(rows)
            for r in 0..<rows {
                for c in 0..<cols where values[r][c].isFinite {
                    let t = vmax > vmin ? ((values[r][c] - vmin) / (vmax - vmin)).squareRoot() : 0
                    cells.append(Element("rect", [("class", "cell"), ("x", n(xs.start + Double(c) * cw)),
                                                  ("y", n(ys.start - Double(r + 1) * ch)), ("width", n(cw + 0.3)),
                                                  ("height", n(ch + 0.3)), ("fill", Palette.sequential(t))]))
                }
            }
        }
        g.append(Element("g", [("class", "cells"), ("data-count", "\(cells.count)")], children: cells))
        // Axes (reuse the chart's look).
        var xt: [Element] = [AxisParts.xBaseline(xs, ys)]
        for t in xs.ticks() {
            xt.append(Element("g", [("class", "tick")], children: [
                Element("line", [("x1", n(xs.map(t.value))), ("y1", n(ys.start)), ("x2", n(xs.map(t.value))),
                                 ("y2", n(ys.start + 4)), ("stroke", "#000")]),
                Element("text", [("x", n(xs.map(t.value))), ("y", n(ys.start + 16)), ("text-anchor", "middle"),
                                 ("font-size", "11")], text: t.label)]))
        }
        xt.append(AxisParts.xTitle(xs, height: height, xLabel))
        g.append(Element("g", [("class", "axis x")], children: xt))
        var yt: [Element] = [AxisParts.yBaseline(xs, ys)]
        for t in ys.ticks() {
            yt.append(Element("g", [("class", "tick")], children: [
                Element("line", [("x1", n(xs.start - 4)), ("y1", n(ys.map(t.value))), ("x2", n(xs.start)),
                                 ("y2", n(ys.map(t.value))), ("stroke", "#000")]),
                Element("text", [("x", n(xs.start - 6)), ("y", n(ys.map(t.value) + 4)), ("text-anchor", "end"),
                                 ("font-size", "11")], text: t.label)]))
        }
        yt.append(AxisParts.yTitle(ys, yLabel))
        g.append(Element("g", [("class", "axis y")], children: yt))
        if diagonal {
            let lo = max(xRange.lowerBound, yRange.lowerBound), hi = min(xRange.upperBound, yRange.upperBound)
            if hi > lo {
                g.append(Element("line", [("class", "reference"), ("x1", n(xs.map(lo))), ("y1", n(ys.map(lo))),
                                          ("x2", n(xs.map(hi))), ("y2", n(ys.map(hi))), ("stroke", "#ffffff"),
                                          ("stroke-dasharray", "4 3"), ("stroke-width", "1.5")],
                                 children: [Element("title", text: "balance diagonal E = I")]))
            }
        }
        // Colour bar.
        let bx = xs.end + 10
        var bar: [Element] = []
        for k in 0..<20 {
            let y0 = ys.start - Double(k + 1) * (ys.start - ys.end) / 20
            bar.append(Element("rect", [("x", n(bx)), ("y", n(y0)), ("width", n(barW)),
                                        ("height", n((ys.start - ys.end) / 20 + 0.3)),
                                        ("fill", Palette.sequential(((Double(k) + 0.5) / 20).squareRoot()))]))
        }
        bar.append(Element("text", [("x", n(bx + barW + 2)), ("y", n(ys.end + 8)), ("font-size", "10")],
                           text: Markup.label(vmax, digits: 2)))
        bar.append(Element("text", [("x", n(bx + barW + 2)), ("y", n(ys.start)), ("font-size", "10")],
                           text: Markup.label(vmin, digits: 2)))
        bar.append(Element("title", text: colorLabel))
        g.append(Element("g", [("class", "colorbar")], children: bar))
        return Element("svg", [("xmlns", "http://www.w3.org/2000/svg"), ("class", "chart heatmap"),
                               ("width", n(width)), ("height", n(height)), ("viewBox", "0 0 \(n(width)) \(n(height))"),
                               ("font-family", "Helvetica, Arial, sans-serif"), ("role", "img"),
                               ("aria-label", title)], children: g).render()
    }
}

/// The parts of a frame's axes that every chart draws alike: the two axis lines and the two titles.
enum AxisParts {
    private static let n = Markup.num

    /// The x axis line along the bottom of the frame.
    static func xBaseline(_ xs: AxisScale, _ ys: AxisScale) -> Element {
        Element("line", [("x1", n(xs.start)), ("y1", n(ys.start)), ("x2", n(xs.end)), ("y2", n(ys.start)),
                         ("stroke", "#000")])
    }

    /// The y axis line along the left of the frame.
    static func yBaseline(_ xs: AxisScale, _ ys: AxisScale) -> Element {
        Element("line", [("x1", n(xs.start)), ("y1", n(ys.start)), ("x2", n(xs.start)), ("y2", n(ys.end)),
                         ("stroke", "#000")])
    }

    /// The x axis title, centred under the frame, 8 px above the bottom of a figure `height` high.
    static func xTitle(_ xs: AxisScale, height: Double, _ text: String) -> Element {
        Element("text", [("class", "label"), ("x", n((xs.start + xs.end) / 2)), ("y", n(height - 8)),
                         ("text-anchor", "middle"), ("font-size", "12")], text: text)
    }

    /// The y axis title, rotated, centred beside the frame.
    static func yTitle(_ ys: AxisScale, _ text: String) -> Element {
        let cy = (ys.start + ys.end) / 2
        return Element("text", [("class", "label"), ("x", "14"), ("y", n(cy)), ("text-anchor", "middle"),
                                ("font-size", "12"), ("transform", "rotate(-90 14 \(n(cy)))")], text: text)
    }
}
