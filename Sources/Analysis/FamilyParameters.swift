/// Every parameter of METHODS §6–9 with its documented default; recorded in provenance.
///
/// Decoding accepts any subset of the keys (absent keys keep their defaults), so a job spec or an older
/// `provenance.json` without a newer key still reads.
public struct FamilyParameters: Codable, Sendable, Hashable {
    // MARK: §5 surrogates of the spike-based families
    /// Master seed of the family surrogate streams (METHODS §5) [default: `AnalysisParameters().seed`]. Each
    /// surrogate's stream is seeded from (seed, recording id, state, family, kind, index) only.
    public var seed: UInt64 = AnalysisParameters().seed
    /// Recompute the §6 per-channel wavelet coherence (`coherence_mean`, `ridge_median_hz`) on every seizure
    /// surrogate [default false: it costs one wavelet coherence per channel, epoch and surrogate; their z stays
    /// empty with a `missing.csv` row saying so].
    public var coherenceSurrogates: Bool = false

    // MARK: §9 LFP proxies
    /// Index into `Recording.signals` of the LFP/ECoG/EEG series to analyse.
    public var signalIndex: Int = 0
    /// Channels to analyse (nil = all).
    public var channels: [Int]? = nil
    /// Welch window length, s [default 2].
    public var welchWindowSeconds: Double = 2
    /// Welch overlap fraction [default 0.5].
    public var welchOverlap: Double = 0.5
    /// GAO band for the plain aperiodic fit, Hz [default 30–50].
    public var narrowBandLow: Double = 30
    public var narrowBandHigh: Double = 50
    /// Wide band for the specparam "fixed" fit with peak rejection, Hz [default 1–40].
    public var wideBandLow: Double = 1
    public var wideBandHigh: Double = 40
    /// specparam peak threshold (sd of the flattened spectrum) [fooof default 2].
    public var peakThreshold: Double = 2
    /// Alpha band of the DFA envelope, Hz [default 8–13], with a raised-cosine transition [default 1 Hz].
    public var dfaBandLow: Double = 8
    public var dfaBandHigh: Double = 13
    public var dfaTransition: Double = 1
    /// DFA windows: log-spaced from min to max seconds [default 1–100 s], `dfaWindowCount` sizes [default 20],
    /// capped at a quarter of the longest piece; overlapping half-windows (nolds convention) [default true].
    public var dfaMinWindowSeconds: Double = 1
    public var dfaMaxWindowSeconds: Double = 100
    public var dfaWindowCount: Int = 20
    public var dfaOverlap: Bool = true

    // MARK: §7 spatial structure
    /// Bin sizes of the spike-count correlations, ms [default 10, 100, 1000].
    public var spatialBinsMs: [Double] = [10, 100, 1000]
    /// Distance bin width, µm [default 400].
    public var distanceBinMicrometres: Double = 400

    // MARK: §8 avalanches
    /// Spike avalanche bin sizes, ms [paper: 1, 3, …, 15].
    public var avalancheBinsMs: [Double] = [1, 3, 5, 7, 9, 11, 13, 15]
    /// LFP avalanche bin sizes, ms [default 2, 4, 8, 16].
    public var lfpAvalancheBinsMs: [Double] = [2, 4, 8, 16]
    /// LFP event threshold, sd of the z-scored channel [default 3].
    public var lfpEventThreshold: Double = 3
    /// Power-law x_min candidates with α at or above this are skipped (`powerlaw` uses 3) [default none].
    public var maximumAlpha: Double? = nil
    /// Fit the size/duration distributions only with at least this many avalanches [default 50].
    public var minimumAvalanches: Int = 50

    // MARK: §6 seizure dynamics
    /// C(t) grid step, ms [default 1]; τ_E, τ_I in ms [default 5, 10].
    public var currentStepMs: Double = 1
    public var tauEMs: Double = 5
    public var tauIMs: Double = 10
    /// S(t) bin width, s [default 1]; recovery tolerance in pre-ictal sd [default 2].
    public var balanceBinSeconds: Double = 1
    public var recoveryTolerance: Double = 2
    /// Morlet wavelet: ω₀ [6], frequencies [1–200 Hz, 48 log-spaced].
    public var waveletOmega0: Double = 6
    public var waveletLowHz: Double = 1
    public var waveletHighHz: Double = 200
    public var waveletCount: Int = 48
    /// Channels of the §6 wavelet coherence with C(t) (nil = `channels`): the coherence costs about 50 FFTs of
    /// the epoch length per channel, so a cohort sweep may restrict it to a few channels.
    public var coherenceChannels: [Int]? = nil

    public init() {}

    public init(from decoder: any Decoder) throws {
        self.init()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func read<T: Decodable>(_ key: CodingKeys, _ v: inout T) throws {
            if let x = try c.decodeIfPresent(T.self, forKey: key) { v = x }
        }
        try read(.seed, &seed); try read(.coherenceSurrogates, &coherenceSurrogates)
        try read(.signalIndex, &signalIndex)
        channels = try c.decodeIfPresent([Int].self, forKey: .channels)
        try read(.welchWindowSeconds, &welchWindowSeconds); try read(.welchOverlap, &welchOverlap)
        try read(.narrowBandLow, &narrowBandLow); try read(.narrowBandHigh, &narrowBandHigh)
        try read(.wideBandLow, &wideBandLow); try read(.wideBandHigh, &wideBandHigh)
        try read(.peakThreshold, &peakThreshold)
        try read(.dfaBandLow, &dfaBandLow); try read(.dfaBandHigh, &dfaBandHigh)
        try read(.dfaTransition, &dfaTransition)
        try read(.dfaMinWindowSeconds, &dfaMinWindowSeconds); try read(.dfaMaxWindowSeconds, &dfaMaxWindowSeconds)
        try read(.dfaWindowCount, &dfaWindowCount); try read(.dfaOverlap, &dfaOverlap)
        try read(.spatialBinsMs, &spatialBinsMs); try read(.distanceBinMicrometres, &distanceBinMicrometres)
        try read(.avalancheBinsMs, &avalancheBinsMs); try read(.lfpAvalancheBinsMs, &lfpAvalancheBinsMs)
        try read(.lfpEventThreshold, &lfpEventThreshold)
        maximumAlpha = try c.decodeIfPresent(Double.self, forKey: .maximumAlpha)
        try read(.minimumAvalanches, &minimumAvalanches)
        try read(.currentStepMs, &currentStepMs); try read(.tauEMs, &tauEMs); try read(.tauIMs, &tauIMs)
        try read(.balanceBinSeconds, &balanceBinSeconds); try read(.recoveryTolerance, &recoveryTolerance)
        try read(.waveletOmega0, &waveletOmega0); try read(.waveletLowHz, &waveletLowHz)
        try read(.waveletHighHz, &waveletHighHz); try read(.waveletCount, &waveletCount)
        coherenceChannels = try c.decodeIfPresent([Int].self, forKey: .coherenceChannels)
    }
}
