#if canImport(Glibc)
import Glibc
#endif

extension Kernels {
    /// A positive finite double as `mantissa · 2^exponent` with an integer mantissa (exact).
    @inline(__always)
    static func binaryRational(_ x: Double) -> (mantissa: Int128, exponent: Int) {
        precondition(x > 0 && x.isFinite, "width must be positive and finite")
        if x.isNormal { return (Int128(x.significandBitPattern | (1 << 52)), Int(x.exponent) - 52) }
        return (Int128(x.significandBitPattern), -1074)
    }

    /// A non-negative 128-bit integer as a double: a deterministic function of its value (equal integers give
    /// equal doubles), without the generic conversion's cost. Values below 2^64 convert with one rounding.
    @inline(__always)
    static func double(_ x: Int128) -> Double {
        let hi = UInt64(truncatingIfNeeded: x >> 64), lo = UInt64(truncatingIfNeeded: x)
        return hi == 0 ? Double(lo) : Double(hi) * 0x1p64 + Double(lo)
    }

    /// Resamples one scale's z-scored count series onto each epoch's reference grid by overlap-weighted averaging
    /// (METHODS §3.7, normative since 2026-12).
    ///
    /// Per epoch, the scale's bins are `[k·w, (k+1)·w)` (w = `width` seconds, `epochBins[e]` whole bins from the
    /// epoch start) and the reference bins `B_m = [m·W, (m+1)·W)` (W = `gridWidth`, `gridEpochBins[e]` whole bins).
    /// `B_m`'s mean count is `Σ_k c(k)·|bin_k ∩ B_m| / Σ_k |bin_k ∩ B_m|` over the bins that overlap it; the part of
    /// `B_m` beyond the scale's last whole bin is ignored, and a `B_m` with no overlap is NaN (missing). Its value is
    /// the z-score `(mean count − mean)/sd` with the mean and sample sd of the state's whole concatenated series
    /// (the same as averaging the bins' z-scores).
    ///
    /// The widths are taken as the exact binary rationals their doubles are, and the weighted sum is formed in exact
    /// integer arithmetic (sums of the counts, 128-bit products) and divided once: reference bins whose means
    /// are equal in exact arithmetic (common at fine scales, where B's end bins are often empty) get the same
    /// double, so the equal-frequency levels treat them as the ties they are. Output: `gridEpochBins` values per
    /// epoch, concatenated. All NaN when sd = 0.
    public static func resampleZScores(counts: UnsafeBufferPointer<Int32>, epochBins: [Int], width: Double,
                                       gridWidth: Double, gridEpochBins: [Int], mean: Double, sd: Double) -> [Double] {
        var out = [Double](repeating: .nan, count: gridEpochBins.reduce(0, +))
        out.withUnsafeMutableBufferPointer {
            resampleZScores(counts: counts, epochBins: epochBins, width: width, gridWidth: gridWidth,
                            gridEpochBins: gridEpochBins, mean: mean, sd: sd, into: $0)
        }
        return out
    }

