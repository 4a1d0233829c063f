import Analysis
import Foundation

/// One figure of the report: one or more SVG panels and a caption saying what it shows and what balance
/// would look like.
public struct Figure: Sendable {
    public var id: String
    public var title: String
    public var panels: [String]
    public var caption: String

    public init(id: String, title: String, panels: [String], caption: String) {
        self.id = id; self.title = title; self.panels = panels; self.caption = caption
    }
}

/// The paper's figure types (SE / DB; METHODS §2–4) built from a `ReportInput`. Each function returns nil
/// when the tables hold no data for it, so the report shows only figures with data.
public enum Figures {
    /// E in vermillion, I in blue, everywhere in the report.
    public static let eColor = "#D55E00", iColor = "#0072B2"

    /// The colour of a state: Okabe–Ito in the order of `states`.
    static func color(_ state: String, _ states: [String]) -> String {
        Palette.category(states.firstIndex(of: state) ?? 0)
    }

    static func recordingID(_ subject: String, _ session: String) -> String {
        session.isEmpty ? subject : "\(subject)/\(session)"
    }

    // MARK: Per-scale measures against scale, one line per recording, coloured by state

    /// Lines of `measure` against Δt (ms, log axis), one per (recording, state); optionally the surrogate
    /// mean ± 2 sd of each as a dashed line pair.
    static func perScaleChart(_ input: ReportInput, measure: String, title: String, yLabel: String,
                              surrogateBand: Bool = false, bandLimits: ClosedRange<Double>? = nil, yAxis: AxisKind = .linear,
                              references: [ReferenceLine] = []) -> XYChart? {
        let rows = input.measures.filter { $0.measure == measure && $0.scaleIndex != nil && $0.dtMilliseconds != nil }
        guard rows.contains(where: { $0.value != nil }) else { return nil }
        let states = input.states
        var groups: [String: [MeasureRow]] = [:]
        for r in rows { groups["\(r.state)\u{1}\(recordingID(r.subject, r.session))", default: []].append(r) }
        var series: [Series] = []
        var legendDone = Set<String>()
        for key in groups.keys.sorted(by: { a, b in
            let sa = String(a.split(separator: "\u{1}")[0]), sb = String(b.split(separator: "\u{1}")[0])
            let ia = states.firstIndex(of: sa) ?? 0, ib = states.firstIndex(of: sb) ?? 0
            return ia != ib ? ia < ib : a < b
        }) {
            let g = groups[key]!.sorted { $0.scaleIndex! < $1.scaleIndex! }
            let state = g[0].state
            let c = color(state, states)
            let first = legendDone.insert(state).inserted
            series.append(Series(name: first ? state : "\(state) \(recordingID(g[0].subject, g[0].session))",
                                 x: g.map { $0.dtMilliseconds! }, y: g.map { $0.value ?? .nan },
                                 style: .lineAndPoints, color: c, inLegend: first))
            if surrogateBand {
                let lo = g.map { r -> Double in
                    guard let m = r.surrogateMean, let s = r.surrogateSD else { return .nan }
                    return bandLimits.map { max($0.lowerBound, m - 2 * s) } ?? m - 2 * s
                }
                let hi = g.map { r -> Double in
                    guard let m = r.surrogateMean, let s = r.surrogateSD else { return .nan }
                    return bandLimits.map { min($0.upperBound, m + 2 * s) } ?? m + 2 * s
                }
                if lo.contains(where: \.isFinite) {
                    series.append(Series(name: "\(state) surrogate ±2 sd", x: g.map { $0.dtMilliseconds! }, y: lo,
                                         color: c, dashed: true, opacity: 0.7, strokeWidth: 1, inLegend: false))
                    series.append(Series(name: "\(state) surrogate ±2 sd", x: g.map { $0.dtMilliseconds! }, y: hi,
                                         color: c, dashed: true, opacity: 0.7, strokeWidth: 1, inLegend: false))
                }
            }
        }
        return XYChart(title: title, xLabel: "time scale Δt (ms)", yLabel: yLabel, xAxis: .log, yAxis: yAxis,
                       series: series, references: references, width: 480)
    }

