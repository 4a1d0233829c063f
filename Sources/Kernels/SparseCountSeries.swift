/// The E and I spike-count series of one scale kept as their nonzero bins only (issue 18 item 8; METHODS §2, §11):
/// memory in proportion to the spikes, whatever K is. A 48-h sparse recording has K = 172.8 million bins at 1 ms
/// but a few thousand nonzero ones. Every measure of `Kernels.scaleMeasures(sparse:options:)` equals the dense
/// kernel's on the same counts (the moments are exact integers and the rest follows from the joint distribution of
/// (c_E, c_I)), except ρ(l) of §3.6, which is formed in closed form here and agrees to rounding.
public struct SparseCountSeries: Sendable {
    /// Bin width, seconds.
    public var width: Double
    /// Whole bins K of each epoch, and their sum.
    public var epochBins: [Int]
    public var binCount: Int
    /// Global indices (epochs concatenated) of the bins with an E or an I spike, ascending, with their counts.
    public var bins: [Int]
    public var e: [Int32]
    public var i: [Int32]

    /// The counts at `width` seconds of two trains over the same epochs (the E and I ensembles).
    public init(_ a: SparsePooledTrain, _ b: SparsePooledTrain, width: Double) {
        precondition(a.epochs == b.epochs, "both trains must share their epochs")
        let ea = a.nonzeroBins(width: width), eb = b.nonzeroBins(width: width)
        self.width = width
        epochBins = ea.epochBins
        binCount = ea.epochBins.reduce(0, +)
        bins = []; e = []; i = []
        var p = 0, q = 0
        while p < ea.bins.count || q < eb.bins.count {
            let x = p < ea.bins.count ? ea.bins[p] : Int.max, y = q < eb.bins.count ? eb.bins[q] : Int.max
            let j = min(x, y)
            bins.append(j)
            e.append(x == j ? ea.counts[p] : 0); i.append(y == j ? eb.counts[q] : 0)
            if x == j { p += 1 }
            if y == j { q += 1 }
        }
    }

    /// Writes the K dense counts of E and I to `outE`, `outI` (capacity ≥ K each).
    public func dense(into outE: UnsafeMutablePointer<Int32>, _ outI: UnsafeMutablePointer<Int32>) {
        outE.update(repeating: 0, count: binCount); outI.update(repeating: 0, count: binCount)
        for (n, j) in bins.enumerated() { outE[j] = e[n]; outI[j] = i[n] }
    }

    /// `Kernels.countMoments` of the dense series, from the nonzero bins (exact).
    public var moments: CountMoments {
        var m = CountMoments(count: binCount, sumE: 0, sumI: 0, sumEE: 0, sumII: 0, sumEI: 0,
                             minE: 0, maxE: 0, minI: 0, maxI: 0)
        guard binCount > 0 else { return m }
        var withE = 0, withI = 0
        var minE = Int32.max, minI = Int32.max
        for n in bins.indices {
            let a = Int64(e[n]), b = Int64(i[n])
            m.sumE += a; m.sumI += b; m.sumEE += a * a; m.sumII += b * b; m.sumEI += a * b
            if e[n] > 0 { withE += 1; minE = min(minE, e[n]); m.maxE = max(m.maxE, e[n]) }
            if i[n] > 0 { withI += 1; minI = min(minI, i[n]); m.maxI = max(m.maxI, i[n]) }
        }
        m.minE = withE < binCount ? 0 : minE
        m.minI = withI < binCount ? 0 : minI
        return m
    }

    /// The distinct (c_E, c_I) pairs over all K bins, ascending, with their multiplicities (the empty bins are the
    /// pair (0, 0)).
    func weightedPairs() -> [WeightedCountPair] {
        var pairs = zip(e, i).map { (e: $0, i: $1) }
        pairs.sort { $0.e != $1.e ? $0.e < $1.e : $0.i < $1.i }
        var out: [WeightedCountPair] = []
        let empty = binCount - bins.count
        if empty > 0 { out.append(WeightedCountPair(e: 0, i: 0, weight: empty)) }
        for p in pairs {
            if let last = out.last, last.e == p.e, last.i == p.i { out[out.count - 1].weight += 1 }
            else { out.append(WeightedCountPair(e: p.e, i: p.i, weight: 1)) }
        }
        return out
    }

    /// Sum of the E (or I) counts of the bins with global index in `range`.
    func sum(_ of: KeyPath<SparseCountSeries, [Int32]>, _ range: Range<Int>) -> Int64 {
        var lo = 0, hi = bins.count
        while lo < hi { let mid = (lo + hi) >> 1; if bins[mid] < range.lowerBound { lo = mid + 1 } else { hi = mid } }
        let c = self[keyPath: of]
        var s: Int64 = 0
        var n = lo
        while n < bins.count && bins[n] < range.upperBound { s += Int64(c[n]); n += 1 }
        return s
    }

