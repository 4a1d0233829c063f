#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Sweep progress on stderr: a live, rewritten line on a terminal; one plain line every `interval` seconds
/// in batch logs (Slurm output files).
public final class ProgressReporter {
    let total: Int
    let totalCost: Double
    let interval: Double
    let live: Bool
    let start = Date()
    var lastPrint = Date.distantPast
    var done = 0, failed = 0, costDone = 0.0

    /// - Parameters: interval: seconds between lines when stderr is not a terminal (live updates at most 5 per s).
    public init(total: Int, totalCost: Double, interval: Double, live: Bool = isatty(2) != 0) {
        self.total = total; self.totalCost = totalCost; self.interval = interval; self.live = live
    }

    public func record(ok: Bool, cost: Double) {
        if ok { done += 1 } else { failed += 1 }
        costDone += cost
        tick()
    }

    public func tick(force: Bool = false) {
        let now = Date()
        let gap = live ? 0.2 : interval
        guard force || now.timeIntervalSince(lastPrint) >= gap else { return }
        lastPrint = now
        let line = text(now: now)
        if live { emit("\r\u{1B}[2K" + line + (force ? "\n" : "")) } else { emit(line + "\n") }
    }

    func text(now: Date) -> String {
        let elapsed = now.timeIntervalSince(start)
        let finished = done + failed
        let rate = elapsed > 0 ? Double(finished) / elapsed : 0
        var eta = "–"
        if costDone > 0 && finished < total {
            let left = elapsed * (totalCost - costDone) / costDone
            eta = Self.duration(left)
        } else if finished == total { eta = "0s" }
        return String(format: "sweep: %d/%d shards done, %d failed, %.2f shards/s, elapsed %@, ETA %@",
                      done, total, failed, rate, Self.duration(elapsed), eta)
    }

    static func duration(_ s: Double) -> String {
        let t = Int(s.rounded())
        if t >= 3600 { return "\(t / 3600)h\(String(format: "%02d", t % 3600 / 60))m" }
        if t >= 60 { return "\(t / 60)m\(String(format: "%02d", t % 60))s" }
        return "\(t)s"
    }

    private func emit(_ s: String) {
        let b = Array(s.utf8)
        _ = b.withUnsafeBytes { Glibc.write(2, $0.baseAddress, $0.count) }
    }
}
