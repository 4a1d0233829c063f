import Kernels
import Recordings

/// Long sparse states (issue 18 item 8; METHODS §11): memory in proportion to the spikes and the coarse bins,
/// not to the recording's length.
///
/// A state whose epochs span at least `sparseMinimumFineBins` milliseconds with at most one spike per
/// `sparseBinsPerSpike` of them keeps its pooled trains as sorted times (`SparsePooledTrain`) instead of 1-ms prefix
/// counts (`FineBinnedTrain`: 4 bytes per millisecond and ensemble, 1.4 GB for 48 h). A scale with more than
/// `sparseDenseBinLimit` bins is then computed from its nonzero bins (`Kernels.scaleMeasures(sparse:)`,
/// `SparseCountSeries.resampledZScores`); coarser scales from dense counts as usual. The counts are the same
/// either way, so every value is the same except ρ(l) (xcorr_peak and its curve), which the sparse path forms in
/// closed form and which agrees to rounding (`SparseCountsTests`). The choice depends only on the input, so the
/// tables stay reproducible.
extension StateWorkspace {
    /// Epochs shorter than this many 1-ms bins (2.3 h) always use the fine-binned trains.
    static let sparseMinimumFineBins = 1 << 23
    /// At least this many 1-ms bins per spike of the state (E and I pooled) for the sparse path.
    static let sparseBinsPerSpike = 16
    /// Scales with at most this many bins are computed from dense counts in the sparse path too.
    static let sparseDenseBinLimit = 1 << 20

    /// Whether the state of `bounds` (seconds) with the spikes of `units` is long and sparse enough for the
    /// sparse path.
    static func prefersSparse(spikes: SpikeTrains, units: [Int], bounds: [(start: Double, stop: Double)]) -> Bool {
        var fineBins = 0
        for (a, b) in bounds { fineBins += BinGrid(origin: a, width: 0.001).fullBinCount(stop: b) + 1 }
        guard fineBins >= sparseMinimumFineBins else { return false }
        var n = 0
        spikes.times.withUnsafeBufferPointer { t in
            func lowerBound(_ lo: Int, _ hi: Int, _ x: Double) -> Int {
                var lo = lo, hi = hi
                while lo < hi { let m = (lo + hi) >> 1; if t[m] < x { lo = m + 1 } else { hi = m } }
                return lo
            }
            for u in units {
                let (lo, hi) = (spikes.offsets[u], spikes.offsets[u + 1])
                for (a, b) in bounds { n += max(0, lowerBound(lo, hi, b) - lowerBound(lo, hi, a)) }
            }
        }
        return n.multipliedReportingOverflow(by: sparseBinsPerSpike).partialValue <= fineBins
    }

    /// `counts(width:)` in the sparse path: the dense counts from the nonzero bins.
    mutating func sparseCounts(width: Double) -> Int {
        let series = SparseCountSeries(sparseE, sparseI, width: width)
        let k = series.binCount
        if bufE.count < k { bufE = [Int32](repeating: 0, count: k); bufI = [Int32](repeating: 0, count: k) }
        if k == 0 { return 0 }
        bufE.withUnsafeMutableBufferPointer { e in
            bufI.withUnsafeMutableBufferPointer { i in series.dense(into: e.baseAddress!, i.baseAddress!) }
        }
        return k
    }

    /// `scale(s)` from the nonzero bins when the scale has more than `sparseDenseBinLimit` bins (kept in
    /// `lastSparse`); nil otherwise, for the dense computation.
    mutating func sparseScale(_ s: Int) -> ScaleMeasures? {
        let series = SparseCountSeries(sparseE, sparseI, width: Kernels.scaleSeconds(s))
        guard series.binCount > Self.sparseDenseBinLimit else { lastSparse = nil; return nil }
        lastSparse = series
        return Kernels.scaleMeasures(sparse: series, options: options(scale: s))
    }

    /// `measures(for:spikes:)` in the sparse path: the co-occurrence rows kept as `ZScoreRow`s (the z-score of an
    /// empty reference bin and the bins that differ) rather than dense rows of the reference grid.
    mutating func sparseMeasures(for member: Member, spikes: SpikeTrains) -> MeasureSet {
        load(member, spikes: spikes)
        var set = MeasureSet()
        let p = parameters
        let gridScale = p.glcmReferenceScale
        let haveGrid = gridScale >= 1 && gridScale <= p.scaleCount
        let gridWidth = Kernels.scaleSeconds(gridScale)
        func epochBins(_ width: Double) -> [Int] {
            bounds.map { BinGrid(origin: $0.start, width: width).fullBinCount(stop: $0.stop) }
        }
        let gridEpochBins = epochBins(gridWidth)
        var rowsE: [ZScoreRow] = [], rowsI: [ZScoreRow] = []
        var perScale: [ScaleMeasures] = []
        for s in 1 ... max(1, p.scaleCount) {
            let r = scale(s)
            logCurves(r, scale: s)
            addScaleValues(&set, r, scale: s)
            if haveGrid {
                let width = Kernels.scaleSeconds(s), k = r.binCount
                let (sdE, sdI) = k >= 2 ? (r.sdE, r.sdI) : (0, 0)
                if let sp = lastSparse {
                    rowsE.append(sp.resampledZScores(ofE: true, gridWidth: gridWidth, gridEpochBins: gridEpochBins,
                                                     mean: r.meanE, sd: sdE))
                    rowsI.append(sp.resampledZScores(ofE: false, gridWidth: gridWidth, gridEpochBins: gridEpochBins,
                                                     mean: r.meanI, sd: sdI))
                } else {
                    let eb = epochBins(width)
                    func row(_ buf: [Int32], _ mean: Double, _ sd: Double) -> ZScoreRow {
                        let total = gridEpochBins.reduce(0, +)
                        guard sd > 0 else { return ZScoreRow(count: total, base: .nan, exceptions: []) }
                        let dense = buf.withUnsafeBufferPointer { c in
                            Kernels.resampleZScores(counts: UnsafeBufferPointer(rebasing: c[0 ..< k]), epochBins: eb,
                                                    width: width, gridWidth: gridWidth, gridEpochBins: gridEpochBins,
                                                    mean: mean, sd: sd)
                        }
                        return ZScoreRow(dense: dense, base: (0.0 - mean) / sd)
                    }
                    rowsE.append(row(bufE, r.meanE, sdE))
                    rowsI.append(row(bufI, r.meanI, sdI))
                }
            }
            perScale.append(r)
        }
        if cooccurrenceIsDefined(&set, haveGrid: haveGrid) {
            if let thresholds = Kernels.equalFrequencyThresholds(rows: rowsE + rowsI, levels: p.glcmLevels) {
                addCooccurrenceFeatures(&set, levelsE: rowsE.map { $0.levels(thresholds: thresholds) },
                                        levelsI: rowsI.map { $0.levels(thresholds: thresholds) })
            } else {
                cooccurrenceMissing(&set, "fewer than 2 valid cells on the reference grid")
            }
        }
        addOrderParameters(&set, perScale: perScale)
        return set
    }
}
