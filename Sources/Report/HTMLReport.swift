import Analysis
import Foundation

/// Assembles the self-contained HTML report (issue 10): inline CSS and SVG, no scripts, no network.
public enum HTMLReport {
    /// Reads the tables and manifest of `folder` (`ReportInput.load`; an `analyze DIR` or a sweep `OUT`), builds
    /// the report and writes `folder/report.html` atomically; returns its path.
    @discardableResult
    public static func write(folder: String, title: String? = nil) throws -> String {
        let input = try ReportInput.load(folder)
        let html = build(input, title: title)
        let path = folder + "/report.html"
        try AnalysisOutput.writeAtomically(html, to: path)
        return path
    }

    static let css = """
        body{font-family:Helvetica,Arial,sans-serif;font-size:15px;line-height:1.45;color:#1a1a1a;max-width:1280px;\
        margin:0 auto;padding:16px 24px;background:#fff}
        h1{font-size:26px;margin-bottom:4px}h2{font-size:21px;border-bottom:2px solid #ddd;padding-bottom:4px;margin-top:36px}
        h3{font-size:17px;margin-bottom:6px}
        figure{margin:18px 0 28px 0}figure .panels{display:flex;flex-wrap:wrap;gap:8px}
        figcaption{font-size:14px;color:#333;max-width:1000px;margin-top:6px}
        table{border-collapse:collapse;font-size:13px;margin:8px 0}td,th{border:1px solid #ccc;padding:3px 7px;text-align:left;vertical-align:top}
        th{background:#f3f3f3}.holds{background:#d9f0e6}.deviates{background:#fdf3c8}.broken{background:#fbe3d6}.undecidable{background:#eeeeee}
        .muted{color:#666;font-size:13px}nav a{margin-right:12px}code{font-size:13px}
        """

    /// The report's HTML for `input`.
    public static func build(_ input: ReportInput, title: String? = nil) -> String {
        let states = input.states
        var body: [Element] = []
        let recordings = Set(input.orderParameters.map { "\($0.subject)/\($0.session)" })
            .union(input.measures.map { "\($0.subject)/\($0.session)" })
        let subjects = Set(input.orderParameters.map(\.subject)).union(input.measures.map(\.subject))
        body.append(Element("h1", text: title ?? "SymmetryEdge report"))
        body.append(Element("p", [("class", "muted")], text: """
            \(input.layout == "sweep" ? "Sweep" : "Analysis") folder \(input.root): \(subjects.count) subject(s), \
            \(recordings.count) recording(s), states: \(states.joined(separator: ", ")). Measures follow \
            Dehghani, "Symmetry's Edge in Cortical Dynamics" (arXiv:2306.11965) and Dehghani et al., Sci. Rep. 6:23176 (2016).
            """))
        body.append(Element("nav", children: [
            Element("a", [("href", "#summary")], text: "Run summary"),
            Element("a", [("href", "#verdicts")], text: "Verdicts"),
            Element("a", [("href", "#states")], text: "Across states"),
        ] + states.map { Element("a", [("href", "#state-\(TidyCSV.fileSafe($0))")], text: $0) }))

        // Verdicts first: the answer.
        body.append(Element("h2", [("id", "verdicts")], text: "Broken-symmetry verdicts"))
        body.append(verdictTable(input))

        body.append(Element("h2", [("id", "states")], text: "Across states"))
        let across: [Figure?] = [Figures.orderParameters(input), Figures.correlationAcrossScales(input),
                                 Figures.varianceScaling(input), Figures.crossCorrelation(input),
                                 Figures.distributionSimilarity(input), Figures.giniAcrossScales(input),
                                 Figures.cooccurrence(input)]
        for f in across.compactMap({ $0 }) { body.append(figure(f)) }
        if let paired = pairedTable(input) { body.append(paired) }
        for f in FamilyFigures.figures(input) { body.append(figure(f)) }
        let curveFigures = [FamilyFigures.seizureBalance(input), FamilyFigures.spatialDistance(input),
                            FamilyFigures.avalancheSizes(input)]
        for f in curveFigures.compactMap({ $0 }) { body.append(figure(f)) }
        if let t = FamilyFigures.table(input) { body.append(t) }

        for state in states {
            body.append(Element("h2", [("id", "state-\(TidyCSV.fileSafe(state))")], text: "State: \(state)"))
            let figs = [Figures.series(input, state: state), Figures.jointDensity(input, state: state),
                        Figures.collapse(input, state: state), Figures.partition(input, state: state),
                        Figures.crossCorrelationLag(input, state: state)].compactMap { $0 }
            if figs.isEmpty {
                body.append(Element("p", [("class", "muted")], text: """
                    No curves or series files for this state (its observed shard or analysis wrote none, e.g. a \
                    sweep folder made before sweeps wrote curves/ and series/: run the sweep again to add them).
                    """))
            }
            for f in figs { body.append(figure(f)) }
        }

        body.append(Element("h2", [("id", "summary")], text: "Run summary"))
        body += runSummary(input)
        let doc = Element("html", [("lang", "en")], children: [
            Element("head", children: [
                Element("meta", [("charset", "utf-8")]),
                Element("meta", [("name", "viewport"), ("content", "width=device-width, initial-scale=1")]),
                Element("title", text: title ?? "SymmetryEdge report"),
                Element("style", raw: css),
            ]),
            Element("body", children: body),
        ])
        return "<!DOCTYPE html>\n" + doc.render() + "\n"
    }

