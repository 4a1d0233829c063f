/// The measure families of METHODS §6–9, each computed per (recording, state[, channel]).
public enum MeasureFamily: String, Codable, Sendable, CaseIterable, Hashable {
    /// §6 seizure dynamics: synaptic current, cumulative balance, wavelet coherence.
    case seizure
    /// §7 spatial structure: pairwise spike-count correlations and their distance dependence.
    case spatial
    /// §8 avalanches and criticality.
    case avalanches
    /// §9 LFP E/I proxies: aperiodic exponent, DFA of the alpha envelope.
    case lfp
}

/// A row of `family_measures.csv`: columns
/// `subject,session,state,family,channel,group,bin_ms,measure,value,surrogate_mean,surrogate_sd,z`.
///
/// - `channel`: the LFP/ECoG/EEG channel (name from the electrodes table's `channel_name`, else `ch<index>`)
///   for per-channel measures; empty otherwise.
/// - `group`: the pair class for §7 (`E-E`, `I-I`, `E-I`, `all`), the event source for §8 (`spikes`, `lfp`);
///   empty otherwise.
/// - `bin_ms`: the bin size (§7, §8) in ms; empty otherwise.
/// - `surrogate_mean`, `surrogate_sd`, `z`: against spike surrogates of METHODS §5 (per-unit circular shift or
///   per-unit ISI permutation; `FamilyAnalysis.score`), same formula as `measures.csv` (`SurrogateStatistics`).
///   Empty for `lfp` and for the `lfp` group of `avalanches` (no spike surrogate applies), and when no
///   surrogates were computed; `missing.csv` says why.
/// The measure names are listed in `docs/lfp-validation.md` and on each family's analysis type.
public struct FamilyRow: Codable, Sendable, Equatable {
    public var subject: String
    public var session: String
    public var state: String
    public var family: MeasureFamily
    public var channel: String
    public var group: String
    public var binMilliseconds: Double?
    public var measure: String
    public var value: Double?
    public var surrogateMean: Double?
    public var surrogateSD: Double?
    public var z: Double?

    public init(subject: String, session: String, state: String, family: MeasureFamily, channel: String = "",
                group: String = "", binMilliseconds: Double? = nil, measure: String, value: Double?,
                surrogateMean: Double? = nil, surrogateSD: Double? = nil, z: Double? = nil) {
        self.subject = subject; self.session = session; self.state = state; self.family = family
        self.channel = channel; self.group = group; self.binMilliseconds = binMilliseconds
        self.measure = measure; self.value = value
        self.surrogateMean = surrogateMean; self.surrogateSD = surrogateSD; self.z = z
    }
}

/// The rows of one family run, with a `missing.csv` row (reason) for every empty value, and (observed member
/// only) the curves of `family_curves.csv`.
public struct FamilyResult: Sendable, Equatable {
    public var rows: [FamilyRow]
    public var missing: [MissingRow]
    /// Curves of the observed member (`family_curves.csv`); empty for surrogate members.
    public var curves: [FamilyCurveRow]
    /// Which computation these rows belong to: `.observed`, or the surrogate they were computed on (METHODS §5).
    public var member: Member
    public init(rows: [FamilyRow] = [], missing: [MissingRow] = [], curves: [FamilyCurveRow] = [],
                member: Member = .observed) {
        self.rows = rows; self.missing = missing; self.curves = curves; self.member = member
    }

    /// Appends rows, missing rows and curves of `other` (its `member` is not checked).
    public mutating func append(_ other: FamilyResult) {
        rows += other.rows; missing += other.missing; curves += other.curves
    }
}

/// Collects rows for one (recording, state) with the missing-value rule: a nil or non-finite value becomes an
/// empty field plus a `missing.csv` row naming the measure (qualified by channel/group/bin) and the reason.
struct FamilyRowBuilder {
    let subject: String, session: String, state: String, family: MeasureFamily
    var result = FamilyResult()

