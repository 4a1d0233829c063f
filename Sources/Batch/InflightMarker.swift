#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// What `OUT/inflight/<key>.<host>.<pid>.json` says: a shard that a rank started computing (issue #17, "a rank
/// that crashes"). The rank writes it just before it starts the shard and holds an exclusive `flock` on it while
/// it lives; the coordinator deletes it once the shard's result (or failure) is in the ledger. A marker that is
/// still there but no longer locked therefore names a shard whose process died while computing it.
public struct InflightRecord: Codable, Sendable, Equatable {
    public var key: String
    /// The shard's label (`subject/session/state/block`).
    public var shard: String
    public var rank: Int
    public var host: String
    public var pid: Int32
    /// ISO 8601 UTC.
    public var started: String
    /// `SLURM_JOB_ID` (and `.SLURM_STEP_ID`) of the run, when under Slurm.
    public var slurmJob: String?
    /// The signal that ended the process (written by its rank guard, `RankGuard`, from the exit status).
    public var signal: Int?
    /// The exit status of a process that ended without a signal while the shard was in flight (rank guard).
    public var exitStatus: Int?
    /// When the rank guard saw the process end (ISO 8601 UTC).
    public var ended: String?

    /// How the process ended, for ledger messages: "killed by signal 9 (SIGKILL)", or why that is unknown.
    public var endText: String {
        if let s = signal { return "killed by signal \(s) (\(InflightMarkers.signalName(Int32(s))))" }
        if let c = exitStatus { return "its process exited with status \(c) (the launcher or a stop ended it)" }
        return "no exit status recorded (no rank guard, or its node or guard died too)"
    }
}

/// An in-flight marker held by the process computing a shard: created and locked before the computation, the
/// lock is released when this object is released or the process dies. The file itself stays until the
/// coordinator has recorded the shard (`InflightMarkers.remove`).
public final class InflightMarker {
    public let path: String
    private let fd: Int32

    /// Writes and locks the marker (atomically: it appears under its name already locked). Returns nil when the
    /// folder is not writable; the shard then runs without a marker (a crash would go unrecorded, nothing else).
    public init?(folder: SweepFolder, record: InflightRecord) {
        let dir = InflightMarkers.directory(folder)
        if mkdir(dir, 0o755) != 0 && errno != EEXIST { return nil }
        path = InflightMarkers.path(folder, key: record.key, host: record.host, pid: record.pid)
        let tmp = (dir as NSString).appendingPathComponent(".tmp-" + (path as NSString).lastPathComponent)
        let fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return nil }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0, let data = try? JSONEncoder().encode(record) else {
            close(fd); unlink(tmp); return nil
        }
        let bytes = [UInt8](data) + [0x0A]
        let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        guard n == bytes.count, rename(tmp, path) == 0 else { close(fd); unlink(tmp); return nil }
        self.fd = fd
    }

    deinit { flock(fd, LOCK_UN); close(fd) }
}

/// Finding and converting in-flight markers (`OUT/inflight/`).
public enum InflightMarkers {
    public static func directory(_ folder: SweepFolder) -> String { folder.path("inflight") }

    public static func path(_ folder: SweepFolder, key: String, host: String, pid: Int32) -> String {
        (directory(folder) as NSString).appendingPathComponent("\(key).\(host.isEmpty ? "unknown" : host).\(pid).json")
    }

    /// Deletes the marker of a shard that has been recorded (done, failed, crashed or interrupted).
    public static func remove(_ folder: SweepFolder, key: String, host: String, pid: Int32) {
        unlink(path(folder, key: key, host: host, pid: pid))
    }

    public static func read(_ path: String) -> InflightRecord? {
        guard let d = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder().decode(InflightRecord.self, from: d)
    }

    /// Whether the marker exists and no live process holds its lock (its process died).
    public static func isOrphan(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        guard flock(fd, LOCK_SH | LOCK_NB) == 0 else { return false }
        flock(fd, LOCK_UN)
        return true
    }

    /// The markers whose process is gone, optionally only those of `keys`, oldest first.
    public static func orphans(in folder: SweepFolder, keys: Set<String>? = nil) -> [(path: String, record: InflightRecord)] {
        let dir = directory(folder)
        var out: [(path: String, record: InflightRecord)] = []
        for n in ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
        where n.hasSuffix(".json") && !n.hasPrefix(".") {
            let p = (dir as NSString).appendingPathComponent(n)
            guard let r = read(p), keys?.contains(r.key) ?? true, isOrphan(p) else { continue }
            out.append((p, r))
        }
        return out.sorted { $0.record.started < $1.record.started }
    }

    /// Reads an orphaned marker, waiting up to `wait` seconds for its rank guard to add how the process ended
    /// (the lock goes with the process a moment before the guard can write the signal).
    public static func settledRecord(_ path: String, wait: Double = 1.0) -> InflightRecord? {
        let until = Date().addingTimeInterval(wait)
        var r = read(path)
        while let cur = r, cur.signal == nil, cur.exitStatus == nil, Date() < until {
            usleep(50_000)
            r = read(path) ?? cur
        }
        return r
    }

    /// Called by a rank guard when the process it supervised ended while computing: adds the signal (or the exit
    /// status) to each of that process's markers in `folderRoot`.
    public static func noteEnd(folderRoot: String, host: String, pid: Int32, signal: Int32?, exitStatus: Int32?) {
        let folder = SweepFolder(folderRoot)
        let dir = directory(folder)
        let suffix = ".\(host.isEmpty ? "unknown" : host).\(pid).json"
        for n in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] where n.hasSuffix(suffix) && !n.hasPrefix(".") {
            let p = (dir as NSString).appendingPathComponent(n)
            guard var r = read(p) else { continue }
            r.signal = signal.map(Int.init)
            r.exitStatus = exitStatus.map(Int.init)
            r.ended = LedgerEntry.now()
            guard let data = try? JSONEncoder().encode(r) else { continue }
            try? AtomicFile.write(data + Data([0x0A]), to: p)
        }
    }

    /// "SIGKILL", "SIGSEGV", … or "signal N".
    public static func signalName(_ s: Int32) -> String {
        let names: [Int32: String] = [SIGHUP: "SIGHUP", SIGINT: "SIGINT", SIGQUIT: "SIGQUIT", SIGILL: "SIGILL",
                                      SIGTRAP: "SIGTRAP", SIGABRT: "SIGABRT", SIGBUS: "SIGBUS", SIGFPE: "SIGFPE",
                                      SIGKILL: "SIGKILL", SIGUSR1: "SIGUSR1", SIGSEGV: "SIGSEGV", SIGUSR2: "SIGUSR2",
                                      SIGPIPE: "SIGPIPE", SIGALRM: "SIGALRM", SIGTERM: "SIGTERM", SIGXCPU: "SIGXCPU",
                                      SIGXFSZ: "SIGXFSZ", SIGSYS: "SIGSYS"]
        return names[s] ?? "signal \(s)"
    }
}

extension InflightMarkers {
    /// Writes and locks the marker of `shard`, which this process is about to compute as `rank` on `host`.
    static func begin(_ shard: Shard, plan: SweepPlan, folder: SweepFolder, rank: Int, host: String) -> InflightMarker? {
        let env = ProcessInfo.processInfo.environment
        let job = env["SLURM_JOB_ID"].map { j in env["SLURM_STEP_ID"].map { "\(j).\($0)" } ?? j }
        return InflightMarker(folder: folder, record: InflightRecord(key: shard.key, shard: shard.label(in: plan),
                                                                     rank: rank, host: host, pid: getpid(),
                                                                     started: LedgerEntry.now(), slurmJob: job))
    }
}
