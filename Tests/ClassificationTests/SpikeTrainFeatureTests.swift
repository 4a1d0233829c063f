import Classification
import Foundation
import XCTest

final class SpikeTrainFeatureTests: XCTestCase {
    func testRegularTrain() {
        let t = (0..<200).map { Double($0) * 0.1 + 0.05 }  // 10 Hz, 20 s
        let f = spikeTrainFeatures(t, duration: 20)
        XCTAssertEqual(f.firingRateHz, 10, accuracy: 1e-12)
        XCTAssertEqual(f.isiCV!, 0, accuracy: 1e-9)
        XCTAssertEqual(f.burstIndex!, 0)
        XCTAssertNil(f.acgPeakMs)  // no lag below 50 ms
    }

    func testBurstsAndAutocorrelogramPeak() {
        // Doublets 4.3 ms apart every 100 ms: half the ISIs are bursts, ACG peaks in the 4–5 ms bin.
        var t: [Double] = []
        for k in 0..<100 { t.append(Double(k) * 0.1); t.append(Double(k) * 0.1 + 0.0043) }
        let f = spikeTrainFeatures(t, duration: 10)
        XCTAssertEqual(f.burstIndex!, 100.0 / 199.0, accuracy: 1e-12)
        XCTAssertEqual(f.acgPeakMs!, 4.5, accuracy: 1e-12)
    }

    func testPoissonCVNearOne() {
        let t = poissonTrain(rate: 20, duration: 2000, seed: 3)
        let f = spikeTrainFeatures(t, duration: 2000)
        XCTAssertEqual(f.isiCV!, 1, accuracy: 0.02)
        XCTAssertEqual(f.burstIndex!, 1 - exp(-20 * 0.006), accuracy: 0.005)
    }

    func testMatchesPythonReference() throws {
        var trains: [[Double]] = []
        for s in 0..<6 {
            var t = poissonTrain(rate: 5 + 10 * Double(s), duration: 60, seed: UInt64(100 + s))
            // Add bursts to half the trains.
            if s % 2 == 0 { t = (t + t.map { $0 + 0.003 }).sorted() }
            trains.append(t)
        }
        let spec = try JSONSerialization.data(withJSONObject: ["duration": 60.0, "trains": trains])
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cls-st-\(getpid()).json")
        try spec.write(to: path)
        defer { try? FileManager.default.removeItem(at: path) }
        guard let ref = try pythonReference(["trainstats", path.path]) as? [[String: Any]] else {
            return XCTFail("bad reference output")
        }
        for (t, r) in zip(trains, ref) {
            let f = spikeTrainFeatures(t, duration: 60)
            XCTAssertEqual(f.firingRateHz, r["rate"] as! Double, accuracy: 1e-12)
            XCTAssertEqual(f.isiCV!, r["cv"] as! Double, accuracy: 1e-9)
            XCTAssertEqual(f.burstIndex!, r["burst"] as! Double, accuracy: 1e-12)
            XCTAssertEqual(f.acgPeakMs!, r["acg"] as! Double, accuracy: 1e-9)
        }
    }
}
