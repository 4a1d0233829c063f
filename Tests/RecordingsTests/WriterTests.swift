import Foundation
import Recordings
import XCTest

/// NWBWriter: round trip through our reader, and through pynwb (`pynwb-validate` + read-back) when the
/// virtualenv exists.
final class WriterTests: XCTestCase {
    /// A small recording with every feature the writer supports.
    static func sample() -> Recording {
        let trains: [[Double]] = [[0.5, 1.25, 2.0, 7.5], [0.1, 3.3], [], [9.0]]
        let wave = (0..<8).map { -sin(Double($0) / 7 * .pi) * 1e-4 }
        let units = [
            Unit(id: 10, cellClass: .excitatory, waveform: Waveform(peakChannel: wave, samplingRate: 30_000), electrode: 0,
                 extra: ["depth_um": .number(120), "region": .text("CA1")]),
            Unit(id: 11, cellClass: .inhibitory, waveform: Waveform(peakChannel: wave.map { $0 / 2 }, samplingRate: 30_000),
                 electrode: 2, extra: ["depth_um": .number(80.5), "region": .text("CA3")]),
            Unit(id: 12, cellClass: .unclassified, waveform: Waveform(peakChannel: wave, samplingRate: 30_000), electrode: 1,
                 extra: ["depth_um": .number(1), "region": .text("DG")]),
            Unit(id: 13, cellClass: .excitatory, waveform: Waveform(peakChannel: wave, samplingRate: 30_000),
                 extra: ["depth_um": .number(2), "region": .text("CA1")]),
        ]
        let electrodes = (0..<3).map {
            Electrode(id: $0, x: 0, y: Double($0) * 20, z: 0, location: "CA1", groupName: "shank0",
                      extra: ["soz": .number($0 == 1 ? 1 : 0)])
        }
        let raw: [Float] = (0..<200).map { Float($0 % 17) - 8 }   // 100 samples × 2 channels
        let lfp = SignalSeries(name: "LFP", sampleCount: 100, channelCount: 2, rate: 1000, startingTime: 0.5,
                               conversion: 1e-6, offset: 0, electrodes: [0, 2], storage: .memory(raw))
        let ecog = SignalSeries(name: "ECoG", sampleCount: 50, channelCount: 1, rate: 250,
                                conversion: 2e-6, offset: 1e-3, electrodes: [1], storage: .memory((0..<50).map { Float($0) }))
        return Recording(subject: "m1", session: "s1", units: units, spikes: SpikeTrains(trains: trains),
                         electrodes: electrodes, signals: [lfp, ecog],
                         epochs: [StateEpoch(start: 0, stop: 5, state: "wake"), StateEpoch(start: 5, stop: 10, state: "nrem_deep")])
    }

    func testRoundTripThroughOwnReader() throws {
        let dir = try TestSupport.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("sub-m1_ses-s1_ecephys.nwb").path
        let rec = Self.sample()
        try NWBWriter.write(rec, to: path)
        let back = try RecordingReader.read(path)
        XCTAssertEqual(back.subject, "m1")
        XCTAssertEqual(back.session, "s1")
        XCTAssertEqual(back.spikes, rec.spikes)
        XCTAssertEqual(back.units.map { $0.id }, [10, 11, 12, 13])
        XCTAssertEqual(back.units.map { $0.cellClass }, [.excitatory, .inhibitory, .unclassified, .excitatory])
        XCTAssertEqual(back.units.map { $0.electrode }, [0, 2, 1, nil])
        XCTAssertEqual(back.units[1].position, SIMD3(0, 40, 0))
        XCTAssertEqual(back.units[0].waveform, rec.units[0].waveform)
        XCTAssertEqual(back.units[1].extra["depth_um"], .number(80.5))
        XCTAssertEqual(back.units[2].extra["region"], .text("DG"))
        XCTAssertEqual(back.epochs, rec.epochs)
        XCTAssertEqual(back.electrodes.map { $0.extra["soz"] }, [.number(0), .number(1), .number(0)])
        XCTAssertEqual(Set(back.signals.map { $0.name }), ["LFP", "ECoG"])
        let lfp = try XCTUnwrap(back.signals.first { $0.name == "LFP" })
        XCTAssertEqual(lfp.rate, 1000)
        XCTAssertEqual(lfp.startingTime, 0.5)
        XCTAssertEqual(lfp.electrodes, [0, 2])
        let block = try lfp.read(rows: 10..<13)
        let expected = (20..<26).map { Double(Float($0 % 17) - 8) * 1e-6 }
        XCTAssertEqual(block, expected)
        XCTAssertEqual(try lfp.readChannel(1, rows: 10..<13), [expected[1], expected[3], expected[5]])
        let ecog = try XCTUnwrap(back.signals.first { $0.name == "ECoG" })
        XCTAssertEqual(try ecog.read(rows: 3..<4)[0], 3 * 2e-6 + 1e-3, accuracy: 1e-15)
        XCTAssertTrue(back.warnings.contains { $0.contains("no spikes") }, "unit 12 is empty: \(back.warnings)")
        XCTAssertFalse(back.warnings.contains { $0.contains("unknown class") }, "'unclassified' is not an unknown label")
        // No temp files left beside the output.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["sub-m1_ses-s1_ecephys.nwb"])
    }

