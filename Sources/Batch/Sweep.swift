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
    /// When raised (e.g. by SIGTERM before a Slurm time limit), no new shard starts; running ones finish
    /// within `stopGrace`.
    public var stop: StopRequest?
    /// Seconds after a SIGTERM or SIGINT stop request that running shards may still take to finish; those
    /// still running then are abandoned (recorded as `interrupted`, rerun on resume) and every rank ends.
    /// nil = automatic: 0.5 s under `mpirun` (Open MPI SIGKILLs the ranks 1 s after forwarding SIGTERM),
    /// 20 s otherwise (Slurm's default KillWait is 30 s). A SIGUSR1 stop (which `mpirun` forwards without
    /// killing) always lets running shards finish.
    public var stopGrace: Double?

    public init(group: Int? = nil, progressInterval: Double = 30, coordinatorComputes: Bool? = nil, prefetch: Int = 2,
                stop: StopRequest? = nil, stopGrace: Double? = nil) {
        self.group = group; self.progressInterval = progressInterval
        self.coordinatorComputes = coordinatorComputes; self.prefetch = prefetch; self.stop = stop
        self.stopGrace = stopGrace
    }

    /// The grace in effect for a stop by `signal` (see `stopGrace`).
    public func grace(for signal: Int32) -> Double {
        if signal == SIGUSR1 { return .infinity }
        if let g = stopGrace { return g }
        return ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_SIZE"] != nil
            && ProcessInfo.processInfo.environment["SLURM_STEP_ID"] == nil ? 0.5 : 20
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
    /// Shards left pending because a stop was requested (nil when the sweep ran to the end), including
    /// `abandoned`.
    public var interrupted: Int?
    /// Shards that were running when the stop grace ran out (recorded `interrupted` in the ledger).
    public var abandoned: Int?
    /// Shard files found damaged at the start (checksum, truncation) and moved to `OUT/damaged/`; they ran again.
    public var damaged: [String]?
    /// The signal that stopped the sweep.
    public var signal: Int?
    /// Wall seconds rank 0's result writer spent publishing shard files and appending their ledger lines (fsyncs
    /// included), on its own thread, overlapping the computation (#15).
    public var writerSeconds: Double?
    /// CPU seconds of that writer thread.
    public var writerCPUSeconds: Double?
    /// Worker ranks that died during the run (their in-flight shards are recorded `crashed`); MPI cannot finalise
    /// with a dead rank, so the run ends every rank with MPI_Abort after the summary.
    public var crashedRanks: [Int]?
}

/// MPI message tags of the coordinator protocol.
enum SweepTag {
    static let ready = 101     // worker → coordinator, empty
    static let assign = 102    // coordinator → worker, shard index (u64)
    static let result = 103    // worker → coordinator, encoded ShardOutcome
    static let stop = 104      // coordinator → worker, empty
    static let drop = 105      // coordinator → worker, empty: start none of the shards already assigned
    static let declined = 106  // worker → coordinator: shard index (u64), signal (i32; 0 = none) — not started
}

/// A test hook: `SYMEDGE_INJECT_FATAL=R:K` makes rank R fail fatally (as on a disk error) after it has
/// handled K shards. Used by the integration tests of "a fatal error on any rank ends every rank".
struct InjectedFault {
    let rank: Int
    let after: Int
    static func fromEnvironment() -> InjectedFault? {
        guard let v = ProcessInfo.processInfo.environment["SYMEDGE_INJECT_FATAL"] else { return nil }
        let parts = v.split(separator: ":").compactMap { Int($0) }
        return parts.count == 2 ? InjectedFault(rank: parts[0], after: parts[1]) : nil
    }
    func check(rank r: Int, handled: Int) throws {
        if r == rank && handled >= after {
            throw BatchError.io(path: "(injected fault)", message: "SYMEDGE_INJECT_FATAL: rank \(r) fails after \(handled) shard(s)")
        }
    }
}

