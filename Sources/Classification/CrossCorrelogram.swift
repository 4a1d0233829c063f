/// Cross-correlogram of two sorted spike trains (seconds): counts of `t_target − t_reference` in bins of width
/// `bin` over `[−window, window)` (METHODS §1: ±25 ms, 0.5 ms bins [default]).
///
/// Bin `k` covers `[−window + k·bin, −window + (k+1)·bin)`; there are `round(2·window/bin)` bins. A lag on a bin edge
/// lands in exactly one bin (the bin index is computed once with a guarded floor).
public func crossCorrelogram<A: RandomAccessCollection, B: RandomAccessCollection>(
    reference: A, target: B, window: Double = 0.025, bin: Double = 0.0005
) -> [Int] where A.Element == Double, B.Element == Double, A.Index == Int, B.Index == Int {
    let nBins = Int((2 * window / bin).rounded())
    var counts = [Int](repeating: 0, count: nBins)
    var lo = target.startIndex
    let end = target.endIndex
    for t in reference {
        while lo < end && target[lo] < t - window { lo += 1 }
        var j = lo
        while j < end {
            let d = target[j] - t
            if d >= window { break }
            let k = binIndex(d + window, bin: bin, count: nBins)
            if k >= 0 { counts[k] += 1 }
            j += 1
        }
    }
    return counts
}

/// floor(x / bin) clamped to [0, count); −1 when x < 0.
@inline(__always)
func binIndex(_ x: Double, bin: Double, count: Int) -> Int {
    if x < 0 { return -1 }
    var k = Int(x / bin)
    // Guard the floor against rounding: x/bin may round up across an integer.
    if k > 0 && Double(k) * bin > x { k -= 1 }
    return min(k, count - 1)
}
