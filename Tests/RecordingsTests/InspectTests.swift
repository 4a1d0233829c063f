import Foundation
import Recordings
import TestSupport
import XCTest

/// `RecordingSummary` (what `symedge inspect` prints) and the CLI itself when a built binary is available.
final class InspectTests: XCTestCase {
    func testSummaryOfA3() throws {
        let f = try TestSupport.dataDir().appendingPathComponent("a3_peyrache_A2929-200711_adn_ca1_sleep_wake/A2929-200711.nwb")
        let s = RecordingSummary(try RecordingReader.read(f.path))
        XCTAssertEqual(s.subject, "A2929")
        XCTAssertEqual(s.units, 15)
        XCTAssertEqual(s.spikes, 98_794)
        XCTAssertEqual(s.unitsPerClass, ["E": 0, "I": 0, "U": 15])
        XCTAssertEqual(s.states.map { $0.state }, ["sleep", "wake"])
        XCTAssertEqual(s.states.map { $0.totalSeconds }, [600, 600])
        XCTAssertEqual(s.durationSeconds, 1200, "epochs span [0, 1200)")
        XCTAssertTrue(s.text.contains("  sleep: 1 epoch, 600 s"), s.text)
    }

    func testSummaryOfSignalsAndClasses() throws {
        let d = try TestSupport.dataDir()
        let b2 = RecordingSummary(try RecordingReader.read(d.appendingPathComponent("b2_fragility_pt01_ecog_seizure_onset/pt01_seizure1_onset_m1s_p2s.nwb").path))
        XCTAssertEqual(b2.signals.map { $0.name }, ["ECoG"])
        XCTAssertEqual(b2.signals.first?.channels, 84)
        XCTAssertEqual(b2.signals.first?.samples, 3000)
        XCTAssertEqual(b2.signals.first?.rate, 1000)
        XCTAssertEqual(b2.durationSeconds, 3)
        XCTAssertTrue(b2.text.contains("ECoG: 84 channels, 1000 Hz, 3000 samples (3 s)"), b2.text)
        let a1 = RecordingSummary(try RecordingReader.read(d.appendingPathComponent("a1_cellexplorer_groundtruth_celltypes/e15_4m2_191212.nwb").path))
        XCTAssertEqual(a1.unitsPerClass["E"], 6, "e15: six Pyramidal ground-truth units")
        XCTAssertEqual(a1.classSources, ["gt_class"])
        // JSON field names are the documented snake_case ones.
        let json = String(decoding: try JSONEncoder().encode(a1), as: UTF8.self)
        for key in ["\"units_per_class\"", "\"duration_s\"", "\"warnings\"", "\"states\""] { XCTAssertTrue(json.contains(key), key) }
    }

    private func binary() throws -> String { try Repository.symedge() }

    func testCLIOnSharedDataFolderAndTextFolder() throws {
        let bin = try binary()
        let d = try TestSupport.dataDir()
        let (status, out, err) = try TestSupport.run(bin, ["inspect", "--json", d.path])
        guard !err.contains("'inspect' is not implemented") else { throw XCTSkip("binary predates inspect") }
        // e1_thirdparty_nwb_fixtures holds files refused on purpose with precise reasons (NWB 1.x, not NWB,
        // truncated, overlapping stimulus epochs: ThirdPartyFixtureTests); only they may make the folder run fail.
        let list = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [[String: Any]])
        let thirdParty = "e1_thirdparty_nwb_fixtures"
        XCTAssertTrue(status == 0 || err.contains(thirdParty), err)
        for line in err.split(separator: "\n") where line.contains("error") {
            XCTAssertTrue(line.contains(thirdParty), "an error outside the third-party fixtures: \(line)")
        }
        XCTAssertEqual(list.filter { !(($0["source"] as? String) ?? "").contains(thirdParty) }.count, 73)
        let hyp = try XCTUnwrap(list.first { ($0["source"] as? String)?.hasSuffix("yasa_hypnogram_6h_30s.nwb") == true })
        XCTAssertEqual(hyp["epochs"] as? Int, 720)
        XCTAssertEqual(hyp["duration_s"] as? Double, 720 * 30)

        let dir = try TestSupport.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "unit_id,time_s\n1,0.5\n2,1.5\n".write(to: dir.appendingPathComponent("spikes.csv"), atomically: true, encoding: .utf8)
        try "unit_id,class\n1,E\n2,FS\n".write(to: dir.appendingPathComponent("units.csv"), atomically: true, encoding: .utf8)
        try "start_s,stop_s,state\n0,1,wake\n1,2,rem\n".write(to: dir.appendingPathComponent("states.csv"), atomically: true, encoding: .utf8)
        let (s2, text, e2) = try TestSupport.run(bin, ["inspect", dir.path])
        XCTAssertEqual(s2, 0, e2)
        XCTAssertTrue(text.contains("units      2 (E 1, I 1, U 0)"), text)
        XCTAssertTrue(text.contains("  rem: 1 epoch, 1 s"), text)

        let bad = dir.appendingPathComponent("bad.nwb")
        try Data("junk".utf8).write(to: bad)
        let (s3, _, e3) = try TestSupport.run(bin, ["inspect", bad.path])
        XCTAssertEqual(s3, 1)
        XCTAssertTrue(e3.contains("bad.nwb"), e3)
    }
}
