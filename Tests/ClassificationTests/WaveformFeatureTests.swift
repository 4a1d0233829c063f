import Classification
import Foundation
import XCTest

final class WaveformFeatureTests: XCTestCase {
    func testGaussianTroughHalfWidthIsFWHM() throws {
        // A pure Gaussian trough on a zero baseline: half-width = 2·sqrt(2 ln 2)·σ.
        for sigma in [0.00008, 0.00015, 0.0003] {
            let w = syntheticWaveform(samples: 120, t0: 0.002, troughSD: sigma, peakRatio: 0)
            let f = try waveformFeatures(samples: w, samplingRate: 30_000)
            XCTAssertEqual(f.halfWidthMs!, 2 * (2 * log(2)).squareRoot() * sigma * 1000, accuracy: 0.004, "σ = \(sigma)")
            XCTAssertEqual(f.troughAmplitude, 100e-6, accuracy: 1e-7)
        }
    }

    func testTroughToPeakMatchesDenseAnalyticWaveform() throws {
        for (delay, sd) in [(0.0003, 0.0002), (0.0006, 0.0003), (0.0009, 0.0004)] {
            let w = syntheticWaveform(samples: 60, rate: 30_000, t0: 0.0008, troughSD: 0.0001, peakDelay: delay, peakSD: sd)
            // The analytic waveform on a 0.1 µs grid gives the true trough-to-peak.
            let dense = syntheticWaveform(samples: 20_000, rate: 10_000_000, t0: 0.0008, troughSD: 0.0001,
                                          peakDelay: delay, peakSD: sd)
            let it = dense.indices.min { dense[$0] < dense[$1] }!
            let ip = dense[it...].indices.max { dense[$0] < dense[$1] }!
            let truth = Double(ip - it) * 1e-4  // ms
            let f = try waveformFeatures(samples: w, samplingRate: 30_000)
            XCTAssertEqual(f.troughToPeakMs, truth, accuracy: 0.01, "delay \(delay)")
        }
    }

    func testPolarityAndErrors() throws {
        let neg = syntheticWaveform()
        XCTAssertFalse(try waveformFeatures(samples: neg, samplingRate: 30_000).isPositivePolarity())
        // Inverted: a positive spike with a small negative after-dip.
        let pos = neg.map { -$0 }
        XCTAssertTrue(try waveformFeatures(samples: pos, samplingRate: 30_000).isPositivePolarity())
        XCTAssertThrowsError(try waveformFeatures(samples: [0, 1, 2], samplingRate: 30_000))
        XCTAssertThrowsError(try waveformFeatures(samples: [0, 1, .nan, 2], samplingRate: 30_000))
        XCTAssertThrowsError(try waveformFeatures(samples: [3, 2, 1, 0], samplingRate: 30_000)) { e in
            XCTAssertEqual(e as? WaveformFeatureError, .troughAtEnd)
        }
        XCTAssertThrowsError(try waveformFeatures(samples: neg, samplingRate: 0))
    }

    func testMatchesIndependentPythonReference() throws {
        var waveforms: [[Double]] = []
        var g = SplitMixTest(7)
        for _ in 0..<40 {
            let w = syntheticWaveform(samples: 32, rate: 20_000, t0: 0.0006 + 0.0002 * g.unit(),
                                      troughSD: 0.00006 + 0.00015 * g.unit(), peakDelay: 0.0002 + 0.0007 * g.unit(),
                                      peakSD: 0.0001 + 0.0003 * g.unit(), peakRatio: 0.1 + 0.5 * g.unit())
            waveforms.append(w.map { $0 + 3e-6 * (g.unit() - 0.5) })
        }
        let spec = try JSONSerialization.data(withJSONObject: ["fs": 20_000.0, "waveforms": waveforms])
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cls-wf-\(getpid()).json")
        try spec.write(to: path)
        defer { try? FileManager.default.removeItem(at: path) }
        guard let ref = try pythonReference(["waveform", path.path]) as? [[String: Any]] else {
            return XCTFail("bad reference output")
        }
        for (w, r) in zip(waveforms, ref) {
            let f = try waveformFeatures(samples: w, samplingRate: 20_000)
            XCTAssertEqual(f.troughToPeakMs, r["ttp"] as! Double, accuracy: 1e-9)
            if let hw = r["hw"] as? Double { XCTAssertEqual(f.halfWidthMs!, hw, accuracy: 1e-9) } else { XCTAssertNil(f.halfWidthMs) }
            XCTAssertEqual(f.baseline, r["baseline"] as! Double, accuracy: 1e-15)
        }
    }
}
