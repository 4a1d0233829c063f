import Foundation
import Dispatch
import Kernels
import Recordings

/// Parameters of the functional check (METHODS §1, "optional functional check"). Times in seconds.
public struct ConnectionOptions: Sendable, Equatable, Codable {
    /// Cross-correlogram half-window and bin.
    public var window: Double = 0.025
    public var bin: Double = 0.0005
    /// Jittered surrogates per directed pair and the uniform jitter half-width applied to the target train.
    public var jitterCount: Int = 1000
    public var jitterHalfWidth: Double = 0.005
    /// Two-sided pointwise band: (alpha/2, 1 − alpha/2) quantiles of the surrogate counts (99 % band).
    public var alpha: Double = 0.01
    /// Excitatory: a bin above the band with lag in [excitatoryFrom, excitatoryTo).
    public var excitatoryFrom: Double = 0.001
    public var excitatoryTo: Double = 0.004
    /// Inhibitory: at least `inhibitoryMinBins` consecutive bins below the band with lag in [inhibitoryFrom, inhibitoryTo).
    public var inhibitoryFrom: Double = 0.001
    public var inhibitoryTo: Double = 0.006
    public var inhibitoryMinBins: Int = 2
    /// Same-electrode pairs: lags with |lag| below this are ignored.
    public var sameElectrodeDeadTime: Double = 0.001
    public var seed: UInt64 = 20_120_131

    public init() {}
}

/// A putative monosynaptic connection from `pre` to `post`.
public struct Connection: Sendable, Equatable, Codable {
    public enum Sign: String, Sendable, Codable { case excitatory, inhibitory }
    /// Unit indices in the recording and their ids.
    public var pre: Int, post: Int
    public var preID: Int64, postID: Int64
    public var sign: Sign
    /// Lag of the largest deviation from the surrogate mean among the significant bins (bin centre), ms.
    public var lagMs: Double
    /// Summed (observed − surrogate mean) over the significant bins, per reference spike: a transmission
    /// probability (positive, excitatory) or a suppression (negative, inhibitory).
    public var strength: Double

    public init(pre: Int, post: Int, preID: Int64, postID: Int64, sign: Sign, lagMs: Double, strength: Double) {
        self.pre = pre; self.post = post; self.preID = preID; self.postID = postID
        self.sign = sign; self.lagMs = lagMs; self.strength = strength
    }
}

/// The outcome of the connection check for one block of pairs.
public struct ConnectionCheckResult: Sendable, Equatable, Codable {
    public var connections: [Connection]
    /// Directed pairs tested.
    public var pairsTested: Int
}

/// Putative monosynaptic connections from cross-correlograms against jittered surrogates (METHODS §1).
///
/// Work is split into blocks of unordered unit pairs (i < j, in row-major order), each block independent of the
/// others and of the thread count: random streams are seeded from (seed, pre id, post id), so any split — threads
/// here, MPI ranks later — gives the same connections.
public enum ConnectionCheck {
    /// Number of unordered pairs of `n` units.
    public static func pairCount(units n: Int) -> Int { n * (n - 1) / 2 }

    /// The unordered pair with linear index `p` (row-major over i < j).
    public static func pair(_ p: Int, units n: Int) -> (Int, Int) {
        var i = 0, rem = p
        while rem >= n - 1 - i { rem -= n - 1 - i; i += 1 }
        return (i, i + 1 + rem)
    }

    /// Block `b` of `blocks` near-equal contiguous blocks of the pair indices.
    public static func pairBlock(_ b: Int, of blocks: Int, units n: Int) -> Range<Int> {
        let total = pairCount(units: n)
        return (total * b / blocks)..<(total * (b + 1) / blocks)
    }

