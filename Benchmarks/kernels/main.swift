// Benchmark of the METHODS §2–5 kernels on the issue-4 workload: an 8-hour recording, 160 E units at 5 Hz and
// 40 I units at 25 Hz (≈ 52 M spikes), one state, 32 scales. Prints one line per figure.
//
//   kernels-bench [--hours H] [--surrogates N] [--write FILE]
//
// --write FILE stores the generated recording for Benchmarks/reference/elephant_reference.py:
// little-endian  u64 unitCount, f64 duration, u8 class[unitCount] (1 = E, 2 = I), i64 offsets[unitCount+1],
// f64 times[offsets.last].
import Analysis
import Foundation
import Kernels
import Recordings

/// CPU time of this thread, seconds: the machine is shared, so CPU time rather than wall time is the figure that
/// does not depend on other processes' load (wall time is printed beside the totals).
func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
func wall() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

func peakRSSMegabytes() -> Double {
    guard let s = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return .nan }
    for line in s.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let kb = line.split(separator: " ").compactMap { Double($0) }.first ?? Double.nan
        return kb / 1024
    }
    return .nan
}

var hours = 8.0, surrogates = 1
var writePath: String? = nil
var args = CommandLine.arguments.dropFirst().makeIterator()
while let a = args.next() {
    switch a {
    case "--hours": hours = Double(args.next()!)!
    case "--surrogates": surrogates = Int(args.next()!)!
    case "--write": writePath = args.next()!
    default: fatalError("unknown argument \(a)")
    }
}

let duration = hours * 3600
var t0 = now()
var rng = Xoshiro256StarStar(seed: 42)
var times: [Double] = []
times.reserveCapacity(Int(duration * (160 * 5 + 40 * 25) * 1.01))
var offsets = [0]
var units: [Recordings.Unit] = []
for u in 0 ..< 200 {
    let rate = u < 160 ? 5.0 : 25.0
    var t = 0.0
    while true {
        t += -log(1 - rng.nextUnit()) / rate
        if t >= duration { break }
        times.append(t)
    }
    offsets.append(times.count)
    units.append(Recordings.Unit(id: Int64(u), cellClass: u < 160 ? .excitatory : .inhibitory))
}
let recording = Recording(subject: "bench", session: "s1", units: units,
                          spikes: SpikeTrains(times: times, offsets: offsets),
                          epochs: [StateEpoch(start: 0, stop: duration, state: "wake")])
times = []
print(String(format: "generate: %.2f h, %d units, %d spikes, %.2f s", hours, units.count,
             recording.spikes.spikeCount, now() - t0))

if let path = writePath {
    var d = Data()
    func put<T>(_ v: T) { withUnsafeBytes(of: v) { d.append(contentsOf: $0) } }
    put(UInt64(units.count)); put(duration)
    for u in units { put(UInt8(u.cellClass == .excitatory ? 1 : 2)) }
    for o in recording.spikes.offsets { put(Int64(o)) }
    recording.spikes.times.withUnsafeBytes { d.append(contentsOf: $0) }
    try! d.write(to: URL(fileURLWithPath: path))
    print("wrote \(path)")
}

// Lower bound: one streaming pass over the spike array.
t0 = now()
var acc = SIMD8<Double>()
recording.spikes.times.withUnsafeBufferPointer { p in
    let raw = UnsafeRawPointer(p.baseAddress!)
    var i = 0
    while i + 8 <= p.count { acc += raw.loadUnaligned(fromByteOffset: i * 8, as: SIMD8<Double>.self); i += 8 }
}
print(String(format: "peak resident memory after generating the recording: %.0f MB", peakRSSMegabytes()))
print(String(format: "streaming pass (sum of spike times): %.3f s   [checksum %.6e]", now() - t0, acc.sum()))

var p = AnalysisParameters()
p.surrogateCount = surrogates
t0 = now()
var w0 = wall()
let observed = try! StateAnalysis.compute(recording: recording, recordingID: "bench/s1", state: "wake",
                                          members: [.observed], parameters: p)
let tObs = now() - t0
let set = observed[.observed]!
print(String(format: "observed member, all §2–3 measures + glcm + order parameters, 32 scales: %.3f s CPU (%.3f s wall)  (%d values, %d missing)",
             tObs, wall() - w0, set.values.count, set.missing.count))
