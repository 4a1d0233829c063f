import Recordings

/// Why a unit was left unclassified (METHODS §1).
public enum UnclassifiedReason: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case noWaveform = "no_waveform"
    case badWaveform = "bad_waveform"
    case positivePolarity = "positive_polarity"
    case tooFewSpikes = "too_few_spikes"
    case halfWidthUndefined = "half_width_undefined"
    case ambiguous = "ambiguous"
    case tooFewUnitsToCluster = "too_few_units_to_cluster"

    public var description: String { rawValue }
}

/// Features of one unit. Times in ms, rates in Hz; nil where undefined.
public struct UnitFeatures: Sendable, Equatable, Codable {
    public var unitID: Int64
    public var troughToPeakMs: Double?
    public var halfWidthMs: Double?
    public var firingRateHz: Double?
    public var isiCV: Double?
    public var burstIndex: Double?
    public var acgPeakMs: Double?
    /// Spike count used by the spike-count rule (spike times, or the `spike_count` column); nil when unknown.
    public var spikeCount: Int?
    /// The reason found before clustering, if any.
    public var preReason: UnclassifiedReason?
    /// Human-readable detail of the reason.
    public var detail: String?
}

/// The waveform class of one unit and how it was reached.
public struct UnitClassification: Sendable, Equatable, Codable {
    public var unitID: Int64
    public var features: UnitFeatures
    /// FS → I, RS → E, or unclassified.
    public var predicted: CellClass
    /// "FS", "RS" or nil.
    public var cluster: String?
    /// Distance to the assigned centroid in pooled within-cluster SDs (z-scored feature space).
    public var distanceSD: Double?
    public var reason: UnclassifiedReason?
    public var detail: String?
    /// The class given in the input file, when it had one (it takes precedence downstream; both are kept).
    public var inputClass: CellClass?
    /// The raw input label text.
    public var inputLabel: String?
    /// True when the connection check contradicts the waveform class (nil when not run).
    public var connectionContradiction: Bool?
}

/// Agreement between the waveform classes and the input labels (units where both are E or I).
public struct LabelAgreement: Sendable, Equatable, Codable {
    /// counts[input][predicted] over E, I, U (in that order).
    public var table: [[Int]]
    /// Units with both an input E/I label and a predicted E/I class.
    public var compared: Int
    public var agreeing: Int
    public var fraction: Double? { compared > 0 ? Double(agreeing) / Double(compared) : nil }
}

/// Everything `classify` computes for one recording.
public struct ClassificationResult: Sendable, Codable {
    public var source: String
    public var options: ClassifierOptions
    public var units: [UnitClassification]
    /// The model used (fitted on this recording, or given); nil when none could be fitted.
    public var model: WaveformClusterModel?
    /// Whether `model` was fitted on this recording (false: supplied).
    public var modelFittedHere: Bool
    /// True when the spike-count rule was skipped because the input has no spike times (waveform-only).
    public var waveformOnly: Bool
    public var agreement: LabelAgreement?

    public var count: [String: Int] {
        var c: [String: Int] = ["E": 0, "I": 0, "U": 0]
        for u in units { c[u.predicted.rawValue, default: 0] += 1 }
        return c
    }

    /// Mean firing rate of FS units over mean firing rate of RS units (PN: ≈ 5); nil without both.
    public var rateRatioFSOverRS: Double? {
        func mean(_ c: CellClass) -> Double? {
            let r = units.filter { $0.predicted == c }.compactMap { $0.features.firingRateHz }
            return r.isEmpty ? nil : r.reduce(0, +) / Double(r.count)
        }
        guard let fs = mean(.inhibitory), let rs = mean(.excitatory), rs > 0 else { return nil }
        return fs / rs
    }
}
