import Foundation

/// Aperiodic (1/f^χ) exponent of a power spectrum (METHODS §9, GAO): `log10 P = b − χ log10 f`.
///
/// Two estimators:
/// - `band(...)`: ordinary least squares of log10 P on log10 f over one band (GAO: 30–50 Hz).
/// - `specparamFixed(...)`: the specparam/fooof 1.1 "fixed" aperiodic mode over a wide band (1–40 Hz) with
///   peak rejection: a robust initial fit (refit on points at or below the first fit), Gaussian peaks found
///   on the flattened spectrum above `peakThreshold` sd, refined jointly by bounded Levenberg–Marquardt,
///   removed, and the line refitted. Larger χ = steeper = more inhibition-dominated (GAO).
public enum AperiodicFit {
    /// The fitted line and, for `specparamFixed`, the peaks that were removed.
    public struct Result: Sendable, Equatable {
        /// χ, the aperiodic exponent (positive for a falling spectrum).
        public var exponent: Double
        /// b, log10 power at 1 Hz.
        public var offset: Double
        /// R² of the final model (line + peaks) on log10 power.
        public var rSquared: Double
        /// Number of frequency bins fitted.
        public var points: Int
        /// Gaussian peaks (centre Hz, height log10 power, sd Hz), sorted by centre.
        public var peaks: [(center: Double, height: Double, sd: Double)]

        public static func == (a: Result, b: Result) -> Bool {
            a.exponent == b.exponent && a.offset == b.offset && a.rSquared == b.rSquared && a.points == b.points
                && a.peaks.count == b.peaks.count
        }
    }

    /// specparam settings (defaults are fooof 1.1.1's).
    public struct PeakSettings: Sendable, Equatable {
        public var peakWidthLimits: ClosedRange<Double> = 0.5...12
        public var maxPeaks: Int = .max
        public var minPeakHeight: Double = 0
        public var peakThreshold: Double = 2
        public init() {}
    }

    /// OLS fit over `range` (inclusive, Hz) of positive-power bins. Nil when fewer than 3 bins.
    public static func band(frequencies: [Double], power: [Double], range: ClosedRange<Double>) -> Result? {
        let (lf, lp) = logSpectrum(frequencies, power, range)
        guard lf.count >= 3, let (b, slope) = line(lf, lp) else { return nil }
        let model = lf.map { b + slope * $0 }
        return Result(exponent: -slope, offset: b, rSquared: rSquared(lp, model), points: lf.count, peaks: [])
    }

    /// specparam/fooof "fixed" mode over `range` (inclusive, Hz). Nil when fewer than 5 bins.
    public static func specparamFixed(frequencies: [Double], power: [Double], range: ClosedRange<Double>,
                                      settings: PeakSettings = PeakSettings()) -> Result? {
        var f: [Double] = [], lp: [Double] = []
        for (i, x) in frequencies.enumerated() where x >= range.lowerBound && x <= range.upperBound && power[i] > 0 {
            f.append(x); lp.append(log10(power[i]))
        }
        guard f.count >= 5 else { return nil }
        let lf = f.map { log10($0) }
        // Robust initial fit: OLS, then OLS again on the points at or below it.
        guard let (b0, s0) = line(lf, lp) else { return nil }
        var sel: [Int] = []
        for i in lf.indices where lp[i] - (b0 + s0 * lf[i]) <= 0 { sel.append(i) }
        var (b1, s1) = (b0, s0)
        if sel.count >= 2, let r = line(sel.map { lf[$0] }, sel.map { lp[$0] }) { (b1, s1) = r }
        let flat = lf.indices.map { lp[$0] - (b1 + s1 * lf[$0]) }
        let freqRes = f.count > 1 ? f[1] - f[0] : 1
        let stdLimits = (settings.peakWidthLimits.lowerBound / 2)...(settings.peakWidthLimits.upperBound / 2)
        var guesses = findPeaks(f, flat, freqRes: freqRes, stdLimits: stdLimits, settings: settings)
        // Drop peaks within one sd of the fitted range's edges, then the smaller of overlapping pairs.
        let (lo, hi) = (f.first!, f.last!)
        guesses = guesses.filter { abs($0.0 - lo) > $0.2 && abs($0.0 - hi) > $0.2 }
        guesses.sort { $0.0 < $1.0 }
        var drop = Set<Int>()
        if guesses.count > 1 {
            for i in 0..<(guesses.count - 1) where guesses[i].0 > guesses[i + 1].0 - 0.75 * guesses[i + 1].2 {
                drop.insert(guesses[i].1 < guesses[i + 1].1 ? i : i + 1)
            }
        }
        guesses = guesses.enumerated().filter { !drop.contains($0.offset) }.map { $0.element }
        var peaks = guesses
        if !peaks.isEmpty { peaks = refineGaussians(f, flat, peaks, stdLimits: stdLimits, range: lo...hi) }
        peaks.sort { $0.0 < $1.0 }
        let peakFit = f.map { x in peaks.reduce(0.0) { $0 + $1.1 * exp(-(x - $1.0) * (x - $1.0) / (2 * $1.2 * $1.2)) } }
        let rm = lp.indices.map { lp[$0] - peakFit[$0] }
        guard let (b, slope) = line(lf, rm) else { return nil }
        let model = lf.indices.map { b + slope * lf[$0] + peakFit[$0] }
        return Result(exponent: -slope, offset: b, rSquared: rSquared(lp, model), points: f.count,
                      peaks: peaks.map { (center: $0.0, height: $0.1, sd: $0.2) })
    }

