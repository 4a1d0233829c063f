import Foundation
import Kernels
import Recordings

/// METHODS §8 per (recording, state, source, bin size): spike avalanches from all units pooled (no classes) and
/// LFP avalanches from threshold events of the z-scored channels; discrete power-law (KS x_min), exponential
/// and bi-exponential fits with log-likelihood ratios; branching ratio.
///
/// Measures (family `avalanches`, group `spikes` or `lfp`, per `bin_ms`): `avalanche_count`,
/// `size_mean`, `duration_mean`, `branching_ratio`, and for `size` and `duration`: `<x>_alpha`, `<x>_alpha_se`,
/// `<x>_xmin`, `<x>_ks`, `<x>_tail_count`, `<x>_llr_exponential`, `<x>_p_exponential`,
/// `<x>_llr_biexponential`, `<x>_p_biexponential` (positive LLR favours the power law).
/// Curves (observed data): `size_count`, `duration_count` per group and `bin_ms` (see `FamilyCurveRow`).
/// Spike surrogates (METHODS §5) recompute the `spikes` group only: LFP events do not depend on spikes.
public enum AvalancheAnalysis {
    static let fitMeasures = ["alpha", "alpha_se", "xmin", "ks", "tail_count", "llr_exponential", "p_exponential",
                              "llr_biexponential", "p_biexponential"]
    public static let measureNames = Measure.avalanches.map(\.rawValue)

    /// Rows of one count series set (pieces = epochs).
    static func add(_ b: inout FamilyRowBuilder, pieces: [[Int32]], group: String, binMs: Double, p: FamilyParameters,
                    curves: Bool = true) {
        let av = Avalanches.detect(pieces: pieces)
        b.add("avalanche_count", Double(av.sizes.count), group: group, binMs: binMs)
        if curves {
            for (name, data) in [("size_count", av.sizes), ("duration_count", av.durations)] {
                let h = histogram(data)
                b.curve(name, x: h.map { Double($0.value) }, y: h.map { Double($0.count) }, group: group, binMs: binMs)
            }
        }
        let none = "no avalanche"
        b.add("size_mean", av.sizes.isEmpty ? nil : Double(av.sizes.reduce(0, +)) / Double(av.sizes.count),
              group: group, binMs: binMs, reason: none)
        b.add("duration_mean", av.durations.isEmpty ? nil : Double(av.durations.reduce(0, +)) / Double(av.durations.count),
              group: group, binMs: binMs, reason: none)
        b.add("branching_ratio", BranchingRatio.estimate(pieces: pieces), group: group, binMs: binMs,
              reason: "no non-empty bin with a successor")
        for (name, data) in [("size", av.sizes), ("duration", av.durations)] {
            let enough = data.count >= p.minimumAvalanches
            let fits = enough ? PowerLawFit.fitAll(data, maximumAlpha: p.maximumAlpha ?? .infinity) : nil
            let why = enough ? "fewer than two distinct \(name)s (or no x_min with α below the maximum)"
                : "\(data.count) avalanches, fewer than \(p.minimumAvalanches)"
            let pl = fits?.powerLaw
            b.add(name + "_alpha", pl?.alpha, group: group, binMs: binMs, reason: why)
            b.add(name + "_alpha_se", pl?.alphaSE, group: group, binMs: binMs, reason: why)
            b.add(name + "_xmin", pl.map { Double($0.xmin) }, group: group, binMs: binMs, reason: why)
            b.add(name + "_ks", pl?.ks, group: group, binMs: binMs, reason: why)
            b.add(name + "_tail_count", pl.map { Double($0.tailCount) }, group: group, binMs: binMs, reason: why)
            let tw = fits == nil ? why : "tail values all equal x_min (no exponential fit)"
            b.add(name + "_llr_exponential", fits?.versusExponential?.ratio, group: group, binMs: binMs, reason: tw)
            b.add(name + "_p_exponential", fits?.versusExponential?.p, group: group, binMs: binMs, reason: tw)
            let bw = fits == nil ? why : "fewer than 4 tail values or degenerate tail (no bi-exponential fit)"
            b.add(name + "_llr_biexponential", fits?.versusBiExponential?.ratio, group: group, binMs: binMs, reason: bw)
            b.add(name + "_p_biexponential", fits?.versusBiExponential?.p, group: group, binMs: binMs, reason: bw)
        }
    }

