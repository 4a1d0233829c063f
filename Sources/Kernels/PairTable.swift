/// The joint histogram of (c_E(k), c_I(k)) over the K bins of one scale (METHODS §3.1–3.5 depend on the two count
/// series only through it: sums and moments, the sorted marginals of §3.1/§3.5, the sorted fluctuation of §3.4 and
/// the §3.2 pair matrix). Cell (a, b) counts the bins with c_E = minE + a and c_I = minI + b (row-major,
/// `rangeE × rangeI` cells).
struct PairTable {
    var minE: Int32, minI: Int32
    var rangeE: Int, rangeI: Int
    var cells: [Int]

    /// Cells at most this many are filled into four interleaved sub-tables (so that runs of equal pairs, the
    /// common case at fine scales, do not serialise on one counter), then summed; larger tables are filled directly.
    static let interleavedLimit = 2048

    /// Fills the table of two series of equal length whose values lie in `[minE, maxE]`, `[minI, maxI]`.
    init(e: UnsafeBufferPointer<Int32>, i: UnsafeBufferPointer<Int32>, minE: Int32, maxE: Int32, minI: Int32,
         maxI: Int32) {
        precondition(e.count == i.count)
        let n = e.count
        self.minE = minE; self.minI = minI
        rangeE = Int(maxE) - Int(minE) + 1; rangeI = Int(maxI) - Int(minI) + 1
        let size = rangeE * rangeI
        var t = [Int](repeating: 0, count: size)
        guard n > 0 else { cells = t; return }
        let pe = e.baseAddress!, pi = i.baseAddress!
        let lo0 = Int(minE), lo1 = Int(minI), rI = rangeI
        if size <= Self.interleavedLimit {
            // Four UInt32 sub-tables, flushed into `t` every 2²⁸ bins so no counter can wrap.
            let sub = UnsafeMutablePointer<UInt32>.allocate(capacity: 4 * size)
            defer { sub.deallocate() }
            let vE = SIMD8<Int32>(repeating: minE), vI = SIMD8<Int32>(repeating: minI)
            let vR = SIMD8<Int32>(repeating: Int32(rI))
            let s1 = sub + size, s2 = sub + 2 * size, s3 = sub + 3 * size
            var start = 0
            while start < n {
                let end = min(n, start + (1 << 28))
                sub.initialize(repeating: 0, count: 4 * size)
                var j = start
                while j + 8 <= end {
                    let a = UnsafeRawPointer(pe + j).loadUnaligned(as: SIMD8<Int32>.self)
                    let b = UnsafeRawPointer(pi + j).loadUnaligned(as: SIMD8<Int32>.self)
                    let key = (a &- vE) &* vR &+ (b &- vI)
                    sub[Int(key[0])] &+= 1; s1[Int(key[1])] &+= 1; s2[Int(key[2])] &+= 1; s3[Int(key[3])] &+= 1
                    sub[Int(key[4])] &+= 1; s1[Int(key[5])] &+= 1; s2[Int(key[6])] &+= 1; s3[Int(key[7])] &+= 1
                    j += 8
                }
                while j < end { sub[(Int(pe[j]) - lo0) * rI + (Int(pi[j]) - lo1)] &+= 1; j += 1 }
                for c in 0 ..< size { t[c] &+= Int(sub[c]) + Int(s1[c]) + Int(s2[c]) + Int(s3[c]) }
                start = end
            }
        } else {
            t.withUnsafeMutableBufferPointer { tp in
                for j in 0 ..< n { tp[(Int(pe[j]) - lo0) * rI + (Int(pi[j]) - lo1)] &+= 1 }
            }
        }
        cells = t
    }