    /// Appends the points of one curve (x, y in order) keyed like the rows; non-finite points are skipped.
    mutating func curve(_ name: String, x: [Double], y: [Double], channel: String = "", group: String = "",
                        binMs: Double? = nil) {
        for (a, v) in zip(x, y) where a.isFinite && v.isFinite {
            result.curves.append(FamilyCurveRow(subject: subject, session: session, state: state, family: family,
                                                channel: channel, group: group, binMilliseconds: binMs,
                                                curve: name, x: a, y: v))
        }
    }

    mutating func add(_ measure: String, _ value: Double?, channel: String = "", group: String = "",
                      binMs: Double? = nil, reason: @autoclosure () -> String = "not computable") {
        let v = value.flatMap { $0.isFinite ? $0 : nil }
        result.rows.append(FamilyRow(subject: subject, session: session, state: state, family: family,
                                     channel: channel, group: group, binMilliseconds: binMs,
                                     measure: measure, value: v))
        if v == nil {
            result.missing.append(MissingRow(subject: subject, session: session, state: state, scaleIndex: nil,
                                             measure: Self.qualified(family, measure, channel: channel, group: group,
                                                                     binMs: binMs),
                                             reason: reason()))
        }
    }

    /// The `missing.csv` measure name of a family value: `family:measure[:channel=…][:group=…][:bin_ms=…]`.
    static func qualified(_ family: MeasureFamily, _ measure: String, channel: String, group: String,
                          binMs: Double?) -> String {
        var q = [family.rawValue, measure]
        if !channel.isEmpty { q.append("channel=\(channel)") }
        if !group.isEmpty { q.append("group=\(group)") }
        if let binMs { q.append("bin_ms=\(TidyCSV.number(binMs))") }
        return q.joined(separator: ":")
    }
}

extension TidyCSV {
    public static let familyMeasuresHeader = ["subject", "session", "state", "family", "channel", "group", "bin_ms",
                                              "measure", "value", "surrogate_mean", "surrogate_sd", "z"]

    /// `family_measures.csv`, sorted by subject, session, state, family, channel, group, bin, measure
    /// (deterministic regardless of the order the rows arrived in, e.g. from several ranks).
    public static func familyMeasures(_ rows: [FamilyRow]) -> String {
        let sorted = rows.sorted { a, b in
            let ka = (a.subject, a.session, a.state, a.family.rawValue, a.channel)
            let kb = (b.subject, b.session, b.state, b.family.rawValue, b.channel)
            if ka != kb { return ka < kb }
            if a.group != b.group { return a.group < b.group }
            if a.binMilliseconds != b.binMilliseconds { return (a.binMilliseconds ?? -1) < (b.binMilliseconds ?? -1) }
            return a.measure < b.measure
        }
        return lines(familyMeasuresHeader, sorted.map {
            [text($0.subject), text($0.session), text($0.state), $0.family.rawValue, text($0.channel), text($0.group),
             number($0.binMilliseconds), text($0.measure), number($0.value), number($0.surrogateMean),
             number($0.surrogateSD), number($0.z)]
        })
    }

    /// Reads `family_measures.csv` text.
    public static func readFamilyMeasures(_ content: String, file: String = "family_measures.csv") throws
        -> [FamilyRow] {
        let t = try table(content, file: file, header: familyMeasuresHeader)
        return try t.rows.map { r in
            let family = try t.value(r, "family", as: MeasureFamily.self)
            return FamilyRow(subject: t.string(r, "subject"), session: t.string(r, "session"),
                             state: t.string(r, "state"), family: family, channel: t.string(r, "channel"),
                             group: t.string(r, "group"), binMilliseconds: try t.double(r, "bin_ms"),
                             measure: t.string(r, "measure"), value: try t.double(r, "value"),
                             surrogateMean: try t.double(r, "surrogate_mean"),
                             surrogateSD: try t.double(r, "surrogate_sd"), z: try t.double(r, "z"))
        }
    }
}
