#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The layout of a sweep output folder:
/// `job.json` (the resolved job), `plan.json`, `shards/<key>.shard`, `ledger.jsonl` (and `ledger.group-K.jsonl`
/// for Slurm array tasks), `tables/`, `manifest.json`, `input-cache.json`.
public struct SweepFolder: Sendable {
    public let root: String

    public init(_ root: String) { self.root = URL(fileURLWithPath: root).standardizedFileURL.path }

    public func path(_ name: String) -> String { (root as NSString).appendingPathComponent(name) }
    public var shardsDirectory: String { path("shards") }
    public var tablesDirectory: String { path("tables") }
    public var jobPath: String { path("job.json") }
    public var planPath: String { path("plan.json") }
    public var manifestPath: String { path("manifest.json") }
    public func ledgerPath(group: Int?) -> String { path(group.map { "ledger.group-\($0).jsonl" } ?? "ledger.jsonl") }
    public func shardPath(key: String) -> String { (shardsDirectory as NSString).appendingPathComponent("\(key).shard") }

    /// Creates the folder and its subfolders.
    public func create() throws {
        for d in [root, shardsDirectory, tablesDirectory] {
            do { try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true) } catch {
                throw BatchError.io(path: d, message: "cannot create folder: \(error.localizedDescription)")
            }
        }
    }

    /// Keys of the shard files present (complete by construction: they appear only by atomic rename).
    public func finishedKeys() -> Set<String> {
        var out = Set<String>()
        for n in (try? FileManager.default.contentsOfDirectory(atPath: shardsDirectory)) ?? []
        where n.hasSuffix(".shard") && !n.hasPrefix(".") {
            out.insert(String(n.dropLast(6)))
        }
        return out
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder(); e.outputFormatting = [.sortedKeys, .prettyPrinted]; return e
    }()

    public func saveJob(_ job: JobSpec) throws { try AtomicFile.write(try Self.encoder.encode(job), to: jobPath) }

    public func loadJob() throws -> JobSpec {
        guard let data = FileManager.default.contents(atPath: jobPath) else { throw BatchError.notASweepFolder(path: root) }
        do { return try JSONDecoder().decode(JobSpec.self, from: data) } catch {
            throw BatchError.io(path: jobPath, message: "unreadable job: \(error)")
        }
    }

    public func savePlan(_ plan: SweepPlan) throws { try AtomicFile.write(try Self.encoder.encode(plan), to: planPath) }

    public func loadPlan() throws -> SweepPlan {
        guard let data = FileManager.default.contents(atPath: planPath) else {
            guard FileManager.default.fileExists(atPath: jobPath) else { throw BatchError.notASweepFolder(path: root) }
            throw BatchError.io(path: planPath, message: "missing (the folder has job.json but no plan); run "
                                + "`symedge sweep` or `symedge rerun-failed \(root)` to plan it again, or "
                                + "`symedge plan JOB --out \(root) --save`")
        }
        do { return try JSONDecoder().decode(SweepPlan.self, from: data) } catch {
            throw BatchError.io(path: planPath, message: "unreadable plan: \(error)")
        }
    }
}

/// One line of the ledger (`ledger.jsonl`): a shard finished or failed, or a sweep phase began or ended.
public struct LedgerEntry: Codable, Sendable, Equatable {
    /// `done`, `already_done` (another run wrote the shard first; its file was kept), `failed`, `crashed` (its rank
    /// died while it was in flight, with host and signal: recorded by rank 0, or from its `OUT/inflight/` marker by
    /// the next run when rank 0 died too), `interrupted` (a stop; with a key: abandoned in flight when the stop
    /// grace ran out, or in flight on a rank whose process exited when its run ended), `damaged` (its file failed the check and was moved to `OUT/damaged/`), `sweep_start`,
    /// `sweep_end`, `reduced`.
    public var event: String
    /// ISO 8601 UTC.
    public var time: String
    public var key: String?
    public var shard: String?
    /// The input file a failure concerns.
    public var file: String?
    public var message: String?
    public var rank: Int?
    public var host: String?
    public var seconds: Double?
    public var bytes: Int?
    /// Lower-case hex SHA-256 of the whole shard file (`done` entries; checked by `status --verify`).
    public var sha256: String?
    /// The signal a stop or a crash concerns (`interrupted`, `crashed`), e.g. 15.
    public var signal: Int?

    public init(event: String, key: String? = nil, shard: String? = nil, file: String? = nil, message: String? = nil,
                rank: Int? = nil, host: String? = nil, seconds: Double? = nil, bytes: Int? = nil,
                sha256: String? = nil, signal: Int? = nil) {
        self.event = event; self.time = Self.now(); self.key = key; self.shard = shard; self.file = file
        self.message = message; self.rank = rank; self.host = host; self.seconds = seconds; self.bytes = bytes
        self.sha256 = sha256; self.signal = signal
    }

    static func now() -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: Date())
    }
}

/// An append-only, fsync'd JSON-lines ledger. Each entry is one `write` of one line (atomic with O_APPEND
/// on a local file system), then `fsync`; a torn last line after a crash is ignored by `read`.
public final class Ledger {
    private let fd: Int32
    public let path: String

    public init(path: String) throws {
        self.path = path
        fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw BatchError.io(path: path, message: "cannot open ledger: \(AtomicFile.errnoText())") }
        // A kill mid-append leaves a torn last line: end it, so the next entry starts on a line of its own.
        let r = open(path, O_RDONLY | O_CLOEXEC)
        if r >= 0 {
            var last: UInt8 = 0x0A
            let end = lseek(r, 0, SEEK_END)
            if end > 0 { _ = pread(r, &last, 1, end - 1) }
            close(r)
            if last != 0x0A { var nl: UInt8 = 0x0A; _ = Glibc.write(fd, &nl, 1) }
        }
    }

    deinit { close(fd) }

    public func append(_ e: LedgerEntry) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        var line = [UInt8](try enc.encode(e))
        line.append(0x0A)
        let n = line.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        guard n == line.count else { throw BatchError.io(path: path, message: "ledger write: \(AtomicFile.errnoText())") }
        _ = fsync(fd)
    }

    /// Every well-formed entry of every ledger file in `folder`, in file order (main ledger first).
    public static func readAll(in folder: SweepFolder) -> [LedgerEntry] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.root)) ?? [])
            .filter { $0.hasPrefix("ledger") && $0.hasSuffix(".jsonl") }.sorted()
        var out: [LedgerEntry] = []
        for n in names {
            guard let data = FileManager.default.contents(atPath: folder.path(n)) else { continue }
            for line in data.split(separator: 0x0A) {
                if let e = try? JSONDecoder().decode(LedgerEntry.self, from: Data(line)) { out.append(e) }
            }
        }
        return out.sorted { $0.time < $1.time }
    }
}
