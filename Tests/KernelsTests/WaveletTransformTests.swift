import Foundation
import Kernels
import XCTest

/// The Morlet CWT against its closed form, and the reusable-transform path against the one-call path.
final class WaveletTransformTests: XCTestCase {
    /// A cosine on an FFT bin: x̂ has n/2 at ±ω, so |W(s, t)| = ½ π^{−1/4} √(2πs/δt) e^{−(sω−ω₀)²/2} at every t.
    func testTransformOfATuneMatchesTheClosedForm() {
        let rate = 500.0, n = 5000
        let f0 = 25.0   // 250 cycles in n samples: exactly on bin 250
        let x = (0..<n).map { cos(2 * Double.pi * f0 * Double($0) / rate) }
        let freqs = [10.0, 20.0, 25.0, 31.0, 60.0]
        let w = WaveletCoherence.wavelet(x, rate: rate, frequencies: freqs)
        for (fi, f) in freqs.enumerated() {
            let s = WaveletCoherence.scale(frequency: f)
            let d = s * 2 * Double.pi * f0 - 6
            let expected = 0.5 * pow(Double.pi, -0.25) * (2 * Double.pi * s * rate).squareRoot() * exp(-0.5 * d * d)
            for t in stride(from: 0, to: n, by: 397) {
                let o = fi * n + t
                let mag = (w.re[o] * w.re[o] + w.im[o] * w.im[o]).squareRoot()
                XCTAssertEqual(mag, expected, accuracy: 1e-9 * max(1, expected), "f = \(f) Hz, t = \(t)")
            }
        }
    }

    /// Transforming C(t) once and reusing it for every channel gives the same coherence as one call per pair.
    func testReusedTransformEqualsOneCall() throws {
        let rate = 250.0, n = 3000
        var rng = Xoshiro256StarStar(seed: 17)
        let x = (0..<n).map { sin(2 * Double.pi * 12 * Double($0) / rate) + rng.nextUnit() - 0.5 }
        let freqs = WaveletCoherence.logFrequencies(low: 2, high: 80, count: 20)
        let wx = WaveletCoherence.wavelet(x, rate: rate, frequencies: freqs)
        for c in 0..<3 {
            let y = x.map { 0.3 * Double(c + 1) * $0 + rng.nextUnit() - 0.5 }
            let a = try XCTUnwrap(WaveletCoherence.coherence(x, y, rate: rate, frequencies: freqs))
            let b = try XCTUnwrap(WaveletCoherence.coherence(wx, WaveletCoherence.wavelet(y, rate: rate, frequencies: freqs)))
            XCTAssertEqual(a, b)
        }
        // Mismatched transforms are refused, not silently combined.
        let other = WaveletCoherence.wavelet(Array(x.prefix(n - 1)), rate: rate, frequencies: freqs)
        XCTAssertNil(WaveletCoherence.coherence(wx, other))
    }
}
