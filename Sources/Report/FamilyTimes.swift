import Analysis
import Foundation

/// Time spent on one measure family in a sweep: its finished shards and the sum of their wall-clock seconds
/// (over all ranks; `manifest.json` `measureTimes`, from the last `done` ledger entry of each shard).
public struct FamilyTime: Sendable, Equatable {
    public var family: String
    public var shards: Int
    public var seconds: Double

    public init(family: String, shards: Int, seconds: Double) {
        self.family = family; self.shards = shards; self.seconds = seconds
    }
}

extension ReportInput {
    /// Time per family from a manifest's `measureTimes` (`{family: {shards, seconds}}`); families in the order
    /// balance, then `MeasureFamily` order, then others alphabetically. Empty for a manifest without it.
    public static func familyTimes(manifest: [String: Any]?) -> [FamilyTime] {
        guard let times = manifest?["measureTimes"] as? [String: Any] else { return [] }
        let rows = times.compactMap { name, value -> FamilyTime? in
            guard let v = value as? [String: Any], let n = v["shards"] as? NSNumber, let s = v["seconds"] as? NSNumber
            else { return nil }
            return FamilyTime(family: name, shards: n.intValue, seconds: s.doubleValue)
        }
        let order = ["balance"] + MeasureFamily.allCases.map(\.rawValue)
        return rows.sorted {
            let a = order.firstIndex(of: $0.family) ?? order.count, b = order.firstIndex(of: $1.family) ?? order.count
            return a != b ? a < b : $0.family < $1.family
        }
    }
}
