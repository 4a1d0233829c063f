import Analysis
import Foundation
import Kernels
import Recordings

/// The full shard plan of a job: recordings, shards with keys and costs, groups, totals.
public struct SweepPlan: Codable, Sendable, Equatable {
    public var job: JobSpec
    public var programVersion: String
    public var recordings: [RecordingInfo]
    public var shards: [Shard]
    /// (recording, state) pairs named by the job but absent from a recording: skipped, not failed.
    public var skipped: [String]
    public var groupCount: Int
    /// Inputs left out because they are the same file (by resolved path, e.g. a symlink) or the same content
    /// (SHA-256) as an earlier input: `path: same as other`.
    public var duplicates: [String]?

    public var totalCost: Double { shards.reduce(0) { $0 + $1.cost } }

    /// Family units (recording index, state, family) in plan order, each with its shards (parts and member
    /// blocks): the unit of the family reduction.
    public var familyUnits: [(recording: Int, state: String, family: MeasureFamily, shards: [Shard])] {
        var out: [(recording: Int, state: String, family: MeasureFamily, shards: [Shard])] = []
        var index: [String: Int] = [:]
        for s in shards {
            guard let f = s.family else { continue }
            let id = "\(s.recording)\u{1}\(s.state)\u{1}\(f.rawValue)"
            if let i = index[id] { out[i].shards.append(s) } else {
                index[id] = out.count
                out.append((s.recording, s.state, f, [s]))
            }
        }
        return out
    }

    /// Distinct (recording, state) pairs with at least one shard of any kind.
    public var recordingStates: Int {
        var seen = Set<String>()
        for s in shards { seen.insert("\(s.recording)\u{1}\(s.state)") }
        return seen.count
    }

    /// Shards per measure family (`balance`, `lfp`, …).
    public var shardsPerMeasure: [String: Int] {
        var out: [String: Int] = [:]
        for s in shards { out[s.measureName, default: 0] += 1 }
        return out
    }

    /// Shards of one Slurm array group.
    public func shards(inGroup g: Int) -> [Shard] { shards.filter { $0.group == g } }

    /// The scale band every shard covers, e.g. `1-32` (all scales are computed in each shard).
    public var scaleBand: String { "1-\(job.parameters.scaleCount)" }

    /// Balance pairs (recording index, state) in plan order, each with its balance shards.
    public var pairs: [(recording: Int, state: String, shards: [Shard])] {
        var out: [(Int, String, [Shard])] = []
        for s in shards where s.family == nil {
            if let last = out.last, last.0 == s.recording, last.1 == s.state { out[out.count - 1].2.append(s) }
            else { out.append((s.recording, s.state, [s])) }
        }
        return out
    }
}

/// Builds a `SweepPlan`: resolves inputs, hashes and reads each recording's metadata (cached by
/// path, size and mtime in the output folder), and cuts each (recording, state) into member blocks.
public struct Planner: Sendable {
    public var job: JobSpec
    /// A folder holding `input-cache.json` (usually the sweep output); nil = no cache.
    public var cacheFolder: String?
    /// Reads a recording's metadata; replaceable for tests.
    public var reader: @Sendable (String, String?) throws -> RecordingInfoReader.Metadata

    /// - Parameter reader: nil = `RecordingInfoReader.read` with the job's `readOptions`.
    public init(job: JobSpec, cacheFolder: String?,
                reader: (@Sendable (String, String?) throws -> RecordingInfoReader.Metadata)? = nil) {
        self.job = job; self.cacheFolder = cacheFolder
        let options = job.readOptions
        self.reader = reader ?? { path, _ in try RecordingInfoReader.read(path, options: options) }
    }

    /// The version string that enters every shard key.
    public static var programVersion: String { "symedge \(BuildInfo.version)" }

    public func plan() throws -> SweepPlan {
        let paths = try InputResolver.recordingPaths(job.inputs, jobFile: job.jobFile)
        var cache = InputCache.load(folder: cacheFolder)
        let infos = paths.map { cache.info(path: $0, classColumn: job.readKey, reader: reader) }
        return try finish(infos: infos)
    }

