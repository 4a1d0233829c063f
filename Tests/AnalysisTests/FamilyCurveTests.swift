import Analysis
import Foundation
import Kernels
import Recordings
import XCTest

/// Curves of the METHODS §6–8 families (`family_curves.csv`) against the rows and hand computations.
final class FamilyCurveTests: XCTestCase {
    typealias Rand = FamilySurrogateTests.Rand

    func curve(_ r: FamilyResult, _ name: String, group: String = "", bin: Double? = nil) -> [FamilyCurveRow] {
        r.curves.filter { $0.curve == name && $0.group == group && $0.binMilliseconds == bin }
    }

    func value(_ r: FamilyResult, _ m: String, group: String = "", bin: Double? = nil) -> Double? {
        r.rows.first { $0.measure == m && $0.group == group && $0.binMilliseconds == bin && $0.channel.isEmpty }?.value
    }

    func testAvalancheSizeAndDurationCountsMatchTheRows() throws {
        var rng = Rand(s: 21)
        let trains = (0..<5).map { _ in rng.poisson(rate: 8, from: 0, to: 60) }
        let units = (0..<5).map { Recordings.Unit(id: Int64($0)) }
        let rec = Recording(subject: "a", session: "1", units: units, spikes: SpikeTrains(trains: trains),
                            epochs: [StateEpoch(start: 0, stop: 30, state: "wake"), StateEpoch(start: 40, stop: 60, state: "wake")])
        var p = FamilyParameters()
        p.avalancheBinsMs = [1, 5]
        let r = try FamilyAnalysis.run(family: .avalanches, recording: rec, state: "wake", parameters: p)
        for bin in [1.0, 5] {
            let sizes = curve(r, "size_count", group: "spikes", bin: bin)
            let durations = curve(r, "duration_count", group: "spikes", bin: bin)
            let count = try XCTUnwrap(value(r, "avalanche_count", group: "spikes", bin: bin))
            XCTAssertGreaterThan(count, 100)
            XCTAssertEqual(sizes.reduce(0) { $0 + $1.y }, count)
            XCTAssertEqual(durations.reduce(0) { $0 + $1.y }, count)
            XCTAssertEqual(sizes.reduce(0) { $0 + $1.x * $1.y } / count, try XCTUnwrap(value(r, "size_mean", group: "spikes", bin: bin)),
                           accuracy: 1e-9)
            // Every spike inside a whole bin of an epoch belongs to exactly one avalanche: Σ size·count = spikes.
            let w = bin / 1000
            let spikes = trains.joined().filter { t in
                (t >= 0 && t < Double(Int((30 / w).rounded())) * w) || (t >= 40 && t < 40 + Double(Int((20 / w).rounded())) * w)
            }.count
            XCTAssertEqual(sizes.reduce(0) { $0 + $1.x * $1.y }, Double(spikes))
            XCTAssertTrue(sizes.allSatisfy { $0.y > 0 && $0.family == .avalanches && $0.state == "wake" })
            XCTAssertEqual(sizes.map(\.x), sizes.map(\.x).sorted())
        }
    }

    func testBalanceCurveEndsAtTheSumOfEMinusI() throws {
        var rng = Rand(s: 9)
        let e = (0..<6).map { _ in rng.poisson(rate: 10, from: 0, to: 60) + rng.poisson(rate: 30, from: 60, to: 80)
                                   + rng.poisson(rate: 10, from: 80, to: 150) }
        let i = (0..<3).map { _ in rng.poisson(rate: 12, from: 0, to: 150) }
        let units = (0..<9).map { Recordings.Unit(id: Int64($0), cellClass: $0 < 6 ? .excitatory : .inhibitory) }
        let rec = Recording(subject: "z", session: "sz", units: units, spikes: SpikeTrains(trains: e + i),
                            epochs: [StateEpoch(start: 10, stop: 60, state: "preictal"),
                                     StateEpoch(start: 60, stop: 80, state: "ictal"),
                                     StateEpoch(start: 80, stop: 150, state: "postictal")])
        let r = try FamilyAnalysis.run(family: .seizure, recording: rec, state: "ictal")
        let s = curve(r, "balance_S")
        XCTAssertEqual(s.count, 140, "1 s bins from 10 s to 150 s")
        XCTAssertEqual(s.first?.x, 10.5)
        XCTAssertEqual(s.last?.x, 149.5)
        // S at the last bin = Σ_k (E_k − I_k) = E spikes per E unit − I spikes per I unit in [10, 150).
        let inSpan = { (t: Double) in t >= 10 && t < 150 }
        let expected = Double(e.joined().filter(inSpan).count) / 6 - Double(i.joined().filter(inSpan).count) / 3
        XCTAssertEqual(try XCTUnwrap(s.last?.y), expected, accuracy: 1e-9)
        // S after the first bin is E − I of [10, 11).
        let first = Double(e.joined().filter { $0 >= 10 && $0 < 11 }.count) / 6
            - Double(i.joined().filter { $0 >= 10 && $0 < 11 }.count) / 3
        XCTAssertEqual(try XCTUnwrap(s.first?.y), first, accuracy: 1e-12)
        // The trend is a line with the reported slope per bin.
        let trend = curve(r, "balance_trend")
        XCTAssertEqual(trend.map(\.x), s.map(\.x))
        let slope = try XCTUnwrap(value(r, "balance_trend_slope"))
        XCTAssertEqual(trend[1].y - trend[0].y, slope, accuracy: 1e-9)
        XCTAssertEqual(trend[139].y - trend[0].y, 139 * slope, accuracy: 1e-6)
        let interval = curve(r, "ictal_interval")
        XCTAssertEqual(interval.map(\.x), [60, 80])
        XCTAssertEqual(interval.map(\.y), [0, 0])
        // Other states carry no S(t) curve.
        XCTAssertTrue(try FamilyAnalysis.run(family: .seizure, recording: rec, state: "preictal").curves.isEmpty)
    }

