/// The fixed (state-independent) parameters of the balanced spiking network.
///
/// Units: mV, ms, nS, pF, pA, Hz. Every default, with the literature it comes from, is tabulated in
/// `docs/simulator.md`. Neurons are conductance-based leaky integrate-and-fire neurons with spike-triggered
/// and subthreshold adaptation (the AdEx model of Brette & Gerstner 2005 without its exponential spike-initiation
/// term, as in the mean-field networks of Zerlaut et al. 2018 and di Volo et al. 2019 when Δ_T → 0).
public struct NetworkParameters: Sendable, Codable, Equatable {
    // MARK: Network
    /// Total number of neurons (rounded so that both populations are multiples of 8).
    public var neuronCount = 2000
    /// Fraction of excitatory neurons.
    public var excitatoryFraction = 0.8
    /// Probability of a connection between any ordered pair (fixed in-degree: each neuron receives
    /// exactly round(p·N_E) excitatory and round(p·N_I) inhibitory inputs).
    public var connectionProbability = 0.02

    // MARK: Membrane (RS = E, FS = I)
    /// Membrane capacitance, pF.
    public var capacitance = 200.0
    /// Leak conductance, nS (τ_m = C/g_L = 20 ms).
    public var leakConductance = 10.0
    /// Leak reversal of E cells, mV.
    public var leakReversalE = -63.0
    /// Leak reversal of I cells, mV.
    public var leakReversalI = -65.0
    /// Standard deviation of each neuron's leak reversal around its population value, mV.
    public var leakReversalSpread = 1.0
    /// Spike threshold, mV.
    public var threshold = -50.0
    /// Reset potential, mV.
    public var reset = -65.0
    /// Absolute refractory period, ms.
    public var refractory = 5.0

    // MARK: Adaptation (E cells; I cells have none)
    /// Subthreshold adaptation conductance a of E cells, nS.
    public var adaptationA = 0.0
    /// Adaptation time constant τ_w, ms.
    public var adaptationTau = 500.0

    // MARK: Synapses (exponentially decaying conductances)
    /// Excitatory reversal potential, mV.
    public var excitatoryReversal = 0.0
    /// Inhibitory reversal potential, mV.
    public var inhibitoryReversal = -80.0
    /// Excitatory conductance decay time, ms.
    public var tauE = 5.0
    /// Inhibitory conductance decay time, ms.
    public var tauI = 5.0
    /// Conductance increment of a recurrent excitatory spike onto an E cell, nS.
    public var weightE = 2.0
    /// Conductance increment of a recurrent excitatory spike onto an I cell, nS (E→FS synapses are stronger).
    public var weightEtoI = 4.0
    /// Conductance increment of a recurrent inhibitory spike, nS.
    public var weightI = 80.0
    /// Conductance increment of an external (Poisson) excitatory spike, nS.
    public var weightExternal = 1.5

    // MARK: Integration
    /// Time step, ms.
    public var dt = 0.2
    /// Simulated time before t = 0 that is discarded (initial transient), ms.
    public var warmup = 1000.0

    public init() {}

    /// Number of excitatory neurons (a multiple of 8).
    public var excitatoryCount: Int {
        let total = roundedNeuronCount
        let e = Int((Double(total) * excitatoryFraction / 8).rounded()) * 8
        return min(max(e, 8), total - 8)
    }

    /// The neuron count rounded up to a multiple of 8 (SIMD lanes), at least 16.
    public var roundedNeuronCount: Int { max(16, (neuronCount + 7) / 8 * 8) }

    /// Checks every value and names the field that is out of range.
    public func validate() throws {
        func check(_ ok: Bool, _ field: String, _ why: String) throws {
            if !ok { throw SimulationError.invalidParameter(field: field, reason: why) }
        }
        try check(neuronCount >= 16, "neuronCount", "must be at least 16")
        try check(excitatoryFraction > 0 && excitatoryFraction < 1, "excitatoryFraction", "must be in (0, 1)")
        try check(connectionProbability > 0 && connectionProbability <= 1, "connectionProbability", "must be in (0, 1]")
        try check(capacitance > 0, "capacitance", "must be positive")
        try check(leakConductance > 0, "leakConductance", "must be positive")
        try check(threshold > reset, "threshold", "must exceed reset")
        try check(refractory >= 0, "refractory", "must be non-negative")
        try check(adaptationTau > 0, "adaptationTau", "must be positive")
        try check(tauE > 0 && tauI > 0, "tauE/tauI", "must be positive")
        try check(weightE >= 0 && weightEtoI >= 0 && weightI >= 0 && weightExternal >= 0, "weights", "must be non-negative")
        try check(dt > 0 && dt <= 1, "dt", "must be in (0, 1] ms")
        try check(1 / dt == (1 / dt).rounded(), "dt", "must divide 1 ms evenly (e.g. 0.1, 0.125, 0.2, 0.25, 0.5)")
        try check(warmup >= 0, "warmup", "must be non-negative")
    }
}

/// A problem with simulation parameters or options, naming the field.
public enum SimulationError: Error, CustomStringConvertible, Equatable, Sendable {
    case invalidParameter(field: String, reason: String)
    case unknownState(String)

    public var description: String {
        switch self {
        case let .invalidParameter(field, reason): return "simulation parameter '\(field)': \(reason)"
        case let .unknownState(s):
            return "unknown simulated state '\(s)'; known: \(Regime.allCases.map(\.rawValue).joined(separator: ", "))"
        }
    }
}
