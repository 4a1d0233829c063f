import Recordings

/// An analysis that cannot run, with a message naming the recording and state.
public enum AnalysisError: Error, CustomStringConvertible, Sendable, Equatable {
    case noEpochs(recording: String, state: String)
    case notImplemented(String)

    public var description: String {
        switch self {
        case let .noEpochs(r, s): return "\(r): no epochs of state '\(s)'"
        case let .notImplemented(what): return "not implemented yet: \(what)"
        }
    }
}

/// All tidy rows for one (recording, state), after reducing observed and surrogate members.
public struct StateSummary: Codable, Sendable, Equatable {
    public var measures: [MeasureRow]
    public var orderParameters: [OrderParameterRow]
    public var verdict: VerdictRow
    public var missing: [MissingRow]

    public init(measures: [MeasureRow], orderParameters: [OrderParameterRow], verdict: VerdictRow,
                missing: [MissingRow]) {
        self.measures = measures; self.orderParameters = orderParameters
        self.verdict = verdict; self.missing = missing
    }
}

/// The contract between one shard of work and the reductions (METHODS §2–5).
///
/// `compute` turns (recording, state, members) into one `MeasureSet` per member; it is pure and
/// deterministic: the same inputs give the same values on any rank. `summarize` reduces the
/// observed set and its surrogates to tidy rows with surrogate mean, sd and z, order parameters
/// and the broken-symmetry verdict (§4).
public enum StateAnalysis {
    /// Computes per-scale measures (§3), cross-scale values (§3.7, §4) for each member.
    /// - Parameter recordingID: a stable identifier (e.g. "subject/session") used to seed surrogates.
    public static func compute(recording: Recording, recordingID: String, state: String, members: [Member],
                               parameters: AnalysisParameters) throws -> [Member: MeasureSet] {
        throw AnalysisError.notImplemented("StateAnalysis.compute")
    }

    /// Collapse curves (§3.4) and partition curves of E and I (§3.5) of the observed data, every scale,
    /// resampled to `parameters.curvePoints` points. Kinds: "collapse", "partition_e", "partition_i".
    public static func curves(recording: Recording, state: String,
                              parameters: AnalysisParameters) throws -> [StateCurve] {
        throw AnalysisError.notImplemented("StateAnalysis.curves")
    }

    /// The per-neuron-normalised ensemble series E_s(k), I_s(k) (mean spike count per unit per bin, §2) of one
    /// state at 1-based scale `scaleIndex`, epochs binned separately and concatenated; `dtMilliseconds` = Δt_s.
    public static func ensembleSeries(recording: Recording, state: String,
                                      scaleIndex: Int) throws -> (e: [Double], i: [Double], dtMilliseconds: Double) {
        throw AnalysisError.notImplemented("StateAnalysis.ensembleSeries")
    }
}
