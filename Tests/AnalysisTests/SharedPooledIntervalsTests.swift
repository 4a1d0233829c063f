@testable import Analysis
import Foundation
import Kernels
import Recordings
import XCTest

/// The ISI members of a state shuffling from one shared pooled sort (`SharedPooledIntervals`, issue 15): the same
/// counts and values as the per-member path, whatever the thread count and the order in which members are taken.
final class SharedPooledIntervalsTests: XCTestCase {
    /// Counts of every scale of ISI members loaded through a shared `SharedPooledIntervals` equal, bit for bit, those
    /// of a workspace that sorts the pooled trains for each member; the shared copy is released after its last use.
    func testSharedPooledTrainGivesThePerMemberCounts() throws {
        let rec = ComputeTests.recording()
        var plain = try StateWorkspace(recording: rec, recordingID: "sub/ses", state: "wake",
                                       parameters: AnalysisParameters())
        XCTAssertTrue(plain.multi, "the windowed pass (where the pooled sort is shared)")
        var shared = plain
        let cache = SharedPooledIntervals(uses: 3)
        shared.sharedPooled = cache
        for k in [2, 0, 1] {
            let m = Member.surrogate(.isiPermutation, k)
            plain.load(m, spikes: rec.spikes)
            shared.load(m, spikes: rec.spikes)
            XCTAssertEqual(shared.multiE.binCounts, plain.multiE.binCounts)
            for s in plain.multiE.widths.indices {
                let n = plain.multiE.binCounts[s]
                XCTAssertEqual(Array(shared.multiE.counts[s][0 ..< n]), Array(plain.multiE.counts[s][0 ..< n]),
                               "E, member \(k), scale \(s + 1)")
                XCTAssertEqual(Array(shared.multiI.counts[s][0 ..< n]), Array(plain.multiI.counts[s][0 ..< n]),
                               "I, member \(k), scale \(s + 1)")
            }
            XCTAssertEqual(cache.isHeld, k != 1, "held until the third member has taken it")
        }
        // A member after the announced ones builds the intervals again: the same counts.
        plain.load(.surrogate(.isiPermutation, 7), spikes: rec.spikes)
        shared.load(.surrogate(.isiPermutation, 7), spikes: rec.spikes)
        for s in plain.multiE.widths.indices {
            let n = plain.multiE.binCounts[s]
            XCTAssertEqual(Array(shared.multiE.counts[s][0 ..< n]), Array(plain.multiE.counts[s][0 ..< n]))
        }
    }

    /// Every member's measure set is the same, bit for bit, computed alone (one ISI member: the per-member path) or
    /// with four ISI members sharing the pooled sort, on 1, 2 or 3 threads, the members listed in any order.
    func testMembersInAnyThreadOrderGiveTheSameSets() throws {
        let rec = ComputeTests.recording()
        var p = AnalysisParameters(); p.scaleCount = 24
        let members: [Member] = [.observed] + (0 ..< 4).map { .surrogate(.isiPermutation, $0) }
            + (0 ..< 2).map { .surrogate(.circularShift, $0) }
        var alone: [Member: MeasureSet] = [:]
        for m in members {
            alone[m] = try StateAnalysis.compute(recording: rec, recordingID: "sub/ses", state: "wake", members: [m],
                                                 parameters: p, threads: 1)[m]
        }
        let orders: [([Member], Int)] = [
            (members, 1), (members.reversed(), 2),
            ([members[3], members[5], members[1], members[0], members[4], members[6], members[2]], 3),
            (members, 0),
        ]
        for (order, threads) in orders {
            let sets = try StateAnalysis.compute(recording: rec, recordingID: "sub/ses", state: "wake",
                                                 members: order, parameters: p, threads: threads)
            XCTAssertEqual(sets.count, members.count)
            for m in members {
                let a = try XCTUnwrap(alone[m]), b = try XCTUnwrap(sets[m])
                XCTAssertEqual(Set(a.values.keys), Set(b.values.keys), "\(m), threads \(threads)")
                XCTAssertEqual(a.missing, b.missing, "\(m), threads \(threads)")
                for (key, v) in a.values {
                    XCTAssertEqual(v.bitPattern, b.values[key]?.bitPattern, "\(m) \(key), threads \(threads)")
                }
            }
        }
        // The surrogates differ from each other (so equal sets are not trivially equal).
        XCTAssertNotEqual(alone[.surrogate(.isiPermutation, 0)], alone[.surrogate(.isiPermutation, 1)])
    }

    /// One cache for the ISI members of a state across blocks (`StatePipeline.computeBlock(sharedPooled:)`, as
    /// `analyze` does): the same sets, bit for bit, as each member alone, and the copy released after the last.
    func testOneCacheAcrossBlocksGivesTheSameSets() throws {
        let rec = ComputeTests.recording()
        var p = AnalysisParameters(); p.scaleCount = 24; p.surrogateCount = 2
        let blocks: [[Member]] = [[.observed, .surrogate(.isiPermutation, 0), .surrogate(.isiPermutation, 1)],
                                  [.surrogate(.isiPermutation, 2), .surrogate(.circularShift, 0)],
                                  [.surrogate(.isiPermutation, 3), .surrogate(.circularShift, 1)]]
        let cache = SharedPooledIntervals(members: blocks.flatMap { $0 })
        for (b, block) in blocks.enumerated() {
            let part = try StatePipeline.computeBlock(block, recording: rec, recordingID: "sub/ses", state: "wake",
                                                      parameters: p, threads: b + 1, sharedPooled: cache)
            for m in block {
                let alone = try XCTUnwrap(try StateAnalysis.compute(recording: rec, recordingID: "sub/ses", state: "wake",
                                                                    members: [m], parameters: p, threads: 1)[m])
                let got = try XCTUnwrap(part.sets[m])
                XCTAssertEqual(alone.missing, got.missing, "\(m)")
                XCTAssertEqual(alone.values.mapValues(\.bitPattern), got.values.mapValues(\.bitPattern), "\(m)")
            }
            XCTAssertEqual(cache.isHeld, b < 2, "held until the fourth ISI member (block 3) has taken it")
        }
    }

    /// The cache builds once for concurrent takers, is released after the announced number of uses, and builds
    /// again when asked after that.
    func testCacheBuildsOnceAndReleasesAfterTheLastUse() {
        let empty = [UnsafeBufferPointer<Double>]()
        let value = PooledIntervals(trains: empty, epochs: [(start: 0, stop: 1)])
        let cache = SharedPooledIntervals(uses: 8)
        final class Builds: @unchecked Sendable {
            let lock = NSLock()
            var count = 0
            func add() { lock.lock(); count += 1; lock.unlock() }
        }
        let builds = Builds()
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            _ = cache.take { builds.add(); return (value, value) }
        }
        XCTAssertEqual(builds.count, 1)
        XCTAssertFalse(cache.isHeld)
        _ = cache.take { builds.add(); return (value, value) }
        XCTAssertEqual(builds.count, 2)
    }
}
