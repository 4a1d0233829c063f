import Kernels
import Recordings

/// METHODS §9 per (recording, state, channel): Welch PSD (segments never straddle an epoch), aperiodic
/// exponent over the narrow band (GAO, 30–50 Hz, OLS) and the wide band (1–40 Hz, specparam fixed mode with
/// peak rejection), and the DFA exponent of the alpha-band (8–13 Hz) amplitude envelope.
///
/// Measures (family `lfp`, one row per channel):
/// `psd_segments`, `aperiodic_exponent_narrow`, `aperiodic_offset_narrow`, `aperiodic_r2_narrow`,
/// `aperiodic_exponent_wide`, `aperiodic_offset_wide`, `aperiodic_r2_wide`, `aperiodic_peaks_wide`,
/// `dfa_exponent`.
public enum LFPAnalysis {
    public static let measureNames = Measure.lfp.map(\.rawValue)

    /// One measure value or the reason it is missing.
    public struct Value: Sendable, Equatable {
        public var measure: String
        public var value: Double?
        public var reason: String
    }

    /// The §9 measures of one channel given its contiguous pieces (one per epoch of the state), in volts.
    /// The aperiodic offsets are in log10(V²/Hz).
    public static func channelMeasures(pieces: [[Double]], rate: Double,
                                       parameters p: FamilyParameters = FamilyParameters()) -> [Value] {
        var out: [Value] = []
        let nper = Int((p.welchWindowSeconds * rate).rounded())
        let nover = Int((Double(nper) * p.welchOverlap).rounded(.down))
        var spectrum: Welch.Spectrum? = nil
        if nper >= 8 && nover < nper {
            var acc = Welch.Accumulator(rate: rate, segmentLength: nper, overlap: nover)
            for x in pieces { x.withUnsafeBufferPointer { acc.add($0) } }
            spectrum = acc.spectrum()
        }
        let shortReason = "no epoch of the state is at least one Welch window (\(p.welchWindowSeconds) s) long"
        out.append(Value(measure: "psd_segments", value: spectrum.map { Double($0.segments) }, reason: shortReason))
        let narrow = spectrum.flatMap {
            AperiodicFit.band(frequencies: $0.frequencies, power: $0.power, range: p.narrowBandLow...p.narrowBandHigh)
        }
        let nr = spectrum == nil ? shortReason
            : "fewer than 3 positive PSD bins in \(p.narrowBandLow)–\(p.narrowBandHigh) Hz (rate \(rate) Hz)"
        out.append(Value(measure: "aperiodic_exponent_narrow", value: narrow?.exponent, reason: nr))
        out.append(Value(measure: "aperiodic_offset_narrow", value: narrow?.offset, reason: nr))
        out.append(Value(measure: "aperiodic_r2_narrow", value: narrow?.rSquared, reason: nr))
        var settings = AperiodicFit.PeakSettings()
        settings.peakThreshold = p.peakThreshold
        let wide = spectrum.flatMap {
            AperiodicFit.specparamFixed(frequencies: $0.frequencies, power: $0.power,
                                        range: p.wideBandLow...p.wideBandHigh, settings: settings)
        }
        let wr = spectrum == nil ? shortReason : "fewer than 5 positive PSD bins in \(p.wideBandLow)–\(p.wideBandHigh) Hz"
        out.append(Value(measure: "aperiodic_exponent_wide", value: wide?.exponent, reason: wr))
        out.append(Value(measure: "aperiodic_offset_wide", value: wide?.offset, reason: wr))
        out.append(Value(measure: "aperiodic_r2_wide", value: wide?.rSquared, reason: wr))
        out.append(Value(measure: "aperiodic_peaks_wide", value: wide.map { Double($0.peaks.count) }, reason: wr))
        // DFA of the band envelope.
        let longest = pieces.map(\.count).max() ?? 0
        let minW = max(4, Int((p.dfaMinWindowSeconds * rate).rounded()))
        let maxW = min(Int((p.dfaMaxWindowSeconds * rate).rounded()), longest / 4)
        var dfa: DFA.Result? = nil
        var dfaReason = "longest epoch (\(longest) samples) is shorter than 4 × the minimum DFA window (\(minW) samples)"
        if maxW > minW {
            let env = pieces.filter { $0.count >= 4 * minW }.map {
                BandPass.envelope($0, rate: rate, low: p.dfaBandLow, high: p.dfaBandHigh, transition: p.dfaTransition)
            }
            dfa = DFA.exponent(pieces: env, windows: DFA.logWindows(minimum: minW, maximum: maxW, count: p.dfaWindowCount),
                               overlap: p.dfaOverlap)
            dfaReason = "envelope fluctuation is zero at all but one window size"
        }
        out.append(Value(measure: "dfa_exponent", value: dfa?.exponent, reason: dfaReason))
        return out
    }

    public static func run(recording: Recording, state: String, parameters p: FamilyParameters) throws -> FamilyResult {
        var b = FamilyRowBuilder(subject: recording.subject, session: recording.session, state: state, family: .lfp)
        guard p.signalIndex < recording.signals.count else {
            for m in measureNames { b.add(m, nil, reason: "recording has no continuous signal #\(p.signalIndex)") }
            return b.result
        }
        let series = recording.signals[p.signalIndex]
        let channels = p.channels ?? Array(0..<series.channelCount)
        guard let rate = series.rate else {
            for m in measureNames { b.add(m, nil, reason: "series '\(series.name)' has irregular timestamps (no rate)") }
            return b.result
        }
        let ranges = FamilySupport.ranges(recording, state: state, series: series)
        guard !ranges.isEmpty else {
            for c in channels {
                let name = FamilySupport.channelName(recording, series: series, channel: c)
                for m in measureNames { b.add(m, nil, channel: name, reason: "no samples of '\(series.name)' in state \(state)") }
            }
            return b.result
        }
        // Channels in groups so that a group's samples stay below ~16 M values.
        let total = ranges.reduce(0) { $0 + $1.count }
        let group = max(1, (1 << 24) / max(1, total))
        var g = 0
        while g < channels.count {
            let chunk = Array(channels[g..<min(channels.count, g + group)])
            let pieces = try FamilySupport.readPieces(series, channels: chunk, ranges: ranges)
            for (i, c) in chunk.enumerated() {
                let name = FamilySupport.channelName(recording, series: series, channel: c)
                for v in channelMeasures(pieces: pieces[i], rate: rate, parameters: p) {
                    b.add(v.measure, v.value, channel: name, reason: v.reason)
                }
            }
            g += group
        }
        return b.result
    }
}