    static func figure(_ f: Figure) -> Element {
        Element("figure", [("id", f.id)], children: [
            Element("h3", text: f.title),
            Element("div", [("class", "panels")], raw: f.panels.joined()),
            Element("figcaption", text: f.caption),
        ])
    }

    static func table(_ header: [String], _ rows: [[String]], classes: [String]? = nil) -> Element {
        Element("table", children: [Element("tr", children: header.map { Element("th", text: $0) })]
                + rows.enumerated().map { i, r in
                    Element("tr", classes.map { [("class", $0[i])] } ?? [], children: r.map { Element("td", text: $0) })
                })
    }

    static func verdictTable(_ input: ReportInput) -> Element {
        guard !input.verdicts.isEmpty else { return Element("p", [("class", "muted")], text: "No verdicts.csv rows.") }
        let states = input.states
        let rows = input.verdicts.sorted {
            let a = states.firstIndex(of: $0.state) ?? 0, b = states.firstIndex(of: $1.state) ?? 0
            return a != b ? a < b : ($0.subject, $0.session) < ($1.subject, $1.session)
        }
        let word: (VerdictRow) -> String = { $0.verdict.rawValue }
        let f: (Double?) -> String = { $0.map { Markup.label($0, digits: 3) } ?? "" }
        // Cohort counts per state, in the report's state order.
        let order = Verdict.allCases
        var counts: [String: [Verdict: Int]] = [:]
        for v in input.verdicts { counts[v.state, default: [:]][v.verdict, default: 0] += 1 }
        let countStates = states.filter { counts[$0] != nil } + counts.keys.filter { !states.contains($0) }.sorted()
        return Element("div", children: [
            Element("p", text: """
                The graded verdict of METHODS §4 per recording and state, against the first surrogate kind: holds \
                when z(r̄) > 1.96, |θ̄| < 10° and z(collapse spread) < 1.96; deviates when r̄ and θ̄ pass but the \
                collapse spread is significantly larger than its surrogates; broken when z(r̄) ≤ 1.96, |θ̄| ≥ 10°, \
                or S(t) leaves its pre-ictal trend during or after a seizure; undecidable when a deciding z is \
                undefined. The failed criteria and the values that decided it are listed.
                """),
            table(["state", "recordings"] + order.map(\.rawValue),
                  countStates.map { st in
                      [st, "\(counts[st]!.values.reduce(0, +))"] + order.map { "\(counts[st]![$0] ?? 0)" }
                  }),
            table(["state", "subject", "session", "verdict", "failed", "r̄", "z(r̄)", "θ̄ (°)", "spread",
                   "z(spread)", "S(t) dev. (sd)", "evidence"],
                  rows.map { [$0.state, $0.subject, $0.session, word($0), $0.failed, f($0.rBar), f($0.rBarZ),
                              f($0.thetaBarDegrees), f($0.collapseSpread), f($0.collapseSpreadZ),
                              f($0.seizureDeviationSD), $0.evidence] },
                  classes: rows.map(word)),
        ])
    }

    static func pairedTable(_ input: ReportInput) -> Element? {
        let rows = input.cohort.filter {
            !$0.comparison.isEmpty && OrderParameter.names.contains($0.measure) && $0.mean != nil && $0.subjects >= 2
        }
        guard !rows.isEmpty else { return nil }
        let f: (Double?) -> String = { $0.map { Markup.label($0, digits: 3) } ?? "" }
        return Element("details", children: [
            Element("summary", text: "Paired within-subject state differences (\(rows.count) rows)"),
            Element("p", [("class", "muted")], text: """
                Mean over subjects of (state − comparison), with the percentile bootstrap 95 % CI; a CI that \
                excludes 0 separates the two states.
                """),
            table(["measure", "state", "comparison", "subjects", "mean difference", "95 % CI"],
                  rows.map { [$0.measure, $0.state, $0.comparison, "\($0.subjects)", f($0.mean),
                              $0.ciLow == nil ? $0.note : "[\(f($0.ciLow)), \(f($0.ciHigh))]"] }),
        ])
    }

