import Foundation
import Classification
import Recordings
import XCTest

final class ConnectionCheckTests: XCTestCase {
    func testCrossCorrelogramMatchesBruteForce() {
        let a = poissonTrain(rate: 30, duration: 20, seed: 1), b = poissonTrain(rate: 40, duration: 20, seed: 2)
        let c = crossCorrelogram(reference: a, target: b)
        XCTAssertEqual(c.count, 100)
        var brute = [Int](repeating: 0, count: 100)
        for x in a { for y in b {
            let d = y - x
            if d >= -0.025 && d < 0.025 { brute[min(99, Int(((d + 0.025) / 0.0005).rounded(.down)))] += 1 }
        } }
        XCTAssertEqual(c, brute)
    }

    func testDecodesPairIndices() {
        let n = 7
        var seen: [(Int, Int)] = []
        for p in 0..<ConnectionCheck.pairCount(units: n) { seen.append(ConnectionCheck.pair(p, units: n)) }
        var expect: [(Int, Int)] = []
        for i in 0..<n { for j in (i + 1)..<n { expect.append((i, j)) } }
        XCTAssertEqual(seen.map { "\($0)" }, expect.map { "\($0)" })
        let blocks = (0..<3).map { ConnectionCheck.pairBlock($0, of: 3, units: n) }
        XCTAssertEqual(blocks.map(\.count).reduce(0, +), 21)
        XCTAssertEqual(blocks[0].lowerBound, 0); XCTAssertEqual(blocks[2].upperBound, 21)
        XCTAssertEqual(blocks[0].upperBound, blocks[1].lowerBound)
    }

    /// Unit 0 drives unit 1 (excitatory, +2 ms, probability 0.25); unit 2 silences unit 3 for 1–5 ms after its
    /// spikes; unit 4 is independent.
    func connectedTrains() -> SpikeTrains {
        let d = 300.0
        var g = SplitMixTest(77)
        let pre = poissonTrain(rate: 10, duration: d, seed: 10)
        var post = poissonTrain(rate: 8, duration: d, seed: 11)
        for t in pre where g.unit() < 0.25 { post.append(t + 0.0018 + 0.0004 * g.unit()) }
        post.sort()
        let inhPre = poissonTrain(rate: 15, duration: d, seed: 12)
        let target = poissonTrain(rate: 40, duration: d, seed: 13)
        var j = 0
        let inhPost = target.filter { t in
            while j < inhPre.count && inhPre[j] < t - 0.005 { j += 1 }
            var k = j
            while k < inhPre.count && inhPre[k] <= t {
                let lag = t - inhPre[k]
                if lag >= 0.001 && lag < 0.005 { return false }
                k += 1
            }
            return true
        }
        let free = poissonTrain(rate: 10, duration: d, seed: 14)
        return SpikeTrains(trains: [pre, post, inhPre, inhPost, free])
    }

    func testFindsExcitatoryAndInhibitoryConnections() {
        let spikes = connectedTrains()
        var o = ConnectionOptions()
        o.jitterCount = 300
        let r = ConnectionCheck.run(spikes: spikes, ids: [1, 2, 3, 4, 5], options: o)
        XCTAssertEqual(r.pairsTested, 20)
        let exc = r.connections.first { $0.pre == 0 && $0.post == 1 }
        XCTAssertEqual(exc?.sign, .excitatory)
        XCTAssertEqual(exc?.lagMs ?? 0, 2.0, accuracy: 0.51)
        XCTAssertEqual(exc?.strength ?? 0, 0.25, accuracy: 0.05)
        let inh = r.connections.first { $0.pre == 2 && $0.post == 3 }
        XCTAssertEqual(inh?.sign, .inhibitory)
        XCTAssertLessThan(inh?.strength ?? 0, 0)
        // The reverse directions and the independent unit carry no strong connection.
        XCTAssertNil(r.connections.first { $0.pre == 1 && $0.post == 0 && $0.sign == .excitatory && $0.strength > 0.05 })
        XCTAssertTrue(r.connections.filter { $0.pre == 4 || $0.post == 4 }.allSatisfy { abs($0.strength) < 0.02 })

        // Contradiction: unit 0 labelled I but drives an excitatory connection; unit 2 labelled I and inhibitory.
        let strong = r.connections.filter { abs($0.strength) > 0.05 }
        let classes: [CellClass] = [.inhibitory, .excitatory, .inhibitory, .excitatory, .excitatory]
        let p = ConnectionCheck.chanceRate(.excitatory, options: o)
        XCTAssertEqual(p, 1 - pow(0.995, 6), accuracy: 1e-12)
        // 1 excitatory out of 4 tested: P(X ≥ 1) = 1 − (1 − p)^4 ≈ 0.11 — not significant at 0.01: not flagged.
        var flags = ConnectionCheck.contradictions(classes: classes, connections: strong, tested: [4, 4, 4, 4, 4])
        XCTAssertEqual(flags[0], false)
        XCTAssertEqual(flags[2], false)
        XCTAssertNil(flags[1])
        // Five excitatory connections out of 20 tested: significant, flagged.
        let many = (0..<5).map { Connection(pre: 0, post: 1, preID: 1, postID: Int64(10 + $0), sign: .excitatory, lagMs: 2, strength: 0.2) }
        flags = ConnectionCheck.contradictions(classes: classes, connections: many, tested: [20, 4, 4, 4, 4])
        XCTAssertEqual(flags[0], true)
    }

