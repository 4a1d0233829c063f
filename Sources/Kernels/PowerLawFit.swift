import Foundation

/// Fits to avalanche size and duration distributions (METHODS §8; Clauset, Shalizi & Newman 2009).
///
/// - Discrete power law `p(x) = x^{−α} / ζ(α, x_min)` for x ≥ x_min, α by exact maximum likelihood
///   (Hurwitz zeta normalisation), x_min by minimum Kolmogorov–Smirnov distance over the distinct observed
///   values (the largest excluded), as the `powerlaw` package (discrete).
/// - Discrete exponential (geometric) `p(x) = (1 − e^{−λ}) e^{−λ(x − x_min)}`, closed-form MLE.
/// - Bi-exponential: a two-component mixture of such geometrics, by EM.
/// - Log-likelihood ratio R (positive favours the power law) with Vuong's normalised two-sided p.
public enum PowerLawFit {
    public struct PowerLaw: Sendable, Equatable {
        public var alpha: Double
        public var xmin: Int
        /// KS distance at x_min.
        public var ks: Double
        /// Number of observations ≥ x_min.
        public var tailCount: Int
        /// Standard error (α − 1)/√n.
        public var alphaSE: Double
    }

    public struct Exponential: Sendable, Equatable {
        public var lambda: Double
    }

    public struct BiExponential: Sendable, Equatable {
        public var weight: Double
        public var lambda1: Double
        public var lambda2: Double
    }

    /// A log-likelihood ratio test of the power law against an alternative on the same tail.
    public struct Comparison: Sendable, Equatable {
        /// Σ (ln p_powerlaw − ln p_alternative); positive favours the power law.
        public var ratio: Double
        /// Vuong's two-sided p-value that the sign of `ratio` is meaningful.
        public var p: Double
    }

    /// All fits of one distribution.
    public struct Fits: Sendable, Equatable {
        public var powerLaw: PowerLaw
        public var exponential: Exponential?
        public var biExponential: BiExponential?
        public var versusExponential: Comparison?
        public var versusBiExponential: Comparison?
    }

    /// Hurwitz zeta ζ(s, q) = Σ_{k≥0} (q + k)^{−s} for s > 1, q > 0 (Euler–Maclaurin, ~1e-15 relative).
    public static func hurwitzZeta(_ s: Double, _ q: Double) -> Double {
        let n = 12
        var sum = 0.0
        for k in 0..<n { sum += pow(q + Double(k), -s) }
        let a = q + Double(n)
        sum += pow(a, 1 - s) / (s - 1) + 0.5 * pow(a, -s)
        // Bernoulli B_{2j}/(2j)!
        let c: [Double] = [1.0 / 12, -1.0 / 720, 1.0 / 30240, -1.0 / 1209600, 1.0 / 47900160,
                           -691.0 / 1307674368000, 1.0 / 74724249600]
        var fac = s                     // s(s+1)…(s+2j−2)
        var ap = pow(a, -s - 1)         // a^{−s−2j+1}
        for j in 0..<c.count {
            sum += c[j] * fac * ap
            fac *= (s + Double(2 * j + 1)) * (s + Double(2 * j + 2))
            ap /= a * a
        }
        return sum
    }

    /// Exact discrete MLE of α for the tail `x ≥ xmin` given Σ ln x and its count (golden section, concave).
    static func alphaMLE(sumLog: Double, n: Int, xmin: Int) -> Double {
        let q = Double(xmin)
        func ll(_ a: Double) -> Double { -a * sumLog - Double(n) * log(hurwitzZeta(a, q)) }
        var lo = 1.0 + 1e-6, hi = 12.0
        let g = (sqrt(5.0) - 1) / 2
        var x1 = hi - g * (hi - lo), x2 = lo + g * (hi - lo)
        var f1 = ll(x1), f2 = ll(x2)
        while hi - lo > 1e-9 {
            if f1 < f2 { lo = x1; x1 = x2; f1 = f2; x2 = lo + g * (hi - lo); f2 = ll(x2) }
            else { hi = x2; x2 = x1; f2 = f1; x1 = hi - g * (hi - lo); f1 = ll(x1) }
        }
        return (lo + hi) / 2
    }