    // MARK: helpers

    static func logSpectrum(_ f: [Double], _ p: [Double], _ r: ClosedRange<Double>) -> ([Double], [Double]) {
        var lf: [Double] = [], lp: [Double] = []
        for i in f.indices where f[i] >= r.lowerBound && f[i] <= r.upperBound && f[i] > 0 && p[i] > 0 {
            lf.append(log10(f[i])); lp.append(log10(p[i]))
        }
        return (lf, lp)
    }

    /// Least-squares line y = a + b x; nil when x has no spread.
    static func line(_ x: [Double], _ y: [Double]) -> (Double, Double)? {
        let n = Double(x.count)
        guard x.count >= 2 else { return nil }
        let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
        var sxx = 0.0, sxy = 0.0
        for i in x.indices { sxx += (x[i] - mx) * (x[i] - mx); sxy += (x[i] - mx) * (y[i] - my) }
        guard sxx > 0 else { return nil }
        let b = sxy / sxx
        return (my - b * mx, b)
    }

    static func rSquared(_ y: [Double], _ m: [Double]) -> Double {
        let my = y.reduce(0, +) / Double(y.count)
        var ss = 0.0, sr = 0.0
        for i in y.indices { ss += (y[i] - my) * (y[i] - my); sr += (y[i] - m[i]) * (y[i] - m[i]) }
        return ss > 0 ? 1 - sr / ss : .nan
    }