    public static func correlationAcrossScales(_ input: ReportInput) -> Figure? {
        guard let c = perScaleChart(input, measure: Measure.pearsonR.rawValue, title: "E–I correlation across scales",
                                    yLabel: "Pearson r(E, I)", surrogateBand: true, bandLimits: -1...1,
                                    references: [ReferenceLine(x1: 1, y1: 0, x2: 1e4, y2: 0, label: "r = 0")])
        else { return nil }
        return Figure(id: "correlation", title: "E–I correlation across time scales", panels: [c.svg()], caption: """
            Pearson correlation of the E and I ensemble series at each time scale Δt (METHODS §3.2); one line per \
            recording, coloured by state; dashed lines: surrogate mean ± 2 sd (first surrogate kind, §5), clipped to [−1, 1]. \
            Balance: r is positive, grows with the scale, and lies well above the surrogate band at the coarse \
            scales (r̄ is the mean over scales 10–32).
            """)
    }

    public static func varianceScaling(_ input: ReportInput) -> Figure? {
        guard var c = perScaleChart(input, measure: Measure.fluctuationVariance.rawValue,
                                    title: "Variance of f = Ê − Î against scale",
                                    yLabel: "V_s = Var f_s (rate-normalised)", yAxis: .log) else { return nil }
        // Fitted power laws log V = a − β log Δt with each recording's β (a by least squares given β).
        var fitted: [Series] = []
        let states = input.states
        var groups: [String: [MeasureRow]] = [:]
        for r in input.measures where r.measure == Measure.fluctuationVariance.rawValue && r.dtMilliseconds != nil {
            groups["\(r.subject)\u{1}\(r.session)\u{1}\(r.state)", default: []].append(r)
        }
        for key in groups.keys.sorted() {
            let g = groups[key]!
            let (subject, session, state) = (g[0].subject, g[0].session, g[0].state)
            guard let beta = input.orderParameters.first(where: {
                $0.subject == subject && $0.session == session && $0.state == state && $0.measure == Measure.varianceBeta.rawValue
            })?.value else { continue }
            let pts = g.compactMap { r -> (Double, Double)? in
                guard let v = r.value, v > 0, let dt = r.dtMilliseconds, dt > 0 else { return nil }
                return (dt, v)
            }.sorted { $0.0 < $1.0 }
            guard pts.count >= 2 else { continue }
            let a = pts.map { log10($0.1) + beta * log10($0.0) }.reduce(0, +) / Double(pts.count)
            let xs = [pts.first!.0, pts.last!.0]
            fitted.append(Series(name: "\(state) fit β = \(Markup.label(beta))", x: xs,
                                 y: xs.map { pow(10, a - beta * log10($0)) }, color: color(state, states),
                                 dashed: true, strokeWidth: 1.5, inLegend: false))
        }
        if let first = c.series.first, let x0 = first.x.first, let y0 = first.y.first(where: { $0 > 0 }),
           let x1 = first.x.last {
            c.references.append(ReferenceLine(x1: x0, y1: y0, x2: x1, y2: y0 * x0 / x1,
                                              label: "independent bins: slope −1 (β = 1)"))
        }
        c.series += fitted
        return Figure(id: "variance", title: "Fluctuation variance scaling", panels: [c.svg()], caption: """
            Variance of the signed fluctuation f_s = Ê_s − Î_s on rate-normalised series against the time scale, \
            log–log (METHODS §3.3); dashed coloured lines: the fit log V = a − β log Δt with the reported β; grey \
            dashed: slope −1, what independent bins give (β = 1). Balance with temporally correlated activity: \
            β < 1, a shallower decline than the grey line.
            """)
    }

    public static func crossCorrelation(_ input: ReportInput) -> Figure? {
        var panels: [String] = []
        if let c = perScaleChart(input, measure: Measure.xcorrPeakLagMs.rawValue, title: "Cross-correlation peak lag",
                                 yLabel: "peak lag of I after E (ms)",
                                 references: [ReferenceLine(x1: 1, y1: 0, x2: 1e4, y2: 0, label: "zero lag")]) {
            panels.append(c.svg())
        }
        if let c = perScaleChart(input, measure: Measure.xcorrPeak.rawValue, title: "Cross-correlation peak",
                                 yLabel: "peak normalised cross-correlation") {
            panels.append(c.svg())
        }
        guard !panels.isEmpty else { return nil }
        return Figure(id: "xcorr", title: "E–I cross-correlation against scale", panels: panels, caption: """
            Peak of the normalised E–I cross-correlation over lags −20…20 bins (METHODS §3.6) and its lag in ms, \
            at each scale; one line per recording, coloured by state. Balanced, self-sustained activity peaks at \
            zero lag with a high peak; an external drive or a delayed inhibition shifts the lag away from 0.
            """)
    }