    /// Hashes and reads the inputs `paths[i]` with `i % stride == offset` (one rank's share of the planning),
    /// using the cache in `cacheFolder` read-only.
    public func infos(paths: [String], offset: Int, stride: Int) -> [RecordingInfo] {
        var cache = InputCache.load(folder: cacheFolder)
        return paths.indices.filter { $0 % stride == offset }.map {
            cache.info(path: paths[$0], classColumn: job.readKey, reader: reader)
        }
    }

    /// Stores `infos` in the cache, drops inputs that are the same file or the same content as an earlier one
    /// (listed in `duplicates`), disambiguates duplicate subject/session pairs and cuts the shards.
    /// - Throws: `BatchError.jobSpec` when a state named by the job's `states:` exists in no readable recording.
    public func finish(infos: [RecordingInfo]) throws -> SweepPlan {
        var recordings: [RecordingInfo] = []
        var duplicates: [String] = []
        var firstOf: [String: String] = [:]
        for r in infos {
            let real = URL(fileURLWithPath: r.path).resolvingSymlinksInPath().path
            let ids = ["path:" + real] + (r.contentHash.isEmpty || r.readError != nil ? [] : ["sha256:" + r.contentHash])
            if let other = ids.lazy.compactMap({ firstOf[$0] }).first {
                duplicates.append("\(r.path): same \(real == URL(fileURLWithPath: other).resolvingSymlinksInPath().path ? "file" : "content") as \(other); left out")
                continue
            }
            for id in ids { firstOf[id] = r.path }
            recordings.append(r)
        }
        if let wanted = job.states, recordings.contains(where: { $0.readError == nil }) {
            let known = Set(recordings.filter { $0.readError == nil }.flatMap { $0.states.map(\.name) })
            let unknown = wanted.filter { !known.contains($0) }
            if !unknown.isEmpty {
                throw BatchError.jobSpec(file: job.jobFile, line: nil, key: "states",
                                         message: "state(s) \(unknown.joined(separator: ", ")) exist in no recording; "
                                         + "the recordings have: \(known.sorted().joined(separator: ", "))")
            }
        }
        if let folder = cacheFolder, FileManager.default.fileExists(atPath: folder) {
            var cache = InputCache.load(folder: folder)
            for r in recordings { cache.store(r, classColumn: job.readKey) }
            try? cache.save(folder: folder)
        }
        // Two inputs with the same subject/session would share surrogate seeds and table rows: disambiguate.
        var seen: [String: Int] = [:]
        for i in recordings.indices {
            let id = recordings[i].recordingID
            seen[id, default: 0] += 1
            if seen[id]! > 1 { recordings[i].session += "~\(seen[id]!)" }
        }
        var plan = makePlan(recordings: recordings)
        if !duplicates.isEmpty { plan.duplicates = duplicates }
        return plan
    }

    /// Cuts recordings into shards (pure; used by `plan()` and by tests).
    ///
    /// Per recording and state: the balance member blocks (when the job names `balance`), then for each §6–9
    /// family its shards (`familyShards`). A recording's shards are consecutive, so Slurm groups stay within
    /// one recording.
    public func makePlan(recordings: [RecordingInfo]) -> SweepPlan {
        let p = job.parameters
        let blocks = job.includesBalance
            ? Self.blocks(surrogates: p.surrogateCount, kinds: p.surrogateKinds, perShard: job.surrogatesPerShard) : []
        let paramsText = Self.canonicalParameters(p)
        var familyText: [MeasureFamily: String] = [:]
        for f in job.families { familyText[f] = Self.canonicalFamilyParameters(job.familyParametersInEffect, for: f) }
        var shards: [Shard] = []
        var skipped: [String] = []
        var group = 0
        for (ri, rec) in recordings.enumerated() {
            let states: [String]
            if let wanted = job.states {
                if rec.readError != nil { states = wanted } else {
                    states = wanted.filter { s in rec.states.contains { $0.name == s } }
                    for s in wanted where !states.contains(s) { skipped.append("\(rec.recordingID) \(s): no epochs") }
                }
            } else {
                states = rec.readError != nil ? ["*"] : rec.states.map(\.name)
            }
            var inRecording = 0
            let startGroup = group
            func add(_ shard: Shard) {
                var s = shard
                s.index = shards.count
                s.group = job.shardGroupSize > 0 ? startGroup + inRecording / job.shardGroupSize : startGroup
                shards.append(s)
                inRecording += 1
            }
            for state in states {
                let spikes = rec.states.first { $0.name == state }?.spikes ?? 0
                for b in blocks {
                    // Balance keys name only `balance`, so adding families to a job reuses its balance shards.
                    let key = Self.shardKey(contentHash: rec.contentHash, recordingID: rec.recordingID, state: state,
                                            block: b, parameters: paramsText, classColumn: job.readKey,
                                            measures: [JobMeasures.balance])
                    let cost = Double(max(spikes, 1)) * Double(p.scaleCount) * Double(b.count)
                    add(Shard(index: 0, key: key, recording: ri, state: state, block: b, cost: cost, group: 0))
                }
                for family in job.families {
                    for (part, b, cost) in familyShards(family, recording: rec, state: state) {
                        let key = Self.familyShardKey(contentHash: rec.contentHash, recordingID: rec.recordingID,
                                                      state: state, family: family, part: part, block: b,
                                                      parameters: familyText[family]!, classColumn: job.readKey)
                        add(Shard(index: 0, key: key, recording: ri, state: state, block: b, cost: cost, group: 0,
                                  family: family, part: part))
                    }
                }
            }
            if inRecording > 0 {
                group = job.shardGroupSize > 0 ? startGroup + (inRecording + job.shardGroupSize - 1) / job.shardGroupSize
                    : startGroup + 1
            }
        }
        return SweepPlan(job: job, programVersion: Self.programVersion, recordings: recordings, shards: shards,
                         skipped: skipped, groupCount: group)
    }

