import Kernels
import Recordings

/// The per-state pipeline's rules and constants, in one place: the pseudo-state of a file without epochs, the
/// members of an analysis, the curves and the series written for the report (METHODS §2–5). `symedge analyze`
/// (through `StatePipeline.run`), sweep inputs and the report all use these.
public enum StatePipeline {
    /// The state of a recording without state epochs: one epoch from its first spike to just past its last.
    public static let pseudoState = "all"
    /// Scales at which the E and I series are written for the report (≈ 67 ms, 299 ms, 1.34 s, 6 s; METHODS §2).
    public static let seriesScales = [15, 20, 25, 30]
    /// Bins per written series (the first `seriesBins` of the state's concatenated series).
    public static let seriesBins = 4096
    /// Surrogates (the first of the circular-shift kind) pooled into the surrogate collapse reference (§3.4).
    public static let collapseReferenceSurrogates = 8
    /// Members per `StateAnalysis.compute` call, so progress can be logged; values do not depend on it.
    public static let memberBlock = 25

    /// `r` unchanged when it has state epochs; otherwise `r` with one epoch of `pseudoState` from its first spike
    /// to just past its last (`pseudo` true).
    public static func withPseudoState(_ r: Recording) -> (recording: Recording, pseudo: Bool) {
        guard r.epochs.isEmpty else { return (r, false) }
        var out = r
        let span = r.timeSpan
        out.epochs = [StateEpoch(start: span.lowerBound, stop: span.upperBound.nextUp, state: pseudoState)]
        return (out, true)
    }

    /// The observed member, then `surrogateCount` surrogates of each kind in `surrogateKinds` order.
    public static func members(_ p: AnalysisParameters) -> [Member] {
        var members: [Member] = [.observed]
        for k in p.surrogateKinds { for i in 0 ..< p.surrogateCount { members.append(.surrogate(k, i)) } }
        return members
    }

    /// The curves of a state for the report: collapse, partition and cross-correlation curves of the observed
    /// data at every scale (`StateAnalysis.curves`), then the surrogate collapse reference of the first
    /// `min(collapseReferenceSurrogates, surrogateCount)` circular-shift surrogates.
    public static func curves(recording: Recording, recordingID: String, state: String,
                              parameters p: AnalysisParameters) throws -> [StateCurve] {
        try StateAnalysis.curves(recording: recording, state: state, parameters: p)
            + StateAnalysis.collapseSurrogateReference(recording: recording, recordingID: recordingID, state: state,
                                                       parameters: p,
                                                       count: min(collapseReferenceSurrogates, p.surrogateCount))
    }

    /// The E and I series of a state at the `seriesScales` up to `scaleCount`, each cut to `seriesBins` bins, from
    /// one fine binning of the observed spikes. When the state cannot be binned, returns no series and the first
    /// scale with the error.
    public static func series(recording: Recording, state: String, parameters p: AnalysisParameters)
        -> (tables: [SeriesTable], failure: (scale: Int, error: any Error)?) {
        let scales = seriesScales.filter { $0 <= p.scaleCount }
        guard let first = scales.first else { return ([], nil) }
        do {
            let made = try StateAnalysis.ensembleSeries(recording: recording, state: state, scaleIndices: scales)
            let tables = zip(scales, made).map { s, r in
                SeriesTable(state: state, scaleIndex: s, e: Array(r.e.prefix(seriesBins)), i: Array(r.i.prefix(seriesBins)))
            }
            return (tables, nil)
        } catch {
            return ([], (first, error))
        }
    }

    /// The provenance options of the series (`series_scales`, `series_max_bins`).
    public static var seriesProvenance: [String: String] {
        ["series_scales": seriesScales.map(String.init).joined(separator: ","), "series_max_bins": "\(seriesBins)"]
    }
}