    /// `resampleZScores` written into `out` (Σ `gridEpochBins` values; every one is written, NaN where missing), so
    /// a caller can keep one buffer across scales and members. No scratch memory: a reference bin's inner bins are
    /// summed directly (each scale bin lies inside at most two reference bins, so O(K + grid bins) per scale).
    public static func resampleZScores(counts: UnsafeBufferPointer<Int32>, epochBins: [Int], width: Double,
                                       gridWidth: Double, gridEpochBins: [Int], mean: Double, sd: Double,
                                       into out: UnsafeMutableBufferPointer<Double>) {
        precondition(out.count == gridEpochBins.reduce(0, +), "resampleZScores: output size")
        guard sd > 0 else { out.update(repeating: .nan); return }
        // Both widths as integers over a common power of two.
        let (mw, ew) = binaryRational(width), (mg, eg) = binaryRational(gridWidth)
        let e0 = min(ew, eg)
        let dt = mw << (ew - e0), d20 = mg << (eg - e0)
        // Reference bin B_m = [lo, hi) with lo = m·d20 is walked as lo = ka·dt + rem (0 ≤ rem < dt), advanced by
        // d20 = qd·dt + rd per bin: the same ka = ⌊lo/dt⌋ as a division, without 128-bit divisions.
        let (qd128, rd) = d20.quotientAndRemainder(dividingBy: dt)
        let qd = Int(qd128)
        var src = 0, dst = 0
        for (e, kb) in epochBins.enumerated() {
            let gm = gridEpochBins[e]
            let c = counts.baseAddress! + src, o = out.baseAddress! + dst
            var ka = 0, rem: Int128 = 0                       // lo = ka·dt + rem
            for m in 0 ..< gm {
                var kh = ka + qd, remh = rem + rd             // hi = kh·dt + remh
                if remh >= dt { remh -= dt; kh += 1 }
                defer { ka = kh; rem = remh }                 // the next B starts at hi
                // Last whole bin reaching into B: ⌈hi/dt⌉ − 1, at most kb − 1.
                let i1 = min(remh == 0 ? kh - 1 : kh, kb - 1)
                let i0 = ka                                   // the bin holding lo
                guard i0 <= i1 else { o[m] = .nan; continue }
                let value: Double
                if i0 == i1 {
                    value = Double(c[i0])
                } else {
                    let wa = dt - rem                         // (i0 + 1)·dt − lo
                    let wb = (i1 == kh && remh != 0) ? remh : dt   // min(hi, (i1 + 1)·dt) − i1·dt
                    var inner: Int64 = 0
                    for k in (i0 + 1) ..< i1 { inner &+= Int64(c[k]) }
                    let den = wa + Int128(i1 - i0 - 1) * dt + wb
                    let num = Int128(c[i0]) * wa + Int128(inner) * dt + Int128(c[i1]) * wb
                    // Integer part exactly, then the fraction: an exact integer mean (e.g. every covering bin
                    // has the same count) is that integer's double, as for a B inside one bin.
                    let (q, r) = Self.divide(num, den)
                    value = r == 0 ? Self.double(q) : Self.double(q) + Self.double(r) / Self.double(den)
                }
                o[m] = (value - mean) / sd
            }
            src += kb; dst += gm
        }
    }

    /// `num.quotientAndRemainder(dividingBy: den)` for 0 ≤ num and 0 < den (exact), without the 128-bit division
    /// routine: a double estimate of the quotient (relative error below 1e-15, so within 1 of the truth while the
    /// quotient is below 2^40), then the exact remainder `num − q·den` and at most a few corrections. Falls back to
    /// the 128-bit division for larger quotients.
    @inline(__always)
    static func divide(_ num: Int128, _ den: Int128) -> (quotient: Int128, remainder: Int128) {
        let estimate = (double(num) / double(den)).rounded(.down)
        guard estimate < 0x1p40 else { return num.quotientAndRemainder(dividingBy: den) }
        var q = Int128(Int64(estimate))
        var r = num - q * den
        while r < 0 { q -= 1; r += den }
        while r >= den { q += 1; r -= den }
        return (q, r)
    }

    /// Places the order statistics at `ranks` (sorted ascending) in their sorted positions of `a` (expected
    /// O(n log r), three-way quickselect).
    static func multiSelect(_ a: UnsafeMutableBufferPointer<Double>, _ lo: Int, _ hi: Int, _ ranks: ArraySlice<Int>) {
        var lo = lo, hi = hi, ranks = ranks
        while !ranks.isEmpty && hi - lo > 1 {
            if hi - lo <= 24 {
                for i in (lo + 1) ..< hi {
                    let x = a[i]; var j = i - 1
                    while j >= lo && a[j] > x { a[j + 1] = a[j]; j -= 1 }
                    a[j + 1] = x
                }
                return
            }
            let mid = lo + (hi - lo) / 2
            let x = a[lo], y = a[mid], z = a[hi - 1]
            let pivot = max(min(x, y), min(max(x, y), z))
            var lt = lo, i = lo, gt = hi
            while i < gt {
                let v = a[i]
                if v < pivot { a.swapAt(lt, i); lt += 1; i += 1 }
                else if v > pivot { gt -= 1; a.swapAt(i, gt) }
                else { i += 1 }
            }
            let left = ranks.prefix { $0 < lt }
            let right = ranks.drop { $0 < gt }
            if left.count > 0 && right.count > 0 {
                multiSelect(a, lo, lt, left)
                lo = gt; ranks = right
            } else if left.count > 0 { hi = lt; ranks = left }
            else { lo = gt; ranks = right }
        }
    }

