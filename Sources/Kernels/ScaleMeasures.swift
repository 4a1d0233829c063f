/// Everything METHODS §3.1–3.6 reports for one (recording, state, member, scale), plus the resampled curves.
/// A measure that cannot be computed is in `missing` with a reason, never a silent 0 or NaN.
public struct ScaleMeasures: Sendable, Equatable {
    /// The per-scale measure names, exactly as in the CSV vocabulary.
    public static let names = ["ks_d", "qq_slope", "qq_intercept", "qq_r2", "pearson_r", "pca_angle_deg",
                               "pca_anisotropy", "orthogonal_width", "pair_asymmetry", "collapse_depth",
                               "collapse_argmin", "partition_gini_e", "partition_gini_i", "xcorr_peak",
                               "xcorr_peak_lag_ms", "fluctuation_variance"]

    public var values: [String: Double] = [:]
    public var missing: [String: String] = [:]
    /// Collapse curve C(x)/(K·sd f) at `points` x in [0, 1] (§3.4); nil when undefined.
    public var collapseCurve: [Double]?
    /// Partition (Lorenz) curves of E and I at `points` X in [0, 1] (§3.5); nil when undefined.
    public var partitionE: [Double]?
    public var partitionI: [Double]?
    /// Number of bins K.
    public var binCount: Int = 0
    /// Mean and sample sd (divisor K − 1) of the E and I count series (spikes per bin), for z-scoring (§3.7).
    public var meanE = 0.0, sdE = 0.0, meanI = 0.0, sdI = 0.0
    /// The normalised E–I cross-correlation ρ(l), l = −L…L bins (§3.6; dimensionless), that `xcorr_peak` and
    /// `xcorr_peak_lag_ms` were read from: the same Doubles, kept for the observed member's "xcorr" curve so
    /// that it is not computed twice. nil when K < 2 or either series has zero variance.
    public var crossCorrelation: [Double]?

    public init() {}

    mutating func set(_ name: String, _ v: Double?, _ reason: @autoclosure () -> String) {
        if let v, v.isFinite { values[name] = v; missing[name] = nil } else { values[name] = nil; missing[name] = reason() }
    }
}

/// Settings of the per-scale kernel (METHODS §3 defaults).
public struct ScaleOptions: Sendable, Equatable {
    /// Number of E and I units N_E, N_I (for the per-neuron normalisation of V_s).
    public var unitsE: Int, unitsI: Int
    /// Δt_s in milliseconds.
    public var dtMilliseconds: Double
    /// Cross-correlation half-range L in bins (§3.6) [default 20].
    public var maxLag: Int = 20
    /// Pair-matrix grid size (§3.2) [default 32].
    public var gridSize: Int = 32
    /// Resampling points of the curves (§3.4) [default 101].
    public var curvePoints: Int = 101

    public init(unitsE: Int, unitsI: Int, dtMilliseconds: Double, maxLag: Int = 20, gridSize: Int = 32,
                curvePoints: Int = 101) {
        self.unitsE = unitsE; self.unitsI = unitsI; self.dtMilliseconds = dtMilliseconds
        self.maxLag = maxLag; self.gridSize = gridSize; self.curvePoints = curvePoints
    }
}

