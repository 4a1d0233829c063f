import Foundation
import TestSupport
import XCTest
import Simulation

/// `symedge simulate` split across MPI ranks by session gives the same files and table as one process (issue 6),
/// and the JSON parameter overrides.
final class SimulateCommandTests: XCTestCase {
    static func binary() throws -> String { try Repository.symedge() }

    struct Run { let status: Int32; let stdout: String; let stderr: String }

    /// Runs `symedge simulate ARGS`, under `mpirun -np N` when `np` is given (OMPI_/PMIX_/OPAL_ variables of the
    /// test's own environment stripped).
    func simulate(np: Int?, _ args: [String]) throws -> Run {
        let p = Process()
        let bin = try Self.binary()
        if let np {
            p.executableURL = URL(fileURLWithPath: "/usr/bin/mpirun")
            p.arguments = ["--allow-run-as-root", "--oversubscribe", "-np", "\(np)", bin, "simulate"] + args
        } else {
            p.executableURL = URL(fileURLWithPath: bin)
            p.arguments = ["simulate"] + args
        }
        var env = ProcessInfo.processInfo.environment
        for k in env.keys where k.hasPrefix("OMPI_") || k.hasPrefix("PMIX_") || k.hasPrefix("OPAL_") { env[k] = nil }
        p.environment = env
        // stdout through a pipe; stderr (logs, may be long) into a file so neither can block the child.
        let errPath = NSTemporaryDirectory() + "symedge-sim-stderr-\(getpid())-\(UUID().uuidString)"
        FileManager.default.createFile(atPath: errPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: errPath) }
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle(forWritingAtPath: errPath)
        try p.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let errData = FileManager.default.contents(atPath: errPath) ?? Data()
        return Run(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                   stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Every regular file under `dir`, relative path → bytes.
    func files(_ dir: String) throws -> [String: Data] {
        var out: [String: Data] = [:]
        let e = FileManager.default.enumerator(atPath: dir)
        while let rel = e?.nextObject() as? String {
            var isDir: ObjCBool = false
            let path = dir + "/" + rel
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue {
                out[rel] = try Data(contentsOf: URL(fileURLWithPath: path))
            }
        }
        return out
    }

    func testSessionsSplitAcrossRanksGiveByteIdenticalFiles() throws {
        _ = try Repository.mpirun()
        let base = NSTemporaryDirectory() + "symedge-sim-mpi-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: base) }
        // 3 sessions: uneven on 2 ranks (2 + 1), and one idle rank on 4.
        let common = ["--subjects", "3", "--sessions", "1", "--duration", "3", "--neurons", "400", "--seed", "4",
                      "--states", "wake,nrem_deep,ictal", "--log-level", "warning"]
        let single = try simulate(np: nil, common + ["--out", base + "/np1"])
        XCTAssertEqual(single.status, 0, single.stderr)
        let reference = try files(base + "/np1")
        XCTAssertEqual(reference.keys.sorted(), (1...3).map { "sub-sim0\($0)/sub-sim0\($0)_ses-01_ecephys.nwb" })
        let table = single.stdout.replacingOccurrences(of: base + "/np1", with: "OUT")
        XCTAssertEqual(table.split(separator: "\n").count, 1 + 3 * 3, table)
        for np in [2, 4] {
            let r = try simulate(np: np, common + ["--out", base + "/np\(np)"])
            XCTAssertEqual(r.status, 0, r.stderr)
            let got = try files(base + "/np\(np)")
            XCTAssertEqual(got.keys.sorted(), reference.keys.sorted(), "np \(np)")
            for (k, v) in reference { XCTAssert(got[k] == v, "np \(np): \(k) differs from the single-process file") }
            // Rank 0 alone prints the table, in session order, identical to the single-process table.
            XCTAssertEqual(r.stdout.replacingOccurrences(of: base + "/np\(np)", with: "OUT"), table, "np \(np)")
        }
    }

    func testPartitionCoversEverySessionOnce() throws {
        var p = NetworkParameters()
        p.neuronCount = 64
        p.warmup = 50
        var seen: [Int] = []
        for index in 0..<3 {
            var o = CohortOptions(subjects: 2, sessions: 2, duration: 0.2, seed: 1, outputDirectory: nil,
                                  regimes: [.wake], parameters: p, lfp: false, threads: 1)
            o.partition = (index, 3)
            let reports = try CohortSimulator.run(o)
            XCTAssert(reports.allSatisfy { $0.job % 3 == index })
            XCTAssertEqual(reports.map(\.job), reports.map(\.job).sorted())
            for r in reports { XCTAssertEqual(r.subject, CohortSimulator.subjectID(r.job / 2)) }
            seen += reports.map(\.job)
        }
        XCTAssertEqual(seen.sorted(), [0, 1, 2, 3])
    }

    func testParameterOverridesChangeOnlyTheNamedFieldsAndRejectUnknownKeys() throws {
        var network = NetworkParameters()
        var regimes = RegimeSettings.allDefaults
        let json = #"{"network": {"weightI": 70, "connectionProbability": 0.03}, "regimes": {"wake": {"scaleEI": 1.5, "modulationDepth": 0}}}"#
        try ParameterOverrides.apply(json: Data(json.utf8), source: "p.json", network: &network, regimes: &regimes)
        var expected = NetworkParameters()
        expected.weightI = 70
        expected.connectionProbability = 0.03
        XCTAssertEqual(network, expected)
        var wake = RegimeSettings.defaults(for: .wake)
        wake.scaleEI = 1.5
        wake.modulationDepth = 0
        XCTAssertEqual(regimes[.wake], wake)
        XCTAssertEqual(regimes[.rem], RegimeSettings.defaults(for: .rem))
        for bad in [#"{"network": {"weightJ": 1}}"#, #"{"regimes": {"sleepy": {}}}"#, #"{"other": 1}"#,
                    #"{"regimes": {"wake": {"scaleEI": "big"}}}"#] {
            XCTAssertThrowsError(try ParameterOverrides.apply(json: Data(bad.utf8), source: "p.json", network: &network,
                                                              regimes: &regimes), bad)
        }
    }
}
