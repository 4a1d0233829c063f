/// A natural cubic spline through points `(x[i], y[i])` (second derivative zero at both ends).
///
/// Used to upsample mean waveforms ×10 before measuring trough-to-peak and half-width (METHODS §1 [default]).
/// Agrees with `scipy.interpolate.CubicSpline(x, y, bc_type="natural")`.
public struct NaturalCubicSpline: Sendable {
    public let x: [Double]
    public let y: [Double]
    /// Second derivatives at the knots.
    public let m: [Double]

    /// - Precondition: `x` strictly increasing, `x.count == y.count >= 2`.
    public init(x: [Double], y: [Double]) {
        precondition(x.count == y.count && x.count >= 2, "spline needs at least two points")
        let n = x.count
        self.x = x
        self.y = y
        var m = [Double](repeating: 0, count: n)
        if n > 2 {
            // Tridiagonal system for the interior second derivatives (Thomas algorithm).
            let k = n - 2
            var diag = [Double](repeating: 0, count: k)
            var upper = [Double](repeating: 0, count: k)
            var rhs = [Double](repeating: 0, count: k)
            for i in 1...(n - 2) {
                let h0 = x[i] - x[i - 1], h1 = x[i + 1] - x[i]
                diag[i - 1] = 2 * (h0 + h1)
                upper[i - 1] = h1
                rhs[i - 1] = 6 * ((y[i + 1] - y[i]) / h1 - (y[i] - y[i - 1]) / h0)
            }
            // lower[i] (row i, col i-1) = h0 of row i = x[i+1] - x[i] for row index i (1-based interior i+1)
            for r in 1..<k {
                let lower = x[r + 1] - x[r]
                let w = lower / diag[r - 1]
                diag[r] -= w * upper[r - 1]
                rhs[r] -= w * rhs[r - 1]
            }
            m[k] = rhs[k - 1] / diag[k - 1]
            if k >= 2 {
                for r in stride(from: k - 2, through: 0, by: -1) {
                    m[r + 1] = (rhs[r] - upper[r] * m[r + 2]) / diag[r]
                }
            }
        }
        self.m = m
    }

    /// The spline's value at `t` (cubic extrapolation of the end pieces outside `[x.first, x.last]`).
    public func callAsFunction(_ t: Double) -> Double {
        let n = x.count
        var lo = 0, hi = n - 1
        if t <= x[0] { hi = 1 } else if t >= x[n - 1] { lo = n - 2 } else {
            while hi - lo > 1 {
                let mid = (lo + hi) / 2
                if x[mid] <= t { lo = mid } else { hi = mid }
            }
        }
        hi = lo + 1
        let h = x[hi] - x[lo]
        let a = (x[hi] - t) / h, b = (t - x[lo]) / h
        return a * y[lo] + b * y[hi] + ((a * a * a - a) * m[lo] + (b * b * b - b) * m[hi]) * h * h / 6
    }
}

/// Upsamples a uniformly sampled signal by an integer `factor` with a natural cubic spline.
///
/// Returns `factor·(n−1) + 1` samples: sample `j` is the spline at original sample position `j / factor`,
/// so every original sample is kept at index `i·factor`.
public func upsampleCubic(_ samples: [Double], factor: Int) -> [Double] {
    precondition(factor >= 1)
    guard samples.count >= 2, factor > 1 else { return samples }
    let xs = (0..<samples.count).map(Double.init)
    let spline = NaturalCubicSpline(x: xs, y: samples)
    let count = factor * (samples.count - 1) + 1
    var out = [Double](repeating: 0, count: count)
    for j in 0..<count { out[j] = spline(Double(j) / Double(factor)) }
    return out
}
