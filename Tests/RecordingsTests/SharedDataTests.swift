import Foundation
import Recordings
import XCTest

/// Every NWB file in ../shared/data must open; counts are checked against each folder's README and against an
/// independent h5py summary (Tests/python/recordings_summary.py).
final class SharedDataTests: XCTestCase {
    func testEveryFileOpensAndMatchesH5py() throws {
        // e1 (third-party writers, some deliberately unreadable) is checked by ThirdPartyFixtureTests.
        let files = try TestSupport.allNWBFiles().filter { !$0.contains("/e1_thirdparty_nwb_fixtures/") }
        XCTAssertEqual(files.count, 73, "the data README lists 71 written + 2 third-party files")
        var reference: [String: [String: Any]] = [:]
        if let out = try? TestSupport.runPython("recordings_summary.py", files),
           let list = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [[String: Any]] {
            for item in list { reference[item["file"] as! String] = item }
        }
        for f in files {
            let rec: Recording
            do { rec = try RecordingReader.read(f) } catch { XCTFail("\(f): \(error)"); continue }
            XCTAssertEqual(rec.units.count, rec.spikes.unitCount)
            guard let ref = reference[f] else { continue }
            XCTAssertEqual(rec.units.count, ref["units"] as? Int, f)
            XCTAssertEqual(rec.spikes.spikeCount, ref["spikes"] as? Int, f)
            if let counts = ref["unit_counts"] as? [Int], !counts.isEmpty {
                XCTAssertEqual((0..<rec.spikes.unitCount).map { rec.spikes.count(unit: $0) }, counts, f)
            }
            if let first = (ref["first"] as? String).flatMap(Double.init), let last = (ref["last"] as? String).flatMap(Double.init) {
                XCTAssertEqual(rec.spikes.times.min(), first, f)
                XCTAssertEqual(rec.spikes.times.max(), last, f)
            }
            // States: rows of every table with a `state` column, else the tagged rows of /intervals/epochs.
            let expectedEpochs = (ref["state_rows"] as? Int) ?? (ref["epoch_rows_with_tags"] as? Int) ?? 0
            XCTAssertEqual(rec.epochs.count, expectedEpochs, f)
            let signals = ref["signals"] as? [String: [String: Any]] ?? [:]
            XCTAssertEqual(Set(rec.signals.map { $0.name }), Set(signals.keys), f)
            for s in rec.signals {
                guard let r = signals[s.name] else { continue }
                let shape = r["shape"] as! [Int]
                XCTAssertEqual(s.sampleCount, shape[0], f)
                XCTAssertEqual(s.channelCount, shape.count > 1 ? shape[1] : 1, f)
                XCTAssertEqual(s.rate, r["rate"] as? Double, f)
                let row10 = try s.read(rows: min(10, s.sampleCount - 1)..<min(11, s.sampleCount))
                let raw = r["row10"] as! [Double], conv = r["conversion"] as! Double
                for (a, b) in zip(row10, raw) { XCTAssertEqual(a, b * conv, accuracy: abs(b * conv) * 1e-12 + 1e-300, f) }
            }
        }
    }

    /// a1: unit and spike counts per file from the "Sessions" table of the folder README.
    func testA1CountsFromReadme() throws {
        let dir = try TestSupport.dataDir().appendingPathComponent("a1_cellexplorer_groundtruth_celltypes")
        let readme = try String(contentsOf: dir.appendingPathComponent("README.md"), encoding: .utf8)
        var rows: [(String, Int, Int)] = []
        var inSessions = false
        for line in readme.split(separator: "\n") {
            if line.hasPrefix("### Sessions") { inSessions = true; continue }
            if inSessions && line.hasPrefix("#") { break }
            guard inSessions, line.hasPrefix("| `") else { continue }
            let cells = line.replacingOccurrences(of: "\\|", with: "/").split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            let name = cells[0].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            let spikes = Int(cells[8].replacingOccurrences(of: ",", with: ""))!
            rows.append((name, Int(cells[1])!, spikes))
        }
        XCTAssertEqual(rows.count, 58)
        var labelled = 0, unknown = 0
        for (name, units, spikes) in rows {
            let rec = try RecordingReader.read(dir.appendingPathComponent(name).path)
            XCTAssertEqual(rec.units.count, units, name)
            XCTAssertEqual(rec.spikes.spikeCount, spikes, name)
            XCTAssertTrue(rec.epochs.isEmpty, "a1 has no /intervals")
            for u in rec.units {
                XCTAssertEqual(u.labelSource == .none ? nil : u.labelSource, u.cellClass == .unclassified ? nil : .inputColumn("gt_class"))
                if u.cellClass == .unclassified { unknown += 1 } else { labelled += 1 }
                XCTAssertNotNil(u.waveform, name)
                XCTAssertTrue([10_000.0, 20_000, 30_000].contains(u.waveform!.samplingRate), name)
            }
            if rec.units.contains(where: { $0.cellClass == .unclassified }) {
                XCTAssertTrue(rec.warnings.contains { $0.contains("'unknown'") }, "\(name): \(rec.warnings)")
            }
            if name.hasPrefix("e14") || name.hasPrefix("e15") {
                XCTAssertTrue(rec.warnings.contains { $0.contains("have no spikes") }, name)
            }
        }
        // README: {'inhibitory': 74, 'unknown': 23, 'excitatory': 9}
        XCTAssertEqual(labelled, 74 + 9)
        XCTAssertEqual(unknown, 23)
    }

