extension Kernels {
    /// The common grid of the pair matrix (METHODS §3.2): G equal bins over `[lo, hi]`, lo/hi the smallest/largest
    /// value of Ê and Î together; value x goes to `min(G−1, floor((x − lo)/w))`, w = (hi − lo)/G.
    public struct PairGrid: Sendable {
        public var lo: Double, width: Double, size: Int
        public init?(lo: Double, hi: Double, size: Int) {
            guard hi > lo, size > 0 else { return nil }
            self.lo = lo; self.width = (hi - lo) / Double(size); self.size = size
        }
        @inline(__always) public func cell(_ x: Double) -> Int {
            min(size - 1, max(0, Int(((x - lo) / width).rounded(.down))))
        }
    }

    /// `pair_asymmetry` (METHODS §3.2): `‖M − Mᵀ‖_F / ‖M + Mᵀ‖_F` of the pair matrix M(a, b) = number of bins with
    /// Ê in grid cell a and Î in grid cell b (dimensionless, 0 = symmetric about the balance diagonal, 1 = no
    /// overlap with its mirror). `matrix` is G×G row-major (row = Ê cell). nil when M is empty.
    public static func pairAsymmetry(matrix: [Int64], size g: Int) -> Double? {
        var num = 0.0, den = 0.0
        for a in 0 ..< g {
            for b in 0 ..< g {
                let m = Double(matrix[a * g + b]), t = Double(matrix[b * g + a])
                num += (m - t) * (m - t); den += (m + t) * (m + t)
            }
        }
        return den > 0 ? (num / den).squareRoot() : nil
    }
}
