import Kernels
/// One simulated subject: network parameters, per-regime settings, connectivity and the recorded sample.
///
/// Subjects differ in parameters drawn around the defaults (log-normal factors on weights, drives and
/// adaptation; normal shifts of the leak reversals), and in their network and array realisation.
public struct SubjectModel: Sendable {
    public var id: String
    public var parameters: NetworkParameters
    public var regimes: [Regime: RegimeSettings]
    /// Seed of the subject's network, unit sample and waveforms.
    public var seed: UInt64
    /// Recorded units per class.
    public var recordedE: Int
    public var recordedI: Int

    public init(id: String, parameters: NetworkParameters,
                regimes: [Regime: RegimeSettings] = Dictionary(uniqueKeysWithValues: Regime.allCases.map {
                    ($0, RegimeSettings.defaults(for: $0)) }),
                seed: UInt64, recordedE: Int = 80, recordedI: Int = 20) {
        self.id = id; self.parameters = parameters; self.regimes = regimes; self.seed = seed
        self.recordedE = recordedE; self.recordedI = recordedI
    }

    /// Draws a subject around `base` (relative spread ≈ `spread`; 0 gives exactly the defaults).
    /// `regimeBase` gives the regime settings the factors apply to (default: `RegimeSettings.defaults(for:)`).
    public static func draw(id: String, base: NetworkParameters, seed: UInt64, spread: Double = 0.05,
                            regimeBase: [Regime: RegimeSettings] = RegimeSettings.allDefaults) -> SubjectModel {
        var rng = Xoshiro256StarStar(seed: StreamSeed.simulator([seed, StreamSeed.labelHash("subject-parameters")]))
        func factor(_ sd: Double) -> Double { _exp(sd * spread / 0.05 * rng.normal()) }
        var p = base
        p.weightE *= factor(0.04)
        p.weightEtoI *= factor(0.04)
        p.weightI *= factor(0.04)
        p.weightExternal *= factor(0.03)
        p.leakReversalE += 0.5 * spread / 0.05 * rng.normal()
        p.leakReversalI += 0.5 * spread / 0.05 * rng.normal()
        p.adaptationTau *= factor(0.08)
        var regimes: [Regime: RegimeSettings] = [:]
        let driveFactor = factor(0.03)
        let adaptationFactor = factor(0.1)
        for r in Regime.allCases {
            var s = regimeBase[r] ?? RegimeSettings.defaults(for: r)
            s.externalRateE *= driveFactor
            s.externalRateI *= driveFactor
            s.adaptationB *= adaptationFactor
            regimes[r] = s
        }
        return SubjectModel(id: id, parameters: p, regimes: regimes, seed: seed)
    }

    public func settings(for regime: Regime) -> RegimeSettings {
        regimes[regime] ?? RegimeSettings.defaults(for: regime)
    }
}
