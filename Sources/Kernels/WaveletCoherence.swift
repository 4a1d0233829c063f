import Foundation

/// Morlet wavelet transform and wavelet coherence (METHODS §6; Torrence & Compo 1998, Grinsted et al. 2004).
///
/// CWT by FFT: `W(s, n) = IFFT[ x̂(ω) ψ̂*(sω) ]`, `ψ̂(sω) = π^{−1/4} √(2πs/δt) e^{−(sω−ω₀)²/2}` for ω > 0,
/// ω₀ = 6; scale `s = (ω₀ + √(2 + ω₀²)) / (4π f)`. Coherence
/// `R²(f, t) = |S(W_xy/s)|² / (S(|W_x|²/s) S(|W_y|²/s))`, where S smooths in time with a Gaussian of sd s and
/// across scales with a boxcar of 0.6 octaves. The ridge is the frequency of maximum cross-wavelet power
/// |W_xy| at each time. Default frequencies: 48 log-spaced from 1 to 200 Hz. The transform is circular:
/// values within about one period of the ends are affected by the wrap (cone of influence).
///
/// A signal compared with many others (C(t) against every LFP channel) is transformed once with
/// `wavelet(_:rate:frequencies:omega0:)` and passed to `coherence(_:_:)` as a `Transform`.
public enum WaveletCoherence {
    public struct Result: Sendable, Equatable {
        public var frequencies: [Double]
        /// R², row-major frequencies × time, in [0, 1].
        public var coherence: [Double]
        /// Frequency (Hz) of maximum |W_xy| per time sample.
        public var ridge: [Double]
        /// Time-averaged R² per frequency.
        public var meanCoherence: [Double]
    }

    /// The Morlet CWT of one signal: `re`/`im` row-major frequencies × samples.
    public struct Transform: Sendable, Equatable {
        public var frequencies: [Double]
        /// Sampling rate, Hz.
        public var rate: Double
        public var omega0: Double
        /// Samples per row.
        public var count: Int
        public var re: [Double]
        public var im: [Double]
    }

    /// `count` log-spaced frequencies from `low` to `high` Hz.
    public static func logFrequencies(low: Double = 1, high: Double = 200, count: Int = 48) -> [Double] {
        guard count > 1 else { return [low] }
        return (0..<count).map { low * pow(high / low, Double($0) / Double(count - 1)) }
    }

    /// Morlet scale (s) for a Fourier frequency (Hz).
    public static func scale(frequency: Double, omega0: Double = 6) -> Double {
        (omega0 + (2 + omega0 * omega0).squareRoot()) / (4 * Double.pi * frequency)
    }

    /// CWT of `x` (mean removed) at `frequencies` (Hz), `rate` in Hz.
    public static func wavelet(_ x: [Double], rate: Double, frequencies: [Double], omega0: Double = 6) -> Transform {
        let n = x.count, dt = 1 / rate, m = frequencies.count
        var out = Transform(frequencies: frequencies, rate: rate, omega0: omega0, count: n,
                            re: [Double](repeating: 0, count: m * n), im: [Double](repeating: 0, count: m * n))
        guard n > 0 else { return out }
        let mean = x.reduce(0, +) / Double(n)
        var xr = x.map { $0 - mean }, xi = [Double](repeating: 0, count: n)
        ComplexFFT(length: n, forward: true).execute(re: &xr, im: &xi)
        let inverse = ComplexFFT(length: n, forward: false)
        var wr = [Double](repeating: 0, count: n), wi = wr
        for (fi, f) in frequencies.enumerated() {
            let s = scale(frequency: f, omega0: omega0)
            let norm = pow(Double.pi, -0.25) * (2 * Double.pi * s / dt).squareRoot() / Double(n)
            for k in 0..<n { wr[k] = 0; wi[k] = 0 }
            // ψ̂ is zero for ω ≤ 0 and underflows to exactly 0 when |sω − ω₀| > 40.
            if n > 1 {
                for k in 1...(n / 2) {
                    let d = s * 2 * Double.pi * Double(k) / (Double(n) * dt) - omega0
                    guard abs(d) <= 40 else { continue }
                    let psi = norm * exp(-0.5 * d * d)
                    wr[k] = xr[k] * psi; wi[k] = xi[k] * psi
                }
            }
            inverse.execute(re: &wr, im: &wi)
            out.re.withUnsafeMutableBufferPointer { r in
                out.im.withUnsafeMutableBufferPointer { i in
                    for t in 0..<n { r[fi * n + t] = wr[t]; i[fi * n + t] = wi[t] }
                }
            }
        }
        return out
    }

    /// CWT of `x` at `frequencies`: (re, im), each row-major frequencies × samples.
    public static func transform(_ x: [Double], rate: Double, frequencies: [Double], omega0: Double = 6)
        -> (re: [Double], im: [Double]) {
        let t = wavelet(x, rate: rate, frequencies: frequencies, omega0: omega0)
        return (t.re, t.im)
    }

