import Foundation
import Recordings
import XCTest

/// Issue 18's done-criterion: every file of ../shared/data/e1_thirdparty_nwb_fixtures (NWB files written by other
/// software) either opens with unit, spike and signal counts equal to an h5py summary
/// (Tests/python/recordings_thirdparty_check.py), or fails with a precise reason that never says "corrupt".
final class ThirdPartyFixtureTests: XCTestCase {
    /// Files that must not open, and a phrase their error must contain.
    static let refused: [String: String] = [
        "matnwb/20080606_R1.nwb": "NWB 1.x file",
        "nwb-explorer/nwb_test_file.nwb": "NWB 1.x file",
        "pynwb/496908818s.nwb": "NWB 1.x file",
        "pynwb/empty.nwb": "not an NWB file",
        // Pruned by nwb-linkml: spike_times cut to 10 values while the index still points to 32415.
        "nwb-linkml/aibs.nwb": "end offset 32415 is not in 0...10",
    ]

    func testEveryThirdPartyFileOpensWithH5pyCountsOrHasAPreciseReason() throws {
        let dir = try TestSupport.dataDir().appendingPathComponent("e1_thirdparty_nwb_fixtures")
        guard FileManager.default.fileExists(atPath: dir.path) else {
            throw XCTSkip("e1_thirdparty_nwb_fixtures not found at \(dir.path)")
        }
        let files = try TestSupport.allNWBFiles().filter { $0.hasPrefix(dir.path + "/") }
        XCTAssertEqual(files.count, 25, "the folder README lists 25 files")
        let out = try TestSupport.runPython("recordings_thirdparty_check.py", files)
        let list = try JSONSerialization.jsonObject(with: Data(out.utf8)) as! [[String: Any]]
        var reference: [String: [String: Any]] = [:]
        for item in list { reference[item["file"] as! String] = item }
        var opened = 0
        for f in files {
            let name = String(f.dropFirst(dir.path.count + 1))
            let ref = try XCTUnwrap(reference[f], name)
            let rec: Recording
            do {
                rec = try RecordingReader.read(f)
            } catch {
                let message = "\(error)"
                XCTAssertFalse(message.lowercased().contains("corrupt"), "\(name): \(message)")
                if let phrase = Self.refused[name] {
                    XCTAssertTrue(message.contains(phrase), "\(name): expected '\(phrase)' in: \(message)")
                } else {
                    XCTFail("\(name) should open: \(message)")
                }
                if ref["kind"] as? String == "nwb1" { XCTAssertTrue(message.contains("NWB 1.x"), name) }
                continue
            }
            XCTAssertNil(Self.refused[name], "\(name) opened but should have been refused")
            XCTAssertEqual(ref["kind"] as? String, "nwb2", name)
            opened += 1
            let counts = ref["unit_counts"] as? [Int] ?? []
            XCTAssertEqual(rec.units.count, (ref["units"] as? Int) ?? 0, name)
            XCTAssertEqual((0..<rec.spikes.unitCount).map { rec.spikes.count(unit: $0) }, counts, name)
            let signals = ref["signals"] as? [String: [Int]] ?? [:]
            XCTAssertEqual(Set(rec.signals.map(\.name)), Set(signals.keys), name)
            for s in rec.signals {
                guard let shape = signals[s.name] else { continue }
                XCTAssertEqual(s.sampleCount, shape[0], "\(name) \(s.name)")
                XCTAssertEqual(s.channelCount, shape.dropFirst().reduce(1, *), "\(name) \(s.name)")
            }
        }
        XCTAssertEqual(opened, 20)
        // The file with overlapping stimulus tags in /intervals/epochs ('fizz', 'qaz') opens without states, with a
        // warning naming them (it was refused with "epochs overlap" before), and with --ignore-epochs.
        let ti = dir.appendingPathComponent("nwb-explorer/test_TimeIntervals.nwb").path
        let rec = try RecordingReader.read(ti)
        XCTAssertTrue(rec.epochs.isEmpty)
        XCTAssertTrue(rec.warnings.contains { $0.contains("/intervals/epochs not used as states") && $0.contains("'fizz', 'qaz'") },
                      "\(rec.warnings)")
        XCTAssertTrue(try RecordingReader.read(ti, options: ReadOptions(ignoreEpochs: true)).epochs.isEmpty)
    }
}
