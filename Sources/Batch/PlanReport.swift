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
        /// Estimated CPU seconds on one core: `cost` / the calibration's units per second.
        public var cpuSeconds: Double
        public var key: String
        /// `balance` or the §6–9 family.
        public var family: String
        /// The family shard's part (`ch0-31`, `pairs0-63x64-99`, `all`); empty for balance shards.
        public var part: String
        enum CodingKeys: String, CodingKey {
            case index, group, recording, path, state, block, members, cost, key, family, part
            case scaleBand = "scale_band", cpuSeconds = "cpu_seconds"
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
        /// Estimated CPU seconds (one core) of every shard, of the largest shard, and of the shards without a
        /// `done` entry in the output folder's ledger.
        public var cpuSeconds: Double
        public var largestShardCPUSeconds: Double
        public var remainingShards: Int
        public var remainingCPUSeconds: Double
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
    /// How cost units were turned into CPU seconds.
    public var calibration: CostCalibration

    public static let scaleNote = "every shard computes all scales: the §3.7 co-occurrence textures and the §4 "
        + "order parameters couple the scales, so a scale band is not a unit of work"

    /// - Parameter calibration: cost units per CPU second (`CostCalibration.fromLedger` of a previous run, else
    ///   the built-in rate measured on this machine).
    /// - Parameter done: keys of the shards already done in the output folder (excluded from the remaining time).
    public init(plan: SweepPlan, calibration: CostCalibration = .builtIn, done: Set<String> = []) {
        self.calibration = calibration
        job = plan.job.name
        output = plan.job.output
        note = Self.scaleNote
        shards = plan.shards.map { s in
            Row(index: s.index, group: s.group, recording: plan.recordings[s.recording].recordingID,
                path: plan.recordings[s.recording].path, state: s.state, block: s.block.description,
                members: s.block.count, scaleBand: s.family == nil ? plan.scaleBand : "", cost: s.cost,
                cpuSeconds: calibration.seconds(s.cost), key: s.key,
                family: s.measureName, part: s.part.map { "\($0)" } ?? "")
        }
        skipped = plan.skipped
        unreadable = plan.recordings.compactMap { r in r.readError.map { "\(r.path): \($0)" } }
        totals = Totals(recordings: plan.recordings.count, unreadable: unreadable.count, pairs: plan.recordingStates,
                        shards: plan.shards.count, groups: plan.groupCount,
                        members: plan.shards.reduce(0) { $0 + $1.block.count }, cost: plan.totalCost,
                        largestShardCost: plan.shards.map(\.cost).max() ?? 0,
                        cpuSeconds: calibration.seconds(plan.totalCost),
                        largestShardCPUSeconds: calibration.seconds(plan.shards.map(\.cost).max() ?? 0),
                        remainingShards: plan.shards.filter { !done.contains($0.key) }.count,
                        remainingCPUSeconds: calibration.seconds(plan.shards.filter { !done.contains($0.key) }
                            .reduce(0) { $0 + $1.cost }),
                        shardsPerFamily: plan.shardsPerMeasure)
    }

    public func json() throws -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: try enc.encode(self), as: UTF8.self)
    }

    /// An aligned text table followed by the totals.
    public func text() -> String {
        var lines: [String] = []
        let header = ["shard", "group", "recording", "state", "family", "part", "block", "members", "scales", "cpu",
                      "key"]
        var rows = [header]
        for r in shards {
            rows.append(["\(r.index)", "\(r.group)", r.recording, r.state, r.family, r.part.isEmpty ? "-" : r.part,
                         r.block, "\(r.members)", r.scaleBand.isEmpty ? "-" : r.scaleBand,
                         Self.duration(r.cpuSeconds), String(r.key.prefix(12))])
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
        lines.append("estimated CPU time (one core): total \(Self.duration(totals.cpuSeconds)), largest shard "
                     + "\(Self.duration(totals.largestShardCPUSeconds))"
                     + (totals.remainingShards < totals.shards
                        ? "; remaining \(Self.duration(totals.remainingCPUSeconds)) for \(totals.remainingShards) shards not yet done"
                        : ""))
        lines.append("  from the cost (balance: spikes × scales × members; families in the same units; total "
                     + "\(Self.cost(totals.cost)) units) at \(Self.cost(calibration.unitsPerSecond)) units per CPU second, "
                     + calibration.source)
        lines.append("note: \(note)")
        lines.append("output: \(output)")
        for s in skipped { lines.append("skipped: \(s)") }
        for u in unreadable { lines.append("unreadable (its shards will fail): \(u)") }
        return lines.joined(separator: "\n")
    }

    /// Seconds as "0.4 s", "12 s", "3 min 20 s", "2 h 05 min" or "3 d 04 h".
    public static func duration(_ s: Double) -> String {
        guard s.isFinite, s >= 0 else { return "?" }
        if s < 10 { return String(format: "%.1f s", s) }
        let t = Int(s.rounded())
        if t < 60 { return "\(t) s" }
        if t < 3600 { return "\(t / 60) min \(String(format: "%02d", t % 60)) s" }
        if t < 86400 { return "\(t / 3600) h \(String(format: "%02d", (t % 3600) / 60)) min" }
        return "\(t / 86400) d \(String(format: "%02d", (t % 86400) / 3600)) h"
    }

    static func cost(_ c: Double) -> String {
        if c >= 1e9 { return String(format: "%.2fG", c / 1e9) }
        if c >= 1e6 { return String(format: "%.2fM", c / 1e6) }
        if c >= 1e3 { return String(format: "%.1fk", c / 1e3) }
        return String(format: "%.0f", c)
    }
}

