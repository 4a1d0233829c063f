import Analysis
import Foundation
import Recordings
import XCTest

/// Members computed on several threads (`StateAnalysis.compute(threads:)`, `ParallelMembers.map`) give exactly the
/// values of one thread, in member order, and the same error.
final class ParallelMembersTests: XCTestCase {
    func testComputeIsIdenticalForAnyThreadCount() throws {
        let rec = ComputeTests.recording()
        var p = AnalysisParameters(); p.scaleCount = 24
        let members: [Member] = [.observed] + (0 ..< 3).flatMap {
            [Member.surrogate(.isiPermutation, $0), .surrogate(.circularShift, $0)] } + [.observed]
        let one = try StateAnalysis.compute(recording: rec, recordingID: "sub/ses", state: "wake", members: members,
                                            parameters: p, threads: 1)
        XCTAssertEqual(one.count, 7)
        for threads in [2, 3, 0] {
            let many = try StateAnalysis.compute(recording: rec, recordingID: "sub/ses", state: "wake",
                                                 members: members, parameters: p, threads: threads)
            XCTAssertEqual(many, one, "threads \(threads)")
        }
    }

    struct Failure: Error, Equatable { var index: Int }

    func testMapKeepsOrderAndRethrowsTheLowestIndexError() throws {
        let squares = try ParallelMembers.map(count: 100, threads: 4, makeState: { 0 }) { calls, i -> Int in
            calls += 1
            return i * i
        }
        XCTAssertEqual(squares, (0 ..< 100).map { $0 * $0 })
        XCTAssertEqual(try ParallelMembers.map(count: 0, threads: 4, makeState: {}) { _, i in i }, [])
        for threads in [1, 3] {
            XCTAssertThrowsError(try ParallelMembers.map(count: 50, threads: threads, makeState: {}) { _, i -> Int in
                if i == 7 || i == 30 { throw Failure(index: i) }
                return i
            }) { XCTAssertEqual($0 as? Failure, Failure(index: 7), "threads \(threads)") }
        }
        XCTAssertEqual(ParallelMembers.resolve(3), 3)
        XCTAssertEqual(ParallelMembers.resolve(0), ProcessInfo.processInfo.activeProcessorCount)
    }
}
