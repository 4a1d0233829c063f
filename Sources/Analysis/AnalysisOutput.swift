#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A file that could not be written, naming the path and the system error.
public enum AnalysisOutputError: Error, CustomStringConvertible, Sendable, Equatable {
    case write(path: String, message: String)
    case createDirectory(path: String, message: String)

    public var description: String {
        switch self {
        case let .write(p, m): return "\(p): cannot write: \(m)"
        case let .createDirectory(p, m): return "\(p): cannot create directory: \(m)"
        }
    }
}

/// E and I ensemble series of one state at one scale (METHODS §2), for the report's series and joint-density
/// figures: `series/<state>_s<NN>.csv` with columns `k,e,i` (bin index within the concatenated epochs of the
/// state, mean spikes per unit per bin).
public struct SeriesTable: Sendable, Equatable, Codable {
    public var state: String
    public var scaleIndex: Int
    public var e: [Double]
    public var i: [Double]

    public init(state: String, scaleIndex: Int, e: [Double], i: [Double]) {
        self.state = state; self.scaleIndex = scaleIndex; self.e = e; self.i = i
    }

    public var fileName: String {
        "\(TidyCSV.fileSafe(state))_s\(scaleIndex < 10 ? "0" : "")\(scaleIndex).csv"
    }

    public var csv: String {
        let n = min(e.count, i.count)
        return TidyCSV.lines(["k", "e", "i"], (0..<n).map { ["\($0)", TidyCSV.number(e[$0]), TidyCSV.number(i[$0])] })
    }
}

/// The tidy tables of one recording or of a whole cohort (the batch reductions append many recordings).
public struct TidyTables: Sendable, Equatable {
    public var measures: [MeasureRow] = []
    public var orderParameters: [OrderParameterRow] = []
    public var verdicts: [VerdictRow] = []
    public var missing: [MissingRow] = []
    public var secondary: [SecondarySurrogateRow] = []
    /// Rows of the METHODS §6–9 families (`family_measures.csv`); their missing rows go to `missing`.
    public var families: [FamilyRow] = []
    /// Curves of the METHODS §6–8 families (`family_curves.csv`).
    public var familyCurves: [FamilyCurveRow] = []

    public init() {}

    /// Appends one family run (rows, its missing rows to `missing`, its curves to `familyCurves`).
    public mutating func append(_ f: FamilyResult) {
        families += f.rows; missing += f.missing; familyCurves += f.curves
    }

    /// Appends the rows of one (recording, state).
    public mutating func append(_ s: StateSummary, secondary: [SecondarySurrogateRow] = []) {
        measures += s.measures; orderParameters += s.orderParameters; verdicts.append(s.verdict)
        missing += s.missing; self.secondary += secondary
    }

    public mutating func append(_ other: TidyTables) {
        measures += other.measures; orderParameters += other.orderParameters; verdicts += other.verdicts
        missing += other.missing; secondary += other.secondary; families += other.families
        familyCurves += other.familyCurves
    }
}

/// Writes the output folder of an analysis (issue 4 / METHODS §10). The single code path for `symedge analyze`
/// and for the batch reductions, so a sweep's tables have exactly the same layout and bytes.
///
/// Layout of `dir`:
/// - `measures.csv`, `order_parameters.csv`, `verdicts.csv`, `missing.csv` (see `TidyCSV`);
/// - `surrogates_secondary.csv`: statistics against every surrogate kind after the first (written only when
///   such a kind was requested), columns of `measures.csv` plus `kind`;
/// - `family_measures.csv` when the tables hold METHODS §6–9 family rows, `family_curves.csv` when they hold
///   family curves;
/// - `cohort_statistics.csv` when `cohort` is given (sweeps);
/// - `curves/<state>_<kind>_s<NN>.csv` (columns `x,y`, `AnalysisParameters.curvePoints` rows);
/// - `series/<state>_s<NN>.csv` (columns `k,e,i`) when series are given;
/// - `provenance.json` when given.
///
/// Every file is written atomically (temporary file in the same folder, fsync, rename, fsync of the folder),
/// so a reader never sees a half-written table, even after a crash.
public enum AnalysisOutput {
    public static let measuresFile = "measures.csv"
    public static let orderParametersFile = "order_parameters.csv"
    public static let verdictsFile = "verdicts.csv"
    public static let missingFile = "missing.csv"
    public static let secondaryFile = "surrogates_secondary.csv"
    public static let cohortFile = "cohort_statistics.csv"
    public static let familyFile = "family_measures.csv"
    public static let familyCurvesFile = "family_curves.csv"
    public static let provenanceFile = "provenance.json"
    public static let curvesFolder = "curves"
    public static let seriesFolder = "series"

