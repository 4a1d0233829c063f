import Foundation
import Kernels
import Recordings

/// METHODS §6: seizure dynamics.
///
/// - For state `ictal`: the signed cumulative balance S(t) on per-neuron-normalised `balanceBinSeconds` series
///   from the first pre-ictal epoch start to the end of the post-ictal epochs (or the seizure end): measures
///   `balance_trend_slope` (per bin), `balance_preictal_sd`, `balance_max_ictal_deviation`,
///   `balance_deviation_at_end`, `balance_recovery_time_s` (missing when S never returns within tolerance).
/// - For every state with an LFP: per channel, the Morlet wavelet coherence between C(t) (on the LFP's sample
///   grid) and the channel over each epoch (at most `waveletMaxSeconds` of it): `coherence_mean` (over time and
///   frequency) and `ridge_median_hz` (median over time of the frequency of maximum cross-wavelet power);
///   plus `current_mean` (mean C(t) on the 1 ms grid).
/// - For every state within or after the seizure: `balance_state_max_deviation_sd`, the verdict's seizure
///   criterion (§4; see `stateDeviationMeasure`).
/// Needs classified units (E and I). Curves (state `ictal`, observed data): `balance_S`, `balance_trend`,
/// `ictal_interval` (see `FamilyCurveRow`).
public enum SeizureAnalysis {
    /// The state whose rows carry the S(t) measures and curves.
    public static let ictalState = "ictal"
    public static let balanceMeasures = ["balance_trend_slope", "balance_preictal_sd", "balance_max_ictal_deviation",
                                         "balance_deviation_at_end", "balance_recovery_time_s"]
    public static let channelMeasureNames = ["coherence_mean", "ridge_median_hz"]
    /// Longest stretch of one epoch given to the wavelet coherence, s.
    public static let waveletMaxSeconds = 60.0

    public static func run(recording r: Recording, state: String, parameters p: FamilyParameters) throws -> FamilyResult {
        try run(recording: r, state: state, parameters: p, curves: true, coherence: true)
    }

