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
    var tc = 0.0, tm = 0.0, tx = 0.0
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
            _ = Kernels.scaleMeasures(e: a, i: b, options: ScaleOptions(unitsE: 160, unitsI: 40, dtMilliseconds: Kernels.scaleMilliseconds(s)))
        } }
        tm += now() - t0
    }
    print(String(format: "  breakdown: counts at 32 scales from prefix counts: %.3f s; scaleMeasures: %.3f s (of which cross-correlation %.3f s, measured twice)", tc, tm - tx, tx))
}