    /// Writes the tables (and optional curves, series, cohort rows, provenance) into `dir`, creating it.
    /// - Parameter writeSecondary: write `surrogates_secondary.csv` even when it has no rows (header only).
    public static func write(_ tables: TidyTables, curves: [(state: String, curve: StateCurve)] = [],
                             series: [SeriesTable] = [], cohort: [CohortRow]? = nil, provenance: Provenance? = nil,
                             writeSecondary: Bool = false, to dir: String) throws {
        try makeDirectory(dir)
        try writeAtomically(TidyCSV.measures(tables.measures), to: dir + "/" + measuresFile)
        try writeAtomically(TidyCSV.orderParameters(tables.orderParameters), to: dir + "/" + orderParametersFile)
        try writeAtomically(TidyCSV.verdicts(tables.verdicts), to: dir + "/" + verdictsFile)
        try writeAtomically(TidyCSV.missing(tables.missing), to: dir + "/" + missingFile)
        if writeSecondary || !tables.secondary.isEmpty {
            try writeAtomically(TidyCSV.secondary(tables.secondary), to: dir + "/" + secondaryFile)
        }
        if !tables.families.isEmpty {
            try writeAtomically(TidyCSV.familyMeasures(tables.families), to: dir + "/" + familyFile)
        }
        if !tables.familyCurves.isEmpty {
            try writeAtomically(TidyCSV.familyCurves(tables.familyCurves), to: dir + "/" + familyCurvesFile)
        }
        if let cohort { try writeAtomically(CohortStatistics.csv(cohort), to: dir + "/" + cohortFile) }
        if !curves.isEmpty {
            let cdir = dir + "/" + curvesFolder
            try makeDirectory(cdir)
            for (state, c) in curves {
                let t = curveTable(state: state, c)
                try writeAtomically(TidyCSV.curve(t), to: cdir + "/" + t.fileName)
            }
        }
        if !series.isEmpty {
            let sdir = dir + "/" + seriesFolder
            try makeDirectory(sdir)
            for s in series { try writeAtomically(s.csv, to: sdir + "/" + s.fileName) }
        }
        if let provenance { try writeAtomically(try provenance.json(), to: dir + "/" + provenanceFile) }
    }

    /// A `StateCurve` (from `StateAnalysis.curves`) as a two-column `x,y` curve table.
    public static func curveTable(state: String, _ c: StateCurve) -> CurveTable {
        CurveTable(state: state, kind: c.kind, scaleIndex: c.scaleIndex, columns: ["x", "y"],
                   rows: zip(c.x, c.y).map { [$0, $1] })
    }

    /// Creates `path` and its parents if needed.
    public static func makeDirectory(_ path: String) throws {
        do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
        catch { throw AnalysisOutputError.createDirectory(path: path, message: "\(error)") }
    }

    /// Writes `text` to `path` atomically: a temporary file beside it, fsync, rename over `path`, fsync of
    /// the folder.
    public static func writeAtomically(_ text: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        let tmp = folder + "/." + url.lastPathComponent + ".tmp.\(getpid())"
        func fail(_ what: String) -> AnalysisOutputError {
            .write(path: path, message: "\(what): \(String(cString: strerror(errno)))")
        }
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw fail("open \(tmp)") }
        var bytes = Array(text.utf8)
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress! + off, $0.count - off) }
            if n < 0 {
                if errno == EINTR { continue }
                let e = fail("write"); close(fd); unlink(tmp); throw e
            }
            off += n
        }
        bytes.removeAll()
        guard fsync(fd) == 0 else { let e = fail("fsync"); close(fd); unlink(tmp); throw e }
        guard close(fd) == 0 else { let e = fail("close"); unlink(tmp); throw e }
        guard rename(tmp, path) == 0 else { let e = fail("rename"); unlink(tmp); throw e }
        let dfd = open(folder, O_RDONLY | O_DIRECTORY)
        if dfd >= 0 { _ = fsync(dfd); close(dfd) }
    }
}
