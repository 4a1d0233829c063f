import Foundation
import Kernels

/// The pooled intervals (`PooledIntervals`, E and I) of one state, shared by the workspaces of every thread of one
/// computation of its members (METHODS §5a, issue 15): the pooled sort depends only on the data, so it is made once,
/// by the first ISI member to ask, and every ISI member shuffles from the same read-only copy.
///
/// Memory: 8 bytes per spike of the state (both classes), one copy whatever the thread count. It is released when
/// the last of the `uses` ISI members announced at creation has taken it (or with the last workspace); a member
/// asking after that builds it again, so the count only bounds the memory, never the values.
/// `StatePipeline.analyze` makes one per state for all its blocks of members; `StateAnalysis.computeMembers` makes
/// one per call (e.g. a sweep shard) when none is given.
public final class SharedPooledIntervals: @unchecked Sendable {
    private let lock = NSLock()
    private var remaining: Int
    private var value: (e: PooledIntervals, i: PooledIntervals)?

    /// A cache for `uses` ISI members.
    public init(uses: Int) { remaining = uses }

    /// A cache for the ISI-permutation members among `members` (each counted once).
    public convenience init(members: [Member]) {
        self.init(uses: Set(members).filter(\.isISIPermutation).count)
    }

    /// The state's pooled intervals, built by `make` on first use (under the lock: another thread asking meanwhile
    /// waits for them instead of building its own).
    func take(_ make: () -> (e: PooledIntervals, i: PooledIntervals)) -> (e: PooledIntervals, i: PooledIntervals) {
        lock.lock(); defer { lock.unlock() }
        let v = value ?? make()
        remaining -= 1
        value = remaining > 0 ? v : nil
        return v
    }

    /// Whether the intervals are held now (tests).
    var isHeld: Bool { lock.lock(); defer { lock.unlock() }; return value != nil }
}
