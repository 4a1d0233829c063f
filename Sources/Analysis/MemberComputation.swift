import Kernels
import Recordings

/// The spike trains and epochs of one (recording, state), and reusable buffers for computing its members
/// (METHODS §2–5). One value per worker; `measures(for:)` may be called for any member in any order and gives
/// the same values, because each member's random stream depends only on (seed, recording id, state, kind, index).
struct StateWorkspace {
    let recordingID: String
    let state: String
    let parameters: AnalysisParameters
    let bounds: [(start: Double, stop: Double)]
    let unitsE: [Int]
    let unitsI: [Int]
    var fineE = FineBinnedTrain()
    var fineI = FineBinnedTrain()
    var bufE: [Int32] = []
    var bufI: [Int32] = []
    /// The §3.7 co-occurrence rows and levels of the member being computed (kept across members).
    var cooccurrence = CooccurrenceWorkspace()
    /// Long sparse states keep their spikes as sorted times instead of 1-ms prefix counts (issue 18 item 8, see
    /// MemberComputation+Sparse.swift); the tables are the same.
    let sparse: Bool
    var sparseE = SparsePooledTrain()
    var sparseI = SparsePooledTrain()
    /// The series of the last `scale(_:)` computed from nonzero bins (nil when that scale was dense).
    var lastSparse: SparseCountSeries?
    /// When not nil, `measures(for:)` appends each scale's report curves here (`logCurves`), so the observed
    /// member's curves come from its own computation (StateWorkspace+Curves.swift).
    var curveLog: [StateCurve]?
    /// Dense states whose scales the windowed pass supports get the counts of every scale in one pass over the
    /// spikes at `load` (`MultiScaleCounts`, METHODS §11) instead of `fineE`/`fineI` and one walk per scale; the
    /// counts are the same. `counts(width:)` then swaps the scale's arrays into `bufE`/`bufI` (`borrowed`: which).
    let multi: Bool
    var multiE = MultiScaleCounts()
    var multiI = MultiScaleCounts()
    var multiScratch = MultiScaleCounts.Scratch()
    var borrowed: Int?
    /// The member `load` last loaded, for a width `counts(width:)` is asked that is not a scale (then `fineE`/`fineI`
    /// are built on demand, `fineLoaded`).
    var loaded: (member: Member, spikes: SpikeTrains)?
    var fineLoaded = false
    /// When not nil, the ISI members of the windowed pass shuffle from the state's pooled intervals, sorted once and
    /// shared by every workspace copied from the same template (`SharedPooledIntervals`), instead of sorting the
    /// pooled trains for each member: the same counts.
    var sharedPooled: SharedPooledIntervals?

    init(recording: Recording, recordingID: String, state: String, parameters: AnalysisParameters) throws {
        let eps = recording.epochs(of: state).filter { $0.stop > $0.start }
        guard !eps.isEmpty else {
            throw AnalysisError.noEpochs(recording: recording.source.isEmpty ? recordingID : recording.source,
                                         state: state)
        }
        self.recordingID = recordingID
        self.state = state
        self.parameters = parameters
        self.bounds = eps.map { ($0.start, $0.stop) }
        self.unitsE = recording.unitIndices(of: .excitatory)
        self.unitsI = recording.unitIndices(of: .inhibitory)
        self.sparse = Self.prefersSparse(spikes: recording.spikes, units: unitsE + unitsI, bounds: bounds)
        self.multi = !sparse && MultiScaleCounts.supports(epochs: bounds,
                                                          widths: Self.scaleWidths(parameters))
    }

    /// Δt_s in seconds of the scales 1…scaleCount (METHODS §2).
    static func scaleWidths(_ p: AnalysisParameters) -> [Double] {
        (1 ... max(1, p.scaleCount)).map { Kernels.scaleSeconds($0) }
    }

    /// Whole bins of width `width` seconds per epoch (METHODS §2).
    func epochBinCounts(width: Double) -> [Int] {
        bounds.map { BinGrid(origin: $0.start, width: width).fullBinCount(stop: $0.stop) }
    }

    /// Puts the scale arrays lent to `bufE`/`bufI` back into `multiE`/`multiI`.
    mutating func returnBorrowed() {
        guard let s = borrowed else { return }
        swap(&bufE, &multiE.counts[s]); swap(&bufI, &multiI.counts[s])
        borrowed = nil
    }

