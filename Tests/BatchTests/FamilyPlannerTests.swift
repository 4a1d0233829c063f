import Analysis
import Batch
import XCTest

/// Shards of the METHODS §6–9 families: counts per family, keys, and balance shards unchanged.
final class FamilyPlannerTests: XCTestCase {
    func job(measures: [String], surrogates: Int = 5, perShard: Int = 2, channelsPerShard: Int = 16,
             blockUnits: Int = 4, channels: [Int]? = nil) -> JobSpec {
        var p = AnalysisParameters()
        p.scaleCount = 8
        p.surrogateCount = surrogates
        p.surrogateKinds = [.isiPermutation, .circularShift]
        var fp = FamilyParameters()
        fp.channels = channels
        return JobSpec(name: "t", jobFile: "/j/job.yaml", inputs: InputSelection(files: []), states: nil,
                       measures: measures, parameters: p, classColumn: nil, output: "/j/out",
                       surrogatesPerShard: perShard, shardGroupSize: 0, familyParameters: fp,
                       lfpChannelsPerShard: channelsPerShard, spatialBlockUnits: blockUnits)
    }

    /// 10 units, a 40-channel LFP at 1 kHz, states wake and rem.
    func recording(_ subject: String, hash: String, signal: Bool = true) -> RecordingInfo {
        RecordingInfo(path: "/d/\(subject)", contentHash: hash, subject: subject, session: "1", unitsE: 6, unitsI: 3,
                      states: [.init(name: "wake", spikes: 1000, seconds: 10), .init(name: "rem", spikes: 10, seconds: 5)],
                      readError: nil, units: 10,
                      signals: signal ? [.init(name: "LFP", channels: 40, rate: 1000, samples: 15000)] : [])
    }

    func testShardCountsPerFamily() {
        let recs = [recording("a", hash: "h1"), recording("b", hash: "h2", signal: false)]
        let plan = Planner(job: job(measures: ["avalanches", "balance", "lfp", "seizure", "spatial"]), cacheFolder: nil)
            .makePlan(recordings: recs)
        let per = plan.shardsPerMeasure
        // balance: 1 observed + 2 kinds × 3 blocks (5 surrogates, 2 per shard) = 7 per (recording, state).
        XCTAssertEqual(per["balance"], 2 * 2 * 7)
        // lfp: 40 channels in blocks of 16 = 3 shards for a; 1 (no signal: rows say why) for b; no surrogates.
        XCTAssertEqual(per["lfp"], 2 * 3 + 2 * 1)
        // spatial: pair blocks of 4 units over 10 units = 3 + 2 + 1 = 6 observed, plus 3 surrogate blocks of the
        // first kind only.
        XCTAssertEqual(per["spatial"], 2 * 2 * (6 + 3))
        XCTAssertEqual(per["avalanches"], 2 * 2 * (1 + 3))
        XCTAssertEqual(per["seizure"], 2 * 2 * (1 + 3))
        XCTAssertEqual(plan.shards.count, per.values.reduce(0, +))
        XCTAssertEqual(Set(plan.shards.map(\.key)).count, plan.shards.count, "keys must be unique")
        XCTAssertEqual(plan.shards.map(\.index), Array(plan.shards.indices))
        XCTAssertEqual(plan.groupCount, 2, "one group per recording")
        XCTAssertTrue(plan.shards.allSatisfy { $0.group == $0.recording })
        XCTAssertEqual(plan.pairs.count, 4, "balance pairs")
        XCTAssertEqual(plan.familyUnits.count, 2 * 2 * 4)
        XCTAssertEqual(plan.recordingStates, 4)

        let lfpA = plan.shards.filter { $0.family == .lfp && $0.recording == 0 && $0.state == "wake" }
        XCTAssertEqual(lfpA.map { "\($0.part!)" }, ["ch0-15", "ch16-31", "ch32-39"])
        XCTAssertTrue(lfpA.allSatisfy { $0.block == .observed })
        XCTAssertEqual(plan.shards.filter { $0.family == .lfp && $0.recording == 1 }.map { "\($0.part!)" }, ["all", "all"])
        let spatialSurrogates = plan.shards.filter { $0.family == .spatial && $0.block != .observed }
        XCTAssertTrue(spatialSurrogates.allSatisfy { $0.block.kind == .isiPermutation && $0.part == .whole })
        let pairs = plan.shards.filter { $0.family == .spatial && $0.block == .observed && $0.recording == 0
            && $0.state == "wake" }.map { "\($0.part!)" }
        XCTAssertEqual(pairs, ["pairs0-3x0-3", "pairs0-3x4-7", "pairs0-3x8-9", "pairs4-7x4-7", "pairs4-7x8-9",
                               "pairs8-9x8-9"])
        // Costs are positive and the lfp blocks scale with their channel count.
        XCTAssertTrue(plan.shards.allSatisfy { $0.cost > 0 })
        XCTAssertEqual(lfpA[0].cost / lfpA[2].cost, 16.0 / 8.0, accuracy: 1e-9)

        let report = PlanReport(plan: plan)
        XCTAssertEqual(report.totals.shardsPerFamily, per)
        XCTAssertTrue(report.text().contains("shards per family: avalanches 16, balance 28, lfp 8, seizure 16, spatial 36"),
                      report.text())
    }

