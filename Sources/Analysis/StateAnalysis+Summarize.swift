#if canImport(Glibc)
import Glibc
#endif

/// The order parameters of METHODS §4, in the order they are documented. `summarize` routes these
/// scale-free keys to `order_parameters.csv`; every other key goes to `measures.csv`.
public enum OrderParameter {
    /// `Measure.orderParameters`' names.
    public static let names: [String] = Measure.orderParameters.map(\.rawValue)
    /// The verdict row's measure name in `order_parameters.csv` (`Measure.balanceSymmetry`: 1 = holds, 0 = deviates
    /// or broken, empty = undecidable; METHODS §4).
    public static let verdict = Measure.balanceSymmetry.rawValue
}

/// Surrogate mean, sample sd (n − 1) and z of one value against one surrogate kind (METHODS §5).
///
/// `mean` is set when at least one surrogate gave a value; `sd` needs at least two; `z = (value − mean)/sd`
/// needs an observed value and `sd > 0`. When a field is empty, `reason` says why, naming the kind.
public struct SurrogateStatistics: Sendable, Equatable {
    public var count: Int
    public var mean: Double?
    public var sd: Double?
    public var z: Double?
    /// Why `sd` or `z` is empty (nil when all three are set).
    public var reason: String?

    /// - Parameters:
    ///   - value: the observed value (nil when it could not be computed).
    ///   - surrogateValues: the values the surrogates of `kind` gave, in surrogate-index order.
    ///   - requested: how many surrogates of this kind were computed (for the message).
    public init(value: Double?, surrogateValues: [Double], kind: SurrogateKind, requested: Int) {
        count = surrogateValues.count
        let n = Double(count)
        if count >= 1 {
            // Two-pass mean and sum of squares: exact enough and independent of rank order.
            var s = 0.0
            for v in surrogateValues { s += v }
            let m = s / n
            mean = m
            if count >= 2 {
                var ss = 0.0
                for v in surrogateValues { ss += (v - m) * (v - m) }
                sd = (ss / (n - 1)).squareRoot()
            }
        }
        if count == 0 {
            reason = requested == 0
                ? "no \(kind.rawValue) surrogates were computed"
                : "none of the \(requested) \(kind.rawValue) surrogates gave a value"
        } else if count < 2 {
            reason = "only \(count) of \(requested) \(kind.rawValue) surrogates gave a value; sd and z need at least 2"
        } else if sd == 0 {
            reason = "all \(count) \(kind.rawValue) surrogates gave the same value (sd = 0), so z is undefined"
        }
        if let v = value, let m = mean, let d = sd, d > 0 {
            let zz = (v - m) / d
            z = zz.isFinite ? zz : nil
            if z == nil { reason = "z is not finite" }
        } else if value == nil, reason == nil {
            reason = "no observed value"
        }
    }
}

/// Surrogate statistics of a kind other than the first, for `surrogates_secondary.csv`: the columns of
/// `measures.csv` plus `kind`. Order parameters and the verdict appear with `scale_index` empty, so the
/// table shows whether the conclusions survive the second surrogate kind.
@dynamicMemberLookup
public struct SecondarySurrogateRow: Codable, Sendable, Equatable {
    /// The `measures.csv` columns (`subject`, `measure`, `z`, … read through this row).
    public var row: MeasureRow
    public var kind: SurrogateKind

    public init(subject: String, session: String, state: String, scaleIndex: Int?, dtMilliseconds: Double?,
                measure: String, value: Double?, surrogateMean: Double?, surrogateSD: Double?, z: Double?,
                kind: SurrogateKind) {
        row = MeasureRow(subject: subject, session: session, state: state, scaleIndex: scaleIndex,
                         dtMilliseconds: dtMilliseconds, measure: measure, value: value, surrogateMean: surrogateMean,
                         surrogateSD: surrogateSD, z: z)
        self.kind = kind
    }

    public subscript<T>(dynamicMember path: WritableKeyPath<MeasureRow, T>) -> T {
        get { row[keyPath: path] }
        set { row[keyPath: path] = newValue }
    }
}