    func testBinomialTail() {
        XCTAssertEqual(ConnectionCheck.binomialUpperTail(k: 1, n: 4, p: 0.5), 15.0 / 16, accuracy: 1e-12)
        XCTAssertEqual(ConnectionCheck.binomialUpperTail(k: 3, n: 4, p: 0.5), 5.0 / 16, accuracy: 1e-12)
        XCTAssertEqual(ConnectionCheck.binomialUpperTail(k: 0, n: 4, p: 0.5), 1)
        XCTAssertEqual(ConnectionCheck.binomialUpperTail(k: 5, n: 4, p: 0.5), 0)
        // n = 199, p = 0.0296: mean 5.9, so 6 contradicting connections are not unusual.
        XCTAssertGreaterThan(ConnectionCheck.binomialUpperTail(k: 6, n: 199, p: 0.0296), 0.3)
    }

    func testPairBlocksReproduceTheFullRun() {
        let spikes = connectedTrains()
        var o = ConnectionOptions()
        o.jitterCount = 100
        let ids: [Int64] = [1, 2, 3, 4, 5]
        let full = ConnectionCheck.run(spikes: spikes, ids: ids, options: o)
        var parts: [Connection] = []
        for b in 0..<3 {
            parts += ConnectionCheck.run(spikes: spikes, ids: ids, pairs: ConnectionCheck.pairBlock(b, of: 3, units: 5),
                                         options: o).connections
        }
        XCTAssertEqual(parts, full.connections)
    }

    func testJitterBandMeanMatchesExpectationForIndependentTrains() {
        // For independent Poisson trains the surrogate mean per 0.5 ms bin ≈ n_ref · rate_target · bin.
        let a = poissonTrain(rate: 20, duration: 500, seed: 21), b = poissonTrain(rate: 30, duration: 500, seed: 22)
        var o = ConnectionOptions(); o.jitterCount = 1000
        let band = jitterBand(reference: a, target: b, from: 0.001, to: 0.006, options: o, streams: [1])
        XCTAssertEqual(band.observed.count, 10)
        XCTAssertEqual(band.lagStart, 0.001, accuracy: 1e-12)
        let expected = Double(a.count) * Double(b.count) / 500 * 0.0005
        var halfWidth = 0.0
        for k in 0..<10 {
            XCTAssertEqual(band.mean[k], expected, accuracy: 0.05 * expected)
            XCTAssertLessThan(band.lower[k], band.mean[k]); XCTAssertGreaterThan(band.upper[k], band.mean[k])
            halfWidth += (band.upper[k] - band.lower[k]) / 20
        }
        // Each surrogate count is a sum of ~20·expected pair indicators with probability 1/20 (binomial):
        // the 99 % band half-width is ≈ 2.576 · sqrt(expected · 0.95).
        XCTAssertEqual(halfWidth, 2.576 * (expected * 0.95).squareRoot(), accuracy: 0.1 * 2.576 * expected.squareRoot())
        // Observed counts equal the full correlogram's bins over the same lags.
        let full = crossCorrelogram(reference: a, target: b)
        XCTAssertEqual(band.observed, Array(full[52..<62]))
    }
}