    /// Flattens a JSON object into (dotted key, text) pairs, sorted.
    static func flatten(_ v: Any, prefix: String = "", depth: Int = 0) -> [(String, String)] {
        if let d = v as? [String: Any], depth < 4 {
            return d.keys.sorted().flatMap { flatten(d[$0]!, prefix: prefix.isEmpty ? $0 : "\(prefix).\($0)", depth: depth + 1) }
        }
        if let a = v as? [Any] {
            if a.allSatisfy({ !($0 is [String: Any]) && !($0 is [Any]) }) {
                return [(prefix, a.map { "\($0)" }.joined(separator: ", "))]
            }
            return [(prefix, "\(a.count) entries")]
        }
        if let n = v as? NSNumber { return [(prefix, n.stringValue)] }
        return [(prefix, "\(v)")]
    }

    static func runSummary(_ input: ReportInput) -> [Element] {
        var out: [Element] = []
        if let m = input.manifest {
            out.append(Element("h3", text: "Sweep"))
            let keys = ["job", "program", "commit", "host", "writtenAt", "shards", "shardsDone", "shardsFailed",
                        "shardsPending", "groups", "scaleBand"]
            out.append(table(["field", "value"], keys.compactMap { k in m[k].map { [k, "\($0)"] } }))
            if let run = m["lastRun"] as? [String: Any] {
                out.append(Element("h3", text: "Last run"))
                let rows = flatten(run).filter { !$0.0.hasPrefix("failures") }
                out.append(table(["field", "value"], rows.map { [$0.0, $0.1] }))
                if let fails = run["failures"] as? [[String: Any]], !fails.isEmpty {
                    out.append(Element("h3", text: "Failed shards"))
                    out.append(table(["shard", "file", "message"], fails.map {
                        ["\($0["shard"] ?? "")", "\($0["file"] ?? "")", "\($0["message"] ?? "")"]
                    }))
                }
            }
            if !input.familyTimes.isEmpty {
                let total = input.familyTimes.map(\.seconds).reduce(0, +)
                out.append(Element("h3", text: "Wall time per family"))
                out.append(Element("p", [("class", "muted")], text: """
                    Sum of the wall-clock seconds of each finished shard (all ranks, last run of each shard, from \
                    the manifest's measureTimes), by measure family; balance = the METHODS §2–5 measures.
                    """))
                out.append(table(["family", "shards", "seconds", "share"], input.familyTimes.map {
                    [$0.family, "\($0.shards)", Markup.label($0.seconds, digits: 4),
                     total > 0 ? Markup.label(100 * $0.seconds / total, digits: 3) + " %" : ""]
                }))
            }
            if let red = m["reduction"] as? [String: Any], let inc = red["pairsIncomplete"] as? [Any], !inc.isEmpty {
                out.append(Element("h3", text: "Incomplete (recording, state) pairs"))
                out.append(Element("ul", children: inc.map { Element("li", text: "\($0)") }))
            }
            if let inputs = m["inputs"] as? [[String: Any]] {
                out.append(Element("h3", text: "Inputs"))
                out.append(table(["subject", "session", "E units", "I units", "states", "sha256", "read error"],
                                 inputs.map { i in
                                     ["\(i["subject"] ?? "")", "\(i["session"] ?? "")", "\(i["unitsE"] ?? "")",
                                      "\(i["unitsI"] ?? "")", ((i["states"] as? [Any]) ?? []).map { "\($0)" }.joined(separator: ", "),
                                      String("\(i["sha256"] ?? "")".prefix(16)) + "…", "\(i["readError"] ?? "")"]
                                 }))
            }
            if let p = m["parameters"] {
                out.append(Element("h3", text: "Parameters"))
                out.append(table(["parameter", "value"], flatten(p).map { [$0.0, $0.1] }))
            }
        }
        for (path, p) in input.provenance.prefix(20) {
            out.append(Element("h3", text: "Provenance: \(path)"))
            out.append(table(["field", "value"], flatten(p).map { [$0.0, $0.1] }))
        }
        if input.provenance.count > 20 {
            out.append(Element("p", [("class", "muted")], text: "\(input.provenance.count - 20) more provenance files not shown."))
        }
        // Missing values, counted by reason.
        var byReason: [String: Int] = [:]
        for m in input.missing { byReason[m.reason, default: 0] += 1 }
        if !byReason.isEmpty {
            out.append(Element("h3", text: "Missing values (missing.csv), by reason"))
            let rows = byReason.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(40)
            out.append(table(["rows", "reason"], rows.map { ["\($0.value)", $0.key] }))
        }
        if !input.notes.isEmpty {
            out.append(Element("h3", text: "Notes"))
            out.append(Element("ul", children: input.notes.map { Element("li", text: $0) }))
        }
        if out.isEmpty { out.append(Element("p", [("class", "muted")], text: "No manifest.json or provenance.json found.")) }
        return out
    }
}
