import Kernels
#if canImport(Glibc)
import Glibc
#endif

/// The cohort bootstrap's generator: Kernels' SplitMix64 (Steele, Lea & Flood 2014), seeded from stable
/// identifiers only (`CohortRNG(seed:labels:)`, through `StreamSeed.derive`), so the same cohort gives the same
/// bootstrap on any machine or rank count.
public typealias CohortRNG = SplitMix64

extension SplitMix64 {
    /// Seeds from a master seed and text labels (e.g. measure and state):
    /// `StreamSeed.derive(master: seed, ["bootstrap"] + labels)`.
    public init(seed: UInt64, labels: [String]) {
        self.init(seed: StreamSeed.derive(master: seed, ["bootstrap"] + labels))
    }

    /// A uniform integer in `0..<n` without modulo bias (the standard library's multiply-and-reject).
    public mutating func index(below n: Int) -> Int {
        precondition(n > 0)
        return Int(next(upperBound: UInt64(n)))
    }
}

/// One row of `cohort_statistics.csv` (METHODS §4, cohort level).
///
/// `comparison` is empty for the per-state summary of an order parameter; for a paired within-subject
/// difference the row describes `state − comparison` over the subjects that have both states.
public struct CohortRow: Codable, Sendable, Equatable {
    public var measure: String
    public var state: String
    public var comparison: String
    /// Subjects contributing (each subject's sessions are averaged first).
    public var subjects: Int
    public var mean: Double?
    /// Sample sd over subjects (n − 1); empty with fewer than 2 subjects.
    public var sd: Double?
    /// Percentile bootstrap 95 % CI of the mean over subjects; empty with fewer than 2 subjects.
    public var ciLow: Double?
    public var ciHigh: Double?
    public var resamples: Int
    /// Why a field is empty, or "".
    public var note: String

    public init(measure: String, state: String, comparison: String, subjects: Int, mean: Double?, sd: Double?,
                ciLow: Double?, ciHigh: Double?, resamples: Int, note: String) {
        self.measure = measure; self.state = state; self.comparison = comparison; self.subjects = subjects
        self.mean = mean; self.sd = sd; self.ciLow = ciLow; self.ciHigh = ciHigh; self.resamples = resamples
        self.note = note
    }
}

/// Cohort statistics of the order parameters by state (METHODS §4): mean, sd and a percentile bootstrap
/// 95 % CI over subjects, and paired within-subject state differences.
public enum CohortStatistics {
    /// Default bootstrap resamples [METHODS §4 default: 1000].
    public static let defaultResamples = 1000

    public static let header = ["measure", "state", "comparison", "subjects", "mean", "sd", "ci_low", "ci_high",
                                "resamples", "note"]

    /// The bootstrap resample indices for `n` subjects: `resamples` arrays of `n` indices in `0..<n`, drawn
    /// with replacement from `CohortRNG(seed:labels:)`. Public so tests can recompute the CI independently.
    public static func resampleIndices(n: Int, resamples: Int, seed: UInt64, labels: [String]) -> [[Int]] {
        var rng = CohortRNG(seed: seed, labels: labels)
        return (0..<resamples).map { _ in (0..<n).map { _ in rng.index(below: n) } }
    }

    /// The type-7 (linear interpolation; NumPy's default) quantile of sorted values, p in [0, 1].
    public static func quantile(sorted v: [Double], _ p: Double) -> Double {
        precondition(!v.isEmpty)
        let h = Double(v.count - 1) * p
        let lo = Int(h.rounded(.down)), hi = min(lo + 1, v.count - 1)
        return v[lo] + (h - Double(lo)) * (v[hi] - v[lo])
    }

