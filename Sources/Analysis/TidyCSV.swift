import Foundation

/// A CSV table that could not be read, naming the file, the 1-based line and the field.
public enum TidyCSVError: Error, CustomStringConvertible, Sendable, Equatable {
    case header(file: String, expected: [String], found: [String])
    case fieldCount(file: String, line: Int, expected: Int, found: Int)
    case badNumber(file: String, line: Int, field: String, text: String)
    case badValue(file: String, line: Int, field: String, text: String)
    case unterminatedQuote(file: String, line: Int)

    public var description: String {
        switch self {
        case let .header(f, e, x):
            return "\(f): header is '\(x.joined(separator: ","))', expected '\(e.joined(separator: ","))'"
        case let .fieldCount(f, l, e, x): return "\(f):\(l): \(x) fields, expected \(e)"
        case let .badNumber(f, l, field, t): return "\(f):\(l): field '\(field)' is not a number: '\(t)'"
        case let .badValue(f, l, field, t): return "\(f):\(l): field '\(field)' has an invalid value: '\(t)'"
        case let .unterminatedQuote(f, l): return "\(f):\(l): unterminated quoted field"
        }
    }
}

/// One resampled curve of one (state, scale) for plotting (METHODS §3.4–3.5): `curves/<state>_<kind>_s<NN>.csv`.
///
/// `kind` is e.g. `collapse` or `partition_e`; `columns` names the columns (the first is the x axis, e.g.
/// `x`), and each row holds one value per column (nil = empty field).
public struct CurveTable: Sendable, Equatable, Codable {
    public var state: String
    public var kind: String
    public var scaleIndex: Int
    public var columns: [String]
    public var rows: [[Double?]]

    public init(state: String, kind: String, scaleIndex: Int, columns: [String], rows: [[Double?]]) {
        self.state = state; self.kind = kind; self.scaleIndex = scaleIndex; self.columns = columns; self.rows = rows
    }

    /// `<state>_<kind>_s<NN>.csv`, with the scale zero-padded to two digits so names sort by scale.
    public var fileName: String {
        let s = scaleIndex < 10 ? "0\(scaleIndex)" : "\(scaleIndex)"
        return "\(TidyCSV.fileSafe(state))_\(TidyCSV.fileSafe(kind))_s\(s).csv"
    }
}

/// Deterministic tidy CSV text for every table the analysis writes (METHODS §10), and readers for them.
///
/// Byte-identical output for the same rows, whatever order they arrive in (so any rank count gives the same
/// files): rows are sorted by their identifying columns; numbers use Swift's shortest round-trip text
/// (`"\(Double)"`, e.g. `0.1`, `5.0`, `1e-05`), which reads back to the identical `Double`; an absent or
/// non-finite value is an empty field; text fields are quoted (RFC 4180) only when they hold a comma, quote
/// or line break; lines end with `\n`.
public enum TidyCSV {
    public static let measuresHeader = ["subject", "session", "state", "scale_index", "dt_ms", "measure", "value",
                                        "surrogate_mean", "surrogate_sd", "z"]
    public static let orderParametersHeader = ["subject", "session", "state", "measure", "value", "surrogate_mean",
                                               "surrogate_sd", "z"]
    public static let verdictsHeader = ["subject", "session", "state", "verdict", "balance_symmetry", "failed", "r_bar",
                                        "r_bar_z", "theta_bar_deg", "collapse_spread", "collapse_spread_z",
                                        "seizure_deviation_sd", "evidence"]
    public static let missingHeader = ["subject", "session", "state", "scale_index", "measure", "reason"]
    public static let secondaryHeader = measuresHeader + ["kind"]

    // MARK: Field formatting

    /// Shortest round-trip text of a finite number, or "" for nil / NaN / ±∞.
    public static func number(_ v: Double?) -> String {
        guard let v, v.isFinite else { return "" }
        return v == 0 ? "0.0" : "\(v)"   // folds −0.0 into 0.0
    }

    /// The verdict value as `1` (holds) or `0` (broken), "" when undecidable.
    static func verdictValue(_ v: Double?) -> String {
        guard let v, v.isFinite else { return "" }
        return v >= 0.5 ? "1" : "0"
    }

    /// An optional integer, "" for nil.
    public static func integer(_ v: Int?) -> String { v.map { "\($0)" } ?? "" }

    /// `v` with `digits` significant digits (`%.*g`), for human-readable evidence strings.
    public static func significant(_ v: Double, digits: Int) -> String {
        guard v.isFinite else { return "\(v)" }
        return String(format: "%.\(digits)g", v)
    }

