extension Kernels {
    /// Normalised E–I cross-correlation (METHODS §3.6) of two count series of length K for lags −L…L bins:
    /// `ρ(l) = Σ_k (c_E(k) − mean_E)(c_I(k+l) − mean_I) / (K · sd_E · sd_I)` over the k where both exist (population
    /// sd; ρ(0) = Pearson r). Positive l: I follows E. L is clipped to K − 1. Returns ρ for l = −L…L (2L+1 values),
    /// or nil when either series has zero variance.
    ///
    /// Floating-point order (fixed: the tables depend on its last bits): the centred values
    /// `x_k = Double(c_E(k)) − mean_E`, `y_k = Double(c_I(k)) − mean_I` are summed per lag on 8 lanes, lane q taking
    /// the k ≡ q (mod 8) in ascending order by fused multiply-add, `acc_q ← fma(x_k, y_{k+l}, acc_q)`, and
    /// ρ(l) = `SIMD8(acc).sum() / (K·sd_E·sd_I)`. (Terms with k + l outside the series would add an exact 0 and are
    /// no-ops.) The kernel keeps this order exactly and only changes the schedule: series converted 8 at a time in
    /// cache-sized blocks, and each sweep over a block updates 5 lags l, l+4, …, l+16 at once (lanes 0–3 and 4–7 as
    /// two 4-wide halves), so that every 4-wide load of y serves two of them. `crossCorrelationReference` is the
    /// same sum written lane by lane; tests compare the two bit for bit.
    ///
    /// Why not exact integer sums (issue 15): an order-independent exact sum can give these bits only if no FMA of
    /// the chain rounds. The terms are products of centred doubles, x_k = fl(c − fl(ΣC/K)); unless the means are
    /// dyadic with few bits (ΣC/K with K's odd part dividing ΣC), x_k carries ≈ 53 significant bits, a product
    /// ≈ 106, and the first FMA already rounds. The uncentred Σ c_E(k)·c_I(k+l) are exact integers, but ρ formed
    /// from them in closed form (as the sparse path does) agrees with this chain only to rounding.
    public static func crossCorrelation(e: UnsafeBufferPointer<Int32>, i: UnsafeBufferPointer<Int32>,
                                        maxLag: Int, moments m: CountMoments) -> [Double]? {
        let n = e.count
        let lag = min(maxLag, n - 1)
        guard lag >= 0, n > 0 else { return nil }
        let ve = m.varianceE, vi = m.varianceI
        guard ve > 0, vi > 0 else { return nil }
        let meanE = Double(m.sumE) / Double(n), meanI = Double(m.sumI) / Double(n)
        // 512 bins per block: x (4 KB) and y (4.4 KB) stay in L1 across the 9 sweeps of the 41 lags; 2048 (32 KB of
        // x and y) spilled to L2 (kernels-bench --hours 2 breakdown: 2048 0.073 s, 1024 0.063 s, 512 0.054 s,
        // 256 0.059 s). A multiple of 8, so lane q still holds the k ≡ q (mod 8): the order and the bits are unchanged.
        let block = 512
        let nl = 2 * lag + 1
        // lo[l]: lanes 0–3, hi[l]: lanes 4–7 of lag index l (lag l − L).
        let lo = UnsafeMutablePointer<SIMD4<Double>>.allocate(capacity: nl)
        let hi = UnsafeMutablePointer<SIMD4<Double>>.allocate(capacity: nl)
        lo.initialize(repeating: SIMD4<Double>(), count: nl); hi.initialize(repeating: SIMD4<Double>(), count: nl)
        let xp = UnsafeMutablePointer<Double>.allocate(capacity: block)
        let ylen = block + 2 * lag + 8
        let yp = UnsafeMutablePointer<Double>.allocate(capacity: ylen)
        defer { lo.deallocate(); hi.deallocate(); xp.deallocate(); yp.deallocate() }
        let pe = e.baseAddress!, pi = i.baseAddress!
        var start = 0
        while start < n {
            let len = min(block, n - start)
            let padded = (len + 7) / 8 * 8
            centre(pe + start, count: len, mean: meanE, into: xp)
            for j in len ..< padded { xp[j] = 0 }
            // y[start − L + j] for j in 0 ..< padded + 2L, zero outside [0, n).
            let total = padded + 2 * lag
            let j0 = min(max(0, lag - start), total), j1 = max(j0, min(total, n - start + lag))
            for j in 0 ..< j0 { yp[j] = 0 }
            centre(pi + (start - lag + j0), count: j1 - j0, mean: meanI, into: yp + j0)
            for j in j1 ..< total { yp[j] = 0 }
            for r in 0 ..< min(4, nl) {
                var l = r
                while l + 16 < nl {
                    crossCorrelationSweep5(xp, yp + l, padded: padded, lo: lo + l, hi: hi + l)
                    l += 20
                }
                while l < nl {
                    crossCorrelationSweep1(xp, yp + l, padded: padded, lo: lo + l, hi: hi + l)
                    l += 4
                }
            }
            start += len
        }
        let norm = Double(n) * ve.squareRoot() * vi.squareRoot()
        return (0 ..< nl).map { SIMD8<Double>(lowHalf: lo[$0], highHalf: hi[$0]).sum() / norm }
    }

