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
    /// The collapse curves (§3.4, every scale's defined curve, ascending) of the block's members that the surrogate
    /// collapse reference pools (`StatePipeline.collapseReferenceMembers`), by surrogate index: a caller that
    /// computes the state in several blocks makes the reference from these (`computeBlock(deferReference: true)`).
    public var collapseCurves: [Int: [[Double]]] = [:]

    public init(sets: [Member: MeasureSet], curves: [StateCurve] = [], series: [SeriesTable] = []) {
        self.sets = sets; self.curves = curves; self.series = series
    }
}

extension StatePipeline {
    /// The surrogates whose collapse curves the surrogate collapse reference pools (METHODS §3.4, §5): the first
    /// `min(collapseReferenceSurrogates, surrogateCount)` circular shifts.
    static func collapseReferenceMembers(_ p: AnalysisParameters) -> Set<Member> {
        Set((0 ..< max(0, min(collapseReferenceSurrogates, p.surrogateCount))).map { .surrogate(.circularShift, $0) })
    }

    /// Computes `members` of `state` (`StateAnalysis.compute`) and, when they include the observed member, the
    /// state's curves and series. A failure of the curves or series is a warning, not an error (as in `analyze`).
    /// The collapse reference takes the curves of the reference members in the block from their computation and
    /// computes only the others; with `deferReference` it is left out of `curves` (the caller adds it with
    /// `collapseReference(computed:)` once every block's `collapseCurves` are in).
    /// - Parameter recordingID: the identifier that seeds the surrogate streams (`subject/session`, or a sweep
    ///   plan's disambiguated id).
    /// - Parameter pool: where the workspaces take their buffers from and leave them (nil: fresh buffers, freed at
    ///   the end); the values do not depend on it.
    /// - Parameter sharedPooled: the state's ISI pooled intervals shared across blocks (nil: one cache for this
    ///   block when it holds two or more ISI members); the values do not depend on it.
    public static func computeBlock(_ members: [Member], recording: Recording, recordingID: String, state: String,
                                    parameters p: AnalysisParameters, threads: Int? = 1,
                                    deferReference: Bool = false, pool: WorkspacePool? = nil,
                                    sharedPooled: SharedPooledIntervals? = nil) throws
        -> MemberBlockProducts {
        // The observed member's curves and series come from its own computation (the same values as
        // `StateAnalysis.curves` and `series`).
        let made = try StateAnalysis.computeMembers(recording: recording, recordingID: recordingID, state: state,
                                                    members: members, parameters: p, threads: threads,
                                                    observedCurves: true,
                                                    collapseMembers: collapseReferenceMembers(p), pool: pool,
                                                    sharedPooled: sharedPooled)
        var out = MemberBlockProducts(sets: made.sets)
        for (m, c) in made.collapse { if case let .surrogate(_, i) = m { out.collapseCurves[i] = c } }
        guard let observedCurves = made.curves else { return out }
        if deferReference {
            out.curves = observedCurves
        } else {
            do {
                out.curves = try observedCurves
                    + collapseReference(recording: recording, recordingID: recordingID, state: state, parameters: p,
                                        computed: out.collapseCurves)
            } catch {
                out.warnings.append("curves not written: \(error)")
            }
        }
        out.series = made.series ?? []
        return out
    }

    /// The surrogate collapse reference of `state` (`StateAnalysis.collapseSurrogateReference` of the first
    /// `min(collapseReferenceSurrogates, surrogateCount)` circular shifts), with the curves of the surrogates in
    /// `computed` (by index, from `MemberBlockProducts.collapseCurves`) taken as they are: the same values.
    public static func collapseReference(recording: Recording, recordingID: String, state: String,
                                         parameters p: AnalysisParameters,
                                         computed: [Int: [[Double]]]) throws -> [StateCurve] {
        try StateAnalysis.collapseSurrogateReference(recording: recording, recordingID: recordingID, state: state,
                                                     parameters: p, kind: .circularShift,
                                                     count: min(collapseReferenceSurrogates, p.surrogateCount),
                                                     computed: computed)
    }
}