extension Kernels {
    /// All per-scale balance measures of METHODS §3.1–3.6 from the concatenated spike-count series of the E and I
    /// ensembles at one scale (`e[k]`, `i[k]`: pooled class counts in bin k). Ê/Î are the sum-normalised series,
    /// E_s = c_E/N_E the per-neuron series. Measures: ks_d, qq_slope, qq_intercept, qq_r2 (§3.1); pearson_r,
    /// pca_angle_deg, pca_anisotropy, orthogonal_width, pair_asymmetry (§3.2); fluctuation_variance (§3.3);
    /// collapse_depth, collapse_argmin (§3.4); partition_gini_e, partition_gini_i (§3.5); xcorr_peak,
    /// xcorr_peak_lag_ms (§3.6). When the joint range of counts is small (fine scales) everything except the
    /// cross-correlation is read off a (c_E, c_I) pair table filled in one pass; otherwise sorts are used.
    public static func scaleMeasures(e: UnsafeBufferPointer<Int32>, i: UnsafeBufferPointer<Int32>,
                                     options o: ScaleOptions) -> ScaleMeasures {
        let k = e.count
        guard k >= 2 else { return ScaleMeasures.tooFewBins(k) }
        if let (table, extrema) = PairTable.small(e: e, i: i) {
            // Fine scales: table and extrema in one pass.
            let m = table.moments(extrema: extrema)
            let rho = crossCorrelation(e: e, i: i, maxLag: o.maxLag, moments: m)
            var r = ScaleMeasures.start(moments: m, crossCorrelation: rho, options: o)
            finish(&r, moments: m, pairs: table.weightedPairs(), grid: pairGrid(m, size: o.gridSize), options: o)
            return r
        }
        var m = countExtrema(e: e, i: i)
        let rangeE = Int(m.maxE) - Int(m.minE) + 1, rangeI = Int(m.maxI) - Int(m.minI) + 1
        let cells = rangeE.multipliedReportingOverflow(by: rangeI)
        if !cells.overflow && cells.partialValue <= max(k, 4096) {
            // Everything but the cross-correlation from the (c_E, c_I) table; its sums are those of the series.
            let table = PairTable(e: e, i: i, minE: m.minE, maxE: m.maxE, minI: m.minI, maxI: m.maxI)
            m = table.moments(extrema: m)
            let rho = crossCorrelation(e: e, i: i, maxLag: o.maxLag, moments: m)
            var r = ScaleMeasures.start(moments: m, crossCorrelation: rho, options: o)
            finish(&r, moments: m, pairs: table.weightedPairs(), grid: pairGrid(m, size: o.gridSize), options: o)
            return r
        }
        addCountSums(&m, e: e, i: i)
        let rho = crossCorrelation(e: e, i: i, maxLag: o.maxLag, moments: m)
        var r = ScaleMeasures.start(moments: m, crossCorrelation: rho, options: o)
        let grid = pairGrid(m, size: o.gridSize)
        let sortedE = SortedCounts(series: e, minValue: m.minE, maxValue: m.maxE)
        let sortedI = SortedCounts(series: i, minValue: m.minI, maxValue: m.maxI)
        var matrix = [Int64](repeating: 0, count: o.gridSize * o.gridSize)
        let haveSums = m.sumE > 0 && m.sumI > 0
        var g = [Int64](repeating: 0, count: k)
        for j in 0 ..< k {
            g[j] = scaledFluctuation(e: e[j], i: i[j], sumE: m.sumE, sumI: m.sumI)
            if let gr = grid, haveSums {
                matrix[gr.cell(Double(e[j]) / Double(m.sumE)) * o.gridSize
                       + gr.cell(Double(i[j]) / Double(m.sumI))] += 1
            }
        }
        g.sort()
        var gv: [Int64] = [], gw: [Int] = []
        SortedCounts.runLength(g, &gv, &gw)
        finish(&r, moments: m, sortedE: sortedE, sortedI: sortedI, sortedG: SortedCounts(values: gv, weights: gw),
               matrix: matrix, grid: grid, options: o)
        return r
    }

    /// The pair grid of the sum-normalised (Ê, Î) values (§3.2), nil when their range is empty.
    static func pairGrid(_ m: CountMoments, size: Int) -> PairGrid? {
        PairGrid(lo: min(Double(m.minE) / Double(m.sumE), Double(m.minI) / Double(m.sumI)),
                 hi: max(Double(m.maxE) / Double(m.sumE), Double(m.maxI) / Double(m.sumI)), size: size)
    }