    func testRhoDistanceByHandOnATinyArray() throws {
        // Units at (0,0), (300,0), (0,500), (1000,0) µm: distances 300 | 500, 583.1 | 700, 1000, 1118.0 (400 µm bins:
        // [0,400) {01}, [400,800) {02, 12, 13}, [800,1200) {03, 23}).
        var rng = Rand(s: 33)
        let common = rng.poisson(rate: 5, from: 0, to: 20)
        let trains = (0..<4).map { u in (rng.poisson(rate: 10, from: 0, to: 20) + (u < 2 ? common : [])).sorted() }
        let xy: [SIMD2<Double>] = [SIMD2(0, 0), SIMD2(300, 0), SIMD2(0, 500), SIMD2(1000, 0)]
        let units = (0..<4).map { Recordings.Unit(id: Int64($0), position: SIMD3(xy[$0].x, xy[$0].y, 0)) }
        let rec = Recording(subject: "t", session: "1", units: units, spikes: SpikeTrains(trains: trains),
                            epochs: [StateEpoch(start: 0, stop: 20, state: "wake")])
        var p = FamilyParameters()
        p.spatialBinsMs = [100]
        let r = try FamilyAnalysis.run(family: .spatial, recording: rec, state: "wake", parameters: p)
        // Hand computation: 200 bins of 100 ms, ρ_ij = cov/√(ν_i ν_j), cov with 1/(K − 1).
        let k = 200
        let counts: [[Double]] = trains.map { t in
            var c = [Double](repeating: 0, count: k)
            for x in t { c[min(k - 1, Int((x / 0.1).rounded(.down)))] += 1 }
            return c
        }
        func rho(_ a: Int, _ b: Int) -> Double {
            let ma = counts[a].reduce(0, +) / Double(k), mb = counts[b].reduce(0, +) / Double(k)
            var cov = 0.0
            for j in 0..<k { cov += (counts[a][j] - ma) * (counts[b][j] - mb) }
            return cov / Double(k - 1) / (ma * mb).squareRoot()
        }
        func d(_ a: Int, _ b: Int) -> Double { ((xy[a] - xy[b]) * (xy[a] - xy[b])).sum().squareRoot() }
        let expected: [(Double, Double)] = [
            (d(0, 1), rho(0, 1)),
            ((d(0, 2) + d(1, 2) + d(1, 3)) / 3, (rho(0, 2) + rho(1, 2) + rho(1, 3)) / 3),
            ((d(0, 3) + d(2, 3)) / 2, (rho(0, 3) + rho(2, 3)) / 2),
        ]
        let c = curve(r, "rho_distance", group: "all", bin: 100)
        XCTAssertEqual(c.count, 3)
        for (got, want) in zip(c, expected) {
            XCTAssertEqual(got.x, want.0, accuracy: 1e-9)
            XCTAssertEqual(got.y, want.1, accuracy: 1e-9)
        }
        XCTAssertGreaterThan(c[0].y, 0.2, "the shared source correlates units 0 and 1")
        // Three bins: the fit ran; its curve is β + κ e^{−d/λ} at 50 points over the bins' range.
        let fit = curve(r, "rho_distance_fit", group: "all", bin: 100)
        let beta = try XCTUnwrap(value(r, "distance_beta", group: "all", bin: 100))
        let kappa = try XCTUnwrap(value(r, "distance_kappa", group: "all", bin: 100))
        let lambda = try XCTUnwrap(value(r, "distance_lambda_um", group: "all", bin: 100))
        XCTAssertEqual(fit.count, 50)
        XCTAssertEqual(fit.first?.x ?? 0, expected[0].0, accuracy: 1e-9)
        XCTAssertEqual(fit.last?.x ?? 0, expected[2].0, accuracy: 1e-9)
        for pt in fit { XCTAssertEqual(pt.y, beta + kappa * exp(-pt.x / lambda), accuracy: 1e-12) }
    }