    /// Surrogate member blocks of a family: only the first surrogate kind (it alone fills surrogate_mean, sd
    /// and z of `family_measures.csv`, as in `symedge analyze`), none when `FamilyAnalysis.supportsSurrogates`
    /// is false.
    func familySurrogateBlocks(_ family: MeasureFamily) -> [MemberBlock] {
        let p = job.parameters
        guard FamilyAnalysis.supportsSurrogates(family), let kind = p.surrogateKinds.first else { return [] }
        return Array(Self.blocks(surrogates: p.surrogateCount, kinds: [kind], perShard: job.surrogatesPerShard).dropFirst())
    }

    /// The shards of one family for one (recording, state), with their estimated costs (`FamilyCost`):
    /// - `lfp`: one observed shard per block of `lfpChannelsPerShard` channels (no surrogates);
    /// - `spatial`: one observed shard per pair block of `spatialBlockUnits` units (block moments, assembled
    ///   by the reducer), then the surrogate blocks (whole matrices);
    /// - `avalanches`, `seizure`: the observed member, then the surrogate blocks.
    public func familyShards(_ family: MeasureFamily, recording rec: RecordingInfo, state: String)
        -> [(part: ShardPart, block: MemberBlock, cost: Double)] {
        let fp = job.familyParametersInEffect
        let st = rec.states.first { $0.name == state }
        let cost = FamilyCost(recording: rec, state: st, parameters: fp)
        var out: [(ShardPart, MemberBlock, Double)] = []
        switch family {
        case .lfp:
            let n = cost.lfpChannels
            let channels = fp.channels ?? Array(0..<n)
            if n == 0 || channels.isEmpty || channels.contains(where: { $0 >= n }) {
                out.append((.whole, .observed, cost.lfp(channels: max(channels.count, 1))))
            } else {
                var a = 0
                while a < channels.count {
                    let c = Array(channels[a ..< min(a + job.lfpChannelsPerShard, channels.count)])
                    out.append((.channels(c), .observed, cost.lfp(channels: c.count)))
                    a += job.lfpChannelsPerShard
                }
            }
        case .spatial:
            let n = rec.units ?? (rec.unitsE + rec.unitsI)
            let size = job.spatialBlockUnits > 0 ? job.spatialBlockUnits : max(n, 1)
            for pb in SpatialCorrelation.pairBlocks(units: n, blockSize: size) {
                out.append((.pairs(rows: pb.rows, columns: pb.columns), .observed,
                            cost.spatial(pairs: pb.rows.count * pb.columns.count)))
            }
            if out.isEmpty { out.append((.pairs(rows: 0..<n, columns: 0..<n), .observed, cost.spatial(pairs: 1))) }
        case .avalanches:
            out.append((.whole, .observed, cost.avalanches))
        case .seizure:
            out.append((.whole, .observed, cost.seizure(state: state)))
        }
        for b in familySurrogateBlocks(family) {
            let one: Double
            switch family {
            case .spatial: let n = Double(rec.units ?? 0); one = cost.spatial(pairs: Int(n * n))
            case .avalanches: one = cost.avalancheSpikes
            case .seizure: one = cost.seizure(state: state)
            case .lfp: one = 0
            }
            out.append((.whole, b, one * Double(b.count)))
        }
        return out
    }