    /// `out[j] = Double(c[j]) − mean` for j < count, 8 at a time (each lane rounds exactly as the scalar form).
    @inline(__always)
    static func centre(_ c: UnsafePointer<Int32>, count: Int, mean: Double, into out: UnsafeMutablePointer<Double>) {
        let mv = SIMD8<Double>(repeating: mean)
        let src = UnsafeRawPointer(c), dst = UnsafeMutableRawPointer(out)
        var j = 0
        while j + 8 <= count {
            let v = src.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Int32>.self)
            dst.storeBytes(of: SIMD8<Double>(v) - mv, toByteOffset: j * 8, as: SIMD8<Double>.self)
            j += 8
        }
        while j < count { out[j] = Double(c[j]) - mean; j += 1 }
    }

    /// Five lags l, l+4, l+8, l+12, l+16 over one block: `lo/hi[4g] ← fma(x[j…], y[j + 4g …], ·)`, with `y`
    /// already offset by l. The 4-wide load of y at j + 4g + 4 serves the upper half of lag l+4g and the lower
    /// half of lag l+4g+4.
    @inline(__always)
    static func crossCorrelationSweep5(_ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>, padded: Int,
                                       lo: UnsafeMutablePointer<SIMD4<Double>>,
                                       hi: UnsafeMutablePointer<SIMD4<Double>>) {
        var a0 = lo[0], b0 = hi[0], a1 = lo[4], b1 = hi[4], a2 = lo[8], b2 = hi[8]
        var a3 = lo[12], b3 = hi[12], a4 = lo[16], b4 = hi[16]
        let xr = UnsafeRawPointer(x), yr = UnsafeRawPointer(y)
        var j = 0
        while j < padded {
            let o = j * 8
            let x0 = xr.loadUnaligned(fromByteOffset: o, as: SIMD4<Double>.self)
            let x1 = xr.loadUnaligned(fromByteOffset: o + 32, as: SIMD4<Double>.self)
            let y0 = yr.loadUnaligned(fromByteOffset: o, as: SIMD4<Double>.self)
            a0.addProduct(x0, y0)
            let y1 = yr.loadUnaligned(fromByteOffset: o + 32, as: SIMD4<Double>.self)
            b0.addProduct(x1, y1); a1.addProduct(x0, y1)
            let y2 = yr.loadUnaligned(fromByteOffset: o + 64, as: SIMD4<Double>.self)
            b1.addProduct(x1, y2); a2.addProduct(x0, y2)
            let y3 = yr.loadUnaligned(fromByteOffset: o + 96, as: SIMD4<Double>.self)
            b2.addProduct(x1, y3); a3.addProduct(x0, y3)
            let y4 = yr.loadUnaligned(fromByteOffset: o + 128, as: SIMD4<Double>.self)
            b3.addProduct(x1, y4); a4.addProduct(x0, y4)
            let y5 = yr.loadUnaligned(fromByteOffset: o + 160, as: SIMD4<Double>.self)
            b4.addProduct(x1, y5)
            j += 8
        }
        lo[0] = a0; hi[0] = b0; lo[4] = a1; hi[4] = b1; lo[8] = a2; hi[8] = b2
        lo[12] = a3; hi[12] = b3; lo[16] = a4; hi[16] = b4
    }

    /// One lag over one block (`y` offset by the lag index).
    @inline(__always)
    static func crossCorrelationSweep1(_ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>, padded: Int,
                                       lo: UnsafeMutablePointer<SIMD4<Double>>,
                                       hi: UnsafeMutablePointer<SIMD4<Double>>) {
        var a = lo[0], b = hi[0]
        let xr = UnsafeRawPointer(x), yr = UnsafeRawPointer(y)
        var j = 0
        while j < padded {
            let o = j * 8
            a.addProduct(xr.loadUnaligned(fromByteOffset: o, as: SIMD4<Double>.self),
                         yr.loadUnaligned(fromByteOffset: o, as: SIMD4<Double>.self))
            b.addProduct(xr.loadUnaligned(fromByteOffset: o + 32, as: SIMD4<Double>.self),
                         yr.loadUnaligned(fromByteOffset: o + 32, as: SIMD4<Double>.self))
            j += 8
        }
        lo[0] = a; hi[0] = b
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
