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

    func testPrintOrderParameters() {
        for state in Fixtures.allStates.recording.states {
            let rows = Self.summaries[state]!.orderParameters.map {
                "\($0.measure)=\($0.value.map { String(format: "%.3f", $0) } ?? "-")(z \($0.z.map { String(format: "%.1f", $0) } ?? "-"))"
            }
            print(state, Self.summaries[state]!.verdict.holds as Any, rows.joined(separator: " "))
        }
    }

    func testWakeEICorrelationIsHighAndPeaksAtZeroLag() throws {
        let r = try XCTUnwrap(order("wake", "r_bar"))
        XCTAssertGreaterThan(try XCTUnwrap(r.value), 0.5)
        XCTAssertGreaterThan(try XCTUnwrap(r.z), 1.96, "r̄ in wake not above circular-shift surrogates")
        XCTAssertEqual(try XCTUnwrap(order("wake", "xcorr_lag_scale10_ms")?.value), 0)
    }

    func testExternalDriveMovesTheLagOffZero() throws {
        let lag = try XCTUnwrap(order("driven", "xcorr_lag_scale10_ms")?.value)
        XCTAssertGreaterThan(lag, 0, "under external drive I should lag E")
    }

    func testBalanceHoldsInWakeAndBreaksInIctal() throws {
        XCTAssertEqual(Self.summaries["wake"]?.verdict.holds, true, Self.summaries["wake"]?.verdict.evidence ?? "")
        XCTAssertEqual(Self.summaries["ictal"]?.verdict.holds, false, Self.summaries["ictal"]?.verdict.evidence ?? "")
    }

    func testDeepNREMDeviatesFromBalanceMoreThanWake() throws {
        let deep = try XCTUnwrap(order("nrem_deep", "theta_bar_deg")?.value)
        let wake = try XCTUnwrap(order("wake", "theta_bar_deg")?.value)
        XCTAssertGreaterThan(abs(deep), abs(wake))
    }
}
