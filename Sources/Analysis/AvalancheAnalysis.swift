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
                    curves: Bool = true, zeta: PowerLawFit.ZetaTable) {
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
            let fits = enough ? PowerLawFit.fitAll(data, maximumAlpha: p.maximumAlpha ?? .infinity, zeta: zeta) : nil
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

    /// `spikeCounts(trains:epochs:width:)` at every width of `widths` (seconds) in one pass over the spikes:
    /// result[width][epoch] (the CSR spike trains of a recording, units `units`).
    public static func spikeCounts(spikes: SpikeTrains, units: Range<Int>, epochs: [(start: Double, stop: Double)],
                                   widths: [Double]) -> [[[Int32]]] {
        var out = [[[Int32]]](repeating: [], count: widths.count)
        for e in epochs {
            var c = widths.map { [Int32](repeating: 0, count: Avalanches.binCount(start: e.start, stop: e.stop, width: $0)) }
            spikes.times.withUnsafeBufferPointer { all in
                for u in units {
                    let t = UnsafeBufferPointer(rebasing: all[spikes.offsets[u] ..< spikes.offsets[u + 1]])
                    Avalanches.addCounts(times: t, start: e.start, stop: e.stop, widths: widths, into: &c)
                }
            }
            for w in widths.indices { out[w].append(c[w]) }
        }
        return out
    }

    /// LFP event counts per epoch at every width of `widths` (seconds), result[width][piece]: each channel
    /// z-scored over all the state's samples (`channelPieces[channel][piece]`), events at the extreme sample of
    /// every excursion beyond ±threshold (found once per channel and piece), pooled over channels and binned.
    /// The per-channel statement of the rule, kept as the oracle of `Avalanches.lfpEventCounts` (which `run`
    /// uses) and for channels outside the series.
    public static func lfpCounts(channelPieces: [[[Double]]], rate: Double, widths: [Double],
                                 threshold: Double) -> [[[Int32]]] {
        guard let first = channelPieces.first else { return widths.map { _ in [] } }
        var out = widths.map { w in
            first.map { [Int32](repeating: 0, count: Avalanches.binCount(start: 0, stop: Double($0.count) / rate, width: w)) }
        }
        for pieces in channelPieces {
            var s = 0.0, q = 0.0, n = 0.0
            for x in pieces { for v in x { s += v; q += v * v; n += 1 } }
            guard n > 1 else { continue }
            let mean = s / n, sd = ((q - s * s / n) / (n - 1)).squareRoot()
            guard sd > 0 else { continue }
            for (k, x) in pieces.enumerated() {
                let ev = x.withUnsafeBufferPointer { Avalanches.lfpEvents(x: $0, mean: mean, sd: sd, threshold: threshold) }
                for (wi, width) in widths.enumerated() {
                    for i in ev {
                        let bin = Avalanches.binIndex(Double(i) / rate, start: 0, width: width)
                        if bin < out[wi][k].count { out[wi][k][bin] += 1 }
                    }
                }
            }
        }
        return out
    }

    /// `lfpCounts(channelPieces: FamilySupport.readPieces(series, channels:, ranges:), …)` — the same counts —
    /// without splitting the rows into one array per channel: a range of all channels and up to 512 MB is read
    /// in one call (each gzip chunk inflated once) and `Avalanches.lfpEventCounts` z-scores and finds the events
    /// on the row-major samples. Channels outside the series take the per-channel path.
    static func lfpCounts(series: SignalSeries, channels: [Int], ranges: [Range<Int>], rate: Double,
                          widths: [Double], threshold: Double) throws -> [[[Int32]]] {
        let cc = series.channelCount
        guard !channels.isEmpty else { return widths.map { _ in [] } }
        guard !channels.contains(where: { $0 < 0 || $0 >= cc }) else {
            return lfpCounts(channelPieces: try FamilySupport.readPieces(series, channels: channels, ranges: ranges),
                             rate: rate, widths: widths, threshold: threshold)
        }
        let all = channels == Array(0..<cc)
        var pieces: [[Double]] = []
        for r in ranges {
            // All channels and at most 2^26 values (512 MB): one read, whose array is kept as the piece (peak
            // memory: the state's samples, as the per-channel pieces were). Otherwise blocks of 2^21 values (as
            // `readPieces`) appended to a piece reserved at its final size (peak: the samples kept + one block).
            let single = all && r.count <= (1 << 26) / cc
            let block = single ? max(1, r.count) : max(1, (1 << 21) / cc)
            var rows: [Double] = []
            if !single { rows.reserveCapacity(r.count * channels.count) }
            var s = r.lowerBound
            while s < r.upperBound {
                let e = min(r.upperBound, s + block)
                let data = try series.read(rows: s..<e)
                guard data.count == (e - s) * cc else {     // a short read: the per-channel path, as before
                    return lfpCounts(channelPieces: try FamilySupport.readPieces(series, channels: channels, ranges: ranges),
                                     rate: rate, widths: widths, threshold: threshold)
                }
                if single {
                    rows = data
                } else if all {
                    rows += data
                } else {
                    for j in 0..<(e - s) { for c in channels { rows.append(data[j * cc + c]) } }
                }
                s = e
            }
            pieces.append(rows)
        }
        return Avalanches.lfpEventCounts(pieces: pieces, channels: channels.count, rate: rate, widths: widths,
                                         threshold: threshold)
    }

    public static func run(recording r: Recording, state: String, parameters p: FamilyParameters) throws -> FamilyResult {
        try run(recording: r, state: state, parameters: p, observed: true)
    }

    /// Spike surrogate `member` (METHODS §5) of the family: the rows of `run(recording:state:parameters:observed:)`
    /// with `observed: false` on `FamilySurrogates.recording(…)`, computed from the spikes inside the surrogate
    /// windows only (the only spikes the counts read; the surrogate draws depend only on them, so the trains
    /// inside the windows are the same).
    static func runSurrogate(recording r: Recording, recordingID: String, state: String, member: Member,
                             parameters p: FamilyParameters,
                             zeta: PowerLawFit.ZetaTable = PowerLawFit.ZetaTable()) throws -> FamilyResult {
        guard case let .surrogate(kind, index) = member, !r.units.isEmpty, r.spikes.spikeCount > 0 else {
            return try run(recording: r, state: state, parameters: p, observed: false, zeta: zeta)
        }
        let windows = FamilySurrogates.windows(recording: r, state: state, family: .avalanches)
        let inside: [[Double]] = (0..<r.spikes.unitCount).map { u in
            let t = r.spikes[unit: u]
            var out: [Double] = []
            for w in windows {
                var lo = t.startIndex, hi = t.endIndex
                while lo < hi { let m = (lo + hi) / 2; if t[m] < w.start { lo = m + 1 } else { hi = m } }
                var end = lo
                hi = t.endIndex
                while end < hi { let m = (end + hi) / 2; if t[m] < w.stop { end = m + 1 } else { hi = m } }
                out += t[lo..<end]
            }
            return out
        }
        var g = FamilySurrogates.rng(seed: p.seed, recordingID: recordingID, state: state, family: .avalanches,
                                     kind: kind, index: index)
        var s = r
        s.spikes = SpikeTrains(trains: FamilySurrogates.trains(inside, windows: windows, kind: kind, rng: &g))
        return try run(recording: s, state: state, parameters: p, observed: false, spikesPresent: true, zeta: zeta)
    }

    /// `observed: false` (a spike surrogate): no curves, and no `lfp` group. The spike counts of every bin width
    /// are made in one pass over the spikes; `zeta` is shared by the fits. `spikesPresent`: whether the recording
    /// the member was made from has units and spikes (nil: `r` itself).
    static func run(recording r: Recording, state: String, parameters p: FamilyParameters,
                    observed: Bool, spikesPresent: Bool? = nil,
                    zeta: PowerLawFit.ZetaTable = PowerLawFit.ZetaTable()) throws -> FamilyResult {
        var b = FamilyRowBuilder(subject: r.subject, session: r.session, state: state, family: .avalanches)
        let epochs = FamilySupport.epochs(r, state: state)
        if !(spikesPresent ?? (!r.units.isEmpty && r.spikes.spikeCount > 0)) {
            for w in p.avalancheBinsMs { for m in measureNames { b.add(m, nil, group: "spikes", binMs: w, reason: "no spikes") } }
        } else {
            let counts = spikeCounts(spikes: r.spikes, units: 0..<r.units.count, epochs: epochs,
                                     widths: p.avalancheBinsMs.map { $0 / 1000 })
            for (i, w) in p.avalancheBinsMs.enumerated() {
                add(&b, pieces: counts[i], group: "spikes", binMs: w, p: p, curves: observed, zeta: zeta)
            }
        }
        if observed, p.signalIndex < r.signals.count, let rate = r.signals[p.signalIndex].rate {
            let series = r.signals[p.signalIndex]
            let ranges = FamilySupport.ranges(r, state: state, series: series)
            let channels = p.channels ?? Array(0..<series.channelCount)
            let counts = try lfpCounts(series: series, channels: channels, ranges: ranges, rate: rate,
                                       widths: p.lfpAvalancheBinsMs.map { $0 / 1000 }, threshold: p.lfpEventThreshold)
            for (i, w) in p.lfpAvalancheBinsMs.enumerated() {
                add(&b, pieces: counts[i], group: "lfp", binMs: w, p: p, zeta: zeta)
            }
        }
        return b.result
    }
}
