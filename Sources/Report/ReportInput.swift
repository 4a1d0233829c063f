import Analysis
import Foundation

/// A report input that could not be read, naming the folder or file.
public enum ReportError: Error, CustomStringConvertible, Sendable, Equatable {
    case notAnOutputFolder(path: String)
    case unreadable(path: String, message: String)

    public var description: String {
        switch self {
        case let .notAnOutputFolder(p):
            return "\(p): not an analysis or sweep output folder (no measures.csv, tables/measures.csv or order_parameters.csv)"
        case let .unreadable(p, m): return "\(p): \(m)"
        }
    }
}

/// Everything the report draws, read from an output folder on disk.
///
/// Two layouts are recognised:
/// - an `analyze` folder: `DIR/measures.csv`, `order_parameters.csv`, `verdicts.csv`, `missing.csv`,
///   optional `cohort_statistics.csv`, `curves/`, `series/`, `provenance.json`;
/// - a sweep folder: `OUT/tables/` with the same tables (cohort-wide), `OUT/manifest.json`, and per recording
///   `OUT/tables/recordings/<subject>_<session>/` with its tables, `curves/` and `series/` (the sweep's shard
///   products, the same files `analyze` writes).
/// The report never opens a recording: everything it draws is in these files.
/// Cohort statistics are computed from the order parameters (`CohortStatistics`, seed from provenance or
/// manifest parameters) when the folder has no `cohort_statistics.csv`.
public struct ReportInput {
    public var root: String
    /// "analyze" or "sweep".
    public var layout: String
    public var measures: [MeasureRow] = []
    public var orderParameters: [OrderParameterRow] = []
    public var verdicts: [VerdictRow] = []
    public var missing: [MissingRow] = []
    public var cohort: [CohortRow] = []
    /// Curves by (label of the folder they came from: "" for an analyze folder, `<subject>_<session>` for a sweep's
    /// recording, else the path below root), curve.
    public var curves: [(source: String, table: CurveTable)] = []
    public var series: [(source: String, table: SeriesTable)] = []
    /// `provenance.json` files, by path relative to root, as generic JSON objects.
    public var provenance: [(path: String, json: [String: Any])] = []
    /// `manifest.json` as a generic JSON object, if present.
    public var manifest: [String: Any]?
    /// Rows of `family_measures.csv` (METHODS §6–9) when present.
    public var families: [FamilyMeasure] = []
    /// Rows of `family_curves.csv` (METHODS §6–8 curves) when present.
    public var familyCurvePoints: [FamilyCurveRow] = []
    /// Sweep folders: time per measure family from the manifest (`familyTimes(manifest:)`).
    public var familyTimes: [FamilyTime] = []
    /// Non-fatal problems found while reading (shown in the report).
    public var notes: [String] = []

    public init(root: String, layout: String) { self.root = root; self.layout = layout }

