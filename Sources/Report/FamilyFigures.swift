import Analysis
import Foundation

/// One row of `family_measures.csv` (METHODS §6–9), read generically.
public struct FamilyMeasure: Sendable, Equatable {
    public var subject: String, session: String, state: String, family: String, channel: String, group: String
    public var binMilliseconds: Double?
    public var measure: String
    public var value: Double?

    public init(subject: String, session: String, state: String, family: String, channel: String = "",
                group: String = "", binMilliseconds: Double? = nil, measure: String, value: Double?) {
        self.subject = subject; self.session = session; self.state = state; self.family = family
        self.channel = channel; self.group = group; self.binMilliseconds = binMilliseconds; self.measure = measure
        self.value = value
    }
}

extension ReportInput {
    /// Reads `family_measures.csv` text (columns `TidyCSV.familyMeasuresHeader`).
    static func readFamilies(_ content: String, file: String) throws -> [FamilyMeasure] {
        let recs = try TidyCSV.parse(content, file: file)
        guard let h = recs.first, h == TidyCSV.familyMeasuresHeader else {
            throw TidyCSVError.header(file: file, expected: TidyCSV.familyMeasuresHeader, found: recs.first ?? [])
        }
        return try recs.dropFirst().enumerated().map { i, r in
            guard r.count == h.count else {
                throw TidyCSVError.fieldCount(file: file, line: i + 2, expected: h.count, found: r.count)
            }
            func num(_ k: Int) throws -> Double? {
                if r[k].isEmpty { return nil }
                guard let v = Double(r[k]) else {
                    throw TidyCSVError.badNumber(file: file, line: i + 2, field: h[k], text: r[k])
                }
                return v
            }
            return FamilyMeasure(subject: r[0], session: r[1], state: r[2], family: r[3], channel: r[4], group: r[5],
                                 binMilliseconds: try num(6), measure: r[7], value: try num(8))
        }
    }
}

/// Figures of the other measure families when the tables have them (METHODS §6–9): binned measures against
/// bin size per state and group, and a table of the unbinned ones.
public enum FamilyFigures {
    /// Measures drawn against bin size, by family, in this order when present.
    static let binned: [String: [String]] = [
        "spatial": ["pair_correlation", "distance_lambda_um"],
        "avalanches": ["branching_ratio", "size_alpha", "duration_alpha", "size_mean"],
    ]

    static let captions: [String: String] = [
        "spatial": """
            Spatial structure (METHODS §7): mean pairwise spike-count correlation and the distance constant λ of \
            ρ(d) = β + κ e^{−d/λ} against the bin size, per pair class (E–E, I–I, E–I) and state. PN found λ ≈ 1 mm \
            for E–E pairs, independent of the time scale, and flat I–I correlations over the array.
            """,
        "avalanches": """
            Avalanches (METHODS §8) against the bin size, per state: branching ratio (1 = critical branching) and \
            the power-law exponents of sizes and durations fitted above x_min (Clauset et al. 2009). AV found no \
            robust power law for spike avalanches; a ratio well below 1 means activity dies out quickly.
            """,
    ]

    public static func figures(_ input: ReportInput) -> [Figure] {
        let rows = input.families
        guard !rows.isEmpty else { return [] }
        let states = input.states
        var out: [Figure] = []
        for family in Set(rows.map(\.family)).sorted() {
            let fr = rows.filter { $0.family == family && $0.value != nil }
            var panels: [String] = []
            for m in binned[family] ?? [] {
                let mr = fr.filter { $0.measure == m && $0.binMilliseconds != nil }
                guard !mr.isEmpty else { continue }
                var series: [Series] = []
                let groups = Set(mr.map(\.group)).sorted()
                for state in states {
                    for (gi, g) in groups.enumerated() {
                        // Mean over recordings and channels at each bin size.
                        var acc: [Double: [Double]] = [:]
                        for r in mr where r.state == state && r.group == g { acc[r.binMilliseconds!, default: []].append(r.value!) }
                        guard !acc.isEmpty else { continue }
                        let xs = acc.keys.sorted()
                        let name = groups.count > 1 ? "\(state) \(g)" : state
                        series.append(Series(name: name, x: xs, y: xs.map { acc[$0]!.reduce(0, +) / Double(acc[$0]!.count) },
                                             style: .lineAndPoints, color: Figures.color(state, states),
                                             dashed: gi % 2 == 1, opacity: gi >= 2 ? 0.6 : 1))
                    }
                }
                guard !series.isEmpty else { continue }
                panels.append(XYChart(title: m, xLabel: "bin size (ms)", yLabel: m, xAxis: .log, series: series,
                                      width: 470, height: 270).svg())
            }
            if !panels.isEmpty {
                out.append(Figure(id: "family-\(TidyCSV.fileSafe(family))", title: "Measure family: \(family)",
                                  panels: panels,
                                  caption: captions[family] ?? "Binned measures of the \(family) family against bin size, by state."))
            }
        }
        return out
    }

    /// A table of the mean value (over recordings, channels, groups and bins) of every family measure by state.
    static func table(_ input: ReportInput) -> Element? {
        let rows = input.families.filter { $0.value != nil }
        guard !rows.isEmpty else { return nil }
        let states = input.states.filter { s in rows.contains { $0.state == s } }
        var acc: [String: [String: [Double]]] = [:]
        for r in rows { acc["\(r.family)/\(r.measure)", default: [:]][r.state, default: []].append(r.value!) }
        let body = acc.keys.sorted().map { key -> [String] in
            [key] + states.map { s in
                guard let v = acc[key]?[s], !v.isEmpty else { return "" }
                return Markup.label(v.reduce(0, +) / Double(v.count), digits: 3) + (v.count > 1 ? " (n=\(v.count))" : "")
            }
        }
        return Element("details", children: [
            Element("summary", text: "Measure families (METHODS §6–9): mean of every value by state (\(acc.count) measures)"),
            HTMLReport.table(["family/measure"] + states, body),
        ])
    }
}
