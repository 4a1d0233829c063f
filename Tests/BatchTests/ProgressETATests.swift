import Batch
import Foundation
import XCTest

/// Issue 18 item 9: the sweep's ETA. Shards run largest first, so after the big ones most of the cost is done
/// while most shards are not; the old cost-only estimate said "ETA 0s" at 19 % of the shards.
final class ProgressETATests: XCTestCase {
    func testETAFitsCostAndPerShardTime() {
        let t0 = Date(timeIntervalSince1970: 1_000_000)
        // 100 shards: 5 of cost 1000, 95 of cost 1; each takes 2 s + 0.001 s per unit of cost.
        let costs = [Double](repeating: 1000, count: 5) + [Double](repeating: 1, count: 95)
        let p = ProgressReporter(total: 100, totalCost: costs.reduce(0, +), interval: 1e9, live: false, start: t0)
        var t = 0.0
        for c in costs.prefix(19) {
            t += 2 + 0.001 * c
            p.record(ok: true, cost: c, at: t0.addingTimeInterval(t))
        }
        let truth = costs.dropFirst(19).reduce(0) { $0 + 2 + 0.001 * $1 }
        let eta = p.estimatedSecondsLeft(now: t0.addingTimeInterval(t))!
        XCTAssertEqual(eta, truth, accuracy: truth * 0.01, "81 shards of ≈2 s are left")
        // The old estimate, elapsed · cost left / cost done, is ≈ 0.
        let old = t * (costs.reduce(0, +) - costs.prefix(19).reduce(0, +)) / costs.prefix(19).reduce(0, +)
        XCTAssertLessThan(old, 1)
        XCTAssertTrue(p.text(now: t0.addingTimeInterval(t)).contains("ETA 2m4"), p.text(now: t0.addingTimeInterval(t)))
        XCTAssertNil(ProgressReporter(total: 3, totalCost: 3, interval: 1, live: false).estimatedSecondsLeft(now: Date()))
    }
}
