@testable import Kernels
import XCTest

/// The division-free fast paths of #14/#15 against the definitions they replace: `BinGrid.index` (multiplication by
/// 1/Δt, division only near an integer) against the METHODS §2 rule by division, and the §3.7 resampling's
/// incremental walk and estimated quotient against the original 128-bit divisions. Both must agree exactly.
final class FastPathOracleTests: XCTestCase {
    /// Spikes on, 1–4 ulp and 1e-9…1e-5 bin widths around edges, at every scale, from non-aligned origins, and at
    /// bin coordinates up to 2^30 (where the product and the quotient differ by up to ≈ 3.7e-7 bins, so a fast-path
    /// margin below the proven 1e-6 would misplace spikes near the 1e-8 tolerance).
    func testIndexEqualsTheRuleByDivision() {
        var rng = Xoshiro256StarStar(seed: 2026_12)
        let offsets: [Double] = [0, 1e-9, 5e-9, 9.9e-9, 1e-8, 1.01e-8, 2e-8, 1e-7, 3.5e-7, 7e-7, 1e-6, 1.3e-6, 1e-5]
        var checked = 0, slow = 0
        for s in 1 ... 32 {
            let w = Kernels.scaleSeconds(s)
            for origin in [0.0, 1234.567, 0.000_123_4, 28_799.999_9] {
                let g = BinGrid(origin: origin, width: w)
                // Edges at small and at very large bin numbers.
                for _ in 0 ..< 60 {
                    let magnitude = Double(rng.next(below: 31))
                    let k = Int(Double(rng.nextUnit()) * Double(1 << Int(magnitude))) + 1
                    let e = g.edge(k)
                    var ts = [e, e.nextUp, e.nextDown, e.nextDown.nextDown, e.nextUp.nextUp.nextUp.nextUp]
                    for o in offsets { ts.append(e - o * w); ts.append(e + o * w) }
                    ts.append(origin + (Double(k) + rng.nextUnit()) * w)
                    for t in ts {
                        XCTAssertEqual(g.index(t), g.exactIndex(t), "scale \(s) origin \(origin) k \(k) t \(t)")
                        let p = (t - origin) * g.inverseWidth
                        let frac = p - p.rounded(.down)
                        if !(frac > BinGrid.fastPathMargin && frac < 1 - BinGrid.fastPathMargin) { slow += 1 }
                        checked += 1
                    }
                }
            }
        }
        // Non-finite and far-away inputs go through the rule.
        let g = BinGrid(origin: 10, width: 0.001)
        for t in [-1e12, 1e12, 5e9 + 0.0005, -3.25] { XCTAssertEqual(g.index(t), g.exactIndex(t), "t \(t)") }
        XCTAssertGreaterThan(slow, 0); XCTAssertLessThan(slow, checked)
    }

    /// The resampling as first written (128-bit divisions per reference bin), kept here as the oracle.
    static func resampleByDivision(counts: [Int32], epochBins: [Int], width: Double, gridWidth: Double,
                                   gridEpochBins: [Int], mean: Double, sd: Double) -> [Double] {
        let total = gridEpochBins.reduce(0, +)
        var out = [Double](repeating: .nan, count: total)
        guard sd > 0 else { return out }
        let (mw, ew) = Kernels.binaryRational(width), (mg, eg) = Kernels.binaryRational(gridWidth)
        let e0 = min(ew, eg)
        let dt = mw << (ew - e0), d20 = mg << (eg - e0)
        var src = 0, dst = 0
        for (e, kb) in epochBins.enumerated() {
            let gm = gridEpochBins[e]
            var prefix: [Int64] = [0]
            for k in 0 ..< kb { prefix.append(prefix.last! + Int64(counts[src + k])) }
            for m in 0 ..< gm {
                let lo = Int128(m) * d20, hi = lo + d20
                let ka = lo / dt
                let kbLast = min((hi + dt - 1) / dt - 1, Int128(kb - 1))
                guard ka <= kbLast else { continue }
                let i0 = Int(ka), i1 = Int(kbLast)
                let value: Double
                if i0 == i1 { value = Double(counts[src + i0]) } else {
                    let wa = Int128(i0 + 1) * dt - lo
                    let wb = min(hi, Int128(i1 + 1) * dt) - Int128(i1) * dt
                    let inner = Int128(prefix[i1] - prefix[i0 + 1])
                    let den = wa + Int128(i1 - i0 - 1) * dt + wb
                    let num = Int128(counts[src + i0]) * wa + inner * dt + Int128(counts[src + i1]) * wb
                    let (q, r) = num.quotientAndRemainder(dividingBy: den)
                    value = r == 0 ? Kernels.double(q) : Kernels.double(q) + Kernels.double(r) / Kernels.double(den)
                }
                out[dst + m] = (value - mean) / sd
            }
            src += kb; dst += gm
        }
        return out
    }

