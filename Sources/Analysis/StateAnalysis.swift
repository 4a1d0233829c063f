import Kernels
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
    /// - Parameter threads: members computed in parallel, each thread keeping its own workspace (nil or 0 = every
    ///   core); the values do not depend on it.
    public static func compute(recording: Recording, recordingID: String, state: String, members: [Member],
                               parameters: AnalysisParameters, threads: Int? = 1) throws -> [Member: MeasureSet] {
        try computeMembers(recording: recording, recordingID: recordingID, state: state, members: members,
                           parameters: parameters, threads: threads, observedCurves: false).sets
    }

    /// Collapse curves (§3.4) and partition curves of E and I (§3.5) of the observed data, every scale,
    /// resampled to `parameters.curvePoints` points. Kinds: "collapse", "partition_e", "partition_i"; plus
    /// "xcorr" (§3.6): the normalised E–I cross-correlation ρ(l) for l = −L…L bins (L = `maxLagBins`, clipped to
    /// K − 1), x = l·Δt_s in ms, not resampled; absent at a scale where E or I has zero variance.
    public static func curves(recording: Recording, state: String,
                              parameters: AnalysisParameters) throws -> [StateCurve] {
        var ws = try StateWorkspace(recording: recording, recordingID: recording.subject + "/" + recording.session,
                                    state: state, parameters: parameters)
        ws.load(.observed, spikes: recording.spikes)
        var out: [StateCurve] = []
        for s in 1 ... max(1, parameters.scaleCount) {
            let r = ws.scale(s)
            out += ws.curves(of: r, scale: s)
        }
        return out
    }

    /// `compute`, plus the observed member's `curves` and report series taken from its own computation (nil when
    /// `members` does not hold `.observed`): the same values as `compute`, `curves` and `StatePipeline.series`
    /// called separately, without binning and measuring the observed data again.
    public static func computeWithCurves(recording: Recording, recordingID: String, state: String,
                                         members: [Member], parameters: AnalysisParameters,
                                         threads: Int? = 1) throws
        -> (sets: [Member: MeasureSet], curves: [StateCurve]?, series: [SeriesTable]?) {
        try computeMembers(recording: recording, recordingID: recordingID, state: state, members: members,
                           parameters: parameters, threads: threads, observedCurves: true)
    }

    /// The distinct `members` on `threads` threads, each keeping one workspace; with `observedCurves`, the observed
    /// member also logs its report curves.
    static func computeMembers(recording: Recording, recordingID: String, state: String, members: [Member],
                               parameters: AnalysisParameters, threads: Int?,
                               observedCurves: Bool) throws
        -> (sets: [Member: MeasureSet], curves: [StateCurve]?, series: [SeriesTable]?) {
        let c = try computeMembers(recording: recording, recordingID: recordingID, state: state, members: members,
                                   parameters: parameters, threads: threads, observedCurves: observedCurves,
                                   collapseMembers: [])
        return (c.sets, c.curves, c.series)
    }

    /// `computeMembers`, and for each of `members` also in `collapseMembers` its collapse curves (§3.4) at the
    /// scales where one is defined, ascending (`StateWorkspace.measuresWithCollapseCurves`), for the surrogate
    /// collapse reference.
    static func computeMembers(recording: Recording, recordingID: String, state: String, members: [Member],
                               parameters: AnalysisParameters, threads: Int?, observedCurves: Bool,
                               collapseMembers: Set<Member>, pool: WorkspacePool? = nil,
                               sharedPooled: SharedPooledIntervals? = nil) throws
        -> (sets: [Member: MeasureSet], curves: [StateCurve]?, series: [SeriesTable]?,
            collapse: [Member: [[Double]]]) {
        var first = try StateWorkspace(recording: recording, recordingID: recordingID, state: state,
                                       parameters: parameters)
        var unique: [Member] = []
        var seen = Set<Member>()
        for m in members where seen.insert(m).inserted { unique.append(m) }
        // The caller's cache (one for all blocks of a state), or with two or more ISI members one for this call:
        // one pooled sort for all of them, shared by the threads (released after the last).
        let isi = unique.filter(\.isISIPermutation).count
        if first.multi && isi >= 1 { first.sharedPooled = sharedPooled ?? (isi >= 2 ? SharedPooledIntervals(uses: isi) : nil) }
        let template = first
        let (spikes, list) = (recording.spikes, unique)
        let made = try ParallelMembers.map(count: list.count, threads: ParallelMembers.resolve(threads),
                                           makeState: { var w = template; pool?.lend(to: &w); return w }) {
            ws, i -> (MeasureSet, [StateCurve]?, [SeriesTable]?, [[Double]]?) in
            if observedCurves && list[i] == .observed {
                let o = ws.observedWithCurves(spikes: spikes)
                return (o.set, o.curves, o.series, nil)
            }
            if collapseMembers.contains(list[i]) {
                let o = ws.measuresWithCollapseCurves(for: list[i], spikes: spikes)
                return (o.set, nil, nil, o.collapse)
            }
            return (ws.measures(for: list[i], spikes: spikes), nil, nil, nil)
        } finish: { ws in pool?.keep(from: &ws) }
        var collapse: [Member: [[Double]]] = [:]
        for (m, r) in zip(list, made) { if let c = r.3 { collapse[m] = c } }
        return (Dictionary(uniqueKeysWithValues: zip(list, made.map(\.0))), made.lazy.compactMap(\.1).first,
                made.lazy.compactMap(\.2).first, collapse)
    }

    /// The per-neuron-normalised ensemble series E_s(k), I_s(k) (mean spike count per unit per bin, §2) of one
    /// state at 1-based scale `scaleIndex`, epochs binned separately and concatenated; `dtMilliseconds` = Δt_s.
    /// A class without units gives an empty array.
    public static func ensembleSeries(recording: Recording, state: String,
                                      scaleIndex: Int) throws -> (e: [Double], i: [Double], dtMilliseconds: Double) {
        try ensembleSeries(recording: recording, state: state, scaleIndices: [scaleIndex])[0]
    }

    /// `ensembleSeries` at several scales, from one fine binning of the observed spikes (the same values as one
    /// call per scale).
    public static func ensembleSeries(recording: Recording, state: String, scaleIndices: [Int]) throws
        -> [(e: [Double], i: [Double], dtMilliseconds: Double)] {
        var ws = try StateWorkspace(recording: recording, recordingID: recording.subject + "/" + recording.session,
                                    state: state, parameters: AnalysisParameters())
        ws.load(.observed, spikes: recording.spikes)
        let ne = Double(ws.unitsE.count), ni = Double(ws.unitsI.count)
        return scaleIndices.map { scaleIndex in
            let k = ws.counts(width: Kernels.scaleSeconds(scaleIndex))
            let e = ne > 0 ? ws.bufE[0 ..< k].map { Double($0) / ne } : []
            let i = ni > 0 ? ws.bufI[0 ..< k].map { Double($0) / ni } : []
            return (e, i, Kernels.scaleMilliseconds(scaleIndex))
        }
    }
}
