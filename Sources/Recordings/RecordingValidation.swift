/// The checks of issue 3 shared by the NWB and plain-text readers. Each returns warnings or throws a
/// `RecordingError` naming the file, the unit or row, and the field.
enum RecordingValidation {
    /// Rejects NaN/Inf spike times, sorts unsorted trains in place (one warning per unit), and warns about
    /// empty units (one warning listing them).
    /// - Parameters:
    ///   - unitLabel: how to name unit `u` in messages (e.g. "unit id 7 (row 3)").
    static func checkSpikes(times: inout [Double], offsets: [Int], ids: [Int64], file: String, field: String,
                            unitLabel: (Int) -> String) throws -> [String] {
        var warnings: [String] = []
        var empty: [Int64] = []
        let unitCount = offsets.count - 1
        try times.withUnsafeMutableBufferPointer { buf in
            for u in 0..<unitCount {
                let lo = offsets[u], hi = offsets[u + 1]
                if lo == hi { empty.append(ids[u]); continue }
                // Fast branch-free pass (vectorisable); the slow pass below only runs to report or sort.
                var nonFinite = 0, descents = 0
                var last = buf[lo]
                for k in lo..<hi {
                    let t = buf[k]
                    nonFinite &+= t.isFinite ? 0 : 1
                    descents &+= t < last ? 1 : 0
                    last = t
                }
                if nonFinite == 0 && descents == 0 { continue }
                var sorted = true
                var prev = -Double.infinity
                for k in lo..<hi {
                    let t = buf[k]
                    if !t.isFinite {
                        throw RecordingError.invalidValue(file: file, location: unitLabel(u), field: field,
                                                          reason: "spike \(k - lo) is \(t) (NaN/Inf spike times are not allowed)")
                    }
                    if t < prev { sorted = false }
                    prev = t
                }
                if !sorted {
                    var slice = UnsafeMutableBufferPointer(rebasing: buf[lo..<hi])
                    slice.sort()
                    warnings.append("\(file): \(unitLabel(u)): spike times were not sorted; sorted them")
                }
            }
        }
        if !empty.isEmpty {
            let shown = empty.prefix(20).map(String.init).joined(separator: ", ")
            let more = empty.count > 20 ? ", …" : ""
            warnings.append("\(file): \(empty.count) unit(s) have no spikes (ids \(shown)\(more))")
        }
        return warnings
    }

    /// Validates one epoch row: finite bounds, non-negative duration.
    static func checkEpoch(_ e: StateEpoch, file: String, location: String,
                           startField: String = "start_time", stopField: String = "stop_time") throws {
        if !e.start.isFinite {
            throw RecordingError.invalidValue(file: file, location: location, field: startField, reason: "\(e.start) is not finite")
        }
        if !e.stop.isFinite {
            throw RecordingError.invalidValue(file: file, location: location, field: stopField, reason: "\(e.stop) is not finite")
        }
        if e.stop < e.start {
            throw RecordingError.invalidValue(file: file, location: location, field: stopField,
                                              reason: "negative duration: start \(e.start) s, stop \(e.stop) s")
        }
    }