    /// Member blocks of one (recording, state): observed, then each kind's surrogates in blocks of `perShard`.
    public static func blocks(surrogates: Int, kinds: [SurrogateKind], perShard: Int) -> [MemberBlock] {
        var out = [MemberBlock.observed]
        guard surrogates > 0 else { return out }
        for k in kinds {
            var first = 0
            while first < surrogates {
                let n = min(perShard, surrogates - first)
                out.append(MemberBlock(kind: k, first: first, count: n))
                first += n
            }
        }
        return out
    }

    /// The parameters that change a member's values, in a canonical text form. Surrogate count and kinds
    /// are left out (the block names its members; each surrogate's stream depends only on its own index),
    /// so adding surrogates later reuses finished shards.
    static func canonicalParameters(_ p: AnalysisParameters) -> String {
        var q = p
        q.surrogateCount = 0
        q.surrogateKinds = []
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        return String(decoding: (try? enc.encode(q)) ?? Data(), as: UTF8.self)
    }

    /// `FamilyParameters` fields read by one family only (METHODS §6–9). A family's shard key leaves out the
    /// fields exclusive to the other families, so e.g. changing `coherence_channels` recomputes only the seizure
    /// shards; any field not listed here (shared, or added later) stays in every family's key.
    static let exclusiveFields: [MeasureFamily: Set<String>] = [
        .lfp: ["welchWindowSeconds", "welchOverlap", "narrowBandLow", "narrowBandHigh", "wideBandLow", "wideBandHigh",
               "peakThreshold", "dfaBandLow", "dfaBandHigh", "dfaTransition", "dfaMinWindowSeconds",
               "dfaMaxWindowSeconds", "dfaWindowCount", "dfaOverlap"],
        .spatial: ["spatialBinsMs", "distanceBinMicrometres"],
        .avalanches: ["avalancheBinsMs", "lfpAvalancheBinsMs", "lfpEventThreshold", "maximumAlpha", "minimumAvalanches"],
        .seizure: ["currentStepMs", "tauEMs", "tauIMs", "balanceBinSeconds", "recoveryTolerance", "waveletOmega0",
                   "waveletLowHz", "waveletHighHz", "waveletCount", "coherenceChannels", "coherenceSurrogates"],
    ]

    /// The family parameters that can change `family`'s values, in canonical text (sorted-key JSON, seed
    /// included: it seeds the surrogates).
    static func canonicalFamilyParameters(_ p: FamilyParameters, for family: MeasureFamily) -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        guard let data = try? enc.encode(p),
              var dict = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { return "" }
        for (f, fields) in exclusiveFields where f != family { for k in fields { dict[k] = nil } }
        guard let out = try? JSONSerialization.data(withJSONObject: dict, options: [.sortedKeys]) else { return "" }
        return String(decoding: out, as: UTF8.self)
    }

    static func familyShardKey(contentHash: String, recordingID: String, state: String, family: MeasureFamily,
                               part: ShardPart, block: MemberBlock, parameters: String, classColumn: String?) -> String {
        let text = "symedge-family-shard-v1\ninput=\(contentHash)\nrecording=\(recordingID)\nstate=\(state)\n"
            + "family=\(family.rawValue)\npart=\(part)\nblock=\(block)\nclass_column=\(classColumn ?? "")\n"
            + "family_parameters=\(parameters)\nversion=\(programVersion)\n"
        return ContentHash.sha256(Array(text.utf8))
    }

    static func shardKey(contentHash: String, recordingID: String, state: String, block: MemberBlock,
                         parameters: String, classColumn: String?, measures: [String]) -> String {
        let text = "symedge-shard-v1\ninput=\(contentHash)\nrecording=\(recordingID)\nstate=\(state)\n"
            + "block=\(block)\nmeasures=\(measures.joined(separator: ","))\nclass_column=\(classColumn ?? "")\n"
            + "parameters=\(parameters)\nversion=\(programVersion)\n"
        return ContentHash.sha256(Array(text.utf8))
    }
}