    public static func giniAcrossScales(_ input: ReportInput) -> Figure? {
        var panels: [String] = []
        for (m, cls) in [(Measure.partitionGiniE.rawValue, "E"), (Measure.partitionGiniI.rawValue, "I")] {
            if let c = perScaleChart(input, measure: m, title: "Gini of \(cls) counts", yLabel: "Gini coefficient G") {
                panels.append(c.svg())
            }
        }
        guard !panels.isEmpty else { return nil }
        return Figure(id: "gini", title: "Partition (Lorenz) inequality against scale", panels: panels, caption: """
            Gini coefficient of the per-bin spike counts of the E and the I ensemble at each scale (METHODS §3.5). \
            Balance: the E and I panels look alike at every scale — the two ensembles share their spikes among \
            bins equally unequally; G falls towards 0 as bins grow and hold similar counts.
            """)
    }

    public static func distributionSimilarity(_ input: ReportInput) -> Figure? {
        var panels: [String] = []
        if let c = perScaleChart(input, measure: Measure.ksD.rawValue, title: "KS distance of Ê and Î", yLabel: "KS D") {
            panels.append(c.svg())
        }
        if let c = perScaleChart(input, measure: Measure.qqSlope.rawValue, title: "QQ slope of Î on Ê", yLabel: "QQ slope",
                                 references: [ReferenceLine(x1: 1, y1: 1, x2: 1e4, y2: 1, label: "identical distributions")]) {
            panels.append(c.svg())
        }
        guard !panels.isEmpty else { return nil }
        return Figure(id: "distribution", title: "Distribution similarity of E and I", panels: panels, caption: """
            Two-sample Kolmogorov–Smirnov distance and the slope of the quantile–quantile line of the \
            window-normalised Ê and Î at each scale (METHODS §3.1). Balance: similar distributions at all scales — \
            small D and a QQ slope near 1 (dashed line).
            """)
    }

    public static func cooccurrence(_ input: ReportInput) -> Figure? {
        let features = Measure.GLCMFeature.allCases.map(\.rawValue)
        let states = input.states
        var panels: [String] = []
        for f in features {
            var series: [Series] = []
            for state in states {
                var byRec: [String: [(Int, Double)]] = [:]
                for r in input.measures where r.state == state && r.measure.hasPrefix("glcm_\(f)_d") {
                    guard let d = Int(r.measure.dropFirst("glcm_\(f)_d".count)), let v = r.value else { continue }
                    byRec[recordingID(r.subject, r.session), default: []].append((d, v))
                }
                for (i, key) in byRec.keys.sorted().enumerated() {
                    let pts = byRec[key]!.sorted { $0.0 < $1.0 }
                    series.append(Series(name: i == 0 ? state : "\(state) \(key)", x: pts.map { Double($0.0) },
                                         y: pts.map(\.1), style: .lineAndPoints, color: color(state, states),
                                         inLegend: i == 0))
                }
            }
            guard !series.isEmpty else { continue }
            panels.append(XYChart(title: f, xLabel: "offset d (bins of ≈ 299 ms)", yLabel: f, series: series,
                                  width: f == "contrast" ? 390 : 300, height: 240, legend: f == "contrast").svg())
        }
        guard !panels.isEmpty else { return nil }
        return Figure(id: "glcm", title: "Multiscale co-occurrence features against offset", panels: panels, caption: """
            Co-occurrence (GLCM) features of the quantised Ê and Î at time offsets d = 1…5 over all scales, on the \
            time grid of scale 20 (METHODS §3.7, MATLAB conventions), one line per recording, coloured by state. \
            SE found light sleep with the highest contrast and entropy and REM with the highest energy and \
            homogeneity; contrast and entropy grow with the offset. Balance: a strongly diagonal co-occurrence \
            matrix — low contrast and dissimilarity, high homogeneity and correlation.
            """)
    }

    // MARK: Order parameters by state