/// Runs a plan over the MPI world: rank 0 coordinates a dynamic queue (largest shards first) and, when
/// `coordinatorComputes`, works on a second thread; other ranks ask for work and send results back as
/// byte messages. Rank 0 writes each result atomically to `shards/<key>.shard` and appends to the ledger.
public enum Sweep {
    /// Call on every rank with the same plan. Returns the summary on rank 0, nil elsewhere.
    public static func execute(plan: SweepPlan, folder: SweepFolder, world: Communicator, options: SweepOptions,
                               factory: @escaping ShardComputerFactory, logger: Logger) throws -> SweepSummary? {
        if world.rank != 0 {
            try workerLoop(plan: plan, folder: folder, world: world, factory: factory, stop: options.stop)
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

    /// A worker: announces itself (pid, host), then computes what it is assigned until told to stop. After a
    /// stop request of its own (a signal) or a `drop` from the coordinator it starts no further shard and
    /// declines the ones already assigned.
    static func workerLoop(plan: SweepPlan, folder: SweepFolder, world: Communicator, factory: ShardComputerFactory,
                           stop: StopRequest?) throws {
        let computer = factory()
        let host = BuildInfo.hostNameShort
        var hello = ByteWriter()
        hello.u32(UInt32(bitPattern: getpid()))
        let h = Array(host.utf8); hello.u32(UInt32(h.count)); hello.bytes(h)
        try world.send(hello.out, to: 0, tag: SweepTag.ready)
        let fault = InjectedFault.fromEnvironment()
        var dropping = false
        var computed = 0
        var markers: [InflightMarker] = []
        while true {
            let (bytes, info) = try world.receive(from: 0, tag: nil)
            if info.tag == SweepTag.stop { return }
            if info.tag == SweepTag.drop { dropping = true; continue }
            guard info.tag == SweepTag.assign else { continue }
            var r = ByteReader(bytes: bytes, source: "assignment")
            let index = Int(try r.u64())
            if !dropping, try world.poll(source: 0, tag: SweepTag.drop) != nil { dropping = true }
            let signal = stop?.signal
            if dropping || signal != nil {
                var w = ByteWriter(); w.u64(UInt64(index)); w.i32(signal ?? 0)
                try world.send(w.out, to: 0, tag: SweepTag.declined)
                continue
            }
            try fault?.check(rank: world.rank, handled: computed)
            computed += 1
            // In flight: a marker this process holds locked until the coordinator has recorded the shard (#17).
            markers.removeAll { access($0.path, F_OK) != 0 }
            if let m = InflightMarkers.begin(plan.shards[index], plan: plan, folder: folder, rank: world.rank,
                                             host: host) { markers.append(m) }
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
    private var localCurrent: Int?

    init(pending: [Int]) { self.pending = pending }

    func pop() -> Int? { lock.lock(); defer { lock.unlock() }; return pending.popLast() }
    /// Pops for the coordinator's compute thread and remembers the shard it is working on.
    /// Puts shards back at the head of the queue (a lost worker's assignments it never started).
    func pushBack(_ indices: [Int]) { lock.lock(); pending.append(contentsOf: indices.reversed()); lock.unlock() }
    func popLocal() -> Int? {
        lock.lock(); defer { lock.unlock() }
        localCurrent = pending.popLast()
        return localCurrent
    }
    /// The shard the coordinator's compute thread is working on, if any.
    var currentLocal: Int? { lock.lock(); defer { lock.unlock() }; return localCurrent }
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
        // Every result file in scope is checked (length and SHA-256, decoding, key); a damaged one is moved to
        // OUT/damaged/ and its shard runs again.
        let damaged = folder.quarantineDamaged(keys: scope.map(\.key))
        for d in damaged {
            let label = scope.first { $0.key == d.key }.map { $0.label(in: plan) } ?? d.key
            log.warning("damaged shard file \(d.path): \(d.reason); moved to \(d.movedTo ?? "(nowhere)"), it runs again")
            try ledger.append(LedgerEntry(event: "damaged", key: d.key, shard: label, file: d.movedTo ?? d.path,
                                          message: d.reason, rank: 0, host: host))
        }
        let finished = folder.finishedKeys()
        try recordOrphanedMarkers(scope: scope, finished: finished, ledger: ledger)
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
        if !damaged.isEmpty { summary.damaged = damaged.map { "\($0.path): \($0.reason)" } }

        let computes = options.coordinatorComputes ?? (world.size <= 16)
        if computes || world.size == 1 {
            board.setLocalRunning(true)
            let plan = self.plan, factory = self.factory, host = self.host, folder = self.folder
            let thread = Thread {
                let computer = factory()
                var markers: [InflightMarker] = []
                while let i = board.popLocal() {
                    markers.removeAll { access($0.path, F_OK) != 0 }
                    if let m = InflightMarkers.begin(plan.shards[i], plan: plan, folder: folder, rank: 0,
                                                     host: host) { markers.append(m) }
                    board.post(ShardOutcome.run(plan.shards[i], plan: plan, computer: computer, rank: 0, host: host))
                }
                board.setLocalRunning(false)
            }
            thread.stackSize = 64 << 20
            thread.start()
        }

        var handled = 0
        var inflight = [Int](repeating: 0, count: world.size)
        var assigned = [[Int]](repeating: [], count: world.size)    // shard indices sent to each worker, in order
        var ready = [Bool](repeating: false, count: world.size)
        var stopped = [Bool](repeating: false, count: world.size)
        var pids = [Int32](repeating: 0, count: world.size)
        var hosts = [String](repeating: "", count: world.size)
        stopped[0] = true
        var busy = 0.0
        let fault = InjectedFault.fromEnvironment()

        // Shard files and their `done` lines are written on a thread of their own (#15): the MPI thread checks a
        // result (envelope and checksum, no decoding), counts it and queues the write.
        let writer = ResultWriter()
        defer { try? writer.drain(); writer.finish() }      // on a fatal error too: what was counted gets written
        func handle(_ o: ShardOutcome, pid: Int32) throws {
            try fault?.check(rank: 0, handled: handled)
            let shard = plan.shards[o.index]
            let info = plan.recordings[shard.recording]
            let label = shard.label(in: plan)
            summary.computeSeconds += o.seconds
            if o.ok {
                do {
                    try ShardFile.check(o.payload, source: label)
                    let path = folder.shardPath(key: shard.key)
                    if access(path, F_OK) != 0 {
                        summary.succeeded += 1
                        summary.resultBytes += o.payload.count
                        progress.record(ok: true, cost: shard.cost)
                        let (folder, ledger) = (self.folder, ledger)
                        writer.submit {
                            // Never replaces a finished result (another run may have written it meanwhile).
                            let published = try AtomicFile.publish(o.payload, to: path)
                            try ledger.append(published
                                ? LedgerEntry(event: "done", key: shard.key, shard: label, file: info.path,
                                              rank: o.rank, host: o.host, seconds: o.seconds,
                                              bytes: o.payload.count, sha256: ShardSeal.fileDigest(o.payload))
                                : LedgerEntry(event: "already_done", key: shard.key, shard: label, file: info.path,
                                              message: "another run finished this shard first; its result file "
                                              + "was kept, this copy discarded", rank: o.rank, host: o.host,
                                              seconds: o.seconds))
                            InflightMarkers.remove(folder, key: shard.key, host: o.host, pid: pid)
                        }
                        return
                    }
                    defer { forget(o, pid: pid) }
                    // Never replaces a finished result: another run (a node with a stale view of the folder)
                    // may have written this shard since the plan was made; its file stays, this copy is dropped.
                    guard try AtomicFile.publish(o.payload, to: path) else {
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
                                                  bytes: o.payload.count, sha256: ShardSeal.fileDigest(o.payload)))
                    summary.succeeded += 1
                    summary.resultBytes += o.payload.count
                    progress.record(ok: true, cost: shard.cost)
                    return
                } catch let e as BatchError {
                    if case .io = e { throw e }      // our own disk is failing: stop, don't mislabel shards
                    try fail(shard, label: label, file: info.path, message: "\(e)", o: o)
                    forget(o, pid: pid)
                }
            } else {
                try fail(shard, label: label, file: info.path, message: String(decoding: o.payload, as: UTF8.self), o: o)
                forget(o, pid: pid)
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
                assigned[w].append(i)
            }
            if inflight[w] == 0 && ready[w] && !stopped[w] && board.isEmpty {
                try world.send([], to: w, tag: SweepTag.stop)
                stopped[w] = true
            }
        }
        func forget(_ o: ShardOutcome, pid: Int32) {
            InflightMarkers.remove(folder, key: plan.shards[o.index].key, host: o.host, pid: pid)
        }
        func settle(_ w: Int, _ index: Int) {
            inflight[w] -= 1
            if let k = assigned[w].firstIndex(of: index) { assigned[w].remove(at: k) }
        }

        var idleSleep: UInt32 = 50
        var target = todo.count
        var stopSignal: Int32?
        var stopDeadline = Date.distantFuture
        var lostRanks: [Int] = []
        var lastLostCheck = Date()
        // A worker whose in-flight marker is no longer locked has died (#17): its shard is recorded `crashed` with
        // host and signal, the shards it had not started go back to the queue, and it gets no more work.
        func checkLost() throws {
            lastLostCheck = Date()
            for w in 1..<max(world.size, 1) where !stopped[w] && !assigned[w].isEmpty && pids[w] > 0 {
                let paths = assigned[w].map { ($0, InflightMarkers.path(folder, key: plan.shards[$0].key,
                                                                        host: hosts[w], pid: pids[w])) }
                guard let (i, p) = paths.first(where: { InflightMarkers.isOrphan($0.1) }) else { continue }
                try recordCrash(index: i, rank: w, pid: pids[w], host: hosts[w],
                                record: InflightMarkers.settledRecord(p), note: "", ledger: ledger, summary: &summary)
                unlink(p)
                progress.record(ok: false, cost: plan.shards[i].cost)
                handled += 1
                let rest = assigned[w].filter { $0 != i }
                assigned[w] = []; inflight[w] = 0; stopped[w] = true
                lostRanks.append(w)
                if stopSignal == nil && !rest.isEmpty {
                    board.pushBack(rest)
                    let alive = (1..<world.size).contains { !stopped[$0] }
                    if !alive && !board.isLocalRunning { target -= board.cancelPending() }
                } else {
                    target -= rest.count
                    if !rest.isEmpty { summary.interrupted = (summary.interrupted ?? 0) + rest.count }
                }
            }
        }
        func beginStop(_ sig: Int32) throws {
            if world.size > 1 { try checkLost() }     // a launcher stops the job because a rank died
            stopSignal = sig
            summary.signal = Int(sig)
            let cancelled = board.cancelPending()
            summary.interrupted = cancelled
            target -= cancelled
            let grace = options.grace(for: sig)
            stopDeadline = grace.isFinite ? Date().addingTimeInterval(grace) : .distantFuture
            let graceText = grace.isFinite ? String(format: "within %.1f s", grace) : "however long they take"
            log.warning("signal \(sig): stopping; running shards may finish \(graceText), \(cancelled) not started stay pending")
            try ledger.append(LedgerEntry(event: "interrupted", message: "signal \(sig): \(cancelled) shards left pending",
                                          rank: 0, host: host, signal: Int(sig)))
            // Shards already assigned but not yet started are declined by the workers.
            for w in 1..<max(world.size, 1) where !stopped[w] { try world.send([], to: w, tag: SweepTag.drop) }
        }
        var abandoned = false
        while handled < target || stopped.contains(false) {
            var progressed = false
            try writer.check()      // a failed write (full or read-only disk) stops the sweep
            if stopSignal == nil, let stop = options.stop, let sig = stop.signal { try beginStop(sig) }
            if world.size > 1 {
                while let m = try world.poll() {
                    let b0 = Date()
                    let bytes: [UInt8], info: MessageInfo
                    do { (bytes, info) = try world.receive(from: m.source, tag: m.tag) } catch {
                        // The sender died mid-message (e.g. killed): its shards in flight are recorded, then
                        // the error ends every rank.
                        try recordLost(rank: m.source, pid: pids[m.source], host: hosts[m.source],
                                       shards: assigned[m.source], error: "\(error)", ledger: ledger,
                                       summary: &summary)
                        throw error
                    }
                    if info.tag == SweepTag.ready {
                        ready[info.source] = true
                        var r = ByteReader(bytes: bytes, source: "ready message")
                        if let pid = try? r.u32(), let n = try? r.u32(), let h = try? r.take(Int(n)) {
                            pids[info.source] = Int32(bitPattern: pid)
                            hosts[info.source] = String(decoding: h, as: UTF8.self)
                        }
                    } else if info.tag == SweepTag.result {
                        let o = try ShardOutcome(decoding: bytes)
                        settle(info.source, o.index)
                        try handle(o, pid: pids[info.source])
                        handled += 1
                    } else if info.tag == SweepTag.declined {
                        var r = ByteReader(bytes: bytes, source: "declined message")
                        let index = Int(try r.u64()), sig = try r.i32()
                        settle(info.source, index)
                        target -= 1
                        summary.interrupted = (summary.interrupted ?? 0) + 1
                        if stopSignal == nil {      // that worker was signalled itself: the whole sweep stops
                            try beginStop(sig != 0 ? sig : SIGTERM)
                        }
                    }
                    try topUp(info.source)
                    busy += Date().timeIntervalSince(b0)
                    progressed = true
                }
                if Date().timeIntervalSince(lastLostCheck) >= 2 { try checkLost() }
                // Workers idle because the queue ran dry get their stop.
                for w in 1..<world.size where !stopped[w] && ready[w] && inflight[w] == 0 { try topUp(w) }
            }
            let outs = board.drain()
            if !outs.isEmpty {
                let b0 = Date()
                for o in outs { try handle(o, pid: getpid()); handled += 1 }
                busy += Date().timeIntervalSince(b0)
                progressed = true
            }
            if handled >= target && world.size == 1 { break }
            if let sig = stopSignal, Date() >= stopDeadline {
                try abandonRunning(signal: sig, assigned: assigned, pids: pids, hosts: hosts, board: board,
                                   ledger: ledger, summary: &summary)
                abandoned = true
                break
            }
            progress.tick()
            if progressed { idleSleep = 50 } else {
                usleep(idleSleep)
                idleSleep = min(idleSleep * 2, 2000)
            }
        }
        if !abandoned { while board.isLocalRunning { usleep(1000) } }
        try writer.drain()      // every result counted as done has its file and ledger line
        if !lostRanks.isEmpty { summary.crashedRanks = lostRanks }
        AtomicFile.syncDirectory(folder.shardsDirectory)
        if todo.count > 0 { progress.tick(force: true) }
        summary.wallSeconds = Date().timeIntervalSince(t0)
        summary.coordinatorBusySeconds = busy
        summary.writerSeconds = writer.busySeconds
        summary.writerCPUSeconds = writer.cpuSeconds
        try ledger.append(LedgerEntry(event: "sweep_end", message: "\(summary.succeeded) done, \(summary.failures.count) failed"
                                      + (summary.abandoned.map { ", \($0) abandoned at the stop" } ?? ""),
                                      rank: 0, host: host, seconds: summary.wallSeconds))
        return summary
    }

    /// Records shard `i` as `crashed`: the process of rank `w` died while computing it; `record` (its in-flight
    /// marker, completed by the rank guard) gives the signal.
    func recordCrash(index i: Int, rank w: Int, pid: Int32, host h: String, record: InflightRecord?, note: String,
                     ledger: Ledger, summary: inout SweepSummary) throws {
        let shard = plan.shards[i]
        let label = shard.label(in: plan)
        let file = plan.recordings[shard.recording].path
        let how = record?.endText ?? "killed by a signal or crashed; the launcher's log names the signal"
        let m = "rank \(w) (pid \(pid) on host \(h.isEmpty ? "?" : h)) died while this shard was in flight (\(how))\(note)"
        try ledger.append(LedgerEntry(event: "crashed", key: shard.key, shard: label, file: file, message: m,
                                      rank: w, host: h, signal: record?.signal))
        summary.failures.append(.init(shard: label, key: shard.key, file: file, message: m))
        log.error("\(label): \(m)")
    }

    /// At the start of a run: in-flight markers of `scope` left by processes that are gone (an earlier run whose
    /// rank — or whose every rank, rank 0 included — was killed) are recorded in the ledger before the shards run
    /// again: `crashed` with host, pid and signal when the process died by a signal or without a trace,
    /// `interrupted` when it exited (the launcher ended it after another rank failed). Markers of finished
    /// shards are just removed.
    func recordOrphanedMarkers(scope: [Shard], finished: Set<String>, ledger: Ledger) throws {
        let byKey = Dictionary(scope.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        for (p, r) in InflightMarkers.orphans(in: folder, keys: Set(byKey.keys)) {
            defer { unlink(p) }
            guard let shard = byKey[r.key], !finished.contains(r.key) else { continue }
            let label = shard.label(in: plan)
            let file = plan.recordings[shard.recording].path
            let run = "an earlier run (started \(r.started)" + (r.slurmJob.map { ", Slurm job \($0)" } ?? "") + ")"
            if r.signal == nil, let c = r.exitStatus {
                try ledger.append(LedgerEntry(event: "interrupted", key: r.key, shard: label, file: file,
                                              message: "in flight on rank \(r.rank) (pid \(r.pid) on host \(r.host)) "
                                              + "when its process exited with status \(c) in \(run); it runs again now",
                                              rank: r.rank, host: r.host))
                log.warning("\(label): in flight on rank \(r.rank) (host \(r.host)) when \(run) ended; it runs again")
            } else {
                let m = "rank \(r.rank) (pid \(r.pid) on host \(r.host)) died while this shard was in flight in \(run) "
                    + "(\(r.endText)); found by the next run, which runs it again"
                try ledger.append(LedgerEntry(event: "crashed", key: r.key, shard: label, file: file, message: m,
                                              rank: r.rank, host: r.host, signal: r.signal))
                log.warning("\(label): \(m)")
            }
        }
    }

    /// A worker whose message could not be received (it died while sending): its assigned shards are recorded
    /// `crashed`, with its rank, host and pid.
    func recordLost(rank w: Int, pid: Int32, host h: String, shards: [Int], error: String, ledger: Ledger,
                    summary: inout SweepSummary) throws {
        for i in shards {
            let shard = plan.shards[i]
            let label = shard.label(in: plan)
            let file = plan.recordings[shard.recording].path
            let marker = InflightMarkers.path(folder, key: shard.key, host: h, pid: pid)
            let record = InflightMarkers.isOrphan(marker) ? InflightMarkers.settledRecord(marker) : nil
            unlink(marker)
            let m = "rank \(w) (pid \(pid) on host \(h.isEmpty ? "?" : h)) died while this shard was in flight "
                + "(\(record?.endText ?? "killed by a signal or crashed; the launcher's log names the signal")): \(error)"
            try ledger.append(LedgerEntry(event: "crashed", key: shard.key, shard: label, file: file, message: m,
                                          rank: w, host: h, signal: record?.signal))
            summary.failures.append(.init(shard: label, key: shard.key, file: file, message: m))
            log.error("\(label): \(m)")
        }
    }

    /// The stop grace ran out: every shard still assigned (on a worker or on the coordinator's compute thread)
    /// is recorded in the ledger — `crashed` (a failure) when its worker's process is gone (same host only:
    /// a rank that died, after which the launcher stopped the job), `interrupted` otherwise — with rank, host and
    /// signal. They run again on resume.
    func abandonRunning(signal sig: Int32, assigned: [[Int]], pids: [Int32], hosts: [String], board: WorkBoard,
                        ledger: Ledger, summary: inout SweepSummary) throws {
        var list: [(index: Int, rank: Int)] = []
        if let i = board.currentLocal, board.isLocalRunning { list.append((i, 0)) }
        for w in assigned.indices where w > 0 { for i in assigned[w] { list.append((i, w)) } }
        for (i, w) in list {
            let shard = plan.shards[i]
            let label = shard.label(in: plan)
            let file = plan.recordings[shard.recording].path
            let h = w == 0 ? host : (hosts[w].isEmpty ? "?" : hosts[w])
            let marker = InflightMarkers.path(folder, key: shard.key, host: w == 0 ? host : hosts[w],
                                              pid: w == 0 ? getpid() : pids[w])
            // Its marker is no longer locked (any host), or its pid is gone (this host): the rank died.
            let orphan = w > 0 && InflightMarkers.isOrphan(marker)
            let gone = orphan || (w > 0 && hosts[w] == host && pids[w] > 0 && kill(pids[w], 0) != 0 && errno == ESRCH)
            defer { unlink(marker) }    // recorded here: a resume must not record it again
            if gone {
                try recordCrash(index: i, rank: w, pid: pids[w], host: h,
                                record: orphan ? InflightMarkers.settledRecord(marker, wait: 0.3) : nil,
                                note: "; the launcher then stopped the sweep with signal \(sig)", ledger: ledger,
                                summary: &summary)
            } else {
                try ledger.append(LedgerEntry(event: "interrupted", key: shard.key, shard: label, file: file,
                                              message: "in flight on rank \(w) (host \(h)) when the stop grace ran out "
                                              + "after signal \(sig); it runs again on resume",
                                              rank: w, host: h, signal: Int(sig)))
            }
        }
        summary.abandoned = list.count
        summary.interrupted = (summary.interrupted ?? 0) + list.count
        log.warning("signal \(sig): stop grace over; \(list.count) shard(s) still in flight abandoned (they run again on resume)")
    }
}
