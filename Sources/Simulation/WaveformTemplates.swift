/// Mean extracellular spike waveforms for simulated units: a regular-spiking (RS, E) or fast-spiking (FS, I)
/// template with per-unit jitter, sampled at 30 kHz.
///
/// Shape: a Gaussian trough followed by a smaller, wider Gaussian after-hyperpolarisation peak,
/// `w(t) = −A·exp(−(t−t₀)²/2σ₁²) + B·exp(−(t−t₀−d)²/2σ₂²)`. The trough's full width at half depth is 2.355 σ₁.
/// Ranges follow the RS/FS clusters of Peyrache et al. 2012 (METHODS §1): RS trough-to-peak ≈ 0.6–0.85 ms,
/// half-width ≈ 0.55–0.85 ms; FS ≈ 0.22–0.42 ms and ≈ 0.35–0.6 ms.
public enum WaveformTemplates {
    /// Samples per second of the templates, Hz.
    public static let samplingRate = 30_000.0
    /// Samples per waveform (2.5 ms).
    public static let sampleCount = 75
    /// Index of the trough.
    public static let troughIndex = 22

    /// Draws one unit's mean waveform (volts) for the class (`excitatory` → RS, `inhibitory` → FS).
    public static func waveform(excitatory: Bool, rng: inout Xoshiro256) -> [Double] {
        // Targets drawn inside the published cluster ranges, with a margin.
        let troughToPeak: Double, halfWidth: Double, peakRatio: Double
        if excitatory {
            troughToPeak = 0.63 + 0.2 * rng.uniform()      // ms
            halfWidth = 0.5 + 0.2 * rng.uniform()           // ms
            peakRatio = 0.2 + 0.15 * rng.uniform()
        } else {
            troughToPeak = 0.25 + 0.14 * rng.uniform()
            halfWidth = 0.3 + 0.15 * rng.uniform()
            peakRatio = 0.35 + 0.25 * rng.uniform()
        }
        let amplitude = (60 + 120 * rng.uniform()) * 1e-6   // volts
        let s1 = halfWidth / 2.355
        // The peak Gaussian is as wide as the interval to it allows, so the maximum stays near t₀ + d.
        let s2 = max(0.5 * troughToPeak, 0.12)
        let dtMs = 1000 / samplingRate
        var out = [Double](repeating: 0, count: sampleCount)
        for k in 0..<sampleCount {
            let t = Double(k - troughIndex) * dtMs
            let trough = -amplitude * _exp(-t * t / (2 * s1 * s1))
            let u = t - troughToPeak
            // The after-peak Gaussian, suppressed before the trough so it does not add a pre-trough bump.
            let ramp = t <= 0 ? 0 : 1 - _exp(-t / 0.08)
            let peak = amplitude * peakRatio * _exp(-u * u / (2 * s2 * s2)) * ramp
            out[k] = trough + peak + 2e-6 * rng.normal()
        }
        return out
    }

    /// Trough-to-peak time (ms) measured on a waveform: global minimum to the following maximum.
    public static func troughToPeak(_ w: [Double], samplingRate: Double = samplingRate) -> Double {
        guard let minIdx = w.indices.min(by: { w[$0] < w[$1] }) else { return .nan }
        let after = w[minIdx...]
        guard let maxIdx = after.indices.max(by: { w[$0] < w[$1] }) else { return .nan }
        return Double(maxIdx - minIdx) / samplingRate * 1000
    }
}
