import Kernels
/// Builds a session's sequence of regime epochs.
public enum SessionSchedule {
    /// Canonical order of the regimes; the seizure regimes always stay together as `preictal → ictal → postictal`.
    public static let canonicalOrder: [Regime] = [.wake, .nremLight, .nremDeep, .rem, .driven,
                                                   .preictal, .ictal, .postictal]

    /// Splits `duration` seconds among `regimes` in proportion to `Regime.relativeDuration`, boundaries on whole
    /// milliseconds. Blocks (each non-seizure regime alone; the seizure regimes as one block) are shuffled when
    /// `shuffleSeed` is given.
    public static func make(regimes: [Regime], duration: Double, settings: (Regime) -> RegimeSettings,
                            shuffleSeed: UInt64?) -> [ScheduledEpoch] {
        let chosen = canonicalOrder.filter { regimes.contains($0) }
        guard !chosen.isEmpty, duration > 0 else { return [] }
        var blocks: [[Regime]] = chosen.filter { !$0.isSeizure }.map { [$0] }
        let seizure = chosen.filter(\.isSeizure)
        if !seizure.isEmpty { blocks.append(seizure) }
        if let seed = shuffleSeed {
            var rng = Xoshiro256StarStar(seed: seed)
            rng.shuffle(&blocks)
        }
        let order = blocks.flatMap { $0 }
        let totalMs = Int((duration * 1000).rounded())
        let weightSum = order.reduce(0) { $0 + $1.relativeDuration }
        var out: [ScheduledEpoch] = []
        var startMs = 0, cumulative = 0.0
        for (k, r) in order.enumerated() {
            cumulative += r.relativeDuration
            let stopMs = k == order.count - 1 ? totalMs : Int((Double(totalMs) * cumulative / weightSum).rounded())
            out.append(ScheduledEpoch(regime: r, settings: settings(r), start: Double(startMs) / 1000,
                                      stop: Double(stopMs) / 1000))
            startMs = stopMs
        }
        return out
    }
}
