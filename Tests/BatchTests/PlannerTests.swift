import Analysis
import Batch
import XCTest

final class PlannerTests: XCTestCase {
    func job(surrogates: Int = 5, perShard: Int = 2, groupSize: Int = 0, states: [String]? = nil) -> JobSpec {
        var p = AnalysisParameters()
        p.scaleCount = 8
        p.surrogateCount = surrogates
        p.surrogateKinds = [.isiPermutation, .circularShift]
        return JobSpec(name: "t", jobFile: "/j/job.yaml", inputs: InputSelection(files: []), states: states,
                       measures: ["balance"], parameters: p, classColumn: nil, output: "/j/out",
                       surrogatesPerShard: perShard, shardGroupSize: groupSize)
    }

    func recording(_ subject: String, hash: String, states: [(String, Int)], error: String? = nil) -> RecordingInfo {
        RecordingInfo(path: "/d/\(subject)", contentHash: hash, subject: subject, session: "1", unitsE: 4, unitsI: 2,
                      states: states.map { .init(name: $0.0, spikes: $0.1, seconds: 10) }, readError: error)
    }

    func testBlocksCoverEverySurrogateOnce() {
        let b = Planner.blocks(surrogates: 5, kinds: [.isiPermutation, .circularShift], perShard: 2)
        XCTAssertEqual(b.map(\.description), ["observed", "isi_permutation[0-1]", "isi_permutation[2-3]",
                                              "isi_permutation[4-4]", "circular_shift[0-1]", "circular_shift[2-3]",
                                              "circular_shift[4-4]"])
        let members = b.flatMap(\.members)
        XCTAssertEqual(members.count, 11)
        XCTAssertEqual(Set(members).count, 11)
        XCTAssertEqual(Planner.blocks(surrogates: 0, kinds: [.isiPermutation], perShard: 3), [.observed])
    }

    func testShardsKeysCostsAndGroups() {
        let recs = [recording("a", hash: "h1", states: [("wake", 1000), ("rem", 10)]),
                    recording("b", hash: "h2", states: [("wake", 500)])]
        let plan = Planner(job: job(), cacheFolder: nil).makePlan(recordings: recs)
        XCTAssertEqual(plan.shards.count, 3 * 7)
        XCTAssertEqual(plan.groupCount, 2)
        XCTAssertEqual(Set(plan.shards.map(\.key)).count, plan.shards.count, "keys must be unique")
        XCTAssertEqual(plan.shards.map(\.index), Array(0..<21))
        XCTAssertEqual(plan.shards.filter { $0.group == 0 }.count, 14)
        // cost = spikes × scales × members
        XCTAssertEqual(plan.shards[0].cost, 1000 * 8 * 1)
        XCTAssertEqual(plan.shards[1].cost, 1000 * 8 * 2)
        XCTAssertEqual(plan.pairs.count, 3)
        XCTAssertEqual(plan.scaleBand, "1-8")

        let grouped = Planner(job: job(groupSize: 4), cacheFolder: nil).makePlan(recordings: recs)
        XCTAssertEqual(grouped.shards.map(\.group), [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 4, 4, 4, 4, 5, 5, 5])
        XCTAssertEqual(grouped.groupCount, 6)
    }

    func testKeysDependOnContentStateParametersButNotOnSurrogateCount() {
        let r = [recording("a", hash: "h1", states: [("wake", 100)])]
        let base = Planner(job: job(), cacheFolder: nil).makePlan(recordings: r)
        let more = Planner(job: job(surrogates: 9), cacheFolder: nil).makePlan(recordings: r)
        XCTAssertEqual(base.shards[0].key, more.shards[0].key, "adding surrogates must reuse the observed shard")
        XCTAssertEqual(base.shards[1].key, more.shards[1].key)
        let changed = Planner(job: job(), cacheFolder: nil)
            .makePlan(recordings: [recording("a", hash: "h1-new", states: [("wake", 100)])])
        XCTAssertTrue(zip(base.shards, changed.shards).allSatisfy { $0.key != $1.key })
        var j = job(); j.parameters.maxLagBins = 7
        let other = Planner(job: j, cacheFolder: nil).makePlan(recordings: r)
        XCTAssertNotEqual(base.shards[0].key, other.shards[0].key)
    }

    func testStatesFilterAndUnreadableRecordings() {
        let recs = [recording("a", hash: "h1", states: [("wake", 10)]),
                    recording("b", hash: "h2", states: [], error: "spikes.csv: line 3: bad")]
        let p = Planner(job: job(states: ["wake", "rem"]), cacheFolder: nil).makePlan(recordings: recs)
        XCTAssertEqual(p.skipped, ["a/1 rem: no epochs"])
        XCTAssertEqual(p.shards.filter { $0.recording == 0 }.count, 7)
        XCTAssertEqual(p.shards.filter { $0.recording == 1 }.count, 14, "an unreadable input keeps the named states")
        let all = Planner(job: job(), cacheFolder: nil).makePlan(recordings: recs)
        XCTAssertEqual(all.shards.filter { $0.recording == 1 }.map(\.state), Array(repeating: "*", count: 7))
    }
}
