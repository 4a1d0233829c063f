/// A dynamical regime of the network, switched within a session to form labelled state epochs.
///
/// The raw value is the state label written to the NWB epochs table (METHODS §0 vocabulary, plus `driven`).
public enum Regime: String, CaseIterable, Codable, Sendable {
    case wake
    case nremLight = "nrem_light"
    case nremDeep = "nrem_deep"
    case rem
    case driven
    case preictal
    case ictal
    case postictal

    /// Parses a state label; throws `SimulationError.unknownState`.
    public static func parse(_ s: String) throws -> Regime {
        guard let r = Regime(rawValue: String(s.filter { !$0.isWhitespace }).lowercased()) else {
            throw SimulationError.unknownState(s)
        }
        return r
    }

    /// Whether this regime belongs to the seizure sequence `preictal → ictal → postictal`.
    public var isSeizure: Bool { self == .preictal || self == .ictal || self == .postictal }

    /// Relative share of session time given to this regime's epoch.
    public var relativeDuration: Double {
        switch self {
        case .wake: return 1.0
        case .nremLight: return 1.0
        case .nremDeep: return 1.2
        case .rem: return 1.0
        case .driven: return 0.8
        case .preictal: return 0.9
        case .ictal: return 0.4
        case .postictal: return 0.8
        }
    }
}

/// The state-dependent settings of the network (see `docs/simulator.md`).
public struct RegimeSettings: Sendable, Codable, Equatable {
    /// Total rate of external Poisson excitatory events onto each E cell, Hz (K_ext · ν_ext).
    public var externalRateE: Double
    /// Total rate of external Poisson excitatory events onto each I cell, Hz.
    public var externalRateI: Double
    /// Spike-triggered adaptation increment b of E cells, pA.
    public var adaptationB: Double
    /// Multiplier of the recurrent excitatory weights onto E cells.
    public var scaleEE: Double
    /// Multiplier of the recurrent excitatory weights onto I cells.
    public var scaleEI: Double
    /// Multiplier of the recurrent inhibitory weights (inhibitory efficacy) onto E cells.
    public var scaleIE: Double
    /// Multiplier of the recurrent inhibitory weights onto I cells.
    public var scaleII: Double
    /// Relative depth of the common slow modulation of the external rate (sd of the OU factor).
    public var modulationDepth: Double
    /// Correlation time of that modulation, ms.
    public var modulationTau: Double
    /// Delay of the external rate signal onto I cells relative to E cells, ms (feed-forward drive).
    public var inhibitoryDriveDelay: Double

    public init(externalRateE: Double, externalRateI: Double, adaptationB: Double, scaleEE: Double = 1,
                scaleEI: Double = 1, scaleIE: Double = 1, scaleII: Double = 1, modulationDepth: Double = 0,
                modulationTau: Double = 500, inhibitoryDriveDelay: Double = 0) {
        self.externalRateE = externalRateE; self.externalRateI = externalRateI; self.adaptationB = adaptationB
        self.scaleEE = scaleEE; self.scaleEI = scaleEI; self.scaleIE = scaleIE; self.scaleII = scaleII
        self.modulationDepth = modulationDepth; self.modulationTau = modulationTau
        self.inhibitoryDriveDelay = inhibitoryDriveDelay
    }

    /// The default settings of every regime.
    public static var allDefaults: [Regime: RegimeSettings] {
        Dictionary(uniqueKeysWithValues: Regime.allCases.map { ($0, defaults(for: $0)) })
    }

    /// The default settings of each regime.
    public static func defaults(for regime: Regime) -> RegimeSettings {
        switch regime {
        case .wake:
            return RegimeSettings(externalRateE: 300, externalRateI: 300, adaptationB: 5, scaleEI: 1.5,
                                  modulationDepth: 0.1, modulationTau: 1000)
        case .nremLight:
            // Light NREM (N2): intermediate cholinergic tone, slow waves only intermittent (< 20 % of an epoch by
            // the AASM scoring rules, against ≥ 20 % in N3): adaptation and recurrent excitation nearer wake than
            // deep NREM (docs/simulator.md, "Regimes").
            return RegimeSettings(externalRateE: 300, externalRateI: 300, adaptationB: 25, scaleEE: 1.4,
                                  modulationDepth: 0.1, modulationTau: 1000)
        case .nremDeep:
            return RegimeSettings(externalRateE: 300, externalRateI: 300, adaptationB: 60, scaleEE: 2.5,
                                  modulationDepth: 0.1, modulationTau: 1000)
        case .rem:
            return RegimeSettings(externalRateE: 320, externalRateI: 320, adaptationB: 5,
                                  modulationDepth: 0.15, modulationTau: 200)
        case .driven:
            return RegimeSettings(externalRateE: 900, externalRateI: 900, adaptationB: 5,
                                  scaleEE: 0.3, scaleEI: 0.1, scaleIE: 0.3, scaleII: 0.3,
                                  modulationDepth: 0.5, modulationTau: 50, inhibitoryDriveDelay: 40)
        case .preictal:
            return RegimeSettings(externalRateE: 330, externalRateI: 300, adaptationB: 5, scaleIE: 0.8,
                                  modulationDepth: 0.1, modulationTau: 1000)
        case .ictal:
            return RegimeSettings(externalRateE: 400, externalRateI: 300, adaptationB: 60,
                                  scaleEE: 2.5, scaleEI: 0.5, scaleIE: 0.3,
                                  modulationDepth: 0.1, modulationTau: 1000)
        case .postictal:
            return RegimeSettings(externalRateE: 200, externalRateI: 700, adaptationB: 80,
                                  modulationDepth: 0.1, modulationTau: 1000)
        }
    }
}
