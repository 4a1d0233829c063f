import Analysis
import Foundation
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

    public var totalCost: Double { shards.reduce(0) { $0 + $1.cost } }

    /// Shards of one Slurm array group.
    public func shards(inGroup g: Int) -> [Shard] { shards.filter { $0.group == g } }

    /// The scale band every shard covers, e.g. `1-32` (all scales are computed in each shard).
    public var scaleBand: String { "1-\(job.parameters.scaleCount)" }

    /// Pairs (recording index, state) in plan order, each with its shards.
    public var pairs: [(recording: Int, state: String, shards: [Shard])] {
        var out: [(Int, String, [Shard])] = []
        for s in shards {
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

    public init(job: JobSpec, cacheFolder: String?,
                reader: @escaping @Sendable (String, String?) throws -> RecordingInfoReader.Metadata = RecordingInfoReader.read) {
        self.job = job; self.cacheFolder = cacheFolder; self.reader = reader
    }

    /// The version string that enters every shard key.
    public static var programVersion: String { "symedge \(BuildInfo.version)" }

    public func plan() throws -> SweepPlan {
        let paths = try InputResolver.recordingPaths(job.inputs, jobFile: job.jobFile)
        var cache = InputCache.load(folder: cacheFolder)
        let infos = paths.map { cache.info(path: $0, classColumn: job.classColumn, reader: reader) }
        return finish(infos: infos)
    }

    /// Hashes and reads the inputs `paths[i]` with `i % stride == offset` (one rank's share of the planning),
    /// using the cache in `cacheFolder` read-only.
    public func infos(paths: [String], offset: Int, stride: Int) -> [RecordingInfo] {
        var cache = InputCache.load(folder: cacheFolder)
        return paths.indices.filter { $0 % stride == offset }.map {
            cache.info(path: paths[$0], classColumn: job.classColumn, reader: reader)
        }
    }

    /// Stores `infos` in the cache, disambiguates duplicate subject/session pairs and cuts the shards.
    public func finish(infos: [RecordingInfo]) -> SweepPlan {
        var recordings = infos
        if let folder = cacheFolder, FileManager.default.fileExists(atPath: folder) {
            var cache = InputCache.load(folder: folder)
            for r in recordings { cache.store(r, classColumn: job.classColumn) }
            try? cache.save(folder: folder)
        }
        // Two inputs with the same subject/session would share surrogate seeds and table rows: disambiguate.
        var seen: [String: Int] = [:]
        for i in recordings.indices {
            let id = recordings[i].recordingID
            seen[id, default: 0] += 1
            if seen[id]! > 1 { recordings[i].session += "~\(seen[id]!)" }
        }
        return makePlan(recordings: recordings)
    }

    /// Cuts recordings into shards (pure; used by `plan()` and by tests).
    public func makePlan(recordings: [RecordingInfo]) -> SweepPlan {
        let p = job.parameters
        let blocks = Self.blocks(surrogates: p.surrogateCount, kinds: p.surrogateKinds, perShard: job.surrogatesPerShard)
        let paramsText = Self.canonicalParameters(p)
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
            for state in states {
                let spikes = rec.states.first { $0.name == state }?.spikes ?? 0
                for b in blocks {
                    let key = Self.shardKey(contentHash: rec.contentHash, recordingID: rec.recordingID, state: state,
                                            block: b, parameters: paramsText, classColumn: job.classColumn,
                                            measures: job.measures)
                    let cost = Double(max(spikes, 1)) * Double(p.scaleCount) * Double(b.count)
                    let g = job.shardGroupSize > 0 ? startGroup + inRecording / job.shardGroupSize : startGroup
                    shards.append(Shard(index: shards.count, key: key, recording: ri, state: state, block: b,
                                        cost: cost, group: g))
                    inRecording += 1
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

    static func shardKey(contentHash: String, recordingID: String, state: String, block: MemberBlock,
                         parameters: String, classColumn: String?, measures: [String]) -> String {
        let text = "symedge-shard-v1\ninput=\(contentHash)\nrecording=\(recordingID)\nstate=\(state)\n"
            + "block=\(block)\nmeasures=\(measures.joined(separator: ","))\nclass_column=\(classColumn ?? "")\n"
            + "parameters=\(parameters)\nversion=\(programVersion)\n"
        return ContentHash.sha256(Array(text.utf8))
    }
}