    /// Tests both directions of every pair in `pairs` (all pairs when nil), in parallel over threads with
    /// `DispatchQueue.concurrentPerform`.
    /// - Parameters:
    ///   - units: restricts the test to these unit indices (nil: all). Pair indices refer to this list.
    ///   - electrodes: per unit index, an electrode id for the same-electrode rule (nil: unknown, rule off).
    public static func run(spikes: SpikeTrains, ids: [Int64], electrodes: [Int?]? = nil, units: [Int]? = nil,
                           pairs: Range<Int>? = nil, options: ConnectionOptions = ConnectionOptions())
        -> ConnectionCheckResult
    {
        let members = units ?? Array(0..<spikes.unitCount)
        let n = members.count
        let range = pairs ?? 0..<pairCount(units: n)
        let slots = Slots(count: range.count)
        // Pairs are decoded once per chunk, then advanced incrementally.
        let chunk = 64
        let chunks = (range.count + chunk - 1) / chunk
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let lo = range.lowerBound + c * chunk
            let hi = min(range.upperBound, lo + chunk)
            var (i, j) = pair(lo, units: n)
            for p in lo..<hi {
                let a = members[i], b = members[j]
                let same = electrodes.map { e in e[a] != nil && e[a] == e[b] } ?? false
                var found: [Connection] = []
                if let c = testDirected(spikes: spikes, pre: a, post: b, ids: ids, sameElectrode: same, options: options) {
                    found.append(c)
                }
                if let c = testDirected(spikes: spikes, pre: b, post: a, ids: ids, sameElectrode: same, options: options) {
                    found.append(c)
                }
                slots.set(p - range.lowerBound, found)
                j += 1
                if j == n { i += 1; j = i + 1 }
            }
        }
        return ConnectionCheckResult(connections: slots.values.flatMap { $0 }, pairsTested: 2 * range.count)
    }

    /// Tests one direction: does `pre` drive (or suppress) `post`? Jitters the `post` train.
    public static func testDirected(spikes: SpikeTrains, pre: Int, post: Int, ids: [Int64], sameElectrode: Bool,
                                    options o: ConnectionOptions) -> Connection? {
        let band = jitterBand(reference: spikes[unit: pre], target: spikes[unit: post],
                              from: min(o.excitatoryFrom, o.inhibitoryFrom), to: max(o.excitatoryTo, o.inhibitoryTo),
                              options: o, streams: [UInt64(bitPattern: ids[pre]), UInt64(bitPattern: ids[post])])
        let nPre = Double(spikes.count(unit: pre))
        guard nPre > 0 else { return nil }
        func inWindow(_ k: Int, _ from: Double, _ to: Double) -> Bool {
            let lag = band.lagStart + (Double(k) + 0.5) * o.bin
            if sameElectrode && abs(lag) < o.sameElectrodeDeadTime { return false }
            return lag >= from && lag < to
        }
        // Excitatory: any bin above the upper band.
        var excBins: [Int] = []
        for k in 0..<band.observed.count where inWindow(k, o.excitatoryFrom, o.excitatoryTo) {
            if Double(band.observed[k]) > band.upper[k] { excBins.append(k) }
        }
        // Inhibitory: runs of >= minBins consecutive bins below the lower band.
        var inhBins: [Int] = []
        var run: [Int] = []
        for k in 0..<band.observed.count {
            if inWindow(k, o.inhibitoryFrom, o.inhibitoryTo) && Double(band.observed[k]) < band.lower[k] {
                run.append(k)
            } else {
                if run.count >= o.inhibitoryMinBins { inhBins += run }
                run = []
            }
        }
        if run.count >= o.inhibitoryMinBins { inhBins += run }
        func summary(_ bins: [Int], pickMax: Bool) -> (lag: Double, strength: Double) {
            var s = 0.0, bestK = bins[0], bestV = -Double.infinity
            for k in bins {
                let dev = Double(band.observed[k]) - band.mean[k]
                s += dev
                let v = pickMax ? dev : -dev
                if v > bestV { bestV = v; bestK = k }
            }
            return ((band.lagStart + (Double(bestK) + 0.5) * o.bin) * 1000, s / nPre)
        }
        // If both occur, the larger absolute summed deviation decides.
        var best: Connection? = nil
        if !excBins.isEmpty {
            let s = summary(excBins, pickMax: true)
            best = Connection(pre: pre, post: post, preID: ids[pre], postID: ids[post], sign: .excitatory,
                              lagMs: s.lag, strength: s.strength)
        }
        if !inhBins.isEmpty {
            let s = summary(inhBins, pickMax: false)
            if best == nil || abs(s.strength) > abs(best!.strength) {
                best = Connection(pre: pre, post: post, preID: ids[pre], postID: ids[post], sign: .inhibitory,
                                  lagMs: s.lag, strength: s.strength)
            }
        }
        return best
    }

    /// Chance probability that an unconnected directed pair shows an excitatory (`sign == .excitatory`) or an
    /// inhibitory connection under the pointwise band: `1 − (1 − α/2)^b` for b excitatory bins, and
    /// `(b − 1)·(α/2)²` (two adjacent bins below the band, leading term) for b inhibitory bins.
    public static func chanceRate(_ sign: Connection.Sign, options o: ConnectionOptions) -> Double {
        let a = o.alpha / 2
        switch sign {
        case .excitatory:
            let b = Double(Int(((o.excitatoryTo - o.excitatoryFrom) / o.bin).rounded()))
            return 1 - pow(1 - a, b)
        case .inhibitory:
            let b = Double(Int(((o.inhibitoryTo - o.inhibitoryFrom) / o.bin).rounded()))
            return max(0, b - Double(o.inhibitoryMinBins - 1)) * pow(a, Double(o.inhibitoryMinBins))
        }
    }

    /// Marks units whose outgoing connections contradict their waveform class (METHODS §1): an I (FS) unit with
    /// excitatory outgoing connections, or an E (RS) unit with inhibitory ones, when (a) the contradicting
    /// connections outnumber the consistent ones and (b) their number is unlikely by chance: the binomial tail
    /// P(X ≥ k | n = `tested[u]` directed pairs, p = `chanceRate`) < `flagAlpha` [default 0.01]. Without (b) every unit
    /// with many partners would be flagged: the pointwise band lets ≈ 3 % of unconnected pairs through.
    /// Returns, per unit index, nil (no outgoing connection, or unclassified) or whether it contradicts.
    public static func contradictions(classes: [CellClass], connections: [Connection], tested: [Int],
                                      options o: ConnectionOptions = ConnectionOptions(),
                                      flagAlpha: Double = 0.01) -> [Bool?] {
        var exc = [Int](repeating: 0, count: classes.count), inh = exc
        for c in connections {
            if c.sign == .excitatory { exc[c.pre] += 1 } else { inh[c.pre] += 1 }
        }
        return classes.indices.map { u in
            guard exc[u] + inh[u] > 0 else { return nil }
            let (bad, good, sign): (Int, Int, Connection.Sign)
            switch classes[u] {
            case .inhibitory: (bad, good, sign) = (exc[u], inh[u], .excitatory)
            case .excitatory: (bad, good, sign) = (inh[u], exc[u], .inhibitory)
            case .unclassified: return nil
            }
            guard bad > good else { return false }
            return binomialUpperTail(k: bad, n: max(bad, tested[u]), p: chanceRate(sign, options: o)) < flagAlpha
        }
    }

    /// P(X ≥ k) for X ~ Binomial(n, p).
    public static func binomialUpperTail(k: Int, n: Int, p: Double) -> Double {
        if k <= 0 { return 1 }
        if k > n { return 0 }
        if p <= 0 { return 0 }
        if p >= 1 { return 1 }
        var total = 0.0
        for i in k...n {
            let logTerm = lgamma(Double(n + 1)) - lgamma(Double(i + 1)) - lgamma(Double(n - i + 1))
                + Double(i) * log(p) + Double(n - i) * log1p(-p)
            total += exp(logTerm)
        }
        return min(1, total)
    }
}

