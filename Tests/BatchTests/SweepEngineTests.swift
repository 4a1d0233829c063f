import Analysis
import Batch
import Foundation
import Logging
import MPI
import XCTest

/// A computer with closed-form values: member m of recording r gets `r_bar = base(r) + offset(m)`.
final class FormulaComputer: ShardComputer {
    let failing: String?
    init(failing: String?) { self.failing = failing }
    func compute(shard: Shard, plan: SweepPlan) throws -> [Member: MeasureSet] {
        let rec = plan.recordings[shard.recording]
        if rec.subject == failing { throw BatchError.io(path: rec.path, message: "corrupt test input") }
        var out: [Member: MeasureSet] = [:]
        for m in shard.block.members {
            var s = MeasureSet()
            let offset: Double
            switch m { case .observed: offset = 1; case let .surrogate(_, i): offset = Double(i) * 0.125 }
            s.values[MeasureKey("r_bar")] = Double(rec.subject.utf8.first!) / 100 + offset
            for scale in 1...plan.job.parameters.scaleCount {
                s.values[MeasureKey("pearson_r", scale: scale)] = offset / Double(scale)
            }
            out[m] = s
        }
        return out
    }
}

final class SweepEngineTests: XCTestCase {
    func plan(out: String) -> SweepPlan {
        var p = AnalysisParameters()
        p.scaleCount = 4
        p.surrogateCount = 3
        p.surrogateKinds = [.isiPermutation]
        let job = JobSpec(name: "t", jobFile: "/j/job.yaml", inputs: InputSelection(), states: nil,
                          measures: ["balance"], parameters: p, classColumn: nil, output: out,
                          surrogatesPerShard: 2, shardGroupSize: 0, bootstrapResamples: 20)
        let recs = ["a", "b", "c"].map {
            RecordingInfo(path: "/d/\($0)", contentHash: "hash-\($0)", subject: $0, session: "1", unitsE: 3, unitsI: 1,
                          states: [.init(name: "wake", spikes: 100, seconds: 10), .init(name: "rem", spikes: 50, seconds: 5)],
                          readError: nil)
        }
        return Planner(job: job, cacheFolder: nil).makePlan(recordings: recs)
    }

    func testSingletonSweepFailureIsolationAndResume() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("engine-\(getpid())-\(Int.random(in: 0...1_000_000))")
        defer { try? FileManager.default.removeItem(at: dir) }
        let plan = self.plan(out: dir.path)
        XCTAssertEqual(plan.shards.count, 3 * 2 * 3)
        let folder = SweepFolder(dir.path)
        let world = try MPIEnvironment.initialize()
        let log = Logger(label: "test")

        let first = try XCTUnwrap(try Sweep.execute(plan: plan, folder: folder, world: world, options: SweepOptions(),
                                                    factory: { FormulaComputer(failing: "b") }, logger: log))
        XCTAssertEqual(first.succeeded, 12)
        XCTAssertEqual(first.failures.count, 6)
        XCTAssertTrue(first.failures.allSatisfy { $0.file == "/d/b" && $0.message.contains("corrupt test input") })
        let status = SweepStatus.compute(plan: plan, folder: folder)
        XCTAssertEqual(status.done, 12)
        XCTAssertEqual(status.failed.count, 6)
        XCTAssertEqual(status.pending, 0)
        XCTAssertEqual(SweepStatus.verify(folder: folder), [])
        let partial = try Reductions.run(plan: plan, folder: folder)
        XCTAssertEqual(partial.pairsReduced, 4)
        XCTAssertEqual(partial.pairsIncomplete.count, 2)

        // Resume: only b's shards run.
        let second = try XCTUnwrap(try Sweep.execute(plan: plan, folder: folder, world: world, options: SweepOptions(),
                                                     factory: { FormulaComputer(failing: nil) }, logger: log))
        XCTAssertEqual(second.alreadyDone, 12)
        XCTAssertEqual(second.succeeded, 6)
        XCTAssertEqual(SweepStatus.compute(plan: plan, folder: folder).done, 18)
        let full = try Reductions.run(plan: plan, folder: folder)
        XCTAssertEqual(full.pairsReduced, 6)
        XCTAssertEqual(full.pairsIncomplete, [])
        let measures = try String(contentsOfFile: dir.appendingPathComponent("tables/measures.csv").path, encoding: .utf8)
        XCTAssertTrue(measures.hasPrefix(TidyCSV.measuresHeader.joined(separator: ",")), measures)

        // The surrogate values of a's wake state reach the tables: mean of r_bar over surrogates 0,1,2.
        let rows = try TidyCSV.readOrderParameters(
            try String(contentsOfFile: dir.appendingPathComponent("tables/order_parameters.csv").path, encoding: .utf8))
        if let r = rows.first(where: { $0.subject == "a" && $0.state == "wake" && $0.measure == "r_bar" }) {
            XCTAssertEqual(r.value ?? .nan, 0.97 + 1, accuracy: 1e-12)
            XCTAssertEqual(r.surrogateMean ?? .nan, 0.97 + 0.125, accuracy: 1e-12)
        }

        // Group mode runs only that group's shards.
        let groupDir = dir.appendingPathComponent("g")
        let g = try XCTUnwrap(try Sweep.execute(plan: plan, folder: SweepFolder(groupDir.path), world: world,
                                                options: SweepOptions(group: 1),
                                                factory: { FormulaComputer(failing: nil) }, logger: log))
        XCTAssertEqual(g.planned, 6)
        XCTAssertEqual(g.succeeded, 6)
        XCTAssertTrue(FileManager.default.fileExists(atPath: SweepFolder(groupDir.path).ledgerPath(group: 1)))
        XCTAssertThrowsError(try Sweep.execute(plan: plan, folder: SweepFolder(groupDir.path), world: world,
                                               options: SweepOptions(group: 3),
                                               factory: { FormulaComputer(failing: nil) }, logger: log))
    }
}
