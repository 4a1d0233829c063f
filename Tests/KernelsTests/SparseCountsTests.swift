import Foundation
import Kernels
import XCTest

/// Issue 18 item 8: the sparse path of long sparse recordings (`SparsePooledTrain`, `SparseCountSeries`) gives the
/// counts, measures, reference-grid z-scores and co-occurrence thresholds of the fine-binned path exactly (ρ(l) of
/// §3.6 to rounding), for the observed data and both surrogate kinds.
final class SparseCountsTests: XCTestCase {
    /// Unit trains over three epochs with non-aligned starts, with spikes on and 1e-9 bin below 1-ms edges and at the
    /// epoch bounds. `rate` Hz per unit.
    private func data(rate: Double, seed: UInt64) -> (trains: [[Double]], epochs: [(start: Double, stop: Double)]) {
        let epochs: [(start: Double, stop: Double)] = [(3.2571, 400.0), (400.0, 611.3), (900.0004, 1500.0)]
        var g = Xoshiro256StarStar(seed: seed)
        var trains: [[Double]] = []
        for u in 0 ..< 5 {
            var t: [Double] = []
            var x = 0.0
            while true {
                x += -log(1 - g.nextUnit()) / rate
                if x >= 1600 { break }
                t.append(x)
            }
            t += [3.2571, 400.0, 611.3 - 1e-12, 900.0004 + 0.001 * Double(u), 1000.0 + 0.001 * Double(u) - 1e-11]
            trains.append(t.sorted())
        }
        return (trains, epochs)
    }

    private func withTrains<R>(_ trains: [[Double]], _ body: ([UnsafeBufferPointer<Double>]) -> R) -> R {
        let copies = trains.map { UnsafeMutableBufferPointer<Double>.allocate(capacity: max($0.count, 1)) }
        defer { copies.forEach { $0.deallocate() } }
        for (c, t) in zip(copies, trains) { _ = c.initialize(from: t) }
        return body(zip(copies, trains).map { UnsafeBufferPointer(rebasing: $0.0[0 ..< $0.1.count]) })
    }

    /// The E (units 0–2) and I (units 3–4) trains of one member in both representations.
    private func member(_ kind: Int, _ d: (trains: [[Double]], epochs: [(start: Double, stop: Double)]))
        -> (FineBinnedTrain, FineBinnedTrain, SparsePooledTrain, SparsePooledTrain) {
        withTrains(d.trains) { all in
            let te = Array(all[0 ..< 3]), ti = Array(all[3 ..< 5])
            var g = Xoshiro256StarStar(seed: 77)
            let se = d.epochs.map { ep in te.map { _ in g.nextUnit() * (ep.stop - ep.start) } }
            let si = d.epochs.map { ep in ti.map { _ in g.nextUnit() * (ep.stop - ep.start) } }
            func make<T: PooledSpikeTrain>(_ empty: T) -> (T, T) {
                var e = empty, i = empty
                e.layOut(epochs: d.epochs); i.layOut(epochs: d.epochs)
                switch kind {
                case 0: e.build(trains: te, shifts: nil); i.build(trains: ti, shifts: nil)
                case 1: e.build(trains: te, shifts: se); i.build(trains: ti, shifts: si)
                default:
                    var r = Xoshiro256StarStar(seed: 2026)
                    e.build(trains: te, shifts: nil); e.sortWithinBins(); e.permuteIntervals(rng: &r)
                    i.build(trains: ti, shifts: nil); i.sortWithinBins(); i.permuteIntervals(rng: &r)
                }
                return (e, i)
            }
            let (fe, fi) = make(FineBinnedTrain()), (pe, pi) = make(SparsePooledTrain())
            return (fe, fi, pe, pi)
        }
    }