    func testBalanceShardsAreUnchangedByFamilies() {
        let recs = [recording("a", hash: "h1"), recording("b", hash: "h2")]
        let balance = Planner(job: job(measures: ["balance"]), cacheFolder: nil).makePlan(recordings: recs)
        let all = Planner(job: job(measures: ["balance", "lfp", "spatial"]), cacheFolder: nil).makePlan(recordings: recs)
        XCTAssertEqual(all.shards.filter { $0.family == nil }.map(\.key), balance.shards.map(\.key),
                       "adding families must keep (and reuse) the balance shards")
        XCTAssertTrue(balance.shards.allSatisfy { $0.family == nil && $0.part == nil })
        XCTAssertEqual(balance.shards.map(\.index), Array(balance.shards.indices))
        XCTAssertEqual(all.pairs.map(\.shards.count), balance.pairs.map(\.shards.count))
    }

    func testFamilyKeysDependOnFamilyParametersAndSeed() {
        let r = [recording("a", hash: "h1")]
        let base = Planner(job: job(measures: ["avalanches"]), cacheFolder: nil).makePlan(recordings: r)
        var seeded = job(measures: ["avalanches"])
        seeded.parameters.seed = 1
        seeded.familyParameters.seed = 1
        let other = Planner(job: seeded, cacheFolder: nil).makePlan(recordings: r)
        XCTAssertTrue(zip(base.shards, other.shards).allSatisfy { $0.key != $1.key })
        var binned = job(measures: ["avalanches"])
        binned.familyParameters.avalancheBinsMs = [2, 4]
        XCTAssertNotEqual(Planner(job: binned, cacheFolder: nil).makePlan(recordings: r).shards[0].key, base.shards[0].key)
        // More surrogates reuse the finished blocks.
        let more = Planner(job: job(measures: ["avalanches"], surrogates: 9), cacheFolder: nil).makePlan(recordings: r)
        XCTAssertEqual(Array(more.shards.map(\.key).prefix(3)), Array(base.shards.map(\.key).prefix(3)))
    }

    func testChosenChannelsAndWholeMatrix() {
        let plan = Planner(job: job(measures: ["lfp", "spatial"], channelsPerShard: 2, blockUnits: 0,
                                    channels: [1, 5, 7]), cacheFolder: nil)
            .makePlan(recordings: [recording("a", hash: "h1")])
        let wake = plan.shards.filter { $0.state == "wake" }
        XCTAssertEqual(wake.filter { $0.family == .lfp }.map { "\($0.part!)" }, ["ch1,5", "ch7"])
        XCTAssertEqual(wake.filter { $0.family == .spatial && $0.block == .observed }.map { "\($0.part!)" },
                       ["pairs0-9x0-9"])
    }
}

extension FamilyPlannerTests {
    func testAParameterOfOneFamilyChangesOnlyThatFamilysKeys() {
        var rec = recording("a", hash: "h1")
        rec.signals = [.init(name: "LFP", channels: 40, rate: 1000, samples: 15000),
                       .init(name: "ECoG", channels: 40, rate: 1000, samples: 15000)]
        let r = [rec]
        let measures = ["balance", "lfp", "spatial", "avalanches", "seizure"]
        let base = Planner(job: job(measures: measures), cacheFolder: nil).makePlan(recordings: r)
        func changed(_ edit: (inout FamilyParameters) -> Void) -> Set<String> {
            var j = job(measures: measures)
            edit(&j.familyParameters)
            let other = Planner(job: j, cacheFolder: nil).makePlan(recordings: r)
            return Set(zip(base.shards, other.shards).filter { $0.key != $1.key }.map { $0.0.measureName })
        }
        XCTAssertEqual(changed { $0.coherenceChannels = [0] }, ["seizure"])
        XCTAssertEqual(changed { $0.welchWindowSeconds = 4 }, ["lfp"])
        XCTAssertEqual(changed { $0.spatialBinsMs = [20] }, ["spatial"])
        XCTAssertEqual(changed { $0.minimumAvalanches = 10 }, ["avalanches"])
        // Shared fields reach every family.
        XCTAssertEqual(changed { $0.signalIndex = 1 }, ["lfp", "spatial", "avalanches", "seizure"])
        XCTAssertTrue(FamilyParameterKeys.keys.contains("coherence_channels"))
    }
}