    /// The random stream of a surrogate member (METHODS §5): `StreamSeed.derive(master: seed, [recording id, state,
    /// kind], index: surrogate index)`.
    func rng(_ kind: SurrogateKind, _ index: Int) -> Xoshiro256StarStar {
        StreamSeed.generator(master: parameters.seed, [recordingID, state, kind.rawValue], index: UInt64(index))
    }

    /// Builds the fine-binned pooled E and I trains of `member` (observed data or one surrogate).
    mutating func load(_ member: Member, spikes: SpikeTrains) {
        if multi {
            returnBorrowed()
            loaded = (member, spikes)
            fineLoaded = false
            loadMulti(member, spikes: spikes)
            return
        }
        loadFine(member, spikes: spikes)
    }

    /// The counts of every scale of `member` into `multiE`, `multiI` (the draws of `fill`, in the same order).
    mutating func loadMulti(_ member: Member, spikes: SpikeTrains) {
        let widths = Self.scaleWidths(parameters)
        let (b, ue, ui) = (bounds, unitsE.count, unitsI.count)
        spikes.times.withUnsafeBufferPointer { base in
            func slices(_ units: [Int]) -> [UnsafeBufferPointer<Double>] {
                units.map { UnsafeBufferPointer(rebasing: base[spikes.offsets[$0] ..< spikes.offsets[$0 + 1]]) }
            }
            let te = slices(unitsE), ti = slices(unitsI)
            switch member {
            case .observed:
                multiE.build(epochs: b, widths: widths, trains: te, shifts: nil, scratch: &multiScratch)
                multiI.build(epochs: b, widths: widths, trains: ti, shifts: nil, scratch: &multiScratch)
            case let .surrogate(.circularShift, index):
                var g = rng(.circularShift, index)
                var se: [[Double]] = [], si: [[Double]] = []
                for (a, z) in b {
                    let length = z - a
                    se.append((0 ..< ue).map { _ in g.nextUnit() * length })
                    si.append((0 ..< ui).map { _ in g.nextUnit() * length })
                }
                multiE.build(epochs: b, widths: widths, trains: te, shifts: se, scratch: &multiScratch)
                multiI.build(epochs: b, widths: widths, trains: ti, shifts: si, scratch: &multiScratch)
            case let .surrogate(.isiPermutation, index):
                var g = rng(.isiPermutation, index)
                if let shared = sharedPooled {
                    let pooled = shared.take { (PooledIntervals(trains: te, epochs: b), PooledIntervals(trains: ti, epochs: b)) }
                    multiE.buildPermuted(epochs: b, widths: widths, pooled: pooled.e, rng: &g, scratch: &multiScratch)
                    multiI.buildPermuted(epochs: b, widths: widths, pooled: pooled.i, rng: &g, scratch: &multiScratch)
                } else {
                    multiE.buildPermuted(epochs: b, widths: widths, trains: te, rng: &g, scratch: &multiScratch)
                    multiI.buildPermuted(epochs: b, widths: widths, trains: ti, rng: &g, scratch: &multiScratch)
                }
            }
        }
    }

    /// `load` through `fineE`/`fineI` (`FineBinnedTrain`) or the sparse trains.
    mutating func loadFine(_ member: Member, spikes: SpikeTrains) {
        spikes.times.withUnsafeBufferPointer { base in
            func slices(_ units: [Int]) -> [UnsafeBufferPointer<Double>] {
                units.map { UnsafeBufferPointer(rebasing: base[spikes.offsets[$0] ..< spikes.offsets[$0 + 1]]) }
            }
            let te = slices(unitsE), ti = slices(unitsI)
            var g: Xoshiro256StarStar? = nil
            if case let .surrogate(kind, index) = member { g = rng(kind, index) }
            let (b, ue, ui) = (bounds, unitsE.count, unitsI.count)
            if sparse { Self.fill(&sparseE, &sparseI, member, te, ti, bounds: b, unitsE: ue, unitsI: ui, rng: g) }
            else { Self.fill(&fineE, &fineI, member, te, ti, bounds: b, unitsE: ue, unitsI: ui, rng: g) }
        }
    }