extension StateAnalysis {
    /// Reduces the observed set and the surrogate sets of one (recording, state) to tidy rows (METHODS §4–5, §10).
    ///
    /// - Every key of `observed` (values and missing) gives one row: per-scale keys and `glcm_*` in `measures`
    ///   (`dt_ms` = Δt_s of §2, empty for scale-free keys), the §4 order parameters in `orderParameters`,
    ///   followed by the verdict row `balance_symmetry` (1 holds, 0 broken, empty undecidable).
    /// - Surrogate mean, sample sd (n − 1) and z use only the FIRST kind in `parameters.surrogateKinds`;
    ///   other kinds go to `secondarySurrogates(...)`.
    /// - `missing` lists every empty field with its reason: an observed value that could not be computed
    ///   (the kernel's reason), or an empty sd/z (too few surrogates, sd = 0). When no surrogates were
    ///   requested at all, a single row `surrogate_statistics` says so instead of one per measure.
    /// - Verdict: the graded rule of §4 (revised 2026-12), see `Verdict`. `seizureDeviationSD` is the largest
    ///   |S(t) − pre-ictal trend| during the state in pre-ictal sd, given only where the seizure family ran and the
    ///   state lies within or after a seizure (`SeizureAnalysis.stateDeviationMeasure`); nil leaves that
    ///   criterion out.
    public static func summarize(subject: String, session: String, state: String, observed: MeasureSet,
                                 surrogates: [Member: MeasureSet], parameters: AnalysisParameters,
                                 seizureDeviationSD: Double? = nil) -> StateSummary {
        let requested = parameters.surrogateKinds.isEmpty ? 0 : parameters.surrogateCount
        guard let kind = parameters.surrogateKinds.first else {
            return reduce(subject: subject, session: session, state: state, observed: observed,
                          surrogates: surrogates, kind: nil, requested: 0, parameters: parameters,
                          seizureDeviationSD: seizureDeviationSD)
        }
        return reduce(subject: subject, session: session, state: state, observed: observed,
                      surrogates: surrogates, kind: kind, requested: requested, parameters: parameters,
                      seizureDeviationSD: seizureDeviationSD)
    }

    /// The statistics of every surrogate kind after the first (METHODS §5), as rows of
    /// `surrogates_secondary.csv`, including each kind's own `balance_symmetry` verdict value.
    public static func secondarySurrogates(subject: String, session: String, state: String, observed: MeasureSet,
                                           surrogates: [Member: MeasureSet],
                                           parameters: AnalysisParameters) -> [SecondarySurrogateRow] {
        var rows: [SecondarySurrogateRow] = []
        for kind in parameters.surrogateKinds.dropFirst() {
            let s = reduce(subject: subject, session: session, state: state, observed: observed,
                           surrogates: surrogates, kind: kind, requested: parameters.surrogateCount,
                           parameters: parameters)
            for m in s.measures {
                rows.append(SecondarySurrogateRow(subject: subject, session: session, state: state,
                                                  scaleIndex: m.scaleIndex, dtMilliseconds: m.dtMilliseconds,
                                                  measure: m.measure, value: m.value, surrogateMean: m.surrogateMean,
                                                  surrogateSD: m.surrogateSD, z: m.z, kind: kind))
            }
            for o in s.orderParameters {
                rows.append(SecondarySurrogateRow(subject: subject, session: session, state: state,
                                                  scaleIndex: nil, dtMilliseconds: nil, measure: o.measure,
                                                  value: o.value, surrogateMean: o.surrogateMean,
                                                  surrogateSD: o.surrogateSD, z: o.z, kind: kind))
            }
        }
        return rows
    }

    private static func reduce(subject: String, session: String, state: String, observed: MeasureSet,
                               surrogates: [Member: MeasureSet], kind: SurrogateKind?, requested: Int,
                               parameters: AnalysisParameters, seizureDeviationSD: Double? = nil) -> StateSummary {
        // Surrogate members of this kind, in index order (never in dictionary order).
        var members: [MeasureSet] = []
        if let kind {
            let indexed = surrogates.compactMap { (m, set) -> (Int, MeasureSet)? in
                if case let .surrogate(k, i) = m, k == kind { return (i, set) }
                return nil
            }
            members = indexed.sorted { $0.0 < $1.0 }.map { $0.1 }
        }
        let orderNames = Set(OrderParameter.names)
        let keys = Set(observed.values.keys).union(observed.missing.keys).sorted()

        var measures: [MeasureRow] = [], orders: [OrderParameterRow] = [], missing: [MissingRow] = []
        var stats: [String: (Double?, SurrogateStatistics)] = [:]
        let noSurrogates = kind == nil || requested == 0
        if noSurrogates {
            missing.append(MissingRow(subject: subject, session: session, state: state, scaleIndex: nil,
                                      measure: "surrogate_statistics",
                                      reason: "no surrogates requested: surrogate_mean, surrogate_sd and z are empty for every measure"))
        }
        for key in keys where key.measure != OrderParameter.verdict {
            let value = observed.values[key]
            let sv = members.compactMap { $0.values[key] }.filter { $0.isFinite }
            let st = SurrogateStatistics(value: value, surrogateValues: sv, kind: kind ?? .isiPermutation,
                                         requested: requested)
            if value == nil {
                missing.append(MissingRow(subject: subject, session: session, state: state, scaleIndex: key.scaleIndex,
                                          measure: key.measure,
                                          reason: "value: " + (observed.missing[key] ?? "not computed")))
            } else if !noSurrogates, let r = st.reason {
                missing.append(MissingRow(subject: subject, session: session, state: state, scaleIndex: key.scaleIndex,
                                          measure: key.measure, reason: "z: " + r))
            }
            if key.scaleIndex == nil && orderNames.contains(key.measure) {
                stats[key.measure] = (value, st)
                orders.append(OrderParameterRow(subject: subject, session: session, state: state, measure: key.measure,
                                                value: value, surrogateMean: st.mean, surrogateSD: st.sd, z: st.z))
            } else {
                measures.append(MeasureRow(subject: subject, session: session, state: state, scaleIndex: key.scaleIndex,
                                           dtMilliseconds: key.scaleIndex.map(AnalysisParameters.scaleMilliseconds),
                                           measure: key.measure, value: value, surrogateMean: st.mean,
                                           surrogateSD: st.sd, z: st.z))
            }
        }
        let verdict = decide(subject: subject, session: session, state: state, stats: stats, parameters: parameters,
                             seizureDeviationSD: seizureDeviationSD)
        orders.append(OrderParameterRow(subject: subject, session: session, state: state,
                                        measure: OrderParameter.verdict, value: verdict.verdict.balanceSymmetry,
                                        surrogateMean: nil, surrogateSD: nil, z: nil))
        if verdict.verdict == .undecidable {
            missing.append(MissingRow(subject: subject, session: session, state: state, scaleIndex: nil,
                                      measure: OrderParameter.verdict, reason: "value: undecidable: " + verdict.evidence))
        }
        return StateSummary(measures: measures, orderParameters: orders, verdict: verdict, missing: missing)
    }

