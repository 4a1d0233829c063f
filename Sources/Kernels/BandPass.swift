import Foundation

/// Zero-phase FFT band-pass and analytic (Hilbert) band envelope, used by the DFA of the alpha-band
/// amplitude envelope (METHODS §9) and by the wavelet kernels.
///
/// The filter gain is 1 inside `[low, high]` Hz, falls to 0 over `transition` Hz on each side with a raised-cosine
/// edge, and is applied to the whole (circular) signal in one FFTW transform: no phase shift, edge effects
/// confined to about 1/transition seconds at each end.
public enum BandPass {
    /// Gain of the band-pass at frequency `f` (Hz, ≥ 0).
    @inlinable
    public static func gain(_ f: Double, low: Double, high: Double, transition: Double) -> Double {
        if f >= low && f <= high { return 1 }
        let d = f < low ? low - f : f - high
        if transition <= 0 || d >= transition { return 0 }
        return 0.5 * (1 + cos(Double.pi * d / transition))
    }

    /// The band-passed real signal.
    public static func filter(_ x: [Double], rate: Double, low: Double, high: Double,
                              transition: Double = 1) -> [Double] {
        analytic(x, rate: rate, low: low, high: high, transition: transition, analyticSignal: false).re
    }

    /// The amplitude envelope |x_a(t)| of the band-passed analytic signal, same length as `x`.
    public static func envelope(_ x: [Double], rate: Double, low: Double, high: Double,
                                transition: Double = 1) -> [Double] {
        let (re, im) = analytic(x, rate: rate, low: low, high: high, transition: transition, analyticSignal: true)
        return zip(re, im).map { ($0 * $0 + $1 * $1).squareRoot() }
    }

    /// Band-passed signal (`analyticSignal == false`, imaginary part zero) or its analytic signal.
    public static func analytic(_ x: [Double], rate: Double, low: Double, high: Double, transition: Double,
                                analyticSignal: Bool) -> (re: [Double], im: [Double]) {
        let n = x.count
        guard n > 1 else { return (x, [Double](repeating: 0, count: n)) }
        var re = x, im = [Double](repeating: 0, count: n)
        FFT.complex(re: &re, im: &im, forward: true)
        for k in 0..<n {
            // Signed frequency of bin k.
            let kk = k <= n / 2 ? k : k - n
            let f = abs(Double(kk)) * rate / Double(n)
            var g = gain(f, low: low, high: high, transition: transition)
            if analyticSignal {
                if kk < 0 || (n % 2 == 0 && k == n / 2) { g = kk < 0 ? 0 : g }
                else if kk > 0 { g *= 2 }
            }
            re[k] *= g / Double(n); im[k] *= g / Double(n)
        }
        FFT.complex(re: &re, im: &im, forward: false)
        if !analyticSignal { for i in 0..<n { im[i] = 0 } }
        return (re, im)
    }
}