    static let orderLabels: [String: String] = [
        Measure.varianceBeta.rawValue: "β (variance scaling)", Measure.varianceBetaSE.rawValue: "SE of β", Measure.collapseSpread.rawValue: "collapse spread",
        Measure.rBar.rawValue: "r̄ (mean r, scales 10–32)", Measure.thetaBarDeg.rawValue: "θ̄ = mean PCA angle − 45° (deg)",
        Measure.widthScale20.rawValue: "orthogonal width w at scale 20", Measure.asymmetryMean.rawValue: "mean pair asymmetry",
        Measure.xcorrLagScale10Ms.rawValue: "xcorr peak lag at scale 10 (ms)", Measure.balanceSymmetry.rawValue: "balance symmetry (1 = holds)",
    ]

    public static func orderParameters(_ input: ReportInput) -> Figure? {
        let states = input.states
        guard !input.orderParameters.isEmpty, !states.isEmpty else { return nil }
        var panels: [String] = []
        let subjects = Set(input.orderParameters.map(\.subject)).sorted()
        for m in OrderParameter.names + [OrderParameter.verdict] {
            let rows = input.orderParameters.filter { $0.measure == m && $0.value != nil }
            guard !rows.isEmpty else { continue }
            var series: [Series] = []
            // Per-subject points, jittered deterministically by subject index.
            for (si, state) in states.enumerated() {
                let rs = rows.filter { $0.state == state }.sorted { ($0.subject, $0.session) < ($1.subject, $1.session) }
                guard !rs.isEmpty else { continue }
                let xs = rs.map { r -> Double in
                    let k = Double(subjects.firstIndex(of: r.subject) ?? 0)
                    return Double(si) - 0.18 + 0.36 * (subjects.count > 1 ? k / Double(subjects.count - 1) : 0.5)
                }
                series.append(Series(name: "\(state) recordings", x: xs, y: rs.map { $0.value! }, style: .points,
                                     color: color(state, states), opacity: 0.6, inLegend: false))
            }
            // Cohort mean with bootstrap 95 % CI.
            var cx: [Double] = [], cy: [Double] = [], lo: [Double] = [], hi: [Double] = []
            for (si, state) in states.enumerated() {
                guard let c = input.cohort.first(where: { $0.measure == m && $0.state == state && $0.comparison.isEmpty }),
                      let mean = c.mean else { continue }
                cx.append(Double(si)); cy.append(mean)
                lo.append(c.ciLow ?? mean); hi.append(c.ciHigh ?? mean)
            }
            if !cx.isEmpty {
                series.append(Series(name: "cohort mean, 95 % CI", x: cx, y: cy, style: .points, color: Palette.black,
                                     yLow: lo, yHigh: hi))
            }
            var refs: [ReferenceLine] = []
            if m == Measure.thetaBarDeg.rawValue {
                refs = [ReferenceLine(x1: -0.5, y1: 10, x2: Double(states.count) - 0.5, y2: 10, label: "+10° threshold"),
                        ReferenceLine(x1: -0.5, y1: -10, x2: Double(states.count) - 0.5, y2: -10, label: "−10° threshold")]
            }
            panels.append(XYChart(title: m, xLabel: "state", yLabel: orderLabels[m] ?? m,
                                  xAxis: .categorical(states), series: series, references: refs, width: 300,
                                  height: 250, legend: false).svg())
        }
        guard !panels.isEmpty else { return nil }
        return Figure(id: "order", title: "Order parameters by state", panels: panels, caption: """
            The per-recording order parameters of METHODS §4 by state: coloured points are recordings (one per \
            subject and session), black points with bars the cohort mean over subjects with its bootstrap 95 % CI (1000 \
            resamples). Balance symmetry: r̄ above its surrogates, a small collapse spread, |θ̄| < 10° (dashed \
            lines), β < 1 and a cross-correlation lag near 0. Expected from the papers: balance in wake, REM and \
            light NREM, moderate deviation in deep NREM, breakdown in seizures.
            """)
    }

    // MARK: Per-state figures from curves and series