    func testA3SleepStatesAndRegions() throws {
        let f = try TestSupport.dataDir().appendingPathComponent("a3_peyrache_A2929-200711_adn_ca1_sleep_wake/A2929-200711.nwb")
        let rec = try RecordingReader.read(f.path)
        XCTAssertEqual(rec.units.count, 15)
        XCTAssertEqual(rec.spikes.spikeCount, 98_794)
        XCTAssertEqual([8764, 6879, 9743, 8014, 12925, 13205, 19819, 2636, 2419, 1282, 4702, 3970, 1313, 1535, 1588],
                       (0..<15).map { rec.spikes.count(unit: $0) })
        XCTAssertEqual(rec.epochs, [StateEpoch(start: 0, stop: 600, state: "sleep"), StateEpoch(start: 600, stop: 1200, state: "wake")])
        XCTAssertEqual(rec.units[0].extra["region"], .text("ADN"))
        XCTAssertEqual(rec.units[14].extra["region"], .text("CA1"))
        XCTAssertEqual(rec.electrodes.count, 16)
        XCTAssertEqual(rec.subject, "A2929")
        // Ripples (428 rows) have no state column and must not become states.
        let ripples = try RecordingReader.read(f.path, options: ReadOptions(stateTable: "ripples", stateColumn: "peak_time"))
        XCTAssertEqual(ripples.epochs.count, 428)
    }

    func testB1B2C2StatesAndSignals() throws {
        let d = try TestSupport.dataDir()
        for set in ["Z", "O", "N", "F", "S"] {
            let rec = try RecordingReader.read(d.appendingPathComponent("b1_bonn_epilepsy_eeg/bonn_set_\(set).nwb").path)
            XCTAssertEqual(rec.epochs.count, 100, set)
            XCTAssertEqual(rec.units.count, 0)
            let expected = ["Z": "healthy", "O": "healthy", "N": "interictal", "F": "interictal", "S": "ictal"][set]!
            XCTAssertEqual(rec.states, [expected])
            XCTAssertEqual(rec.signals.first?.sampleCount, 409_700)
            XCTAssertEqual(rec.signals.first?.conversion, 1e-6)
            XCTAssertEqual(rec.epochs[1].start, 4097 / 173.61, accuracy: 1e-9)
        }
        let b2 = try RecordingReader.read(d.appendingPathComponent("b2_fragility_pt01_ecog_seizure_onset/pt01_seizure1_onset_m1s_p2s.nwb").path)
        XCTAssertEqual(b2.epochs.map { $0.state }, ["preictal", "ictal"])
        XCTAssertEqual(b2.electrodes.count, 84)
        XCTAssertEqual(b2.electrodes.filter { $0.extra["soz"] == .number(1) }.count, 10, "10 SOZ channels")
        XCTAssertEqual(b2.signals.first?.channelCount, 84)
        XCTAssertEqual(b2.signals.first?.rate, 1000)
        let hyp = try RecordingReader.read(d.appendingPathComponent("c2_yasa_sleep_eeg_snippets/yasa_hypnogram_6h_30s.nwb").path)
        XCTAssertEqual(hyp.epochs.count, 720)
        // W 43 → wake; N1 22 + N2 318 → nrem_light; N3 182 → nrem_deep; R 155 → rem
        XCTAssertEqual(hyp.epochs(of: "wake").count, 43)
        XCTAssertEqual(hyp.epochs(of: "nrem_light").count, 340)
        XCTAssertEqual(hyp.epochs(of: "nrem_deep").count, 182)
        XCTAssertEqual(hyp.epochs(of: "rem").count, 155)
        let wake = try RecordingReader.read(d.appendingPathComponent("c2_yasa_sleep_eeg_snippets/yasa_resting_EO_wake_200Hz.nwb").path)
        XCTAssertEqual(wake.signals.first?.channelCount, 2)
        XCTAssertEqual(wake.signals.first?.sampleCount, 72_000)
    }

