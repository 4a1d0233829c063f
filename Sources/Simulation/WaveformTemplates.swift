import Kernels
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
    /// Draws are repeated until the measured trough-to-peak lies in the published range of the class
    /// (RS 0.6–0.85 ms, FS 0.22–0.42 ms).
    public static func waveform(excitatory: Bool, rng: inout Xoshiro256StarStar) -> [Double] {
        let range = excitatory ? 0.6...0.85 : 0.22...0.42
        var w = draw(excitatory: excitatory, rng: &rng)
        var attempts = 1
        while !range.contains(troughToPeak(w)) && attempts < 50 {
            w = draw(excitatory: excitatory, rng: &rng)
            attempts += 1
        }
        return w
    }

    static func draw(excitatory: Bool, rng: inout Xoshiro256StarStar) -> [Double] {
        // Targets drawn inside the published cluster ranges, with a margin for the sample noise.
        let troughToPeak: Double, halfWidth: Double, peakRatio: Double
        if excitatory {
            troughToPeak = 0.65 + 0.15 * rng.uniform()      // ms
            halfWidth = 0.5 + 0.2 * rng.uniform()           // ms
            peakRatio = 0.2 + 0.15 * rng.uniform()
        } else {
            troughToPeak = 0.27 + 0.1 * rng.uniform()
            halfWidth = 0.3 + 0.1 * rng.uniform()
            peakRatio = 0.35 + 0.25 * rng.uniform()
        }
        let amplitude = (60 + 120 * rng.uniform()) * 1e-6   // volts
        // The trough and peak overlap, which moves the measured maximum; correct the peak offset until the
        // noiseless template's trough-to-peak equals the target (to within a sample).
        var offset = troughToPeak
        var w = template(amplitude: amplitude, halfWidth: halfWidth, peakOffset: offset, peakRatio: peakRatio,
                         peakWidth: 0.3 * troughToPeak)
        for _ in 0..<4 {
            let error = Self.troughToPeak(w) - troughToPeak
            if abs(error) < 0.5 * 1000 / samplingRate { break }
            offset = min(max(offset - error, 0.5 * troughToPeak), 1.5 * troughToPeak)
            w = template(amplitude: amplitude, halfWidth: halfWidth, peakOffset: offset, peakRatio: peakRatio,
                         peakWidth: 0.3 * troughToPeak)
        }
        for k in w.indices { w[k] += 1e-6 * rng.normal() }
        return w
    }

    /// Noiseless template: Gaussian trough at the trough index, Gaussian peak `peakOffset` ms later (volts).
    static func template(amplitude: Double, halfWidth: Double, peakOffset: Double, peakRatio: Double,
                         peakWidth: Double) -> [Double] {
        let s1 = halfWidth / 2.355, s2 = max(peakWidth, 0.06)
        let dtMs = 1000 / samplingRate
        return (0..<sampleCount).map { k in
            let t = Double(k - troughIndex) * dtMs
            let u = t - peakOffset
            return -amplitude * _exp(-t * t / (2 * s1 * s1)) + amplitude * peakRatio * _exp(-u * u / (2 * s2 * s2))
        }
    }

    /// Trough-to-peak time (ms) measured on a waveform: global minimum to the following maximum.
    public static func troughToPeak(_ w: [Double], samplingRate: Double = samplingRate) -> Double {
        guard let minIdx = w.indices.min(by: { w[$0] < w[$1] }) else { return .nan }
        let after = w[minIdx...]
        guard let maxIdx = after.indices.max(by: { w[$0] < w[$1] }) else { return .nan }
        return Double(maxIdx - minIdx) / samplingRate * 1000
    }
}
