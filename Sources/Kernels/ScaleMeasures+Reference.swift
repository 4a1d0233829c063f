/// Straightforward forms of the per-scale kernels (METHODS §3), written for clarity rather than speed. The fast
/// kernels must return exactly the same bits; `ScaleMeasuresFastPathTests` compares them on random count series.
extension Kernels {
    /// `crossCorrelation(e:i:maxLag:moments:)` written lane by lane: for each lag d = −L…L, eight accumulators,
    /// lane q summing `(Double(c_E(k)) − mean_E)·(Double(c_I(k+d)) − mean_I)` over the k ≡ q (mod 8) where both
    /// bins exist, ascending, by fused multiply-add; ρ(d) = `SIMD8(lanes).sum() / (K·sd_E·sd_I)` (population sd).
    static func crossCorrelationReference(e: [Int32], i: [Int32], maxLag: Int, moments m: CountMoments) -> [Double]? {
        let n = e.count
        let lag = min(maxLag, n - 1)
        guard lag >= 0, n > 0 else { return nil }
        let ve = m.varianceE, vi = m.varianceI
        guard ve > 0, vi > 0 else { return nil }
        let meanE = Double(m.sumE) / Double(n), meanI = Double(m.sumI) / Double(n)
        let norm = Double(n) * ve.squareRoot() * vi.squareRoot()
        return (-lag ... lag).map { d in
            var lanes = [Double](repeating: 0, count: 8)
            for k in max(0, -d) ..< min(n, n - d) {
                lanes[k % 8] = lanes[k % 8].addingProduct(Double(e[k]) - meanE, Double(i[k + d]) - meanI)
            }
            return SIMD8<Double>(lanes).sum() / norm
        }
    }

    /// `countMoments` by one scalar loop in Int64 (wrapping, as `countMoments` for large counts).
    static func countMomentsReference(e: [Int32], i: [Int32]) -> CountMoments {
        var m = CountMoments(count: e.count, sumE: 0, sumI: 0, sumEE: 0, sumII: 0, sumEI: 0,
                             minE: e.min() ?? 0, maxE: e.max() ?? 0, minI: i.min() ?? 0, maxI: i.max() ?? 0)
        for (a, b) in zip(e.map { Int64($0) }, i.map { Int64($0) }) {
            m.sumE &+= a; m.sumI &+= b; m.sumEE &+= a &* a; m.sumII &+= b &* b; m.sumEI &+= a &* b
        }
        return m
    }

    /// `scaleMeasures(e:i:options:)` the long way: moments by one loop, ρ lane by lane, the marginals and the
    /// scaled fluctuation g = c_E·S_I − c_I·S_E by comparison sorts, the pair matrix bin by bin.
    static func scaleMeasuresReference(e: [Int32], i: [Int32], options o: ScaleOptions) -> ScaleMeasures {
        let k = e.count
        guard k >= 2 else { return ScaleMeasures.tooFewBins(k) }
        let m = countMomentsReference(e: e, i: i)
        var r = ScaleMeasures.start(moments: m, crossCorrelation: crossCorrelationReference(e: e, i: i, maxLag: o.maxLag, moments: m),
                                    options: o)
        func sorted(_ v: [Int64]) -> SortedCounts {
            var values: [Int64] = [], weights: [Int] = []
            SortedCounts.runLength(v.sorted(), &values, &weights)
            return SortedCounts(values: values, weights: weights)
        }
        let grid = pairGrid(m, size: o.gridSize)
        var matrix = [Int64](repeating: 0, count: o.gridSize * o.gridSize)
        if let grid, m.sumE > 0 && m.sumI > 0 {
            for j in 0 ..< k {
                matrix[grid.cell(Double(e[j]) / Double(m.sumE)) * o.gridSize + grid.cell(Double(i[j]) / Double(m.sumI))] += 1
            }
        }
        let g = (0 ..< k).map { scaledFluctuation(e: e[$0], i: i[$0], sumE: m.sumE, sumI: m.sumI) }
        finish(&r, moments: m, sortedE: sorted(e.map { Int64($0) }), sortedI: sorted(i.map { Int64($0) }),
               sortedG: sorted(g), matrix: matrix, grid: grid, options: o)
        return r
    }
}
