import Analysis
import Foundation

extension FamilyFigures {
    /// Bin sizes (ms) drawn in the avalanche-size figure when present.
    static let avalancheBins: [Double] = [1, 3, 7, 15]

    /// Up to `limit` bins: the preferred ones that are available, else spread evenly over the available ones.
    static func pickBins(_ available: [Double], preferred: [Double], limit: Int = 4) -> [Double] {
        let have = Array(Set(available)).sorted()
        let wanted = preferred.filter(have.contains)
        if !wanted.isEmpty { return Array(wanted.prefix(limit)) }
        guard have.count > limit else { return have }
        return Array(Set((0 ..< limit).map { have[$0 * (have.count - 1) / (limit - 1)] })).sorted()
    }

    /// The fitted discrete power law drawn over an empirical distribution (METHODS §8): `PowerLawLine.points`, with
    /// `minimumP` e.g. half an avalanche in the sample, so a steep fit does not stretch the axis.
    public static func powerLawLine(alpha: Double, xmin: Double, tailFraction: Double, maxSize: Double,
                                    points: Int = 40, minimumP: Double = 0,
                                    cumulative: Bool = false) -> (x: [Double], y: [Double])? {
        PowerLawLine.points(alpha: alpha, xmin: xmin, tailFraction: tailFraction, maxSize: maxSize, points: points,
                            minimumP: minimumP, cumulative: cumulative)
    }

    /// The empirical CCDF P(S ≥ s) at the sizes `x` (ascending) with counts `y`, as fractions of `total`.
    static func ccdf(_ x: [Double], _ y: [Double], total: Double) -> [Double] {
        var out = [Double](repeating: 0, count: y.count)
        var above = 0.0
        for k in stride(from: y.count - 1, through: 0, by: -1) {
            above += y[k] > 0 ? y[k] : 0
            out[k] = above / total
        }
        return out
    }

    /// Avalanche size distributions P(s) (normalised `size_count` curves of `family_curves.csv`, METHODS §8)
    /// of the spike avalanches, log–log, per state (the first recording with the curves) a P(s) panel and a
    /// CCDF P(S ≥ s) panel, one point series per bin size (≤ 4, `avalancheBins` when present), with the fitted
    /// power law (`size_alpha`, `size_xmin` of `family_measures.csv`) drawn over s ≥ x_min.
    public static func avalancheSizes(_ input: ReportInput) -> Figure? {
        let all = input.familyCurves("avalanches", curves: ["size_count"]).filter { $0.group == "spikes" }
        guard !all.isEmpty else { return nil }
        var panels: [String] = []
        var fits: [String] = []
        for state in input.states {
            let cs = all.filter { $0.state == state }
            guard let first = cs.first else { continue }
            let mine = cs.filter { $0.subject == first.subject && $0.session == first.session && $0.binMilliseconds != nil }
            var series: [Series] = [], cumulative: [Series] = []
            var stateFits: [String] = []
            for (k, bin) in pickBins(mine.map { $0.binMilliseconds! }, preferred: avalancheBins).enumerated() {
                guard let c = mine.first(where: { $0.binMilliseconds == bin }) else { continue }
                let total = c.y.filter { $0.isFinite && $0 > 0 }.reduce(0, +)
                guard total > 0 else { continue }
                let color = Palette.category(k)
                let alpha = input.familyValue("avalanches", "size_alpha", subject: c.subject, session: c.session,
                                              state: state, group: "spikes", binMilliseconds: bin)
                let xmin = input.familyValue("avalanches", "size_xmin", subject: c.subject, session: c.session,
                                             state: state, group: "spikes", binMilliseconds: bin)
                var name = "\(Markup.label(bin)) ms"
                var line: Series?, cumulativeLine: Series?
                if let alpha, let xmin {
                    let tail = zip(c.x, c.y).filter { $0.0 >= xmin && $0.1 > 0 }.map(\.1).reduce(0, +) / total
                    func fit(_ cumulative: Bool) -> Series? {
                        guard let maxSize = c.x.filter(\.isFinite).max(),
                              let l = powerLawLine(alpha: alpha, xmin: xmin, tailFraction: tail, maxSize: maxSize,
                                                   minimumP: 0.5 / total, cumulative: cumulative) else { return nil }
                        return Series(name: "\(Markup.label(bin)) ms power law s ≥ x_min", x: l.x, y: l.y,
                                      color: Palette.black, dashed: true, strokeWidth: 1.2, inLegend: false)
                    }
                    line = fit(false)
                    cumulativeLine = fit(true)
                    if line != nil {
                        name += ": α = \(Markup.label(alpha)), x_min = \(Markup.label(xmin))"
                        stateFits.append("\(Markup.label(bin)) ms α = \(Markup.label(alpha)) above x_min = \(Markup.label(xmin))")
                    }
                } else {
                    name += ": no power-law fit"
                }
                series.append(Series(name: name, x: c.x, y: c.y.map { $0 / total }, style: .points, color: color,
                                     opacity: 0.85, radius: 2.2))
                if let line { series.append(line) }
                cumulative.append(Series(name: name, x: c.x, y: ccdf(c.x, c.y, total: total), style: .points,
                                         color: color, opacity: 0.85, radius: 2.2))
                if let cumulativeLine { cumulative.append(cumulativeLine) }
            }
            guard !series.isEmpty else { continue }
            if !stateFits.isEmpty { fits.append("\(state): " + stateFits.joined(separator: ", ")) }
            panels.append(XYChart(title: "\(state), \(first.recording)", xLabel: "avalanche size s (spikes)",
                                  yLabel: "P(s), fraction of avalanches", xAxis: .log, yAxis: .log, series: series,
                                  width: 470, height: 290).svg())
            panels.append(XYChart(title: "\(state), \(first.recording): CCDF", xLabel: "avalanche size s (spikes)",
                                  yLabel: "P(S ≥ s), fraction of avalanches", xAxis: .log, yAxis: .log,
                                  series: cumulative, width: 330, height: 290, legend: false).svg())
        }
        guard !panels.isEmpty else { return nil }
        return Figure(id: "avalanche-sizes", title: "Avalanche size distributions", panels: panels, caption: """
            Distribution of spike-avalanche sizes (METHODS §8: all units pooled, an avalanche is a maximal run of \
            non-empty bins, its size the number of spikes in it), as the fraction of avalanches of each size, \
            log–log, at a few bin sizes (colours), one recording per state; right of each: the complementary \
            cumulative distribution P(S ≥ s), which does not depend on binning the sizes. Black dashed: the \
            discrete power law fitted above x_min (maximum likelihood with x_min at the minimum KS distance, \
            Clauset et al. 2009), drawn only over s ≥ x_min (and while it predicts at least half an avalanche). \
            A critical network gives a straight line (P(s) ∝ s^−α, α ≈ 1.5 for a critical branching process; \
            the CCDF then has slope 1 − α) over decades of sizes; a non-critical one bends down — an exponential cut-off (subcritical) \
            or a bump of very large avalanches (supercritical). AV found no robust power law for spike \
            avalanches; see the likelihood-ratio rows of family_measures.csv.\
            \(fits.isEmpty ? " No power law could be fitted." : " Fits: " + fits.joined(separator: "; ") + ".")
            """)
    }
}