    /// `Kernels.crossCorrelation` of the dense series (METHODS §3.6), in closed form: for lag l over the
    /// n_l = K − |l| bins k where both exist, `Σ (c_E(k) − m_E)(c_I(k+l) − m_I) = Σ c_E c_I − m_I·ΣE_l − m_E·ΣI_l
    /// + n_l·m_E·m_I`, with the exact integer sums `Σ c_E(k) c_I(k+l)` (over pairs of nonzero bins), ΣE_l and ΣI_l;
    /// divided by `K · sd_E · sd_I` (population sd). nil when either series has zero variance.
    public func crossCorrelation(maxLag: Int, moments m: CountMoments) -> [Double]? {
        let n = binCount
        let lag = min(maxLag, n - 1)
        guard lag >= 0, n > 0 else { return nil }
        let ve = m.varianceE, vi = m.varianceI
        guard ve > 0, vi > 0 else { return nil }
        let meanE = Double(m.sumE) / Double(n), meanI = Double(m.sumI) / Double(n)
        var products = [Int64](repeating: 0, count: 2 * lag + 1)
        var q0 = 0
        for p in bins.indices where e[p] > 0 {
            while q0 < bins.count && bins[q0] < bins[p] - lag { q0 += 1 }
            var q = q0
            while q < bins.count && bins[q] <= bins[p] + lag {
                if i[q] > 0 { products[bins[q] - bins[p] + lag] += Int64(e[p]) * Int64(i[q]) }
                q += 1
            }
        }
        let norm = Double(n) * ve.squareRoot() * vi.squareRoot()
        return (-lag ... lag).map { l in
            // k runs over [max(0, −l), min(K, K − l)); k + l over [max(0, l), min(K, K + l)).
            let sumE = m.sumE - (l > 0 ? sum(\.e, (n - l) ..< n) : sum(\.e, 0 ..< -l))
            let sumI = m.sumI - (l > 0 ? sum(\.i, 0 ..< l) : sum(\.i, (n + l) ..< n))
            let s = Double(products[l + lag]) - meanI * Double(sumE) - meanE * Double(sumI)
                + Double(n - abs(l)) * meanE * meanI
            return s / norm
        }
    }

    /// `Kernels.resampleZScores` of this series' E (`ofE`) or I counts onto the reference grid (METHODS §3.7), as
    /// a `ZScoreRow`: every reference bin none of whose covering bins holds a spike has the z-score of a zero count;
    /// the others, and the bins past an epoch's last whole bin (NaN), are listed, with the same exact arithmetic.
    public func resampledZScores(ofE: Bool, gridWidth: Double, gridEpochBins: [Int], mean: Double,
                                 sd: Double) -> ZScoreRow {
        let total = gridEpochBins.reduce(0, +)
        guard sd > 0 else { return ZScoreRow(count: total, base: .nan, exceptions: []) }
        let counts = ofE ? e : i
        let (mw, ew) = Kernels.binaryRational(width), (mg, eg) = Kernels.binaryRational(gridWidth)
        let e0 = min(ew, eg)
        let dt = mw << (ew - e0), d20 = mg << (eg - e0)
        var exceptions: [(index: Int, value: Double)] = []
        // Cumulative counts over the nonzero bins: sum of bins < global index g = cumulative[lowerBound(g)].
        var cumulative = [Int64](repeating: 0, count: bins.count + 1)
        for n in bins.indices { cumulative[n + 1] = cumulative[n] + Int64(counts[n]) }
        func lowerBound(_ g: Int) -> Int {
            var lo = 0, hi = bins.count
            while lo < hi { let mid = (lo + hi) >> 1; if bins[mid] < g { lo = mid + 1 } else { hi = mid } }
            return lo
        }
        func count(_ g: Int) -> Int64 {
            let n = lowerBound(g)
            return n < bins.count && bins[n] == g ? Int64(counts[n]) : 0
        }
        var src = 0, dst = 0, cursor = 0
        for (ep, kb) in epochBins.enumerated() {
            let gm = gridEpochBins[ep]
            // The value of reference bin m of this epoch, or nil when no whole bin overlaps it.
            func value(_ m: Int) -> Double? {
                let lo = Int128(m) * d20, hi = lo + d20
                let ka = lo / dt
                let kbLast = min((hi + dt - 1) / dt - 1, Int128(kb - 1))
                guard ka <= kbLast else { return nil }
                let i0 = Int(ka), i1 = Int(kbLast)
                if i0 == i1 { return Double(count(src + i0)) }
                let wa = Int128(i0 + 1) * dt - lo
                let wb = min(hi, Int128(i1 + 1) * dt) - Int128(i1) * dt
                let inner = Int128(cumulative[lowerBound(src + i1)] - cumulative[lowerBound(src + i0 + 1)])
                let den = wa + Int128(i1 - i0 - 1) * dt + wb
                let num = Int128(count(src + i0)) * wa + inner * dt + Int128(count(src + i1)) * wb
                let (q, r) = num.quotientAndRemainder(dividingBy: den)
                return r == 0 ? Kernels.double(q) : Kernels.double(q) + Kernels.double(r) / Kernels.double(den)
            }
            // Reference bins touched by a nonzero bin j: m·W < (j+1)·w and (m+1)·W > j·w.
            var next = 0
            while cursor < bins.count && bins[cursor] < src + kb {
                let j = Int128(bins[cursor] - src)
                defer { cursor += 1 }
                if counts[cursor] == 0 { continue }
                let first = max(Int(j * dt / d20), next)
                let last = min(Int(((j + 1) * dt + d20 - 1) / d20) - 1, gm - 1)
                if first > last { continue }
                for m in first ... last {
                    exceptions.append((dst + m, value(m).map { ($0 - mean) / sd } ?? .nan))
                }
                next = last + 1
            }
            // The reference bins past the last whole bin (a suffix of the epoch's grid) are NaN.
            var m = gm - 1
            var tail: [Int] = []
            while m >= next && value(m) == nil { tail.append(dst + m); m -= 1 }
            for g in tail.reversed() { exceptions.append((g, .nan)) }
            src += kb; dst += gm
        }
        return ZScoreRow(count: total, base: (0.0 - mean) / sd, exceptions: exceptions)
    }
}