    /// `curves`: the S(t) curves (observed data); `coherence`: the per-channel wavelet coherence; `transforms`:
    /// the LFP pieces and their wavelet transforms shared between the members of one (recording, state).
    static func run(recording r: Recording, state: String, parameters p: FamilyParameters,
                    curves: Bool, coherence: Bool, transforms: WaveletTransformCache? = nil) throws -> FamilyResult {
        var b = FamilyRowBuilder(subject: r.subject, session: r.session, state: state, family: .seizure)
        let eIdx = r.unitIndices(of: .excitatory), iIdx = r.unitIndices(of: .inhibitory)
        let eTrains = FamilySupport.trains(r, eIdx), iTrains = FamilySupport.trains(r, iIdx)
        let noClasses = "needs both E and I units (\(eIdx.count) E, \(iIdx.count) I)"
        let epochs = FamilySupport.epochs(r, state: state)
        // C(t) mean on the 1 ms grid.
        var cs = 0.0, cn = 0
        if !eIdx.isEmpty && !iIdx.isEmpty {
            for e in epochs {
                let step = p.currentStepMs / 1000
                let k = Avalanches.binCount(start: e.start, stop: e.stop, width: step)
                let c = SynapticCurrent.estimate(excitatory: eTrains, inhibitory: iTrains, start: e.start, count: k,
                                                 step: step, tauE: p.tauEMs / 1000, tauI: p.tauIMs / 1000)
                cs += c.reduce(0, +); cn += c.count
            }
        }
        b.add("current_mean", cn > 0 ? cs / Double(cn) : nil, reason: eIdx.isEmpty || iIdx.isEmpty ? noClasses : "no epochs")
        if state == ictalState {
            let values = balance(r, eTrains: eTrains, iTrains: iTrains, p: p)
            for m in balanceMeasures {
                b.add(m, values.0?[m], reason: values.1)
            }
            if curves, let s = values.2 {
                let w = p.balanceBinSeconds
                let x = s.result.cumulative.indices.map { s.start + (Double($0) + 0.5) * w }
                b.curve("balance_S", x: x, y: s.result.cumulative)
                b.curve("balance_trend", x: x,
                        y: x.indices.map { s.result.intercept + s.result.slope * Double($0) })
                b.curve("ictal_interval", x: [s.seizure.start, s.seizure.stop], y: [0, 0])
            }
        }
        // S(t) during a state within or after the seizure: the verdict's seizure criterion (§4).
        if let d = stateDeviation(r, state: state, eTrains: eTrains, iTrains: iTrains, p: p) {
            b.add(stateDeviationMeasure, d.value, reason: d.reason)
        }
        // Wavelet coherence with each channel.
        if coherence, p.signalIndex < r.signals.count, let rate = r.signals[p.signalIndex].rate {
            let series = r.signals[p.signalIndex]
            let channels = p.coherenceChannels ?? p.channels ?? Array(0..<series.channelCount)
            let pairs = epochs.compactMap { e -> ((start: Double, stop: Double), Range<Int>)? in
                guard let rg = FamilySupport.sampleRange(start: e.start, stop: e.stop, series: series) else { return nil }
                let cap = Int(waveletMaxSeconds * rate)
                return (e, rg.lowerBound..<min(rg.upperBound, rg.lowerBound + cap))
            }
            let ranges = pairs.map(\.1)
            let pieces = try transforms?.pieces(channels: channels, ranges: ranges) {
                try FamilySupport.readPieces(series, channels: channels, ranges: ranges)
            } ?? FamilySupport.readPieces(series, channels: channels, ranges: ranges)
            let freqs = WaveletCoherence.logFrequencies(low: p.waveletLowHz, high: min(p.waveletHighHz, rate / 2 * 0.9),
                                                        count: p.waveletCount)
            var cohSum = [Double](repeating: 0, count: channels.count), cohN = [Int](repeating: 0, count: channels.count)
            var ridges = [[Double]](repeating: [], count: channels.count)
            if !eIdx.isEmpty && !iIdx.isEmpty {
                // Epoch by epoch: C(t) on the LFP grid and its wavelet transform once, then every channel.
                for (k, (_, rg)) in pairs.enumerated() where rg.count >= 4 {
                    let current = SynapticCurrent.estimate(excitatory: eTrains, inhibitory: iTrains,
                                                           start: series.startingTime + Double(rg.lowerBound) / rate,
                                                           count: rg.count, step: 1 / rate,
                                                           tauE: p.tauEMs / 1000, tauI: p.tauIMs / 1000)
                    let wc = WaveletCoherence.wavelet(current, rate: rate, frequencies: freqs, omega0: p.waveletOmega0)
                    for i in channels.indices {
                        let make = { WaveletCoherence.wavelet(pieces[i][k], rate: rate, frequencies: freqs,
                                                              omega0: p.waveletOmega0) }
                        let wl = transforms?.transform(channel: channels[i], range: rg, make: make) ?? make()
                        guard let w = WaveletCoherence.coherence(wc, wl) else { continue }
                        for v in w.coherence where v.isFinite { cohSum[i] += v; cohN[i] += 1 }
                        ridges[i] += w.ridge.filter(\.isFinite)
                    }
                }
            }
            let why = eIdx.isEmpty || iIdx.isEmpty ? noClasses : "no epoch of at least 4 samples"
            for (i, c) in channels.enumerated() {
                let name = FamilySupport.channelName(r, series: series, channel: c)
                b.add("coherence_mean", cohN[i] > 0 ? cohSum[i] / Double(cohN[i]) : nil, channel: name, reason: why)
                ridges[i].sort()
                b.add("ridge_median_hz", ridges[i].isEmpty ? nil : ridges[i][ridges[i].count / 2], channel: name,
                      reason: why)
            }
        }
        return b.result
    }