    /// The graded verdict of METHODS §4 (revised 2026-12; normative) on the first-kind statistics:
    /// broken if any definite breakdown criterion fails (z(r̄) ≤ z*, |θ̄| ≥ θ*, S(t) beyond its threshold);
    /// else undecidable if r̄'s z or θ̄ is undefined; else deviates if z(collapse spread) ≥ z*, undecidable if that
    /// z is undefined, and holds otherwise. `failed` lists every failed criterion (for undecidable, the undefined
    /// ones).
    static func decide(subject: String, session: String, state: String,
                       stats: [String: (Double?, SurrogateStatistics)], parameters: AnalysisParameters,
                       seizureDeviationSD: Double?) -> VerdictRow {
        let zt = parameters.zThreshold, tt = parameters.thetaThresholdDegrees
        var failed: [String] = [], undefined: [String] = [], evidence: [String] = []
        var breaks = false

        // r̄: E and I track each other beyond chance.
        let (rv, rs) = stats[Measure.rBar.rawValue] ?? (nil, nil)
        if let z = rs?.z {
            evidence.append("r_bar=\(fmt(rv)) z=\(fmt(z)) (holds needs z > \(fmt(zt)))")
            if !(z > zt) { failed.append("r_bar_not_above_surrogates"); breaks = true }
        } else {
            evidence.append("r_bar=\(fmt(rv)) z=empty (\(rs?.reason ?? "r_bar not computed"))")
            undefined.append("r_bar_z_undefined")
        }
        // θ̄: neither ensemble dominates the co-fluctuation (no surrogates needed).
        let (tv, _) = stats[Measure.thetaBarDeg.rawValue] ?? (nil, nil)
        if let t = tv {
            evidence.append("theta_bar_deg=\(fmt(t)) (holds needs |theta_bar_deg| < \(fmt(tt)))")
            if !(abs(t) < tt) { failed.append("theta_bar"); breaks = true }
        } else {
            evidence.append("theta_bar_deg=empty (not computed)")
            undefined.append("theta_bar_undefined")
        }
        // S(t) during a state within or after a seizure (only where the seizure family ran).
        let st = parameters.seizureDeviationThresholdSD
        if let d = seizureDeviationSD {
            evidence.append("seizure_deviation_sd=\(fmt(d)) (broken when > \(fmt(st)))")
            if d > st { failed.append("seizure_balance_deviation"); breaks = true }
        }
        // Collapse spread: scale invariance is a null the data keep (z < z*) or break (z ≥ z*).
        let (cv, cs) = stats[Measure.collapseSpread.rawValue] ?? (nil, nil)
        var spreadFails = false, spreadUndefined = false
        if let z = cs?.z {
            evidence.append("collapse_spread=\(fmt(cv)) z=\(fmt(z)) (holds needs z < \(fmt(zt)))")
            if !(z < zt) { failed.append("collapse_spread_above_surrogates"); spreadFails = true }
        } else {
            evidence.append("collapse_spread=\(fmt(cv)) z=empty (\(cs?.reason ?? "collapse_spread not computed"))")
            spreadUndefined = true
        }
        let verdict: Verdict
        if breaks { verdict = .broken }
        else if !undefined.isEmpty || spreadUndefined {
            verdict = .undecidable
            if spreadUndefined { undefined.append("collapse_spread_z_undefined") }
        } else { verdict = spreadFails ? .deviates : .holds }
        return VerdictRow(subject: subject, session: session, state: state, verdict: verdict,
                          failed: (verdict == .undecidable ? undefined : failed).joined(separator: ";"),
                          rBar: rv, rBarZ: rs?.z, thetaBarDegrees: tv, collapseSpread: cv, collapseSpreadZ: cs?.z,
                          seizureDeviationSD: seizureDeviationSD, evidence: evidence.joined(separator: "; "))
    }

    /// Short, deterministic number text for evidence strings (4 significant digits).
    static func fmt(_ v: Double?) -> String {
        guard let v else { return "empty" }
        return TidyCSV.significant(v, digits: 4)
    }
}