    /// Makes a state annotation usable (issue 18 items 1-2), in this order:
    /// 1. zero-length epochs (`stop == start`) are dropped, one warning naming each;
    /// 2. a state whose epochs were all dropped gets one warning saying it is skipped;
    /// 3. overlapping epochs of the same state are merged into their union, one warning naming the pair, so no
    ///    time is counted twice (METHODS §0: a state is a set of disjoint half-open intervals);
    /// 4. epochs of different states that overlap throw `RecordingError.overlappingEpochs`.
    /// Touching epochs (`[a, b)` and `[b, c)`) are neither merged nor reported. The result is sorted by start.
    /// - Parameter epochs: each epoch with where it came from (e.g. "/intervals/sleep_states row 3"), used in
    ///   warnings; an empty location is left out.
    static func normalizeEpochs(_ epochs: [(epoch: StateEpoch, location: String)], file: String)
        throws -> (epochs: [StateEpoch], warnings: [String]) {
        var warnings: [String] = []
        func name(_ e: StateEpoch, _ loc: String) -> String {
            "'\(e.state)' [\(e.start), \(e.stop)) s" + (loc.isEmpty ? "" : " (\(loc))")
        }
        var usable: [(epoch: StateEpoch, location: String)] = []
        var zeroStates: [String] = []
        for (e, loc) in epochs {
            if e.stop == e.start {
                warnings.append("\(file): zero-length epoch \(name(e, loc)) skipped")
                if !zeroStates.contains(e.state) { zeroStates.append(e.state) }
            } else {
                usable.append((e, loc))
            }
        }
        for s in zeroStates where !usable.contains(where: { $0.epoch.state == s }) {
            warnings.append("\(file): state '\(s)' has no epochs of non-zero length; skipped")
        }
        // Merge overlaps within each state (sorted by start; a running union per state).
        var byState: [String: [(epoch: StateEpoch, location: String)]] = [:]
        for item in usable { byState[item.epoch.state, default: []].append(item) }
        var merged: [StateEpoch] = []
        for state in byState.keys.sorted() {
            let list = byState[state]!.sorted { ($0.epoch.start, $0.epoch.stop) < ($1.epoch.start, $1.epoch.stop) }
            var current = list[0]
            for next in list.dropFirst() {
                if next.epoch.start < current.epoch.stop {
                    let union = StateEpoch(start: current.epoch.start, stop: max(current.epoch.stop, next.epoch.stop),
                                           state: state)
                    warnings.append("\(file): overlapping epochs of state \(name(current.epoch, current.location)) "
                                    + "and \(name(next.epoch, next.location)) merged into [\(union.start), \(union.stop)) s "
                                    + "(the overlap is counted once)")
                    current = (union, current.location)
                } else {
                    merged.append(current.epoch)
                    current = next
                }
            }
            merged.append(current.epoch)
        }
        let sorted = merged.sorted { ($0.start, $0.stop, $0.state) < ($1.start, $1.stop, $1.state) }
        var active: [StateEpoch] = []
        for e in sorted {
            active.removeAll { $0.stop <= e.start }
            if let other = active.first(where: { $0.state != e.state && e.start < $0.stop && $0.start < e.stop }) {
                throw RecordingError.overlappingEpochs(file: file, first: other, second: e)
            }
            active.append(e)
        }
        return (sorted, warnings)
    }

    /// Number of spikes lying outside every epoch (0 when there are no epochs).
    static func spikesOutsideEpochs(times: [Double], epochs: [StateEpoch]) -> Int {
        guard !epochs.isEmpty else { return 0 }
        // Merge the (sorted) epochs into disjoint intervals.
        var merged: [(Double, Double)] = []
        for e in epochs.sorted(by: { $0.start < $1.start }) where e.stop > e.start {
            if let last = merged.last, e.start <= last.1 { merged[merged.count - 1].1 = max(last.1, e.stop) }
            else { merged.append((e.start, e.stop)) }
        }
        if merged.isEmpty { return times.count }
        let starts = merged.map { $0.0 }
        var outside = 0
        times.withUnsafeBufferPointer { buf in
            for t in buf {
                // Last interval whose start <= t.
                var lo = 0, hi = starts.count
                while lo < hi { let mid = (lo + hi) / 2; if starts[mid] <= t { lo = mid + 1 } else { hi = mid } }
                if lo == 0 || t >= merged[lo - 1].1 { outside += 1 }
            }
        }
        return outside
    }

    /// The warnings that depend on epochs and spikes together.
    static func epochWarnings(times: [Double], epochs: [StateEpoch], file: String) -> [String] {
        let n = spikesOutsideEpochs(times: times, epochs: epochs)
        guard n > 0 else { return [] }
        return ["\(file): \(n) of \(times.count) spikes lie outside every state epoch (they are ignored by per-state analyses)"]
    }
}