    func testPynwbValidatesAndReadsBack() throws {
        let py = try TestSupport.python()
        let validator = URL(fileURLWithPath: py).deletingLastPathComponent().appendingPathComponent("pynwb-validate").path
        let dir = try TestSupport.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("w.nwb").path
        let rec = Self.sample()
        try NWBWriter.write(rec, to: path, options: NWBWriteOptions(classColumn: "gt_class"))
        let (status, out, err) = try TestSupport.run(validator, [path])
        XCTAssertEqual(status, 0, out + err)
        XCTAssertTrue((out + err).contains("no errors"), out + err)
        let json = try TestSupport.runPython("recordings_pynwb_check.py", [path, "gt_class"])
        let o = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        XCTAssertEqual(o["subject"] as? String, "m1")
        XCTAssertEqual(o["session"] as? String, "s1")
        XCTAssertEqual(o["ids"] as? [Int], [10, 11, 12, 13])
        XCTAssertEqual(o["spike_counts"] as? [Int], [4, 2, 0, 1])
        let sums = (o["spike_sums"] as? [String])?.compactMap(Double.init)
        XCTAssertEqual(sums, [11.25, 3.4, 0, 9.0].enumerated().map { i, _ in rec.spikes[unit: i].reduce(0, +) })
        XCTAssertEqual(o["classes"] as? [String], ["excitatory", "inhibitory", "unclassified", "excitatory"])
        XCTAssertEqual(o["waveform_shape"] as? [Int], [4, 8])
        XCTAssertEqual(o["electrodes"] as? Int, 3)
        XCTAssertEqual(o["unit_electrode_ids"] as? [[Int]], [[0], [2], [1], []])
        let extra = o["extra"] as? [String: [Any]]
        XCTAssertEqual(extra?["region"] as? [String], ["CA1", "CA3", "DG", "CA1"])
        let intervals = o["intervals"] as? [String: [[Any]]]
        XCTAssertEqual(intervals?["sleep_states"]?.count, 2)
        XCTAssertEqual(intervals?["sleep_states"]?[1][2] as? String, "nrem_deep")
        XCTAssertEqual((intervals?["epochs"]?[0][2] as? [String]), ["wake"])
        let signals = o["signals"] as? [String: [String: Any]]
        XCTAssertEqual(signals?["LFP/LFP"]?["shape"] as? [Int], [100, 2])
        XCTAssertEqual(signals?["LFP/LFP"]?["electrodes"] as? [Int], [0, 2])
        XCTAssertEqual(signals?["ECoG"]?["rate"] as? Double, 250)
        let lfpSum = Double(signals?["LFP/LFP"]?["volts_sum"] as? String ?? "") ?? .nan
        let ours = try rec.signals[0].read(rows: 0..<100).reduce(0, +)
        XCTAssertEqual(lfpSum, ours, accuracy: 1e-15)
    }

