extension Kernels {
    /// The signed fluctuation of METHODS §2 in exact integers: `g(k) = c_E(k)·S_I − c_I(k)·S_E`, so that
    /// `f_s(k) = Ê_s(k) − Î_s(k) = g(k)/(S_E·S_I)` and sorting f is sorting g.
    @inline(__always)
    public static func scaledFluctuation(e: Int32, i: Int32, sumE: Int64, sumI: Int64) -> Int64 {
        Int64(e) * sumI - Int64(i) * sumE
    }

    /// Collapse curve summary (METHODS §3.4) from the sorted multiset of g = f·S_E·S_I:
    /// C(j) = Σ_{i≤j} f_(i), x = j/K.
    /// - `depth` (`collapse_depth`): `D = −min_j C(j) / (K · sd(f))`, dimensionless, invariant to K and scale
    ///   (`sdF` is the sample sd of f, divisor K − 1, METHODS §2).
    /// - `argmin` (`collapse_argmin`): first minimising `j*/K` (= fraction of bins with f < 0), 0…1.
    /// nil when sd(f) = 0.
    public static func collapseDepth(_ g: SortedCounts, sumE: Int64, sumI: Int64, sdF: Double)
        -> (depth: Double?, argmin: Double?) {
        guard sdF > 0, g.total > 0 else { return (nil, nil) }
        var neg: Int64 = 0, below = 0
        for (v, w) in zip(g.values, g.weights) where v < 0 { neg += v * Int64(w); below += w }
        let k = Double(g.total)
        let minC = Double(neg) / (Double(sumE) * Double(sumI))
        return (-minC / (k * sdF), Double(below) / k)
    }

    /// The collapse curve `C(x)/(K·sd(f))` (METHODS §3.4) at x = 0, 1/(P−1), …, 1 (linear between ranks); its
    /// minimum is −`collapse_depth`. nil when sd(f) = 0.
    public static func collapseCurve(_ g: SortedCounts, sumE: Int64, sumI: Int64, sdF: Double,
                                     points: Int) -> [Double]? {
        guard sdF > 0, g.total > 0 else { return nil }
        let scale = Double(sumE) * Double(sumI) * Double(g.total) * sdF
        return g.cumulativeCurve(points: points).map { $0 / scale }
    }
}
