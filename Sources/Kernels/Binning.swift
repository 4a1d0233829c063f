#if canImport(Glibc)
import Glibc
#endif

/// Exact half-open binning of spike times (METHODS §2).
///
/// Bin k of a grid with origin `t0` and width `w` (seconds) is `[edge(k), edge(k+1))` with
/// `edge(k) = t0 + Double(k) * w` evaluated in IEEE double exactly as written. Because `edge` is monotone in k,
/// the bins partition the line: every time lands in exactly one bin, and a time equal to `edge(k)` lands in bin k.
/// The index is a floor of `(t − t0)/w` guarded by comparisons against the two edges (the float quotient can be
/// off by one next to an edge; the guard makes it exact with respect to `edge`).
public struct BinGrid: Sendable, Equatable {
    /// Origin t0, seconds (the epoch start).
    public var origin: Double
    /// Bin width Δt, seconds.
    public var width: Double
    @usableFromInline var inverse: Double

    public init(origin: Double, width: Double) {
        precondition(width > 0 && width.isFinite, "bin width must be positive")
        self.origin = origin; self.width = width; self.inverse = 1 / width
    }

    /// The left edge of bin k, seconds: `origin + Double(k) * width`.
    @inlinable @inline(__always)
    public func edge(_ k: Int) -> Double { origin + Double(k) * width }

    /// The bin holding time `t` (seconds): the k with `edge(k) <= t < edge(k+1)`.
    @inlinable @inline(__always)
    public func index(_ t: Double) -> Int {
        let k = Int(((t - origin) * inverse).rounded(.down))
        // Branch-free guard (the quotient is off by one only next to an edge): −1 below edge(k), +1 at/after edge(k+1).
        let down = t < edge(k) ? 1 : 0, up = t >= edge(k + 1) ? 1 : 0
        return k - down + up
    }

    /// Number of whole bins inside `[origin, stop)`: the largest K with `edge(K) <= stop` (a partial last bin is
    /// dropped, METHODS §2 [default]). 0 when `stop <= origin`.
    public func fullBinCount(stop: Double) -> Int {
        if !(stop > origin) { return 0 }
        var k = Int(((stop - origin) * inverse).rounded(.down))
        while edge(k + 1) <= stop { k += 1 }
        while k > 0 && edge(k) > stop { k -= 1 }
        return k
    }
}

extension Kernels {
    /// Δt_s in milliseconds of 1-based scale s: `exp(0.3 (s − 1))` (METHODS §2 [figure, SE]; 1 ms … 10.94 s).
    @inlinable
    public static func scaleMilliseconds(_ s: Int) -> Double { exp(0.3 * Double(s - 1)) }

    /// Δt_s in seconds of 1-based scale s (`scaleMilliseconds(s) / 1000`), the width every scale is binned with.
    @inlinable
    public static func scaleSeconds(_ s: Int) -> Double { scaleMilliseconds(s) / 1000 }

    /// Spike counts per half-open bin (METHODS §2) of one sorted train over the whole bins of `[start, stop)` at
    /// width `width` seconds — the direct (scatter) definition, used as a reference and for short inputs.
    /// Times outside `[start, edge(K))` are ignored. Returns K counts.
    public static func binCounts(_ times: UnsafeBufferPointer<Double>, start: Double, stop: Double,
                                 width: Double) -> [Int32] {
        let grid = BinGrid(origin: start, width: width)
        let k = grid.fullBinCount(stop: stop)
        var out = [Int32](repeating: 0, count: k)
        for t in times where t >= start && t < stop {
            let j = grid.index(t)
            if j >= 0 && j < k { out[j] += 1 }
        }
        return out
    }
}
