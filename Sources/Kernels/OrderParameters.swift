#if canImport(Glibc)
import Glibc
#endif

extension Kernels {
    /// `variance_beta`, `variance_beta_se` (METHODS §3.3/§4): least-squares fit `ln V_s = a − β ln Δt_s` over the
    /// scales with V_s > 0; returns β (dimensionless; independent bins give β = 1, balanced correlated activity
    /// β < 1) and its OLS standard error. nil with fewer than 3 usable scales (β) or zero residual freedom (SE).
    public static func varianceScaling(dtMilliseconds: [Double], variances: [Double?]) -> (beta: Double?, se: Double?) {
        var x: [Double] = [], y: [Double] = []
        for (dt, v) in zip(dtMilliseconds, variances) { if let v, v > 0, v.isFinite { x.append(log(dt)); y.append(log(v)) } }
        let n = Double(x.count)
        guard x.count >= 3 else { return (nil, nil) }
        let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
        var sxx = 0.0, sxy = 0.0
        for j in 0 ..< x.count { sxx += (x[j] - mx) * (x[j] - mx); sxy += (x[j] - mx) * (y[j] - my) }
        guard sxx > 0 else { return (nil, nil) }
        let slope = sxy / sxx, icpt = my - slope * mx
        var ssr = 0.0
        for j in 0 ..< x.count { let r = y[j] - icpt - slope * x[j]; ssr += r * r }
        let se = (ssr / (n - 2) / sxx).squareRoot()
        return (-slope, se)
    }

    /// `collapse_spread` (METHODS §3.4/§4, revised 2026-12; normative): each scale's collapse curve (resampled,
    /// divided by its depth so its minimum is −1); the pointwise median curve over every scale with a defined
    /// (positive) depth; each scale's RMS distance `sqrt(mean_x (y_s(x) − median(x))²)` to it; and the mean of those
    /// distances over the scales flagged in `averaged` (scales 10–32 by default, chosen by the caller).
    /// Dimensionless; small = scale invariance. `curves` holds the curves `C(x)/(K·sd f)` of the scales where they
    /// exist, `depths` their `collapse_depth`. nil with fewer than 2 curves for the median or none to average.
    public static func collapseSpread(curves: [[Double]], depths: [Double], averaged: [Bool]) -> Double? {
        let usable = zip(zip(curves, depths), averaged).filter { $0.0.1 > 0 }
        guard usable.count >= 2, usable.contains(where: { $0.1 }) else { return nil }
        let scaled = usable.map { pair in pair.0.0.map { $0 / pair.0.1 } }
        let p = scaled[0].count
        var median = [Double](repeating: 0, count: p)
        for x in 0 ..< p {
            let col = scaled.map { $0[x] }.sorted()
            let n = col.count
            median[x] = n % 2 == 1 ? col[n / 2] : (col[n / 2 - 1] + col[n / 2]) / 2
        }
        var total = 0.0, count = 0
        for (c, pair) in zip(scaled, usable) where pair.1 {
            var s = 0.0
            for x in 0 ..< p { s += (c[x] - median[x]) * (c[x] - median[x]) }
            total += (s / Double(p)).squareRoot()
            count += 1
        }
        return total / Double(count)
    }
}
