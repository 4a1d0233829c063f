import Foundation

/// Distance dependence of pairwise correlations (METHODS §7, PN): pair values averaged in distance bins
/// (400 µm by default) and fitted with `ρ(d) = β + κ e^{−d/λ}` by weighted least squares (weights = pairs per
/// bin). β and κ are linear given λ, so λ is found by a profile search on log λ, then the standard errors come
/// from the Gauss–Newton covariance `s² (JᵀWJ)⁻¹`, `s² = RSS_w / (n − 3)`.
public enum DistanceFit {
    public struct Bin: Sendable, Equatable {
        /// Mean pair distance in the bin, µm.
        public var distance: Double
        public var mean: Double
        public var pairs: Int
    }

    public struct Result: Sendable, Equatable {
        public var beta: Double
        public var kappa: Double
        /// λ in the distance unit (µm).
        public var lambda: Double
        /// Standard error of λ (NaN when fewer than 4 bins).
        public var lambdaSE: Double
        public var rss: Double
    }

    /// Averages finite `values` by distance bin `[k·width, (k+1)·width)`; empty bins are omitted.
    public static func bin(distances: [Double], values: [Double], width: Double = 400) -> [Bin] {
        var sd: [Int: (Double, Double, Int)] = [:]
        for i in distances.indices where values[i].isFinite && distances[i].isFinite {
            let k = Int((distances[i] / width).rounded(.down))
            let o = sd[k] ?? (0, 0, 0)
            sd[k] = (o.0 + distances[i], o.1 + values[i], o.2 + 1)
        }
        return sd.keys.sorted().map { k in
            let (d, v, n) = sd[k]!
            return Bin(distance: d / Double(n), mean: v / Double(n), pairs: n)
        }
    }

    /// Weighted fit of ρ(d) = β + κ e^{−d/λ}; nil with fewer than 3 points.
    public static func fit(distances d: [Double], values y: [Double], weights w0: [Double]? = nil) -> Result? {
        let n = d.count
        guard n >= 3 else { return nil }
        let w = w0 ?? [Double](repeating: 1, count: n)
        func linear(_ lam: Double) -> (Double, Double, Double) {
            // Weighted LS of y on [1, e^{-d/λ}].
            var s0 = 0.0, s1 = 0.0, s11 = 0.0, sy = 0.0, s1y = 0.0
            for i in 0..<n {
                let e = exp(-d[i] / lam)
                s0 += w[i]; s1 += w[i] * e; s11 += w[i] * e * e; sy += w[i] * y[i]; s1y += w[i] * e * y[i]
            }
            let det = s0 * s11 - s1 * s1
            guard abs(det) > 1e-300 else { return (sy / s0, 0, .infinity) }
            let kappa = (s0 * s1y - s1 * sy) / det, beta = (sy - kappa * s1) / s0
            var rss = 0.0
            for i in 0..<n { let r = y[i] - beta - kappa * exp(-d[i] / lam); rss += w[i] * r * r }
            return (beta, kappa, rss)
        }
        let dpos = d.filter { $0 > 0 }
        guard let dmin = dpos.min(), let dmax = d.max() else { return nil }
        let lo = log(dmin / 100), hi = log(dmax * 100)
        var bestX = lo, bestR = Double.infinity
        for g in 0...400 {
            let x = lo + (hi - lo) * Double(g) / 400
            let r = linear(exp(x)).2
            if r < bestR { bestR = r; bestX = x }
        }
        var a = bestX - (hi - lo) / 400, b = bestX + (hi - lo) / 400
        let gr = (sqrt(5.0) - 1) / 2
        while b - a > 1e-10 {
            let x1 = b - gr * (b - a), x2 = a + gr * (b - a)
            if linear(exp(x1)).2 < linear(exp(x2)).2 { b = x2 } else { a = x1 }
        }
        let lam = exp((a + b) / 2)
        let (beta, kappa, rss) = linear(lam)
        var se = Double.nan
        if n > 3 {
            // JᵀWJ for parameters (β, κ, λ).
            var m = [Double](repeating: 0, count: 9)
            for i in 0..<n {
                let e = exp(-d[i] / lam)
                let j = [1, e, kappa * d[i] / (lam * lam) * e]
                for p in 0..<3 { for q in 0..<3 { m[p * 3 + q] += w[i] * j[p] * j[q] } }
            }
            if let col = AperiodicFit.solve(m, [0, 0, 1], 3), col[2] > 0 {
                se = (rss / Double(n - 3) * col[2]).squareRoot()
            }
        }
        return Result(beta: beta, kappa: kappa, lambda: lam, lambdaSE: se, rss: rss)
    }
}
