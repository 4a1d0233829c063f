import Analysis
import Foundation
import Recordings

/// Computes the members of one shard. One instance per worker thread (it may cache the last recording).
public protocol ShardComputer: AnyObject {
    func compute(shard: Shard, plan: SweepPlan) throws -> [Member: MeasureSet]
}

/// Makes a `ShardComputer` for each worker thread.
public typealias ShardComputerFactory = @Sendable () -> ShardComputer

/// The real computation: reads the recording (keeping the `capacity` most recently used ones, since the
/// largest-first queue interleaves the recordings' shards) and calls `StateAnalysis.compute` (METHODS §2–5) for
/// the shard's members.
public final class AnalysisShardComputer: ShardComputer {
    private var cache: [(path: String, recording: Recording)] = []
    /// Recordings kept per worker (spike trains only; signals are read lazily).
    public let capacity: Int

    public init(capacity: Int = 3) { self.capacity = max(1, capacity) }

    public static let factory: ShardComputerFactory = { AnalysisShardComputer() }

    public func compute(shard: Shard, plan: SweepPlan) throws -> [Member: MeasureSet] {
        let info = plan.recordings[shard.recording]
        let recording: Recording
        if let i = cache.firstIndex(where: { $0.path == info.path }) {
            let hit = cache.remove(at: i)
            recording = hit.recording
            cache.append(hit)
        } else {
            recording = RecordingInfoReader.withPseudoState(
                try RecordingReader.read(info.path, options: ReadOptions(classColumn: plan.job.classColumn)))
            cache.append((info.path, recording))
            if cache.count > capacity { cache.removeFirst() }
        }
        guard shard.state != "*" else {
            throw BatchError.io(path: info.path, message: info.readError ?? "recording could not be planned")
        }
        return try StateAnalysis.compute(recording: recording, recordingID: info.recordingID, state: shard.state,
                                         members: shard.block.members, parameters: plan.job.parameters)
    }
}

/// The outcome of running one shard on some rank: the encoded result, or the failure message.
struct ShardOutcome: Sendable {
    var index: Int
    var ok: Bool
    /// Encoded `ShardResult` when ok, else UTF-8 failure message.
    var payload: [UInt8]
    var seconds: Double
    var rank: Int
    var host: String

    /// Message layout: index (u64), ok (u8), seconds (f64 bits), rank (u32), host length (u32), host, payload.
    func encoded() -> [UInt8] {
        var w = ByteWriter()
        w.u64(UInt64(index)); w.u8(ok ? 1 : 0); w.u64(seconds.bitPattern); w.u32(UInt32(rank))
        let h = Array(host.utf8); w.u32(UInt32(h.count)); w.bytes(h)
        w.bytes(payload)
        return w.out
    }

    init(index: Int, ok: Bool, payload: [UInt8], seconds: Double, rank: Int, host: String) {
        self.index = index; self.ok = ok; self.payload = payload; self.seconds = seconds; self.rank = rank
        self.host = host
    }

    init(decoding bytes: [UInt8]) throws {
        var r = ByteReader(bytes: bytes, source: "result message")
        index = Int(try r.u64()); ok = try r.u8() == 1; seconds = Double(bitPattern: try r.u64())
        rank = Int(try r.u32()); host = String(decoding: try r.take(Int(try r.u32())), as: UTF8.self)
        payload = Array(bytes[r.pos...])
    }

    /// Runs `shard` with `computer`; any thrown error becomes a failed outcome with its message.
    static func run(_ shard: Shard, plan: SweepPlan, computer: ShardComputer, rank: Int, host: String) -> ShardOutcome {
        let t0 = Date()
        let info = plan.recordings[shard.recording]
        do {
            let members = try computer.compute(shard: shard, plan: plan)
            let wanted = shard.block.members
            let absent = wanted.filter { members[$0] == nil }
            if !absent.isEmpty {
                throw BatchError.incompleteResult(shard: shard.label(in: plan),
                                                  missing: absent.map(\.description).joined(separator: ","))
            }
            var kept: [Member: MeasureSet] = [:]
            for m in wanted { kept[m] = members[m] }
            let seconds = Date().timeIntervalSince(t0)
            let prov = ShardProvenance(key: shard.key, shard: shard.label(in: plan), inputPath: info.path,
                                       inputSHA256: info.contentHash, programVersion: plan.programVersion,
                                       rank: rank, host: host, seconds: seconds)
            let bytes = try ShardResult(provenance: prov, members: kept).encoded()
            return ShardOutcome(index: shard.index, ok: true, payload: bytes, seconds: seconds, rank: rank, host: host)
        } catch {
            return ShardOutcome(index: shard.index, ok: false, payload: Array("\(error)".utf8),
                                seconds: Date().timeIntervalSince(t0), rank: rank, host: host)
        }
    }
}