    /// Discrete power law with x_min by minimum KS distance. `xmin` fixes it instead.
    /// `maximumAlpha`: candidates whose α ≥ this are skipped (the `powerlaw` package uses 3).
    /// Nil when fewer than two distinct positive values exist.
    public static func powerLaw(_ data: [Int], xmin fixed: Int? = nil, maximumAlpha: Double = .infinity) -> PowerLaw? {
        let x = data.filter { $0 > 0 }.sorted()
        guard !x.isEmpty else { return nil }
        // Distinct values and the index of their first occurrence.
        var uniq: [Int] = [], first: [Int] = []
        for (i, v) in x.enumerated() where uniq.last != v { uniq.append(v); first.append(i) }
        // Suffix sums of ln x.
        var suffix = [Double](repeating: 0, count: x.count + 1)
        for i in stride(from: x.count - 1, through: 0, by: -1) { suffix[i] = suffix[i + 1] + log(Double(x[i])) }
        func fit(_ u: Int) -> PowerLaw {
            let start = first[u], n = x.count - start
            let a = alphaMLE(sumLog: suffix[start], n: n, xmin: uniq[u])
            let zmin = hurwitzZeta(a, Double(uniq[u]))
            var d = 0.0
            for v in u..<uniq.count {
                let emp = Double(first[v] - start) / Double(n)
                let theo = 1 - hurwitzZeta(a, Double(uniq[v])) / zmin
                d = max(d, abs(theo - emp))
            }
            return PowerLaw(alpha: a, xmin: uniq[u], ks: d, tailCount: n, alphaSE: (a - 1) / Double(n).squareRoot())
        }
        if let fixed {
            guard let u = uniq.firstIndex(where: { $0 >= fixed }) else { return nil }
            return fit(u)
        }
        guard uniq.count >= 2 else { return nil }
        var best: PowerLaw? = nil
        for u in 0..<(uniq.count - 1) {
            let r = fit(u)
            guard r.alpha < maximumAlpha else { continue }
            if best == nil || r.ks < best!.ks { best = r }
        }
        return best
    }

    /// Closed-form discrete exponential MLE on the tail `x ≥ xmin`; nil when all values equal x_min.
    public static func exponential(_ tail: [Int], xmin: Int) -> Exponential? {
        guard !tail.isEmpty else { return nil }
        let m = tail.reduce(0.0) { $0 + Double($1 - xmin) } / Double(tail.count)
        guard m > 0 else { return nil }
        return Exponential(lambda: log((1 + m) / m))
    }

    /// ln p of a shifted geometric with rate λ at x.
    @inline(__always)
    static func logGeometric(_ x: Int, _ xmin: Int, _ l: Double) -> Double {
        log(-expm1(-l)) - l * Double(x - xmin)
    }

    /// Two-component geometric mixture on the tail by EM (300 iterations or 1e-10 relative change).
    public static func biExponential(_ tail: [Int], xmin: Int) -> BiExponential? {
        guard tail.count >= 4, let one = exponential(tail, xmin: xmin) else { return nil }
        var w = 0.5, l1 = one.lambda * 2, l2 = one.lambda / 2
        var prev = -Double.infinity
        for _ in 0..<300 {
            var sw = 0.0, s1 = 0.0, s2 = 0.0, ll = 0.0
            for x in tail {
                let a = w * exp(logGeometric(x, xmin, l1)), b = (1 - w) * exp(logGeometric(x, xmin, l2))
                let t = a + b
                guard t > 0 else { continue }
                let r = a / t
                ll += log(t); sw += r; s1 += r * Double(x - xmin); s2 += (1 - r) * Double(x - xmin)
            }
            let n = Double(tail.count)
            w = min(max(sw / n, 1e-9), 1 - 1e-9)
            let m1 = s1 / max(sw, 1e-300), m2 = s2 / max(n - sw, 1e-300)
            l1 = m1 > 0 ? log((1 + m1) / m1) : 50
            l2 = m2 > 0 ? log((1 + m2) / m2) : 50
            if abs(ll - prev) <= 1e-10 * abs(ll) { break }
            prev = ll
        }
        if l1 < l2 { return BiExponential(weight: 1 - w, lambda1: l2, lambda2: l1) }
        return BiExponential(weight: w, lambda1: l1, lambda2: l2)
    }

    /// Vuong's test on pointwise log-likelihood differences.
    static func compare(_ d: [Double]) -> Comparison? {
        guard d.count >= 2 else { return nil }
        let n = Double(d.count)
        let r = d.reduce(0, +), m = r / n
        let sd = (d.reduce(0) { $0 + ($1 - m) * ($1 - m) } / n).squareRoot()
        let p = sd > 0 ? erfc(abs(r) / (sd * (2 * n).squareRoot())) : (r == 0 ? 1 : 0)
        return Comparison(ratio: r, p: p)
    }

    /// Power law (KS-selected x_min), exponential and bi-exponential on the same tail, and both comparisons.
    public static func fitAll(_ data: [Int], maximumAlpha: Double = .infinity) -> Fits? {
        guard let pl = powerLaw(data, maximumAlpha: maximumAlpha) else { return nil }
        let tail = data.filter { $0 >= pl.xmin }
        let z = hurwitzZeta(pl.alpha, Double(pl.xmin))
        let lpl = tail.map { -pl.alpha * log(Double($0)) - log(z) }
        let ex = exponential(tail, xmin: pl.xmin)
        let bi = biExponential(tail, xmin: pl.xmin)
        var ve: Comparison? = nil, vb: Comparison? = nil
        if let ex { ve = compare(tail.indices.map { lpl[$0] - logGeometric(tail[$0], pl.xmin, ex.lambda) }) }
        if let bi {
            vb = compare(tail.indices.map { i in
                let x = tail[i]
                let lb = log(bi.weight * exp(logGeometric(x, pl.xmin, bi.lambda1))
                             + (1 - bi.weight) * exp(logGeometric(x, pl.xmin, bi.lambda2)))
                return lpl[i] - lb
            })
        }
        return Fits(powerLaw: pl, exponential: ex, biExponential: bi, versusExponential: ve, versusBiExponential: vb)
    }
}