    /// A real third-party-converted file goes through the writer (incl. copying a compressed int16 EEG dataset)
    /// and reads back identically; pynwb validates the copy.
    func testRewriteSharedFiles() throws {
        let d = try TestSupport.dataDir()
        let dir = try TestSupport.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        for rel in ["a3_peyrache_A2929-200711_adn_ca1_sleep_wake/A2929-200711.nwb", "b1_bonn_epilepsy_eeg/bonn_set_S.nwb",
                    "a1_cellexplorer_groundtruth_celltypes/session_719161530.nwb"] {
            let src = try RecordingReader.read(d.appendingPathComponent(rel).path)
            let out = dir.appendingPathComponent((rel as NSString).lastPathComponent).path
            try NWBWriter.write(src, to: out)
            let back = try RecordingReader.read(out)
            XCTAssertEqual(back.spikes, src.spikes, rel)
            XCTAssertEqual(back.epochs, src.epochs, rel)
            XCTAssertEqual(back.units.map { $0.cellClass }, src.units.map { $0.cellClass }, rel)
            XCTAssertEqual(back.units.map { $0.waveform }, src.units.map { $0.waveform }, rel)
            XCTAssertEqual(back.signals.count, src.signals.count, rel)
            for (a, b) in zip(back.signals, src.signals) {
                XCTAssertEqual(a.sampleCount, b.sampleCount)
                XCTAssertEqual(try a.read(rows: 1000..<1010), try b.read(rows: 1000..<1010), rel)
            }
            if let py = try? TestSupport.python() {
                let validator = URL(fileURLWithPath: py).deletingLastPathComponent().appendingPathComponent("pynwb-validate").path
                let (status, o, e) = try TestSupport.run(validator, [out])
                XCTAssertEqual(status, 0, "\(rel): \(o)\(e)")
            }
        }
    }

    func testFailedWriteLeavesNothingBehind() throws {
        let dir = try TestSupport.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let missing = dir.appendingPathComponent("no/such/dir/x.nwb").path
        XCTAssertThrowsError(try NWBWriter.write(Self.sample(), to: missing))
        // A bad in-memory signal aborts the write; an existing file at the destination stays untouched.
        let path = dir.appendingPathComponent("keep.nwb").path
        try Data("original".utf8).write(to: URL(fileURLWithPath: path))
        var bad = Self.sample()
        bad.signals[0].sampleCount = 1000
        XCTAssertThrowsError(try NWBWriter.write(bad, to: path))
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "original")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["keep.nwb"])
    }
}

extension WriterTests {
    /// Multi-channel mean waveforms are written as (units, samples, channels) and read back with the peak
    /// (deepest-trough) channel picked; pynwb sees the 3-D shape.
    func testThreeDimensionalWaveforms() throws {
        var rec = Self.sample()
        for u in rec.units.indices {
            var all: [[Double]] = []
            for c in 0..<3 {
                let depth: Double = c == u % 3 ? 2 : 1
                all.append((0..<8).map { (s: Int) -> Double in -depth * sin(Double(s) / 7 * Double.pi) * 1e-4 })
            }
            rec.units[u].waveform = Waveform(peakChannel: all[u % 3], allChannels: all, samplingRate: 20_000)
        }
        let dir = try TestSupport.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("w3.nwb").path
        try NWBWriter.write(rec, to: path)
        let back = try RecordingReader.read(path)
        for u in rec.units.indices {
            XCTAssertEqual(back.units[u].waveform?.allChannels, rec.units[u].waveform?.allChannels)
            XCTAssertEqual(back.units[u].waveform?.peakChannel, rec.units[u].waveform?.peakChannel, "unit \(u)")
            XCTAssertEqual(back.units[u].waveform?.samplingRate, 20_000)
        }
        if (try? TestSupport.python()) != nil {
            let json = try TestSupport.runPython("recordings_pynwb_check.py", [path])
            let o = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            XCTAssertEqual(o["waveform_shape"] as? [Int], [4, 8, 3])
        }
    }
}
