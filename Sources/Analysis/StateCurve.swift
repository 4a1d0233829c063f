/// A collapse, partition or cross-correlation curve of one state and scale, resampled for plotting (METHODS §3.4–3.5).
///
/// `kind` is `"collapse"` (x = j/K, y = C(j) the cumulative sum of the sorted signed fluctuation f_s),
/// `"partition_e"` or `"partition_i"` (x = fraction of bins, y = cumulative fraction of spikes, the Lorenz curve).
/// `x` and `y` hold `AnalysisParameters.curvePoints` points, x from 0 to 1. Kind `"xcorr"` (§3.6) instead holds
/// 2L+1 points: x = lag l·Δt_s in ms for l = −L…L bins, y = normalised E–I cross-correlation ρ(l) (positive lag: I
/// follows E).
public struct StateCurve: Codable, Sendable, Equatable {
    public var kind: String
    /// 1-based scale index s (Δt_s = exp(0.3 (s−1)) ms).
    public var scaleIndex: Int
    /// The points, `x[j]` against `y[j]`.
    public var x: [Double], y: [Double]

    public init(kind: String, scaleIndex: Int, x: [Double], y: [Double]) {
        self.kind = kind; self.scaleIndex = scaleIndex; self.x = x; self.y = y
    }
}