    func testSpatialReducerFromPairBlocksGivesRowsAndCurves() throws {
        var rng = Rand(s: 8)
        let trains = (0..<7).map { _ in rng.poisson(rate: 12, from: 0, to: 30) }
        let units = (0..<7).map { (u: Int) -> Recordings.Unit in
            let pos = SIMD3<Double>(Double(u % 3) * 400, Double(u / 3) * 400, 0)
            return Recordings.Unit(id: Int64(u), cellClass: u < 4 ? .excitatory : .inhibitory, position: pos)
        }
        let rec = Recording(subject: "b", session: "1", units: units, spikes: SpikeTrains(trains: trains),
                            epochs: [StateEpoch(start: 0, stop: 30, state: "wake")])
        var p = FamilyParameters()
        p.spatialBinsMs = [50, 500]
        let whole = try FamilyAnalysis.run(family: .spatial, recording: rec, state: "wake", parameters: p)
        XCTAssertFalse(whole.curves.isEmpty)
        let epochs = [(start: 0.0, stop: 30.0)]
        let sharded = SpatialAnalysis.rows(recording: rec, state: "wake", parameters: p) { binMs in
            let blocks = SpatialCorrelation.pairBlocks(units: 7, blockSize: 3).map { b in
                SpatialCorrelation.correlations(SpatialCorrelation.blockMoments(
                    trains: trains, epochs: epochs, width: binMs / 1000, rows: b.rows, columns: b.columns))
            }
            return SpatialCorrelation.assemble(blocks, units: 7)
        }
        XCTAssertEqual(sharded.rows.count, whole.rows.count)
        for (a, b) in zip(sharded.rows, whole.rows) {
            XCTAssertEqual(a.measure, b.measure)
            if let x = a.value, let y = b.value { XCTAssertEqual(x, y, accuracy: 1e-9) } else { XCTAssertEqual(a.value, b.value) }
        }
        XCTAssertEqual(sharded.curves.count, whole.curves.count)
        for (a, b) in zip(sharded.curves, whole.curves) {
            XCTAssertEqual(a.curve, b.curve); XCTAssertEqual(a.group, b.group)
            XCTAssertEqual(a.x, b.x, accuracy: 1e-9); XCTAssertEqual(a.y, b.y, accuracy: 1e-9)
        }
    }

    func testCurvesCSVOrderRoundTripAndOutputFile() throws {
        let rows = [
            FamilyCurveRow(subject: "s", session: "x", state: "wake", family: .spatial, group: "all", binMilliseconds: 100,
                           curve: "rho_distance", x: 500, y: 0.1),
            FamilyCurveRow(subject: "s", session: "x", state: "wake", family: .avalanches, group: "spikes",
                           binMilliseconds: 3, curve: "size_count", x: 2, y: 7),
            FamilyCurveRow(subject: "s", session: "x", state: "wake", family: .avalanches, group: "spikes",
                           binMilliseconds: 3, curve: "size_count", x: 1, y: 9),
            FamilyCurveRow(subject: "s", session: "x", state: "wake", family: .spatial, group: "all", binMilliseconds: 100,
                           curve: "rho_distance", x: 100, y: 0.3),
        ]
        let csv = TidyCSV.familyCurves(rows)
        let lines = csv.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines[0], "subject,session,state,family,channel,group,bin_ms,curve,x,y")
        // Key order, then each curve's points in the order given (not re-sorted by x).
        XCTAssertEqual(lines[1], "s,x,wake,avalanches,,spikes,3.0,size_count,2.0,7.0")
        XCTAssertEqual(lines[2], "s,x,wake,avalanches,,spikes,3.0,size_count,1.0,9.0")
        XCTAssertEqual(lines[3], "s,x,wake,spatial,,all,100.0,rho_distance,500.0,0.1")
        XCTAssertEqual(lines[4], "s,x,wake,spatial,,all,100.0,rho_distance,100.0,0.3")
        XCTAssertEqual(try TidyCSV.readFamilyCurves(csv), [rows[1], rows[2], rows[0], rows[3]])
        XCTAssertEqual(TidyCSV.familyCurves([rows[0], rows[3], rows[1], rows[2]]), csv)

        var tables = TidyTables()
        tables.append(FamilyResult(rows: [FamilyRow(subject: "s", session: "x", state: "wake", family: .avalanches,
                                                    group: "spikes", binMilliseconds: 3, measure: "avalanche_count",
                                                    value: 16, surrogateMean: 12, surrogateSD: 2, z: 2)],
                                   curves: rows))
        let dir = NSTemporaryDirectory() + "/family-curves-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try AnalysisOutput.write(tables, to: dir)
        XCTAssertEqual(try String(contentsOfFile: dir + "/" + AnalysisOutput.familyCurvesFile, encoding: .utf8), csv)
        let fm = try String(contentsOfFile: dir + "/" + AnalysisOutput.familyFile, encoding: .utf8)
        XCTAssertEqual(try TidyCSV.readFamilyMeasures(fm), tables.families)
    }
}
