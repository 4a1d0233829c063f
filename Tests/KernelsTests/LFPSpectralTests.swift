import Foundation
import Kernels
import XCTest

/// METHODS §9: Welch PSD, aperiodic exponent, band envelope, DFA — closed forms and Python references.
final class LFPSpectralTests: XCTestCase {
    /// AR(1) coloured noise plus a 10 Hz oscillation, deterministic.
    func signal(n: Int, rate: Double, seed: UInt64) -> [Double] {
        var rng = LFPRandom(seed: seed)
        var x = [Double](repeating: 0, count: n), a = 0.0
        for i in 0..<n {
            a = 0.95 * a + rng.normal()
            x[i] = a + 2 * sin(2 * Double.pi * 10 * Double(i) / rate)
        }
        return x
    }

    func testWelchMatchesScipy() throws {
        for (n, nperseg, noverlap) in [(5000, 512, 256), (4097, 347, 173), (3001, 400, 0)] {
            let x = signal(n: n, rate: 173.61, seed: UInt64(n))
            let s = try XCTUnwrap(Welch.psd(x, rate: 173.61, segmentLength: nperseg, overlap: noverlap))
            let ref = try LFPPython.run("welch", ["x": x, "fs": 173.61, "nperseg": nperseg, "noverlap": noverlap])
            let f = ref["f"] as! [Double], p = ref["p"] as! [Double]
            XCTAssertEqual(f.count, s.frequencies.count)
            for k in 0..<min(p.count, s.power.count) {
                XCTAssertEqual(s.frequencies[k], f[k], accuracy: 1e-12 * max(1, f[k]))
                XCTAssertEqual(s.power[k], p[k], accuracy: 1e-9 * abs(p[k]), "bin \(k) of nperseg \(nperseg)")
            }
        }
    }

    func testWelchParsevalWhiteNoise() throws {
        // White noise of variance σ² has a one-sided density 2σ²/fs.
        var rng = LFPRandom(seed: 7)
        let x = (0..<200_000).map { _ in 3 * rng.normal() }
        let s = try XCTUnwrap(Welch.psd(x, rate: 1000, segmentLength: 2000, overlap: 1000))
        let mid = s.power[10..<990]
        XCTAssertEqual(mid.reduce(0, +) / Double(mid.count), 2 * 9 / 1000.0, accuracy: 0.02 * 0.018)
    }

    /// A synthetic 1/f^χ spectrum (exact, no noise) recovers χ with both estimators.
    func testSyntheticPowerLawSpectrumRecoversExponent() throws {
        let f = (0...400).map { Double($0) * 0.5 }
        for chi in [1.0, 2.0, 3.3] {
            let p = f.map { $0 > 0 ? pow(10, 1.5) / pow($0, chi) : 1 }
            let b = try XCTUnwrap(AperiodicFit.band(frequencies: f, power: p, range: 30...50))
            XCTAssertEqual(b.exponent, chi, accuracy: 1e-10)
            XCTAssertEqual(b.offset, 1.5, accuracy: 1e-9)
            // With an added alpha peak, the specparam fit still recovers χ.
            let pk = f.indices.map { p[$0] * pow(10, 0.8 * exp(-pow(f[$0] - 10, 2) / (2 * 1.5 * 1.5))) }
            let s = try XCTUnwrap(AperiodicFit.specparamFixed(frequencies: f, power: pk, range: 1...40))
            XCTAssertEqual(s.exponent, chi, accuracy: 0.01)
            XCTAssertEqual(s.peaks.count, 1)
            XCTAssertEqual(s.peaks.first?.center ?? 0, 10, accuracy: 0.2)
        }
    }