    /// Reads an output folder.
    public static func load(_ root: String) throws -> ReportInput {
        let fm = FileManager.default
        let tables: String
        let layout: String
        if fm.fileExists(atPath: root + "/tables/measures.csv") || fm.fileExists(atPath: root + "/tables/order_parameters.csv")
            || fm.fileExists(atPath: root + "/tables/family_measures.csv") {
            tables = root + "/tables"; layout = "sweep"
        } else if fm.fileExists(atPath: root + "/measures.csv") || fm.fileExists(atPath: root + "/order_parameters.csv")
                    || fm.fileExists(atPath: root + "/family_measures.csv") {
            tables = root; layout = "analyze"
        } else {
            throw ReportError.notAnOutputFolder(path: root)
        }
        var r = ReportInput(root: root, layout: layout)
        func text(_ path: String) throws -> String? {
            guard fm.fileExists(atPath: path) else { return nil }
            do { return try String(contentsOfFile: path, encoding: .utf8) } catch {
                throw ReportError.unreadable(path: path, message: "\(error)")
            }
        }
        func table<T>(_ name: String, _ read: (String, String) throws -> [T]) throws -> [T] {
            let path = tables + "/" + name
            guard let t = try text(path) else { r.notes.append("\(name) not found"); return [] }
            do { return try read(t, path) } catch { throw ReportError.unreadable(path: path, message: "\(error)") }
        }
        r.measures = try table(AnalysisOutput.measuresFile) { try TidyCSV.readMeasures($0, file: $1) }
        r.orderParameters = try table(AnalysisOutput.orderParametersFile) { try TidyCSV.readOrderParameters($0, file: $1) }
        r.verdicts = try table(AnalysisOutput.verdictsFile) { try TidyCSV.readVerdicts($0, file: $1) }
        r.missing = try table(AnalysisOutput.missingFile) { try TidyCSV.readMissing($0, file: $1) }

        if let t = try text(tables + "/family_measures.csv") {
            do { r.families = try readFamilies(t, file: tables + "/family_measures.csv") } catch {
                throw ReportError.unreadable(path: tables + "/family_measures.csv", message: "\(error)")
            }
        }
        let curvesPath = tables + "/" + AnalysisOutput.familyCurvesFile
        if let t = try text(curvesPath) {
            do { r.familyCurvePoints = try TidyCSV.readFamilyCurves(t, file: curvesPath) } catch {
                throw ReportError.unreadable(path: curvesPath, message: "\(error)")
            }
        }
        if let m = try text(root + "/manifest.json") {
            r.manifest = (try? JSONSerialization.jsonObject(with: Data(m.utf8))) as? [String: Any]
            if r.manifest == nil { r.notes.append("manifest.json is not a JSON object") }
        }
        if layout == "sweep" { r.familyTimes = familyTimes(manifest: r.manifest) }
        // Provenance files, curves and series anywhere below root (sorted paths: deterministic).
        let all = ((try? fm.subpathsOfDirectory(atPath: root)) ?? []).sorted()
        for rel in all {
            let comps = rel.split(separator: "/").map(String.init)
            guard let name = comps.last, !name.hasPrefix("."), comps.count <= 6 else { continue }
            let source = sourceLabel(comps.count >= 2 ? comps[0..<(comps.count - 2)].joined(separator: "/") : "")
            let parent = comps.count >= 2 ? comps[comps.count - 2] : ""
            if name == AnalysisOutput.provenanceFile, let t = try text(root + "/" + rel),
               let j = (try? JSONSerialization.jsonObject(with: Data(t.utf8))) as? [String: Any] {
                r.provenance.append((rel, j))
            } else if parent == AnalysisOutput.curvesFolder, name.hasSuffix(".csv"),
                      let cn = parseCurveName(name), let t = try text(root + "/" + rel) {
                do {
                    r.curves.append((source, try TidyCSV.readCurve(t, file: rel, state: cn.0, kind: cn.1,
                                                                   scaleIndex: cn.2)))
                } catch { r.notes.append("\(rel): \(error)") }
            } else if parent == AnalysisOutput.seriesFolder, name.hasSuffix(".csv"),
                      let sn = parseSeriesName(name), let t = try text(root + "/" + rel) {
                let (state, scale) = sn
                do {
                    let c = try TidyCSV.readCurve(t, file: rel, state: state, kind: "series", scaleIndex: scale)
                    let ei = c.columns.firstIndex(of: "e"), ii = c.columns.firstIndex(of: "i")
                    if let ei, let ii {
                        r.series.append((source, SeriesTable(state: state, scaleIndex: scale,
                                                             e: c.rows.map { $0[ei] ?? .nan },
                                                             i: c.rows.map { $0[ii] ?? .nan })))
                    }
                } catch { r.notes.append("\(rel): \(error)") }
            }
        }
        if let c = try text(tables + "/" + AnalysisOutput.cohortFile) {
            do { r.cohort = try CohortStatistics.read(c, file: tables + "/" + AnalysisOutput.cohortFile) } catch {
                throw ReportError.unreadable(path: tables + "/" + AnalysisOutput.cohortFile, message: "\(error)")
            }
        } else if !r.orderParameters.isEmpty {
            r.cohort = CohortStatistics.compute(r.orderParameters, seed: r.seed)
            r.notes.append("cohort_statistics.csv not found: computed from order_parameters.csv (seed \(r.seed), \(CohortStatistics.defaultResamples) resamples)")
        }
        return r
    }

    /// A sweep's `tables/recordings/<name>` is labelled `<name>`; other folders by their path below root.
    static func sourceLabel(_ folder: String) -> String {
        let prefix = "tables/recordings/"
        return folder.hasPrefix(prefix) ? String(folder.dropFirst(prefix.count)) : folder
    }

    /// The master seed recorded in provenance or manifest parameters, else the default.
    public var seed: UInt64 {
        for p in provenance {
            if let params = p.json["parameters"] as? [String: Any], let s = params["seed"] as? NSNumber { return s.uint64Value }
        }
        if let params = manifest?["parameters"] as? [String: Any], let s = params["seed"] as? NSNumber { return s.uint64Value }
        return AnalysisParameters().seed
    }

    /// States in the tables, in the METHODS §0 vocabulary order, then others alphabetically.
    public var states: [String] {
        var set = Set(measures.map(\.state)).union(orderParameters.map(\.state)).union(verdicts.map(\.state))
        set.formUnion(curves.map(\.table.state))
        set.formUnion(families.map(\.state))
        set.formUnion(familyCurvePoints.map(\.state))
        let vocab = ["wake", "nrem_light", "nrem_deep", "rem", "sleep", "preictal", "ictal", "postictal",
                     "interictal", "healthy", "all"]
        return set.sorted { a, b in
            let ia = vocab.firstIndex(of: a) ?? vocab.count, ib = vocab.firstIndex(of: b) ?? vocab.count
            return ia != ib ? ia < ib : a < b
        }
    }

    /// `<state>_<kind>_s<NN>.csv` where kind is one of collapse, partition_e, partition_i, xcorr,
    /// collapse_surrogate_mean, collapse_surrogate_sd (state may contain `_`).
    static func parseCurveName(_ name: String) -> (String, String, Int)? {
        let base = String(name.dropLast(4))
        guard let sr = base.range(of: "_s", options: .backwards), let s = Int(base[sr.upperBound...]) else { return nil }
        let head = String(base[..<sr.lowerBound])
        for kind in [StateAnalysis.collapseSurrogateMeanKind, StateAnalysis.collapseSurrogateSDKind, "partition_e",
                     "partition_i", "collapse", "xcorr"] where head.hasSuffix("_" + kind) {
            return (String(head.dropLast(kind.count + 1)), kind, s)
        }
        guard let k = head.range(of: "_", options: .backwards) else { return nil }
        return (String(head[..<k.lowerBound]), String(head[k.upperBound...]), s)
    }

    /// `<state>_s<NN>.csv`.
    static func parseSeriesName(_ name: String) -> (String, Int)? {
        let base = String(name.dropLast(4))
        guard let sr = base.range(of: "_s", options: .backwards), let s = Int(base[sr.upperBound...]) else { return nil }
        return (String(base[..<sr.lowerBound]), s)
    }
}
