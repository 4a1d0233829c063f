import Analysis

/// Estimated cost of METHODS §6–9 family shards, in the units of the balance shards' cost (spikes × scales ×
/// members), so the largest-first queue interleaves both sensibly. The weights come from one 600 s simulated
/// demo session on one core (balance: ≈ 1.2e8 cost units per second; see docs/scaling.md); only the order they
/// give matters.
///
/// - `lfp`: channels × samples in the state (Welch + aperiodic fits + DFA of the alpha envelope);
/// - `spatial`: unit pairs × bins summed over the bin sizes (correlation block moments), per member;
/// - `avalanches`: bins summed over the spike bin sizes per member, plus LFP channels × samples (observed);
/// - `seizure`: channels × wavelet samples (at most 60 s per epoch) × frequencies, plus the spikes, per member.
public struct FamilyCost: Sendable {
    /// Balance cost units per unit of each family's work.
    public static let lfpPerSample = 100.0
    public static let spatialPerPairBin = 0.07
    public static let avalanchePerBin = 40.0
    public static let avalanchePerLFPSample = 8.5
    public static let seizurePerWaveletSample = 180.0

    public let spikes: Double
    public let seconds: Double
    public let lfpChannels: Int
    public let rate: Double
    public let parameters: FamilyParameters

    public init(recording rec: RecordingInfo, state: RecordingInfo.StateInfo?, parameters p: FamilyParameters) {
        spikes = Double(state?.spikes ?? 0)
        seconds = state?.seconds ?? 0
        parameters = p
        if let sig = rec.signals, p.signalIndex < sig.count, let r = sig[p.signalIndex].rate, r > 0 {
            lfpChannels = sig[p.signalIndex].channels
            rate = r
        } else {
            lfpChannels = 0
            rate = 0
        }
    }

    var samples: Double { seconds * rate }

    public func lfp(channels: Int) -> Double { max(1, Double(channels) * samples * Self.lfpPerSample) }

    public func spatial(pairs: Int) -> Double {
        let bins = parameters.spatialBinsMs.reduce(0.0) { $0 + seconds / max($1 / 1000, 1e-6) }
        return max(1, Double(pairs) * bins * Self.spatialPerPairBin)
    }

    /// One member's spike avalanches: bins over all spike bin sizes, plus the spikes.
    public var avalancheSpikes: Double {
        let bins = parameters.avalancheBinsMs.reduce(0.0) { $0 + seconds / max($1 / 1000, 1e-6) }
        return max(1, bins * Self.avalanchePerBin + spikes)
    }

    /// The observed member: spike avalanches and LFP events of every chosen channel.
    public var avalanches: Double {
        let ch = Double(parameters.channels?.count ?? lfpChannels)
        return avalancheSpikes + ch * samples * Self.avalanchePerLFPSample
    }

    public func seizure(state: String) -> Double {
        let ch = Double(parameters.channels?.count ?? lfpChannels)
        let wavelet = ch * min(seconds, 60) * rate * Double(parameters.waveletCount) * Self.seizurePerWaveletSample
        return max(1, wavelet + spikes)
    }
}