    func testSpecparamFixedMatchesFooof() throws {
        var rng = LFPRandom(seed: 99)
        let f = (0...200).map { Double($0) * 0.5 }
        var spectra: [[Double]] = []
        for trial in 0..<6 {
            let chi = 0.8 + 0.4 * Double(trial)
            let peakF = 8 + 3 * Double(trial), beta = 18 + 2 * Double(trial)
            spectra.append(f.map { x -> Double in
                guard x > 0 else { return 1 }
                let lg = 2 - chi * log10(x) + 0.6 * exp(-pow(x - peakF, 2) / 2) + 0.3 * exp(-pow(x - beta, 2) / 8)
                return pow(10, lg + 0.05 * rng.normal())
            })
        }
        let ref = try LFPPython.run("fooof", ["f": f, "spectra": spectra, "lo": 1.0, "hi": 40.0])
        let exps = try XCTUnwrap(ref["exponents"] as? [Double])
        for (k, p) in spectra.enumerated() {
            let mine = try XCTUnwrap(AperiodicFit.specparamFixed(frequencies: f, power: p, range: 1...40))
            XCTAssertEqual(mine.exponent, exps[k], accuracy: 0.05, "trial \(k)")
        }
        // Same on a Welch spectrum of a simulated signal.
        let x = signal(n: 60_000, rate: 500, seed: 3)
        let s = try XCTUnwrap(Welch.psd(x, rate: 500, segmentLength: 1000, overlap: 500))
        let mine = try XCTUnwrap(AperiodicFit.specparamFixed(frequencies: s.frequencies, power: s.power, range: 1...40))
        let r2 = try LFPPython.run("fooof", ["f": s.frequencies, "spectra": [s.power], "lo": 1.0, "hi": 40.0])
        XCTAssertEqual(mine.exponent, try XCTUnwrap((r2["exponents"] as? [Double])?.first), accuracy: 0.05)
        // Random-walk spectra: many small noise peaks pass the 2 sd threshold, so the joint peak fit matters.
        var rng2 = LFPRandom(seed: 21)
        var walks: [[Double]] = []
        for _ in 0..<3 {
            var a = 0.0
            let w = (0..<40_000).map { _ -> Double in a += rng2.normal(); return a }
            walks.append(try XCTUnwrap(Welch.psd(w, rate: 500, segmentLength: 1000, overlap: 500)).power)
        }
        let fw = try XCTUnwrap(Welch.psd([Double](repeating: 0, count: 1000), rate: 500, segmentLength: 1000, overlap: 500)).frequencies
        let r3 = try LFPPython.run("fooof", ["f": fw, "spectra": walks, "lo": 1.0, "hi": 40.0])
        let e3 = try XCTUnwrap(r3["exponents"] as? [Double])
        for (k, p) in walks.enumerated() {
            let m = try XCTUnwrap(AperiodicFit.specparamFixed(frequencies: fw, power: p, range: 1...40))
            XCTAssertEqual(m.exponent, e3[k], accuracy: 0.05, "random walk \(k)")
        }
    }

    func testDFAClosedForms() throws {
        var rng = LFPRandom(seed: 11)
        let white = (0..<20_000).map { _ in rng.normal() }
        var walk = white
        for i in 1..<walk.count { walk[i] += walk[i - 1] }
        let w = DFA.logWindows(minimum: 10, maximum: 2000, count: 20)
        XCTAssertEqual(try XCTUnwrap(DFA.exponent(white, windows: w)).exponent, 0.5, accuracy: 0.05)
        XCTAssertEqual(try XCTUnwrap(DFA.exponent(walk, windows: w)).exponent, 1.5, accuracy: 0.07)
    }

    func testDFAMatchesNolds() throws {
        var rng = LFPRandom(seed: 12)
        let white = (0..<8000).map { _ in rng.normal() }
        let env = BandPass.envelope(signal(n: 8000, rate: 200, seed: 5), rate: 200, low: 8, high: 13)
        var walk = white
        for i in 1..<walk.count { walk[i] += walk[i - 1] }
        let nvals = DFA.logWindows(minimum: 16, maximum: 800, count: 15)
        for (name, x) in [("white", white), ("envelope", env), ("walk", walk)] {
            for overlap in [true, false] {
                let mine = try XCTUnwrap(DFA.exponent(x, windows: nvals, overlap: overlap)).exponent
                let ref = try LFPPython.run("dfa", ["x": x, "nvals": nvals, "overlap": overlap])
                XCTAssertEqual(mine, ref["alpha"] as! Double, accuracy: 0.02, "\(name) overlap \(overlap)")
            }
        }
    }

    func testBandEnvelopeOfAmplitudeModulatedSine() {
        // x = (2 + cos(2π·0.5 t)) sin(2π·10 t): the 8–13 Hz envelope is 2 + cos(2π·0.5 t).
        let rate = 250.0, n = 5000
        let x = (0..<n).map { i -> Double in
            let t = Double(i) / rate
            return (2 + cos(2 * Double.pi * 0.5 * t)) * sin(2 * Double.pi * 10 * t)
        }
        let e = BandPass.envelope(x, rate: rate, low: 8, high: 13)
        for i in stride(from: 0, to: n, by: 97) {
            let t = Double(i) / rate
            XCTAssertEqual(e[i], 2 + cos(2 * Double.pi * 0.5 * t), accuracy: 1e-6)
        }
        // A 30 Hz tone is rejected.
        let y = (0..<n).map { sin(2 * Double.pi * 30 * Double($0) / rate) }
        XCTAssertLessThan(BandPass.filter(y, rate: rate, low: 8, high: 13).map(abs).max()!, 1e-9)
    }
}
