import Recordings

/// What one block of a state's members yields (METHODS §2–5): a `MeasureSet` per member and, when the block holds
/// the observed member, the state's report products — the curves with the surrogate collapse reference
/// (`StatePipeline.curves`) and the E and I series (`StatePipeline.series`). The unit of work of `analyze` (blocks
/// of `memberBlock`) and of a sweep's balance shard, so both write the same curves and series.
public struct MemberBlockProducts: Sendable {
    public var sets: [Member: MeasureSet]
    /// Empty unless the block holds `.observed`.
    public var curves: [StateCurve] = [], series: [SeriesTable] = []
    /// Why curves or a series scale were not made (the measure sets are valid all the same).
    public var warnings: [String] = []

    public init(sets: [Member: MeasureSet], curves: [StateCurve] = [], series: [SeriesTable] = []) {
        self.sets = sets; self.curves = curves; self.series = series
    }
}

extension StatePipeline {
    /// Computes `members` of `state` (`StateAnalysis.compute`) and, when they include the observed member, the
    /// state's curves and series. A failure of the curves or series is a warning, not an error (as in `analyze`).
    /// - Parameter recordingID: the identifier that seeds the surrogate streams (`subject/session`, or a sweep
    ///   plan's disambiguated id).
    public static func computeBlock(_ members: [Member], recording: Recording, recordingID: String, state: String,
                                    parameters p: AnalysisParameters, threads: Int? = 1) throws -> MemberBlockProducts {
        // The observed member's curves and series come from its own computation (the same values as
        // `StateAnalysis.curves` and `series`).
        let made = try StateAnalysis.computeWithCurves(recording: recording, recordingID: recordingID, state: state,
                                                       members: members, parameters: p, threads: threads)
        var out = MemberBlockProducts(sets: made.sets)
        guard let observedCurves = made.curves else { return out }
        do {
            out.curves = try observedCurves
                + StateAnalysis.collapseSurrogateReference(recording: recording, recordingID: recordingID, state: state,
                                                           parameters: p,
                                                           count: min(collapseReferenceSurrogates, p.surrogateCount))
        } catch {
            out.warnings.append("curves not written: \(error)")
        }
        out.series = made.series ?? []
        return out
    }
}