    /// Every scale resampled onto the scale-20 grid (and a few other grids), epochs whose lengths are not multiples
    /// of either width, sparse and dense counts: bit-identical to the division-based oracle.
    func testResamplingEqualsTheDivisionOracle() {
        var rng = Xoshiro256StarStar(seed: 15)
        for grid in [20, 1, 7, 32] {
            let gw = Kernels.scaleSeconds(grid)
            for s in 1 ... 32 {
                let w = Kernels.scaleSeconds(s)
                let lengths = [37.3 + Double(s), 0.8, 121.0 + 0.001 * Double(grid)]
                let eb = lengths.map { BinGrid(origin: 0, width: w).fullBinCount(stop: $0) }
                let gb = lengths.map { BinGrid(origin: 0, width: gw).fullBinCount(stop: $0) }
                let rate = [0.3, 3.0, 400.0][s % 3]
                let counts = (0 ..< eb.reduce(0, +)).map { _ in Int32(rng.next(below: UInt64(rate * 2) + 2)) }
                let fast = counts.withUnsafeBufferPointer {
                    Kernels.resampleZScores(counts: $0, epochBins: eb, width: w, gridWidth: gw, gridEpochBins: gb,
                                            mean: rate, sd: 1.7)
                }
                let oracle = Self.resampleByDivision(counts: counts, epochBins: eb, width: w, gridWidth: gw,
                                                     gridEpochBins: gb, mean: rate, sd: 1.7)
                XCTAssertEqual(fast.count, oracle.count)
                for (a, b) in zip(fast, oracle) where !(a.isNaN && b.isNaN) {
                    XCTAssertEqual(a.bitPattern, b.bitPattern, "grid \(grid) scale \(s): \(a) vs \(b)")
                }
            }
        }
    }

    /// The estimated quotient with exact correction equals the 128-bit division, including quotients near 2^40
    /// and divisors beyond 2^64.
    func testDivideEqualsQuotientAndRemainder() {
        var rng = Xoshiro256StarStar(seed: 3)
        for _ in 0 ..< 20_000 {
            let den = Int128(rng.next() >> rng.next(below: 60)) << Int(rng.next(below: 21)) + 1   // up to 2^84
            let q = Int128(rng.next() >> (22 + rng.next(below: 42)))                           // up to 2^42
            let num = q * den + Int128(rng.next()) % den
            let (a, b) = Kernels.divide(num, den), (c, d) = num.quotientAndRemainder(dividingBy: den)
            XCTAssertEqual(a, c); XCTAssertEqual(b, d)
        }
    }

