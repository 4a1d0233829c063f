#if canImport(Glibc)
import Glibc
#endif
import Analysis
import Foundation

/// The rank guard (issue #17, "a rank that crashes"): under an MPI launcher (`srun`, `mpirun`) with more than one
/// rank, the process the launcher starts for `symedge sweep` runs the rank as its child and waits for it. Only
/// the parent of a process learns how it ended, so when the rank dies by a signal (SIGKILL from the OOM killer,
/// SIGSEGV, …) the guard writes that signal into the rank's in-flight markers (`InflightMarkers.noteEnd`) on the
/// shared output folder, before the launcher can react, and then ends itself by the same signal, so the
/// launcher (and `srun --kill-on-bad-exit`) sees what it would have seen without the guard. Signals the guard
/// receives (SIGTERM, SIGUSR1, …) are forwarded to the rank; if the guard is killed, the rank ends too.
/// `SYMEDGE_RANK_GUARD=0` turns the guard off (the crash is then still recorded, without the signal).
public enum RankGuard {
    static let parentVariable = "SYMEDGE_RANK_GUARD_PARENT"
    static let pipeVariable = "SYMEDGE_RANK_GUARD_FD"
    static let forwarded: [Int32] = [SIGTERM, SIGINT, SIGUSR1, SIGUSR2, SIGHUP, SIGQUIT, SIGALRM, SIGCONT]

    /// Call before MPI is initialised. In a launcher-started process of a multi-rank run this runs the rank as a
    /// child and never returns (it exits as the child did); in the child, in a one-process run or with
    /// `SYMEDGE_RANK_GUARD=0`, it returns at once.
    public static func superviseIfNeeded() {
        let env = ProcessInfo.processInfo.environment
        if let p = env[parentVariable].flatMap({ Int32($0) }) {
            watchParent(p)
            return
        }
        guard env["SYMEDGE_RANK_GUARD"] != "0" else { return }
        let size = [env["OMPI_COMM_WORLD_SIZE"], env["PMIX_SIZE"], env["SLURM_STEP_NUM_TASKS"]]
            .lazy.compactMap { $0.flatMap { Int($0) } }.first ?? 1
        let launched = env["OMPI_COMM_WORLD_RANK"] != nil || env["PMIX_RANK"] != nil
            || (env["SLURM_STEP_ID"] != nil && env["SLURM_PROCID"] != nil)
        guard launched && size > 1 else { return }
        supervise()
    }

    /// In the rank: tells its guard (if any) the output folder, where it records a death.
    public static func announce(folder: String) {
        guard let fd = ProcessInfo.processInfo.environment[pipeVariable].flatMap({ Int32($0) }) else { return }
        let line = Array((folder + "\n").utf8)
        _ = line.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        close(fd)
    }

    /// The rank ends itself when its guard is gone (the launcher killed the guard, e.g. `mpirun`'s SIGKILL).
    static func watchParent(_ parent: Int32) {
        let t = Thread {
            while getppid() == parent { usleep(300_000) }
            kill(getpid(), SIGKILL)
        }
        t.stackSize = 1 << 16
        t.start()
    }

    static func supervise() -> Never {
        var set = sigset_t()
        sigemptyset(&set)
        for s in forwarded + [SIGCHLD] { sigaddset(&set, s) }
        pthread_sigmask(SIG_BLOCK, &set, nil)

        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { runUnguarded(set) }
        let (readEnd, writeEnd) = (fds[0], fds[1])
        _ = fcntl(readEnd, F_SETFD, FD_CLOEXEC)        // the child inherits only the write end
        _ = fcntl(readEnd, F_SETFL, O_NONBLOCK)

        var env = ProcessInfo.processInfo.environment
        env[parentVariable] = String(getpid())
        env[pipeVariable] = String(writeEnd)
        let args = CommandLine.arguments
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attr, &none)
        posix_spawnattr_setsigdefault(&attr, &set)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var child: pid_t = 0
        let cArgs = args.map { strdup($0) } + [nil]
        let cEnv = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        let rc = posix_spawn(&child, "/proc/self/exe", nil, &attr, cArgs, cEnv)
        posix_spawnattr_destroy(&attr)
        close(writeEnd)
        guard rc == 0 else { close(readEnd); runUnguarded(set) }

        var folder = [UInt8]()
        func readFolder() {
            var buf = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = buf.withUnsafeMutableBytes { Glibc.read(readEnd, $0.baseAddress, $0.count) }
                if n <= 0 { break }
                folder += buf[0..<n]
            }
        }
        var status: Int32 = 0
        while true {
            var info = siginfo_t()
            var timeout = timespec(tv_sec: 0, tv_nsec: 200_000_000)
            let s = sigtimedwait(&set, &info, &timeout)
            readFolder()
            if s > 0 && s != SIGCHLD { kill(child, s); continue }
            let r = waitpid(child, &status, WNOHANG)
            if r == child || (r < 0 && errno == ECHILD) { break }
        }
        readFolder()
        close(readEnd)
        let termSig = status & 0x7f
        let exitCode = (status >> 8) & 0xff
        let root = String(decoding: folder.prefix { $0 != 0x0A }, as: UTF8.self)
        if !root.isEmpty && (termSig != 0 || exitCode != 0) {
            InflightMarkers.noteEnd(folderRoot: root, host: BuildInfo.hostNameShort, pid: child,
                                    signal: termSig != 0 ? termSig : nil, exitStatus: termSig != 0 ? nil : exitCode)
        }
        if termSig != 0 && termSig != 0x7f {
            fflush(nil)
            signal(termSig, SIG_DFL)
            var one = sigset_t()
            sigemptyset(&one)
            sigaddset(&one, termSig)
            pthread_sigmask(SIG_UNBLOCK, &one, nil)
            kill(getpid(), termSig)
            exit(128 + termSig)
        }
        exit(exitCode)
    }

    /// The guard could not start its child: run the rank in this process after all.
    static func runUnguarded(_ set: sigset_t) -> Never {
        var s = set
        pthread_sigmask(SIG_UNBLOCK, &s, nil)
        setenv("SYMEDGE_RANK_GUARD", "0", 1)
        execv("/proc/self/exe", CommandLine.arguments.map { strdup($0) } + [nil])
        exit(1)
    }
}
