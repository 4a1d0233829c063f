import Foundation
import TestSupport
import XCTest
import Recordings
import Simulation

/// The cohort written as NWB reads back with `RecordingReader` and with pynwb, in the DANDI layout.
final class SimulationNWBTests: XCTestCase {
    static let cohortDir: String = {
        let dir = NSTemporaryDirectory() + "symedge-sim-nwb-\(getpid())"
        var p = NetworkParameters()
        p.neuronCount = 400
        p.warmup = 200
        let options = CohortOptions(subjects: 2, sessions: 1, duration: 5, seed: 3, outputDirectory: dir,
                                    parameters: p, threads: 2)
        _ = try! CohortSimulator.run(options)
        return dir
    }()

    override class func tearDown() {
        try? FileManager.default.removeItem(atPath: NSTemporaryDirectory() + "symedge-sim-nwb-\(getpid())")
    }

    func testDandiLayoutAndReaderRoundTrip() throws {
        let dir = Self.cohortDir
        for s in ["sim01", "sim02"] {
            let path = CohortSimulator.path(directory: dir, subject: s, session: "01")
            XCTAssertEqual(path, "\(dir)/sub-\(s)/sub-\(s)_ses-01_ecephys.nwb")
            XCTAssert(FileManager.default.fileExists(atPath: path), path)
        }
        // Re-simulate sim01 in memory and compare with what the reader returns.
        var p = NetworkParameters()
        p.neuronCount = 400
        p.warmup = 200
        let options = CohortOptions(subjects: 2, sessions: 1, duration: 5, seed: 3, outputDirectory: nil, parameters: p)
        let subject = CohortSimulator.subject(0, options: options)
        let path = CohortSimulator.path(directory: dir, subject: "sim01", session: "01")
        let read = try RecordingReader.read(path)
        XCTAssertEqual(read.units.count, subject.recordedE + subject.recordedI)
        XCTAssertEqual(read.unitIndices(of: .excitatory).count, subject.recordedE)
        XCTAssertEqual(read.unitIndices(of: .inhibitory).count, subject.recordedI)
        XCTAssertEqual(read.epochs.map(\.state).sorted(), SessionSchedule.canonicalOrder.map(\.rawValue).sorted())
        XCTAssertEqual(read.electrodes.count, 96)
        XCTAssertEqual(read.signals.first?.sampleCount, 5000)
        XCTAssertEqual(read.signals.first?.channelCount, 96)
        XCTAssertGreaterThan(read.spikes.spikeCount, 0)
        // The class came from the ground-truth column.
        XCTAssertEqual(read.units.first?.labelSource, .inputColumn("gt_class"))
    }

    func testRerunWritesIdenticalSpikes() throws {
        let dir = NSTemporaryDirectory() + "symedge-sim-rerun-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var p = NetworkParameters()
        p.neuronCount = 400
        p.warmup = 200
        let options = CohortOptions(subjects: 2, sessions: 1, duration: 5, seed: 3, outputDirectory: dir,
                                    parameters: p, threads: 1)
        _ = try CohortSimulator.run(options)
        for s in ["sim01", "sim02"] {
            let a = try RecordingReader.read(CohortSimulator.path(directory: Self.cohortDir, subject: s, session: "01"))
            let b = try RecordingReader.read(CohortSimulator.path(directory: dir, subject: s, session: "01"))
            XCTAssertEqual(a.spikes, b.spikes, "\(s): thread count changed the spikes")
            XCTAssertEqual(a.epochs, b.epochs)
        }
    }

    func testPynwbReadsTheCohort() throws {
        let python = try Repository.python()
        let path = CohortSimulator.path(directory: Self.cohortDir, subject: "sim01", session: "01")
        let script = """
        import sys
        from pynwb import NWBHDF5IO
        with NWBHDF5IO(sys.argv[1], 'r') as io:
            f = io.read()
            u = f.units.to_dataframe()
            lfp = f.processing['ecephys']['LFP']
            es = list(lfp.electrical_series.values())[0]
            print(len(u), sorted(set(u['gt_class'])), len(f.electrodes), es.data.shape[0], es.data.shape[1],
                  len(f.epochs), u['waveform_mean'].iloc[0].shape[0])
        """
        let proc = Process()
        proc.executableURL = URL(fileURLWithPath: python)
        proc.arguments = ["-c", script, path]
        let pipe = Pipe(), err = Pipe()
        proc.standardOutput = pipe; proc.standardError = err
        try proc.run()
        proc.waitUntilExit()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let msg = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(proc.terminationStatus, 0, msg)
        XCTAssertEqual(out.trimmingCharacters(in: .whitespacesAndNewlines),
                       "100 ['excitatory', 'inhibitory'] 96 5000 96 8 75")
    }

    func testCLIWritesTheCohort() throws {
        let bin = try Repository.symedge()
        let dir = NSTemporaryDirectory() + "symedge-sim-cli-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let proc = Process()
        proc.executableURL = URL(fileURLWithPath: bin)
        proc.arguments = ["simulate", "--subjects", "1", "--sessions", "2", "--duration", "3", "--seed", "7",
                          "--neurons", "400", "--states", "wake,ictal", "--no-lfp", "--out", dir]
        let pipe = Pipe()
        proc.standardOutput = pipe
        proc.standardError = FileHandle.nullDevice
        try proc.run()
        proc.waitUntilExit()
        XCTAssertEqual(proc.terminationStatus, 0)
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssert(out.hasPrefix("subject\tsession\tstate"), out)
        for ses in ["01", "02"] {
            let r = try RecordingReader.read("\(dir)/sub-sim01/sub-sim01_ses-\(ses)_ecephys.nwb")
            XCTAssertEqual(Set(r.states), ["wake", "ictal"])
            XCTAssertTrue(r.signals.isEmpty)
        }
    }
}