    /// The prefix path's edge resolution (SIMD lanes on the product, the rule's division only within 1e-6 bins of
    /// an edge) against the rule by division: spikes 1e-9 … 1e-4 bins on both sides of every coarse edge (where the
    /// fast lanes decide those beyond 1e-6), several to a fine bin, three epochs with non-aligned starts, every scale.
    func testPrefixEdgeResolutionEqualsTheRuleByDivision() {
        var rng = Xoshiro256StarStar(seed: 1412)
        let epochs: [(Double, Double)] = [(3.000_123_7, 9.8), (12.345_678_9, 14.0), (20.5, 45.123)]
        let offsets: [Double] = [0, 1e-9, 2e-8, 5e-7, 9e-7, 1.1e-6, 2e-6, 5e-6, 1e-5, 1e-4]
        for s in 2 ... 32 {
            let w = Kernels.scaleSeconds(s)
            var spikes: [Double] = []
            for (a, b) in epochs {
                let g = BinGrid(origin: a, width: w)
                for k in 1 ... max(1, g.fullBinCount(stop: b)) where rng.nextUnit() < min(1, 400 / Double(g.fullBinCount(stop: b) + 1)) {
                    let e = g.edge(k)
                    for o in offsets where rng.nextUnit() < 0.5 {
                        spikes.append(e - o * w); spikes.append(e + o * w)
                    }
                }
                spikes += TestData.poisson(rate: 300, start: a, stop: b, rng: &rng)
            }
            spikes = spikes.filter { t in epochs.contains { t >= $0.0 && t < $0.1 } }.sorted()
            var expect: [Int32] = []
            for (a, b) in epochs {
                let g = BinGrid(origin: a, width: w)
                var c = [Int32](repeating: 0, count: g.fullBinCount(stop: b))
                for t in spikes where t >= a && t < b {
                    let j = g.exactIndex(t)
                    if j >= 0 && j < c.count { c[j] += 1 }
                }
                expect += c
            }
            let f = TestData.fine([spikes.enumerated().filter { $0.offset % 3 != 0 }.map { $0.element },
                                   spikes.enumerated().filter { $0.offset % 3 == 0 }.map { $0.element }],
                                  epochs: epochs)
            XCTAssertEqual(TestData.counts(f, width: w), expect, "scale \(s)")
        }
    }

    /// The windowed pass of every scale at once (`MultiScaleCounts`) against the rule by division: spikes 1e-9 …
    /// 1e-4 bins on both sides of coarse edges of every scale, several units, three epochs with non-aligned starts,
    /// the last one 41 s long (three 16384-bin windows, so edges fall on window joins).
    func testMultiScaleCountsEqualTheRuleByDivision() {
        var rng = Xoshiro256StarStar(seed: 1415)
        let epochs: [(start: Double, stop: Double)] = [(3.000_123_7, 9.8), (12.345_678_9, 14.0), (20.5, 61.623)]
        let offsets: [Double] = [0, 1e-9, 2e-8, 5e-7, 9e-7, 1.1e-6, 2e-6, 5e-6, 1e-5, 1e-4]
        let widths = (1 ... 32).map { Kernels.scaleSeconds($0) }
        var spikes: [Double] = []
        for s in 1 ... 32 {
            let w = widths[s - 1]
            for (a, b) in epochs {
                let g = BinGrid(origin: a, width: w)
                let k = g.fullBinCount(stop: b)
                for kk in 1 ... max(1, k + 1) where rng.nextUnit() < min(1, 40 / Double(k + 1)) {
                    let e = g.edge(kk)
                    for o in offsets where rng.nextUnit() < 0.3 { spikes.append(e - o * w); spikes.append(e + o * w) }
                }
            }
        }
        for (a, b) in epochs { spikes += TestData.poisson(rate: 900, start: a, stop: b, rng: &rng) }
        spikes = spikes.filter { t in epochs.contains { t >= $0.start && t < $0.stop } }
        // Four units: every spike to one of them at random, each train sorted; plus spikes outside the epochs.
        var units: [[Double]] = Array(repeating: [-1.0, 15.5], count: 4)
        for t in spikes { units[Int(rng.next() % 4)].append(t) }
        units = units.map { ($0 + [70.0, 80.5]).sorted() }
        var m = MultiScaleCounts(), scratch = MultiScaleCounts.Scratch()
        XCTAssertTrue(MultiScaleCounts.supports(epochs: epochs, widths: widths))
        withTrains(units) { m.build(epochs: epochs, widths: widths, trains: $0, shifts: nil, scratch: &scratch) }
        for (s, w) in widths.enumerated() {
            var expect: [Int32] = []
            for (a, b) in epochs {
                let g = BinGrid(origin: a, width: w)
                var c = [Int32](repeating: 0, count: g.fullBinCount(stop: b))
                for t in spikes where t >= a && t < b {
                    let j = g.exactIndex(t)
                    if j >= 0 && j < c.count { c[j] += 1 }
                }
                expect += c
            }
            XCTAssertEqual(m.binCounts[s], expect.count, "scale \(s + 1)")
            XCTAssertEqual(Array(m.counts[s][0 ..< m.binCounts[s]]), expect, "scale \(s + 1)")
        }
    }