    /// The measures that follow from the joint distribution of (c_E, c_I) over bins, given as its distinct pairs
    /// ascending by (c_E, c_I) with their multiplicities (the pair-table path, used by the dense and sparse series
    /// alike): sorted marginals, sorted scaled fluctuation and the pair matrix, then `finish`.
    static func finish(_ r: inout ScaleMeasures, moments m: CountMoments, pairs: [WeightedCountPair],
                       grid: PairGrid?, options o: ScaleOptions) {
        let rangeE = Int(m.maxE) - Int(m.minE) + 1, rangeI = Int(m.maxI) - Int(m.minI) + 1
        let lo0 = Int(m.minE), lo1 = Int(m.minI)
        let haveSums = m.sumE > 0 && m.sumI > 0
        var matrix = [Int64](repeating: 0, count: o.gridSize * o.gridSize)
        var we = [Int](repeating: 0, count: rangeE), wi = [Int](repeating: 0, count: rangeI)
        var cells: [(Int64, Int)] = []
        for p in pairs {
            let w = p.weight
            we[Int(p.e) - lo0] += w; wi[Int(p.i) - lo1] += w
            cells.append((scaledFluctuation(e: p.e, i: p.i, sumE: m.sumE, sumI: m.sumI), w))
            if let g = grid, haveSums {
                matrix[g.cell(Double(p.e) / Double(m.sumE)) * o.gridSize + g.cell(Double(p.i) / Double(m.sumI))] += Int64(w)
            }
        }
        let sortedE = SortedCounts(values: (0 ..< rangeE).filter { we[$0] > 0 }.map { Int64($0 + lo0) },
                                   weights: we.filter { $0 > 0 })
        let sortedI = SortedCounts(values: (0 ..< rangeI).filter { wi[$0] > 0 }.map { Int64($0 + lo1) },
                                   weights: wi.filter { $0 > 0 })
        cells.sort { $0.0 < $1.0 }
        var gv: [Int64] = [], gw: [Int] = []
        for (v, w) in cells {
            if let last = gv.last, last == v { gw[gw.count - 1] += w } else { gv.append(v); gw.append(w) }
        }
        finish(&r, moments: m, sortedE: sortedE, sortedI: sortedI, sortedG: SortedCounts(values: gv, weights: gw),
               matrix: matrix, grid: grid, options: o)
    }

    /// The measures of §3.1, §3.2 (PCA, pair asymmetry), §3.4 and §3.5 from the sorted marginals, the sorted
    /// scaled fluctuation and the pair matrix.
    static func finish(_ r: inout ScaleMeasures, moments m: CountMoments, sortedE: SortedCounts,
                       sortedI: SortedCounts, sortedG: SortedCounts, matrix: [Int64], grid: PairGrid?,
                       options o: ScaleOptions) {
        let noE = ScaleMeasures.noE(o), noI = ScaleMeasures.noI(o)
        let haveSums = m.sumE > 0 && m.sumI > 0
        // Partition curves need only one class.
        r.set("partition_gini_e", partitionGini(sortedE), noE)
        r.set("partition_gini_i", partitionGini(sortedI), noI)
        r.partitionE = partitionCurve(sortedE, points: o.curvePoints)
        r.partitionI = partitionCurve(sortedI, points: o.curvePoints)
        let pca: (angleDegrees: Double?, anisotropy: Double?, orthogonalWidth: Double?) =
            haveSums ? pcaAxis(m) : (nil, nil, nil)
        let noSum = m.sumE == 0 ? noE : noI
        if haveSums {
            r.set("ks_d", ksD(e: sortedE, i: sortedI, sumE: m.sumE, sumI: m.sumI), noSum)
            let qq = qqLine(e: sortedE, i: sortedI, sumE: m.sumE, sumI: m.sumI)
            r.set("qq_slope", qq.slope, "E quantiles p = 0.01…0.99 all equal")
            r.set("qq_intercept", qq.intercept, "E quantiles p = 0.01…0.99 all equal")
            r.set("qq_r2", qq.r2, "E or I quantiles p = 0.01…0.99 all equal")
            r.set("pca_angle_deg", pca.angleDegrees, "isotropic (Ê, Î) cloud: no major axis")
            r.set("pca_anisotropy", pca.anisotropy, "zero variance of Ê and Î")
            r.set("orthogonal_width", pca.orthogonalWidth, noSum)
            r.set("pair_asymmetry", grid == nil ? nil : pairAsymmetry(matrix: matrix, size: o.gridSize),
                  "all Ê and Î values equal (empty grid range)")
            let sdF = (pca.orthogonalWidth ?? 0) * 2.0.squareRoot()
            let c = collapseDepth(sortedG, sumE: m.sumE, sumI: m.sumI, sdF: sdF)
            r.set("collapse_depth", c.depth, "zero variance of f = Ê − Î")
            r.set("collapse_argmin", c.argmin, "zero variance of f = Ê − Î")
            r.collapseCurve = collapseCurve(sortedG, sumE: m.sumE, sumI: m.sumI, sdF: sdF, points: o.curvePoints)
        } else {
            for n in ["ks_d", "qq_slope", "qq_intercept", "qq_r2", "pca_angle_deg", "pca_anisotropy",
                      "orthogonal_width", "pair_asymmetry", "collapse_depth", "collapse_argmin"] {
                r.missing[n] = noSum
            }
        }
    }
}

