import Recordings

/// Classifies the units of a recording as E (regular spiking) or I (fast spiking) from their mean waveforms
/// (METHODS §1).
public enum UnitClassifier {
    /// Features of every unit, with the reason a unit cannot be clustered (no waveform, bad or positive waveform,
    /// undefined half-width, too few spikes).
    ///
    /// Spike-count rule: the count is the unit's number of spike times; when the recording has no spike times at
    /// all it is the `spike_count` column if present; otherwise the rule is skipped (waveform-only input).
    public static func features(of recording: Recording, options: ClassifierOptions = ClassifierOptions())
        -> (features: [UnitFeatures], waveformOnly: Bool)
    {
        let noSpikeTimes = recording.spikes.spikeCount == 0
        let span = recording.timeSpan
        let duration = span.upperBound - span.lowerBound
        var waveformOnly = noSpikeTimes
        var out: [UnitFeatures] = []
        out.reserveCapacity(recording.units.count)
        for (u, unit) in recording.units.enumerated() {
            var f = UnitFeatures(unitID: unit.id)
            if !noSpikeTimes {
                f.spikeCount = recording.spikes.count(unit: u)
                let st = spikeTrainFeatures(recording.spikes[unit: u], duration: duration, burstISI: options.burstISI,
                                            acgWindow: options.acgWindow, acgBin: options.acgBin)
                f.firingRateHz = st.firingRateHz; f.isiCV = st.isiCV; f.burstIndex = st.burstIndex
                f.acgPeakMs = st.acgPeakMs
            } else if case .number(let c)? = unit.extra["spike_count"] {
                f.spikeCount = Int(c)
                waveformOnly = false
            }
            if case .number(let r)? = unit.extra["firing_rate_hz"], f.firingRateHz == nil { f.firingRateHz = r }

            if let w = unit.waveform {
                do {
                    let wf = try waveformFeatures(samples: w.peakChannel, samplingRate: w.samplingRate,
                                                  upsampling: options.upsampling)
                    f.troughToPeakMs = wf.troughToPeakMs
                    f.halfWidthMs = wf.halfWidthMs
                    if wf.isPositivePolarity(ratio: options.positivePolarityRatio) {
                        f.preReason = .positivePolarity
                        f.detail = "positive deflection \(fmt(wf.peakAmplitude * 1e6)) µV > trough depth "
                            + "\(fmt(wf.troughAmplitude * 1e6)) µV"
                    } else if wf.halfWidthMs == nil {
                        f.preReason = .halfWidthUndefined
                        f.detail = "the trough does not cross half its depth on both sides"
                    }
                } catch {
                    f.preReason = .badWaveform
                    f.detail = "\(error)"
                }
            } else {
                f.preReason = .noWaveform
            }
            if f.preReason == nil, let c = f.spikeCount, c < options.minSpikes {
                f.preReason = .tooFewSpikes
                f.detail = "\(c) spikes < \(options.minSpikes)"
            }
            out.append(f)
        }
        return (out, waveformOnly && noSpikeTimes)
    }

    /// Classifies every unit of `recording`.
    ///
    /// With at least `options.minUnitsToFit` clusterable units a model is fitted here (k-means, k = 2, z-scored
    /// trough-to-peak and half-width); otherwise `model` is used if given, else the units are unclassified with
    /// reason `too_few_units_to_cluster`. Units farther than `rejectionSD` pooled SDs from their centroid are
    /// `ambiguous`. Input labels (the reader's `cellClass` from a file column) are kept beside the prediction.
    public static func classify(_ recording: Recording, options: ClassifierOptions = ClassifierOptions(),
                                model given: WaveformClusterModel? = nil) -> ClassificationResult {
        let (features, waveformOnly) = features(of: recording, options: options)
        return classify(features: features, units: recording.units, source: recording.source, options: options,
                        model: given, waveformOnly: waveformOnly)
    }

