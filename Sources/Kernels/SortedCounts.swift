/// A sorted multiset: distinct integer values ascending, each with its multiplicity (METHODS §11: the bin counts
/// are small integers, so order statistics, quantiles, Lorenz and collapse curves come from a histogram in O(K)
/// rather than a comparison sort in O(K log K)).
public struct SortedCounts: Sendable, Equatable {
    public var values: [Int64]
    public var weights: [Int]
    /// Total multiplicity K.
    public var total: Int

    public init(values: [Int64], weights: [Int]) {
        self.values = values; self.weights = weights; self.total = weights.reduce(0, +)
    }

    /// The sorted multiset of `series` whose range is `[minValue, maxValue]`: a counting histogram when the range is
    /// at most `4·K + 65536` wide, else a comparison sort.
    public init(series: UnsafeBufferPointer<Int32>, minValue: Int32, maxValue: Int32) {
        let n = series.count
        let range = Int(maxValue) - Int(minValue) + 1
        var v: [Int64] = [], w: [Int] = []
        if n > 0 && range <= 4 * n + 65536 {
            var h = [Int](repeating: 0, count: range)
            let lo = Int(minValue)
            h.withUnsafeMutableBufferPointer { hp in
                for x in series { hp[Int(x) - lo] &+= 1 }
            }
            for (j, c) in h.enumerated() where c > 0 { v.append(Int64(j + lo)); w.append(c) }
        } else if n > 0 {
            let s = series.map { Int64($0) }.sorted()
            Self.runLength(s, &v, &w)
        }
        self.values = v; self.weights = w; self.total = n
    }

    /// Run-length encodes a sorted array.
    static func runLength(_ s: [Int64], _ v: inout [Int64], _ w: inout [Int]) {
        var j = 0
        while j < s.count {
            var e = j + 1
            while e < s.count && s[e] == s[j] { e += 1 }
            v.append(s[j]); w.append(e - j)
            j = e
        }
    }

    /// The r-th smallest value (0-based rank).
    public func orderStatistic(_ r: Int) -> Int64 {
        var acc = 0
        for (j, w) in weights.enumerated() { acc += w; if r < acc { return values[j] } }
        return values.last ?? 0
    }

    /// Partial sums of the sorted values, linearly interpolated, at positions x = 0, 1/(P−1), …, 1 of the rank axis
    /// x = j/K: `C(x) = C(j0) + (xK − j0)·v_(j0+1)` with `C(j) = Σ_{i≤j} v_(i)`. Returned in value units (Double).
    public func cumulativeCurve(points: Int) -> [Double] {
        precondition(points >= 2)
        var out = [Double](repeating: 0, count: points)
        let k = total
        var entry = 0, before = 0              // entries fully consumed: `before` ranks
        var sumBefore: Int64 = 0
        for m in 0 ..< points {
            let pos = Double(m) / Double(points - 1) * Double(k)
            let j0 = min(Int(pos.rounded(.down)), k)
            while entry < values.count && before + weights[entry] <= j0 {
                sumBefore &+= values[entry] &* Int64(weights[entry]); before += weights[entry]; entry += 1
            }
            var c = Double(sumBefore)
            if entry < values.count {
                c += Double(Int64(j0 - before) &* values[entry])
                let frac = pos - Double(j0)
                if frac > 0 { c += frac * Double(values[entry]) }
            }
            out[m] = c
        }
        return out
    }
}