    /// Mean, sd and percentile bootstrap 95 % CI of `values` (one per subject, in a deterministic order).
    public static func summarize(_ values: [Double], resamples: Int, seed: UInt64, labels: [String])
        -> (mean: Double?, sd: Double?, ciLow: Double?, ciHigh: Double?, note: String) {
        let n = values.count
        guard n > 0 else { return (nil, nil, nil, nil, "no subject has a value") }
        let mean = values.reduce(0, +) / Double(n)
        guard n >= 2 else { return (mean, nil, nil, nil, "1 subject: sd and CI need at least 2") }
        let sd = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)).squareRoot()
        var means: [Double] = []
        means.reserveCapacity(resamples)
        for idx in resampleIndices(n: n, resamples: resamples, seed: seed, labels: labels) {
            var s = 0.0
            for i in idx { s += values[i] }
            means.append(s / Double(n))
        }
        means.sort()
        guard !means.isEmpty else { return (mean, sd, nil, nil, "0 resamples: no CI") }
        return (mean, sd, quantile(sorted: means, 0.025), quantile(sorted: means, 0.975), "")
    }

    /// Cohort rows from the order-parameter rows of many recordings.
    ///
    /// - Each subject's value for (measure, state) is the mean over its sessions that have a value; subjects
    ///   are then the unit of resampling, taken in sorted order.
    /// - For every measure and every ordered pair of states (a < b alphabetically), a paired row `a − b`
    ///   over subjects having both.
    /// - The RNG of each row is seeded from (seed, measure, state, comparison).
    public static func compute(_ rows: [OrderParameterRow], resamples: Int = defaultResamples,
                               seed: UInt64) -> [CohortRow] {
        // measure -> state -> subject -> [values]
        var table: [String: [String: [String: [Double]]]] = [:]
        var statesOf: [String: Set<String>] = [:]
        for r in rows {
            statesOf[r.measure, default: []].insert(r.state)
            if let v = r.value, v.isFinite { table[r.measure, default: [:]][r.state, default: [:]][r.subject, default: []].append(v) }
        }
        var out: [CohortRow] = []
        for measure in statesOf.keys.sorted() {
            let byState = table[measure] ?? [:]
            let states = statesOf[measure, default: []].sorted()
            func subjectMeans(_ s: String) -> [String: Double] {
                (byState[s] ?? [:]).mapValues { $0.reduce(0, +) / Double($0.count) }
            }
            for s in states {
                let m = subjectMeans(s)
                let vals = m.keys.sorted().map { m[$0]! }
                let r = summarize(vals, resamples: resamples, seed: seed, labels: [measure, s, ""])
                out.append(CohortRow(measure: measure, state: s, comparison: "", subjects: vals.count, mean: r.mean,
                                     sd: r.sd, ciLow: r.ciLow, ciHigh: r.ciHigh, resamples: resamples, note: r.note))
            }
            for (i, a) in states.enumerated() {
                for b in states[(i + 1)...] {
                    let ma = subjectMeans(a), mb = subjectMeans(b)
                    let both = Set(ma.keys).intersection(mb.keys).sorted()
                    let diffs = both.map { ma[$0]! - mb[$0]! }
                    let r = summarize(diffs, resamples: resamples, seed: seed, labels: [measure, a, b])
                    out.append(CohortRow(measure: measure, state: a, comparison: b, subjects: diffs.count,
                                         mean: r.mean, sd: r.sd, ciLow: r.ciLow, ciHigh: r.ciHigh,
                                         resamples: resamples,
                                         note: r.note.isEmpty ? "" : "paired \(a) - \(b): " + r.note))
                }
            }
        }
        return out
    }

    /// `cohort_statistics.csv` text, sorted by measure, state, comparison (empty first).
    public static func csv(_ rows: [CohortRow]) -> String {
        let sorted = rows.sorted { ($0.measure, $0.state, $0.comparison) < ($1.measure, $1.state, $1.comparison) }
        return TidyCSV.lines(header, sorted.map {
            [TidyCSV.text($0.measure), TidyCSV.text($0.state), TidyCSV.text($0.comparison), "\($0.subjects)",
             TidyCSV.number($0.mean), TidyCSV.number($0.sd), TidyCSV.number($0.ciLow), TidyCSV.number($0.ciHigh),
             "\($0.resamples)", TidyCSV.text($0.note)]
        })
    }

    /// Reads `cohort_statistics.csv` text.
    public static func read(_ content: String, file: String = "cohort_statistics.csv") throws -> [CohortRow] {
        let t = try TidyCSV.table(content, file: file, header: header)
        return try t.rows.map { r in
            CohortRow(measure: t.string(r, "measure"), state: t.string(r, "state"),
                      comparison: t.string(r, "comparison"), subjects: try t.int(r, "subjects") ?? 0,
                      mean: try t.double(r, "mean"), sd: try t.double(r, "sd"), ciLow: try t.double(r, "ci_low"),
                      ciHigh: try t.double(r, "ci_high"), resamples: try t.int(r, "resamples") ?? 0,
                      note: t.string(r, "note"))
        }
    }
}
