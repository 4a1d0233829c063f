import Analysis

extension Figures {
    /// Scales drawn in the cross-correlation-against-lag figure when their "xcorr" curves exist.
    static let xcorrLagScales = [1, 10, 20, 28]

    /// The scales to draw from the available ones: `xcorrLagScales` that are present, else up to four spread
    /// evenly over the available scales.
    static func pickXcorrScales(_ available: [Int]) -> [Int] {
        let have = Array(Set(available)).sorted()
        let wanted = xcorrLagScales.filter(have.contains)
        if !wanted.isEmpty { return wanted }
        guard have.count > 4 else { return have }
        return Array(Set((0 ..< 4).map { have[$0 * (have.count - 1) / 3] })).sorted()
    }

    /// Normalised E–I cross-correlation ρ(l) against lag l·Δt_s in ms (METHODS §3.6) for a few scales of one
    /// state, from the "xcorr" curve tables (`<state>_xcorr_sNN.csv`, columns x = lag in ms, y = ρ). One panel
    /// per scale, one line per source (recording), at most six sources.
    public static func crossCorrelationLag(_ input: ReportInput, state: String, maxSources: Int = 6) -> Figure? {
        let curves = input.curves.filter { $0.table.state == state && $0.table.kind == "xcorr" }
            .sorted { ($0.source, $0.table.scaleIndex) < ($1.source, $1.table.scaleIndex) }
        guard !curves.isEmpty else { return nil }
        var sources: [String] = []
        for c in curves where !sources.contains(c.source) { sources.append(c.source) }
        sources = Array(sources.prefix(maxSources))
        var panels: [String] = []
        for s in pickXcorrScales(curves.map(\.table.scaleIndex)) {
            let series: [Series] = curves.filter { $0.table.scaleIndex == s }.compactMap { src, t in
                guard let k = sources.firstIndex(of: src), let xi = t.columns.firstIndex(of: "x"),
                      let yi = t.columns.firstIndex(of: "y"), !t.rows.isEmpty else { return nil }
                return Series(name: src.isEmpty ? "ρ(lag)" : src, x: t.rows.map { $0[xi] ?? .nan },
                              y: t.rows.map { $0[yi] ?? .nan }, style: .lineAndPoints,
                              color: sources.count == 1 ? iColor : Palette.category(k), strokeWidth: 1.3)
            }
            guard !series.isEmpty else { continue }
            let xs = series.flatMap(\.x).filter(\.isFinite)
            guard let lo = xs.min(), let hi = xs.max(), hi > lo else { continue }
            let ys = series.flatMap(\.y).filter(\.isFinite)
            let dt = AnalysisParameters.scaleMilliseconds(s)
            panels.append(XYChart(title: "Δt = \(Markup.label(dt)) ms (scale \(s))", xLabel: "lag of I after E (ms)",
                                  yLabel: "normalised cross-correlation ρ", series: series,
                                  references: [ReferenceLine(x1: 0, y1: min(ys.min() ?? 0, 0), x2: 0,
                                                             y2: max(ys.max() ?? 1, 0), label: "zero lag")],
                                  width: 380, height: 240, legend: sources.count > 1, includeZeroY: true,
                                  xDomain: lo ... hi).svg())
        }
        guard !panels.isEmpty else { return nil }
        return Figure(id: "xcorr-lag-\(TidyCSV.fileSafe(state))", title: "E–I cross-correlation against lag — \(state)",
                      panels: panels, caption: """
            Normalised cross-correlation ρ(l) of the E and I ensemble counts against lag l·Δt in ms (METHODS §3.6; \
            ρ(0) is Pearson r; positive lag: I follows E), for lags −L…L bins at a few scales\
            \(sources.count > 1 ? ", one line per recording" : ""). Balanced, self-sustained activity peaks at zero \
            lag (E and I rise and fall together); an external drive, or inhibition that lags excitation, shifts the \
            peak away from 0 and flattens it.
            """)
    }
}
