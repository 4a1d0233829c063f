import Analysis
import Foundation
import Kernels
import Recordings

/// Computes the members of one shard. One instance per worker thread (it may cache the last recording).
public protocol ShardComputer: AnyObject {
    /// A balance shard (METHODS §2–5): one `MeasureSet` per member of `shard.block`.
    func compute(shard: Shard, plan: SweepPlan) throws -> [Member: MeasureSet]
    /// A balance shard with its report products: the shard holding the observed member also gives the state's
    /// curves and series (`StatePipeline.computeBlock`). By default `compute`'s measure sets alone.
    func computeBlock(shard: Shard, plan: SweepPlan) throws -> MemberBlockProducts
    /// A METHODS §6–9 family shard (`shard.family != nil`).
    func computeFamily(shard: Shard, plan: SweepPlan) throws -> FamilyShardOutput
}

extension ShardComputer {
    public func computeBlock(shard: Shard, plan: SweepPlan) throws -> MemberBlockProducts {
        MemberBlockProducts(sets: try compute(shard: shard, plan: plan))
    }

    public func computeFamily(shard: Shard, plan: SweepPlan) throws -> FamilyShardOutput {
        throw BatchError.io(path: plan.recordings[shard.recording].path,
                            message: "this shard computer has no \(shard.measureName) family")
    }
}

/// What a family shard computes: member results, or (a spatial pair block) block moments and the layout.
public struct FamilyShardOutput: Sendable {
    public var members: [FamilyResult]
    public var moments: [SpatialBlockMoments]?
    public var layout: SpatialLayout?

    public init(members: [FamilyResult], moments: [SpatialBlockMoments]? = nil, layout: SpatialLayout? = nil) {
        self.members = members; self.moments = moments; self.layout = layout
    }
}

/// Makes a `ShardComputer` for each worker thread.
public typealias ShardComputerFactory = @Sendable () -> ShardComputer

/// The real computation: reads the recording (keeping the `capacity` most recently used ones, since the
/// largest-first queue interleaves the recordings' shards) and calls `StatePipeline.computeBlock` (METHODS §2–5,
/// with the observed shard's curves and series, as `analyze` does) or `FamilyAnalysis.run` (§6–9) for the shard's
/// members; a spatial pair block calls `SpatialCorrelation.blockMoments` per bin size.
public final class AnalysisShardComputer: ShardComputer {
    private var cache: [(path: String, recording: Recording)] = []
    /// Recordings kept per worker (spike trains only; signals are read lazily).
    public let capacity: Int

    /// Threads computing a balance shard's members (`StateAnalysis.compute(threads:)`; 0 = every core) [default 1:
    /// one rank per core]. Values do not depend on it.
    public let threads: Int

    public init(capacity: Int = 3, threads: Int = 1) { self.capacity = max(1, capacity); self.threads = threads }

    public static let factory: ShardComputerFactory = { AnalysisShardComputer() }

    /// Workers whose balance shards use `threads` threads each (a rank that owns a whole machine).
    public static func factory(threads: Int) -> ShardComputerFactory { { AnalysisShardComputer(threads: threads) } }

    private func recording(_ shard: Shard, _ plan: SweepPlan) throws -> Recording {
        let info = plan.recordings[shard.recording]
        let recording: Recording
        if let i = cache.firstIndex(where: { $0.path == info.path }) {
            let hit = cache.remove(at: i)
            recording = hit.recording
            cache.append(hit)
        } else {
            recording = RecordingInfoReader.withPseudoState(
                try RecordingReader.read(info.path, options: plan.job.readOptions))
            cache.append((info.path, recording))
            if cache.count > capacity { cache.removeFirst() }
        }
        guard shard.state != "*" else {
            throw BatchError.io(path: info.path, message: info.readError ?? "recording could not be planned")
        }
        return recording
    }

    public func compute(shard: Shard, plan: SweepPlan) throws -> [Member: MeasureSet] {
        try computeBlock(shard: shard, plan: plan).sets
    }

    public func computeBlock(shard: Shard, plan: SweepPlan) throws -> MemberBlockProducts {
        let recording = try recording(shard, plan)
        let info = plan.recordings[shard.recording]
        try recording.checkBalanceInput()  // no units, spikes, E or I: a failed shard with the reason (issue 18)
        return try StatePipeline.computeBlock(shard.block.members, recording: recording,
                                              recordingID: info.recordingID, state: shard.state,
                                              parameters: plan.job.parameters, threads: threads)
    }