    /// Classifies precomputed features (`units` supplies input labels; same order).
    public static func classify(features: [UnitFeatures], units: [Unit], source: String,
                                options: ClassifierOptions, model given: WaveformClusterModel? = nil,
                                waveformOnly: Bool = false) -> ClassificationResult {
        let usable = features.indices.filter { features[$0].preReason == nil }
        var model: WaveformClusterModel? = nil
        var fittedHere = false
        var outliers: [Int: Int] = [:]  // unit index → size of the outlier cluster it was in
        if usable.count >= max(3, options.minUnitsToFit) {
            var active = usable
            for attempt in 0...max(0, options.maxOutlierRefits) {
                let x = active.map { [features[$0].troughToPeakMs!, features[$0].halfWidthMs!] }
                let m = WaveformClusterModel.fit(features: x, restarts: options.restarts, seed: options.seed)
                model = m
                guard attempt < options.maxOutlierRefits else { break }
                let labels = x.map { m.assign($0).cellClass }
                let minSize = max(options.minClusterUnits,
                                  Int((options.minClusterFraction * Double(active.count)).rounded(.up)))
                let small = [CellClass.inhibitory, .excitatory].filter { c in labels.filter { $0 == c }.count < minSize }
                guard small.count == 1, active.count - minSize >= max(3, options.minUnitsToFit) else { break }
                let drop = active.indices.filter { labels[$0] == small[0] }
                for i in drop { outliers[active[i]] = drop.count }
                let dropSet = Set(drop.map { active[$0] })
                active.removeAll { dropSet.contains($0) }
            }
            fittedHere = true
        } else {
            model = given
        }
        var results: [UnitClassification] = []
        for (i, f) in features.enumerated() {
            var r = UnitClassification(unitID: f.unitID, features: f, predicted: .unclassified, cluster: nil,
                                       distanceSD: nil, reason: f.preReason, detail: f.detail)
            if i < units.count, case .inputColumn = units[i].labelSource {
                r.inputClass = units[i].cellClass
                r.inputLabel = units[i].rawLabel
            }
            if f.preReason == nil {
                if let size = outliers[i] {
                    r.reason = .ambiguous
                    r.detail = "outlier: k-means gave it a cluster of \(size) unit(s); refitted without it"
                    if let m = model { r.distanceSD = m.assign([f.troughToPeakMs!, f.halfWidthMs!]).distanceSD }
                } else if let m = model {
                    let a = m.assign([f.troughToPeakMs!, f.halfWidthMs!])
                    r.cluster = a.cellClass == .inhibitory ? "FS" : "RS"
                    r.distanceSD = a.distanceSD
                    if a.distanceSD > options.rejectionSD {
                        r.reason = .ambiguous
                        r.detail = "\(fmt(a.distanceSD)) pooled SD from the \(r.cluster!) centroid > \(fmt(options.rejectionSD))"
                    } else {
                        r.predicted = a.cellClass
                    }
                } else {
                    r.reason = .tooFewUnitsToCluster
                    r.detail = "\(usable.count) clusterable units < \(options.minUnitsToFit) and no model given"
                }
            }
            results.append(r)
        }
        return ClassificationResult(source: source, options: options, units: results, model: model,
                                    modelFittedHere: fittedHere, waveformOnly: waveformOnly,
                                    agreement: agreement(results))
    }

    /// Agreement of predicted and input classes; nil when no unit has an input label.
    public static func agreement(_ units: [UnitClassification]) -> LabelAgreement? {
        guard units.contains(where: { $0.inputClass != nil }) else { return nil }
        let order: [CellClass] = [.excitatory, .inhibitory, .unclassified]
        var table = [[Int]](repeating: [0, 0, 0], count: 3)
        var compared = 0, agreeing = 0
        for u in units {
            guard let ic = u.inputClass else { continue }
            table[order.firstIndex(of: ic)!][order.firstIndex(of: u.predicted)!] += 1
            if ic != .unclassified && u.predicted != .unclassified {
                compared += 1
                if ic == u.predicted { agreeing += 1 }
            }
        }
        return LabelAgreement(table: table, compared: compared, agreeing: agreeing)
    }
}

func fmt(_ x: Double, _ digits: Int = 3) -> String {
    guard x.isFinite else { return "\(x)" }
    var p = 1.0
    for _ in 0..<digits { p *= 10 }
    let r = (x * p).rounded() / p
    return "\(r)"
}
