#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Analysis
import Logging
import MPI

/// How a sweep runs.
public struct SweepOptions: Sendable {
    /// Run only this Slurm array group's shards (no cohort reduction afterwards).
    public var group: Int?
    /// Seconds between progress lines when stderr is not a terminal.
    public var progressInterval: Double
    /// Whether rank 0 also computes shards on a second thread; nil = automatic (yes up to 16 ranks).
    public var coordinatorComputes: Bool?
    /// Shards in flight per worker rank (1 = strict request/reply; 2 hides the round trip).
    public var prefetch: Int
    /// When raised (e.g. by SIGTERM before a Slurm time limit), no new shard starts; running ones finish.
    public var stop: StopRequest?

    public init(group: Int? = nil, progressInterval: Double = 30, coordinatorComputes: Bool? = nil, prefetch: Int = 2,
                stop: StopRequest? = nil) {
        self.group = group; self.progressInterval = progressInterval
        self.coordinatorComputes = coordinatorComputes; self.prefetch = prefetch; self.stop = stop
    }
}

/// What a sweep did (rank 0).
public struct SweepSummary: Codable, Sendable, Equatable {
    public struct Failure: Codable, Sendable, Equatable {
        public var shard: String
        public var key: String
        public var file: String
        public var message: String
    }
    /// Shards in the plan (or in the group).
    public var planned: Int
    /// Shards skipped because their result file already existed.
    public var alreadyDone: Int
    public var succeeded: Int
    public var failures: [Failure]
    public var ranks: Int
    public var wallSeconds: Double
    /// Sum over shards of their computation time (all ranks).
    public var computeSeconds: Double
    /// Time the coordinator's main thread spent receiving, checking and writing results and the ledger.
    public var coordinatorBusySeconds: Double
    /// Bytes of shard results moved to the coordinator (and written under `shards/`).
    public var resultBytes: Int
    /// Shards left pending because a stop was requested (nil when the sweep ran to the end).
    public var interrupted: Int?
}

/// MPI message tags of the coordinator protocol.
enum SweepTag {
    static let ready = 101     // worker → coordinator, empty
    static let assign = 102    // coordinator → worker, shard index (u64)
    static let result = 103    // worker → coordinator, encoded ShardOutcome
    static let stop = 104      // coordinator → worker, empty
}

/// Runs a plan over the MPI world: rank 0 coordinates a dynamic queue (largest shards first) and, when
/// `coordinatorComputes`, works on a second thread; other ranks ask for work and send results back as
/// byte messages. Rank 0 writes each result atomically to `shards/<key>.shard` and appends to the ledger.
public enum Sweep {
    /// Call on every rank with the same plan. Returns the summary on rank 0, nil elsewhere.
    public static func execute(plan: SweepPlan, folder: SweepFolder, world: Communicator, options: SweepOptions,
                               factory: @escaping ShardComputerFactory, logger: Logger) throws -> SweepSummary? {
        if world.rank != 0 {
            try workerLoop(plan: plan, world: world, factory: factory)
            return nil
        }
        return try Coordinator(plan: plan, folder: folder, world: world, options: options, factory: factory,
                               logger: logger).run()
    }

    /// Broadcasts rank 0's plan (or its planning error) to every rank. Throws on every rank if planning failed.
    public static func share(plan: Result<SweepPlan, Error>?, world: Communicator) throws -> SweepPlan {
        var bytes: [UInt8] = []
        if world.rank == 0, let p = plan {
            switch p {
            case let .success(s): bytes = [1] + [UInt8](try JSONEncoder().encode(s))
            case let .failure(e): bytes = [0] + Array("\(e)".utf8)
            }
        }
        if world.size > 1 { bytes = try world.broadcast(bytes: bytes, root: 0) }
        if world.rank == 0, case let .failure(e)? = plan { throw e }
        guard bytes.first == 1 else { throw BatchError.io(path: "(rank 0)", message: "planning failed: "
                                                         + String(decoding: bytes.dropFirst(), as: UTF8.self)) }
        return try JSONDecoder().decode(SweepPlan.self, from: Data(bytes.dropFirst()))
    }

    static func workerLoop(plan: SweepPlan, world: Communicator, factory: ShardComputerFactory) throws {
        let computer = factory()
        let host = BuildInfo.hostNameShort
        try world.send([], to: 0, tag: SweepTag.ready)
        while true {
            let (bytes, info) = try world.receive(from: 0, tag: nil)
            if info.tag == SweepTag.stop { return }
            guard info.tag == SweepTag.assign else { continue }
            var r = ByteReader(bytes: bytes, source: "assignment")
            let index = Int(try r.u64())
            let outcome = ShardOutcome.run(plan.shards[index], plan: plan, computer: computer, rank: world.rank,
                                           host: host)
            try world.send(outcome.encoded(), to: 0, tag: SweepTag.result)
        }
    }
}

