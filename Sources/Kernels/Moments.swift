#if canImport(Glibc)
import Glibc
#endif

/// Exact integer moments of two spike-count series of equal length K (METHODS §3.2–3.3).
///
/// All sums are exact (Int64); centred second moments are formed exactly as `K·Σxy − Σx·Σy` when that fits in
/// Int64, so Pearson r, the PCA of the (Ê, Î) cloud and the fluctuation variance carry no cancellation error.
public struct CountMoments: Sendable, Equatable {
    public var count: Int
    public var sumE: Int64, sumI: Int64
    public var sumEE: Int64, sumII: Int64, sumEI: Int64
    public var minE: Int32, maxE: Int32, minI: Int32, maxI: Int32

    /// K² times the population covariance, i.e. `K·Σxy − Σx·Σy`, as Double (exact when it fits in Int64).
    @inline(__always)
    static func scaledCovariance(_ k: Int, _ sx: Int64, _ sy: Int64, _ sxy: Int64) -> Double {
        let (a, o1) = Int64(k).multipliedReportingOverflow(by: sxy)
        let (b, o2) = sx.multipliedReportingOverflow(by: sy)
        if !o1 && !o2 { let (d, o3) = a.subtractingReportingOverflow(b); if !o3 { return Double(d) } }
        return Double(k) * Double(sxy) - Double(sx) * Double(sy)
    }

    /// Population variance of the E counts (spikes² per bin²).
    public var varianceE: Double { Self.scaledCovariance(count, sumE, sumE, sumEE) / (Double(count) * Double(count)) }
    /// Population variance of the I counts.
    public var varianceI: Double { Self.scaledCovariance(count, sumI, sumI, sumII) / (Double(count) * Double(count)) }
    /// Population covariance of E and I counts.
    public var covarianceEI: Double { Self.scaledCovariance(count, sumE, sumI, sumEI) / (Double(count) * Double(count)) }

    /// `K·(K − 1)`, the divisor that turns a scaled covariance into the sample form (METHODS §2 moments
    /// convention, revised 2026-12: every sd and Var of §3–4 uses K − 1); needs K ≥ 2.
    @inline(__always)
    var sampleDivisor: Double { Double(count) * Double(count - 1) }
    /// Sample variance (divisor K − 1) of the E counts (spikes² per bin²); needs K ≥ 2.
    public var sampleVarianceE: Double { Self.scaledCovariance(count, sumE, sumE, sumEE) / sampleDivisor }
    /// Sample variance (divisor K − 1) of the I counts; needs K ≥ 2.
    public var sampleVarianceI: Double { Self.scaledCovariance(count, sumI, sumI, sumII) / sampleDivisor }
    /// Sample covariance (divisor K − 1) of E and I counts; needs K ≥ 2.
    public var sampleCovarianceEI: Double { Self.scaledCovariance(count, sumE, sumI, sumEI) / sampleDivisor }
}

extension Kernels {
    /// Sums, sums of squares and cross-products, minima and maxima of two count series (METHODS §3.2–3.3):
    /// the one streaming pass every per-scale measure starts from. SIMD16<Int32> lanes in blocks small enough that
    /// Int32 products cannot overflow; a scalar Int64 path when counts exceed 1000.
    public static func countMoments(e: UnsafeBufferPointer<Int32>, i: UnsafeBufferPointer<Int32>) -> CountMoments {
        var m = countExtrema(e: e, i: i)
        addCountSums(&m, e: e, i: i)
        return m
    }

    /// K and the minima and maxima of two count series (sums zero): the first pass of `countMoments`.
    static func countExtrema(e: UnsafeBufferPointer<Int32>, i: UnsafeBufferPointer<Int32>) -> CountMoments {
        precondition(e.count == i.count, "E and I series must have the same length")
        let n = e.count
        var m = CountMoments(count: n, sumE: 0, sumI: 0, sumEE: 0, sumII: 0, sumEI: 0,
                             minE: 0, maxE: 0, minI: 0, maxI: 0)
        if n == 0 { return m }
        let pe = e.baseAddress!, pi = i.baseAddress!
        var mnE = SIMD16<Int32>(repeating: .max), mxE = SIMD16<Int32>(repeating: .min)
        var mnI = mnE, mxI = mxE
        var k = 0
        while k + 16 <= n {
            let a = UnsafeRawPointer(pe + k).loadUnaligned(as: SIMD16<Int32>.self)
            let b = UnsafeRawPointer(pi + k).loadUnaligned(as: SIMD16<Int32>.self)
            mnE.replace(with: a, where: a .< mnE); mxE.replace(with: a, where: a .> mxE)
            mnI.replace(with: b, where: b .< mnI); mxI.replace(with: b, where: b .> mxI)
            k += 16
        }
        var minE = mnE.min(), maxE = mxE.max(), minI = mnI.min(), maxI = mxI.max()
        while k < n { minE = min(minE, pe[k]); maxE = max(maxE, pe[k]); minI = min(minI, pi[k]); maxI = max(maxI, pi[k]); k += 1 }
        m.minE = minE; m.maxE = maxE; m.minI = minI; m.maxI = maxI
        return m
    }

