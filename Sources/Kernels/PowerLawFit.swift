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

    /// B_{2j}/(2j)! of the Euler–Maclaurin tail of `hurwitzZeta`.
    static let bernoulli: [Double] = [1.0 / 12, -1.0 / 720, 1.0 / 30240, -1.0 / 1209600, 1.0 / 47900160,
                                      -691.0 / 1307674368000, 1.0 / 74724249600]

    /// Hurwitz-zeta values ζ(s, q) at integer q ≥ 1, bit-identical to `hurwitzZeta(s, Double(q))` (the same
    /// operations in the same order), with the powers m^{−s} of the integers it adds remembered: ζ(s, q) adds
    /// m^{−s} for m = q … q + 12, so ζ at the same s and consecutive q shares 12 of its 13 powers. The x_min scan
    /// evaluates ζ at one s for many q — the KS distance of a candidate at its α, the bounds at the ends of α's
    /// bracket, and the golden-section points of α, which are the same for every candidate (and data set) until
    /// their comparisons differ. The memo is a direct-mapped table of `1 << bits` entries keyed by (s, m): a
    /// colliding entry is overwritten, which costs only a recomputation.
    /// Not thread-safe: one per thread (each `fitAll`/`powerLaw` call makes its own unless given one).
    public final class ZetaTable {
        private let keyS: UnsafeMutablePointer<UInt64>, keyM: UnsafeMutablePointer<Int>
        private let value: UnsafeMutablePointer<Double>
        private let mask: Int

        /// Whole ζ(s, q) values, remembered in a second direct-mapped table of `1 << zetaBits` entries: the
        /// golden-section points shared by candidates and data sets, and the bracket ends of the KS bounds, ask
        /// for the same (s, q) again and again.
        private let zKeyS: UnsafeMutablePointer<UInt64>, zKeyQ: UnsafeMutablePointer<Int>
        private let zValue: UnsafeMutablePointer<Double>
        private let zMask: Int

        public init(bits: Int = 11, zetaBits: Int = 13) {
            let n = 1 << max(4, min(bits, 24))
            keyS = .allocate(capacity: n); keyM = .allocate(capacity: n); value = .allocate(capacity: n)
            keyS.initialize(repeating: 0, count: n); keyM.initialize(repeating: -1, count: n)
            value.initialize(repeating: 0, count: n)
            mask = n - 1
            let z = 1 << max(4, min(zetaBits, 24))
            zKeyS = .allocate(capacity: z); zKeyQ = .allocate(capacity: z); zValue = .allocate(capacity: z)
            zKeyS.initialize(repeating: 0, count: z); zKeyQ.initialize(repeating: Int.min, count: z)
            zValue.initialize(repeating: 0, count: z)
            zMask = z - 1
        }

        deinit {
            keyS.deallocate(); keyM.deallocate(); value.deallocate()
            zKeyS.deallocate(); zKeyQ.deallocate(); zValue.deallocate()
        }

        /// m^{−s}, remembered.
        @inline(__always)
        func power(_ m: Int, _ s: Double) -> Double {
            let b = s.bitPattern
            let h = Int(truncatingIfNeeded: ((b &* 0x9E37_79B9_7F4A_7C15) ^ (UInt64(UInt(bitPattern: m)) &* 0xC2B2_AE3D_27D4_EB4F)) >> 32) & mask
            if keyM[h] == m && keyS[h] == b { return value[h] }
            let v = pow(Double(m), -s)
            keyS[h] = b; keyM[h] = m; value[h] = v
            return v
        }

        /// ζ(s, q) with the bits of `hurwitzZeta(s, Double(q))` (remembered: see `zKeyS`).
        public func zeta(_ s: Double, _ q: Int) -> Double {
            let b = s.bitPattern
            let h = Int(truncatingIfNeeded: ((b &* 0xC2B2_AE3D_27D4_EB4F) ^ (UInt64(UInt(bitPattern: q)) &* 0x9E37_79B9_7F4A_7C15)) >> 40) & zMask
            if zKeyQ[h] == q && zKeyS[h] == b { return zValue[h] }
            let v = compute(s, q)
            zKeyS[h] = b; zKeyQ[h] = q; zValue[h] = v
            return v
        }

        /// ζ(s, q) by `hurwitzZeta`'s operations, each power m^{−s} through `power`.
        func compute(_ s: Double, _ q: Int) -> Double {
            let n = 12
            var sum = 0.0
            for k in 0..<n { sum += power(q + k, s) }
            let a = Double(q + n)
            sum += pow(a, 1 - s) / (s - 1) + 0.5 * power(q + n, s)
            var fac = s
            var ap = pow(a, -s - 1)
            for j in 0..<PowerLawFit.bernoulli.count {
                sum += PowerLawFit.bernoulli[j] * fac * ap
                fac *= (s + Double(2 * j + 1)) * (s + Double(2 * j + 2))
                ap /= a * a
            }
            return sum
        }
    }

    /// Exact discrete MLE of α for the tail `x ≥ xmin` given Σ ln x and its count (golden section, concave).
    static func alphaMLE(sumLog: Double, n: Int, xmin: Int, zeta: ZetaTable = ZetaTable()) -> Double {
        var g = AlphaSearch(sumLog: sumLog, n: n, xmin: xmin, zeta: zeta)
        g.run()
        return g.alpha
    }

    /// The golden-section search of `alphaMLE` on [1 + 10⁻⁶, 12] down to a bracket of 10⁻⁹, resumable: after any
    /// number of steps the final α lies in [lo, hi], and finishing later gives the same bits as one run.
    /// Golden-section steps between the tests of a candidate x_min against the best KS distance (brackets of α
    /// ≈ 1.0, 0.15, 0.02, 0.003 wide).
    static let coarseSteps = [5, 4, 4, 4]

    struct AlphaSearch {
        let sumLog: Double, n: Double, q: Int
        let zeta: ZetaTable
        var lo = 1.0 + 1e-6, hi = 12.0
        var x1: Double, x2: Double, f1: Double, f2: Double
        static let g = (sqrt(5.0) - 1) / 2

        init(sumLog: Double, n: Int, xmin: Int, zeta: ZetaTable) {
            self.sumLog = sumLog; self.n = Double(n); self.q = xmin; self.zeta = zeta
            let g = Self.g
            x1 = hi - g * (hi - lo); x2 = lo + g * (hi - lo)
            f1 = 0; f2 = 0
            f1 = ll(x1); f2 = ll(x2)
        }

        @inline(__always) func ll(_ a: Double) -> Double { -a * sumLog - n * log(zeta.zeta(a, q)) }

        /// Golden-section steps while the bracket is wider than 10⁻⁹, at most `steps`.
        mutating func run(steps: Int = .max) {
            let g = Self.g
            var k = 0
            while hi - lo > 1e-9 && k < steps {
                if f1 < f2 { lo = x1; x1 = x2; f1 = f2; x2 = lo + g * (hi - lo); f2 = ll(x2) }
                else { hi = x2; x2 = x1; f2 = f1; x1 = hi - g * (hi - lo); f1 = ll(x1) }
                k += 1
            }
        }

        var alpha: Double { (lo + hi) / 2 }
    }

    /// Discrete power law with x_min by minimum KS distance. `xmin` fixes it instead.
    /// `maximumAlpha`: candidates whose α ≥ this are skipped (the `powerlaw` package uses 3).
    /// Nil when fewer than two distinct positive values exist.
    ///
    /// The scan over candidate x_min (the U distinct values, the largest excluded) chooses the smallest KS
    /// distance, ties to the smaller x_min, as the quadratic scan does. It visits the candidates from the
    /// largest down: the distance falls as x_min rises from the smallest value towards the best one, so an
    /// ascending scan finds a new best at almost every candidate there and must finish each of them, while a
    /// descending one meets the best after few records (on the demo cohort's spike data sets 19 k instead of
    /// 33 k of 93 k candidates need a full search of α). Each candidate's α comes from `alphaMLE` on suffix sums
    /// of ln x, then its KS distance over the distinct values ≥ it, stopping as soon as the running maximum
    /// exceeds the best distance so far (that candidate can no longer be chosen; at equality it would win, its
    /// x_min being smaller); the first distinct value checked is where the previous candidate's maximum or
    /// stop was. Once a best candidate exists, each further candidate's golden-section search for α first runs
    /// a few steps at a time: its bracket [lo, hi] surely holds the final α, and since the model CDF at every
    /// value rises with α, the gap between the empirical CDF and the CDFs at lo and hi bounds the candidate's KS
    /// from below; a candidate whose bound minus a rounding margin reaches the best distance (so its distance
    /// surely exceeds it) is dropped without finishing α. Candidates
    /// with α ≥ `maximumAlpha` get no KS at all. Every ζ is evaluated through `zeta` (a `ZetaTable`: each power
    /// m^{−s} once per s, each ζ(s, q) once while it stays in the table), the values are sorted by counting when their range is small and ln x is taken once
    /// per distinct value. The chosen fit, its α and its KS are bit-identical to the full quadratic scan
    /// (`powerLawQuadratic`), which tests keep as the oracle.
    /// - Parameter zeta: a table to share between fits of one thread (one per family member or shard); nil
    ///   makes one for this call.
    public static func powerLaw(_ data: [Int], xmin fixed: Int? = nil, maximumAlpha: Double = .infinity,
                                zeta table: ZetaTable? = nil) -> PowerLaw? {
        let table = table ?? ZetaTable()
        let x = sortedPositive(data)
        guard !x.isEmpty else { return nil }
        // Distinct values and the index of their first occurrence.
        var uniq: [Int] = [], first: [Int] = []
        for (i, v) in x.enumerated() where uniq.last != v { uniq.append(v); first.append(i) }
        // Suffix sums of ln x (the same order of additions as the quadratic scan, so the same bits; ln once per
        // distinct value).
        var suffix = [Double](repeating: 0, count: x.count + 1)
        var k = uniq.count - 1, lnv = k >= 0 ? log(Double(uniq[k])) : 0
        for i in stride(from: x.count - 1, through: 0, by: -1) {
            if i < first[k] { k -= 1; lnv = log(Double(uniq[k])) }
            suffix[i] = suffix[i + 1] + lnv
        }
        let count = uniq.count
        /// KS distance of candidate u at α = a, or nil once it exceeds `bound` (a candidate scanned later has a
        /// smaller x_min and wins a tie); `hint` is the distinct value checked first and is updated to where the
        /// maximum (or the stop) was.
        func distance(_ u: Int, _ a: Double, bound: Double?, hint: inout Int) -> Double? {
            let start = first[u], n = Double(x.count - start)
            let zmin = table.zeta(a, uniq[u])
            @inline(__always) func term(_ v: Int) -> Double {
                let emp = Double(first[v] - start) / n
                let theo = 1 - table.zeta(a, uniq[v]) / zmin
                return abs(theo - emp)
            }
            var d = 0.0, at = u
            let h = max(u, min(hint, count - 1))
            d = max(d, term(h))
            if let bound, d > bound { hint = h; return nil }
            if d > 0 { at = h }
            for v in u..<count where v != h {
                let t = term(v)
                if t > d { at = v }
                d = max(d, t)
                if let bound, d > bound { hint = v; return nil }
            }
            hint = at
            return d
        }
        func result(_ u: Int, _ a: Double, _ d: Double) -> PowerLaw {
            let n = x.count - first[u]
            return PowerLaw(alpha: a, xmin: uniq[u], ks: d, tailCount: n, alphaSE: (a - 1) / Double(n).squareRoot())
        }
        func alpha(_ u: Int) -> Double {
            alphaMLE(sumLog: suffix[first[u]], n: x.count - first[u], xmin: uniq[u], zeta: table)
        }
        var hint = 0
        if let fixed {
            guard let u = uniq.firstIndex(where: { $0 >= fixed }) else { return nil }
            let a = alpha(u)
            return result(u, a, distance(u, a, bound: nil, hint: &hint)!)
        }
        guard count >= 2 else { return nil }
        /// A lower bound on candidate u's KS distance for any α in [lo, hi]: the model CDF at each distinct value
        /// increases with α (monotone likelihood ratio), so |F_α(v) − emp(v)| ≥ max(emp − F_hi, F_lo − emp).
        func lowerBound(_ u: Int, _ lo: Double, _ hi: Double, _ vs: [Int]) -> Double {
            let start = first[u], n = Double(x.count - start)
            let zl = table.zeta(lo, uniq[u]), zh = table.zeta(hi, uniq[u])
            var b = 0.0
            for v in vs where v > u && v < count {
                let emp = Double(first[v] - start) / n
                let fl = 1 - table.zeta(lo, uniq[v]) / zl, fh = 1 - table.zeta(hi, uniq[v]) / zh
                b = max(b, emp - fh, fl - emp)
            }
            return b
        }
        var best: PowerLaw? = nil
        for u in stride(from: count - 2, through: 0, by: -1) {
            var search = AlphaSearch(sumLog: suffix[first[u]], n: x.count - first[u], xmin: uniq[u], zeta: table)
            if let bound = best?.ks {
                // A candidate whose distance cannot get below the best one's is dropped after a coarse bracket of α
                // (the margin covers rounding in the bound; the exact scan would not choose it either).
                var pruned = false
                for steps in Self.coarseSteps {
                    search.run(steps: steps)
                    if search.lo >= maximumAlpha || lowerBound(u, search.lo, search.hi, [u + 1, hint]) - 1e-9 >= bound {
                        pruned = true; break
                    }
                }
                if pruned { continue }
            }
            search.run()
            let a = search.alpha
            guard a < maximumAlpha else { continue }
            guard let d = distance(u, a, bound: best?.ks, hint: &hint) else { continue }
            if best == nil || d <= best!.ks { best = result(u, a, d) }
        }
        return best
    }

    /// The positive values of `data`, ascending (a counting sort when their range is small).
    static func sortedPositive(_ data: [Int]) -> [Int] {
        var lo = Int.max, hi = Int.min, n = 0
        for v in data where v > 0 { lo = min(lo, v); hi = max(hi, v); n += 1 }
        guard n > 0 else { return [] }
        guard hi - lo <= 4 * n + 4096 else { return data.filter { $0 > 0 }.sorted() }
        var counts = [Int](repeating: 0, count: hi - lo + 1)
        for v in data where v > 0 { counts[v - lo] += 1 }
        var out = [Int](repeating: 0, count: n)
        var i = 0
        for (d, c) in counts.enumerated() where c > 0 {
            for j in i..<(i + c) { out[j] = lo + d }
            i += c
        }
        return out
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

    /// The distinct values of `tail`, ascending, and each observation's index among them.
    static func distinctIndex(_ tail: [Int]) -> (values: [Int], index: [Int32]) {
        let values = Array(Set(tail)).sorted()
        let index = tail.map { x -> Int32 in
            var lo = 0, hi = values.count
            while lo < hi { let m = (lo + hi) / 2; if values[m] < x { lo = m + 1 } else { hi = m } }
            return Int32(lo)
        }
        return (values, index)
    }

    /// Two-component geometric mixture on the tail by EM (300 iterations or 1e-10 relative change).
    /// Each iteration evaluates the responsibilities once per distinct tail value and then adds them up in the
    /// observations' order, so the result is bit-identical to one evaluation per observation
    /// (`biExponentialReference`).
    public static func biExponential(_ tail: [Int], xmin: Int) -> BiExponential? {
        guard tail.count >= 4, let one = exponential(tail, xmin: xmin) else { return nil }
        let (values, index) = distinctIndex(tail)
        let m = values.count
        // Per distinct value: (ln t, r, r·(x − x_min), (1 − r)·(x − x_min)); zeros where t ≤ 0 (skipped). The four
        // sums over the observations run as the lanes of one SIMD4 sum: lane-wise IEEE additions in the same
        // order, so the same bits as four scalar sums.
        var terms = [SIMD4<Double>](repeating: .zero, count: m)
        var w = 0.5, l1 = one.lambda * 2, l2 = one.lambda / 2
        var prev = -Double.infinity
        for _ in 0..<300 {
            // ln(1 − e^{−λ}) of `logGeometric`, once per iteration (the same function of the same argument).
            let c1 = log(-expm1(-l1)), c2 = log(-expm1(-l2))
            for j in 0..<m {
                let x = values[j]
                let a = w * exp(c1 - l1 * Double(x - xmin)), b = (1 - w) * exp(c2 - l2 * Double(x - xmin))
                let t = a + b
                guard t > 0 else { terms[j] = .zero; continue }
                let r = a / t
                terms[j] = SIMD4(log(t), r, r * Double(x - xmin), (1 - r) * Double(x - xmin))
            }
            var acc = SIMD4<Double>.zero
            terms.withUnsafeBufferPointer { t in for k in index { acc += t[Int(k)] } }
            let ll = acc[0], sw = acc[1], s1 = acc[2], s2 = acc[3]
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
    /// Pointwise log-likelihoods are evaluated once per distinct tail value (same bits as per observation).
    /// `zeta`: see `powerLaw`.
    public static func fitAll(_ data: [Int], maximumAlpha: Double = .infinity, zeta: ZetaTable? = nil) -> Fits? {
        let table = zeta ?? ZetaTable()
        guard let pl = powerLaw(data, maximumAlpha: maximumAlpha, zeta: table) else { return nil }
        let tail = data.filter { $0 >= pl.xmin }
        let z = table.zeta(pl.alpha, pl.xmin)
        let (values, index) = distinctIndex(tail)
        let lpl = values.map { -pl.alpha * log(Double($0)) - log(z) }
        let ex = exponential(tail, xmin: pl.xmin)
        let bi = biExponential(tail, xmin: pl.xmin)
        var ve: Comparison? = nil, vb: Comparison? = nil
        if let ex {
            let d = values.indices.map { lpl[$0] - logGeometric(values[$0], pl.xmin, ex.lambda) }
            ve = compare(index.map { d[Int($0)] })
        }
        if let bi {
            let d = values.indices.map { j in
                let x = values[j]
                let lb = log(bi.weight * exp(logGeometric(x, pl.xmin, bi.lambda1))
                             + (1 - bi.weight) * exp(logGeometric(x, pl.xmin, bi.lambda2)))
                return lpl[j] - lb
            }
            vb = compare(index.map { d[Int($0)] })
        }
        return Fits(powerLaw: pl, exponential: ex, biExponential: bi, versusExponential: ve, versusBiExponential: vb)
    }
}