    /// The table and the extrema (K, minima, maxima; sums zero) of two series whose counts all lie in
    /// `0 ..< bound`, in one pass (no separate extrema pass); nil as soon as a count outside that range is seen.
    /// Same interleaved sub-tables as `init`; the table is then cut to the rows and columns that occur.
    static func small(e: UnsafeBufferPointer<Int32>, i: UnsafeBufferPointer<Int32>, bound: Int32 = 32)
        -> (table: PairTable, extrema: CountMoments)? {
        precondition(e.count == i.count)
        let n = e.count, b = Int(bound), size = b * b
        guard n > 0 else { return nil }
        let pe = e.baseAddress!, pi = i.baseAddress!
        var t = [Int](repeating: 0, count: size)
        let sub = UnsafeMutablePointer<UInt32>.allocate(capacity: 4 * size)
        defer { sub.deallocate() }
        let s1 = sub + size, s2 = sub + 2 * size, s3 = sub + 3 * size
        let vB = SIMD8<UInt32>(repeating: UInt32(bound))
        var start = 0
        while start < n {
            let end = min(n, start + (1 << 28))
            sub.initialize(repeating: 0, count: 4 * size)
            var j = start
            while j + 8 <= end {
                let a = SIMD8<UInt32>(truncatingIfNeeded: UnsafeRawPointer(pe + j).loadUnaligned(as: SIMD8<Int32>.self))
                let c = SIMD8<UInt32>(truncatingIfNeeded: UnsafeRawPointer(pi + j).loadUnaligned(as: SIMD8<Int32>.self))
                // A negative count wraps to ≥ 2³¹ and fails the same unsigned test.
                if any((a .>= vB) .| (c .>= vB)) { return nil }
                let key = a &* vB &+ c
                sub[Int(key[0])] &+= 1; s1[Int(key[1])] &+= 1; s2[Int(key[2])] &+= 1; s3[Int(key[3])] &+= 1
                sub[Int(key[4])] &+= 1; s1[Int(key[5])] &+= 1; s2[Int(key[6])] &+= 1; s3[Int(key[7])] &+= 1
                j += 8
            }
            while j < end {
                let a = pe[j], c = pi[j]
                if a < 0 || a >= bound || c < 0 || c >= bound { return nil }
                sub[Int(a) * b + Int(c)] &+= 1
                j += 1
            }
            for x in 0 ..< size { t[x] &+= Int(sub[x]) + Int(s1[x]) + Int(s2[x]) + Int(s3[x]) }
            start = end
        }
        var minE = b, maxE = -1, minI = b, maxI = -1
        for a in 0 ..< b {
            for c in 0 ..< b where t[a * b + c] != 0 {
                minE = min(minE, a); maxE = max(maxE, a); minI = min(minI, c); maxI = max(maxI, c)
            }
        }
        var table = PairTable(minE: Int32(minE), minI: Int32(minI), rangeE: maxE - minE + 1, rangeI: maxI - minI + 1,
                              cells: [])
        table.cells.reserveCapacity(table.rangeE * table.rangeI)
        for a in minE ... maxE { for c in minI ... maxI { table.cells.append(t[a * b + c]) } }
        let x = CountMoments(count: n, sumE: 0, sumI: 0, sumEE: 0, sumII: 0, sumEI: 0, minE: Int32(minE),
                             maxE: Int32(maxE), minI: Int32(minI), maxI: Int32(maxI))
        return (table, x)
    }

    init(minE: Int32, minI: Int32, rangeE: Int, rangeI: Int, cells: [Int]) {
        self.minE = minE; self.minI = minI; self.rangeE = rangeE; self.rangeI = rangeI; self.cells = cells
    }

    /// `Kernels.countMoments` of the series, from the table: every sum is an integer, so summing by cell gives the
    /// same value as summing by bin (the same Int64 arithmetic modulo 2⁶⁴ as `countMoments`' wrapping path).
    func moments(extrema x: CountMoments) -> CountMoments {
        var m = x
        var sE: Int64 = 0, sI: Int64 = 0, sEE: Int64 = 0, sII: Int64 = 0, sEI: Int64 = 0
        for a in 0 ..< rangeE {
            let ve = Int64(a) &+ Int64(minE)
            var wRow: Int64 = 0, wI: Int64 = 0, wII: Int64 = 0
            for b in 0 ..< rangeI {
                let w = Int64(cells[a * rangeI + b])
                if w == 0 { continue }
                let vi = Int64(b) &+ Int64(minI)
                wRow &+= w; wI &+= w &* vi; wII &+= w &* vi &* vi
            }
            sE &+= wRow &* ve; sEE &+= wRow &* ve &* ve
            sI &+= wI; sII &+= wII; sEI &+= wI &* ve
        }
        m.sumE = sE; m.sumI = sI; m.sumEE = sEE; m.sumII = sII; m.sumEI = sEI
        return m
    }

    /// The distinct pairs ascending by (c_E, c_I) with their multiplicities.
    func weightedPairs() -> [WeightedCountPair] {
        var pairs: [WeightedCountPair] = []
        for a in 0 ..< rangeE {
            for b in 0 ..< rangeI where cells[a * rangeI + b] != 0 {
                pairs.append(WeightedCountPair(e: Int32(a + Int(minE)), i: Int32(b + Int(minI)),
                                               weight: cells[a * rangeI + b]))
            }
        }
        return pairs
    }
}
