import Kernels
import Recordings

/// Spike-train surrogates of the METHODS §6–8 families (METHODS §5), per unit.
///
/// The balance measures of §3–4 permute the intervals of the *pooled* E and I trains; the families need the
/// single units (pair correlations of §7), so here both kinds act on each unit's own train, inside each
/// surrogate window (the state's epochs; for `seizure` in state `ictal` also the S(t) span from the first
/// pre-ictal epoch to the end of the post-ictal epochs; overlapping windows merged):
/// - `circularShift`: every unit's spikes in a window `[a, b)` move to `a + ((t − a + o) mod (b − a))`, with
///   an independent offset `o` uniform in `[0, b − a)` per (window, unit). Spike count per unit and window and
///   each unit's rate are preserved; the timing between units is destroyed.
/// - `isiPermutation`: per (unit, window), the first spike is kept, the inter-spike intervals are shuffled
///   (uniform permutation, `Kernels.shuffle`) and the train rebuilt by cumulative sum. Each unit's ISI multiset
///   (hence its count, first and last spike) is preserved; the timing between units is destroyed.
/// Spikes outside every window are left unchanged (no family measure reads them).
///
/// The random stream of surrogate `index` of a kind is `Xoshiro256StarStar` seeded with
/// `StreamSeed.derive(master: parameters.seed, [recordingID, state, family, kind], index:)`; draws go window
/// by window, unit by unit (circular shift) or unit by unit, window by window (ISI permutation), so a member's
/// trains are the same whichever rank, shard or order computes it.
public enum FamilySurrogates {
    /// The random stream of one surrogate member of one family.
    public static func rng(seed: UInt64, recordingID: String, state: String, family: MeasureFamily,
                           kind: SurrogateKind, index: Int) -> Xoshiro256StarStar {
        StreamSeed.generator(master: seed, [recordingID, state, family.rawValue, kind.rawValue], index: UInt64(index))
    }

    /// Disjoint, sorted surrogate windows `[start, stop)` of a family in a state (see the type's description).
    public static func windows(recording r: Recording, state: String,
                               family: MeasureFamily) -> [(start: Double, stop: Double)] {
        var w = r.epochs(of: state).filter { $0.stop > $0.start }.map { (start: $0.start, stop: $0.stop) }
        if family == .seizure, state == SeizureAnalysis.ictalState, let span = SeizureAnalysis.balanceSpan(r) {
            w.append((start: span.start, stop: span.end))
        }
        w.sort { $0.start < $1.start || ($0.start == $1.start && $0.stop < $1.stop) }
        var merged: [(start: Double, stop: Double)] = []
        for x in w {
            if let last = merged.last, x.start <= last.stop {
                merged[merged.count - 1].stop = max(last.stop, x.stop)
            } else {
                merged.append(x)
            }
        }
        return merged
    }

    /// Surrogate trains of `kind` from sorted `trains` (seconds) inside sorted disjoint `windows`, drawing from
    /// `rng`. Each output train is sorted.
    public static func trains(_ trains: [[Double]], windows: [(start: Double, stop: Double)], kind: SurrogateKind,
                              rng: inout Xoshiro256StarStar) -> [[Double]] {
        // Index range of each unit's spikes in each window (binary search on sorted trains).
        func lower(_ t: [Double], _ x: Double) -> Int {
            var lo = 0, hi = t.count
            while lo < hi { let m = (lo + hi) / 2; if t[m] < x { lo = m + 1 } else { hi = m } }
            return lo
        }
        let ranges: [[Range<Int>]] = trains.map { t in windows.map { lower(t, $0.start)..<lower(t, $0.stop) } }
        var pieces: [[[Double]]] = trains.indices.map { u in ranges[u].map { Array(trains[u][$0]) } }
        switch kind {
        case .circularShift:
            for (w, win) in windows.enumerated() {
                let length = win.stop - win.start
                for u in trains.indices {
                    let o = rng.nextUnit() * length
                    pieces[u][w] = shifted(pieces[u][w], start: win.start, length: length, offset: o)
                }
            }
        case .isiPermutation:
            var labels: [UInt16] = []
            for u in trains.indices {
                for (w, win) in windows.enumerated() {
                    pieces[u][w] = permuted(pieces[u][w], stop: win.stop, rng: &rng, labels: &labels)
                }
            }
        }
        // Reassemble: spikes before, between and after the windows stay where they were.
        return trains.indices.map { u in
            let t = trains[u]
            var out: [Double] = []
            out.reserveCapacity(t.count)
            var pos = 0
            for (w, r) in ranges[u].enumerated() {
                out += t[pos..<r.lowerBound]
                out += pieces[u][w]
                pos = r.upperBound
            }
            out += t[pos...]
            return out
        }
    }

    /// A copy of `recording` whose spike trains are surrogate `member` of `family` in `state` (the observed
    /// recording itself for `.observed`).
    public static func recording(_ r: Recording, recordingID: String, state: String, family: MeasureFamily,
                                 member: Member, seed: UInt64) -> Recording {
        guard case let .surrogate(kind, index) = member else { return r }
        var g = rng(seed: seed, recordingID: recordingID, state: state, family: family, kind: kind, index: index)
        let observed = (0..<r.spikes.unitCount).map { Array(r.spikes[unit: $0]) }
        var out = r
        out.spikes = SpikeTrains(trains: trains(observed, windows: windows(recording: r, state: state, family: family),
                                                kind: kind, rng: &g))
        return out
    }

    /// Circular shift of sorted times in `[start, start + length)` by `offset`; sorted result, same count.
    static func shifted(_ t: [Double], start: Double, length: Double, offset: Double) -> [Double] {
        guard !t.isEmpty, length > 0 else { return t }
        var moved = t.map { x -> Double in
            var r = (x - start + offset).truncatingRemainder(dividingBy: length)
            if r < 0 { r += length }
            if r >= length { r = 0 }
            return start + r
        }
        // The wrap point splits the shifted train into two sorted runs: rotate, then fix rounding ties.
        if let k = moved.indices.dropFirst().first(where: { moved[$0] < moved[$0 - 1] }) {
            moved = Array(moved[k...] + moved[..<k])
        }
        var sorted = true
        for i in moved.indices.dropFirst() where moved[i] < moved[i - 1] { sorted = false; break }
        if !sorted { moved.sort() }
        return moved
    }

    /// ISI permutation of sorted times: first spike kept, intervals shuffled, rebuilt by cumulative sum; a spike
    /// at or past `stop` (possible only through rounding of the sum) is dropped (METHODS §5a).
    static func permuted(_ t: [Double], stop: Double, rng: inout Xoshiro256StarStar,
                         labels: inout [UInt16]) -> [Double] {
        let n = t.count
        guard n > 2 else { return t }
        var isi = (1..<n).map { t[$0] - t[$0 - 1] }
        if isi.count >= 65536 && labels.count < isi.count { labels = [UInt16](repeating: 0, count: isi.count) }
        isi.withUnsafeMutableBufferPointer { a in
            labels.withUnsafeMutableBufferPointer { lb in Kernels.shuffle(a, rng: &rng, labels: lb) }
        }
        var out = [Double]()
        out.reserveCapacity(n)
        var acc = t[0]
        out.append(acc)
        for k in 1..<n {
            acc += isi[k - 1]
            if acc >= stop { break }
            out.append(acc)
        }
        return out
    }
}