    /// Inverse standard normal CDF (Acklam's rational approximation, |error| < 1.2e-9).
    static func inverseNormal(_ p: Double) -> Double {
        let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02,
                 -3.066479806614716e+01, 2.506628277459239e+00]
        let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
                 -1.328068155288572e+01]
        let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00,
                 4.374664141464968e+00, 2.938163982698783e+00]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        let pl = 0.02425
        if p <= 0 { return -.infinity }
        if p >= 1 { return .infinity }
        if p < pl {
            let q = (-2 * log(p)).squareRoot()
            return (((((c[0]*q+c[1])*q+c[2])*q+c[3])*q+c[4])*q+c[5]) / ((((d[0]*q+d[1])*q+d[2])*q+d[3])*q+1)
        }
        if p > 1 - pl {
            let q = (-2 * log(1 - p)).squareRoot()
            return -(((((c[0]*q+c[1])*q+c[2])*q+c[3])*q+c[4])*q+c[5]) / ((((d[0]*q+d[1])*q+d[2])*q+d[3])*q+1)
        }
        let q = p - 0.5, r = q * q
        return (((((a[0]*r+a[1])*r+a[2])*r+a[3])*r+a[4])*r+a[5])*q / (((((b[0]*r+b[1])*r+b[2])*r+b[3])*r+b[4])*r+1)
    }

    /// The collapse curve of i.i.d. normal fluctuations, divided by its depth: −φ(Φ⁻¹(x)) / φ(0).
    public static func normalCollapse(_ x: Double) -> Double {
        if x <= 0 || x >= 1 { return 0 }
        let z = inverseNormal(x)
        return -exp(-z * z / 2)
    }

    public static func collapse(_ input: ReportInput, state: String) -> Figure? {
        let all = input.curves.filter { $0.table.state == state && $0.table.kind == "collapse" }
            .sorted { ($0.source, $0.table.scaleIndex) < ($1.source, $1.table.scaleIndex) }
        guard let first = all.first?.source else { return nil }
        let curves = all.filter { $0.source == first }    // one recording: the first (sorted) with the state
        let scales = curves.map(\.table.scaleIndex)
        let smin = Double(scales.min()!), smax = Double(max(scales.max()!, scales.min()! + 1))
        var series: [Series] = []
        let labelled: Set<Int> = [scales.min()!, scales.max()!, scales[scales.count / 2]]
        for (src, t) in curves {
            guard let xi = t.columns.firstIndex(of: "x"), let yi = t.columns.firstIndex(of: "y") else { continue }
            let x = t.rows.map { $0[xi] ?? .nan }, y = t.rows.map { $0[yi] ?? .nan }
            let depth = -(y.filter(\.isFinite).min() ?? 0)
            guard depth > 0 else { continue }
            let dt = AnalysisParameters.scaleMilliseconds(t.scaleIndex)
            let show = labelled.contains(t.scaleIndex) && src == curves[0].source
            series.append(Series(name: "Δt = \(Markup.label(dt)) ms" + (src.isEmpty ? "" : " \(src)"), x: x,
                                 y: y.map { $0 / depth },
                                 color: Palette.sequential((Double(t.scaleIndex) - smin) / (smax - smin)),
                                 strokeWidth: 1.2, inLegend: show))
        }
        guard !series.isEmpty else { return nil }
        let nx = (0...100).map { Double($0) / 100 }
        series.append(Series(name: "i.i.d. normal reference", x: nx, y: nx.map(normalCollapse), color: Palette.black,
                             dashed: true, strokeWidth: 2))
        // Surrogate reference (StateAnalysis.collapseSurrogateReference) of the same recording: mean ± 2 sd.
        var bands: [Band] = []
        func reference(_ kind: String) -> CurveTable? {
            input.curves.first { $0.source == curves[0].source && $0.table.state == state && $0.table.kind == kind }?.table
        }
        if let m = reference(StateAnalysis.collapseSurrogateMeanKind), let sd = reference(StateAnalysis.collapseSurrogateSDKind),
           let mx = m.columns.firstIndex(of: "x"), let my = m.columns.firstIndex(of: "y"),
           let sy = sd.columns.firstIndex(of: "y"), m.rows.count == sd.rows.count, !m.rows.isEmpty {
            let x = m.rows.map { $0[mx] ?? .nan }, mean = m.rows.map { $0[my] ?? .nan }
            let s = sd.rows.map { $0[sy] ?? .nan }
            bands.append(Band(name: "surrogates ±2 sd", x: x, low: zip(mean, s).map { $0 - 2 * $1 },
                              high: zip(mean, s).map { $0 + 2 * $1 }, color: Palette.category(7), opacity: 0.3))
            series.append(Series(name: "surrogate mean", x: x, y: mean, color: Palette.category(7), dashed: true,
                                 strokeWidth: 2))
        }
        let surrogateText = bands.isEmpty
            ? "No surrogate reference curves for this state; the spread's surrogate z is in the order-parameter table."
            : "Grey dashed line and band: the mean ± 2 sd of the depth-normalised collapse curves of the first "
              + "circular-shift surrogates (METHODS §5; all scales pooled); curves inside the band do not differ from "
              + "surrogates that break the E–I co-fluctuation."
        let chart = XYChart(title: "Collapse curves, \(state)", xLabel: "fraction of bins j/K (sorted by f)",
                            yLabel: "C(j) / depth", series: series, width: 580, height: 320, bands: bands)
        return Figure(id: "collapse-\(TidyCSV.fileSafe(state))", title: "Collapse curves across scales — \(state)",
                      panels: [chart.svg()], caption: """
            Cumulative sums of the sorted signed fluctuation f_s = Ê_s − Î_s, one curve per scale (dark = fine, \
            yellow = coarse), each divided by its depth (METHODS §3.4); black dashed: the curve of i.i.d. normal \
            fluctuations. Balance as a scale symmetry: the curves of all scales collapse onto one shape, with the \
            minimum at x ≈ 0.5 (a symmetric fluctuation); the collapse spread summarises how far they fan out. \
            \(surrogateText)\(first.isEmpty ? "" : " Recording: \(first).")
            """)
    }

    public static func partition(_ input: ReportInput, state: String) -> Figure? {
        var panels: [String] = []
        for (kind, cls) in [("partition_e", "E"), ("partition_i", "I")] {
            let curves = input.curves.filter { $0.table.state == state && $0.table.kind == kind }
                .sorted { ($0.source, $0.table.scaleIndex) < ($1.source, $1.table.scaleIndex) }
            guard !curves.isEmpty else { continue }
            let wanted = Set([1, 8, 15, 20, 25, 30, 32])
            var pick = curves.filter { wanted.contains($0.table.scaleIndex) && $0.source == curves[0].source }
            if pick.isEmpty { pick = Array(curves.prefix(6)) }
            let smax = Double(max(pick.map(\.table.scaleIndex).max()!, 2))
            let series: [Series] = pick.compactMap { src, t in
                guard let xi = t.columns.firstIndex(of: "x"), let yi = t.columns.firstIndex(of: "y") else { return nil }
                return Series(name: "Δt = \(Markup.label(AnalysisParameters.scaleMilliseconds(t.scaleIndex))) ms",
                              x: t.rows.map { $0[xi] ?? .nan }, y: t.rows.map { $0[yi] ?? .nan },
                              color: Palette.sequential(Double(t.scaleIndex - 1) / (smax - 1)), strokeWidth: 1.5)
            }
            panels.append(XYChart(title: "Lorenz curves of \(cls), \(state)", xLabel: "fraction of bins",
                                  yLabel: "cumulative fraction of \(cls) spikes", series: series,
                                  references: [ReferenceLine(x1: 0, y1: 0, x2: 1, y2: 1, label: "equality")],
                                  width: 430, height: 290, xDomain: 0...1, yDomain: 0...1).svg())
        }
        guard !panels.isEmpty else { return nil }
        return Figure(id: "partition-\(TidyCSV.fileSafe(state))", title: "Partition curves — \(state)",
                      panels: panels, caption: """
            Lorenz curves of the per-bin spike counts of the E and I ensembles at several scales (METHODS §3.5): \
            bins sorted by count, cumulative fraction of spikes against fraction of bins; dashed: perfect \
            equality. Balance: the E and I curves have the same shape at each scale (equal Gini coefficients).
            """)
    }

    public static func series(_ input: ReportInput, state: String, bins: Int = 300) -> Figure? {
        let ss = input.series.filter { $0.table.state == state }.sorted { ($0.source, $0.table.scaleIndex) < ($1.source, $1.table.scaleIndex) }
        guard let src = ss.first?.source else { return nil }
        var panels: [String] = []
        for (_, t) in ss where ss.first?.source == src {
            let dt = AnalysisParameters.scaleMilliseconds(t.scaleIndex)
            let n = min(bins, t.e.count, t.i.count)
            guard n >= 2 else { continue }
            let x = (0..<n).map { Double($0) * dt / 1000 }
            // Each series divided by its mean over the whole written series (window normalisation × K).
            let me = t.e.reduce(0, +) / Double(t.e.count), mi = t.i.reduce(0, +) / Double(t.i.count)
            guard me > 0, mi > 0 else { continue }
            panels.append(XYChart(title: "Δt = \(Markup.label(dt)) ms", xLabel: "time within \(state) (s)",
                                  yLabel: "count / mean count",
                                  series: [Series(name: "E", x: x, y: t.e.prefix(n).map { $0 / me }, color: eColor,
                                                  strokeWidth: 1),
                                           Series(name: "I", x: x, y: t.i.prefix(n).map { $0 / mi }, color: iColor,
                                                  strokeWidth: 1)],
                                  width: 380, height: 220, includeZeroY: true,
                                  xDomain: 0...(Double(n - 1) * dt / 1000)).svg())
        }
        guard !panels.isEmpty else { return nil }
        return Figure(id: "series-\(TidyCSV.fileSafe(state))", title: "E and I ensemble series — \(state)",
                      panels: panels, caption: """
            Spike count per unit per bin of the E (vermillion) and I (blue) ensembles, each divided by its mean \
            (the window normalisation Ê, Î of METHODS §2, times K), at four scales (about 67 ms, 300 ms, 1.3 s and \
            6 s), first \(bins) bins of the state's concatenated epochs\
            \(src.isEmpty ? "" : " (\(src))"). Balance: I follows E — the two series rise and fall together at \
            every scale, more tightly at coarse scales.
            """)
    }

    public static func jointDensity(_ input: ReportInput, state: String, grid: Int = 24) -> Figure? {
        let ss = input.series.filter { $0.table.state == state }.sorted { ($0.source, $0.table.scaleIndex) < ($1.source, $1.table.scaleIndex) }
        guard let src = ss.first?.source else { return nil }
        var panels: [String] = []
        for (_, t) in ss where ss.first?.source == src {
            let n = min(t.e.count, t.i.count)
            guard n >= 4 else { continue }
            let e = Array(t.e.prefix(n)), i = Array(t.i.prefix(n))
            let me = e.reduce(0, +) / Double(n), mi = i.reduce(0, +) / Double(n)
            guard me > 0, mi > 0 else { continue }
            // Ê·K and Î·K: each series divided by its mean, so balance lies on the diagonal.
            let en = e.map { $0 / me }, inn = i.map { $0 / mi }
            let top = Swift.max(CohortStatistics.quantile(sorted: en.sorted(), 0.99),
                                CohortStatistics.quantile(sorted: inn.sorted(), 0.99), 1e-9)
            var h = [[Double]](repeating: [Double](repeating: 0, count: grid), count: grid)
            for k in 0..<n {
                let cx = Swift.min(Int(en[k] / top * Double(grid)), grid - 1)
                let cy = Swift.min(Int(inn[k] / top * Double(grid)), grid - 1)
                if cx >= 0, cy >= 0 { h[cy][cx] += 1 / Double(n) }
            }
            let dt = AnalysisParameters.scaleMilliseconds(t.scaleIndex)
            panels.append(Heatmap(title: "Δt = \(Markup.label(dt)) ms", xLabel: "E / mean E", yLabel: "I / mean I",
                                  values: h, xRange: 0...top, yRange: 0...top, colorLabel: "fraction of bins",
                                  diagonal: true).svg())
        }
        guard !panels.isEmpty else { return nil }
        return Figure(id: "joint-\(TidyCSV.fileSafe(state))", title: "E–I joint density — \(state)", panels: panels,
                      caption: """
            Joint distribution of the E and I ensemble counts per bin, each divided by its mean (the window \
            normalisation of METHODS §2, times K), at four scales; colour: fraction of bins (viridis, square-root \
            scale); white \
            dashed: the balance diagonal E = I. Balance: the cloud is elongated along the diagonal (PCA angle \
            45°, narrow orthogonal width) and symmetric about it (small pair asymmetry).
            """)
    }
}
