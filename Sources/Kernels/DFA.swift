import Foundation

/// Detrended fluctuation analysis (METHODS §9; Peng et al. 1994), in nolds' conventions:
/// profile `y = cumsum(x − mean x)`; for a window of n samples, windows start at 0, n/2, n, … (< N − n) when
/// `overlap`, or tile the profile from 0 when not; each window's least-squares line is removed;
/// `F(n) = sqrt(mean over windows of (Σ residual² / n))`; the exponent is the slope of ln F on ln n.
/// White noise gives ≈ 0.5, a random walk ≈ 1.5.
///
/// Several epochs of one state are pooled: each piece has its own profile, and F(n) averages the window
/// variances of all pieces (no window straddles an epoch).
public enum DFA {
    public struct Result: Sendable, Equatable {
        /// The DFA exponent α (slope of ln F(n) on ln n).
        public var exponent: Double
        /// Window sizes (samples) that had at least one window and F > 0.
        public var windows: [Int]
        /// F(n) for those windows.
        public var fluctuations: [Double]
    }

    /// Log-spaced distinct window sizes from `minimum` to `maximum` samples (inclusive, `count` points).
    public static func logWindows(minimum: Int, maximum: Int, count: Int) -> [Int] {
        guard minimum >= 2, maximum > minimum, count >= 2 else { return minimum >= 2 ? [minimum] : [] }
        var out: [Int] = []
        let r = log(Double(maximum) / Double(minimum)) / Double(count - 1)
        for i in 0..<count {
            let n = Int((Double(minimum) * exp(r * Double(i))).rounded())
            if out.last != n { out.append(n) }
        }
        return out
    }

    /// DFA of one contiguous signal.
    public static func exponent(_ x: [Double], windows: [Int], overlap: Bool = true) -> Result? {
        exponent(pieces: [x], windows: windows, overlap: overlap)
    }

    /// DFA pooled over contiguous pieces. Nil when fewer than two window sizes give F > 0.
    public static func exponent(pieces: [[Double]], windows: [Int], overlap: Bool = true) -> Result? {
        var sums = [Double](repeating: 0, count: windows.count)
        var counts = [Int](repeating: 0, count: windows.count)
        for x in pieces where x.count > 2 {
            let mean = x.reduce(0, +) / Double(x.count)
            var y = [Double](repeating: 0, count: x.count)
            var acc = 0.0
            for i in x.indices { acc += x[i] - mean; y[i] = acc }
            for (w, n) in windows.enumerated() where n >= 2 && n < x.count {
                let step = overlap ? max(n / 2, 1) : n
                let lastStart = overlap ? x.count - n - 1 : x.count - n
                var s = 0
                while s <= lastStart {
                    sums[w] += residualVariance(y, start: s, n: n)
                    counts[w] += 1
                    s += step
                }
            }
        }
        var ln: [Double] = [], lf: [Double] = [], used: [Int] = [], fl: [Double] = []
        for w in windows.indices where counts[w] > 0 {
            let f = (sums[w] / Double(counts[w])).squareRoot()
            if f > 0 { ln.append(log(Double(windows[w]))); lf.append(log(f)); used.append(windows[w]); fl.append(f) }
        }
        guard ln.count >= 2, let (_, slope) = AperiodicFit.line(ln, lf) else { return nil }
        return Result(exponent: slope, windows: used, fluctuations: fl)
    }

    /// Σ (y − linear fit)² / n over y[start ..< start+n], the fit on t = 0…n−1.
    @inline(__always)
    static func residualVariance(_ y: [Double], start: Int, n: Int) -> Double {
        let nd = Double(n)
        let tm = (nd - 1) / 2
        var sy = 0.0
        for i in 0..<n { sy += y[start + i] }
        let ym = sy / nd
        var sty = 0.0, syy = 0.0
        for i in 0..<n {
            let d = y[start + i] - ym, t = Double(i) - tm
            sty += t * d; syy += d * d
        }
        let stt = nd * (nd * nd - 1) / 12
        return max(syy - sty * sty / stt, 0) / nd
    }
}