    /// Coherence of `x` and `y` (same rate; the shorter length is used). Nil when shorter than 4 samples.
    public static func coherence(_ x: [Double], _ y: [Double], rate: Double,
                                 frequencies: [Double] = logFrequencies(), omega0: Double = 6) -> Result? {
        let n = min(x.count, y.count)
        guard n >= 4, !frequencies.isEmpty else { return nil }
        return coherence(wavelet(Array(x.prefix(n)), rate: rate, frequencies: frequencies, omega0: omega0),
                         wavelet(Array(y.prefix(n)), rate: rate, frequencies: frequencies, omega0: omega0))
    }

    /// Coherence of two transforms made with the same frequencies, rate, ω₀ and length. Nil when shorter than
    /// 4 samples or when they differ.
    public static func coherence(_ a: Transform, _ b: Transform) -> Result? {
        let n = a.count, m = a.frequencies.count, rate = a.rate
        guard n >= 4, m > 0, b.count == n, b.frequencies == a.frequencies, b.rate == rate,
              b.omega0 == a.omega0 else { return nil }
        var sxx = [Double](repeating: 0, count: m * n), syy = sxx, cr = sxx, ci = sxx
        var ridge = [Double](repeating: .nan, count: n), best = [Double](repeating: -1, count: n)
        var px = [Double](repeating: 0, count: n), py = px, qr = px, qi = px
        let smoother = GaussianSmoother(length: n)
        for fi in 0..<m {
            let s = scale(frequency: a.frequencies[fi], omega0: a.omega0)
            for t in 0..<n {
                let o = fi * n + t
                let (ar, ai, br, bi) = (a.re[o], a.im[o], b.re[o], b.im[o])
                px[t] = (ar * ar + ai * ai) / s; py[t] = (br * br + bi * bi) / s
                qr[t] = (ar * br + ai * bi) / s; qi[t] = (ai * br - ar * bi) / s
                let cp = (qr[t] * qr[t] + qi[t] * qi[t]).squareRoot() * s
                if cp > best[t] { best[t] = cp; ridge[t] = a.frequencies[fi] }
            }
            // The Gaussian is real and even, so two real series smooth together as one complex series.
            smoother.smooth(&px, &py, sigmaSamples: s * rate)
            smoother.smooth(&qr, &qi, sigmaSamples: s * rate)
            for t in 0..<n { sxx[fi * n + t] = px[t]; syy[fi * n + t] = py[t]; cr[fi * n + t] = qr[t]; ci[fi * n + t] = qi[t] }
        }
        // Boxcar of 0.6 octaves across scales.
        let octaves = m > 1 ? log2(a.frequencies[m - 1] / a.frequencies[0]) / Double(m - 1) : 1
        let half = max(0, Int((0.6 / octaves / 2).rounded()))
        func smoothScale(_ v: [Double]) -> [Double] {
            guard half > 0 else { return v }
            var out = [Double](repeating: 0, count: v.count)
            for fi in 0..<m {
                let lo = max(0, fi - half), hi = min(m - 1, fi + half)
                let w = 1 / Double(hi - lo + 1)
                for g in lo...hi { for t in 0..<n { out[fi * n + t] += w * v[g * n + t] } }
            }
            return out
        }
        sxx = smoothScale(sxx); syy = smoothScale(syy); cr = smoothScale(cr); ci = smoothScale(ci)
        var coh = [Double](repeating: .nan, count: m * n), meanC = [Double](repeating: .nan, count: m)
        for fi in 0..<m {
            var acc = 0.0, cnt = 0
            for t in 0..<n {
                let o = fi * n + t, den = sxx[o] * syy[o]
                if den > 0 { coh[o] = min(1, (cr[o] * cr[o] + ci[o] * ci[o]) / den); acc += coh[o]; cnt += 1 }
            }
            if cnt > 0 { meanC[fi] = acc / Double(cnt) }
        }
        return Result(frequencies: a.frequencies, coherence: coh, ridge: ridge, meanCoherence: meanC)
    }
}

/// Circular Gaussian smoothing in time by FFT, with plans reused across calls of one length.
final class GaussianSmoother {
    let length: Int
    private let forward: ComplexFFT, inverse: ComplexFFT

    init(length: Int) {
        self.length = length
        forward = ComplexFFT(length: length, forward: true)
        inverse = ComplexFFT(length: length, forward: false)
    }

    /// Smooths the real series `u` and `v` (each `length` long) with a Gaussian of sd `sigmaSamples`.
    func smooth(_ u: inout [Double], _ v: inout [Double], sigmaSamples: Double) {
        let n = length
        guard n > 1, sigmaSamples > 0 else { return }
        forward.execute(re: &u, im: &v)
        for k in 0..<n {
            let kk = Double(k <= n / 2 ? k : k - n)
            let w = 2 * Double.pi * kk / Double(n)
            let g = exp(-0.5 * sigmaSamples * sigmaSamples * w * w) / Double(n)
            u[k] *= g; v[k] *= g
        }
        inverse.execute(re: &u, im: &v)
    }
}
