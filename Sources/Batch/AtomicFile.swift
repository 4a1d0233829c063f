#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Crash-safe file writes: a result file either exists complete or not at all.
///
/// `write` puts the bytes in a hidden temporary file beside the target (`.tmp-<name>-<pid>`), fsyncs it,
/// renames it over the target, and fsyncs the folder, so a `kill -9` at any moment leaves either the old
/// file, the new file, or a hidden temporary that no reader mistakes for a result.
public enum AtomicFile {
    public static func write(_ data: Data, to path: String) throws {
        try data.withUnsafeBytes { try write(UnsafeRawBufferPointer($0), to: path) }
    }

    /// - Parameter syncDirectory: also fsync the folder after the rename (durability of the new name across a
    ///   power loss; a process kill never needs it). The sweep syncs the shard folder once at the end instead:
    ///   a shard whose name is lost is simply not done and runs again.
    public static func write(_ bytes: [UInt8], to path: String, syncDirectory: Bool = true) throws {
        try bytes.withUnsafeBytes { try write($0, to: path, syncDirectory: syncDirectory) }
    }

    public static func write(_ raw: UnsafeRawBufferPointer, to path: String, syncDirectory sync: Bool = true) throws {
        let dir = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        let tmp = temporaryPath(dir: dir, name: name)
        try writeTemporary(raw, to: tmp)
        if rename(tmp, path) != 0 { let m = errnoText(); unlink(tmp); throw BatchError.io(path: path, message: "rename: \(m)") }
        if sync { syncDirectory(dir) }
    }

    /// Writes a result file only if none is there yet: the bytes go to a hidden temporary (fsync'd), which is
    /// then hard-linked to `path` (`link` fails atomically with EEXIST when `path` exists, also on NFS and
    /// Lustre) and removed. Returns false, writing nothing, when `path` already existed, so a process with a
    /// stale view of the folder (another node, an orphaned job on a partitioned node, a second run) never
    /// replaces a finished result. On a file system without hard links it falls back to check-then-rename.
    public static func publish(_ bytes: [UInt8], to path: String) throws -> Bool {
        let dir = (path as NSString).deletingLastPathComponent
        let tmp = temporaryPath(dir: dir, name: (path as NSString).lastPathComponent)
        try bytes.withUnsafeBytes { try writeTemporary($0, to: tmp) }
        defer { unlink(tmp) }
        if link(tmp, path) == 0 { return true }
        let err = errno
        if err == EEXIST { return false }
        guard err == EPERM || err == EOPNOTSUPP || err == EXDEV || err == EMLINK else {
            throw BatchError.io(path: path, message: "link: \(String(cString: strerror(err)))")
        }
        if access(path, F_OK) == 0 { return false }
        if rename(tmp, path) != 0 { throw BatchError.io(path: path, message: "rename: \(errnoText())") }
        return true
    }

    /// `.tmp-<name>-<host>-<pid>-<random>`: unique among processes on different nodes writing to one shared
    /// folder, and among threads of one process.
    static func temporaryPath(dir: String, name: String) -> String {
        var buf = [CChar](repeating: 0, count: 256)
        gethostname(&buf, 255)
        let host = String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let tag = String(UInt32.random(in: 0 ... .max), radix: 16)
        return (dir as NSString).appendingPathComponent(".tmp-\(name)-\(host)-\(getpid())-\(tag)")
    }

    static func writeTemporary(_ raw: UnsafeRawBufferPointer, to tmp: String) throws {
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw BatchError.io(path: tmp, message: "cannot create: \(errnoText())") }
        var off = 0
        while off < raw.count {
            let n = Glibc.write(fd, raw.baseAddress! + off, raw.count - off)
            if n < 0 { if errno == EINTR { continue }; let m = errnoText(); close(fd); unlink(tmp)
                throw BatchError.io(path: tmp, message: "write failed: \(m)") }
            off += n
        }
        if fsync(fd) != 0 { let m = errnoText(); close(fd); unlink(tmp); throw BatchError.io(path: tmp, message: "fsync: \(m)") }
        close(fd)
    }

    /// fsyncs a folder so a rename or a new entry in it survives a crash.
    public static func syncDirectory(_ dir: String) {
        let fd = open(dir.isEmpty ? "." : dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 { _ = fsync(fd); close(fd) }
    }

    /// Removes hidden temporaries (`.tmp-*`) a killed writer left in `dir` at least `age` seconds ago
    /// (younger ones may belong to a concurrent writer, e.g. another Slurm array task).
    public static func removeStaleTemporaries(in dir: String, olderThan age: Double) {
        let now = Date()
        for n in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] where n.hasPrefix(".tmp-") {
            let p = (dir as NSString).appendingPathComponent(n)
            let m = (try? FileManager.default.attributesOfItem(atPath: p))?[.modificationDate] as? Date
            if now.timeIntervalSince(m ?? now) >= age { unlink(p) }
        }
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}
