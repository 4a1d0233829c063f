import Foundation

/// Signed cumulative balance around a seizure (METHODS §6, SE Fig. 4):
/// `S(k) = Σ_{k' ≤ k} (E(k') − I(k'))` on per-neuron-normalised series (default 1 s bins); a least-squares
/// line fitted to S over the pre-ictal bins is extrapolated, and the deviation `D(k) = S(k) − trend(k)` is
/// reported with the **recovery time**: the first time after seizure end at which |D| ≤ `tolerance` × the
/// pre-ictal sd of D (default 2), measured from the seizure end.
public enum CumulativeBalance {
    public struct Result: Sendable, Equatable {
        public var cumulative: [Double]
        public var deviation: [Double]
        /// Trend `S ≈ intercept + slope·k` fitted on the pre-ictal bins (per bin).
        public var slope: Double
        public var intercept: Double
        /// sd of D over the pre-ictal bins.
        public var preictalSD: Double
        /// max |D| over the ictal bins (signed value at that bin).
        public var maxIctalDeviation: Double
        /// D at the last ictal bin.
        public var deviationAtSeizureEnd: Double
        /// Seconds from the seizure end to the first return within tolerance; nil if it never returns.
        public var recoveryTime: Double?
    }

    /// - Parameters: e, i: per-neuron-normalised series of equal length; `binWidth` in s; `preictal` and
    ///   `ictal` bin ranges (the ictal range ends at the seizure end). Nil with < 3 pre-ictal bins.
    public static func analyze(e: [Double], i: [Double], binWidth: Double, preictal: Range<Int>, ictal: Range<Int>,
                               tolerance: Double = 2) -> Result? {
        let n = min(e.count, i.count)
        guard preictal.count >= 3, preictal.upperBound <= n, ictal.upperBound <= n, !ictal.isEmpty else { return nil }
        var s = [Double](repeating: 0, count: n), acc = 0.0
        for k in 0..<n { acc += e[k] - i[k]; s[k] = acc }
        let xs = preictal.map { Double($0) }, ys = preictal.map { s[$0] }
        guard let (b, m) = AperiodicFit.line(xs, ys) else { return nil }
        let d = (0..<n).map { s[$0] - (b + m * Double($0)) }
        let pre = preictal.map { d[$0] }
        let pm = pre.reduce(0, +) / Double(pre.count)
        let sd = (pre.reduce(0) { $0 + ($1 - pm) * ($1 - pm) } / Double(pre.count - 1)).squareRoot()
        var peak = 0.0
        for k in ictal where abs(d[k]) > abs(peak) { peak = d[k] }
        var rec: Double? = nil
        for k in ictal.upperBound..<n where abs(d[k]) <= tolerance * sd {
            rec = Double(k - ictal.upperBound + 1) * binWidth; break
        }
        return Result(cumulative: s, deviation: d, slope: m, intercept: b, preictalSD: sd,
                      maxIctalDeviation: peak, deviationAtSeizureEnd: d[ictal.upperBound - 1], recoveryTime: rec)
    }
}
