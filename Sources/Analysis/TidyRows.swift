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

/// A row of `verdicts.csv`: whether the balance symmetry holds and, if not, which invariance broke.
public struct VerdictRow: Codable, Sendable, Equatable {
    public var subject: String
    public var session: String
    public var state: String
    /// true = balance symmetry holds (1), false = broken (0), nil = undecidable.
    public var holds: Bool?
    /// Semicolon-separated invariances that broke (e.g. `r_bar_not_above_surrogates;theta_bar`), empty when it holds.
    public var broken: String
    /// The z-scores and values that decided it, human-readable.
    public var evidence: String

    public init(subject: String, session: String, state: String, holds: Bool?, broken: String, evidence: String) {
        self.subject = subject; self.session = session; self.state = state
        self.holds = holds; self.broken = broken; self.evidence = evidence
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
