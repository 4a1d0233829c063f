import Foundation
import Kernels
import XCTest

/// METHODS §2 edge rule (revised 2026-12; normative) against the independent reference
/// `Tests/python/revised_reference.py` (issue #14): spikes on, 1 ulp below, 1e-9 bin below (and, as a control,
/// 1e-7 bin below) edges of every scale 1…32, in epochs that start on 30 kHz ticks that are not multiples of Δt_s,
/// bulk spike times on 30 kHz ticks (1 in 30 of them on a 1 ms edge), and epoch stops on an edge 1 ulp low and
/// 1e-9 bin below an edge (K by the same rule). Counts must be equal exactly, at every scale, both from the
/// prefix-count method (`FineBinnedTrain`) and the direct scatter (`Kernels.binCounts`); the test also checks that
/// the rule before 2026-12 (comparison with the edge doubles t0 + kΔt) gives different counts at every scale, so
/// the test fails on the old code.
final class RevisedBinningTests: XCTestCase {
    override func setUpWithError() throws {
        guard TestData.python != nil else {
            throw XCTSkip("no Python virtualenv (.venv or SYMEDGE_PYTHON): revised reference tests skipped")
        }
    }

    /// A recording of the reference's `edges` fixture: per state, its epochs and the E and I unit trains.
    struct Fixture {
        var epochs: [String: [(Double, Double)]] = [:]
        var unitsE: [[Double]] = []
        var unitsI: [[Double]] = []
    }

    static func python(_ args: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: TestData.python!)
        p.arguments = [TestData.repoRoot.appendingPathComponent("Tests/python/revised_reference.py").path] + args
        let err = Pipe()
        p.standardError = err
        try p.run()
        let data = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw NSError(domain: "revised_reference.py \(args.first ?? "") failed: "
                          + (String(data: data, encoding: .utf8) ?? ""), code: 2)
        }
    }

    /// Rows of a small comma-separated file (header first), without comments.
    static func rows(_ path: String) throws -> [[String]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
            .map { $0.split(separator: ",", omittingEmptySubsequences: false).map { String($0) } }
            .filter { !$0.isEmpty && !$0[0].hasPrefix("#") }
    }

    static func read(_ dir: String) throws -> Fixture {
        var f = Fixture()
        var cls: [String: String] = [:]
        for r in try rows(dir + "/units.csv").dropFirst() { cls[r[0]] = r[1] }
        var trains: [String: [Double]] = [:]
        for r in try rows(dir + "/spikes.csv").dropFirst() { trains[r[0], default: []].append(Double(r[1])!) }
        for r in try rows(dir + "/states.csv").dropFirst() { f.epochs[r[2], default: []].append((Double(r[0])!, Double(r[1])!)) }
        for k in f.epochs.keys { f.epochs[k]!.sort { $0.0 < $1.0 } }
        for id in trains.keys.sorted(by: { Int($0)! < Int($1)! }) {
            if cls[id] == "E" { f.unitsE.append(trains[id]!.sorted()) } else { f.unitsI.append(trains[id]!.sorted()) }
        }
        return f
    }

    func testEdgeRuleCountsAtEveryScaleMatchTheReference() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("symedge-revbin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let rec = dir.appendingPathComponent("edges").path, out = dir.appendingPathComponent("counts.json").path
        try Self.python(["fixture", "edges", rec])
        try Self.python(["counts", rec, out])
        let ref = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out)))
            as! [String: [String: [String: Any]]]
        let fx = try Self.read(rec)
        XCTAssertEqual(Set(ref.keys), Set(fx.epochs.keys))
        for (state, epochs) in fx.epochs.sorted(by: { $0.key < $1.key }) {
            let fe = TestData.fine(fx.unitsE, epochs: epochs), fi = TestData.fine(fx.unitsI, epochs: epochs)
            let pooledE = fx.unitsE.flatMap { $0 }.sorted(), pooledI = fx.unitsI.flatMap { $0 }.sorted()
            for s in 1 ... 32 {
                let r = ref[state]![String(s)]!
                let wantE = r["e"] as! [Int], wantI = r["i"] as! [Int]
                let w = Kernels.scaleSeconds(s)
                XCTAssertEqual(fe.binCounts(width: w), r["per_epoch"] as! [Int], "\(state) K per epoch, scale \(s)")
                var gotE = [Int32](repeating: 0, count: fe.binCount(width: w)), gotI = gotE
                gotE.withUnsafeMutableBufferPointer { a in
                    gotI.withUnsafeMutableBufferPointer { b in
                        if let pa = a.baseAddress, let pb = b.baseAddress { _ = FineBinnedTrain.counts(fe, fi, width: w, into: pa, pb) }
                    }
                }
                XCTAssertEqual(gotE.map(Int.init), wantE, "\(state) E counts (prefix method), scale \(s)")
                XCTAssertEqual(gotI.map(Int.init), wantI, "\(state) I counts (prefix method), scale \(s)")
                // The direct scatter definition, epoch by epoch.
                var scatterE: [Int] = [], scatterI: [Int] = []
                for (a, b) in epochs {
                    pooledE.withUnsafeBufferPointer { scatterE += Kernels.binCounts($0, start: a, stop: b, width: w).map(Int.init) }
                    pooledI.withUnsafeBufferPointer { scatterI += Kernels.binCounts($0, start: a, stop: b, width: w).map(Int.init) }
                }
                XCTAssertEqual(scatterE, wantE, "\(state) E counts (scatter), scale \(s)")
                XCTAssertEqual(scatterI, wantI, "\(state) I counts (scatter), scale \(s)")
                // The old rule must disagree at every scale, or this test could not fail on the old code.
                let oldE = r["e_old"] as! [Int], oldI = r["i_old"] as! [Int]
                XCTAssertTrue(oldE != wantE || oldI != wantI, "\(state) scale \(s): fixture does not separate the rules")
            }
        }
    }

    /// The rule itself on hand-made cases at every scale: on an edge, 1 ulp below and 1e-9 bin below go up; 1e-7
    /// bin below stays; K of `[t0, stop)` uses the same rule on stop.
    func testEdgeRuleClosedCases() {
        let t0 = 12347.0 / 30000
        for s in 1 ... 32 {
            let w = Kernels.scaleSeconds(s)
            let g = BinGrid(origin: t0, width: w)
            for k in [1, 2, 7, 1000] {
                let on = t0 + Double(k) * w
                XCTAssertEqual(g.index(on), k, "on edge \(k), scale \(s)")
                XCTAssertEqual(g.index(on.nextDown), k, "1 ulp below edge \(k), scale \(s)")
                XCTAssertEqual(g.index(on - 1e-9 * w), k, "1e-9 bin below edge \(k), scale \(s)")
                XCTAssertEqual(g.index(on - 1e-7 * w), k - 1, "1e-7 bin below edge \(k), scale \(s)")
                XCTAssertEqual(g.fullBinCount(stop: on.nextDown), k, "K with stop 1 ulp below edge \(k), scale \(s)")
                XCTAssertEqual(g.fullBinCount(stop: on - 1e-9 * w), k, "K with stop 1e-9 bin below edge \(k), scale \(s)")
                XCTAssertEqual(g.fullBinCount(stop: on - 1e-7 * w), k - 1, "K with stop 1e-7 bin below edge \(k), scale \(s)")
            }
        }
    }
}