/// Observed cross-correlogram counts and the pointwise jitter band over lags [lagStart, lagStart + bins·bin).
public struct JitterBand: Sendable, Equatable {
    public var lagStart: Double
    public var observed: [Int]
    public var mean: [Double]
    public var lower: [Double]
    public var upper: [Double]
}

/// The cross-correlogram of `target` against `reference` over lags [from, to) (snapped outward to the ±window bin
/// grid) and its pointwise (alpha/2, 1 − alpha/2) band from `jitterCount` surrogates in which every target spike is
/// moved by an independent uniform offset in [−jitterHalfWidth, jitterHalfWidth) (METHODS §1).
///
/// Only target spikes within `jitterHalfWidth` of the lag range of some reference spike can land in it, so each
/// surrogate costs the number of such (reference, target) spike pairs, not the train lengths.
/// Quantiles are type 7 (linear interpolation) over the surrogate counts.
public func jitterBand<A: RandomAccessCollection, B: RandomAccessCollection>(
    reference: A, target: B, from: Double = -0.025, to: Double = 0.025, options o: ConnectionOptions,
    streams: [UInt64]
) -> JitterBand where A.Element == Double, B.Element == Double, A.Index == Int, B.Index == Int {
    let grid0 = -o.window
    let k0 = max(0, Int(((from - grid0) / o.bin + 1e-9).rounded(.down)))
    let k1 = min(Int((2 * o.window / o.bin).rounded()), Int(((to - grid0) / o.bin - 1e-9).rounded(.up)))
    let nb = max(0, k1 - k0)
    let lagStart = grid0 + Double(k0) * o.bin
    let span = Double(nb) * o.bin
    let J = o.jitterHalfWidth
    // For every target spike, the lags to reference spikes within [lagStart − J, lagStart + span + J].
    var deltas: [Double] = []
    var starts: [Int] = [0]
    var observed = [Int](repeating: 0, count: nb)
    do {
        var lo = reference.startIndex
        let end = reference.endIndex
        for t in target {
            // lag = t − r in [lagStart − J, lagStart + span + J]  ⇔  r in [t − lagStart − span − J, t − lagStart + J]
            let rMin = t - lagStart - span - J, rMax = t - lagStart + J
            while lo < end && reference[lo] < rMin { lo += 1 }
            var j = lo
            let before = deltas.count
            while j < end && reference[j] <= rMax {
                let d = t - reference[j]
                deltas.append(d - lagStart)
                let k = binIndex(d - lagStart, bin: o.bin, count: nb + 1)
                if k >= 0 && k < nb && d - lagStart < span { observed[k] += 1 }
                j += 1
            }
            if deltas.count > before { starts.append(deltas.count) }
        }
    }
    let nSur = o.jitterCount
    var rng = Xoshiro256StarStar(seed: o.seed, streams: streams)
    let groups = starts.count - 1
    // Work in bin units: y = (lag − lagStart)/bin + jitter/bin; window bin = floor(y) for 0 ≤ y < nb. The jitter is
    // continuous, so the edge convention does not matter for surrogates (unlike the observed counts above).
    // Every y lies in [−2·jShift, nb + 2·jShift]: a row of `width` slots offset by `off` takes every increment
    // without a branch; only the window's slots are read.
    let invBin = 1 / o.bin
    let jShift = J * invBin, jScale = 2 * J * invBin
    let off = Int((2 * jShift).rounded(.up)) + 1
    let width = nb + 2 * off + 1
    let scaled = deltas.map { $0 * invBin + Double(off) }
    var counts = [Int32](repeating: 0, count: nSur * width)
    scaled.withUnsafeBufferPointer { dp in
        starts.withUnsafeBufferPointer { sp in
            counts.withUnsafeMutableBufferPointer { cp in
                for s in 0..<nSur {
                    let row = cp.baseAddress! + s * width
                    for g in 0..<groups {
                        let u = rng.nextUnit() * jScale - jShift
                        var q = sp[g]
                        let end = sp[g + 1]
                        while q < end {
                            row[Int(dp[q] + u)] &+= 1
                            q += 1
                        }
                    }
                }
            }
        }
    }
    var mean = [Double](repeating: 0, count: nb), lower = mean, upper = mean
    var column = [Int32](repeating: 0, count: nSur)
    for k in 0..<nb {
        var sum = 0.0
        for s in 0..<nSur { column[s] = counts[s * width + off + k]; sum += Double(column[s]) }
        column.sort()
        mean[k] = nSur > 0 ? sum / Double(nSur) : 0
        lower[k] = quantile7(column, o.alpha / 2)
        upper[k] = quantile7(column, 1 - o.alpha / 2)
    }
    return JitterBand(lagStart: lagStart, observed: observed, mean: mean, lower: lower, upper: upper)
}

/// Type-7 quantile of sorted values.
func quantile7(_ sorted: [Int32], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return 0 }
    let h = Double(sorted.count - 1) * p
    let i = Int(h.rounded(.down))
    let f = h - Double(i)
    let a = Double(sorted[i]), b = Double(sorted[min(i + 1, sorted.count - 1)])
    return a + f * (b - a)
}

/// Result slots written by concurrent workers at distinct indices (one allocation, no shared Array mutation).
final class Slots: @unchecked Sendable {
    private let base: UnsafeMutablePointer<[Connection]>
    private let count: Int
    init(count: Int) {
        self.count = count
        base = .allocate(capacity: max(1, count))
        base.initialize(repeating: [], count: count)
    }
    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }
    func set(_ i: Int, _ v: [Connection]) { base[i] = v }
    var values: [[Connection]] { Array(UnsafeBufferPointer(start: base, count: count)) }
}