    /// The family measure that carries the verdict's seizure criterion (METHODS §4): the largest
    /// |S(t) − pre-ictal trend| over the S(t) bins whose centre lies in the state's epochs, in pre-ictal sd of the
    /// deviation. Reported only for states within or after the first seizure (epochs that start at or after its
    /// start and overlap the S(t) span: typically `ictal` and `postictal`).
    public static let stateDeviationMeasure = "balance_state_max_deviation_sd"

    /// The value of `stateDeviationMeasure` for `state` with the reason when it is missing; nil when the state does
    /// not lie within or after a seizure (or the recording has no seizure with a pre-ictal epoch).
    static func stateDeviation(_ r: Recording, state: String, eTrains: [[Double]], iTrains: [[Double]],
                               p: FamilyParameters) -> (value: Double?, reason: String)? {
        guard let span = balanceSpan(r) else { return nil }
        let eps = r.epochs(of: state).filter {
            $0.start >= span.seizure.start - 1e-9 && $0.start < span.end && $0.stop > $0.start
        }
        guard !eps.isEmpty else { return nil }
        let values = balance(r, eTrains: eTrains, iTrains: iTrains, p: p)
        guard let s = values.2 else { return (nil, values.1) }
        guard s.result.preictalSD > 0 else { return (nil, "pre-ictal sd of S(t) − trend is 0") }
        let w = p.balanceBinSeconds
        var peak: Double? = nil
        for (k, d) in s.result.deviation.enumerated() {
            let centre = s.start + (Double(k) + 0.5) * w
            if eps.contains(where: { centre >= $0.start && centre < $0.stop }) { peak = max(peak ?? 0, abs(d)) }
        }
        guard let peak else { return (nil, "no S(t) bin of \(w) s inside the state's epochs") }
        return (peak / s.result.preictalSD, "")
    }

    /// The verdict's seizure criterion for `state` on the observed data (the value of `stateDeviationMeasure`), or
    /// nil when the state does not lie within or after a seizure or the value is undefined.
    public static func stateDeviationSD(recording r: Recording, state: String, parameters p: FamilyParameters) -> Double? {
        let eTrains = FamilySupport.trains(r, r.unitIndices(of: .excitatory))
        let iTrains = FamilySupport.trains(r, r.unitIndices(of: .inhibitory))
        return stateDeviation(r, state: state, eTrains: eTrains, iTrains: iTrains, p: p)?.value
    }

    /// The S(t) span of §6: from the first pre-ictal epoch that ends by the first seizure's start, to the end of
    /// the post-ictal epochs that start at or after the seizure end (or the seizure end); nil without a seizure
    /// or a pre-ictal epoch before it.
    static func balanceSpan(_ r: Recording) -> (start: Double, end: Double, seizure: StateEpoch)? {
        let pre = r.epochs(of: "preictal"), ict = r.epochs(of: ictalState), post = r.epochs(of: "postictal")
        guard let seizure = ict.first, let start = pre.filter({ $0.stop <= seizure.start + 1e-9 }).map(\.start).min() else {
            return nil
        }
        let end = max(seizure.stop, post.filter { $0.start >= seizure.stop - 1e-9 }.map(\.stop).max() ?? seizure.stop)
        return (start, end, seizure)
    }