print(String(format: "  pearson_r@1 %.4f  @20 %.4f  variance_beta %.4f  collapse_spread %.4f",
             set.values[MeasureKey("pearson_r", scale: 1)] ?? Double.nan, set.values[MeasureKey("pearson_r", scale: 20)] ?? Double.nan,
             set.values[MeasureKey("variance_beta")] ?? Double.nan, set.values[MeasureKey("collapse_spread")] ?? Double.nan))
for kind in SurrogateKind.allCases {
    for i in 0 ..< surrogates {
        t0 = now()
        _ = try! StateAnalysis.compute(recording: recording, recordingID: "bench/s1", state: "wake",
                                       members: [.surrogate(kind, i)], parameters: p)
        print(String(format: "surrogate %@ #%d: %.3f s", kind.rawValue, i, now() - t0))
    }
}
print(String(format: "peak resident memory (VmHWM) after generation, observed member and surrogates: %.0f MB",
             peakRSSMegabytes()))
print(String(format: "  of which the generated recording itself: %.0f MB (spike times + offsets)",
             Double(recording.spikes.spikeCount * 8 + recording.spikes.offsets.count * 8) / 1048576))

// Breakdown (session 5, binning): the member's path since then, fine binning and the counts of all 32 scales in one
// windowed pass (MultiScaleCounts), both classes; compare with the sum of the two FineBinnedTrain lines below.
do {
    let sp = recording.spikes
    var me = MultiScaleCounts(), mi = MultiScaleCounts(), scratch = MultiScaleCounts.Scratch()
    let widths = (1 ... 32).map { Kernels.scaleSeconds($0) }
    let ep = [(start: 0.0, stop: duration)]
    sp.times.withUnsafeBufferPointer { base in
        let te = (0 ..< 160).map { UnsafeBufferPointer(rebasing: base[sp.offsets[$0] ..< sp.offsets[$0 + 1]]) }
        let ti = (160 ..< 200).map { UnsafeBufferPointer(rebasing: base[sp.offsets[$0] ..< sp.offsets[$0 + 1]]) }
        for pass in 0 ..< 2 {
            t0 = now()
            me.build(epochs: ep, widths: widths, trains: te, shifts: nil, scratch: &scratch)
            mi.build(epochs: ep, widths: widths, trains: ti, shifts: nil, scratch: &scratch)
            print(String(format: "  breakdown: windowed fine binning + counts at 32 scales (MultiScaleCounts, both classes, %@): %.3f s",
                         pass == 0 ? "buffers new" : "buffers reused", now() - t0))
        }
        // Session 6, binning: the ISI surrogate's binning (buildPermuted, both classes, buffers reused) and its parts.
        var g = Xoshiro256StarStar(seed: 7)
        t0 = now()
        me.buildPermuted(epochs: ep, widths: widths, trains: te, rng: &g, scratch: &scratch)
        mi.buildPermuted(epochs: ep, widths: widths, trains: ti, rng: &g, scratch: &scratch)
        let tPerm = now() - t0
        var pooled = [Double](repeating: 0, count: max(te.reduce(0) { $0 + $1.count }, ti.reduce(0) { $0 + $1.count }) + 4)
        var tmp: [Double] = [], buckets: [Int32] = [], labels: [UInt16] = []
        var tSort = 0.0, tShuffle = 0.0
        for tr in [te, ti] {
            pooled.withUnsafeMutableBufferPointer { d in
                t0 = now()
                let n = Kernels.pooledSorted(tr, start: 0, stop: duration, into: d, tmp: &tmp, buckets: &buckets)
                tSort += now() - t0
                t0 = now()
                Kernels.shuffleIntervals(d, lo: 0, count: n, rng: &g, labels: &labels)
                tShuffle += now() - t0
            }
        }
        print(String(format: "  breakdown: ISI surrogate binning + counts at 32 scales (buildPermuted, both classes, buffers reused): %.3f s; of which pooled sort %.3f s, intervals + shuffle %.3f s",
                     tPerm, tSort, tShuffle))
    }
}