extension BuildInfo {
    static var hostNameShort: String {
        var buf = [CChar](repeating: 0, count: 256)
        gethostname(&buf, 255)
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Shared between the coordinator's main thread and its compute thread.
final class WorkBoard: @unchecked Sendable {
    private let lock = NSLock()
    private var pending: [Int]          // shard indices, largest last (popped first)
    private var outbox: [ShardOutcome] = []
    private var localRunning = false

    init(pending: [Int]) { self.pending = pending }

    func pop() -> Int? { lock.lock(); defer { lock.unlock() }; return pending.popLast() }
    /// Empties the queue; returns how many shards were still waiting.
    func cancelPending() -> Int { lock.lock(); defer { pending = []; lock.unlock() }; return pending.count }
    var isEmpty: Bool { lock.lock(); defer { lock.unlock() }; return pending.isEmpty }
    func post(_ o: ShardOutcome) { lock.lock(); outbox.append(o); lock.unlock() }
    func drain() -> [ShardOutcome] { lock.lock(); defer { outbox = []; lock.unlock() }; return outbox }
    func setLocalRunning(_ v: Bool) { lock.lock(); localRunning = v; lock.unlock() }
    var isLocalRunning: Bool { lock.lock(); defer { lock.unlock() }; return localRunning }
}

final class Coordinator {
    let plan: SweepPlan
    let folder: SweepFolder
    let world: Communicator
    let options: SweepOptions
    let factory: ShardComputerFactory
    let log: Logger
    let host = BuildInfo.hostNameShort

    init(plan: SweepPlan, folder: SweepFolder, world: Communicator, options: SweepOptions,
         factory: @escaping ShardComputerFactory, logger: Logger) {
        self.plan = plan; self.folder = folder; self.world = world; self.options = options
        self.factory = factory; self.log = logger
    }

    func run() throws -> SweepSummary {
        let t0 = Date()
        try folder.create()
        if options.group == nil { AtomicFile.removeStaleTemporaries(in: folder.shardsDirectory, olderThan: 600) }
        let ledger = try Ledger(path: folder.ledgerPath(group: options.group))
        var scope = plan.shards
        if let g = options.group {
            guard g >= 0 && g < plan.groupCount else { throw BatchError.noSuchGroup(g, groups: plan.groupCount) }
            scope = plan.shards(inGroup: g)
        }
        let finished = folder.finishedKeys()
        let todo = scope.filter { !finished.contains($0.key) }
        // Largest first: the board pops from the end, so sort ascending by cost (ties by index, descending).
        let order = todo.sorted { $0.cost != $1.cost ? $0.cost < $1.cost : $0.index > $1.index }.map(\.index)
        let board = WorkBoard(pending: order)
        try ledger.append(LedgerEntry(event: "sweep_start", message: "\(todo.count) of \(scope.count) shards to run"
                                      + (options.group.map { ", group \($0)" } ?? "") + " on \(world.size) rank(s)",
                                      rank: 0, host: host))
        log.info("sweep: \(scope.count) shards, \(scope.count - todo.count) already done, \(todo.count) to run on \(world.size) rank(s)")

        let progress = ProgressReporter(total: todo.count, totalCost: todo.reduce(0) { $0 + $1.cost },
                                        interval: options.progressInterval)
        var summary = SweepSummary(planned: scope.count, alreadyDone: scope.count - todo.count, succeeded: 0,
                                   failures: [], ranks: world.size, wallSeconds: 0, computeSeconds: 0,
                                   coordinatorBusySeconds: 0, resultBytes: 0)

        let computes = options.coordinatorComputes ?? (world.size <= 16)
        if computes || world.size == 1 {
            board.setLocalRunning(true)
            let plan = self.plan, factory = self.factory, host = self.host
            let thread = Thread {
                let computer = factory()
                while let i = board.pop() {
                    board.post(ShardOutcome.run(plan.shards[i], plan: plan, computer: computer, rank: 0, host: host))
                }
                board.setLocalRunning(false)
            }
            thread.stackSize = 64 << 20
            thread.start()
        }

        var handled = 0
        var inflight = [Int](repeating: 0, count: world.size)
        var ready = [Bool](repeating: false, count: world.size)
        var stopped = [Bool](repeating: false, count: world.size)
        stopped[0] = true
        var busy = 0.0

        func handle(_ o: ShardOutcome) throws {
            let shard = plan.shards[o.index]
            let info = plan.recordings[shard.recording]
            let label = shard.label(in: plan)
            summary.computeSeconds += o.seconds
            if o.ok {
                do {
                    _ = try ShardFile.provenance(of: o.payload, source: label)
                    // Never replaces a finished result: another run (a node with a stale view of the folder)
                    // may have written this shard since the plan was made; its file stays, this copy is dropped.
                    guard try AtomicFile.publish(o.payload, to: folder.shardPath(key: shard.key)) else {
                        try ledger.append(LedgerEntry(event: "already_done", key: shard.key, shard: label,
                                                      file: info.path, message: "another run finished this shard "
                                                      + "first; its result file was kept, this copy discarded",
                                                      rank: o.rank, host: o.host, seconds: o.seconds))
                        summary.alreadyDone += 1
                        progress.record(ok: true, cost: shard.cost)
                        return
                    }
                    try ledger.append(LedgerEntry(event: "done", key: shard.key, shard: label, file: info.path,
                                                  rank: o.rank, host: o.host, seconds: o.seconds,
                                                  bytes: o.payload.count))
                    summary.succeeded += 1
                    summary.resultBytes += o.payload.count
                    progress.record(ok: true, cost: shard.cost)
                    return
                } catch let e as BatchError {
                    if case .io = e { throw e }      // our own disk is failing: stop, don't mislabel shards
                    try fail(shard, label: label, file: info.path, message: "\(e)", o: o)
                }
            } else {
                try fail(shard, label: label, file: info.path, message: String(decoding: o.payload, as: UTF8.self), o: o)
            }
        }
        func fail(_ shard: Shard, label: String, file: String, message: String, o: ShardOutcome) throws {
            try ledger.append(LedgerEntry(event: "failed", key: shard.key, shard: label, file: file, message: message,
                                          rank: o.rank, host: o.host, seconds: o.seconds))
            summary.failures.append(.init(shard: label, key: shard.key, file: file, message: message))
            log.warning("shard failed: \(label): \(message)")
            progress.record(ok: false, cost: shard.cost)
        }
        func topUp(_ w: Int) throws {
            while inflight[w] < max(1, options.prefetch), let i = board.pop() {
                var wr = ByteWriter(); wr.u64(UInt64(i))
                try world.send(wr.out, to: w, tag: SweepTag.assign)
                inflight[w] += 1
            }
            if inflight[w] == 0 && ready[w] && !stopped[w] && board.isEmpty {
                try world.send([], to: w, tag: SweepTag.stop)
                stopped[w] = true
            }
        }

        var idleSleep: UInt32 = 50
        var target = todo.count
        while handled < target || stopped.contains(false) {
            var progressed = false
            if summary.interrupted == nil, let stop = options.stop, let sig = stop.signal {
                let cancelled = board.cancelPending()
                summary.interrupted = cancelled
                target -= cancelled
                log.warning("signal \(sig): stopping; running shards finish, \(cancelled) not started stay pending")
                try ledger.append(LedgerEntry(event: "interrupted", message: "signal \(sig): \(cancelled) shards left pending",
                                              rank: 0, host: host))
            }
            if world.size > 1 {
                while let m = try world.poll() {
                    let b0 = Date()
                    let (bytes, info) = try world.receive(from: m.source, tag: m.tag)
                    if info.tag == SweepTag.ready { ready[info.source] = true }
                    else if info.tag == SweepTag.result {
                        inflight[info.source] -= 1
                        try handle(try ShardOutcome(decoding: bytes))
                        handled += 1
                    }
                    try topUp(info.source)
                    busy += Date().timeIntervalSince(b0)
                    progressed = true
                }
                // Workers idle because the queue ran dry get their stop.
                for w in 1..<world.size where !stopped[w] && ready[w] && inflight[w] == 0 { try topUp(w) }
            }
            let outs = board.drain()
            if !outs.isEmpty {
                let b0 = Date()
                for o in outs { try handle(o); handled += 1 }
                busy += Date().timeIntervalSince(b0)
                progressed = true
            }
            if handled >= target && world.size == 1 { break }
            progress.tick()
            if progressed { idleSleep = 50 } else {
                usleep(idleSleep)
                idleSleep = min(idleSleep * 2, 2000)
            }
        }
        while board.isLocalRunning { usleep(1000) }
        AtomicFile.syncDirectory(folder.shardsDirectory)
        if todo.count > 0 { progress.tick(force: true) }
        summary.wallSeconds = Date().timeIntervalSince(t0)
        summary.coordinatorBusySeconds = busy
        try ledger.append(LedgerEntry(event: "sweep_end", message: "\(summary.succeeded) done, \(summary.failures.count) failed",
                                      rank: 0, host: host, seconds: summary.wallSeconds))
        return summary
    }
}
