import Foundation

/// Runs independent member computations (METHODS §5: the observed data and each surrogate) on several threads.
///
/// Results come back in input order whatever thread computed them, so tables built from them are byte-identical
/// for any thread count: each member's value depends only on its own inputs and random stream.
public enum ParallelMembers {
    /// The number of threads `threads` asks for: nil or 0 = every core of the machine
    /// (`ProcessInfo.activeProcessorCount`), otherwise the given number (at least 1).
    public static func resolve(_ threads: Int?) -> Int {
        guard let threads, threads > 0 else { return max(1, ProcessInfo.processInfo.activeProcessorCount) }
        return threads
    }

    /// `body(worker state, index)` for every index in `0..<count`, on `min(threads, count)` threads, each with its
    /// own state from `makeState` (e.g. a workspace kept across that thread's members); indices are handed out in
    /// increasing order as threads become free. An error stops the hand-out; the error of the lowest index is
    /// rethrown (so the same one as with one thread, when the error depends only on the member).
    public static func map<State, Result: Sendable>(
        count: Int, threads: Int, makeState: @Sendable () throws -> State,
        body: @Sendable (inout State, Int) throws -> Result
    ) throws -> [Result] {
        try map(count: count, threads: threads, makeState: makeState, body: body, finish: { _ in })
    }

    /// `map`, calling `finish(state)` once per thread after that thread's last index (e.g. to keep the state's
    /// buffers for a later call); not called for a state whose thread stopped on an error.
    public static func map<State, Result: Sendable>(
        count: Int, threads: Int, makeState: @Sendable () throws -> State,
        body: @Sendable (inout State, Int) throws -> Result, finish: @Sendable (inout State) -> Void
    ) throws -> [Result] {
        let workers = max(1, min(threads, count))
        if workers == 1 {
            var state = try makeState()
            let out = try (0..<count).map { try body(&state, $0) }
            finish(&state)
            return out
        }
        let box = Box<Result>(count: count)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            var state: State
            do { state = try makeState() } catch { box.fail(-1, error); return }
            var failed = false
            while let i = box.next() {
                do { box.store(i, try body(&state, i)) } catch { box.fail(i, error); failed = true }
            }
            if !failed { finish(&state) }
        }
        return try box.results()
    }

    /// Shared work counter, results and first error, under one lock.
    private final class Box<Result: Sendable>: @unchecked Sendable {
        private let lock = NSLock()
        private var slots: [Result?]
        private var cursor = 0
        private var error: (index: Int, error: Error)?

        init(count: Int) { slots = Array(repeating: nil, count: count) }

        func next() -> Int? {
            lock.lock(); defer { lock.unlock() }
            guard error == nil, cursor < slots.count else { return nil }
            cursor += 1
            return cursor - 1
        }

        func store(_ i: Int, _ r: Result) { lock.lock(); slots[i] = r; lock.unlock() }

        func fail(_ i: Int, _ e: Error) {
            lock.lock(); if error == nil || i < error!.index { error = (i, e) }; lock.unlock()
        }

        func results() throws -> [Result] {
            lock.lock(); defer { lock.unlock() }
            if let error { throw error.error }
            return slots.map { $0! }
        }
    }
}
