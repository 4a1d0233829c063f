import Kernels
import Recordings

extension StateWorkspace {
    /// The report curves of scale `s` from its measures `r`: "collapse" (§3.4), "partition_e", "partition_i"
    /// (§3.5) on the `curvePoints` grid x = j/(n − 1), and "xcorr" (§3.6), the ρ(l) that `scale(s)` computed for
    /// `xcorr_peak` (`r.crossCorrelation`, the same Doubles; not computed again).
    func curves(of r: ScaleMeasures, scale s: Int) -> [StateCurve] {
        let n = parameters.curvePoints
        let x = (0 ..< n).map { Double($0) / Double(n - 1) }
        var out: [StateCurve] = []
        if let c = r.collapseCurve { out.append(StateCurve(kind: "collapse", scaleIndex: s, x: x, y: c)) }
        if let c = r.partitionE { out.append(StateCurve(kind: "partition_e", scaleIndex: s, x: x, y: c)) }
        if let c = r.partitionI { out.append(StateCurve(kind: "partition_i", scaleIndex: s, x: x, y: c)) }
        if let c = Self.curve(rho: r.crossCorrelation, scale: s) { out.append(c) }
        return out
    }

    /// Appends `curves(of: r, scale: s)` to `curveLog` when it is on (see `measures(for:)`).
    mutating func logCurves(_ r: ScaleMeasures, scale s: Int) {
        guard curveLog != nil else { return }
        curveLog!.append(contentsOf: curves(of: r, scale: s))
    }

    /// `measures(for:)` of `member` and its collapse curves C(x) (§3.4) at the scales where one is defined, in
    /// ascending scale order: the curves `StateAnalysis.collapseSurrogateReference` pools, taken from this one
    /// computation (the same values as `load` and `scale(s)` for every s, which is what `measures(for:)` does).
    mutating func measuresWithCollapseCurves(for member: Member, spikes: SpikeTrains) -> (set: MeasureSet,
                                                                                          collapse: [[Double]]) {
        curveLog = []
        defer { curveLog = nil }
        let set = measures(for: member, spikes: spikes)
        return (set, (curveLog ?? []).filter { $0.kind == "collapse" }.map(\.y))
    }

    /// The observed member's values, its report curves, and its E and I series at `StatePipeline.seriesScales`
    /// up to `scaleCount` (the values of `StateAnalysis.ensembleSeries`, cut to `seriesBins`), from one binning.
    mutating func observedWithCurves(spikes: SpikeTrains) -> (set: MeasureSet, curves: [StateCurve],
                                                             series: [SeriesTable]) {
        curveLog = []
        defer { curveLog = nil }
        let set = measures(for: .observed, spikes: spikes)
        let curves = curveLog ?? []
        let ne = Double(unitsE.count), ni = Double(unitsI.count)
        let series = StatePipeline.seriesScales.filter { $0 <= parameters.scaleCount }.map { s -> SeriesTable in
            let k = min(counts(width: Kernels.scaleSeconds(s)), StatePipeline.seriesBins)
            return SeriesTable(state: state, scaleIndex: s,
                               e: ne > 0 ? bufE[0 ..< k].map { Double($0) / ne } : [],
                               i: ni > 0 ? bufI[0 ..< k].map { Double($0) / ni } : [])
        }
        return (set, curves, series)
    }
}