    /// S(t) measures, or nil with the reason; and the S(t) series with its span for the curves.
    static func balance(_ r: Recording, eTrains: [[Double]], iTrains: [[Double]], p: FamilyParameters)
        -> ([String: Double]?, String, (result: CumulativeBalance.Result, start: Double, seizure: StateEpoch)?) {
        guard !eTrains.isEmpty, !iTrains.isEmpty else { return (nil, "needs both E and I units", nil) }
        guard let (start, end, seizure) = balanceSpan(r) else {
            return (nil, "needs a preictal epoch before the first ictal epoch", nil)
        }
        let w = p.balanceBinSeconds
        let k = Avalanches.binCount(start: start, stop: end, width: w)
        func series(_ trains: [[Double]]) -> [Double] {
            var c = [Int32](repeating: 0, count: k)
            for t in trains { t.withUnsafeBufferPointer { Avalanches.addCounts(times: $0, start: start, stop: end, width: w, into: &c) } }
            return c.map { Double($0) / Double(trains.count) }
        }
        let onset = min(k, Avalanches.binIndex(seizure.start, start: start, width: w))
        let stop = min(k, Int(((seizure.stop - start) / w).rounded(.up)))
        guard let res = CumulativeBalance.analyze(e: series(eTrains), i: series(iTrains), binWidth: w,
                                                  preictal: 0..<onset, ictal: onset..<max(stop, onset + 1),
                                                  tolerance: p.recoveryTolerance) else {
            return (nil, "fewer than 3 pre-ictal bins of \(w) s", nil)
        }
        var out: [String: Double] = ["balance_trend_slope": res.slope, "balance_preictal_sd": res.preictalSD,
                                     "balance_max_ictal_deviation": res.maxIctalDeviation,
                                     "balance_deviation_at_end": res.deviationAtSeizureEnd]
        if let t = res.recoveryTime { out["balance_recovery_time_s"] = t }
        return (out, "S(t) never returned within \(p.recoveryTolerance) pre-ictal sd of the trend",
                (res, start, seizure))
    }
}

extension FamilyResult {
    /// The observed value of the verdict's seizure criterion (`SeizureAnalysis.stateDeviationMeasure`) for
    /// `state`, or nil when the seizure family did not report it (METHODS §4).
    public func seizureDeviationSD(state: String) -> Double? {
        rows.first {
            $0.family == .seizure && $0.state == state && $0.measure == SeizureAnalysis.stateDeviationMeasure
                && $0.channel.isEmpty
        }?.value
    }
}

/// The LFP pieces and Morlet transforms of the seizure family's channels (METHODS §6), shared between the members
/// of one (recording, state, parameters): they depend only on the LFP, so every surrogate member that recomputes
/// the coherence with C(t) (`FamilyParameters.coherenceSurrogates`) reuses the observed data's transforms
/// instead of reading and transforming each channel again. The values are the same either way. Thread-safe; it
/// keeps transforms up to `budgetBytes` (later ones are made each time they are needed).
public final class WaveletTransformCache: @unchecked Sendable {
    struct Key: Hashable { var channel: Int; var start: Int; var end: Int }
    private let lock = NSLock()
    private var stored: [Key: WaveletCoherence.Transform] = [:]
    private var piecesByChannels: [[Int]: (ranges: [Range<Int>], pieces: [[[Double]]])] = [:]
    private var bytes = 0
    /// Bytes of transforms kept at most.
    public let budgetBytes: Int

    public init(budgetBytes: Int = 256 << 20) { self.budgetBytes = budgetBytes }

    /// The pieces of `channels` over `ranges` (`FamilySupport.readPieces`), read once.
    func pieces(channels: [Int], ranges: [Range<Int>], read: () throws -> [[[Double]]]) throws -> [[[Double]]] {
        lock.lock()
        if let p = piecesByChannels[channels], p.ranges == ranges { lock.unlock(); return p.pieces }
        lock.unlock()
        let p = try read()
        lock.lock(); piecesByChannels[channels] = (ranges, p); lock.unlock()
        return p
    }

    /// The transform of `channel` over sample `range`, made by `make` the first time.
    func transform(channel: Int, range: Range<Int>, make: () -> WaveletCoherence.Transform) -> WaveletCoherence.Transform {
        let key = Key(channel: channel, start: range.lowerBound, end: range.upperBound)
        lock.lock()
        if let t = stored[key] { lock.unlock(); return t }
        lock.unlock()
        let t = make()
        let size = (t.re.count + t.im.count) * MemoryLayout<Double>.size
        lock.lock()
        if stored[key] == nil && bytes + size <= budgetBytes { stored[key] = t; bytes += size }
        lock.unlock()
        return t
    }
}