    /// (value, number of occurrences) of every value that occurs, ascending.
    static func histogram(_ data: [Int]) -> [(value: Int, count: Int)] {
        var c: [Int: Int] = [:]
        for v in data { c[v, default: 0] += 1 }
        return c.keys.sorted().map { ($0, c[$0]!) }
    }

    /// Pooled spike counts per epoch at `width` seconds.
    public static func spikeCounts(trains: [[Double]], epochs: [(start: Double, stop: Double)], width: Double) -> [[Int32]] {
        epochs.map { e in
            var c = [Int32](repeating: 0, count: Avalanches.binCount(start: e.start, stop: e.stop, width: width))
            for t in trains { t.withUnsafeBufferPointer { Avalanches.addCounts(times: $0, start: e.start, stop: e.stop, width: width, into: &c) } }
            return c
        }
    }

    /// LFP event counts per epoch: each channel z-scored over all the state's samples, events at the extreme
    /// sample of every excursion beyond ±threshold, pooled over channels and binned at `width` seconds.
    public static func lfpCounts(channelPieces: [[[Double]]], rate: Double, width: Double, threshold: Double) -> [[Int32]] {
        guard let first = channelPieces.first else { return [] }
        var out = first.map { [Int32](repeating: 0, count: Avalanches.binCount(start: 0, stop: Double($0.count) / rate, width: width)) }
        for pieces in channelPieces {
            var s = 0.0, q = 0.0, n = 0.0
            for x in pieces { for v in x { s += v; q += v * v; n += 1 } }
            guard n > 1 else { continue }
            let mean = s / n, sd = ((q - s * s / n) / (n - 1)).squareRoot()
            guard sd > 0 else { continue }
            for (k, x) in pieces.enumerated() {
                let ev = Avalanches.lfpEvents(z: x.map { ($0 - mean) / sd }, threshold: threshold)
                for i in ev {
                    let bin = Avalanches.binIndex(Double(i) / rate, start: 0, width: width)
                    if bin < out[k].count { out[k][bin] += 1 }
                }
            }
        }
        return out
    }

    public static func run(recording r: Recording, state: String, parameters p: FamilyParameters) throws -> FamilyResult {
        try run(recording: r, state: state, parameters: p, observed: true)
    }

    /// `observed: false` (a spike surrogate): no curves, and no `lfp` group.
    static func run(recording r: Recording, state: String, parameters p: FamilyParameters,
                    observed: Bool) throws -> FamilyResult {
        var b = FamilyRowBuilder(subject: r.subject, session: r.session, state: state, family: .avalanches)
        let epochs = FamilySupport.epochs(r, state: state)
        if r.units.isEmpty || r.spikes.spikeCount == 0 {
            for w in p.avalancheBinsMs { for m in measureNames { b.add(m, nil, group: "spikes", binMs: w, reason: "no spikes") } }
        } else {
            let trains = FamilySupport.trains(r, Array(0..<r.units.count))
            for w in p.avalancheBinsMs {
                add(&b, pieces: spikeCounts(trains: trains, epochs: epochs, width: w / 1000), group: "spikes", binMs: w,
                    p: p, curves: observed)
            }
        }
        if observed, p.signalIndex < r.signals.count, let rate = r.signals[p.signalIndex].rate {
            let series = r.signals[p.signalIndex]
            let ranges = FamilySupport.ranges(r, state: state, series: series)
            let channels = p.channels ?? Array(0..<series.channelCount)
            let pieces = try FamilySupport.readPieces(series, channels: channels, ranges: ranges)
            for w in p.lfpAvalancheBinsMs {
                add(&b, pieces: lfpCounts(channelPieces: pieces, rate: rate, width: w / 1000, threshold: p.lfpEventThreshold),
                    group: "lfp", binMs: w, p: p)
            }
        }
        return b.result
    }
}