    /// A text field, quoted when needed (RFC 4180).
    public static func text(_ s: String) -> String {
        if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return s
    }

    /// `s` with anything other than letters, digits, `-`, `_` and `.` replaced by `_` (for file names).
    public static func fileSafe(_ s: String) -> String {
        String(s.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") ? $0 : "_" })
    }

    static func lines(_ header: [String], _ rows: [[String]]) -> String {
        var out = header.joined(separator: ",") + "\n"
        for r in rows { out += r.joined(separator: ",") + "\n" }
        return out
    }

    // MARK: Sorting (deterministic, independent of arrival order)

    static func scaleLess(_ a: Int?, _ b: Int?) -> Bool { (a ?? -1) < (b ?? -1) }

    static func orderRank(_ m: String) -> Int {
        if let i = OrderParameter.names.firstIndex(of: m) { return i }
        return m == OrderParameter.verdict ? OrderParameter.names.count + 1 : OrderParameter.names.count
    }

    // MARK: Writers

    /// `measures.csv`, sorted by subject, session, state, measure, scale index (empty first).
    public static func measures(_ rows: [MeasureRow]) -> String {
        let sorted = rows.sorted {
            ($0.subject, $0.session, $0.state, $0.measure) != ($1.subject, $1.session, $1.state, $1.measure)
                ? ($0.subject, $0.session, $0.state, $0.measure) < ($1.subject, $1.session, $1.state, $1.measure)
                : scaleLess($0.scaleIndex, $1.scaleIndex)
        }
        return lines(measuresHeader, sorted.map {
            [text($0.subject), text($0.session), text($0.state), integer($0.scaleIndex), number($0.dtMilliseconds),
             text($0.measure), number($0.value), number($0.surrogateMean), number($0.surrogateSD), number($0.z)]
        })
    }

    /// `order_parameters.csv`, sorted by subject, session, state, then the METHODS §4 order
    /// (`OrderParameter.names`, other names alphabetically, `balance_symmetry` last, written `1` or `0`).
    public static func orderParameters(_ rows: [OrderParameterRow]) -> String {
        let sorted = rows.sorted {
            if ($0.subject, $0.session, $0.state) != ($1.subject, $1.session, $1.state) {
                return ($0.subject, $0.session, $0.state) < ($1.subject, $1.session, $1.state)
            }
            let (ra, rb) = (orderRank($0.measure), orderRank($1.measure))
            return ra != rb ? ra < rb : $0.measure < $1.measure
        }
        return lines(orderParametersHeader, sorted.map {
            [text($0.subject), text($0.session), text($0.state), text($0.measure),
             $0.measure == OrderParameter.verdict ? verdictValue($0.value) : number($0.value),
             number($0.surrogateMean), number($0.surrogateSD), number($0.z)]
        })
    }

    /// `verdicts.csv` (METHODS §4): `verdict` is holds, deviates, broken or undecidable; `balance_symmetry` is 1
    /// (holds), 0 (deviates, broken) or empty (undecidable); `failed` lists the failed (or undefined) criteria,
    /// followed by the values and z-scores that decided it.
    public static func verdicts(_ rows: [VerdictRow]) -> String {
        let sorted = rows.sorted { ($0.subject, $0.session, $0.state) < ($1.subject, $1.session, $1.state) }
        return lines(verdictsHeader, sorted.map {
            [text($0.subject), text($0.session), text($0.state), $0.verdict.rawValue,
             $0.holds.map { $0 ? "1" : "0" } ?? "", text($0.failed), number($0.rBar), number($0.rBarZ),
             number($0.thetaBarDegrees), number($0.collapseSpread), number($0.collapseSpreadZ),
             number($0.seizureDeviationSD), text($0.evidence)]
        })
    }

    /// `missing.csv`, sorted by subject, session, state, measure, scale index, reason.
    public static func missing(_ rows: [MissingRow]) -> String {
        let sorted = rows.sorted {
            if ($0.subject, $0.session, $0.state, $0.measure) != ($1.subject, $1.session, $1.state, $1.measure) {
                return ($0.subject, $0.session, $0.state, $0.measure) < ($1.subject, $1.session, $1.state, $1.measure)
            }
            if $0.scaleIndex != $1.scaleIndex { return scaleLess($0.scaleIndex, $1.scaleIndex) }
            return $0.reason < $1.reason
        }
        return lines(missingHeader, sorted.map {
            [text($0.subject), text($0.session), text($0.state), integer($0.scaleIndex), text($0.measure),
             text($0.reason)]
        })
    }

    /// `surrogates_secondary.csv`: the columns of `measures.csv` plus `kind`, sorted by subject, session,
    /// state, kind, measure, scale index.
    public static func secondary(_ rows: [SecondarySurrogateRow]) -> String {
        let sorted = rows.sorted {
            let a = ($0.subject, $0.session, $0.state, $0.kind.rawValue, $0.measure)
            let b = ($1.subject, $1.session, $1.state, $1.kind.rawValue, $1.measure)
            return a != b ? a < b : scaleLess($0.scaleIndex, $1.scaleIndex)
        }
        return lines(secondaryHeader, sorted.map {
            [text($0.subject), text($0.session), text($0.state), integer($0.scaleIndex), number($0.dtMilliseconds),
             text($0.measure), number($0.value), number($0.surrogateMean), number($0.surrogateSD), number($0.z),
             $0.kind.rawValue]
        })
    }

    /// One curve file: its own header, rows in the given order.
    public static func curve(_ c: CurveTable) -> String {
        lines(c.columns.map(text), c.rows.map { $0.map(number) })
    }

    // MARK: Readers

    /// Splits CSV text into records of fields (RFC 4180 quoting; `\n` or `\r\n` line ends; a final empty
    /// line is ignored).
    public static func parse(_ content: String, file: String = "<csv>") throws -> [[String]] {
        var records: [[String]] = [], fields: [String] = [], field = ""
        var inQuotes = false, line = 1, afterQuote = false
        var it = Array(content.unicodeScalars)[...]
        var hasAny = false
        func endField() { fields.append(field); field = ""; afterQuote = false }
        while let c = it.popFirst() {
            hasAny = true
            if inQuotes {
                if c == "\"" {
                    if it.first == "\"" { field.unicodeScalars.append("\""); _ = it.popFirst() }
                    else { inQuotes = false; afterQuote = true }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"" where field.isEmpty && !afterQuote: inQuotes = true
            case ",": endField()
            case "\r": continue
            case "\n":
                endField(); records.append(fields); fields = []; line += 1; hasAny = false
            default: field.unicodeScalars.append(c)
            }
        }
        if inQuotes { throw TidyCSVError.unterminatedQuote(file: file, line: line) }
        if hasAny { endField(); records.append(fields) }
        return records
    }

    /// A parsed table whose header matched; rows are dictionaries by column name, with their line numbers.
    struct Table {
        var file: String
        var rows: [(line: Int, fields: [String: String])]

        func string(_ r: (line: Int, fields: [String: String]), _ name: String) -> String { r.fields[name] ?? "" }

        func double(_ r: (line: Int, fields: [String: String]), _ name: String) throws -> Double? {
            let t = r.fields[name] ?? ""
            if t.isEmpty { return nil }
            guard let v = Double(t), v.isFinite else {
                throw TidyCSVError.badNumber(file: file, line: r.line, field: name, text: t)
            }
            return v
        }

        func int(_ r: (line: Int, fields: [String: String]), _ name: String) throws -> Int? {
            let t = r.fields[name] ?? ""
            if t.isEmpty { return nil }
            guard let v = Int(t) else { throw TidyCSVError.badNumber(file: file, line: r.line, field: name, text: t) }
            return v
        }
    }

    static func table(_ content: String, file: String, header: [String]) throws -> Table {
        let recs = try parse(content, file: file)
        guard let h = recs.first else { throw TidyCSVError.header(file: file, expected: header, found: []) }
        guard h == header else { throw TidyCSVError.header(file: file, expected: header, found: h) }
        var rows: [(Int, [String: String])] = []
        for (i, r) in recs.dropFirst().enumerated() {
            guard r.count == header.count else {
                throw TidyCSVError.fieldCount(file: file, line: i + 2, expected: header.count, found: r.count)
            }
            rows.append((i + 2, Dictionary(uniqueKeysWithValues: zip(header, r))))
        }
        return Table(file: file, rows: rows)
    }

    /// Reads `measures.csv` text.
    public static func readMeasures(_ content: String, file: String = "measures.csv") throws -> [MeasureRow] {
        let t = try table(content, file: file, header: measuresHeader)
        return try t.rows.map { r in
            MeasureRow(subject: t.string(r, "subject"), session: t.string(r, "session"), state: t.string(r, "state"),
                       scaleIndex: try t.int(r, "scale_index"), dtMilliseconds: try t.double(r, "dt_ms"),
                       measure: t.string(r, "measure"), value: try t.double(r, "value"),
                       surrogateMean: try t.double(r, "surrogate_mean"), surrogateSD: try t.double(r, "surrogate_sd"),
                       z: try t.double(r, "z"))
        }
    }

    /// Reads `order_parameters.csv` text.
    public static func readOrderParameters(_ content: String, file: String = "order_parameters.csv") throws
        -> [OrderParameterRow] {
        let t = try table(content, file: file, header: orderParametersHeader)
        return try t.rows.map { r in
            OrderParameterRow(subject: t.string(r, "subject"), session: t.string(r, "session"),
                              state: t.string(r, "state"), measure: t.string(r, "measure"),
                              value: try t.double(r, "value"), surrogateMean: try t.double(r, "surrogate_mean"),
                              surrogateSD: try t.double(r, "surrogate_sd"), z: try t.double(r, "z"))
        }
    }

    /// Reads `verdicts.csv` text.
    public static func readVerdicts(_ content: String, file: String = "verdicts.csv") throws -> [VerdictRow] {
        let t = try table(content, file: file, header: verdictsHeader)
        return try t.rows.map { r in
            let w = t.string(r, "verdict")
            guard let verdict = Verdict(rawValue: w) else {
                throw TidyCSVError.badValue(file: file, line: r.line, field: "verdict", text: w)
            }
            func num(_ f: String) throws -> Double? {
                let x = t.string(r, f)
                if x.isEmpty { return nil }
                guard let v = Double(x) else { throw TidyCSVError.badValue(file: file, line: r.line, field: f, text: x) }
                return v
            }
            return VerdictRow(subject: t.string(r, "subject"), session: t.string(r, "session"),
                              state: t.string(r, "state"), verdict: verdict, failed: t.string(r, "failed"),
                              rBar: try num("r_bar"), rBarZ: try num("r_bar_z"),
                              thetaBarDegrees: try num("theta_bar_deg"), collapseSpread: try num("collapse_spread"),
                              collapseSpreadZ: try num("collapse_spread_z"),
                              seizureDeviationSD: try num("seizure_deviation_sd"), evidence: t.string(r, "evidence"))
        }
    }

    /// Reads `missing.csv` text.
    public static func readMissing(_ content: String, file: String = "missing.csv") throws -> [MissingRow] {
        let t = try table(content, file: file, header: missingHeader)
        return try t.rows.map { r in
            MissingRow(subject: t.string(r, "subject"), session: t.string(r, "session"), state: t.string(r, "state"),
                       scaleIndex: try t.int(r, "scale_index"), measure: t.string(r, "measure"),
                       reason: t.string(r, "reason"))
        }
    }

    /// Reads `surrogates_secondary.csv` text.
    public static func readSecondary(_ content: String, file: String = "surrogates_secondary.csv") throws
        -> [SecondarySurrogateRow] {
        let t = try table(content, file: file, header: secondaryHeader)
        return try t.rows.map { r in
            let k = t.string(r, "kind")
            guard let kind = SurrogateKind(rawValue: k) else {
                throw TidyCSVError.badValue(file: file, line: r.line, field: "kind", text: k)
            }
            return SecondarySurrogateRow(
                subject: t.string(r, "subject"), session: t.string(r, "session"), state: t.string(r, "state"),
                scaleIndex: try t.int(r, "scale_index"), dtMilliseconds: try t.double(r, "dt_ms"),
                measure: t.string(r, "measure"), value: try t.double(r, "value"),
                surrogateMean: try t.double(r, "surrogate_mean"), surrogateSD: try t.double(r, "surrogate_sd"),
                z: try t.double(r, "z"), kind: kind)
        }
    }

    /// Reads a curve file; `state`, `kind` and `scaleIndex` come from its name (`<state>_<kind>_s<NN>.csv`
    /// is ambiguous when the state has underscores, so the caller passes them).
    public static func readCurve(_ content: String, file: String, state: String, kind: String,
                                 scaleIndex: Int) throws -> CurveTable {
        let recs = try parse(content, file: file)
        guard let h = recs.first else { throw TidyCSVError.header(file: file, expected: ["x"], found: []) }
        var rows: [[Double?]] = []
        for (i, r) in recs.dropFirst().enumerated() {
            guard r.count == h.count else {
                throw TidyCSVError.fieldCount(file: file, line: i + 2, expected: h.count, found: r.count)
            }
            rows.append(try zip(h, r).map { name, t in
                if t.isEmpty { return nil }
                guard let v = Double(t) else {
                    throw TidyCSVError.badNumber(file: file, line: i + 2, field: name, text: t)
                }
                return v
            })
        }
        return CurveTable(state: state, kind: kind, scaleIndex: scaleIndex, columns: h, rows: rows)
    }
}