    func testThirdPartyFiles() throws {
        let d = try TestSupport.dataDir()
        let d1 = try RecordingReader.read(d.appendingPathComponent("d1_nwb_human_mtl_units_rutishauser/sub-4_ses-4_ecephys+image.nwb").path)
        XCTAssertEqual(d1.units.count, 35)
        XCTAssertEqual(d1.spikes.spikeCount, 214_278)
        XCTAssertEqual(d1.electrodes.count, 19)
        XCTAssertTrue(d1.epochs.isEmpty, "d1's interval tables have no state column")
        XCTAssertTrue(d1.units.allSatisfy { $0.electrode != nil })
        XCTAssertGreaterThanOrEqual(d1.spikes.times.min()!, 0)
        XCTAssertLessThan(d1.spikes.times.max()!, 2822)
        let d2 = try RecordingReader.read(d.appendingPathComponent("d2_nwb_mouse_psb_units_peyrache/A8604-211122.nwb").path)
        XCTAssertEqual(d2.units.map { $0.id }, [6, 191, 206])
        XCTAssertEqual((0..<3).map { d2.spikes.count(unit: $0) }, [11_020, 4_690, 5_644])
        XCTAssertEqual(d2.epochs.count, 1)
        XCTAssertEqual(d2.epochs.first?.state, "wake")
        XCTAssertEqual(d2.epochs.first?.start, 0)
        XCTAssertEqual(d2.electrodes.count, 383)
        XCTAssertLessThanOrEqual(d2.spikes.times.max()!, 1087.53)
    }
}

/// Lazily read signals: block reads (hyperslabs) agree with each other and with h5py.
final class SignalReadTests: XCTestCase {
    func testBlocksMatchH5pyAndEachOther() throws {
        let d = try TestSupport.dataDir()
        let f = d.appendingPathComponent("b2_fragility_pt01_ecog_seizure_onset/pt01_seizure1_onset_m1s_p2s.nwb").path
        let rec = try RecordingReader.read(f)
        let s = try XCTUnwrap(rec.signals.first)
        let whole = try s.read(rows: 0..<s.sampleCount)
        XCTAssertEqual(whole.count, 3000 * 84)
        var stitched: [Double] = []
        var start = 0
        for size in [1, 7, 500, 1, 1491, 1000] { stitched += try s.read(rows: start..<(start + size)); start += size }
        XCTAssertEqual(start, 3000)
        XCTAssertEqual(stitched, whole)
        let ch = try s.readChannel(83, rows: 990..<1010)
        XCTAssertEqual(ch, (990..<1010).map { whole[$0 * 84 + 83] })
        XCTAssertThrowsError(try s.read(rows: 2999..<3001))
        XCTAssertThrowsError(try s.readChannel(84, rows: 0..<1))
        let script = "import h5py,sys\nf=h5py.File(sys.argv[1])\nd=f['acquisition/ECoG/data']\nc=d.attrs['conversion']\nprint(repr(float(d[1234,17]*c)), repr(float(d[:,5].sum()*c)))"
        if let py = try? TestSupport.python() {
            let (status, out, err) = try TestSupport.run(py, ["-c", script, f])
            XCTAssertEqual(status, 0, err)
            let v = out.split(separator: " ").compactMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            XCTAssertEqual(whole[1234 * 84 + 17], v[0])
            XCTAssertEqual(try s.readChannel(5, rows: 0..<3000).reduce(0, +), v[1], accuracy: abs(v[1]) * 1e-12)
        }
    }
}