    /// The circular shift and the ISI permutation through `MultiScaleCounts` give the counts of
    /// `FineBinnedTrain` (build with shifts; build, sortWithinBins, permuteIntervals with the same stream) at every
    /// scale, and leave the stream in the same state.
    func testMultiScaleSurrogatesEqualFineBinnedTrain() {
        var rng = Xoshiro256StarStar(seed: 1416)
        let epochs: [(start: Double, stop: Double)] = [(0.000_37, 20.1), (25.123_456, 63.9)]
        let widths = (1 ... 32).map { Kernels.scaleSeconds($0) }
        let units: [[Double]] = (0 ..< 6).map { u in
            TestData.poisson(rate: u < 3 ? 40 : 900, start: 0, stop: 70, rng: &rng)
        }
        let shifts = epochs.map { (a, b) in units.map { _ in rng.nextUnit() * (b - a) } }
        var m = MultiScaleCounts(), scratch = MultiScaleCounts.Scratch()
        var f = FineBinnedTrain()
        f.reset(epochs: epochs)
        withTrains(units) {
            m.build(epochs: epochs, widths: widths, trains: $0, shifts: shifts, scratch: &scratch)
            f.build(trains: $0, shifts: shifts)
        }
        for (s, w) in widths.enumerated() {
            XCTAssertEqual(Array(m.counts[s][0 ..< m.binCounts[s]]), TestData.counts(f, width: w), "shift, scale \(s + 1)")
        }
        for seed in [UInt64(7), 8] {
            var g1 = Xoshiro256StarStar(seed: seed), g2 = g1
            var f = FineBinnedTrain()
            f.reset(epochs: epochs)
            withTrains(units) {
                m.buildPermuted(epochs: epochs, widths: widths, trains: $0, rng: &g1, scratch: &scratch)
                f.build(trains: $0, shifts: nil)
            }
            f.sortWithinBins()
            f.permuteIntervals(rng: &g2)
            XCTAssertEqual(g1.next(), g2.next(), "the same draws")
            for (s, w) in widths.enumerated() {
                XCTAssertEqual(Array(m.counts[s][0 ..< m.binCounts[s]]), TestData.counts(f, width: w),
                               "ISI, seed \(seed), scale \(s + 1)")
            }
        }
    }

