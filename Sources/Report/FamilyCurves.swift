import Analysis
import Foundation

/// The points of one curve of `family_curves.csv` (METHODS §6–8 curves, `FamilyCurveRow`) of one (recording,
/// state, family, channel, group, bin), in file order.
public struct FamilyCurve: Sendable, Equatable {
    public var subject: String, session: String, state: String, family: String, channel: String, group: String
    public var binMilliseconds: Double?
    public var curve: String
    public var x: [Double]
    public var y: [Double]

    public var recording: String { session.isEmpty ? subject : "\(subject)/\(session)" }
}

extension ReportInput {
    /// The curves of `family` (optionally only `curve`s named so), grouped by their key columns; groups sorted
    /// by (subject, session, state, channel, group, bin, curve), points in file order.
    public func familyCurves(_ family: String, curves names: Set<String>? = nil) -> [FamilyCurve] {
        var order: [String] = []
        var byKey: [String: FamilyCurve] = [:]
        for p in familyCurvePoints where p.family.rawValue == family && (names?.contains(p.curve) ?? true) {
            let key = [p.subject, p.session, p.state, p.channel, p.group, p.binMilliseconds.map { "\($0)" } ?? "",
                       p.curve].joined(separator: "\u{1}")
            if byKey[key] == nil {
                order.append(key)
                byKey[key] = FamilyCurve(subject: p.subject, session: p.session, state: p.state, family: family,
                                         channel: p.channel, group: p.group, binMilliseconds: p.binMilliseconds,
                                         curve: p.curve, x: [], y: [])
            }
            byKey[key]!.x.append(p.x)
            byKey[key]!.y.append(p.y)
        }
        return order.map { byKey[$0]! }.sorted { a, b in
            let ka = (a.subject, a.session, a.state, a.channel, a.group), kb = (b.subject, b.session, b.state, b.channel, b.group)
            if ka != kb { return ka < kb }
            if a.binMilliseconds != b.binMilliseconds { return (a.binMilliseconds ?? -1) < (b.binMilliseconds ?? -1) }
            return a.curve < b.curve
        }
    }

    /// The value of a `family_measures.csv` row, if present and non-empty.
    public func familyValue(_ family: String, _ measure: String, subject: String, session: String, state: String,
                            channel: String = "", group: String = "", binMilliseconds: Double? = nil) -> Double? {
        families.first {
            $0.family == family && $0.measure == measure && $0.subject == subject && $0.session == session
                && $0.state == state && $0.channel == channel && $0.group == group
                && $0.binMilliseconds == binMilliseconds && $0.value != nil
        }?.value
    }
}
