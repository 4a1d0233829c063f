#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The coordinator's disk work, on a thread of its own (#15 item 4): each finished shard's file is published
/// (`AtomicFile.publish`: hidden temporary, `fsync`, `rename`) and its `done` ledger line appended (with the
/// file's SHA-256) in the order the results arrived, while the MPI thread goes on receiving and handing out work.
/// The fsyncs (a few ms each) then overlap with the computation instead of holding up the queue.
///
/// A result counts as done only once its file exists: `drain()` waits for every queued write, and the sweep
/// calls it before it reports, syncs the shard folder or stops. The first error of a job (the disk is full or
/// read-only) is kept and thrown by the next `check()`/`drain()`; later jobs are skipped.
final class ResultWriter: @unchecked Sendable {
    private let cond = NSCondition()
    private var queue: [() throws -> Void] = []
    private var running = false
    private var stopping = false
    private var failure: Error?
    private var thread: Thread?
    /// Wall seconds the writer spent on jobs (not waiting for them).
    private(set) var busySeconds = 0.0
    /// CPU seconds of the writer thread (its own clock), measured at `drain()`.
    private(set) var cpuSeconds = 0.0
    private(set) var jobs = 0

    init() {
        let t = Thread { [unowned self] in self.loop() }
        t.name = "symedge-result-writer"
        thread = t
        t.start()
    }

    /// Queues `job` (run on the writer thread, in order).
    func submit(_ job: @escaping () throws -> Void) {
        cond.lock()
        queue.append(job)
        cond.signal()
        cond.unlock()
    }

    /// Throws the first error a job raised, if any.
    func check() throws {
        cond.lock(); defer { cond.unlock() }
        if let f = failure { throw f }
    }

    /// Waits until every queued job has run; throws the first error of any job.
    func drain() throws {
        cond.lock()
        while !queue.isEmpty || running { cond.wait() }
        let f = failure
        cond.unlock()
        if let f { throw f }
    }

    /// Ends the thread after the queued jobs (call once, after `drain()`).
    func finish() {
        cond.lock()
        stopping = true
        cond.broadcast()
        cond.unlock()
    }

    deinit { finish() }

    private func loop() {
        while true {
            cond.lock()
            while queue.isEmpty && !stopping { cond.wait() }
            if queue.isEmpty && stopping { cond.unlock(); return }
            let job = queue.removeFirst()
            running = true
            let skip = failure != nil
            cond.unlock()
            let t0 = Date()
            var error: Error?
            if !skip { do { try job() } catch let e { error = e } }
            let dt = Date().timeIntervalSince(t0)
            var ts = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
            cond.lock()
            busySeconds += dt
            cpuSeconds = Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
            jobs += 1
            if failure == nil, let error { failure = error }
            running = false
            cond.broadcast()
            cond.unlock()
        }
    }
}

extension ShardFile {
    /// The coordinator's check of a received result without decoding it (no JSON): the envelope's length and
    /// SHA-256 (`ShardSeal.open`: a truncated or altered message fails), the payload's magic (a balance or family
    /// shard) and its `END1` trailer. The worker encoded the payload from a computed result; the reduction decodes
    /// it fully.
    /// - Throws: `BatchError.corruptShard` naming `source`.
    static func check(_ sealed: [UInt8], source: String) throws {
        let bytes = try ShardSeal.open(sealed, source: source)
        let known = [Array("SYMSHRD".utf8), Array("SYMFAM0".utf8)]     // balance (any version) or family results
        guard known.contains(where: { bytes.starts(with: $0) }) else {
            throw BatchError.corruptShard(path: source, message: "not a shard result (unknown magic)")
        }
        guard bytes.count >= 12, Array(bytes.suffix(4)) == ShardResult.trailer else {
            throw BatchError.corruptShard(path: source, message: "truncated (no END1 trailer)")
        }
    }
}
