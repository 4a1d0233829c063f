import Foundation
import XCTest
import Scheduler

final class QueueParsingTests: XCTestCase {
    func testSqueue() {
        // Captured from `squeue -h -r -t all -o '%i|%T|%r|%M'` on the local Slurm 22.05 cluster.
        let text = """
        4_0|COMPLETED|None|0:02
        4_2|FAILED|NonZeroExitCode|0:01
        4_[3-5%2]|PENDING|JobArrayTaskLimit|0:00
        5|PENDING|Dependency|0:00

        """
        let e = SqueueParser.parse(text)
        XCTAssertEqual(e.count, 4)
        XCTAssertEqual(e[1].baseID, "4")
        XCTAssertEqual(e[1].taskIndex, 2)
        XCTAssertEqual(e[1].state, "FAILED")
        XCTAssertEqual(e[2].taskID, "[3-5%2]")
        XCTAssertNil(e[2].taskIndex)
        XCTAssertNil(e[3].taskID)
        XCTAssertEqual(e[3].detail, "Dependency")
    }

    func testSacct() {
        let text = """
        12_0|COMPLETED|0:0|00:00:03
        12_1|FAILED|1:0|00:00:01
        12_1.batch|FAILED|1:0|00:00:01
        13|CANCELLED by 0|0:15|00:00:00
        12_[2-3]|PENDING|0:0|00:00:00
        """
        let e = SacctParser.parse(text)
        XCTAssertEqual(e.map(\.jobID), ["12_0", "12_1", "13", "12_[2-3]"])
        XCTAssertEqual(e[2].state, "CANCELLED")
        XCTAssertEqual(e[1].detail, "1:0")
        XCTAssertTrue(SacctParser.accountingDisabled("Slurm accounting storage is disabled\n"))
        XCTAssertFalse(SacctParser.accountingDisabled(""))
    }

    func testStatusCombinesSqueueAndReportsFailedTasks() throws {
        let record = JobsRecord(submissions: [
            Submission(sequence: 1, submitted: "t", origin: "submit", mode: .array, jobs: [
                SubmittedJob(id: "4", kind: .array, script: "001-array.sbatch", array: "0-2", groups: [0, 1, 2]),
                SubmittedJob(id: "5", kind: .reduce, script: "001-reduce.sbatch", dependency: "afterany:4"),
            ]),
            Submission(sequence: 2, submitted: "t", origin: "rerun-failed", mode: .array, jobs: [
                SubmittedJob(id: "3", kind: .array, script: "002-array.sbatch", array: "1", groups: [1]),
            ]),
        ])
        let runner = FakeRunner(answers: [
            "squeue": [CommandResult(status: 0, stdout: "4_0|COMPLETED|None|0:02\n4_1|FAILED|NonZeroExitCode|0:01\n4_2|COMPLETED|None|0:02\n", stderr: ""),
                       CommandResult(status: 0, stdout: "5|COMPLETED|None|0:01\n", stderr: ""),
                       CommandResult(status: 1, stdout: "", stderr: "slurm_load_jobs error: Invalid job id specified")],
            "sacct": [CommandResult(status: 1, stdout: "", stderr: "Slurm accounting storage is disabled\n")],
        ])
        let (jobs, usedSacct) = try SlurmStatusQuery(runner: runner).status(of: record)
        XCTAssertFalse(usedSacct)
        XCTAssertEqual(jobs.map(\.source), ["squeue", "squeue", "none"])
        XCTAssertEqual(jobs[0].failedTasks, [1])
        XCTAssertEqual(jobs[0].summary, "COMPLETED 2, FAILED 1 (failed tasks 1)")
        XCTAssertEqual(jobs[1].summary, "COMPLETED")
        let lines = SlurmStatusQuery.format(jobs, usedSacct: usedSacct)
        XCTAssertEqual(lines.count, 4)
        XCTAssertTrue(lines[1].contains("array job 4 array=0-2: COMPLETED 2, FAILED 1"), lines[1])
        XCTAssertTrue(lines[2].contains("after afterany:4"), lines[2])
    }
}
