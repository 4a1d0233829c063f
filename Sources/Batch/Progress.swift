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
    let start: Date
    var lastPrint = Date.distantPast
    var done = 0, failed = 0, costDone = 0.0
    /// Running sums for the ETA fit elapsed ≈ a·(cost done) + b·(shards done), one sample per finished shard.
    var scc = 0.0, scn = 0.0, snn = 0.0, sct = 0.0, snt = 0.0

    /// - Parameters: interval: seconds between lines when stderr is not a terminal (live updates at most 5 per s).
    public init(total: Int, totalCost: Double, interval: Double, live: Bool = isatty(2) != 0, start: Date = Date()) {
        self.total = total; self.totalCost = totalCost; self.interval = interval; self.live = live; self.start = start
    }

    public func record(ok: Bool, cost: Double) { record(ok: ok, cost: cost, at: Date()) }

    /// Records a finished shard at time `now` (the ETA fit's sample) and prints a line when one is due.
    public func record(ok: Bool, cost: Double, at now: Date) {
        if ok { done += 1 } else { failed += 1 }
        costDone += cost
        let t = now.timeIntervalSince(start), c = costDone, n = Double(done + failed)
        scc += c * c; scn += c * n; snn += n * n; sct += c * t; snt += n * t
        tick()
    }

    /// Seconds left, from every finished shard so far: elapsed time is fitted as a·(cost done) + b·(shards done)
    /// (least squares through the origin, a, b ≥ 0), so both the planner's cost model and a fixed time per shard
    /// are calibrated on this run; the largest-first order makes cost alone, or shard count alone, misleading
    /// (issue 18: "ETA 0s" at 19 %). Nil before the first shard finishes; 0 when all are done.
    public func estimatedSecondsLeft(now: Date) -> Double? {
        let finished = done + failed
        if finished >= total { return 0 }
        guard finished > 0 else { return nil }
        let costLeft = max(0, totalCost - costDone), shardsLeft = Double(total - finished)
        let det = scc * snn - scn * scn
        if det > 1e-12 * max(1, scc * snn) {
            let a = (sct * snn - snt * scn) / det, b = (snt * scc - sct * scn) / det
            if a >= 0 && b >= 0 { return a * costLeft + b * shardsLeft }
        }
        // One-variable fits; the larger (more cautious) of the two.
        let a1 = scc > 0 ? sct / scc : 0, b1 = snn > 0 ? snt / snn : 0
        return max(a1 * costLeft, b1 * shardsLeft)
    }

    public func tick(force: Bool = false) {
        let now = Date()
        let gap = live ? 0.2 : interval
        guard force || now.timeIntervalSince(lastPrint) >= gap else { return }
        lastPrint = now
        let line = text(now: now)
        if live { emit("\r\u{1B}[2K" + line + (force ? "\n" : "")) } else { emit(line + "\n") }
    }

    /// The progress line at time `now`.
    public func text(now: Date) -> String {
        let elapsed = now.timeIntervalSince(start)
        let finished = done + failed
        let rate = elapsed > 0 ? Double(finished) / elapsed : 0
        let eta = estimatedSecondsLeft(now: now).map(Self.duration) ?? "–"
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