    /// Adds the sums, sums of squares and cross-products of the series to `m` (which holds their extrema): the
    /// second pass of `countMoments`.
    static func addCountSums(_ m: inout CountMoments, e: UnsafeBufferPointer<Int32>, i: UnsafeBufferPointer<Int32>) {
        let n = e.count
        if n == 0 { return }
        let pe = e.baseAddress!, pi = i.baseAddress!
        let top = max(m.maxE, m.maxI, -m.minE, -m.minI)
        if top <= 1000 {
            let block = 2048   // 2048 · 1000² < 2³¹
            var start = 0
            while start < n {
                let end = min(n, start + block)
                var sa = SIMD16<Int32>(), sb = sa, saa = sa, sbb = sa, sab = sa
                var j = start
                while j + 16 <= end {
                    let a = UnsafeRawPointer(pe + j).loadUnaligned(as: SIMD16<Int32>.self)
                    let b = UnsafeRawPointer(pi + j).loadUnaligned(as: SIMD16<Int32>.self)
                    sa &+= a; sb &+= b; saa &+= a &* a; sbb &+= b &* b; sab &+= a &* b
                    j += 16
                }
                var ta = Int64(sa.wrappedSum()), tb = Int64(sb.wrappedSum())
                var taa = Int64(saa.wrappedSum()), tbb = Int64(sbb.wrappedSum()), tab = Int64(sab.wrappedSum())
                while j < end {
                    let a = Int64(pe[j]), b = Int64(pi[j])
                    ta += a; tb += b; taa += a * a; tbb += b * b; tab += a * b
                    j += 1
                }
                m.sumE += ta; m.sumI += tb; m.sumEE += taa; m.sumII += tbb; m.sumEI += tab
                start = end
            }
        } else {
            for j in 0 ..< n {
                let a = Int64(pe[j]), b = Int64(pi[j])
                m.sumE &+= a; m.sumI &+= b; m.sumEE &+= a &* a; m.sumII &+= b &* b; m.sumEI &+= a &* b
            }
        }
    }

    /// `pearson_r` (METHODS §3.2): Pearson correlation of E_s and I_s (dimensionless, −1…1); nil when either
    /// series has zero variance.
    public static func pearsonR(_ m: CountMoments) -> Double? {
        let ve = CountMoments.scaledCovariance(m.count, m.sumE, m.sumE, m.sumEE)
        let vi = CountMoments.scaledCovariance(m.count, m.sumI, m.sumI, m.sumII)
        guard ve > 0, vi > 0 else { return nil }
        return CountMoments.scaledCovariance(m.count, m.sumE, m.sumI, m.sumEI) / (ve.squareRoot() * vi.squareRoot())
    }

    /// `fluctuation_variance` V_s (METHODS §3.3): sample variance (divisor K − 1) over bins of the rate-normalised signed
    /// fluctuation `(E_s(k) − I_s(k)) / Δt_s`, with `E_s = Σ_E c / N_E` (spikes per unit per bin) and Δt_s in
    /// seconds, so V_s is in (spikes/s/unit)². nil when a class has no units.
    public static func fluctuationVariance(_ m: CountMoments, unitsE: Int, unitsI: Int, dtSeconds: Double) -> Double? {
        guard unitsE > 0, unitsI > 0, m.count > 1 else { return nil }
        let ne = Double(unitsE), ni = Double(unitsI)
        let v = m.sampleVarianceE / (ne * ne) + m.sampleVarianceI / (ni * ni) - 2 * m.sampleCovarianceEI / (ne * ni)
        return max(v, 0) / (dtSeconds * dtSeconds)
    }

    /// PCA of the sum-normalised cloud (Ê_s, Î_s) (METHODS §3.2), from its 2×2 sample covariance (divisor K − 1;
    /// the angle and the anisotropy do not depend on the divisor).
    /// - `angleDegrees` (`pca_angle_deg`): major-axis angle from the Ê axis, degrees in (−90, 90]; 45 = balanced.
    ///   nil when the cloud is isotropic (no major axis).
    /// - `anisotropy` (`pca_anisotropy`): λ_min/λ_max, dimensionless; nil when λ_max = 0.
    /// - `orthogonalWidth` (`orthogonal_width`): `sd((Ê − Î)/√2)`, in units of Ê (fraction of the window's
    ///   spikes per bin), sample sd (divisor K − 1).
    public static func pcaAxis(_ m: CountMoments) -> (angleDegrees: Double?, anisotropy: Double?,
                                                      orthogonalWidth: Double?) {
        guard m.sumE > 0, m.sumI > 0, m.count > 1 else { return (nil, nil, nil) }
        let k2 = m.sampleDivisor
        let se = Double(m.sumE), si = Double(m.sumI)
        let cxx = CountMoments.scaledCovariance(m.count, m.sumE, m.sumE, m.sumEE) / k2 / (se * se)
        let cyy = CountMoments.scaledCovariance(m.count, m.sumI, m.sumI, m.sumII) / k2 / (si * si)
        let cxy = CountMoments.scaledCovariance(m.count, m.sumE, m.sumI, m.sumEI) / k2 / (se * si)
        let half = (cxx - cyy) / 2
        let rad = (half * half + cxy * cxy).squareRoot()
        let mean = (cxx + cyy) / 2
        let lmax = mean + rad, lmin = max(mean - rad, 0)
        var angle: Double? = nil
        if rad > 0 {
            var a = 0.5 * atan2(2 * cxy, cxx - cyy) * 180 / Double.pi
            if a <= -90 { a += 180 }
            angle = a
        }
        let aniso: Double? = lmax > 0 ? lmin / lmax : nil
        let w2 = (cxx + cyy - 2 * cxy) / 2
        return (angle, aniso, max(w2, 0).squareRoot())
    }
}
