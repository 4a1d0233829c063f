import Foundation
import Kernels

/// The large buffers of `StateWorkspace`s kept between computations of members (issue 15): the counts of every
/// scale (`MultiScaleCounts`, E and I, 4 bytes per bin of every scale: ≈ 300 MB per state of the 8 h bench file),
/// the windowed pass's scratch and the §3.7 co-occurrence rows. A workspace made for the next block of members or
/// the next state takes a set from the pool instead of allocating and page-faulting its own.
///
/// The values do not depend on it: every count, row and cell a member reads is written by that member's own
/// computation (as when one workspace computes several members of a state). Memory: the pool holds at most one
/// set per worker thread that returned one, sized for the largest state seen, and nothing once `drain()` is called.
public final class WorkspacePool: @unchecked Sendable {
    private let lock = NSLock()
    private var spare: [StateWorkspace.Buffers] = []

    public init() {}

    /// Hands a kept set of buffers to `ws` (when one is kept and `ws` uses the windowed pass).
    func lend(to ws: inout StateWorkspace) {
        guard ws.multi else { return }
        lock.lock()
        let b = spare.popLast()
        lock.unlock()
        if let b { ws.adopt(b) }
    }

    /// Keeps the buffers of `ws` (a workspace done with its members) for the next `lend`.
    func keep(from ws: inout StateWorkspace) {
        guard ws.multi else { return }
        let b = ws.releaseBuffers()
        lock.lock()
        spare.append(b)
        lock.unlock()
    }

    /// Frees every kept set (before work that needs the memory, e.g. the §6–9 families).
    public func drain() {
        lock.lock()
        spare = []
        lock.unlock()
    }
}

extension StateWorkspace {
    /// The buffers `WorkspacePool` moves from one workspace to the next.
    struct Buffers {
        var multiE: MultiScaleCounts
        var multiI: MultiScaleCounts
        var multiScratch: MultiScaleCounts.Scratch
        var cooccurrence: CooccurrenceWorkspace
    }

    /// Takes `b` as this workspace's buffers (before its first member).
    mutating func adopt(_ b: Buffers) {
        returnBorrowed()
        multiE = b.multiE; multiI = b.multiI; multiScratch = b.multiScratch; cooccurrence = b.cooccurrence
    }

    /// Gives up this workspace's buffers (after its last member), leaving empty ones.
    mutating func releaseBuffers() -> Buffers {
        returnBorrowed()
        let b = Buffers(multiE: multiE, multiI: multiI, multiScratch: multiScratch, cooccurrence: cooccurrence)
        multiE = MultiScaleCounts(); multiI = MultiScaleCounts(); multiScratch = MultiScaleCounts.Scratch()
        cooccurrence = CooccurrenceWorkspace()
        return b
    }
}
