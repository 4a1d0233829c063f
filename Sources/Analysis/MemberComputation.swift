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
    }

    /// The random stream of a surrogate member (METHODS §5).
    func rng(_ kind: SurrogateKind, _ index: Int) -> Xoshiro256StarStar {
        Xoshiro256StarStar(seed: SplitMix64.seed(master: parameters.seed, [recordingID, state, kind.rawValue],
                                                 index: UInt64(index)))
    }

    /// Builds the fine-binned pooled E and I trains of `member` (observed data or one surrogate).
    mutating func load(_ member: Member, spikes: SpikeTrains) {
        spikes.times.withUnsafeBufferPointer { base in
            func slices(_ units: [Int]) -> [UnsafeBufferPointer<Double>] {
                units.map { UnsafeBufferPointer(rebasing: base[spikes.offsets[$0] ..< spikes.offsets[$0 + 1]]) }
            }
            let te = slices(unitsE), ti = slices(unitsI)
            fineE.reset(epochs: bounds); fineI.reset(epochs: bounds)
            switch member {
            case .observed:
                fineE.build(trains: te); fineI.build(trains: ti)
            case let .surrogate(.circularShift, index):
                // Offsets drawn epoch by epoch, E units then I units, in recording order.
                var g = rng(.circularShift, index)
                var se: [[Double]] = [], si: [[Double]] = []
                for (a, b) in bounds {
                    let length = b - a
                    se.append(unitsE.map { _ in g.nextUnit() * length })
                    si.append(unitsI.map { _ in g.nextUnit() * length })
                }
                fineE.build(trains: te, shifts: se); fineI.build(trains: ti, shifts: si)
            case let .surrogate(.isiPermutation, index):
                var g = rng(.isiPermutation, index)
                fineE.build(trains: te); fineE.sortWithinBins(); fineE.permuteIntervals(rng: &g)
                fineI.build(trains: ti); fineI.sortWithinBins(); fineI.permuteIntervals(rng: &g)
            }
        }
    }

    /// Counts of the loaded member at a bin width (seconds); returns K.
    mutating func counts(width: Double) -> Int {
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

    /// Per-scale measures of the loaded member at scale s, with its curves.
    mutating func scale(_ s: Int) -> ScaleMeasures {
        let width = Kernels.scaleSeconds(s)
        let k = counts(width: width)
        let o = options(scale: s)
        return bufE.withUnsafeBufferPointer { e in
            bufI.withUnsafeBufferPointer { i in
                Kernels.scaleMeasures(e: UnsafeBufferPointer(rebasing: e[0 ..< k]),
                                      i: UnsafeBufferPointer(rebasing: i[0 ..< k]), options: o)
            }
        }
    }

    /// The "xcorr" curve (§3.6) of the counts last computed by `scale(s)` (K = `binCount` bins in `bufE`, `bufI`):
    /// ρ(l) for l = −L…L from `Kernels.crossCorrelation`, x = l·Δt_s in ms; nil when K < 2 or a variance is zero.
    func crossCorrelationCurve(scale s: Int, binCount k: Int) -> StateCurve? {
        guard k >= 2 else { return nil }
        let dt = Kernels.scaleMilliseconds(s)
        let rho: [Double]? = bufE.withUnsafeBufferPointer { e in
            bufI.withUnsafeBufferPointer { i in
                let eb = UnsafeBufferPointer(rebasing: e[0 ..< k]), ib = UnsafeBufferPointer(rebasing: i[0 ..< k])
                return Kernels.crossCorrelation(e: eb, i: ib, maxLag: parameters.maxLagBins,
                                                moments: Kernels.countMoments(e: eb, i: ib))
            }
        }
        guard let rho, !rho.isEmpty else { return nil }
        let lag = (rho.count - 1) / 2
        return StateCurve(kind: "xcorr", scaleIndex: s, x: (-lag ... lag).map { Double($0) * dt }, y: rho)
    }

    /// Every value of one member: per-scale measures (§3.1–3.6), glcm_* (§3.7) and the order parameters (§4).
    mutating func measures(for member: Member, spikes: SpikeTrains) -> MeasureSet {
        load(member, spikes: spikes)
        var set = MeasureSet()
        let p = parameters
        let scales = Array(1 ... max(1, p.scaleCount))
        var perScale: [ScaleMeasures] = []
        let gridScale = p.glcmReferenceScale
        let haveGrid = gridScale >= 1 && gridScale <= p.scaleCount
        let gridWidth = Kernels.scaleSeconds(gridScale)
        let gridEpochBins = fineE.binCounts(width: gridWidth)
        var zE: [[Double]] = [], zI: [[Double]] = []
        for s in scales {
            let r = scale(s)
            for name in ScaleMeasures.names {
                let key = MeasureKey(name, scale: s)
                if let v = r.values[name] { set.values[key] = v } else {
                    set.missing[key] = r.missing[name] ?? "not computed"
                }
            }
            if haveGrid {
                let width = Kernels.scaleSeconds(s)
                let eb = fineE.binCounts(width: width)
                let k = r.binCount
                bufE.withUnsafeBufferPointer { e in
                    zE.append(Kernels.resampleZScores(counts: UnsafeBufferPointer(rebasing: e[0 ..< k]), epochBins: eb,
                                                      width: width, gridWidth: gridWidth, gridEpochBins: gridEpochBins,
                                                      mean: r.meanE, sd: k >= 2 ? r.sdE : 0))
                }
                bufI.withUnsafeBufferPointer { i in
                    zI.append(Kernels.resampleZScores(counts: UnsafeBufferPointer(rebasing: i[0 ..< k]), epochBins: eb,
                                                      width: width, gridWidth: gridWidth, gridEpochBins: gridEpochBins,
                                                      mean: r.meanI, sd: k >= 2 ? r.sdI : 0))
                }
            }
            perScale.append(r)
        }
        addCooccurrence(&set, zE: zE, zI: zI, gridEpochBins: gridEpochBins, haveGrid: haveGrid)
        addOrderParameters(&set, perScale: perScale)
        return set
    }

    func addCooccurrence(_ set: inout MeasureSet, zE: [[Double]], zI: [[Double]], gridEpochBins: [Int],
                         haveGrid: Bool) {
        let p = parameters
        let features = ["contrast", "dissimilarity", "homogeneity", "energy", "entropy", "correlation"]
        func missingAll(_ why: String) {
            for f in features { for d in 1 ... max(1, p.glcmMaxOffset) { set.missing[MeasureKey("glcm_\(f)_d\(d)")] = why } }
        }
        guard haveGrid else {
            missingAll("fewer scales (\(p.scaleCount)) than the co-occurrence reference scale \(p.glcmReferenceScale)")
            return
        }
        if unitsE.isEmpty || unitsI.isEmpty {
            missingAll(unitsE.isEmpty ? "no excitatory units" : "no inhibitory units"); return
        }
        var pooled: [Double] = []
        pooled.reserveCapacity(2 * zE.count * (zE.first?.count ?? 0))
        for row in zE { for v in row where v.isFinite { pooled.append(v) } }
        for row in zI { for v in row where v.isFinite { pooled.append(v) } }
        guard pooled.count >= 2 else { missingAll("fewer than 2 valid cells on the reference grid"); return }
        let thresholds = Kernels.equalFrequencyThresholds(&pooled, levels: p.glcmLevels)
        func levels(_ rows: [[Double]]) -> [[Int8]] {
            rows.map { row in row.map { $0.isFinite ? Int8(Kernels.quantiseLevel($0, thresholds: thresholds)) : -1 } }
        }
        let le = levels(zE), li = levels(zI)
        for d in 1 ... max(1, p.glcmMaxOffset) {
            let counts = Kernels.cooccurrenceCounts(levelsE: le, levelsI: li, offset: d, levels: p.glcmLevels)
            let f = Kernels.glcmFeatures(counts: counts, levels: p.glcmLevels)
            for name in features {
                let reason = name == "correlation" ? "zero marginal variance of the co-occurrence matrix"
                                                   : "no co-occurring pairs at offset \(d)"
                set.set(MeasureKey("glcm_\(name)_d\(d)"), f[name] ?? nil, reason: reason)
            }
        }
    }

    func addOrderParameters(_ set: inout MeasureSet, perScale: [ScaleMeasures]) {
        let p = parameters
        let dts = (1 ... perScale.count).map { Kernels.scaleMilliseconds($0) }
        let fit = Kernels.varianceScaling(dtMilliseconds: dts, variances: perScale.map { $0.values["fluctuation_variance"] })
        set.set(MeasureKey("variance_beta"), fit.beta, reason: "fewer than 3 scales with positive fluctuation_variance")
        set.set(MeasureKey("variance_beta_se"), fit.se, reason: "fewer than 3 scales with positive fluctuation_variance")
        var curves: [[Double]] = [], depths: [Double] = [], averaged: [Bool] = []
        let spreadFirst = max(1, p.collapseSpreadFirstScale)
        for (j, r) in perScale.enumerated() {
            if let c = r.collapseCurve, let d = r.values["collapse_depth"] {
                curves.append(c); depths.append(d); averaged.append(j + 1 >= spreadFirst)
            }
        }
        set.set(MeasureKey("collapse_spread"), Kernels.collapseSpread(curves: curves, depths: depths, averaged: averaged),
                reason: "fewer than 2 scales with a collapse curve at scales \(spreadFirst)…\(p.scaleCount)")
        func mean(_ name: String, _ range: ClosedRange<Int>) -> Double? {
            let v = range.compactMap { s in s >= 1 && s <= perScale.count ? perScale[s - 1].values[name] : nil }
            return v.isEmpty ? nil : v.reduce(0, +) / Double(v.count)
        }
        let first = p.meanCorrelationFirstScale
        set.set(MeasureKey("r_bar"), first <= perScale.count ? mean("pearson_r", first ... perScale.count) : nil,
                reason: "no pearson_r at scales \(first)…\(p.scaleCount)")
        let thetaFirst = max(1, p.thetaBarFirstScale)
        set.set(MeasureKey("theta_bar_deg"),
                thetaFirst <= perScale.count ? mean("pca_angle_deg", thetaFirst ... perScale.count).map { $0 - 45 } : nil,
                reason: "no pca_angle_deg at scales \(thetaFirst)…\(p.scaleCount)")
        func at(_ name: String, _ s: Int) -> Double? { s >= 1 && s <= perScale.count ? perScale[s - 1].values[name] : nil }
        func why(_ name: String, _ s: Int) -> String {
            s >= 1 && s <= perScale.count ? (perScale[s - 1].missing[name] ?? "missing") + " (scale \(s))"
                                          : "scale \(s) not computed (scaleCount \(perScale.count))"
        }
        set.set(MeasureKey("width_scale20"), at("orthogonal_width", p.widthScale), reason: why("orthogonal_width", p.widthScale))
        set.set(MeasureKey("asymmetry_mean"), mean("pair_asymmetry", 1 ... perScale.count), reason: "no pair_asymmetry at any scale")
        set.set(MeasureKey("xcorr_lag_scale10_ms"), at("xcorr_peak_lag_ms", p.lagScale), reason: why("xcorr_peak_lag_ms", p.lagScale))
    }
}