    /// Builds the pooled E and I trains `pe`, `pi` of `member` from the units' trains `te`, `ti` (`rng`: the
    /// member's random stream, nil for the observed data).
    static func fill<T: PooledSpikeTrain>(_ pe: inout T, _ pi: inout T, _ member: Member,
                                          _ te: [UnsafeBufferPointer<Double>], _ ti: [UnsafeBufferPointer<Double>],
                                          bounds: [(start: Double, stop: Double)], unitsE: Int, unitsI: Int,
                                          rng: Xoshiro256StarStar?) {
            pe.layOut(epochs: bounds); pi.layOut(epochs: bounds)
            switch member {
            case .observed:
                pe.build(trains: te, shifts: nil); pi.build(trains: ti, shifts: nil)
            case .surrogate(.circularShift, _):
                // Offsets drawn epoch by epoch, E units then I units, in recording order.
                var g = rng!
                var se: [[Double]] = [], si: [[Double]] = []
                for (a, b) in bounds {
                    let length = b - a
                    se.append((0 ..< unitsE).map { _ in g.nextUnit() * length })
                    si.append((0 ..< unitsI).map { _ in g.nextUnit() * length })
                }
                pe.build(trains: te, shifts: se); pi.build(trains: ti, shifts: si)
            case .surrogate(.isiPermutation, _):
                var g = rng!
                pe.build(trains: te, shifts: nil); pe.sortWithinBins(); pe.permuteIntervals(rng: &g)
                pi.build(trains: ti, shifts: nil); pi.sortWithinBins(); pi.permuteIntervals(rng: &g)
            }
    }

    /// Counts of the loaded member at a bin width (seconds); returns K.
    mutating func counts(width: Double) -> Int {
        if sparse { return sparseCounts(width: width) }
        if multi {
            returnBorrowed()
            if let s = multiE.widths.firstIndex(of: width) {
                swap(&bufE, &multiE.counts[s]); swap(&bufI, &multiI.counts[s])
                borrowed = s
                return multiE.binCounts[s]
            }
            if !fineLoaded, let (m, sp) = loaded { loadFine(m, spikes: sp); fineLoaded = true }
        }
        let k = fineE.binCount(width: width)
        if bufE.count < k { bufE = [Int32](repeating: 0, count: k); bufI = [Int32](repeating: 0, count: k) }
        if k == 0 { return 0 }
        let (fe, fi) = (fineE, fineI)
        bufE.withUnsafeMutableBufferPointer { e in
            bufI.withUnsafeMutableBufferPointer { i in
                _ = FineBinnedTrain.counts(fe, fi, width: width, into: e.baseAddress!, i.baseAddress!)
            }
        }
        return k
    }

    func options(scale s: Int) -> ScaleOptions {
        ScaleOptions(unitsE: unitsE.count, unitsI: unitsI.count, dtMilliseconds: Kernels.scaleMilliseconds(s),
                     maxLag: parameters.maxLagBins, gridSize: parameters.pairGridSize,
                     curvePoints: parameters.curvePoints)
    }

    /// Per-scale measures of the loaded member at scale s, with its curves. Without `crossCorrelation` (for a
    /// caller that reads only the other measures, e.g. the collapse curves of the surrogate reference) the dense
    /// path skips ρ(l): xcorr_peak and xcorr_peak_lag_ms are then missing, everything else is the same.
    mutating func scale(_ s: Int, crossCorrelation: Bool = true) -> ScaleMeasures {
        if sparse, let r = sparseScale(s) { return r }
        let width = Kernels.scaleSeconds(s)
        let k = counts(width: width)
        var o = options(scale: s)
        if !crossCorrelation { o.maxLag = -1 }   // Kernels.crossCorrelation: nil for a negative L
        return bufE.withUnsafeBufferPointer { e in
            bufI.withUnsafeBufferPointer { i in
                Kernels.scaleMeasures(e: UnsafeBufferPointer(rebasing: e[0 ..< k]),
                                      i: UnsafeBufferPointer(rebasing: i[0 ..< k]), options: o)
            }
        }
    }

    /// The "xcorr" curve of ρ(l), l = −L…L, at scale s; nil when ρ is.
    static func curve(rho: [Double]?, scale s: Int) -> StateCurve? {
        guard let rho, !rho.isEmpty else { return nil }
        let dt = Kernels.scaleMilliseconds(s)
        let lag = (rho.count - 1) / 2
        return StateCurve(kind: "xcorr", scaleIndex: s, x: (-lag ... lag).map { Double($0) * dt }, y: rho)
    }

