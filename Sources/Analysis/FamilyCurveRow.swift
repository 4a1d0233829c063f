/// One point of a curve of a METHODS §6–9 family, a row of `family_curves.csv`: columns
/// `subject,session,state,family,channel,group,bin_ms,curve,x,y`.
///
/// Curves (observed data only; `docs/lfp-validation.md` lists them with units):
/// - `avalanches` (per group `spikes`/`lfp` and `bin_ms`): `size_count` (x = avalanche size in events,
///   y = number of avalanches of that size; only sizes that occur), `duration_count` (x = duration in bins,
///   y = number of avalanches).
/// - `spatial` (per pair class and `bin_ms`): `rho_distance` (x = mean pair distance of a distance bin in µm,
///   y = mean ρ of the pairs in the bin; the points the §7 fit uses), `rho_distance_fit` (x = µm,
///   y = β + κ e^{−d/λ} at 50 points over the same range) when the fit succeeded.
/// - `seizure` (state `ictal` only): `balance_S` (x = centre of the `balanceBinSeconds` bin in s of recording
///   time, y = S(t) of §6 from the first pre-ictal epoch through the post-ictal epochs), `balance_trend`
///   (y = the pre-ictal linear trend extrapolated over the same bins), `ictal_interval` (two rows: x = seizure
///   start and end in s, y = 0).
public struct FamilyCurveRow: Codable, Sendable, Equatable {
    /// The recording and state, as in every table.
    public var subject: String, session: String, state: String
    public var family: MeasureFamily
    public var channel: String
    public var group: String
    public var binMilliseconds: Double?
    public var curve: String
    public var x: Double
    public var y: Double

    public init(subject: String, session: String, state: String, family: MeasureFamily, channel: String = "",
                group: String = "", binMilliseconds: Double? = nil, curve: String, x: Double, y: Double) {
        self.subject = subject; self.session = session; self.state = state; self.family = family
        self.channel = channel; self.group = group; self.binMilliseconds = binMilliseconds
        self.curve = curve; self.x = x; self.y = y
    }
}

extension TidyCSV {
    public static let familyCurvesHeader = ["subject", "session", "state", "family", "channel", "group", "bin_ms",
                                            "curve", "x", "y"]

    /// `family_curves.csv`: sorted by subject, session, state, family, channel, group, bin, curve, then by each
    /// row's position in `rows` (points of one curve keep their order), so the bytes do not depend on the order
    /// in which (recording, state, family) results were appended.
    public static func familyCurves(_ rows: [FamilyCurveRow]) -> String {
        let sorted = rows.enumerated().sorted { ea, eb in
            let a = ea.element, b = eb.element
            let ka = (a.subject, a.session, a.state, a.family.rawValue, a.channel)
            let kb = (b.subject, b.session, b.state, b.family.rawValue, b.channel)
            if ka != kb { return ka < kb }
            if a.group != b.group { return a.group < b.group }
            if a.binMilliseconds != b.binMilliseconds { return (a.binMilliseconds ?? -1) < (b.binMilliseconds ?? -1) }
            if a.curve != b.curve { return a.curve < b.curve }
            return ea.offset < eb.offset
        }.map(\.element)
        return lines(familyCurvesHeader, sorted.map {
            [text($0.subject), text($0.session), text($0.state), $0.family.rawValue, text($0.channel), text($0.group),
             number($0.binMilliseconds), text($0.curve), number($0.x), number($0.y)]
        })
    }

    /// Reads `family_curves.csv` text (rows in file order).
    public static func readFamilyCurves(_ content: String, file: String = "family_curves.csv") throws
        -> [FamilyCurveRow] {
        let t = try table(content, file: file, header: familyCurvesHeader)
        return try t.rows.map { r in
            let family = try t.value(r, "family", as: MeasureFamily.self)
            guard let x = try t.double(r, "x") else {
                throw TidyCSVError.badNumber(file: file, line: r.line, field: "x", text: "")
            }
            guard let y = try t.double(r, "y") else {
                throw TidyCSVError.badNumber(file: file, line: r.line, field: "y", text: "")
            }
            return FamilyCurveRow(subject: t.string(r, "subject"), session: t.string(r, "session"),
                                  state: t.string(r, "state"), family: family, channel: t.string(r, "channel"),
                                  group: t.string(r, "group"), binMilliseconds: try t.double(r, "bin_ms"),
                                  curve: t.string(r, "curve"), x: x, y: y)
        }
    }
}
