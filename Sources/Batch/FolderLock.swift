#if canImport(Glibc)
import Glibc
#endif
import Analysis
import Foundation

/// An advisory lock on a sweep output folder (`OUT/.symedge.lock`, `flock`), held by rank 0 for the whole run
/// so that two sweeps never compute the same shards twice or reduce over each other. A full sweep and
/// `rerun-failed` take it exclusively; Slurm array tasks (`--group K`) and the reduce job (`--reduce-only`)
/// share it. The file holds the holder's host, pid and start time, which a refused run prints.
///
/// The lock goes away with its process, also on `kill -9`. On a shared file system whose client died without
/// releasing it, `force` removes the lock file and takes a new one, unless the holder is a live process on
/// this host.
public final class FolderLock {
    public let path: String
    private let fd: Int32

    /// Takes the lock or throws `BatchError.io` naming the holder (host, pid, since).
    public init(folder: SweepFolder, shared: Bool, force: Bool) throws {
        path = folder.path(".symedge.lock")
        var fd = Self.openLockFile(path)
        guard fd >= 0 else { throw BatchError.io(path: path, message: "cannot open lock file: \(AtomicFile.errnoText())") }
        if flock(fd, (shared ? LOCK_SH : LOCK_EX) | LOCK_NB) != 0 {
            let holder = Self.holder(path)
            guard force else {
                close(fd)
                throw BatchError.io(path: folder.root, message: "in use by another symedge run (\(holder.text)); wait "
                                    + "for it to finish, or pass --force if that process is gone (e.g. its node died)")
            }
            let me = BuildInfo.hostNameShort
            if holder.host == me, let pid = holder.pid, kill(pid, 0) == 0 {
                close(fd)
                throw BatchError.io(path: folder.root, message: "in use by a live process on this host (\(holder.text)); "
                                    + "--force breaks only the lock of a process that is gone")
            }
            close(fd)
            unlink(path)
            fd = Self.openLockFile(path)
            guard fd >= 0, flock(fd, (shared ? LOCK_SH : LOCK_EX) | LOCK_NB) == 0 else {
                close(fd)
                throw BatchError.io(path: path, message: "cannot lock after --force: \(AtomicFile.errnoText())")
            }
        }
        self.fd = fd
        let text = "host=\(BuildInfo.hostNameShort) pid=\(getpid()) since=\(LedgerEntry.now())"
            + (shared ? " shared" : "") + "\n"
        _ = ftruncate(fd, 0)
        _ = text.withCString { pwrite(fd, $0, strlen($0), 0) }
    }

    deinit { flock(fd, LOCK_UN); close(fd) }

    private static func openLockFile(_ path: String) -> Int32 { open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644) }

    /// The holder recorded in the lock file.
    static func holder(_ path: String) -> (host: String?, pid: Int32?, text: String) {
        let text = ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        var host: String?, pid: Int32?
        for part in text.split(separator: " ") {
            if part.hasPrefix("host=") { host = String(part.dropFirst(5)) }
            if part.hasPrefix("pid=") { pid = Int32(part.dropFirst(4)) }
        }
        return (host, pid, text.isEmpty ? "holder unknown" : text)
    }
}
