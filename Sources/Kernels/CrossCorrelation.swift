extension Kernels {
    /// Normalised E–I cross-correlation (METHODS §3.6) of two count series of length K for lags −L…L bins:
    /// `ρ(l) = Σ_k (c_E(k) − mean_E)(c_I(k+l) − mean_I) / (K · sd_E · sd_I)` over the k where both exist (population
    /// sd; ρ(0) = Pearson r). Positive l: I follows E. L is clipped to K − 1. Returns ρ for l = −L…L (2L+1 values),
    /// or nil when either series has zero variance. SIMD8<Double> FMAs over cache-sized blocks.
    public static func crossCorrelation(e: UnsafeBufferPointer<Int32>, i: UnsafeBufferPointer<Int32>,
                                        maxLag: Int, moments m: CountMoments) -> [Double]? {
        let n = e.count
        let lag = min(maxLag, n - 1)
        guard lag >= 0, n > 0 else { return nil }
        let ve = m.varianceE, vi = m.varianceI
        guard ve > 0, vi > 0 else { return nil }
        let meanE = Double(m.sumE) / Double(n), meanI = Double(m.sumI) / Double(n)
        let lanes = 8, block = 2048
        let nl = 2 * lag + 1
        var acc = [SIMD8<Double>](repeating: SIMD8<Double>(), count: nl)
        var xb = [Double](repeating: 0, count: block)
        var yb = [Double](repeating: 0, count: block + 2 * lag + lanes)
        let pe = e.baseAddress!, pi = i.baseAddress!
        xb.withUnsafeMutableBufferPointer { xp in
            yb.withUnsafeMutableBufferPointer { yp in
                acc.withUnsafeMutableBufferPointer { ap in
                    var start = 0
                    while start < n {
                        let len = min(block, n - start)
                        let padded = (len + lanes - 1) / lanes * lanes
                        for j in 0 ..< len { xp[j] = Double(pe[start + j]) - meanE }
                        for j in len ..< padded { xp[j] = 0 }
                        // y[start − lag … start + padded + lag), zero outside [0, n)
                        for j in 0 ..< (padded + 2 * lag) {
                            let k = start - lag + j
                            yp[j] = (k >= 0 && k < n) ? Double(pi[k]) - meanI : 0
                        }
                        let xr = UnsafeRawPointer(xp.baseAddress!), yr = UnsafeRawPointer(yp.baseAddress!)
                        // Four lags per sweep share each load of x (register blocking).
                        var l = 0
                        while l + 4 <= nl {
                            var s0 = ap[l], s1 = ap[l + 1], s2 = ap[l + 2], s3 = ap[l + 3]
                            var j = 0
                            while j < padded {
                                let xv = xr.loadUnaligned(fromByteOffset: j * 8, as: SIMD8<Double>.self)
                                let o = (j + l) * 8
                                s0.addProduct(xv, yr.loadUnaligned(fromByteOffset: o, as: SIMD8<Double>.self))
                                s1.addProduct(xv, yr.loadUnaligned(fromByteOffset: o + 8, as: SIMD8<Double>.self))
                                s2.addProduct(xv, yr.loadUnaligned(fromByteOffset: o + 16, as: SIMD8<Double>.self))
                                s3.addProduct(xv, yr.loadUnaligned(fromByteOffset: o + 24, as: SIMD8<Double>.self))
                                j += lanes
                            }
                            ap[l] = s0; ap[l + 1] = s1; ap[l + 2] = s2; ap[l + 3] = s3
                            l += 4
                        }
                        while l < nl {
                            var s = ap[l]
                            var j = 0
                            while j < padded {
                                let xv = xr.loadUnaligned(fromByteOffset: j * 8, as: SIMD8<Double>.self)
                                let yv = yr.loadUnaligned(fromByteOffset: (j + l) * 8, as: SIMD8<Double>.self)
                                s.addProduct(xv, yv)
                                j += lanes
                            }
                            ap[l] = s
                            l += 1
                        }
                        start += len
                    }
                }
            }
        }
        let norm = Double(n) * ve.squareRoot() * vi.squareRoot()
        return acc.map { $0.sum() / norm }
    }

    /// `xcorr_peak` and `xcorr_peak_lag_ms` (METHODS §3.6): the largest ρ(l) and its lag l·Δt_s in ms (ties go to
    /// the smallest |l|, then the negative lag). `rho` holds lags −L…L.
    public static func crossCorrelationPeak(_ rho: [Double], dtMilliseconds: Double) -> (peak: Double, lagMilliseconds: Double) {
        let lag = (rho.count - 1) / 2
        var best = rho[lag], bestLag = 0
        if lag > 0 {
            for d in 1 ... lag {
                for l in [-d, d] where rho[l + lag] > best { best = rho[l + lag]; bestLag = l }
            }
        }
        return (best, Double(bestLag) * dtMilliseconds)
    }
}