    /// Thresholds of `levels` equal-frequency levels (METHODS §3.7): the type-7 quantiles of `values` at
    /// p = l/levels, l = 1…levels−1. Non-finite values must be removed first. Reorders `values`.
    public static func equalFrequencyThresholds(_ values: inout [Double], levels: Int) -> [Double] {
        let n = values.count
        guard n > 0, levels > 1 else { return [] }
        var ranks: [Int] = []
        var hs: [Double] = []
        for l in 1 ..< levels {
            let h = Double(n - 1) * (Double(l) / Double(levels))
            let lo = Int(h.rounded(.down))
            hs.append(h); ranks.append(lo); if lo + 1 < n { ranks.append(lo + 1) }
        }
        ranks = Array(Set(ranks)).sorted()
        values.withUnsafeMutableBufferPointer { multiSelect($0, 0, n, ranks[...]) }
        return hs.map { h in
            let lo = Int(h.rounded(.down))
            let a = values[lo]
            guard lo + 1 < n else { return a }
            return a + (h - Double(lo)) * (values[lo + 1] - a)
        }
    }

    /// Co-occurrence level (METHODS §3.7) of a z-score given ascending thresholds: the number of thresholds ≤ value
    /// (0 … thresholds.count; `np.searchsorted(thresholds, v, side="right")`).
    @inline(__always)
    public static func quantiseLevel(_ v: Double, thresholds: [Double]) -> Int {
        var lo = 0, hi = thresholds.count
        while lo < hi { let m = (lo + hi) >> 1; if thresholds[m] <= v { lo = m + 1 } else { hi = m } }
        return lo
    }

    /// Co-occurrence counts (METHODS §3.7) of (level of Ê at (s, m), level of Î at (s, m + d)) over every scale row
    /// and every m with both cells valid (level ≥ 0). `levelsE[s]`, `levelsI[s]` are one row per scale over the
    /// state's concatenated reference grid; like every lagged measure (METHODS §2), the offset runs across the
    /// joins of the concatenated epochs without masking. Returns L×L counts, row-major (row = E level).
    public static func cooccurrenceCounts(levelsE: [[Int8]], levelsI: [[Int8]], offset d: Int,
                                          levels: Int) -> [Int64] {
        var p = [Int64](repeating: 0, count: levels * levels)
        for s in 0 ..< levelsE.count {
            let le = levelsE[s], li = levelsI[s]
            let n = min(le.count, li.count)
            if n <= d { continue }
            for m in 0 ..< (n - d) {
                let a = le[m], b = li[m + d]
                if a >= 0 && b >= 0 { p[Int(a) * levels + Int(b)] += 1 }
            }
        }
        return p
    }

    /// Co-occurrence texture features of METHODS §3.7 with MATLAB `graycoprops` conventions, from L×L counts
    /// normalised to a probability matrix p (i, j = 0…L−1): `contrast` Σ(i−j)²p, `dissimilarity` Σ|i−j|p,
    /// `homogeneity` Σp/(1+|i−j|), `energy` Σp², `entropy` −Σp ln p (nats), `correlation`
    /// Σ(i−μ_i)(j−μ_j)p/(σ_iσ_j). All dimensionless. A feature is nil (missing) when the matrix is empty or,
    /// for correlation, σ_i or σ_j is 0.
    public static func glcmFeatures(counts: [Int64], levels: Int) -> [String: Double?] {
        let total = counts.reduce(0, +)
        let names = ["contrast", "dissimilarity", "homogeneity", "energy", "entropy", "correlation"]
        guard total > 0 else { return Dictionary(uniqueKeysWithValues: names.map { ($0, nil) }) }
        let t = Double(total)
        var contrast = 0.0, dis = 0.0, hom = 0.0, energy = 0.0, entropy = 0.0
        var mi = 0.0, mj = 0.0
        for i in 0 ..< levels {
            for j in 0 ..< levels {
                let c = counts[i * levels + j]
                if c == 0 { continue }
                let p = Double(c) / t
                let d = Double(abs(i - j))
                contrast += d * d * p; dis += d * p; hom += p / (1 + d); energy += p * p
                entropy -= p * log(p)
                mi += Double(i) * p; mj += Double(j) * p
            }
        }
        var vi = 0.0, vj = 0.0, cov = 0.0
        for i in 0 ..< levels {
            for j in 0 ..< levels {
                let c = counts[i * levels + j]
                if c == 0 { continue }
                let p = Double(c) / t
                vi += (Double(i) - mi) * (Double(i) - mi) * p
                vj += (Double(j) - mj) * (Double(j) - mj) * p
                cov += (Double(i) - mi) * (Double(j) - mj) * p
            }
        }
        let corr: Double? = (vi > 0 && vj > 0) ? cov / (vi.squareRoot() * vj.squareRoot()) : nil
        return ["contrast": contrast, "dissimilarity": dis, "homogeneity": hom, "energy": energy,
                "entropy": entropy, "correlation": corr]
    }
}
