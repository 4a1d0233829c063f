import Foundation
import XCTest
import Scheduler

final class SubmitterTests: XCTestCase {
    func testParseJobID() throws {
        XCTAssertEqual(try SlurmSubmitter.parseJobID("123\n"), "123")
        XCTAssertEqual(try SlurmSubmitter.parseJobID("456;cluster2\n"), "456")
        XCTAssertThrowsError(try SlurmSubmitter.parseJobID("Submitted batch job 7\n"))
        XCTAssertThrowsError(try SlurmSubmitter.parseJobID(""))
    }

    func testArraySubmissionChainsReduceAndRecordsJobs() throws {
        let out = try makeTempDir("submit")
        defer { try? FileManager.default.removeItem(at: out) }
        let runner = FakeRunner(answers: ["sbatch": [CommandResult(status: 0, stdout: "41\n", stderr: ""),
                                                     CommandResult(status: 0, stdout: "42\n", stderr: "")]])
        let s = SlurmSubmitter(renderer: ScriptRenderer(templates: try templates()), runner: runner)
        let target = try SweepTarget(jobSpec: "/j/demo.yaml", outDir: out.path, symedge: "/usr/bin/symedge")
        let plan = try s.plan(mode: .array, target: target, options: try SlurmOptions(arrayParallelism: 2),
                              groups: [3, 7, 12], groupCount: 13, origin: "rerun-failed")
        XCTAssertEqual(plan.scripts.map(\.fileName), ["001-array.sbatch", "001-reduce.sbatch"])
        XCTAssertTrue(plan.scripts[0].text.contains("#SBATCH --array=3,7,12%2\n"))
        XCTAssertTrue(plan.scripts[0].text.contains("3 of 13 groups"))
        try s.write(plan)
        let sub = try s.submit(plan, outDir: out.path)
        let slurmDir = out.appendingPathComponent("slurm").path
        XCTAssertEqual(runner.calls, [
            .init(command: "sbatch", arguments: ["--parsable", "001-array.sbatch"], cwd: slurmDir),
            .init(command: "sbatch", arguments: ["--parsable", "--dependency=afterany:41", "001-reduce.sbatch"], cwd: slurmDir),
        ])
        XCTAssertEqual(sub.jobs.map(\.id), ["41", "42"])
        XCTAssertEqual(sub.jobs[0].groups, [3, 7, 12])
        XCTAssertTrue(FileManager.default.fileExists(atPath: slurmDir + "/logs"))
        let record = try JobsRecord.load(outDir: out.path)
        XCTAssertEqual(record.submissions, [sub])
        // The next plan is numbered 2 and does not overwrite.
        let next = try s.plan(mode: .mpi, target: target, options: try SlurmOptions(), groups: [], groupCount: 13)
        XCTAssertEqual(next.scripts.map(\.fileName), ["002-mpi.sbatch"])
    }

    func testFailedReduceSubmissionStillRecordsTheArray() throws {
        let out = try makeTempDir("submitfail")
        defer { try? FileManager.default.removeItem(at: out) }
        let runner = FakeRunner(answers: ["sbatch": [CommandResult(status: 0, stdout: "50\n", stderr: ""),
                                                     CommandResult(status: 1, stdout: "", stderr: "sbatch: error: boom")]])
        let s = SlurmSubmitter(renderer: ScriptRenderer(templates: try templates()), runner: runner)
        let target = try SweepTarget(jobSpec: "/j/demo.yaml", outDir: out.path, symedge: "/usr/bin/symedge")
        let plan = try s.plan(mode: .array, target: target, options: try SlurmOptions(), groups: [0, 1], groupCount: 2)
        try s.write(plan)
        XCTAssertThrowsError(try s.submit(plan, outDir: out.path)) { e in
            XCTAssertTrue("\(e)".contains("boom"), "\(e)")
        }
        XCTAssertEqual(try JobsRecord.load(outDir: out.path).allJobs.map(\.id), ["50"])
    }
}