/// One scale's z-scored series on the reference grid (METHODS §3.7), stored as the value most cells share (the
/// z-score of a zero count) and the cells that differ, ascending (NaN = no overlap).
public struct ZScoreRow: Sendable {
    public var count: Int
    public var base: Double
    public var exceptions: [(index: Int, value: Double)]

    public init(count: Int, base: Double, exceptions: [(index: Int, value: Double)]) {
        self.count = count; self.base = base; self.exceptions = exceptions
    }

    /// A dense row kept as the cells that differ (bit for bit) from `base`.
    public init(dense row: [Double], base: Double) {
        count = row.count
        self.base = base
        exceptions = []
        for (m, v) in row.enumerated() where v.bitPattern != base.bitPattern { exceptions.append((m, v)) }
    }

    /// The finite values with their multiplicities (for the pooled thresholds).
    func finiteValues(into out: inout [(value: Double, weight: Int)]) {
        if base.isFinite, count > exceptions.count { out.append((base, count - exceptions.count)) }
        for x in exceptions where x.value.isFinite { out.append((x.value, 1)) }
    }

    /// Levels of every cell (`Kernels.quantiseLevel`; −1 for NaN).
    public func levels(thresholds: [Double]) -> [Int8] {
        var out = [Int8](repeating: base.isFinite ? Int8(Kernels.quantiseLevel(base, thresholds: thresholds)) : -1,
                         count: count)
        for x in exceptions { out[x.index] = x.value.isFinite ? Int8(Kernels.quantiseLevel(x.value, thresholds: thresholds)) : -1 }
        return out
    }
}

extension Kernels {
    /// `scaleMeasures(e:i:options:)` of the dense series of `s`, from its nonzero bins: the same values (ρ(l) of
    /// §3.6 to rounding, see `SparseCountSeries.crossCorrelation`).
    public static func scaleMeasures(sparse s: SparseCountSeries, options o: ScaleOptions) -> ScaleMeasures {
        let k = s.binCount
        guard k >= 2 else { return ScaleMeasures.tooFewBins(k) }
        let m = s.moments
        var r = ScaleMeasures.start(moments: m, crossCorrelation: s.crossCorrelation(maxLag: o.maxLag, moments: m),
                                    options: o)
        finish(&r, moments: m, pairs: s.weightedPairs(), grid: pairGrid(m, size: o.gridSize), options: o)
        return r
    }

    /// `equalFrequencyThresholds` of the finite values of `rows` (METHODS §3.7), from their multiplicities: the
    /// same order statistics, so the same thresholds. Returns nil when fewer than 2 values are finite.
    public static func equalFrequencyThresholds(rows: [ZScoreRow], levels: Int) -> [Double]? {
        var values: [(value: Double, weight: Int)] = []
        for r in rows { r.finiteValues(into: &values) }
        let n = values.reduce(0) { $0 + $1.weight }
        guard n >= 2 else { return nil }
        guard levels > 1 else { return [] }
        values.sort { $0.value < $1.value }
        var starts: [Int] = [], acc = 0
        for v in values { starts.append(acc); acc += v.weight }
        func order(_ rank: Int) -> Double {
            var lo = 0, hi = starts.count
            while lo < hi { let mid = (lo + hi) >> 1; if starts[mid] <= rank { lo = mid + 1 } else { hi = mid } }
            return values[lo - 1].value
        }
        return (1 ..< levels).map { l in
            let h = Double(n - 1) * (Double(l) / Double(levels))
            let lo = Int(h.rounded(.down))
            let a = order(lo)
            guard lo + 1 < n else { return a }
            return a + (h - Double(lo)) * (order(lo + 1) - a)
        }
    }
}