/// How plan cost units (balance: spikes × scales × members; families in the same units, `FamilyCost`) turn into
/// CPU seconds on one core (issue 18 item 9).
public struct CostCalibration: Codable, Sendable, Equatable {
    /// Cost units computed per CPU second.
    public var unitsPerSecond: Double
    /// Where the rate comes from, for the plan's text.
    public var source: String

    public init(unitsPerSecond: Double, source: String) {
        self.unitsPerSecond = unitsPerSecond; self.source = source
    }

    /// 1.2e8 units per second: the balance rate measured on a 600 s simulated demo session on one core of the
    /// development machine (docs/scaling.md), used when no previous run can calibrate.
    public static let builtIn = CostCalibration(
        unitsPerSecond: 1.2e8,
        source: "built-in (measured on a 600 s demo session on one core of this project's machine, docs/scaling.md; "
            + "a finished sweep in the output folder calibrates it)")

    /// The rate of a previous run in `folder`: its saved plan's shards with a `done` ledger entry, total cost over
    /// total compute seconds. nil without a saved plan or finished shard.
    public static func fromLedger(_ folder: SweepFolder) -> CostCalibration? {
        guard let plan = try? folder.loadPlan() else { return nil }
        var seconds: [String: Double] = [:]
        for e in Ledger.readAll(in: folder) where e.event == "done" {
            if let k = e.key, let s = e.seconds, s > 0 { seconds[k] = s }
        }
        var cost = 0.0, total = 0.0, n = 0
        for s in plan.shards { if let x = seconds[s.key] { cost += s.cost; total += x; n += 1 } }
        guard n > 0, total > 0, cost > 0 else { return nil }
        return CostCalibration(unitsPerSecond: cost / total,
                               source: "from the ledger of the previous run in \(folder.root) (\(n) finished shards, "
                                   + String(format: "%.1f", total) + " s)")
    }

    /// Keys of the shards with a `done` entry in `folder`'s ledgers.
    public static func doneKeys(_ folder: SweepFolder) -> Set<String> {
        Set(Ledger.readAll(in: folder).filter { $0.event == "done" }.compactMap(\.key))
    }

    /// CPU seconds of `cost` units.
    public func seconds(_ cost: Double) -> Double { cost / unitsPerSecond }
}
