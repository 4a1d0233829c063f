extension Kernels {
    /// `ks_d` (METHODS §3.1): the two-sample Kolmogorov–Smirnov statistic D = sup_x |F_Ê(x) − F_Î(x)| between the
    /// sum-normalised series Ê_s = c_E/S_E and Î_s = c_I/S_I (dimensionless, 0…1), from their sorted counts.
    /// `sumE`, `sumI` are the totals S_E, S_I (> 0). Equals `scipy.stats.ks_2samp(...).statistic`.
    public static func ksD(e: SortedCounts, i: SortedCounts, sumE: Int64, sumI: Int64) -> Double {
        let se = Double(sumE), si = Double(sumI)
        let ne = Double(e.total), ni = Double(i.total)
        var a = 0, b = 0, ca = 0, cb = 0
        var d = 0.0
        while a < e.values.count || b < i.values.count {
            let xa = a < e.values.count ? Double(e.values[a]) / se : .infinity
            let xb = b < i.values.count ? Double(i.values[b]) / si : .infinity
            let x = min(xa, xb)
            if xa == x { ca += e.weights[a]; a += 1 }
            if xb == x { cb += i.weights[b]; b += 1 }
            d = max(d, abs(Double(ca) / ne - Double(cb) / ni))
        }
        return d
    }

    /// Type-7 (linear, NumPy's default) quantile of the values `v/scale` of a sorted multiset at probability p
    /// (METHODS §3.1; units of `v/scale`, e.g. Ê).
    public static func quantile7(_ s: SortedCounts, p: Double, scale: Double) -> Double {
        let h = Double(s.total - 1) * p
        let lo = Int(h.rounded(.down))
        let a = Double(s.orderStatistic(lo)) / scale
        if lo + 1 >= s.total { return a }
        let b = Double(s.orderStatistic(lo + 1)) / scale
        return a + (h - Double(lo)) * (b - a)
    }

    /// Type-7 quantiles at p = 0.01, 0.02, …, 0.99 (`p_m = m/100`) of `v/scale`, in one walk of the multiset
    /// (METHODS §3.1, the QQ line's points; units of `v/scale`).
    public static func percentiles(_ s: SortedCounts, scale: Double) -> [Double] {
        var out = [Double](); out.reserveCapacity(99)
        var entry = 0, acc = s.weights.first ?? 0    // ranks < acc belong to entries ≤ `entry`
        func stat(_ r: Int) -> Double {
            while r >= acc && entry + 1 < s.values.count { entry += 1; acc += s.weights[entry] }
            return Double(s.values[entry]) / scale
        }
        for m in 1 ... 99 {
            let h = Double(s.total - 1) * (Double(m) / 100)
            let lo = Int(h.rounded(.down))
            let a = stat(lo)
            // rank lo+1 may be in the next entry; look ahead without moving past what later quantiles need
            var b = a
            if lo + 1 < s.total {
                if lo + 1 < acc { b = a } else if entry + 1 < s.values.count { b = Double(s.values[entry + 1]) / scale }
            }
            out.append(a + (h - Double(lo)) * (b - a))
        }
        return out
    }

    /// QQ line of Î_s against Ê_s (METHODS §3.1): least-squares line `q_Î = intercept + slope·q_Ê` through the
    /// type-7 quantiles at p = 0.01…0.99 (`qq_slope`, `qq_intercept` in units of Ê, `qq_r2` = squared correlation
    /// of the quantile pairs). Identical distributions give slope 1, intercept 0, R² 1. Slope and intercept are
    /// nil when the E quantiles are all equal; R² is nil when either side is constant.
    public static func qqLine(e: SortedCounts, i: SortedCounts, sumE: Int64, sumI: Int64)
        -> (slope: Double?, intercept: Double?, r2: Double?) {
        let x = percentiles(e, scale: Double(sumE)), y = percentiles(i, scale: Double(sumI))
        let n = Double(x.count)
        let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
        var sxx = 0.0, syy = 0.0, sxy = 0.0
        for j in 0 ..< x.count {
            let dx = x[j] - mx, dy = y[j] - my
            sxx += dx * dx; syy += dy * dy; sxy += dx * dy
        }
        guard sxx > 0 else { return (nil, nil, nil) }
        let slope = sxy / sxx
        return (slope, my - slope * mx, syy > 0 ? sxy * sxy / (sxx * syy) : nil)
    }
}
