import Analysis
import Batch
import Foundation
import Recordings
import XCTest

/// Issue 18 items 3 and 7 in sweeps: the job keys `state_table`, `state_column`, `ignore_epochs`, `units_path`
/// reach every read (planning and shards), and a recording with nothing to analyse is a failed shard whose
/// message gives the reason.
final class JobSpecReadOptionsTests: XCTestCase {
    let jobFile = "/jobs/cohort/job.yaml"

    func testKeysParseIntoReadOptionsAndLeaveDefaultKeysUnchanged() throws {
        let spec = try JobSpec.parse(yaml: """
        inputs: data
        output: out
        class_column: gt_class
        state_table: hypnogram
        state_column: stage
        ignore_epochs: true
        units_path: /acquisition/UnitsTest
        """, jobFile: jobFile)
        XCTAssertEqual(spec.readOptions, ReadOptions(classColumn: "gt_class", stateTable: "hypnogram", stateColumn: "stage",
                                                     ignoreEpochs: true, unitsPath: "/acquisition/UnitsTest"))
        XCTAssertNotEqual(spec.readKey, "gt_class", "a changed reading choice must change the shard keys")
        let plain = try JobSpec.parse(yaml: "inputs: data\noutput: out\nclass_column: gt_class\n", jobFile: jobFile)
        XCTAssertEqual(plain.readKey, "gt_class", "without the new keys, shard keys are those of before")
        XCTAssertEqual(plain.readOptions, ReadOptions(classColumn: "gt_class"))
        // job.json round trip
        let back = try JSONDecoder().decode(JobSpec.self, from: JSONEncoder().encode(spec))
        XCTAssertEqual(back, spec)
    }

    func testBadIgnoreEpochsNamesFileLineAndKey() {
        XCTAssertThrowsError(try JobSpec.parse(yaml: "inputs: data\noutput: out\nignore_epochs: maybe\n", jobFile: jobFile)) { e in
            XCTAssertTrue("\(e)".hasPrefix("\(jobFile):3: key 'ignore_epochs'"), "\(e)")
            XCTAssertTrue("\(e)".contains("true or false"), "\(e)")
        }
    }

    private func writeFolder(_ root: URL, _ name: String, units: String, states: String) throws {
        let d = root.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        var spikes = "unit_id,time_s\n"
        for u in 1...4 { for k in 0..<200 { spikes += "\(u),\(Double(k) * 0.1 + Double(u) * 0.013)\n" } }
        try spikes.write(to: d.appendingPathComponent("spikes.csv"), atomically: true, encoding: .utf8)
        try units.write(to: d.appendingPathComponent("units.csv"), atomically: true, encoding: .utf8)
        try states.write(to: d.appendingPathComponent("states.csv"), atomically: true, encoding: .utf8)
    }

    func testPlanReadsWithTheJobsChoicesAndNothingToAnalyseFailsTheShard() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("symedge-readopts-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try writeFolder(root.appendingPathComponent("data"), "sub-a_ses-1", units: "unit_id,class\n1,E\n2,E\n3,I\n4,I\n",
                        states: "start_s,stop_s,stage\n0,10,wake\n10,20,rem\n")
        try writeFolder(root.appendingPathComponent("data"), "sub-b_ses-1", units: "unit_id,class\n1,E\n2,E\n3,E\n4,E\n",
                        states: "start_s,stop_s,stage\n0,20,wake\n")
        let jobPath = root.appendingPathComponent("job.yaml").path
        let yaml = "inputs: data\noutput: out\nsurrogates: 0\nscales: 8\nstate_column: stage\n"
        let spec = try JobSpec.parse(yaml: yaml, jobFile: jobPath)
        let plan = try Planner(job: spec, cacheFolder: nil).plan()
        XCTAssertEqual(plan.recordings.map { $0.readError }, [nil, nil])
        XCTAssertEqual(plan.recordings[0].states.map(\.name), ["wake", "rem"], "states from the job's state_column")
        // Without state_column the reader looks for `state` and cannot read the states.
        let without = try Planner(job: try JobSpec.parse(yaml: "inputs: data\noutput: out\n", jobFile: jobPath),
                                  cacheFolder: nil).plan()
        XCTAssertTrue(without.recordings.allSatisfy { $0.readError != nil })

        let computer = AnalysisShardComputer()
        let good = try XCTUnwrap(plan.shards.first { $0.recording == 0 && $0.family == nil })
        XCTAssertNoThrow(try computer.compute(shard: good, plan: plan))
        let bad = try XCTUnwrap(plan.shards.first { $0.recording == 1 && $0.family == nil })
        XCTAssertThrowsError(try computer.compute(shard: bad, plan: plan)) { e in
            XCTAssertTrue("\(e)".contains("nothing to analyse: no I units"), "\(e)")
        }
    }
}
