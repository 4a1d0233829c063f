import Analysis
import Batch
import Foundation
import XCTest

/// Issue 18 item 9: `plan` prints estimated CPU time (built-in rate measured on this machine, or calibrated on the
/// ledger of a previous run in the output folder), not a cost in undefined units such as "8557.74G".
final class PlanEstimateTests: XCTestCase {
    private func plan(output: String) -> SweepPlan {
        var p = AnalysisParameters()
        p.scaleCount = 32
        p.surrogateCount = 4
        p.surrogateKinds = [.isiPermutation]
        let job = JobSpec(name: "t", jobFile: "/j/job.yaml", inputs: InputSelection(files: []), states: nil,
                          measures: ["balance"], parameters: p, classColumn: nil, output: output,
                          surrogatesPerShard: 2, shardGroupSize: 0, familyParameters: FamilyParameters(),
                          lfpChannelsPerShard: 16, spatialBlockUnits: 4)
        let rec = RecordingInfo(path: "/d/a", contentHash: "h1", subject: "a", session: "1", unitsE: 6, unitsI: 3,
                                states: [.init(name: "wake", spikes: 30_000_000, seconds: 3600)], readError: nil,
                                units: 10, signals: [])
        return Planner(job: job, cacheFolder: nil).makePlan(recordings: [rec])
    }

    func testDurationsAreReadable() {
        XCTAssertEqual(PlanReport.duration(0.42), "0.4 s")
        XCTAssertEqual(PlanReport.duration(42), "42 s")
        XCTAssertEqual(PlanReport.duration(200), "3 min 20 s")
        XCTAssertEqual(PlanReport.duration(7500), "2 h 05 min")
        XCTAssertEqual(PlanReport.duration(3 * 86400 + 4 * 3600), "3 d 04 h")
    }

    func testTextPrintsCPUTimeAtTheBuiltInRate() {
        let p = plan(output: "/j/out")
        let r = PlanReport(plan: p)
        // 30 M spikes × 32 scales × (1 + 2 + 2 members) = 4.8e9 units at 1.2e8 units/s = 40 s.
        XCTAssertEqual(r.totals.cost, 30e6 * 32 * 5)
        XCTAssertEqual(r.totals.cpuSeconds, 40, accuracy: 1e-9)
        XCTAssertEqual(r.shards.map(\.cpuSeconds).reduce(0, +), 40, accuracy: 1e-9)
        let text = r.text()
        XCTAssertTrue(text.contains("estimated CPU time (one core): total 40 s, largest shard 16 s"), text)
        XCTAssertTrue(text.contains("at 120.00M units per CPU second, built-in"), text)
        XCTAssertTrue(text.split(separator: "\n")[0].contains("cpu"), text)
        XCTAssertFalse(text.contains("estimated cost"), text)
        XCTAssertTrue(try r.json().contains("\"cpu_seconds\""))
    }

    func testLedgerOfAPreviousRunCalibratesTheRateAndGivesTheRemainingTime() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("plan-estimate-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let p = plan(output: root.path)
        let folder = SweepFolder(root.path)
        try folder.create()
        try folder.savePlan(p)
        XCTAssertNil(CostCalibration.fromLedger(folder), "no finished shard yet")
        let ledger = try Ledger(path: folder.ledgerPath(group: nil))
        // The two largest shards took 10 s and 30 s: (1.92e9 + 1.92e9) units / 40 s = 9.6e7 units/s.
        let big = p.shards.sorted { $0.cost > $1.cost }.prefix(2)
        for (s, secs) in zip(big, [10.0, 30.0]) { try ledger.append(LedgerEntry(event: "done", key: s.key, seconds: secs)) }
        try ledger.append(LedgerEntry(event: "failed", key: p.shards[0].key, seconds: 99))
        let c = try XCTUnwrap(CostCalibration.fromLedger(folder))
        XCTAssertEqual(c.unitsPerSecond, big.reduce(0) { $0 + $1.cost } / 40, accuracy: 1e-6)
        XCTAssertTrue(c.source.contains("2 finished shards"), c.source)
        let r = PlanReport(plan: p, calibration: c, done: CostCalibration.doneKeys(folder))
        XCTAssertEqual(r.totals.remainingShards, p.shards.count - 2)
        XCTAssertEqual(r.totals.cpuSeconds, p.totalCost / c.unitsPerSecond, accuracy: 1e-9)
        XCTAssertTrue(r.text().contains("remaining \(PlanReport.duration(r.totals.remainingCPUSeconds)) for "
                                        + "\(p.shards.count - 2) shards not yet done"), r.text())
        XCTAssertTrue(r.text().contains("from the ledger of the previous run"), r.text())
    }
}