// Breakdown of the observed member with the kernels directly.
do {
    var fe = FineBinnedTrain(), fi = FineBinnedTrain()
    let sp = recording.spikes
    sp.times.withUnsafeBufferPointer { base in
        let te = (0 ..< 160).map { UnsafeBufferPointer(rebasing: base[sp.offsets[$0] ..< sp.offsets[$0 + 1]]) }
        let ti = (160 ..< 200).map { UnsafeBufferPointer(rebasing: base[sp.offsets[$0] ..< sp.offsets[$0 + 1]]) }
        t0 = now()
        fe.reset(epochs: [(start: 0, stop: duration)]); fi.reset(epochs: [(start: 0, stop: duration)])
        fe.build(trains: te); fi.build(trains: ti)
        print(String(format: "  breakdown: fine binning (count + group, both classes): %.3f s", now() - t0))
    }
    var be = [Int32](repeating: 0, count: fe.binCount(width: 0.001)), bi = be
    var tc = 0.0, tm = 0.0, tx = 0.0, tg = 0.0, tgOld = 0.0
    // §3.7 co-occurrence: the workspace (`CooccurrenceWorkspace`, as `StateWorkspace.measures`) and, for comparison
    // in the same run, the construction before session 5 (`glcmBeforeSession5`).
    var glcm = CooccurrenceWorkspace()
    let gridWidth = Kernels.scaleSeconds(20)
    let gridBins = [BinGrid(origin: 0, width: gridWidth).fullBinCount(stop: duration)]
    var oldRowsE: [[Double]] = [], oldRowsI: [[Double]] = []
    t0 = now()
    glcm.start(gridWidth: gridWidth, gridEpochBins: gridBins, scales: 32)
    tg += now() - t0
    for s in 1 ... 32 {
        let w = Kernels.scaleSeconds(s)
        t0 = now()
        let k = be.withUnsafeMutableBufferPointer { e in bi.withUnsafeMutableBufferPointer { i in
            FineBinnedTrain.counts(fe, fi, width: w, into: e.baseAddress!, i.baseAddress!) } }
        let dtc = now() - t0
        tc += dtc
        if ProcessInfo.processInfo.environment["KER_VERBOSE"] != nil {
            print(String(format: "    scale %2d: K = %9d, counts %.4f s (%.1f ns per bin)", s, k, dtc, dtc / Double(k) * 1e9))
        }
        t0 = now()
        be.withUnsafeBufferPointer { e in bi.withUnsafeBufferPointer { i in
            let a = UnsafeBufferPointer(rebasing: e[0 ..< k]), b = UnsafeBufferPointer(rebasing: i[0 ..< k])
            let m = Kernels.countMoments(e: a, i: b)
            let t1 = now()
            _ = Kernels.crossCorrelation(e: a, i: b, maxLag: 20, moments: m)
            tx += now() - t1
            let r = Kernels.scaleMeasures(e: a, i: b, options: ScaleOptions(unitsE: 160, unitsI: 40, dtMilliseconds: Kernels.scaleMilliseconds(s)))
            tm += now() - t0
            let (sdE, sdI) = k >= 2 ? (r.sdE, r.sdI) : (0, 0)
            t0 = now()
            glcm.addScale(e: a, i: b, epochBins: [k], width: w, meanE: r.meanE, sdE: sdE, meanI: r.meanI, sdI: sdI)
            tg += now() - t0
            t0 = now()
            oldRowsE.append(resampleBeforeSession5(a, k, width: w, gridWidth: gridWidth, gridBins: gridBins[0], mean: r.meanE, sd: sdE))
            oldRowsI.append(resampleBeforeSession5(b, k, width: w, gridWidth: gridWidth, gridBins: gridBins[0], mean: r.meanI, sd: sdI))
            tgOld += now() - t0
        } }
    }
    print(String(format: "  breakdown: counts at 32 scales from prefix counts: %.3f s; scaleMeasures: %.3f s (of which cross-correlation %.3f s, measured twice)", tc, tm - tx, tx))
    t0 = now()
    _ = glcm.quantise(levels: 16)
    let newCounts = (1 ... 5).map { glcm.counts(offset: $0, levels: 16) }
    tg += now() - t0
    t0 = now()
    let oldCounts = glcmBeforeSession5(rowsE: oldRowsE, rowsI: oldRowsI)
    tgOld += now() - t0
    print(String(format: "  breakdown: §3.7 co-occurrence (resample 32 scales, thresholds, levels, counts at 5 offsets): %.3f s; the same before session 5 ([[Double]] rows, prefix sums, quickselect of the pooled copy, binary search): %.3f s; counts %@",
                 tg, tgOld, newCounts == oldCounts ? "identical" : "DIFFER"))
}

