extension Kernels {
    /// `partition_gini_e` / `partition_gini_i` (METHODS §3.5): Gini coefficient of the partition (Lorenz) curve of one
    /// class's bin counts — counts sorted ascending, X = fraction of bins, Y = cumulative fraction of spikes —
    /// `G = 1 − 2∫Y dX` by the trapezoid rule on the K+1 points (dimensionless, 0 = every bin equal). nil when the
    /// class has no spikes or K = 0.
    public static func partitionGini(_ s: SortedCounts) -> Double? {
        let k = s.total
        guard k > 0 else { return nil }
        var total: Int64 = 0
        for (v, w) in zip(s.values, s.weights) { total += v * Int64(w) }
        guard total > 0 else { return nil }
        // Σ_{j=1..K} C(j) = Σ_i v_(i)·(K − i + 1): a run of w equal values at ranks r+1…r+w contributes
        // v·(w(K+1) − w(2r+w+1)/2).
        var acc: Int64 = 0, r = 0
        let kk = Int64(k)
        for (v, w) in zip(s.values, s.weights) {
            let ww = Int64(w), rr = Int64(r)
            acc += v * (ww * (kk + 1) - ww * (2 * rr + ww + 1) / 2)
            r += w
        }
        return 1 + 1 / Double(k) - 2 * Double(acc) / (Double(k) * Double(total))
    }

    /// The partition (Lorenz) curve of METHODS §3.5 resampled at X = 0, 1/(P−1), …, 1: Y = cumulative fraction of
    /// spikes in the X·K emptiest bins (linear between ranks). nil when the class has no spikes.
    public static func partitionCurve(_ s: SortedCounts, points: Int) -> [Double]? {
        var total: Int64 = 0
        for (v, w) in zip(s.values, s.weights) { total += v * Int64(w) }
        guard total > 0, s.total > 0 else { return nil }
        return s.cumulativeCurve(points: points).map { $0 / Double(total) }
    }
}
