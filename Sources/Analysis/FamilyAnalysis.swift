import Kernels
import Recordings

/// A family computation that cannot run, naming the family and member.
public enum FamilyAnalysisError: Error, CustomStringConvertible, Sendable, Equatable {
    case noSurrogates(family: MeasureFamily, member: String)

    public var description: String {
        switch self {
        case let .noSurrogates(f, m):
            return "family \(f.rawValue): no spike surrogate applies (requested member \(m)); "
                + "only spatial, avalanches and seizure have surrogates"
        }
    }
}

/// Entry point of the METHODS §6–9 measure families, for `analyze`, `sweep` and the job spec.
///
/// `run(family:recording:recordingID:state:member:parameters:)` computes one family for one (recording, state,
/// member): all channels (or `parameters.channels`, for sharding channels across ranks) for `.lfp`, all bin
/// sizes for `.spatial` and `.avalanches`, and the seizure measures for `.seizure`. Rows follow the
/// missing-value rule of `measures.csv`: an uncomputable value is an empty field plus a `missing.csv` row with
/// the reason. The observed member also gives the curves of `family_curves.csv`.
///
/// Surrogates (METHODS §5, `FamilySurrogates`): a `.surrogate(kind, i)` member recomputes the family on per-unit
/// spike surrogates seeded from (`parameters.seed`, recordingID, state, family, kind, i) — the same rows on any
/// rank and in any order. Its result has rows only (no missing rows, no curves) and is meant for
/// `score(observed:surrogates:)`, which fills `surrogate_mean`, `surrogate_sd` and `z` of the observed rows with
/// the formula of the balance tables (`SurrogateStatistics`). `.lfp` has no spike surrogate
/// (`supportsSurrogates` is false); the `lfp` group of `.avalanches` is not recomputed on surrogates, nor the
/// per-channel coherence of `.seizure` unless `parameters.coherenceSurrogates`.
/// Write rows with `TidyCSV.familyMeasures(_:)`, curves with `TidyCSV.familyCurves(_:)`.
public enum FamilyAnalysis {
    /// The observed rows and curves of one family (recording id `subject/session`).
    public static func run(family: MeasureFamily, recording: Recording, state: String,
                           parameters: FamilyParameters = FamilyParameters()) throws -> FamilyResult {
        try run(family: family, recording: recording, recordingID: "\(recording.subject)/\(recording.session)",
                state: state, member: .observed, parameters: parameters)
    }

    /// One member of one family for one (recording, state).
    /// - Parameter recordingID: a stable identifier (e.g. "subject/session") that seeds the surrogates.
    /// - Parameter transforms: LFP pieces and wavelet transforms shared between the members of this (recording,
    ///   state) (the seizure family's coherence; nil = none shared).
    /// - Throws: `FamilyAnalysisError.noSurrogates` for a surrogate member of a family without surrogates;
    ///   errors reading the LFP.
    public static func run(family: MeasureFamily, recording: Recording, recordingID: String, state: String,
                           member: Member, parameters: FamilyParameters = FamilyParameters(),
                           transforms: WaveletTransformCache? = nil) throws -> FamilyResult {
        guard case .surrogate = member else {
            switch family {
            case .lfp: return try LFPAnalysis.run(recording: recording, state: state, parameters: parameters)
            case .spatial: return SpatialAnalysis.run(recording: recording, state: state, parameters: parameters)
            case .avalanches: return try AvalancheAnalysis.run(recording: recording, state: state, parameters: parameters)
            case .seizure:
                return try SeizureAnalysis.run(recording: recording, state: state, parameters: parameters, curves: true,
                                               coherence: true, transforms: transforms)
            }
        }
        guard supportsSurrogates(family) else {
            throw FamilyAnalysisError.noSurrogates(family: family, member: member.description)
        }
        var out: FamilyResult
        if family == .avalanches {      // only the spikes inside the state's windows are drawn and counted
            out = try AvalancheAnalysis.runSurrogate(recording: recording, recordingID: recordingID, state: state,
                                                     member: member, parameters: parameters)
            out.missing = []
            out.curves = []
            out.member = member
            return out
        }
        let s = FamilySurrogates.recording(recording, recordingID: recordingID, state: state, family: family,
                                           member: member, seed: parameters.seed)
        switch family {
        case .lfp: out = FamilyResult()
        case .spatial: out = SpatialAnalysis.run(recording: s, state: state, parameters: parameters, curves: false)
        case .avalanches:
            out = try AvalancheAnalysis.run(recording: s, state: state, parameters: parameters, observed: false)
        case .seizure:
            out = try SeizureAnalysis.run(recording: s, state: state, parameters: parameters, curves: false,
                                          coherence: parameters.coherenceSurrogates, transforms: transforms)
        }
        out.missing = []
        out.curves = []
        out.member = member
        return out
    }