/// METHODS §3.7 resampling as `Kernels.resampleZScores` did before session 5 (one epoch): a prefix-sum array of
/// the counts per call, a new row per scale and class.
func resampleBeforeSession5(_ counts: UnsafeBufferPointer<Int32>, _ kb: Int, width: Double, gridWidth: Double,
                            gridBins gm: Int, mean: Double, sd: Double) -> [Double] {
    var out = [Double](repeating: .nan, count: gm)
    guard sd > 0 else { return out }
    func rational(_ x: Double) -> (Int128, Int) { (Int128(x.significandBitPattern | (1 << 52)), Int(x.exponent) - 52) }
    let (mw, ew) = rational(width), (mg, eg) = rational(gridWidth)
    let e0 = min(ew, eg)
    let dt = mw << (ew - e0), d20 = mg << (eg - e0)
    let (qd128, rd) = d20.quotientAndRemainder(dividingBy: dt)
    let qd = Int(qd128)
    var prefix: [Int64] = [0]
    var acc: Int64 = 0
    for k in 0 ..< kb { acc += Int64(counts[k]); prefix.append(acc) }
    var ka = 0, rem: Int128 = 0
    for m in 0 ..< gm {
        var kh = ka + qd, remh = rem + rd
        if remh >= dt { remh -= dt; kh += 1 }
        defer { ka = kh; rem = remh }
        let i1 = min(remh == 0 ? kh - 1 : kh, kb - 1), i0 = ka
        guard i0 <= i1 else { continue }
        let value: Double
        if i0 == i1 { value = Double(counts[i0]) } else {
            let wa = dt - rem, wb = (i1 == kh && remh != 0) ? remh : dt
            let den = wa + Int128(i1 - i0 - 1) * dt + wb
            let num = Int128(counts[i0]) * wa + Int128(prefix[i1] - prefix[i0 + 1]) * dt + Int128(counts[i1]) * wb
            let (q, r) = divideBeforeSession5(num, den)
            value = r == 0 ? double128(q) : double128(q) + double128(r) / double128(den)
        }
        out[m] = (value - mean) / sd
    }
    return out
}

/// As `Kernels.double(_:)` (internal): a non-negative Int128 as a double.
func double128(_ x: Int128) -> Double {
    let hi = UInt64(truncatingIfNeeded: x >> 64), lo = UInt64(truncatingIfNeeded: x)
    return hi == 0 ? Double(lo) : Double(hi) * 0x1p64 + Double(lo)
}

/// As `Kernels.divide(_:_:)` (internal): the quotient estimated in double and corrected exactly.
func divideBeforeSession5(_ num: Int128, _ den: Int128) -> (Int128, Int128) {
    let estimate = (double128(num) / double128(den)).rounded(.down)
    guard estimate < 0x1p40 else { return num.quotientAndRemainder(dividingBy: den) }
    var q = Int128(Int64(estimate)), r = num - q * den
    while r < 0 { q -= 1; r += den }
    while r >= den { q += 1; r -= den }
    return (q, r)
}

/// METHODS §3.7 thresholds, levels and counts at offsets 1…5 as `StateWorkspace.addCooccurrence` did before
/// session 5: a pooled copy reordered by quickselect, a binary search per cell, [[Int8]] level rows.
func glcmBeforeSession5(rowsE: [[Double]], rowsI: [[Double]]) -> [[Int64]] {
    var pooled: [Double] = []
    for row in rowsE + rowsI { for v in row where v.isFinite { pooled.append(v) } }
    let t = Kernels.equalFrequencyThresholds(&pooled, levels: 16)
    func levels(_ rows: [[Double]]) -> [[Int8]] {
        rows.map { row in row.map { $0.isFinite ? Int8(Kernels.quantiseLevel($0, thresholds: t)) : -1 } }
    }
    let (le, li) = (levels(rowsE), levels(rowsI))
    return (1 ... 5).map { Kernels.cooccurrenceCounts(levelsE: le, levelsI: li, offset: $0, levels: 16) }
}