    /// Every value of one member: per-scale measures (§3.1–3.6), glcm_* (§3.7) and the order parameters (§4).
    mutating func measures(for member: Member, spikes: SpikeTrains) -> MeasureSet {
        if sparse { return sparseMeasures(for: member, spikes: spikes) }
        load(member, spikes: spikes)
        var set = MeasureSet()
        let p = parameters
        let scales = Array(1 ... max(1, p.scaleCount))
        var perScale: [ScaleMeasures] = []
        let gridScale = p.glcmReferenceScale
        let haveGrid = gridScale >= 1 && gridScale <= p.scaleCount
        let gridWidth = Kernels.scaleSeconds(gridScale)
        let gridEpochBins = epochBinCounts(width: gridWidth)
        if haveGrid { cooccurrence.start(gridWidth: gridWidth, gridEpochBins: gridEpochBins, scales: scales.count) }
        for s in scales {
            let r = scale(s)
            logCurves(r, scale: s)
            addScaleValues(&set, r, scale: s)
            if haveGrid {
                let width = Kernels.scaleSeconds(s)
                let eb = epochBinCounts(width: width)
                let k = r.binCount
                bufE.withUnsafeBufferPointer { e in
                    bufI.withUnsafeBufferPointer { i in
                        cooccurrence.addScale(e: UnsafeBufferPointer(rebasing: e[0 ..< k]),
                                              i: UnsafeBufferPointer(rebasing: i[0 ..< k]), epochBins: eb, width: width,
                                              meanE: r.meanE, sdE: k >= 2 ? r.sdE : 0,
                                              meanI: r.meanI, sdI: k >= 2 ? r.sdI : 0)
                    }
                }
            }
            perScale.append(r)
        }
        addCooccurrence(&set, haveGrid: haveGrid)
        addOrderParameters(&set, perScale: perScale)
        return set
    }

    /// The glcm_* values (§3.7) of the rows in `cooccurrence` (added by `measures(for:)`), or why they are missing.
    mutating func addCooccurrence(_ set: inout MeasureSet, haveGrid: Bool) {
        let p = parameters
        guard cooccurrenceIsDefined(&set, haveGrid: haveGrid) else { return }
        guard cooccurrence.quantise(levels: p.glcmLevels) else {
            cooccurrenceMissing(&set, "fewer than 2 valid cells on the reference grid"); return
        }
        let c = cooccurrence
        addCooccurrenceFeatures(&set) { d in c.counts(offset: d, levels: p.glcmLevels) }
    }

    /// Every glcm_* value missing with `why`.
    func cooccurrenceMissing(_ set: inout MeasureSet, _ why: String) {
        let features = Measure.GLCMFeature.allCases
        for f in features { for d in 1 ... max(1, parameters.glcmMaxOffset) { set.missing[MeasureKey(.glcm(f, offset: d))] = why } }
    }

    /// False (with every glcm_* missing and why) when the reference scale is not computed or a class has no units.
    func cooccurrenceIsDefined(_ set: inout MeasureSet, haveGrid: Bool) -> Bool {
        let p = parameters
        guard haveGrid else {
            cooccurrenceMissing(&set, "fewer scales (\(p.scaleCount)) than the co-occurrence reference scale \(p.glcmReferenceScale)")
            return false
        }
        if unitsE.isEmpty || unitsI.isEmpty {
            cooccurrenceMissing(&set, unitsE.isEmpty ? "no excitatory units" : "no inhibitory units"); return false
        }
        return true
    }

    /// The glcm_* features (§3.7) of the quantised rows of every scale.
    func addCooccurrenceFeatures(_ set: inout MeasureSet, levelsE le: [[Int8]], levelsI li: [[Int8]]) {
        let levels = parameters.glcmLevels
        addCooccurrenceFeatures(&set) { d in Kernels.cooccurrenceCounts(levelsE: le, levelsI: li, offset: d, levels: levels) }
    }

