import Foundation
import Kernels
import XCTest

/// METHODS §7: spike-count correlations as a BLAS product, pair-block sharding, distance fit.
final class SpatialKernelTests: XCTestCase {
    /// Units sharing a common Poisson drive, so correlations are positive and unequal.
    func trains(units: Int, duration: Double, seed: UInt64) -> [[Double]] {
        var rng = LFPRandom(seed: seed)
        let common = rng.poissonTrain(rate: 20, duration: duration)
        return (0..<units).map { u in
            var t = rng.poissonTrain(rate: 2 + Double(u % 5), duration: duration)
            let p = Double(u % 4) / 8
            for c in common where rng.uniform() < p { t.append(min(c + 0.0005 * rng.uniform(), duration - 1e-9)) }
            return t.sorted()
        }
    }

    func testMatrixMatchesNumpyAndBlocks() throws {
        let tr = trains(units: 13, duration: 60, seed: 1)
        let epochs = [(start: 0.0, stop: 25.0), (start: 30.0, stop: 59.95)]
        let width = 0.1
        let full = SpatialCorrelation.matrix(trains: tr, epochs: epochs, width: width)
        // Binned counts, epoch by epoch, for the reference.
        var counts: [[Int32]] = Array(repeating: [], count: tr.count)
        for (u, t) in tr.enumerated() {
            for e in epochs {
                var c: [Int32] = []
                t.withUnsafeBufferPointer { Avalanches.addCounts(times: $0, start: e.start, stop: e.stop, width: width, into: &c) }
                counts[u] += c
            }
        }
        let bins = counts[0].count
        XCTAssertEqual(bins, 250 + 299)
        let ref = try LFPPython.run("corr", ["counts": counts.flatMap { $0.map(Int.init) }, "units": tr.count, "bins": bins])
        let r = ref["pearson"] as! [Double], rho = ref["normcov"] as! [Double]
        for k in 0..<(tr.count * tr.count) {
            XCTAssertEqual(full.pearson[k], r[k], accuracy: 1e-10)
            XCTAssertEqual(full.normalisedCovariance[k], rho[k], accuracy: 1e-10)
        }
        // Dense (BLAS) and sparse accumulation agree exactly.
        for method in [SpatialCorrelation.Method.dense, .sparse] {
            let other = SpatialCorrelation.matrix(trains: tr, epochs: epochs, width: width, method: method)
            for k in 0..<(tr.count * tr.count) { XCTAssertEqual(other.pearson[k], full.pearson[k], accuracy: 1e-12) }
        }
        // Blocks assembled into the full matrix.
        let blocks = SpatialCorrelation.pairBlocks(units: tr.count, blockSize: 5).map {
            SpatialCorrelation.correlations(SpatialCorrelation.blockMoments(trains: tr, epochs: epochs, width: width,
                                                                            rows: $0.rows, columns: $0.columns))
        }
        let assembled = SpatialCorrelation.assemble(blocks, units: tr.count)
        for k in 0..<(tr.count * tr.count) {
            XCTAssertEqual(assembled.normalisedCovariance[k], full.normalisedCovariance[k], accuracy: 1e-12)
        }
        // Exactly symmetric, and the same bits whatever the block size (each pair's value comes from the block
        // holding it with i ≤ j, whose integer moments do not depend on the layout).
        let n = tr.count
        let whole = SpatialCorrelation.assemble([full], units: n)
        for i in 0..<n { for j in 0..<n {
            XCTAssertEqual(assembled.normalisedCovariance[i * n + j].bitPattern, assembled.normalisedCovariance[j * n + i].bitPattern)
            if i != j { XCTAssertEqual(assembled.normalisedCovariance[i * n + j].bitPattern, whole.normalisedCovariance[i * n + j].bitPattern) }
        } }
        // Pair blocks (shards) reassemble the same matrix, by either method.
        for (rows, cols) in SpatialCorrelation.pairBlocks(units: tr.count, blockSize: 4) {
            for method in [SpatialCorrelation.Method.dense, .sparse] {
                let m = SpatialCorrelation.blockMoments(trains: tr, epochs: epochs, width: width, rows: rows, columns: cols,
                                                        chunkBins: 37, method: method)
                let b = SpatialCorrelation.correlations(m)
                for (i, gi) in rows.enumerated() {
                    for (j, gj) in cols.enumerated() {
                        XCTAssertEqual(b.pearson[i * cols.count + j], full.pearson[gi * tr.count + gj], accuracy: 1e-12)
                    }
                }
            }
        }
    }

    func testDistanceFitRecoversKnownCurve() throws {
        // ρ(d) = 0.02 + 0.15 e^{−d/1000} sampled on a 10×10 grid of 400 µm pitch, small noise.
        var rng = LFPRandom(seed: 3)
        var d: [Double] = [], v: [Double] = []
        for a in 0..<100 {
            for b in (a + 1)..<100 {
                let dx = Double(a % 10 - b % 10) * 400, dy = Double(a / 10 - b / 10) * 400
                let dist = (dx * dx + dy * dy).squareRoot()
                d.append(dist); v.append(0.02 + 0.15 * exp(-dist / 1000) + 0.01 * rng.normal())
            }
        }
        let bins = DistanceFit.bin(distances: d, values: v, width: 400)
        let f = try XCTUnwrap(DistanceFit.fit(distances: bins.map(\.distance), values: bins.map(\.mean),
                                              weights: bins.map { Double($0.pairs) }))
        XCTAssertEqual(f.lambda, 1000, accuracy: 60)
        XCTAssertEqual(f.beta, 0.02, accuracy: 0.005)
        XCTAssertEqual(f.kappa, 0.15, accuracy: 0.02)
        XCTAssertTrue(f.lambdaSE > 0 && f.lambdaSE < 100, "λ SE \(f.lambdaSE)")
        // Noise-free: exact.
        let exact = try XCTUnwrap(DistanceFit.fit(distances: [0, 400, 800, 1200, 2000, 3000],
                                                  values: [0, 400, 800, 1200, 2000, 3000].map { 0.1 + 0.3 * exp(-$0 / 700) }))
        XCTAssertEqual(exact.lambda, 700, accuracy: 1e-3)
    }
}
