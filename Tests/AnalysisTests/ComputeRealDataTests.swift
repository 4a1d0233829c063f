import Analysis
import Foundation
import Recordings
import XCTest

/// `StateAnalysis.compute` on the real sleep/wake session in `../shared/data` (pynapple A2929-200711: 15 ADN/CA1
/// units, epochs `sleep` [0, 600) and `wake` [600, 1200)). The file has no E/I labels, so the test labels the ADN
/// units E and the CA1 units I purely to exercise the pipeline on real spike times and epochs; the values are not
/// interpreted. Skips when the data folder is absent.
final class ComputeRealDataTests: XCTestCase {
    func testSleepWakeSessionGivesEveryKeyWithFiniteValuesOrReasons() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let path = root.appendingPathComponent("shared/data/a3_peyrache_A2929-200711_adn_ca1_sleep_wake/A2929-200711.nwb").path
        guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("real data not found at \(path)") }
        var rec = try RecordingReader.read(path)
        for u in rec.units.indices {
            if case .text(let region)? = rec.units[u].extra["region"] {
                rec.units[u].cellClass = region == "ADN" ? .excitatory : .inhibitory
            }
        }
        try XCTSkipIf(rec.unitIndices(of: .excitatory).isEmpty || rec.unitIndices(of: .inhibitory).isEmpty,
                      "the file's units carry no `region` column to label them")
        XCTAssertTrue(Set(rec.states).isSuperset(of: ["wake"]), "states: \(rec.states)")
        var p = AnalysisParameters()
        p.scaleCount = 32
        for state in rec.states {
            let out = try StateAnalysis.compute(recording: rec, recordingID: "A2929/200711", state: state,
                                                members: [.observed, .surrogate(.circularShift, 0),
                                                          .surrogate(.isiPermutation, 0)], parameters: p)
            for (m, set) in out {
                XCTAssertEqual(set.values.count + set.missing.count, 32 * 16 + 8 + 30, "\(state) \(m)")
                XCTAssertTrue(set.values.values.allSatisfy { $0.isFinite })
                XCTAssertNotNil(set.values[MeasureKey("pearson_r", scale: 15)], "\(state) \(m)")
                XCTAssertNotNil(set.values[MeasureKey("variance_beta")], "\(state) \(m)")
                // 600 s epochs: scale 32 (10.9 s) still has 54 bins.
                XCTAssertNotNil(set.values[MeasureKey("partition_gini_e", scale: 32)])
            }
            let curves = try StateAnalysis.curves(recording: rec, state: state, parameters: p)
            XCTAssertEqual(curves.filter { $0.kind != "xcorr" }.count, 96)
            XCTAssertEqual(curves.filter { $0.kind == "xcorr" }.map(\.scaleIndex), Array(1 ... 32))
        }
    }
}
