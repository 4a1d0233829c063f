#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Foundation

/// A request to stop a sweep gracefully: no new shards are started, the shards already running finish and
/// are written, and the sweep returns with the rest left pending (a rerun resumes them).
///
/// Slurm's time-limit warning reaches a job step as SIGTERM (the job scripts in `Slurm/templates` send it),
/// so `observing(signals:)` turns SIGTERM and SIGINT into a stop request instead of killing the process
/// mid-shard. Every rank installs it; only the coordinator acts on it, workers keep computing what they
/// were given until the coordinator tells them to stop.
public final class StopRequest: @unchecked Sendable {
    private let lock = NSLock()
    private var requested: Int32?
    private var sources: [DispatchSourceSignal] = []

    public init() {}

    /// A stop request raised by any of `signals` (default SIGTERM, SIGINT and SIGUSR1; `mpirun` forwards
    /// SIGUSR1 to every rank without killing them, while after a SIGTERM of its own it kills them 1 s after
    /// forwarding it).
    public static func observing(signals: [Int32] = [SIGTERM, SIGINT, SIGUSR1]) -> StopRequest {
        let stop = StopRequest()
        for s in signals {
            Glibc.signal(s, SIG_IGN)    // the dispatch source receives it instead of the default action
            let source = DispatchSource.makeSignalSource(signal: s, queue: .global())
            source.setEventHandler { [weak stop] in stop?.request(signal: s) }
            source.resume()
            stop.sources.append(source)
        }
        return stop
    }

    /// Requests a stop (as if `signal` had arrived).
    public func request(signal: Int32 = SIGTERM) {
        lock.lock(); if requested == nil { requested = signal }; lock.unlock()
    }

    /// The signal that requested the stop, if any.
    public var signal: Int32? { lock.lock(); defer { lock.unlock() }; return requested }

    public var isRequested: Bool { signal != nil }
}