    func testCountsMeasuresAndZScoresEqualTheFineBinnedPath() {
        for (rate, seed) in [(0.4, UInt64(1)), (30.0, UInt64(2))] {
            let d = data(rate: rate, seed: seed)
            for kind in 0 ... 2 {
                let (fe, fi, pe, pi) = member(kind, d)
                XCTAssertEqual(pe.spikeCount + pi.spikeCount, fe.spikeCount + fi.spikeCount, "kind \(kind)")
                let gridWidth = Kernels.scaleSeconds(20)
                let gridBins = fe.binCounts(width: gridWidth)
                var pooled: [Double] = [], rows: [ZScoreRow] = []
                var denseLevels: [[Double]] = []
                for s in 1 ... 32 {
                    let w = Kernels.scaleSeconds(s)
                    let k = fe.binCount(width: w)
                    var de = [Int32](repeating: 0, count: k), di = de, se = de, si = de
                    de.withUnsafeMutableBufferPointer { a in di.withUnsafeMutableBufferPointer { b in
                        _ = FineBinnedTrain.counts(fe, fi, width: w, into: a.baseAddress!, b.baseAddress!) } }
                    let sparse = SparseCountSeries(pe, pi, width: w)
                    XCTAssertEqual(sparse.binCount, k)
                    se.withUnsafeMutableBufferPointer { a in si.withUnsafeMutableBufferPointer { b in
                        sparse.dense(into: a.baseAddress!, b.baseAddress!) } }
                    XCTAssertEqual(se, de, "rate \(rate) kind \(kind) scale \(s): E counts")
                    XCTAssertEqual(si, di, "rate \(rate) kind \(kind) scale \(s): I counts")
                    let o = ScaleOptions(unitsE: 3, unitsI: 2, dtMilliseconds: Kernels.scaleMilliseconds(s))
                    let dense = de.withUnsafeBufferPointer { a in di.withUnsafeBufferPointer { b in
                        Kernels.scaleMeasures(e: a, i: b, options: o) } }
                    let sm = Kernels.scaleMeasures(sparse: sparse, options: o)
                    XCTAssertEqual(sm.missing, dense.missing, "scale \(s)")
                    XCTAssertEqual(Set(sm.values.keys), Set(dense.values.keys), "scale \(s)")
                    for (name, v) in dense.values {
                        if name == "xcorr_peak" { XCTAssertEqual(sm.values[name]!, v, accuracy: 1e-10 * max(1, abs(v))) }
                        else { XCTAssertEqual(sm.values[name], v, "rate \(rate) kind \(kind) scale \(s): \(name)") }
                    }
                    XCTAssertEqual(sm.collapseCurve, dense.collapseCurve)
                    XCTAssertEqual(sm.partitionE, dense.partitionE)
                    XCTAssertEqual(sm.partitionI, dense.partitionI)
                    XCTAssertEqual([sm.meanE, sm.sdE, sm.meanI, sm.sdI], [dense.meanE, dense.sdE, dense.meanI, dense.sdI])
                    // The reference-grid z-scores of §3.7, bit for bit.
                    let eb = fe.binCounts(width: w)
                    for (c, mean, sd, ofE) in [(de, dense.meanE, dense.sdE, true), (di, dense.meanI, dense.sdI, false)] {
                        let z = c.withUnsafeBufferPointer {
                            Kernels.resampleZScores(counts: $0, epochBins: eb, width: w, gridWidth: gridWidth,
                                                    gridEpochBins: gridBins, mean: mean, sd: sd)
                        }
                        let row = sparse.resampledZScores(ofE: ofE, gridWidth: gridWidth, gridEpochBins: gridBins,
                                                          mean: mean, sd: sd)
                        var expanded = [Double](repeating: row.base, count: row.count)
                        for x in row.exceptions { expanded[x.index] = x.value }
                        XCTAssertEqual(expanded.map(\.bitPattern), z.map(\.bitPattern), "scale \(s) E \(ofE): z rows")
                        pooled += z.filter(\.isFinite)
                        rows.append(row)
                        denseLevels.append(z)
                    }
                }
                let thresholds = Kernels.equalFrequencyThresholds(&pooled, levels: 8)
                XCTAssertEqual(Kernels.equalFrequencyThresholds(rows: rows, levels: 8), thresholds)
                for (row, z) in zip(rows, denseLevels) {
                    XCTAssertEqual(row.levels(thresholds: thresholds),
                                   z.map { $0.isFinite ? Int8(Kernels.quantiseLevel($0, thresholds: thresholds)) : -1 })
                }
            }
        }
    }
}
