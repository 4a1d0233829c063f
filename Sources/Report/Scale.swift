import Foundation

/// How an axis maps data to pixels.
public enum AxisKind: Sendable, Equatable {
    case linear
    /// Base-10 logarithmic; values ≤ 0 are not drawn.
    case log
    /// Categories at 0, 1, …, n−1, labelled with these names.
    case categorical([String])
}

/// A data → pixel mapping of one axis with its ticks.
public struct AxisScale: Sendable, Equatable {
    public var kind: AxisKind
    /// Data domain (for `.log`, in data units, both > 0).
    public var lower: Double
    public var upper: Double
    /// Pixel range: `lower` maps to `start`, `upper` to `end`.
    public var start: Double
    public var end: Double

    public init(kind: AxisKind, lower: Double, upper: Double, start: Double, end: Double) {
        self.kind = kind; self.lower = lower; self.upper = upper; self.start = start; self.end = end
    }

    /// A scale fitted to `values` (non-finite ignored; for `.log` non-positive ignored), padded by 4 %
    /// on linear axes, extended to nice tick bounds.
    public static func fitted(_ kind: AxisKind, values: [Double], start: Double, end: Double,
                              includeZero: Bool = false) -> AxisScale {
        switch kind {
        case let .categorical(names):
            return AxisScale(kind: kind, lower: -0.5, upper: Double(max(names.count, 1)) - 0.5, start: start, end: end)
        case .log:
            let v = values.filter { $0.isFinite && $0 > 0 }
            guard let lo = v.min(), let hi = v.max() else {
                return AxisScale(kind: kind, lower: 1, upper: 10, start: start, end: end)
            }
            let l = pow(10, Foundation.floor(log10(lo))), u = pow(10, Foundation.ceil(log10(hi)))
            return AxisScale(kind: kind, lower: l, upper: u == l ? l * 10 : u, start: start, end: end)
        case .linear:
            var v = values.filter(\.isFinite)
            if includeZero { v.append(0) }
            guard var lo = v.min(), var hi = v.max() else {
                return AxisScale(kind: kind, lower: 0, upper: 1, start: start, end: end)
            }
            if lo == hi { lo -= lo == 0 ? 1 : abs(lo) * 0.1; hi += hi == 0 ? 1 : abs(hi) * 0.1 }
            let step = Ticks.niceStep((hi - lo) / 5)
            let pad = (hi - lo) * 0.04
            lo = Foundation.floor((lo - pad) / step) * step
            hi = Foundation.ceil((hi + pad) / step) * step
            return AxisScale(kind: kind, lower: lo, upper: hi, start: start, end: end)
        }
    }

    /// Whether `v` can be drawn on this axis.
    public func accepts(_ v: Double) -> Bool {
        guard v.isFinite else { return false }
        if case .log = kind { return v > 0 }
        return true
    }

    /// Pixel position of `v` (clamped to the domain).
    public func map(_ v: Double) -> Double {
        let t: Double
        switch kind {
        case .log:
            let lv = log10(max(v, lower)), l = log10(lower), u = log10(upper)
            t = (lv - l) / (u - l)
        default:
            t = (v - lower) / (upper - lower)
        }
        return start + min(max(t, 0), 1) * (end - start)
    }

    /// Tick values and their labels.
    public func ticks() -> [(value: Double, label: String)] {
        switch kind {
        case let .categorical(names):
            return names.enumerated().map { (Double($0.offset), $0.element) }
        case .log:
            var out: [(Double, String)] = []
            var e = Int(Foundation.floor(log10(lower) + 1e-9))
            let top = Int(Foundation.ceil(log10(upper) - 1e-9))
            let decades = top - e
            let every = max(1, Int((Double(decades) / 6).rounded(.up)))
            while e <= top {
                if (e - Int(Foundation.floor(log10(lower) + 1e-9))) % every == 0 {
                    out.append((pow(10, Double(e)), Markup.label(pow(10, Double(e)))))
                }
                e += 1
            }
            return out
        case .linear:
            let ticks = Ticks.linear(lower, upper)
            let step = ticks.count >= 2 ? ticks[1] - ticks[0] : abs(upper - lower)
            return ticks.map { ($0, Ticks.label($0, step: step)) }
        }
    }
}

/// Tick placement (1–2–5 steps).
public enum Ticks {
    /// The 1, 2 or 5 × 10^k step closest above `raw`.
    public static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let p = pow(10, Foundation.floor(log10(raw)))
        let f = raw / p
        return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p
    }

    /// A tick label with just enough decimals to tell ticks `step` apart (`0.8535`, `0.854`, `1500`);
    /// exponent notation outside [0.001, 100000).
    public static func label(_ v: Double, step: Double) -> String {
        if v == 0 { return "0" }
        let a = abs(v)
        if a >= 1e5 || a < 1e-3 || !(step > 0) {
            let digits = step > 0 ? max(1, Int(Foundation.floor(log10(a))) - Int(Foundation.floor(log10(step))) + 1) : 3
            return Markup.label(v, digits: min(digits, 6))
        }
        let decimals = max(0, -Int(Foundation.floor(log10(step) + 1e-9)))
        var t = String(format: "%.\(decimals)f", v)
        if t.contains(".") { while t.hasSuffix("0") { t.removeLast() }; if t.hasSuffix(".") { t.removeLast() } }
        return t
    }

    /// About `target` ticks on [lo, hi] at a nice step; every tick lies inside [lo, hi].
    public static func linear(_ lo: Double, _ hi: Double, target: Int = 5) -> [Double] {
        guard hi > lo else { return [lo] }
        let step = niceStep((hi - lo) / Double(target))
        var t = Foundation.ceil(lo / step - 1e-9) * step
        var out: [Double] = []
        while t <= hi + step * 1e-9 {
            out.append(abs(t) < step * 1e-9 ? 0 : t)
            t += step
        }
        return out
    }
}
