import Foundation

extension PowerLawFit {
    /// The original quadratic x_min scan (METHODS §8), kept as the oracle of `powerLaw` and for benchmarks.
    ///
    /// For every distinct value u (the largest excluded) it fits α by `alphaMLE` and computes the KS distance
    /// over every distinct value ≥ u: O(U²) Hurwitz-zeta evaluations for U distinct values. `powerLaw` gives
    /// bit-identical results in far fewer evaluations; tests compare the two.
    public static func powerLawQuadratic(_ data: [Int], xmin fixed: Int? = nil,
                                         maximumAlpha: Double = .infinity) -> PowerLaw? {
        let x = data.filter { $0 > 0 }.sorted()
        guard !x.isEmpty else { return nil }
        var uniq: [Int] = [], first: [Int] = []
        for (i, v) in x.enumerated() where uniq.last != v { uniq.append(v); first.append(i) }
        var suffix = [Double](repeating: 0, count: x.count + 1)
        for i in stride(from: x.count - 1, through: 0, by: -1) { suffix[i] = suffix[i + 1] + log(Double(x[i])) }
        func fit(_ u: Int) -> PowerLaw {
            let start = first[u], n = x.count - start
            let a = alphaMLEReference(sumLog: suffix[start], n: n, xmin: uniq[u])
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

    /// The original golden-section MLE of α (the oracle of `alphaMLE`/`AlphaSearch`).
    static func alphaMLEReference(sumLog: Double, n: Int, xmin: Int) -> Double {
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

    /// The original bi-exponential EM (one exponential per observation and iteration), the oracle of
    /// `biExponential`, which gives the same bits.
    public static func biExponentialReference(_ tail: [Int], xmin: Int) -> BiExponential? {
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

    /// The original `fitAll`: `powerLawQuadratic` and `biExponentialReference`, one evaluation per observation.
    public static func fitAllReference(_ data: [Int], maximumAlpha: Double = .infinity) -> Fits? {
        guard let pl = powerLawQuadratic(data, maximumAlpha: maximumAlpha) else { return nil }
        let tail = data.filter { $0 >= pl.xmin }
        let z = hurwitzZeta(pl.alpha, Double(pl.xmin))
        let lpl = tail.map { -pl.alpha * log(Double($0)) - log(z) }
        let ex = exponential(tail, xmin: pl.xmin)
        let bi = biExponentialReference(tail, xmin: pl.xmin)
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
