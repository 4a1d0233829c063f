import XCTest
import Analysis
import Recordings
import Simulation

/// The project's own analysis (METHODS §3–5), run on the simulated network, reproduces the papers' qualitative
/// findings (issue 6), each judged against surrogates.
final class ScientificChecksTests: XCTestCase {
    static let parameters: AnalysisParameters = {
        var p = AnalysisParameters()
        p.surrogateCount = 30
        p.surrogateKinds = [.circularShift]
        return p
    }()

    /// Order parameters (value, z) and verdict per state, computed once.
    static let summaries: [String: StateSummary] = {
        let rec = Fixtures.allStates.recording
        let members: [Member] = [.observed] + (0..<parameters.surrogateCount).map { .surrogate(.circularShift, $0) }
        var out: [String: StateSummary] = [:]
        for state in rec.states {
            let sets = try! StateAnalysis.compute(recording: rec, recordingID: "test01/01", state: state,
                                                  members: members, parameters: parameters)
            var surrogates = sets
            let observed = surrogates.removeValue(forKey: .observed)!
            out[state] = StateAnalysis.summarize(subject: "test01", session: "01", state: state, observed: observed,
                                                 surrogates: surrogates, parameters: parameters)
        }
        return out
    }()

    func order(_ state: String, _ name: String) -> OrderParameterRow? {
        Self.summaries[state]?.orderParameters.first { $0.measure == name }
    }

    func testWakeEICorrelationIsHighAndPeaksAtZeroLag() throws {
        let r = try XCTUnwrap(order("wake", "r_bar"))
        XCTAssertGreaterThan(try XCTUnwrap(r.value), 0.4)
        XCTAssertGreaterThan(try XCTUnwrap(r.z), 1.96, "r̄ in wake not above circular-shift surrogates")
        XCTAssertEqual(try XCTUnwrap(order("wake", "xcorr_lag_scale10_ms")?.value), 0)
    }

    func testExternalDriveMovesTheLagOffZero() throws {
        let lag = try XCTUnwrap(order("driven", "xcorr_lag_scale10_ms")?.value)
        XCTAssertGreaterThan(lag, 0, "under external drive I should lag E")
    }

    /// Ictal: the verdict is "broken". Wake: none of the invariances that break in the seizure breaks
    /// (r̄ above surrogates, |θ̄| < 10°, collapse spread not above its surrogates). The wake collapse spread lies
    /// inside its surrogate distribution rather than significantly *below* it, as it does for an ideally balanced
    /// Poisson ensemble (docs/simulator.md, "The balance verdict in wake"), so the full "holds" verdict is not
    /// asserted.
    func testBalanceBreaksInIctalAndNotInWake() throws {
        XCTAssertEqual(Self.summaries["ictal"]?.verdict.holds, false, Self.summaries["ictal"]?.verdict.evidence ?? "")
        let ictalSpread = try XCTUnwrap(order("ictal", "collapse_spread")?.z)
        XCTAssertGreaterThan(ictalSpread, 3, "ictal collapse spread should exceed its surrogates")
        XCTAssertGreaterThan(try XCTUnwrap(order("wake", "r_bar")?.z), 1.96)
        XCTAssertLessThan(abs(try XCTUnwrap(order("wake", "theta_bar_deg")?.value)), 10)
        XCTAssertLessThan(try XCTUnwrap(order("wake", "collapse_spread")?.z), 1.96)
    }

    /// Deep NREM deviates more from balance than wake: its collapse spread (scale invariance of the E−I
    /// fluctuation) and orthogonal width at scale 20 stand further above their surrogates.
    func testDeepNREMDeviatesFromBalanceMoreThanWake() throws {
        let deep = try XCTUnwrap(order("nrem_deep", "collapse_spread")?.z)
        let wake = try XCTUnwrap(order("wake", "collapse_spread")?.z)
        XCTAssertGreaterThan(deep, wake + 3)
        XCTAssertGreaterThan(deep, 1.96)
        let deepWidth = try XCTUnwrap(order("nrem_deep", "width_scale20")?.z)
        let wakeWidth = try XCTUnwrap(order("wake", "width_scale20")?.z)
        XCTAssertGreaterThan(deepWidth, wakeWidth)
    }

    /// METHODS §6 on the seizure sequence preictal → ictal → postictal of the 160-s session: the signed cumulative
    /// balance S(t) (1-s bins) leaves its pre-ictal linear trend during the seizure by many pre-ictal sd, and
    /// after the seizure the deviation D = S − trend shrinks again (it returns toward the trend), measured in
    /// pre-ictal sd. Full recovery within 2 sd is not asserted: the 18-s post-ictal epoch is too short for that.
    func testCumulativeBalanceLeavesAndReturnsTowardThePreictalTrend() throws {
        let rec = Fixtures.allStates.recording
        let result = try FamilyAnalysis.run(family: .seizure, recording: rec, state: "ictal")
        func value(_ m: String) throws -> Double {
            try XCTUnwrap(result.rows.first { $0.measure == m }?.value, "\(m) missing: \(result.missing)")
        }
        let sd = try value("balance_preictal_sd")
        XCTAssertGreaterThan(sd, 0)
        let peak = try value("balance_max_ictal_deviation")
        let atSeizureEnd = try value("balance_deviation_at_end")
        XCTAssertGreaterThan(abs(peak) / sd, 20, "seizure deviation \(peak) not far beyond the pre-ictal sd \(sd)")
        // D(t) after the seizure, from the S and trend curves.
        let s = result.curves.filter { $0.curve == "balance_S" }
        let trend = result.curves.filter { $0.curve == "balance_trend" }
        XCTAssertEqual(s.count, trend.count)
        let seizure = try XCTUnwrap(rec.epochs(of: "ictal").first)
        let post = zip(s, trend).filter { $0.0.x > seizure.stop }.map { $0.0.y - $0.1.y }
        XCTAssertGreaterThan(post.count, 10, "too few post-ictal bins")
        let last = try XCTUnwrap(post.last)
        // Same sign as the excursion, and closer to the trend by many pre-ictal sd.
        XCTAssertGreaterThan((abs(atSeizureEnd) - abs(last)) / sd, 10,
                             "post-ictal deviation \(last) did not shrink from \(atSeizureEnd) (pre-ictal sd \(sd))")
        XCTAssertLessThan(abs(last), abs(peak))
        // It keeps shrinking: the second half of the post-ictal deviation is below the first half.
        let half = post.count / 2
        let first = post[..<half].map(abs).reduce(0, +) / Double(half)
        let second = post[half...].map(abs).reduce(0, +) / Double(post.count - half)
        XCTAssertLessThan(second, first)
        print("S(t): pre-ictal sd \(sd), max ictal deviation \(peak) (\(abs(peak) / sd) sd), at seizure end "
              + "\(atSeizureEnd), end of post-ictal \(last) (shrunk by \((abs(atSeizureEnd) - abs(last)) / sd) sd), "
              + "recovery time \(result.rows.first { $0.measure == "balance_recovery_time_s" }?.value as Any)")
    }
}