    /// The glcm_* features (§3.7) from the co-occurrence counts at each offset d (`counts(d)`, L×L row-major).
    func addCooccurrenceFeatures(_ set: inout MeasureSet, counts countsAt: (Int) -> [Int64]) {
        let p = parameters
        let features = Measure.GLCMFeature.allCases
        for d in 1 ... max(1, p.glcmMaxOffset) {
            let counts = countsAt(d)
            let f = Kernels.glcmFeatures(counts: counts, levels: p.glcmLevels)
            for feature in features {
                let reason = feature == .correlation ? "zero marginal variance of the co-occurrence matrix"
                                                     : "no co-occurring pairs at offset \(d)"
                set.set(MeasureKey(.glcm(feature, offset: d)), f[feature.rawValue] ?? nil, reason: reason)
            }
        }
    }

    /// The per-scale values of `r` at scale `s` (METHODS §3.1–3.6, `Measure.perScale`) into `set`; a reason for
    /// each one missing.
    func addScaleValues(_ set: inout MeasureSet, _ r: ScaleMeasures, scale s: Int) {
        for name in Measure.perScaleNames {
            let key = MeasureKey(name, scale: s)
            if let v = r.values[name] { set.values[key] = v } else {
                set.missing[key] = r.missing[name] ?? "not computed"
            }
        }
    }

    func addOrderParameters(_ set: inout MeasureSet, perScale: [ScaleMeasures]) {
        let p = parameters
        let dts = (1 ... perScale.count).map { Kernels.scaleMilliseconds($0) }
        let fit = Kernels.varianceScaling(dtMilliseconds: dts, variances: perScale.map { $0.values[Measure.fluctuationVariance.rawValue] })
        set.set(MeasureKey(.varianceBeta), fit.beta, reason: "fewer than 3 scales with positive fluctuation_variance")
        set.set(MeasureKey(.varianceBetaSE), fit.se, reason: "fewer than 3 scales with positive fluctuation_variance")
        var curves: [[Double]] = [], depths: [Double] = [], averaged: [Bool] = []
        let spreadFirst = max(1, p.collapseSpreadFirstScale)
        for (j, r) in perScale.enumerated() {
            if let c = r.collapseCurve, let d = r.values[Measure.collapseDepth.rawValue] {
                curves.append(c); depths.append(d); averaged.append(j + 1 >= spreadFirst)
            }
        }
        set.set(MeasureKey(.collapseSpread), Kernels.collapseSpread(curves: curves, depths: depths, averaged: averaged),
                reason: "fewer than 2 scales with a collapse curve at scales \(spreadFirst)…\(p.scaleCount)")
        func mean(_ name: String, _ range: ClosedRange<Int>) -> Double? {
            let v = range.compactMap { s in s >= 1 && s <= perScale.count ? perScale[s - 1].values[name] : nil }
            return v.isEmpty ? nil : v.reduce(0, +) / Double(v.count)
        }
        let first = p.meanCorrelationFirstScale
        set.set(MeasureKey(.rBar), first <= perScale.count ? mean(Measure.pearsonR.rawValue, first ... perScale.count) : nil,
                reason: "no pearson_r at scales \(first)…\(p.scaleCount)")
        let thetaFirst = max(1, p.thetaBarFirstScale)
        set.set(MeasureKey(.thetaBarDeg),
                thetaFirst <= perScale.count ? mean(Measure.pcaAngleDeg.rawValue, thetaFirst ... perScale.count).map { $0 - 45 } : nil,
                reason: "no pca_angle_deg at scales \(thetaFirst)…\(p.scaleCount)")
        func at(_ name: String, _ s: Int) -> Double? { s >= 1 && s <= perScale.count ? perScale[s - 1].values[name] : nil }
        func why(_ name: String, _ s: Int) -> String {
            s >= 1 && s <= perScale.count ? (perScale[s - 1].missing[name] ?? "missing") + " (scale \(s))"
                                          : "scale \(s) not computed (scaleCount \(perScale.count))"
        }
        set.set(MeasureKey(.widthScale20), at(Measure.orthogonalWidth.rawValue, p.widthScale), reason: why(Measure.orthogonalWidth.rawValue, p.widthScale))
        set.set(MeasureKey(.asymmetryMean), mean(Measure.pairAsymmetry.rawValue, 1 ... perScale.count), reason: "no pair_asymmetry at any scale")
        set.set(MeasureKey(.xcorrLagScale10Ms), at(Measure.xcorrPeakLagMs.rawValue, p.lagScale), reason: why(Measure.xcorrPeakLagMs.rawValue, p.lagScale))
    }
}
