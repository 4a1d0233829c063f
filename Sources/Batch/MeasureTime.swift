/// Wall time of one measure family's finished shards in a sweep folder (`manifest.json` `measureTimes`, drawn by
/// the report): the shards with a `done` ledger entry and the sum of their compute seconds over all ranks (the
/// last `done` entry of each planned shard).
public struct MeasureTime: Codable, Sendable, Equatable {
    public var shards: Int
    /// Seconds of computation, summed over shards (not wall time of the sweep).
    public var seconds: Double

    public init(shards: Int = 0, seconds: Double = 0) { self.shards = shards; self.seconds = seconds }

    /// Per measure name (`balance`, `lfp`, `spatial`, `avalanches`, `seizure`) of `plan`'s shards, from the
    /// ledger `entries`; measures without a finished shard are absent.
    public static func of(plan: SweepPlan, entries: [LedgerEntry]) -> [String: MeasureTime] {
        var lastDone: [String: Double] = [:]
        for e in entries where e.event == "done" { if let k = e.key { lastDone[k] = e.seconds ?? 0 } }
        var out: [String: MeasureTime] = [:]
        for s in plan.shards {
            guard let seconds = lastDone[s.key] else { continue }
            out[s.measureName, default: MeasureTime()].shards += 1
            out[s.measureName]!.seconds += seconds
        }
        return out
    }
}
