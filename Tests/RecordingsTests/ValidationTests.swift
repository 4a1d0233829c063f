import Foundation
import Recordings
import XCTest

/// The bad-input cases of issue 3, each built deliberately in the test.
final class ValidationTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws { dir = try TestSupport.tempDir(name) }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    private func a3() throws -> URL {
        try TestSupport.dataDir().appendingPathComponent("a3_peyrache_A2929-200711_adn_ca1_sleep_wake/A2929-200711.nwb")
    }

    private func assertError(_ body: @autoclosure () throws -> Recording, file: StaticString = #filePath, line: UInt = #line,
                             _ check: (RecordingError) -> Bool) {
        XCTAssertThrowsError(try body(), file: file, line: line) { e in
            guard let r = e as? RecordingError else { return XCTFail("not a RecordingError: \(e)", file: file, line: line) }
            XCTAssertTrue(check(r), "unexpected error: \(r)", file: file, line: line)
        }
    }

    // MARK: corrupt files

    func testTruncatedAndCorruptFilesGiveErrorsNotCrashes() throws {
        let src = try Data(contentsOf: try a3())
        for (name, data) in [("half", src.prefix(src.count / 2)), ("head", src.prefix(1000)), ("empty", Data()),
                             ("text", Data("not an HDF5 file\n".utf8))] {
            let p = dir.appendingPathComponent("\(name).nwb").path
            try data.write(to: URL(fileURLWithPath: p))
            assertError(try RecordingReader.read(p)) { e in
                if case .corrupt(let f, _) = e { return f == p && e.description.contains(p) }
                return false
            }
        }
        // Garbage over the middle of the file: must throw or read, never crash.
        var mangled = src
        for i in stride(from: src.count / 3, to: src.count / 3 + 40_000, by: 1) { mangled[i] = UInt8(truncatingIfNeeded: i &* 2654435761 >> 7) }
        let p = dir.appendingPathComponent("mangled.nwb").path
        try mangled.write(to: URL(fileURLWithPath: p))
        do { _ = try RecordingReader.read(p) } catch { XCTAssertTrue(error is RecordingError, "\(error)") }
        assertError(try RecordingReader.read(dir.appendingPathComponent("absent.nwb").path)) { e in
            if case .unreadable = e { return true }
            return false
        }
    }

    // MARK: NWB cases built with h5py

    func testBrokenNWBCases() throws {
        let out = try TestSupport.runPython("recordings_make_bad.py", [try a3().path, dir.path])
        let cases = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: [String: Any]])
        func path(_ c: String) -> String { cases[c]!["path"] as! String }

        for c in ["nan_spike", "inf_spike"] {
            let id = cases[c]!["unit_id"] as! Int
            assertError(try RecordingReader.read(path(c))) { e in
                guard case let .invalidValue(file, location, field, _) = e else { return false }
                return file == path(c) && location.contains("id \(id)") && location.contains("row 2") && field == "spike_times"
            }
        }

        let unsorted = try RecordingReader.read(path("unsorted"))
        for u in 0..<unsorted.spikes.unitCount {
            let s = Array(unsorted.spikes[unit: u])
            XCTAssertEqual(s, s.sorted(), "unit row \(u) sorted")
        }
        let reference = try RecordingReader.read(try a3().path)
        XCTAssertEqual(unsorted.spikes, reference.spikes, "sorting restores the original trains")
        let sortWarnings = unsorted.warnings.filter { $0.contains("not sorted") }
        XCTAssertEqual(sortWarnings.count, 2, "once per unit: \(sortWarnings)")
        for id in cases["unsorted"]!["unit_ids"] as! [Int] {
            XCTAssertEqual(sortWarnings.filter { $0.contains("(id \(id))") }.count, 1)
        }

        let outside = try RecordingReader.read(path("outside"))
        let count = cases["outside"]!["count"] as! Int, total = cases["outside"]!["total"] as! Int
        XCTAssertGreaterThan(count, 0)
        XCTAssertTrue(outside.warnings.contains("\(path("outside")): \(count) of \(total) spikes lie outside every state epoch (they are ignored by per-state analyses)"),
                      "\(outside.warnings)")

        assertError(try RecordingReader.read(path("overlap"))) { e in
            guard case let .overlappingEpochs(file, a, b) = e else { return false }
            return file == path("overlap") && a.state != b.state
        }
        assertError(try RecordingReader.read(path("negative"))) { e in
            guard case let .invalidValue(_, location, field, reason) = e else { return false }
            return location.contains("sleep_states row 1") && field == "stop_time" && reason.contains("negative duration")
        }
        assertError(try RecordingReader.read(path("no_units"), options: ReadOptions(requireUnits: true))) { e in
            e == .missing(file: path("no_units"), path: "/units")
        }
        let lenient = try RecordingReader.read(path("no_units"))
        XCTAssertEqual(lenient.units.count, 0)
        XCTAssertEqual(lenient.epochs.count, 2)
        XCTAssertTrue(lenient.warnings.contains { $0.contains("no /units") })

        for dt in ["int64", "int32", "uint64"] {
            let r = try RecordingReader.read(path("index_" + dt))
            XCTAssertEqual((0..<r.spikes.unitCount).map { r.spikes.count(unit: $0) }, cases["index_" + dt]!["counts"] as? [Int], dt)
        }

        for c in ["gzip_chunks", "gzip_shuffle"] {
            XCTAssertEqual(try RecordingReader.read(path(c)).spikes, reference.spikes, c)
        }

        var bigs: [SpikeTrains] = []
        for c in ["big_contiguous", "big_gzip"] {
            let r = try RecordingReader.read(path(c))
            XCTAssertEqual(r.spikes.spikeCount, cases[c]!["count"] as? Int, c)
            XCTAssertEqual((0..<r.spikes.unitCount).map { r.spikes.count(unit: $0) }, cases[c]!["counts"] as? [Int], c)
            XCTAssertEqual(r.spikes.times.last, Double(cases[c]!["last"] as! String), c)
            let sum = Double(cases[c]!["sum"] as! String)!
            XCTAssertEqual(r.spikes.times.reduce(0, +), sum, accuracy: abs(sum) * 1e-12, c)
            bigs.append(r.spikes)
        }
        XCTAssertEqual(bigs[0], bigs[1])

        let empty = try RecordingReader.read(path("empty_unit"))
        XCTAssertEqual(empty.spikes.count(unit: 1), 0)
        let id = cases["empty_unit"]!["unit_id"] as! Int
        XCTAssertTrue(empty.warnings.contains { $0.contains("1 unit(s) have no spikes (ids \(id))") }, "\(empty.warnings)")
    }

    func testNaNSpikesWrittenByOurWriter() throws {
        let rec = Recording(subject: "s", session: "x", units: [Unit(id: 1), Unit(id: 2)],
                            spikes: SpikeTrains(trains: [[0.1, 0.2], [0.3, .nan]]))
        let p = dir.appendingPathComponent("nan.nwb").path
        try NWBWriter.write(rec, to: p)
        assertError(try RecordingReader.read(p)) { e in
            e.description.contains(p) && e.description.contains("id 2") && e.description.contains("spike_times")
                && e.description.contains("nan")
        }
    }

    func testUnknownClassLabelsWarnWithValues() throws {
        var rec = WriterTests.sample()
        rec.units[0].extra["putative"] = .text("Pyramidal")
        rec.units[1].extra["putative"] = .text("wide interneuron")
        rec.units[2].extra["putative"] = .text("mystery")
        rec.units[3].extra["putative"] = .text("FS")
        let p = dir.appendingPathComponent("labels.nwb").path
        try NWBWriter.write(rec, to: p)
        let r = try RecordingReader.read(p, options: ReadOptions(classColumn: "putative"))
        XCTAssertEqual(r.units.map { $0.cellClass }, [.excitatory, .unclassified, .unclassified, .inhibitory])
        XCTAssertEqual(r.units[3].labelSource, .inputColumn("putative"))
        XCTAssertEqual(r.units[2].rawLabel, "mystery")
        let w = r.warnings.first { $0.contains("unknown class label") }
        XCTAssertNotNil(w)
        XCTAssertTrue(w!.contains("'mystery'") && w!.contains("'wide interneuron'"), w!)
        assertError(try RecordingReader.read(p, options: ReadOptions(classColumn: "nope"))) { e in
            e == .missing(file: p, path: "/units/nope")
        }
    }

    // MARK: plain text

    private func writeText(_ files: [String: String]) throws -> String {
        let folder = dir.appendingPathComponent("rec-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return folder.path
    }

    func testPlainTextFormat() throws {
        let folder = try writeText([
            "spikes.csv": "unit_id,time_s\n3,0.5\n1,0.25\n3,0.1\n1,1.5\n2,9.5\n",
            "units.csv": "unit_id,class,electrode,x_um,y_um,quality\n1,RS,4,10,20,good\n3,interneuron,5,,,ok\n7,blob,,,,\n",
            "states.csv": "start_s,stop_s,state\n1,9,nrem_deep\n0,1,wake\n",
        ])
        let r = try RecordingReader.read(folder)
        XCTAssertEqual(r.units.map { $0.id }, [1, 3, 7, 2], "units.csv order, then other ids ascending")
        XCTAssertEqual(r.units.map { $0.cellClass }, [.excitatory, .inhibitory, .unclassified, .unclassified])
        XCTAssertEqual(Array(r.spikes[unit: 0]), [0.25, 1.5])
        XCTAssertEqual(Array(r.spikes[unit: 1]), [0.1, 0.5], "sorted")
        XCTAssertEqual(r.spikes.count(unit: 2), 0)
        XCTAssertEqual(Array(r.spikes[unit: 3]), [9.5])
        XCTAssertEqual(r.units[0].electrode, 4)
        XCTAssertEqual(r.units[0].position, SIMD3(10, 20, 0))
        XCTAssertNil(r.units[1].position)
        XCTAssertEqual(r.units[0].extra["quality"], .text("good"))
        XCTAssertEqual(r.epochs, [StateEpoch(start: 0, stop: 1, state: "wake"), StateEpoch(start: 1, stop: 9, state: "nrem_deep")])
        XCTAssertTrue(r.warnings.contains { $0.contains("unit 3") && $0.contains("not sorted") })
        XCTAssertTrue(r.warnings.contains { $0.contains("'blob'") })
        XCTAssertTrue(r.warnings.contains { $0.contains("ids 7") })
        XCTAssertTrue(r.warnings.contains { $0.contains("1 of 5 spikes lie outside") }, "9.5 is after the last epoch")
        // spikes.csv alone is enough; the path of spikes.csv works too.
        let minimal = try writeText(["spikes.csv": "unit_id,time_s\n1,0.5\n"])
        XCTAssertEqual(try RecordingReader.read(minimal + "/spikes.csv").spikes.spikeCount, 1)
    }

    func testPlainTextErrors() throws {
        let nan = try writeText(["spikes.csv": "unit_id,time_s\n1,0.5\n2,nan\n"])
        assertError(try RecordingReader.read(nan)) { e in
            guard case let .invalidValue(file, location, field, _) = e else { return false }
            return file.hasSuffix("spikes.csv") && location == "line 3 (unit 2)" && field == "time_s"
        }
        let garbage = try writeText(["spikes.csv": "unit_id,time_s\n1,abc\n"])
        assertError(try RecordingReader.read(garbage)) { e in e.description.contains("'abc' is not a number") }
        let overlap = try writeText(["spikes.csv": "unit_id,time_s\n1,0.5\n",
                                     "states.csv": "start_s,stop_s,state\n0,10,wake\n5,20,rem\n"])
        assertError(try RecordingReader.read(overlap)) { e in
            e == .overlappingEpochs(file: overlap + "/states.csv", first: StateEpoch(start: 0, stop: 10, state: "wake"),
                                    second: StateEpoch(start: 5, stop: 20, state: "rem"))
        }
        let negative = try writeText(["spikes.csv": "unit_id,time_s\n1,0.5\n", "states.csv": "start_s,stop_s,state\n10,5,wake\n"])
        assertError(try RecordingReader.read(negative)) { e in
            guard case let .invalidValue(_, location, field, reason) = e else { return false }
            return location == "line 2" && field == "stop_s" && reason.contains("negative duration")
        }
        let noSpikes = try writeText(["units.csv": "unit_id\n1\n"])
        assertError(try RecordingReader.read(noSpikes)) { e in e == .missing(file: noSpikes, path: "spikes.csv") }
        let noColumn = try writeText(["spikes.csv": "unit,time\n1,0.5\n"])
        assertError(try RecordingReader.read(noColumn)) { e in e.description.contains("unit_id") }
    }

    func testSameStateOverlapIsMergedAdjacentEpochsAreNotOverlaps() throws {
        let ok = try writeText(["spikes.csv": "unit_id,time_s\n1,0.5\n1,5\n",
                                "states.csv": "start_s,stop_s,state\n0,5,wake\n5,10,rem\n2,4,wake\n"])
        let r = try RecordingReader.read(ok)
        // [2, 4) lies inside [0, 5): merged (issue 18 item 1), never counted twice; [0, 5) and [5, 10) only touch.
        XCTAssertEqual(r.epochs, [StateEpoch(start: 0, stop: 5, state: "wake"), StateEpoch(start: 5, stop: 10, state: "rem")])
        XCTAssertEqual(r.warnings.filter { $0.contains("merged") }.count, 1)
        XCTAssertFalse(r.warnings.contains { $0.contains("outside") })
    }
}