    /// Several members of one family (e.g. a block of surrogates), in the order given; equal to calling `run`
    /// for each. The seizure family's LFP pieces and wavelet transforms are made once for all of them (when the
    /// surrogates recompute the coherence, `coherenceSurrogates`).
    public static func run(family: MeasureFamily, recording: Recording, recordingID: String, state: String,
                           members: [Member], parameters: FamilyParameters = FamilyParameters()) throws -> [FamilyResult] {
        let transforms = family == .seizure && parameters.coherenceSurrogates && members.count > 1
            ? WaveletTransformCache() : nil
        return try members.map { try run(family: family, recording: recording, recordingID: recordingID, state: state,
                                         member: $0, parameters: parameters, transforms: transforms) }
    }

    /// Whether spike surrogates apply: spatial, avalanches, seizure yes; lfp no (its measures read only the LFP).
    public static func supportsSurrogates(_ family: MeasureFamily) -> Bool { family != .lfp }

    /// The reason a row has no surrogate statistics whatever the surrogates, or nil when surrogates apply.
    static func notApplicable(_ row: FamilyRow) -> String? {
        if row.family == .lfp { return "LFP measures have no spike surrogate (METHODS §5 surrogates permute spike trains)" }
        if row.family == .avalanches && row.group == "lfp" {
            return "LFP avalanches do not depend on spikes, so no spike surrogate applies"
        }
        return nil
    }

    /// The observed rows with `surrogateMean`, `surrogateSD` and `z` filled from `surrogates` (METHODS §5), matched
    /// by (subject, session, state, family, channel, group, bin_ms, measure), with `SurrogateStatistics` — the
    /// formula of `measures.csv`: sample sd (n − 1), z = (value − mean)/sd. Surrogates are used in member order
    /// (so the input order does not matter) and only of one kind: the kind of the surrogate members if they share
    /// one, else the first kind in `SurrogateKind` order. `missing` gains a `z: …` row for every observed value
    /// whose z is empty, one `<family>:surrogate_statistics` row per (state, family) when no surrogate was given,
    /// and one per (state, family, channel/group) whose rows no spike surrogate applies to. Curves are kept.
    public static func score(observed: FamilyResult, surrogates: [FamilyResult]) -> FamilyResult {
        let kinds = Set(surrogates.compactMap { r -> SurrogateKind? in
            if case let .surrogate(k, _) = r.member { return k }
            return nil
        })
        return score(observed: observed, surrogates: surrogates, kind: kinds.min() ?? .circularShift)
    }

    /// `score(observed:surrogates:)` using only the surrogate members of `kind`.
    public static func score(observed: FamilyResult, surrogates: [FamilyResult], kind: SurrogateKind) -> FamilyResult {
        let used = surrogates.filter {
            if case let .surrogate(k, _) = $0.member { return k == kind }
            return false
        }.sorted { $0.member < $1.member }
        struct Key: Hashable {
            var subject, session, state, family, channel, group: String
            var bin: Double?
            var measure: String
            init(_ r: FamilyRow) {
                subject = r.subject; session = r.session; state = r.state; family = r.family.rawValue
                channel = r.channel; group = r.group; bin = r.binMilliseconds; measure = r.measure
            }
        }
        var values: [Key: [Double]] = [:], present = Set<Key>()
        for s in used {
            for r in s.rows {
                present.insert(Key(r))
                if let v = r.value, v.isFinite { values[Key(r), default: []].append(v) }
            }
        }
        var out = observed
        var summary: [String: MissingRow] = [:]
        func note(_ r: FamilyRow, qualifier: String, reason: String) {
            let m = r.family.rawValue + ":surrogate_statistics" + qualifier
            let id = [r.subject, r.session, r.state, m].joined(separator: "\u{1}")
            if summary[id] == nil {
                summary[id] = MissingRow(subject: r.subject, session: r.session, state: r.state, scaleIndex: nil,
                                         measure: m, reason: reason)
            }
        }
        var zMissing: [MissingRow] = []
        for (i, r) in observed.rows.enumerated() {
            if let why = notApplicable(r) {
                note(r, qualifier: r.family == .avalanches ? ":group=\(r.group)" : "", reason: why)
                continue
            }
            if used.isEmpty {
                note(r, qualifier: "", reason: "no \(kind.rawValue) surrogates computed: surrogate_mean, surrogate_sd and z are empty for every measure")
                continue
            }
            if r.family == .seizure, !r.channel.isEmpty, !present.contains(Key(r)) {
                note(r, qualifier: ":channels", reason: "the wavelet coherence with each channel is not recomputed on "
                     + "surrogates unless FamilyParameters.coherenceSurrogates is true (one wavelet coherence per "
                     + "channel, epoch and surrogate)")
                continue
            }
            let st = SurrogateStatistics(value: r.value, surrogateValues: values[Key(r)] ?? [], kind: kind,
                                         requested: used.count)
            out.rows[i].surrogateMean = st.mean
            out.rows[i].surrogateSD = st.sd
            out.rows[i].z = st.z
            if r.value != nil, st.z == nil, let why = st.reason {
                zMissing.append(MissingRow(subject: r.subject, session: r.session, state: r.state, scaleIndex: nil,
                                           measure: FamilyRowBuilder.qualified(r.family, r.measure, channel: r.channel,
                                                                               group: r.group, binMs: r.binMilliseconds),
                                           reason: "z: " + why))
            }
        }
        out.missing += summary.keys.sorted().map { summary[$0]! } + zMissing
        return out
    }

