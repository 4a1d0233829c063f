import Foundation
import Kernels
import XCTest

/// METHODS §6: synaptic current estimate, cumulative balance, wavelet coherence.
final class SeizureKernelTests: XCTestCase {
    func testSingleSpikeGivesExponentialKernel() {
        let c = SynapticCurrent.estimate(excitatory: [[0.0123]], inhibitory: [], start: 0, count: 100)
        for k in 0..<100 {
            let t = Double(k) * 0.001
            XCTAssertEqual(c[k], t >= 0.0123 ? exp(-(t - 0.0123) / 0.005) : 0, accuracy: 1e-12)
        }
        let i = SynapticCurrent.estimate(excitatory: [], inhibitory: [[0.02]], start: 0, count: 60)
        XCTAssertEqual(i[20], -1, accuracy: 1e-12)
        XCTAssertEqual(i[50], -exp(-3), accuracy: 1e-12)
    }

    func testRecursionEqualsDirectSum() {
        var rng = LFPRandom(seed: 4)
        let e = [rng.poissonTrain(rate: 80, duration: 2), rng.poissonTrain(rate: 50, duration: 2)]
        let i = [rng.poissonTrain(rate: 120, duration: 2)]
        let c = SynapticCurrent.estimate(excitatory: e, inhibitory: i, start: 0, count: 2000)
        for k in stride(from: 0, to: 2000, by: 37) {
            let t = Double(k) * 0.001
            var d = 0.0
            for s in e.joined() where s <= t { d += exp(-(t - s) / 0.005) }
            for s in i.joined() where s <= t { d -= exp(-(t - s) / 0.010) }
            XCTAssertEqual(c[k], d, accuracy: 1e-9)
        }
    }

    func testCumulativeBalanceRecovery() throws {
        // Balanced before (E = I + 0.1 ± 0.5 alternating), seizure 10 bins with E − I = +2 (D grows by 1.9 per bin), then 5 bins of −3.7 (D falls by 3.8 per bin).
        var e = [Double](), i = [Double]()
        var rng = LFPRandom(seed: 8)
        for k in 0..<100 {
            let base = 5 + 0.05 * rng.normal()
            var d = 0.1
            if (50..<60).contains(k) { d = 2 } else if (60..<65).contains(k) { d = -3.7 }
            e.append(base + d + (k % 2 == 0 ? 0.5 : -0.5)); i.append(base)
        }
        let r = try XCTUnwrap(CumulativeBalance.analyze(e: e, i: i, binWidth: 1, preictal: 0..<50, ictal: 50..<60))
        XCTAssertEqual(r.slope, 0.1, accuracy: 0.01)
        XCTAssertEqual(r.maxIctalDeviation, 19, accuracy: 0.6)
        // After 5 bins D is back at ≈ 0: recovery at the 5th post-ictal bin.
        XCTAssertEqual(try XCTUnwrap(r.recoveryTime), 5, accuracy: 1)
    }

    func testCoherenceOfRelatedSignalsAndRidge() throws {
        let rate = 500.0, n = 4000
        var rng = LFPRandom(seed: 9)
        let f0 = 40.0
        let s = (0..<n).map { sin(2 * Double.pi * f0 * Double($0) / rate) }
        let x = s.map { $0 + 0.3 * rng.normal() }
        let y = s.map { 0.5 * $0 + 0.3 * rng.normal() }
        let z = (0..<n).map { _ in rng.normal() }
        let freqs = WaveletCoherence.logFrequencies(low: 5, high: 120, count: 30)
        let r = try XCTUnwrap(WaveletCoherence.coherence(x, y, rate: rate, frequencies: freqs))
        let nearest = freqs.indices.min { abs(freqs[$0] - f0) < abs(freqs[$1] - f0) }!
        XCTAssertGreaterThan(r.meanCoherence[nearest], 0.9)
        let u = try XCTUnwrap(WaveletCoherence.coherence(x, z, rate: rate, frequencies: freqs))
        XCTAssertLessThan(u.meanCoherence[nearest], 0.5)
        // Ridge sits at the shared tone away from the edges.
        let mid = r.ridge[500..<3500]
        XCTAssertEqual(mid.reduce(0, +) / Double(mid.count), f0, accuracy: f0 * 0.12)
        // Identical signals: coherence 1 everywhere.
        let same = try XCTUnwrap(WaveletCoherence.coherence(x, x, rate: rate, frequencies: freqs))
        XCTAssertEqual(same.coherence.filter(\.isFinite).min()!, 1, accuracy: 1e-9)
    }
}
