/// A row of `measures.csv`: columns
/// `subject,session,state,scale_index,dt_ms,measure,value,surrogate_mean,surrogate_sd,z`.
public struct MeasureRow: Codable, Sendable, Equatable {
    public var subject: String
    public var session: String
    public var state: String
    public var scaleIndex: Int?
    public var dtMilliseconds: Double?
    public var measure: String
    public var value: Double?
    public var surrogateMean: Double?
    public var surrogateSD: Double?
    public var z: Double?

    public init(subject: String, session: String, state: String, scaleIndex: Int?, dtMilliseconds: Double?,
                measure: String, value: Double?, surrogateMean: Double?, surrogateSD: Double?, z: Double?) {
        self.subject = subject; self.session = session; self.state = state; self.scaleIndex = scaleIndex
        self.dtMilliseconds = dtMilliseconds; self.measure = measure; self.value = value
        self.surrogateMean = surrogateMean; self.surrogateSD = surrogateSD; self.z = z
    }
}

/// A row of `order_parameters.csv`: `subject,session,state,measure,value,surrogate_mean,surrogate_sd,z`.
public struct OrderParameterRow: Codable, Sendable, Equatable {
    public var subject: String
    public var session: String
    public var state: String
    public var measure: String
    public var value: Double?
    public var surrogateMean: Double?
    public var surrogateSD: Double?
    public var z: Double?

    public init(subject: String, session: String, state: String, measure: String, value: Double?,
                surrogateMean: Double?, surrogateSD: Double?, z: Double?) {
        self.subject = subject; self.session = session; self.state = state; self.measure = measure
        self.value = value; self.surrogateMean = surrogateMean; self.surrogateSD = surrogateSD; self.z = z
    }
}

/// The graded balance verdict of METHODS §4 (revised 2026-12; normative), with z* = `zThreshold` and the angle
/// threshold `thetaThresholdDegrees`, z taken against the first surrogate kind.
public enum Verdict: String, Codable, Sendable, CaseIterable {
    /// z(r̄) > z*, |θ̄| below the threshold and z(collapse spread) < z*: E and I track each other beyond chance,
    /// neither dominates, and scale invariance is not broken.
    case holds
    /// The papers' "moderate deviation": r̄ and θ̄ pass, but z(collapse spread) ≥ z*.
    case deviates
    /// The papers' "breakdown": z(r̄) ≤ z*, or |θ̄| ≥ the threshold, or (seizure family run, state within or
    /// after a seizure) S(t) leaves its pre-ictal trend by more than `seizureDeviationThresholdSD` pre-ictal sd.
    case broken
    /// A z-score or value that decides it is undefined (no surrogates, a constant series); the reason is given.
    case undecidable

    /// The `balance_symmetry` order parameter: 1 only for `holds`, 0 for `deviates` and `broken`, nil (empty)
    /// when undecidable.
    public var balanceSymmetry: Double? {
        switch self {
        case .holds: return 1
        case .deviates, .broken: return 0
        case .undecidable: return nil
        }
    }
}

/// A row of `verdicts.csv`: the graded verdict of one (recording, state), every criterion that failed, and the
/// values and z-scores that decided it (METHODS §4).
public struct VerdictRow: Codable, Sendable, Equatable {
    public var subject: String
    public var session: String
    public var state: String
    public var verdict: Verdict
    /// Semicolon-separated failed criteria (`r_bar_not_above_surrogates`, `theta_bar`,
    /// `collapse_spread_above_surrogates`, `seizure_balance_deviation`), or for `undecidable` the undefined ones
    /// (`r_bar_z_undefined`, …); empty when it holds.
    public var failed: String
    /// r̄ (dimensionless) and its z against the first surrogate kind.
    public var rBar: Double?
    public var rBarZ: Double?
    /// θ̄ in degrees (mean PCA angle − 45° over scales 10–32).
    public var thetaBarDegrees: Double?
    /// Collapse spread (dimensionless) and its z.
    public var collapseSpread: Double?
    public var collapseSpreadZ: Double?
    /// Largest |S(t) − pre-ictal trend| during the state, in pre-ictal sd; nil unless the seizure family ran and the
    /// state lies within or after a seizure.
    public var seizureDeviationSD: Double?
    /// The decision in words: each criterion with its value, z and threshold.
    public var evidence: String

    /// true = holds (balance_symmetry 1), false = deviates or broken (0), nil = undecidable.
    public var holds: Bool? { verdict == .undecidable ? nil : verdict == .holds }

    public init(subject: String, session: String, state: String, verdict: Verdict, failed: String,
                rBar: Double? = nil, rBarZ: Double? = nil, thetaBarDegrees: Double? = nil,
                collapseSpread: Double? = nil, collapseSpreadZ: Double? = nil, seizureDeviationSD: Double? = nil,
                evidence: String) {
        self.subject = subject; self.session = session; self.state = state; self.verdict = verdict
        self.failed = failed; self.rBar = rBar; self.rBarZ = rBarZ; self.thetaBarDegrees = thetaBarDegrees
        self.collapseSpread = collapseSpread; self.collapseSpreadZ = collapseSpreadZ
        self.seizureDeviationSD = seizureDeviationSD; self.evidence = evidence
    }
}

/// A row of `missing.csv`: a measure that could not be computed, and why.
public struct MissingRow: Codable, Sendable, Equatable {
    public var subject: String
    public var session: String
    public var state: String
    public var scaleIndex: Int?
    public var measure: String
    public var reason: String

    public init(subject: String, session: String, state: String, scaleIndex: Int?, measure: String, reason: String) {
        self.subject = subject; self.session = session; self.state = state
        self.scaleIndex = scaleIndex; self.measure = measure; self.reason = reason
    }
}