    /// Every family for every state of the recording (observed members).
    public static func runAll(recording: Recording, families: [MeasureFamily] = MeasureFamily.allCases,
                              parameters: FamilyParameters = FamilyParameters()) throws -> FamilyResult {
        var out = FamilyResult()
        for state in recording.states {
            for f in families { out.append(try run(family: f, recording: recording, state: state, parameters: parameters)) }
        }
        return out
    }
}

/// Shared helpers: epochs → sample ranges, channel names, trains.
enum FamilySupport {
    /// Half-open sample range of `[start, stop)` in a regular series (indices guarded against float error).
    static func sampleRange(start: Double, stop: Double, series: SignalSeries) -> Range<Int>? {
        guard let rate = series.rate, rate > 0 else { return nil }
        func index(_ t: Double) -> Int {
            let x = (t - series.startingTime) * rate
            let r = x.rounded()
            return abs(x - r) < 1e-6 ? Int(r) : Int(x.rounded(.up))
        }
        let a = max(0, index(start)), b = min(series.sampleCount, index(stop))
        return a < b ? a..<b : nil
    }

    /// Sample ranges of a state's epochs in the series.
    static func ranges(_ recording: Recording, state: String, series: SignalSeries) -> [Range<Int>] {
        recording.epochs(of: state).compactMap { sampleRange(start: $0.start, stop: $0.stop, series: series) }
    }

    /// The channel label: the electrodes table's `channel_name` for the channel's electrode row, else `ch<c>`.
    static func channelName(_ recording: Recording, series: SignalSeries, channel c: Int) -> String {
        if c < series.electrodes.count {
            let row = series.electrodes[c]
            if row >= 0, row < recording.electrodes.count,
               case .text(let s)? = recording.electrodes[row].extra["channel_name"], !s.isEmpty { return s }
        }
        return "ch\(c)"
    }

    /// Reads channels `channels` over `ranges`: result[channel][piece] in volts, reading row blocks of all
    /// channels once (not once per channel).
    static func readPieces(_ series: SignalSeries, channels: [Int], ranges: [Range<Int>]) throws -> [[[Double]]] {
        var out = [[[Double]]](repeating: [], count: channels.count)
        let block = max(1, (1 << 21) / max(1, series.channelCount))
        if channels.contains(where: { $0 < 0 || $0 >= series.channelCount }) {
            return try readPiecesAppending(series, channels: channels, ranges: ranges, block: block)
        }
        for r in ranges {
            var pieces = [[Double]](repeating: [Double](repeating: 0, count: r.count), count: channels.count)
            var s = r.lowerBound
            while s < r.upperBound {
                let e = min(r.upperBound, s + block)
                let data = try series.read(rows: s..<e)
                let cc = series.channelCount, rows = min(e - s, data.count / max(cc, 1)), at = s - r.lowerBound
                data.withUnsafeBufferPointer { d in
                    for (i, c) in channels.enumerated() {
                        pieces[i].withUnsafeMutableBufferPointer { p in
                            for j in 0..<rows { p[at + j] = d[j * cc + c] }
                        }
                    }
                }
                s = e
            }
            for i in channels.indices { out[i].append(pieces[i]) }
        }
        return out
    }

    /// `readPieces` with a channel outside the series: the original strided appends, kept so such a request gives
    /// the same (meaningless) pieces as before.
    static func readPiecesAppending(_ series: SignalSeries, channels: [Int], ranges: [Range<Int>],
                                    block: Int) throws -> [[[Double]]] {
        var out = [[[Double]]](repeating: [], count: channels.count)
        for r in ranges {
            var pieces = [[Double]](repeating: [], count: channels.count)
            var s = r.lowerBound
            while s < r.upperBound {
                let e = min(r.upperBound, s + block)
                let data = try series.read(rows: s..<e)
                let cc = series.channelCount
                for (i, c) in channels.enumerated() {
                    var k = c
                    while k >= 0 && k < data.count { pieces[i].append(data[k]); k += cc }
                }
                s = e
            }
            for i in channels.indices { out[i].append(pieces[i]) }
        }
        return out
    }

    /// Spike trains of units `indices` as arrays.
    static func trains(_ recording: Recording, _ indices: [Int]) -> [[Double]] {
        indices.map { Array(recording.spikes[unit: $0]) }
    }

    static func epochs(_ recording: Recording, state: String) -> [(start: Double, stop: Double)] {
        recording.epochs(of: state).map { (start: $0.start, stop: $0.stop) }
    }
}
