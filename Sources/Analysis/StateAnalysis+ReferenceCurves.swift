import Kernels
import Recordings

extension StateAnalysis {
    /// Curve kinds of the surrogate collapse reference (METHODS §3.4 "Reference curves … surrogates (§5)").
    public static let collapseSurrogateMeanKind = "collapse_surrogate_mean"
    public static let collapseSurrogateSDKind = "collapse_surrogate_sd"

    /// The surrogate reference of the collapse figure (METHODS §3.4, §5): the collapse curves C(x) of surrogates
    /// `0 ..< count` of `kind` — the very members `compute` uses, same random streams, so they are the first
    /// `count` surrogates of the main analysis — at every scale 1…`scaleCount`, each divided by its depth
    /// (−min C, so its minimum is −1, as the report draws the observed curves), pooled over (surrogate, scale).
    ///
    /// Returns two curves at `scaleIndex` 0 (they pool all scales), on the `curvePoints` grid x = j/K in [0, 1]:
    /// kind `collapse_surrogate_mean` (y = mean of the pooled depth-normalised curves) and
    /// `collapse_surrogate_sd` (y = their population sd; mean ± 2 sd is the band the report shades).
    /// Empty when `count` ≤ 0 or no surrogate has a collapse curve (e.g. f = Ê − Î has zero variance).
    /// - Parameter recordingID: the identifier that seeds the surrogate streams ("subject/session", as in
    ///   `compute`).
    public static func collapseSurrogateReference(recording: Recording, recordingID: String, state: String,
                                                  parameters: AnalysisParameters,
                                                  kind: SurrogateKind = .circularShift,
                                                  count: Int = 8) throws -> [StateCurve] {
        try collapseSurrogateReference(recording: recording, recordingID: recordingID, state: state,
                                       parameters: parameters, kind: kind, count: count, computed: [:])
    }

    /// `collapseSurrogateReference`, taking the collapse curves of surrogate i from `computed[i]` where present
    /// (those `StateWorkspace.measuresWithCollapseCurves` logged while computing that member for the main
    /// analysis: every scale's defined curve, ascending scale) and computing only the others. The curves are pooled
    /// in the same order (surrogate 0…count−1, then scale), so the result is the same Doubles either way.
    static func collapseSurrogateReference(recording: Recording, recordingID: String, state: String,
                                           parameters: AnalysisParameters, kind: SurrogateKind, count: Int,
                                           computed: [Int: [[Double]]]) throws -> [StateCurve] {
        guard count > 0 else { return [] }
        var ws: StateWorkspace? = nil
        let n = parameters.curvePoints
        var sum = [Double](repeating: 0, count: n), sumSq = [Double](repeating: 0, count: n)
        var pooled = 0
        for i in 0 ..< count {
            let curves: [[Double]]
            if let c = computed[i] {
                curves = c
            } else {
                if ws == nil {
                    ws = try StateWorkspace(recording: recording, recordingID: recordingID, state: state,
                                            parameters: parameters)
                }
                ws!.load(.surrogate(kind, i), spikes: recording.spikes)
                // The collapse curve does not depend on ρ(l) (§3.4 vs §3.6): skip the cross-correlation.
                curves = (1 ... max(1, parameters.scaleCount)).compactMap {
                    ws!.scale($0, crossCorrelation: false).collapseCurve
                }
            }
            for c in curves {
                guard c.count == n, let lowest = c.min(), lowest < 0 else { continue }
                for j in 0 ..< n {
                    let v = c[j] / -lowest
                    sum[j] += v; sumSq[j] += v * v
                }
                pooled += 1
            }
        }
        guard pooled > 0, n >= 2 else { return [] }
        let x = (0 ..< n).map { Double($0) / Double(n - 1) }
        let m = Double(pooled)
        let mean = sum.map { $0 / m }
        let sd = zip(sumSq, mean).map { max(0, $0 / m - $1 * $1).squareRoot() }
        return [StateCurve(kind: collapseSurrogateMeanKind, scaleIndex: 0, x: x, y: mean),
                StateCurve(kind: collapseSurrogateSDKind, scaleIndex: 0, x: x, y: sd)]
    }
}
