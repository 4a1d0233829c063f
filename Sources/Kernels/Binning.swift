#if canImport(Glibc)
import Glibc
#endif

/// Half-open binning of spike times with the edge rule of METHODS §2 (revised 2026-12; normative).
///
/// Bin k of a grid with origin `t0` and width `Δt` (seconds) is `[t0 + kΔt, t0 + (k+1)Δt)`. A time t goes to
/// bin `k = ⌊q⌋` with `q = (t − t0)/Δt` computed in double, **except** that a time within `1e-8` bin widths below
/// an edge is on that edge: if `(k + 1) − q ≤ 1e-8` it goes to bin `k + 1`. This is Elephant's
/// `BinnedSpikeTrain` rule (`tolerance = 1e-8`); for sample-quantised times (30 kHz ticks at 1 ms bins) it gives
/// the counts of exact integer-tick arithmetic, where comparing a spike with an edge double `t0 + kΔt` would send
/// a spike lying on an edge to either side depending on the last ulp. The number of whole bins K of an epoch
/// `[t0, stop)` is the same rule applied to `stop`. The index is monotone in t, so the bins partition the line.
public struct BinGrid: Sendable, Equatable {
    /// Origin t0, seconds (the epoch start).
    public var origin: Double
    /// Bin width Δt, seconds.
    public var width: Double { didSet { inverseWidth = 1 / width } }
    /// `1/Δt` rounded to double, 1/seconds: the fast path of `index` multiplies by it (see `index`).
    public private(set) var inverseWidth: Double

    /// The edge tolerance of METHODS §2, in bin widths.
    public static let edgeTolerance = 1e-8

    /// Half-width, in bins, of the band around every integer in which `index` falls back to the division of the
    /// rule (see `index` for why 1e-6 suffices).
    public static let fastPathMargin = 1e-6
    /// Largest |q| for which the fast path of `index` is used (2^30 ≈ 1.07e9 bins).
    public static let fastPathLimit = 0x1p30

    public init(origin: Double, width: Double) {
        precondition(width > 0 && width.isFinite, "bin width must be positive")
        self.origin = origin; self.width = width; self.inverseWidth = 1 / width
    }

    /// The left edge of bin k, seconds: `origin + Double(k) * width` (for drawing and for locating an edge;
    /// bin membership is decided by `index`, not by comparing with this double).
    @inlinable @inline(__always)
    public func edge(_ k: Int) -> Double { origin + Double(k) * width }

    /// The METHODS §2 rule on a bin coordinate q = (t − t0)/Δt: ⌊q⌋, or ⌊q⌋ + 1 when `(⌊q⌋ + 1) − q ≤ 1e-8`.
    @inlinable @inline(__always)
    public static func ruleIndex(_ q: Double) -> Int {
        let f = q.rounded(.down)
        return (f + 1) - q <= edgeTolerance ? Int(f) + 1 : Int(f)
    }

    /// The bin holding time `t` (seconds) under the METHODS §2 edge rule (may be negative or ≥ K: callers clamp or
    /// drop). Exactly `ruleIndex((t − origin) / width)`, computed without a division for almost every t:
    ///
    /// With `d = t − origin` (the same double in both paths), x = d/Δt the exact real quotient and u = 2⁻⁵³, the
    /// rule's `q = fl(d/Δt)` has |q − x| ≤ u|x|, and the product `p = fl(d · fl(1/Δt))` has
    /// |p − x| ≤ (2u + u²)|x|, so |p − q| ≤ 3.0000001·u·|x| < 3.4e-16·|x|. For |p| < 2^30 this is < 3.7e-7 bins.
    /// If p lies more than m = 1e-6 bins from every integer — `f = ⌊p⌋`, `f + m < p < f + 1 − m` — then
    /// `f + 6.3e-7 < q < f + 1 − 6.3e-7`: ⌊q⌋ = f and `(f + 1) − q ≥ 6.3e-7 > 1e-8` (that subtraction of doubles is
    /// exact to far better than 1e-8), so the rule's index is f. Otherwise (p within 1e-6 of an integer, |p| ≥ 2^30,
    /// or not finite) the rule itself is evaluated with the division. `BinningTests` check the two paths agree on
    /// spikes on, 1 ulp and 1e-9 bin below, and 1e-7 … 1e-5 bins around every edge of every scale.
    @inlinable @inline(__always)
    public func index(_ t: Double) -> Int {
        let d = t - origin
        let p = d * inverseWidth
        let f = p.rounded(.down)
        let frac = p - f                    // exact: f and p are within 1 of each other (|p| < 2^30)
        if frac > Self.fastPathMargin && frac < 1 - Self.fastPathMargin && abs(p) < Self.fastPathLimit {
            return Int(f)
        }
        return Self.ruleIndex(d / width)
    }

    /// The rule's index by the division alone (`ruleIndex((t − origin) / width)`), the definition `index` equals.
    @inlinable
    public func exactIndex(_ t: Double) -> Int { Self.ruleIndex((t - origin) / width) }

    /// Number of whole bins K inside `[origin, stop)`: the edge rule applied to `stop` (a partial last bin is
    /// dropped, METHODS §2 [default]). 0 when `stop <= origin`.
    public func fullBinCount(stop: Double) -> Int {
        if !(stop > origin) { return 0 }
        return max(0, index(stop))
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
    /// Only times with `start ≤ t < stop` belong to the epoch; those whose index is K or more (the dropped partial
    /// bin) are ignored. Returns K counts.
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