    public func computeFamily(shard: Shard, plan: SweepPlan) throws -> FamilyShardOutput {
        guard let family = shard.family else { throw BatchError.io(path: "(plan)", message: "not a family shard") }
        let info = plan.recordings[shard.recording]
        var r = try recording(shard, plan)
        // Rows carry the plan's (possibly disambiguated) subject and session, like the balance tables.
        r.subject = info.subject
        r.session = info.session
        var fp = plan.job.familyParametersInEffect
        if family != .spatial, let chosen = fp.channels, fp.signalIndex < r.signals.count {
            let n = r.signals[fp.signalIndex].channelCount
            if let bad = chosen.first(where: { $0 >= n }) {
                throw BatchError.io(path: info.path, message: "family_parameters.channels: channel \(bad) does not exist "
                                    + "(series '\(r.signals[fp.signalIndex].name)' has \(n) channels, 0…\(n - 1))")
            }
        }
        switch shard.part ?? .whole {
        case let .pairs(rows, columns):
            let trains = (0..<r.units.count).map { Array(r.spikes[unit: $0]) }
            let epochs = r.epochs(of: shard.state).map { (start: $0.start, stop: $0.stop) }
            let moments = fp.spatialBinsMs.map { w in
                SpatialBlockMoments(binMilliseconds: w, SpatialCorrelation.blockMoments(
                    trains: trains, epochs: epochs, width: w / 1000, rows: rows, columns: columns))
            }
            return FamilyShardOutput(members: [], moments: moments, layout: SpatialLayout(recording: r, state: shard.state))
        case let .channels(c):
            fp.channels = c
        case .whole:
            break
        }
        return FamilyShardOutput(members: try FamilyAnalysis.run(family: family, recording: r,
                                                                 recordingID: info.recordingID, state: shard.state,
                                                                 members: shard.block.members, parameters: fp))
    }
}

/// The outcome of running one shard on some rank: the encoded result, or the failure message.
struct ShardOutcome: Sendable {
    var index: Int
    var ok: Bool
    /// Sealed (`ShardSeal`) encoded `ShardResult` or `FamilyShardResult` when ok, else UTF-8 failure message.
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
            if shard.family != nil {
                let bytes = try familyResult(shard, plan: plan, computer: computer, rank: rank, host: host, t0: t0)
                return ShardOutcome(index: shard.index, ok: true, payload: bytes, seconds: Date().timeIntervalSince(t0),
                                    rank: rank, host: host)
            }
            let block = try computer.computeBlock(shard: shard, plan: plan)
            let members = block.sets
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
            let bytes = ShardSeal.seal(try ShardResult(provenance: prov, members: kept, curves: block.curves,
                                                       series: block.series).encoded())
            return ShardOutcome(index: shard.index, ok: true, payload: bytes, seconds: seconds, rank: rank, host: host)
        } catch {
            return ShardOutcome(index: shard.index, ok: false, payload: Array("\(error)".utf8),
                                seconds: Date().timeIntervalSince(t0), rank: rank, host: host)
        }
    }

    /// Runs a family shard and encodes its `FamilyShardResult`; throws when a member or the moments are missing.
    static func familyResult(_ shard: Shard, plan: SweepPlan, computer: ShardComputer, rank: Int, host: String,
                             t0: Date) throws -> [UInt8] {
        let info = plan.recordings[shard.recording]
        let out = try computer.computeFamily(shard: shard, plan: plan)
        let part = shard.part ?? .whole
        var members: [FamilyMemberResult] = []
        if case .pairs = part {
            guard let m = out.moments, m.count == plan.job.familyParametersInEffect.spatialBinsMs.count, out.layout != nil else {
                throw BatchError.incompleteResult(shard: shard.label(in: plan), missing: "pair-block moments")
            }
        } else {
            let got = Dictionary(out.members.map { ($0.member, $0) }, uniquingKeysWith: { a, _ in a })
            let absent = shard.block.members.filter { got[$0] == nil }
            if !absent.isEmpty {
                throw BatchError.incompleteResult(shard: shard.label(in: plan),
                                                  missing: absent.map(\.description).joined(separator: ","))
            }
            members = shard.block.members.map { FamilyMemberResult(got[$0]!) }
        }
        let prov = ShardProvenance(key: shard.key, shard: shard.label(in: plan), inputPath: info.path,
                                   inputSHA256: info.contentHash, programVersion: plan.programVersion,
                                   rank: rank, host: host, seconds: Date().timeIntervalSince(t0))
        return ShardSeal.seal(try FamilyShardResult(provenance: prov, family: shard.family!, part: part,
                                                    members: members, moments: out.moments,
                                                    layout: out.layout).encoded())
    }
}