    /// `Kernels.pooledSorted` (the ISI surrogate's pooled train, bucket-sorted window by window) equals the sorted
    /// concatenation of the spikes inside the epoch: ties across units, spikes on the epoch bounds and outside,
    /// a burst of 3000 spikes in one millisecond, several windows, an epoch with one spike and one with none; and
    /// with `intervals`, the differences of that array.
    func testPooledSortedEqualsSortedConcatenation() {
        var rng = Xoshiro256StarStar(seed: 1417)
        var units: [[Double]] = (0 ..< 7).map { u in TestData.poisson(rate: u < 4 ? 300 : 2500, start: 0, stop: 40, rng: &rng) }
        let shared = TestData.poisson(rate: 50, start: 0, stop: 40, rng: &rng)
        units[0] += shared; units[5] += shared; units[6] += shared.prefix(100)
        units[2] += (0 ..< 3000).map { 17.0 + Double($0) * 3e-7 }
        units[3] += [5.0, 5.0, 12.0, 30.0]
        units = units.map { $0.sorted() }
        let epochs: [(Double, Double)] = [(0, 40), (5, 30), (0.5, 21.25), (40, 50), (12.0, 12.0 + 1e-12), (45, 60)]
        for (a, b) in epochs {
            let expect = units.flatMap { $0.filter { $0 >= a && $0 < b } }.sorted()
            var tmp: [Double] = [], buckets: [Int32] = []
            var got = [Double](repeating: .nan, count: expect.count + 3)
            let n = withTrainsResult(units) { trains in
                got.withUnsafeMutableBufferPointer { d in
                    Kernels.pooledSorted(trains, start: a, stop: b, into: d, tmp: &tmp, buckets: &buckets)
                }
            }
            XCTAssertEqual(n, expect.count, "epoch \(a) ..< \(b)")
            XCTAssertEqual(Array(got[0 ..< n]).map(\.bitPattern), expect.map(\.bitPattern), "epoch \(a) ..< \(b)")
            // The same with `intervals`: the first spike, then the differences of the sorted train.
            let diffs = expect.indices.map { $0 == 0 ? expect[0] : expect[$0] - expect[$0 - 1] }
            let n2 = withTrainsResult(units) { trains in
                got.withUnsafeMutableBufferPointer { d in
                    Kernels.pooledSorted(trains, start: a, stop: b, into: d, tmp: &tmp, buckets: &buckets, intervals: true)
                }
            }
            XCTAssertEqual(n2, expect.count, "epoch \(a) ..< \(b)")
            XCTAssertEqual(Array(got[0 ..< n2]).map(\.bitPattern), diffs.map(\.bitPattern), "intervals, epoch \(a) ..< \(b)")
        }
    }

    /// The single-pass ISI surrogate (`buildPermuted`: bucket-sorted pooled train, shuffled intervals, the permuted
    /// train generated and counted window by window) against the construction it replaced — `FineBinnedTrain` build,
    /// `sortWithinBins`, `permuteIntervals`, then counts — count by count at all 32 scales, with the stream left in
    /// the same state: four epochs (one 70 s long, so its windows join at 16.384 s steps and the shuffle takes its
    /// two-level path; one short with plain Fisher–Yates; one with a single spike; one with none), ties across
    /// units, and a burst of 400 spikes in one millisecond.
    func testSinglePassISIEqualsFineBinnedPermutation() {
        var rng = Xoshiro256StarStar(seed: 1418)
        var units: [[Double]] = (0 ..< 5).map { u in
            TestData.poisson(rate: u < 2 ? 30 : 700, start: 0, stop: 120, rng: &rng)
        }
        let shared = TestData.poisson(rate: 20, start: 0, stop: 120, rng: &rng)
        units[1] += shared; units[4] += shared
        units[0] += (0 ..< 400).map { 33.3 + Double($0) * 2e-6 }
        units = units.map { u in u.filter { !($0 >= 90 && $0 < 95) && !($0 >= 96 && $0 < 99) } }
        units[2] += [92.5]
        units = units.map { $0.sorted() }
        let epochs: [(start: Double, stop: Double)] = [(0.000_41, 70.3), (71.234_5, 75.9), (90.0, 95.0), (96.0, 99.0)]
        let widths = (1 ... 32).map { Kernels.scaleSeconds($0) }
        XCTAssertTrue(MultiScaleCounts.supports(epochs: epochs, widths: widths))
        var m = MultiScaleCounts(), scratch = MultiScaleCounts.Scratch()
        for seed in [UInt64(11), 12, 13] {
            var g1 = Xoshiro256StarStar(seed: seed), g2 = g1
            var f = FineBinnedTrain()
            f.reset(epochs: epochs)
            withTrains(units) {
                m.buildPermuted(epochs: epochs, widths: widths, trains: $0, rng: &g1, scratch: &scratch)
                f.build(trains: $0, shifts: nil)
            }
            f.sortWithinBins()
            f.permuteIntervals(rng: &g2)
            XCTAssertEqual(g1.next(), g2.next(), "the same draws, seed \(seed)")
            for (s, w) in widths.enumerated() {
                XCTAssertEqual(m.binCounts[s], f.binCount(width: w))
                XCTAssertEqual(Array(m.counts[s][0 ..< m.binCounts[s]]), TestData.counts(f, width: w),
                               "ISI, seed \(seed), scale \(s + 1)")
            }
        }
    }

