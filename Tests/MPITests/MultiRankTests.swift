import Foundation
import TestSupport
import XCTest

/// Real multi-rank runs: `mpirun -np 2` and `-np 4` (oversubscribed) on `symedge mpi-check`
/// and on the `mpi-test-helper` executable.
final class MultiRankTests: XCTestCase {
    /// The directory holding the built executables: next to SYMEDGE_BIN, else .build/release or .build/debug.
    static func binDir() throws -> URL { try Repository.productsFolder(containing: "mpi-test-helper") }

    struct Run { let status: Int32; let output: String }

    func mpirun(_ np: Int, _ exe: String, _ args: [String], timeout: TimeInterval = 120) throws -> Run {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try Repository.mpirun())
        p.arguments = ["--allow-run-as-root", "--oversubscribe", "-np", "\(np)",
                       try Self.binDir().appendingPathComponent(exe).path] + args
        var env = ProcessInfo.processInfo.environment
        for k in env.keys where k.hasPrefix("OMPI_") || k.hasPrefix("PMIX_") || k.hasPrefix("OPAL_") { env[k] = nil }
        p.environment = env
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let deadline = Date().addingTimeInterval(timeout)
        var data = Data()
        let reader = pipe.fileHandleForReading
        while p.isRunning && Date() < deadline { data.append(reader.availableData) }
        if p.isRunning { p.terminate(); XCTFail("mpirun -np \(np) \(exe) timed out") }
        p.waitUntilExit()
        data.append(reader.readDataToEndOfFile())
        return Run(status: p.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }

    func testMPICheckOnTwoAndFourRanks() throws {
        for np in [2, 4] {
            let r = try mpirun(np, "symedge", ["mpi-check"])
            XCTAssertEqual(r.status, 0, r.output)
            XCTAssertTrue(r.output.contains("mpi-check: PASSED on \(np) rank(s)"), r.output)
            for rank in 0..<np {
                XCTAssertTrue(r.output.contains("rank \(rank)/\(np): allreduce(1000000) OK, gatherv OK"), r.output)
            }
        }
    }

    func testCollectivesWithDifferentLengthsPerRank() throws {
        for np in [2, 4] {
            let r = try mpirun(np, "mpi-test-helper", ["collectives"])
            XCTAssertEqual(r.status, 0, r.output)
            // Rank k sent 2k+1 doubles.
            XCTAssertTrue(r.output.contains("gatherv counts=\((0..<np).map { 2 * $0 + 1 })"), r.output)
            XCTAssertTrue(r.output.contains("allreduce[0]=\(Double(np * (np + 1) / 2))"), r.output)
            XCTAssertEqual(r.output.components(separatedBy: "collectives OK").count - 1, np, r.output)
        }
    }

    func testTaggedPointToPointAndProbe() throws {
        let r = try mpirun(4, "mpi-test-helper", ["pingpong"])
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertTrue(r.output.contains("rank 0 pingpong OK with 3 peers"), r.output)
    }

    func testFailingRankMakesMpirunFail() throws {
        let r = try mpirun(2, "mpi-test-helper", ["fail-rank1"], timeout: 60)
        XCTAssertNotEqual(r.status, 0, r.output)
        XCTAssertTrue(r.output.contains("rank 1 exiting with 3"), r.output)
    }
}
