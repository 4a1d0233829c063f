import Foundation

/// Synaptic current estimate (METHODS §6, SE Fig. 4):
/// `C(t) = Σ_{E spikes} e^{−(t−t_i)/τ_E} − Σ_{I spikes} e^{−(t−t_j)/τ_I}` on the grid `t_k = start + k·step`
/// (default 1 ms, τ_E = 5 ms, τ_I = 10 ms), computed recursively in one pass:
/// `a_k = a_{k−1} e^{−step/τ} + Σ_{t_{k−1} < t_i ≤ t_k} e^{−(t_k − t_i)/τ}` — exact at every grid point, for any
/// spike time (no rounding of spikes to the grid).
public enum SynapticCurrent {
    /// C(t_k) for k = 0..<count, from E and I trains (each sorted, seconds).
    public static func estimate(excitatory: [[Double]], inhibitory: [[Double]], start: Double, count: Int,
                                step: Double = 0.001, tauE: Double = 0.005, tauI: Double = 0.010) -> [Double] {
        let e = trace(excitatory, start: start, count: count, step: step, tau: tauE)
        let i = trace(inhibitory, start: start, count: count, step: step, tau: tauI)
        return zip(e, i).map { $0 - $1 }
    }

    /// One class's exponential trace Σ_i e^{−(t_k − t_i)/τ} over spikes t_i ≤ t_k.
    public static func trace(_ trains: [[Double]], start: Double, count: Int, step: Double, tau: Double) -> [Double] {
        guard count > 0 else { return [] }
        var input = [Double](repeating: 0, count: count)
        let end = start + Double(count - 1) * step
        for t in trains {
            for s in t where s <= end {
                // First grid point at or after the spike.
                var k = Int(((s - start) / step).rounded(.up))
                if k > 0 && start + Double(k - 1) * step >= s { k -= 1 }
                if k < 0 { continue }        // spikes before the grid are ignored
                if k >= count { continue }
                input[k] += exp(-(start + Double(k) * step - s) / tau)
            }
        }
        let decay = exp(-step / tau)
        var a = 0.0
        for k in 0..<count { a = a * decay + input[k]; input[k] = a }
        return input
    }
}
