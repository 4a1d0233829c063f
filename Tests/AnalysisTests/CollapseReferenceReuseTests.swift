@testable import Analysis
import Foundation
import Kernels
import Recordings
import XCTest

/// The surrogate collapse reference (METHODS §3.4, §5) made from the collapse curves that the main analysis logged
/// while computing its first circular-shift members (issue 15) equals the reference computed from scratch, bit for
/// bit, whichever of its surrogates were logged; and the block products carry those curves.
final class CollapseReferenceReuseTests: XCTestCase {
    func testReferenceFromLoggedCurvesEqualsTheFreshOne() throws {
        let rec = ComputeTests.recording()
        var p = AnalysisParameters(); p.scaleCount = 14; p.surrogateCount = 5
        let count = min(StatePipeline.collapseReferenceSurrogates, p.surrogateCount)
        let fresh = try StateAnalysis.collapseSurrogateReference(recording: rec, recordingID: "sub/ses", state: "wake",
                                                                 parameters: p, count: count)
        XCTAssertEqual(fresh.map(\.kind), [StateAnalysis.collapseSurrogateMeanKind, StateAnalysis.collapseSurrogateSDKind])
        // The reference members computed as part of a block, with two other members around them.
        let refMembers = StatePipeline.collapseReferenceMembers(p)
        XCTAssertEqual(refMembers, Set((0 ..< 5).map { Member.surrogate(.circularShift, $0) }))
        let block: [Member] = [.observed, .surrogate(.isiPermutation, 0)] + (0 ..< 5).map { .surrogate(.circularShift, $0) }
        let made = try StateAnalysis.computeMembers(recording: rec, recordingID: "sub/ses", state: "wake", members: block,
                                                    parameters: p, threads: 2, observedCurves: true,
                                                    collapseMembers: refMembers)
        XCTAssertEqual(Set(made.collapse.keys), refMembers)
        // Their measure sets are those of plain `compute`.
        let plain = try StateAnalysis.compute(recording: rec, recordingID: "sub/ses", state: "wake", members: block,
                                              parameters: p)
        XCTAssertEqual(made.sets, plain)
        var logged: [Int: [[Double]]] = [:]
        for (m, c) in made.collapse { if case let .surrogate(_, i) = m { logged[i] = c } }
        // All logged, some logged (the rest computed), none logged: the same Doubles.
        for computed in [logged, logged.filter { $0.key % 2 == 1 }, [:]] {
            let got = try StatePipeline.collapseReference(recording: rec, recordingID: "sub/ses", state: "wake",
                                                          parameters: p, computed: computed)
            XCTAssertEqual(got.map(\.kind), fresh.map(\.kind))
            XCTAssertEqual(got.map { $0.y.map(\.bitPattern) }, fresh.map { $0.y.map(\.bitPattern) },
                           "logged surrogates \(computed.keys.sorted())")
            XCTAssertEqual(got.map(\.x), fresh.map(\.x))
        }
        // A wrong curve would show: the reference is sensitive to the logged values (a changed shape; a scaled
        // curve would not do, each curve is divided by its own depth).
        var wrong = logged
        wrong[0] = wrong[0]!.map { $0.map { -($0 * $0) } }
        let off = try StatePipeline.collapseReference(recording: rec, recordingID: "sub/ses", state: "wake",
                                                      parameters: p, computed: wrong)
        XCTAssertNotEqual(off.map(\.y), fresh.map(\.y))
        // computeBlock hands the logged curves on, and its reference (not deferred) is the fresh one.
        let products = try StatePipeline.computeBlock(block, recording: rec, recordingID: "sub/ses", state: "wake",
                                                      parameters: p, threads: 1)
        XCTAssertEqual(products.collapseCurves.count, 5)
        let tail = Array(products.curves.suffix(2))
        XCTAssertEqual(tail.map { $0.y.map(\.bitPattern) }, fresh.map { $0.y.map(\.bitPattern) })
        let deferred = try StatePipeline.computeBlock(block, recording: rec, recordingID: "sub/ses", state: "wake",
                                                      parameters: p, threads: 1, deferReference: true)
        XCTAssertEqual(deferred.curves.count, products.curves.count - 2)
        XCTAssertFalse(deferred.curves.contains { $0.kind == StateAnalysis.collapseSurrogateMeanKind })
    }
}
