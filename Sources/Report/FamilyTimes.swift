import Analysis
import Batch
import Foundation

/// Time spent on one measure family in a sweep: its finished shards and the sum of their wall-clock seconds
/// (over all ranks; the ledger's `done` entries, the last one per shard key).
public struct FamilyTime: Sendable, Equatable {
    public var family: String
    public var shards: Int
    public var seconds: Double

    public init(family: String, shards: Int, seconds: Double) {
        self.family = family; self.shards = shards; self.seconds = seconds
    }
}

extension ReportInput {
    /// The family a shard label names: a token after the recording id that is (or starts with, before `[`,
    /// `:` or `#`) a `MeasureFamily` name (`seizure`, `spatial`, `avalanches`, `lfp`); otherwise `balance`
    /// (METHODS §2–5 shards, labelled `recording state block`).
    public static func family(ofShardLabel label: String) -> String {
        let names = Set(MeasureFamily.allCases.map(\.rawValue))
        for token in label.split(separator: " ").dropFirst() {
            let head = token.split(whereSeparator: { "[:#(".contains($0) }).first.map(String.init) ?? ""
            if names.contains(head) { return head }
        }
        return "balance"
    }

    /// Time per family from ledger entries: the last `done` entry of each shard key, grouped by
    /// `family(ofShardLabel:)`; families in the order balance, then MeasureFamily order.
    public static func familyTimes(_ entries: [LedgerEntry]) -> [FamilyTime] {
        var last: [String: LedgerEntry] = [:]
        for e in entries where e.event == "done" {
            guard let k = e.key ?? e.shard, e.shard != nil else { continue }
            last[k] = e
        }
        var acc: [String: FamilyTime] = [:]
        for e in last.values {
            let f = family(ofShardLabel: e.shard ?? "")
            acc[f, default: FamilyTime(family: f, shards: 0, seconds: 0)].shards += 1
            acc[f]!.seconds += e.seconds ?? 0
        }
        let order = ["balance"] + MeasureFamily.allCases.map(\.rawValue)
        return acc.values.sorted {
            let a = order.firstIndex(of: $0.family) ?? order.count, b = order.firstIndex(of: $1.family) ?? order.count
            return a != b ? a < b : $0.family < $1.family
        }
    }
}