    /// fooof's iterative peak search on the flattened spectrum: (centre, height, sd) guesses.
    static func findPeaks(_ f: [Double], _ flat: [Double], freqRes: Double, stdLimits: ClosedRange<Double>,
                          settings: PeakSettings) -> [(Double, Double, Double)] {
        var it = flat
        var out: [(Double, Double, Double)] = []
        let n = it.count
        while out.count < settings.maxPeaks {
            var mi = 0
            for i in 1..<n where it[i] > it[mi] { mi = i }
            let h = it[mi]
            let mean = it.reduce(0, +) / Double(n)
            let sd = sqrt(it.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n))
            if h <= settings.peakThreshold * sd || !(h > settings.minPeakHeight) { break }
            let half = 0.5 * h
            var le: Int? = nil, ri: Int? = nil
            var j = mi - 1
            while j > 0 { if it[j] <= half { le = j; break }; j -= 1 }
            j = mi + 1
            while j < n { if it[j] <= half { ri = j; break }; j += 1 }
            var s: Double
            let sides = [le, ri].compactMap { $0 }.map { abs($0 - mi) }
            if let short = sides.min() {
                s = Double(short) * 2 * freqRes / (2 * sqrt(2 * log(2.0)))
            } else {
                s = (settings.peakWidthLimits.lowerBound + settings.peakWidthLimits.upperBound) / 2
            }
            s = min(max(s, stdLimits.lowerBound), stdLimits.upperBound)
            let c = f[mi]
            out.append((c, h, s))
            for i in 0..<n { it[i] -= h * exp(-(f[i] - c) * (f[i] - c) / (2 * s * s)) }
        }
        return out
    }

    /// Joint least-squares refinement of a sum of Gaussians (bounded Levenberg–Marquardt, fooof's bounds:
    /// centre within ±3 sd of the guess and inside the fitted range, height ≥ 0, sd within `stdLimits`).
    static func refineGaussians(_ f: [Double], _ y: [Double], _ guess: [(Double, Double, Double)],
                                stdLimits: ClosedRange<Double>, range: ClosedRange<Double>) -> [(Double, Double, Double)] {
        let m = guess.count * 3
        var p = guess.flatMap { [$0.0, $0.1, $0.2] }
        var lower = [Double](), upper = [Double]()
        for g in guess {
            lower += [max(g.0 - 3 * g.2, range.lowerBound), 0, stdLimits.lowerBound]
            upper += [min(g.0 + 3 * g.2, range.upperBound), .infinity, stdLimits.upperBound]
        }
        func clamp(_ q: inout [Double]) { for i in 0..<m { q[i] = min(max(q[i], lower[i]), upper[i]) } }
        clamp(&p)
        func residuals(_ q: [Double]) -> [Double] {
            f.indices.map { i in
                var s = 0.0
                for k in stride(from: 0, to: m, by: 3) {
                    let d = f[i] - q[k]; s += q[k + 1] * exp(-d * d / (2 * q[k + 2] * q[k + 2]))
                }
                return y[i] - s
            }
        }
        func cost(_ r: [Double]) -> Double { r.reduce(0) { $0 + $1 * $1 } }
        var r = residuals(p), c = cost(r), lambda = 1e-3
        for _ in 0..<200 {
            // Jacobian of the model (−∂r/∂p).
            var jtj = [Double](repeating: 0, count: m * m), jtr = [Double](repeating: 0, count: m)
            for i in f.indices {
                var row = [Double](repeating: 0, count: m)
                for k in stride(from: 0, to: m, by: 3) {
                    let d = f[i] - p[k], s = p[k + 2], e = exp(-d * d / (2 * s * s))
                    row[k] = p[k + 1] * e * d / (s * s)
                    row[k + 1] = e
                    row[k + 2] = p[k + 1] * e * d * d / (s * s * s)
                }
                for a in 0..<m {
                    jtr[a] += row[a] * r[i]
                    for b in 0..<m { jtj[a * m + b] += row[a] * row[b] }
                }
            }
            var improved = false
            for _ in 0..<20 {
                var a = jtj
                for d in 0..<m { a[d * m + d] *= (1 + lambda); a[d * m + d] += 1e-12 }
                guard let step = solve(a, jtr, m) else { lambda *= 10; continue }
                var q = p
                for k in 0..<m { q[k] += step[k] }
                clamp(&q)
                let rq = residuals(q), cq = cost(rq)
                if cq < c {
                    let rel = (c - cq) / max(c, 1e-300)
                    p = q; r = rq; c = cq; lambda = max(lambda / 10, 1e-12); improved = true
                    if rel < 1e-12 { return stride(from: 0, to: m, by: 3).map { (p[$0], p[$0 + 1], p[$0 + 2]) } }
                    break
                }
                lambda *= 10
            }
            if !improved { break }
        }
        return stride(from: 0, to: m, by: 3).map { (p[$0], p[$0 + 1], p[$0 + 2]) }
    }

    /// Solves the m×m system A x = b by Gaussian elimination with partial pivoting.
    static func solve(_ a0: [Double], _ b0: [Double], _ m: Int) -> [Double]? {
        var a = a0, b = b0
        for col in 0..<m {
            var piv = col
            for r in (col + 1)..<m where abs(a[r * m + col]) > abs(a[piv * m + col]) { piv = r }
            guard abs(a[piv * m + col]) > 1e-300 else { return nil }
            if piv != col {
                for k in 0..<m { a.swapAt(col * m + k, piv * m + k) }
                b.swapAt(col, piv)
            }
            for r in (col + 1)..<m {
                let fct = a[r * m + col] / a[col * m + col]
                if fct == 0 { continue }
                for k in col..<m { a[r * m + k] -= fct * a[col * m + k] }
                b[r] -= fct * b[col]
            }
        }
        var x = [Double](repeating: 0, count: m)
        for r in stride(from: m - 1, through: 0, by: -1) {
            var s = b[r]
            for k in (r + 1)..<m { s -= a[r * m + k] * x[k] }
            x[r] = s / a[r * m + r]
        }
        return x
    }
}
