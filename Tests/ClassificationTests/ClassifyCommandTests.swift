import Classification
import Foundation
import Recordings
import XCTest

/// End-to-end tests of `symedge classify` (binary from SYMEDGE_BIN or .build/release/symedge).
final class ClassifyCommandTests: XCTestCase {
    func tmp(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("cls-\(getpid())-\(name)").path
    }

    func testCA1SessionJSONAndWriteLabels() throws {
        let bin = try symedgePath()
        guard let data = sharedData else { throw XCTSkip("real data folder ../shared/data is absent") }
        let input = data.appendingPathComponent("a2_cellexplorer_ca1_units_waveforms/MS21_180718.nwb").path
        guard FileManager.default.fileExists(atPath: input) else { throw XCTSkip("\(input) missing") }
        let before = try Data(contentsOf: URL(fileURLWithPath: input))
        let out = tmp("ms21.nwb")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let (status, stdout, stderr) = try runProcess(bin, ["classify", input, "--json", "--write-labels", out])
        XCTAssertEqual(status, 0, stderr)
        let doc = try XCTUnwrap(try JSONSerialization.jsonObject(with: stdout) as? [String: Any])
        let units = try XCTUnwrap(doc["units"] as? [[String: Any]])
        XCTAssertEqual(units.count, 118)
        let counts = try XCTUnwrap(doc["counts"] as? [String: Int])
        XCTAssertEqual(counts["I"]! + counts["E"]! + counts["U"]!, 118)
        XCTAssertGreaterThanOrEqual(counts["I"]!, 8)
        XCTAssertGreaterThanOrEqual(counts["E"]!, 95)
        let centroids = try XCTUnwrap(doc["centroidsMs"] as? [String: [Double]])
        XCTAssertLessThan(centroids["FS"]![0], 0.4)
        XCTAssertGreaterThan(centroids["RS"]![0], 0.6)
        // The input is untouched; the new file carries the classes and features.
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: input)), before)
        let back = try RecordingReader.read(out, options: ReadOptions(classColumn: "cell_class"))
        XCTAssertEqual(back.units.count, 118)
        let cls = units.map { $0["predicted"] as! String }
        for (u, c) in zip(back.units, cls) {
            XCTAssertEqual(u.cellClass.rawValue, c)
            XCTAssertEqual(u.extra["classifier_class"], .text(c))
            guard case .number? = u.extra["classifier_trough_to_peak_ms"] else { return XCTFail("feature column missing") }
            guard case .number? = u.extra["classifier_half_width_ms"] else { return XCTFail("feature column missing") }
        }
        // Refuses to overwrite its input.
        let (st2, _, err2) = try runProcess(bin, ["classify", input, "--write-labels", input])
        XCTAssertNotEqual(st2, 0)
        XCTAssertTrue(err2.contains("new file"), err2)
    }

    func testConnectionsThroughTheCLI() throws {
        let bin = try symedgePath()
        // 30 synthetic units (so k-means is fitted); unit 0 (FS) drives units 20…24 (+2 ms, p = 0.3): an FS unit with
        // five excitatory outgoing connections out of 29 tested is flagged as contradicting its waveform class.
        var rec = syntheticRecording(nFS: 8, nRS: 22, duration: 300, seed: 5)
        var trains = (0..<rec.units.count).map { Array(rec.spikes[unit: $0]) }
        var g = SplitMixTest(3)
        for post in 20..<25 {
            for t in trains[0] where g.unit() < 0.3 { trains[post].append(t + 0.002) }
            trains[post].sort()
        }
        rec.spikes = SpikeTrains(trains: trains)
        let path = tmp("conn.nwb")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try NWBWriter.write(rec, to: path)
        let (status, stdout, stderr) = try runProcess(bin, ["classify", path, "--connections", "--jitters", "200", "--json"])
        XCTAssertEqual(status, 0, stderr)
        let doc = try XCTUnwrap(try JSONSerialization.jsonObject(with: stdout) as? [String: Any])
        let conn = try XCTUnwrap((doc["connections"] as? [String: Any])?["connections"] as? [[String: Any]])
        let hit = conn.first { ($0["preID"] as? Int) == 100 && ($0["postID"] as? Int) == 120 }
        XCTAssertEqual(hit?["sign"] as? String, "excitatory")
        XCTAssertEqual(hit?["strength"] as? Double ?? 0, 0.3, accuracy: 0.06)
        let units = try XCTUnwrap(doc["units"] as? [[String: Any]])
        XCTAssertEqual(units[0]["predicted"] as? String, "I")
        XCTAssertEqual(units[0]["connectionContradiction"] as? Bool, true)
    }
}