    /// The ISI members of a state sharing one pooled sort (`PooledIntervals`, `buildPermuted(pooled:)`, issue 15)
    /// against the per-member path (`buildPermuted(trains:)`) and against the `FineBinnedTrain` construction, count
    /// by count (Int32, so bit for bit) at all 32 scales, with the stream left in the same state, for several members
    /// from one shared value and in a shuffled member order; and the shared values are `pooledSorted(intervals:)`'s.
    /// Epochs: one 70 s long (two-level shuffle, window joins) with a 30 s silence (whole empty windows) and a
    /// 400-spike burst in 1 ms; one sparse (≈ 60 spikes/s, so gaps of more than 8 fine bins are common); one with
    /// one spike; one empty.
    func testSharedPooledIntervalsEqualPerMemberPath() {
        var rng = Xoshiro256StarStar(seed: 2026_1207)
        var units: [[Double]] = (0 ..< 6).map { u in TestData.poisson(rate: u < 3 ? 20 : 800, start: 0, stop: 130, rng: &rng) }
        units[0] += (0 ..< 400).map { 13.3 + Double($0) * 2e-6 }
        units = units.map { u in u.filter { !($0 >= 30 && $0 < 60) } }
        // 80 ... 100 s: only the slow units; 101 ... 104: none; one spike at 107.
        units = units.enumerated().map { i, u in u.filter { !($0 >= 80 && $0 < 110) || (i < 3 && $0 < 100) } }
        units[1] += [107.25]
        units = units.map { $0.sorted() }
        let epochs: [(start: Double, stop: Double)] = [(0.000_37, 70.2), (80.123_4, 99.9), (106.5, 108.0), (101.0, 104.0)]
        let widths = (1 ... 32).map { Kernels.scaleSeconds($0) }
        XCTAssertTrue(MultiScaleCounts.supports(epochs: epochs, widths: widths))
        let pooled = withTrainsResult(units) { PooledIntervals(trains: $0, epochs: epochs) }
        XCTAssertEqual(pooled.epochCount, 4)
        // The shared values are the per-member pooled sort's, epoch by epoch.
        for (e, (a, b)) in epochs.enumerated() {
            let n = pooled.offsets[e + 1] - pooled.offsets[e]
            var d = [Double](repeating: 0, count: n + 1), tmp: [Double] = [], buckets: [Int32] = []
            let m = withTrainsResult(units) { trains in
                d.withUnsafeMutableBufferPointer {
                    Kernels.pooledSorted(trains, start: a, stop: b, into: $0, tmp: &tmp, buckets: &buckets, intervals: true)
                }
            }
            XCTAssertEqual(m, n, "epoch \(e)")
            XCTAssertEqual(pooled.values[pooled.offsets[e] ..< pooled.offsets[e + 1]].map(\.bitPattern),
                           d[0 ..< m].map(\.bitPattern), "epoch \(e)")
        }
        XCTAssertGreaterThan(pooled.offsets[1] - pooled.offsets[0], 65536, "the two-level shuffle is exercised")
        XCTAssertEqual(pooled.offsets[3] - pooled.offsets[2], 1)
        XCTAssertEqual(pooled.offsets[4] - pooled.offsets[3], 0)
        var shared = MultiScaleCounts(), single = MultiScaleCounts()
        var s1 = MultiScaleCounts.Scratch(), s2 = MultiScaleCounts.Scratch()
        // Members 0 ... 4 in a shuffled order, all from the one `pooled`; one scratch kept across them.
        for member in [UInt64(3), 0, 4, 1, 2] {
            var g1 = Xoshiro256StarStar(seed: 77, streams: [member]), g2 = g1, g3 = g1
            shared.buildPermuted(epochs: epochs, widths: widths, pooled: pooled, rng: &g1, scratch: &s1)
            withTrains(units) { single.buildPermuted(epochs: epochs, widths: widths, trains: $0, rng: &g2, scratch: &s2) }
            var f = FineBinnedTrain()
            f.reset(epochs: epochs)
            withTrains(units) { f.build(trains: $0, shifts: nil) }
            f.sortWithinBins()
            f.permuteIntervals(rng: &g3)
            let next = g1.next()
            XCTAssertEqual(next, g2.next(), "the same draws, member \(member)")
            XCTAssertEqual(next, g3.next(), "the same draws, member \(member)")
            for (s, w) in widths.enumerated() {
                XCTAssertEqual(shared.binCounts[s], single.binCounts[s])
                XCTAssertEqual(shared.binCounts[s], f.binCount(width: w))
                let c = Array(shared.counts[s][0 ..< shared.binCounts[s]])
                XCTAssertEqual(c, Array(single.counts[s][0 ..< single.binCounts[s]]), "member \(member), scale \(s + 1)")
                XCTAssertEqual(c, TestData.counts(f, width: w), "member \(member), scale \(s + 1)")
            }
        }
        // The read-only source is left as it was.
        let again = withTrainsResult(units) { PooledIntervals(trains: $0, epochs: epochs) }
        XCTAssertEqual(again.values.map(\.bitPattern), pooled.values.map(\.bitPattern))
    }

