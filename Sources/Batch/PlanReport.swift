import Foundation

/// The shard table and totals that `symedge plan` prints (as text or JSON).
public struct PlanReport: Codable, Sendable {
    public struct Row: Codable, Sendable {
        public var index: Int
        public var group: Int
        public var recording: String
        public var path: String
        public var state: String
        public var block: String
        public var members: Int
        public var scaleBand: String
        public var cost: Double
        public var key: String
        /// `balance` or the §6–9 family.
        public var family: String
        /// The family shard's part (`ch0-31`, `pairs0-63x64-99`, `all`); empty for balance shards.
        public var part: String
        enum CodingKeys: String, CodingKey {
            case index, group, recording, path, state, block, members, cost, key, family, part
            case scaleBand = "scale_band"
        }
    }
    public struct Totals: Codable, Sendable {
        public var recordings: Int
        public var unreadable: Int
        public var pairs: Int
        public var shards: Int
        public var groups: Int
        public var members: Int
        public var cost: Double
        public var largestShardCost: Double
        /// Shards per measure family (`balance`, `lfp`, `spatial`, `avalanches`, `seizure`).
        public var shardsPerFamily: [String: Int]
    }
    public var job: String
    public var output: String
    public var note: String
    public var shards: [Row]
    public var skipped: [String]
    public var unreadable: [String]
    public var totals: Totals

    public static let scaleNote = "every shard computes all scales: the §3.7 co-occurrence textures and the §4 "
        + "order parameters couple the scales, so a scale band is not a unit of work"

    public init(plan: SweepPlan) {
        job = plan.job.name
        output = plan.job.output
        note = Self.scaleNote
        shards = plan.shards.map { s in
            Row(index: s.index, group: s.group, recording: plan.recordings[s.recording].recordingID,
                path: plan.recordings[s.recording].path, state: s.state, block: s.block.description,
                members: s.block.count, scaleBand: s.family == nil ? plan.scaleBand : "", cost: s.cost, key: s.key,
                family: s.measureName, part: s.part.map { "\($0)" } ?? "")
        }
        skipped = plan.skipped
        unreadable = plan.recordings.compactMap { r in r.readError.map { "\(r.path): \($0)" } }
        totals = Totals(recordings: plan.recordings.count, unreadable: unreadable.count, pairs: plan.recordingStates,
                        shards: plan.shards.count, groups: plan.groupCount,
                        members: plan.shards.reduce(0) { $0 + $1.block.count }, cost: plan.totalCost,
                        largestShardCost: plan.shards.map(\.cost).max() ?? 0, shardsPerFamily: plan.shardsPerMeasure)
    }

    public func json() throws -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: try enc.encode(self), as: UTF8.self)
    }

    /// An aligned text table followed by the totals.
    public func text() -> String {
        var lines: [String] = []
        let header = ["shard", "group", "recording", "state", "family", "part", "block", "members", "scales", "cost", "key"]
        var rows = [header]
        for r in shards {
            rows.append(["\(r.index)", "\(r.group)", r.recording, r.state, r.family, r.part.isEmpty ? "-" : r.part,
                         r.block, "\(r.members)", r.scaleBand.isEmpty ? "-" : r.scaleBand,
                         Self.cost(r.cost), String(r.key.prefix(12))])
        }
        var width = [Int](repeating: 0, count: header.count)
        for row in rows { for (i, c) in row.enumerated() { width[i] = max(width[i], c.count) } }
        for row in rows {
            lines.append(row.enumerated().map { i, c in c.padding(toLength: width[i], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces))
        }
        lines.append("")
        lines.append("job \(job): \(totals.recordings) recordings, \(totals.pairs) recording×state pairs, "
                     + "\(totals.shards) shards in \(totals.groups) groups, \(totals.members) members")
        lines.append("shards per family: " + totals.shardsPerFamily.sorted { $0.key < $1.key }
                        .map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        lines.append("estimated cost (balance: spikes × scales × members; families in the same units): total \(Self.cost(totals.cost)), "
                     + "largest shard \(Self.cost(totals.largestShardCost))")
        lines.append("note: \(note)")
        lines.append("output: \(output)")
        for s in skipped { lines.append("skipped: \(s)") }
        for u in unreadable { lines.append("unreadable (its shards will fail): \(u)") }
        return lines.joined(separator: "\n")
    }

    static func cost(_ c: Double) -> String {
        if c >= 1e9 { return String(format: "%.2fG", c / 1e9) }
        if c >= 1e6 { return String(format: "%.2fM", c / 1e6) }
        if c >= 1e3 { return String(format: "%.1fk", c / 1e3) }
        return String(format: "%.0f", c)
    }
}