/// One distinct (c_E, c_I) pair of a scale's bins and the number of bins holding it.
struct WeightedCountPair: Sendable, Equatable {
    var e: Int32, i: Int32, weight: Int
}

extension ScaleMeasures {
    /// Every measure missing for K < 2.
    static func tooFewBins(_ k: Int) -> ScaleMeasures {
        var r = ScaleMeasures()
        r.binCount = k
        for n in names { r.missing[n] = "fewer than 2 bins (K = \(k))" }
        return r
    }

    static func noE(_ o: ScaleOptions) -> String {
        o.unitsE == 0 ? "no excitatory units" : "no excitatory spikes in the state at this scale"
    }

    static func noI(_ o: ScaleOptions) -> String {
        o.unitsI == 0 ? "no inhibitory units" : "no inhibitory spikes in the state at this scale"
    }

    /// K, the means and sds, fluctuation_variance, pearson_r and the cross-correlation peak (§3.2, §3.3, §3.6)
    /// from the moments and ρ(l) of a scale's series (K ≥ 2).
    static func start(moments m: CountMoments, crossCorrelation rho: [Double]?, options o: ScaleOptions) -> ScaleMeasures {
        var r = ScaleMeasures()
        let k = m.count
        r.binCount = k
        r.meanE = Double(m.sumE) / Double(k); r.meanI = Double(m.sumI) / Double(k)
        r.sdE = max(m.sampleVarianceE, 0).squareRoot(); r.sdI = max(m.sampleVarianceI, 0).squareRoot()
        let noE = noE(o), noI = noI(o)
        r.set("fluctuation_variance",
              Kernels.fluctuationVariance(m, unitsE: o.unitsE, unitsI: o.unitsI, dtSeconds: o.dtMilliseconds / 1000),
              o.unitsE == 0 ? noE : noI)
        let zeroVar = m.sumE == 0 ? noE : (m.sumI == 0 ? noI : "zero variance of E or I counts")
        r.set("pearson_r", Kernels.pearsonR(m), zeroVar)
        r.crossCorrelation = rho
        if let rho {
            let p = Kernels.crossCorrelationPeak(rho, dtMilliseconds: o.dtMilliseconds)
            r.set("xcorr_peak", p.peak, zeroVar); r.set("xcorr_peak_lag_ms", p.lagMilliseconds, zeroVar)
        } else {
            r.set("xcorr_peak", nil, zeroVar); r.set("xcorr_peak_lag_ms", nil, zeroVar)
        }
        return r
    }
}