    /// `shuffleIntervals(from:into:)` leaves in `dst` what the in-place `shuffleIntervals(differenced: true)` leaves
    /// in a copy, with the same draws, below and above the two-level threshold, and never reads `dst`'s old contents.
    func testShuffleIntervalsFromSourceEqualsInPlace() {
        var rng = Xoshiro256StarStar(seed: 5)
        for n in [0, 1, 2, 3, 1000, 65536, 65537, 200_003] {
            let src = (0 ..< n).map { _ in rng.nextUnit() }
            var copy = src, dst = [Double](repeating: .nan, count: n + 3)
            var g1 = Xoshiro256StarStar(seed: UInt64(n)), g2 = g1
            var l1: [UInt16] = [], l2: [UInt16] = []
            copy.withUnsafeMutableBufferPointer {
                Kernels.shuffleIntervals($0, lo: 0, count: n, rng: &g1, labels: &l1, differenced: true)
            }
            src.withUnsafeBufferPointer { s in
                dst.withUnsafeMutableBufferPointer { Kernels.shuffleIntervals(from: s, into: $0, count: n, rng: &g2, labels: &l2) }
            }
            XCTAssertEqual(g1.next(), g2.next(), "n \(n)")
            XCTAssertEqual(dst[0 ..< n].map(\.bitPattern), copy.map(\.bitPattern), "n \(n)")
        }
    }

    private func withTrainsResult<R>(_ units: [[Double]], _ body: ([UnsafeBufferPointer<Double>]) -> R) -> R {
        var r: R? = nil
        withTrains(units) { r = body($0) }
        return r!
    }

    private func withTrains(_ units: [[Double]], _ body: ([UnsafeBufferPointer<Double>]) -> Void) {
        let copies = units.map { UnsafeMutableBufferPointer<Double>.allocate(capacity: max($0.count, 1)) }
        defer { copies.forEach { $0.deallocate() } }
        for (c, t) in zip(copies, units) { _ = c.initialize(from: t) }
        body(zip(copies, units).map { UnsafeBufferPointer(rebasing: $0.0[0 ..< $0.1.count]) })
    }
}
