import XCTest
import Simulation

/// Network statistics of each regime (issue 6): plausible rates, irregular wake firing, Up/Down states in deep
/// NREM, hypersynchrony in the seizure, delayed inhibition under external drive.
final class NetworkStatisticsTests: XCTestCase {
    var stats: [String: StateStatistics] { Fixtures.allStatesStatistics }

    func testWakeRatesArePlausibleAndInhibitoryCellsFireFaster() throws {
        let w = try XCTUnwrap(stats["wake"])
        XCTAssert((1...10).contains(w.rateE), "wake E rate \(w.rateE) Hz not a few Hz")
        XCTAssert(w.rateI > 1.5 * w.rateE, "wake I rate \(w.rateI) Hz not above E rate \(w.rateE) Hz")
        XCTAssert(w.rateI < 40, "wake I rate \(w.rateI) Hz")
        for state in ["nrem_light", "rem", "preictal"] {
            let s = try XCTUnwrap(stats[state])
            XCTAssert((0.5...15).contains(s.rateE), "\(state) E rate \(s.rateE)")
            XCTAssert(s.rateI > s.rateE, "\(state) I rate \(s.rateI) ≤ E rate \(s.rateE)")
        }
    }

    func testWakeIsAsynchronousIrregular() throws {
        let w = try XCTUnwrap(stats["wake"])
        XCTAssert((0.75...1.3).contains(w.medianCVE), "wake ISI CV \(w.medianCVE) not near 1")
        XCTAssertLessThan(w.silentFraction, 0.02, "wake has silent 50-ms windows")
    }

    func testDeepNREMHasUpAndDownStates() throws {
        let d = try XCTUnwrap(stats["nrem_deep"]), w = try XCTUnwrap(stats["wake"])
        // Bimodal population rate: many near-silent (Down) windows, and the rest well above the mean (Up).
        XCTAssertGreaterThan(d.silentFraction, 0.3, "deep NREM silent fraction \(d.silentFraction)")
        XCTAssertGreaterThan(d.silentFraction, w.silentFraction + 0.25)
        XCTAssertGreaterThan(d.synchrony, 10 * w.synchrony, "Up/Down alternation should dominate the variance")
        let light = try XCTUnwrap(stats["nrem_light"])
        XCTAssert(light.synchrony > w.synchrony && light.synchrony < d.synchrony,
                  "light NREM synchrony \(light.synchrony) not between wake \(w.synchrony) and deep \(d.synchrony)")
    }

    func testIctalIsHypersynchronousAndPostictalSuppressed() throws {
        let i = try XCTUnwrap(stats["ictal"]), w = try XCTUnwrap(stats["wake"]), pre = try XCTUnwrap(stats["preictal"])
        let post = try XCTUnwrap(stats["postictal"])
        XCTAssertGreaterThan(i.synchrony, 50 * w.synchrony, "ictal population variance not far above wake")
        XCTAssertGreaterThan(i.rateE, 3 * w.rateE, "ictal E rate \(i.rateE)")
        // E dominates I in the seizure: the E/I rate ratio rises above its wake value.
        XCTAssertGreaterThan(i.rateE / i.rateI, 2 * w.rateE / w.rateI)
        XCTAssertLessThan(post.rateE, 0.5 * pre.rateE, "postictal E rate \(post.rateE) not suppressed")
    }

    func testEIPopulationCrossCorrelationPeaksAtZeroInWakeAndLagsUnderDrive() {
        let wake = Fixtures.populationCrossCorrelation(Fixtures.allStates, state: .wake)
        XCTAssertEqual(wake.lagMs, 0, "wake E–I peak lag")
        XCTAssertGreaterThan(wake.peak, 0.4)
        let driven = Fixtures.populationCrossCorrelation(Fixtures.allStates, state: .driven)
        XCTAssert((15...60).contains(driven.lagMs), "driven E–I peak lag \(driven.lagMs) ms (I should follow E)")
    }

    func testScheduleCoversTheSessionInCanonicalOrder() {
        let s = Fixtures.allStates.schedule
        XCTAssertEqual(s.map(\.regime), SessionSchedule.canonicalOrder)
        XCTAssertEqual(s.first?.start, 0)
        XCTAssertEqual(s.last?.stop, 160)
        for k in 1..<s.count { XCTAssertEqual(s[k].start, s[k - 1].stop) }
        XCTAssertEqual(Fixtures.allStates.recording.epochs.map(\.state), s.map(\.regime.rawValue))
    }
}
