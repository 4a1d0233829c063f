/// Waveform features of one mean spike waveform (METHODS §1).
public struct WaveformFeatures: Sendable, Equatable, Codable {
    /// Time from the trough (global minimum) to the following maximum, ms.
    public var troughToPeakMs: Double
    /// Full width of the trough at half its amplitude relative to the pre-trough baseline, ms; nil when the
    /// waveform does not cross the half level on both sides of the trough.
    public var halfWidthMs: Double?
    /// Trough depth below the baseline, volts (positive for a negative-going spike).
    public var troughAmplitude: Double
    /// Height of the largest positive deflection above the baseline, volts.
    public var peakAmplitude: Double
    /// Pre-trough baseline, volts.
    public var baseline: Double

    /// True when the largest positive deflection exceeds the trough depth times `ratio` (a positive-polarity unit).
    public func isPositivePolarity(ratio: Double = 1) -> Bool { peakAmplitude > ratio * troughAmplitude }
}

/// Why waveform features could not be measured.
public enum WaveformFeatureError: Error, Equatable, Sendable, CustomStringConvertible {
    case tooShort(samples: Int)
    case nonFinite
    case invalidSamplingRate(Double)
    /// The trough is the last sample: there is no peak after it.
    case troughAtEnd

    public var description: String {
        switch self {
        case .tooShort(let n): return "waveform has \(n) samples (need at least 4)"
        case .nonFinite: return "waveform has NaN or infinite samples"
        case .invalidSamplingRate(let r): return "waveform sampling rate \(r) Hz is not positive"
        case .troughAtEnd: return "waveform trough is its last sample (no peak after it)"
        }
    }
}

/// Measures trough-to-peak and half-width of a mean waveform (METHODS §1).
///
/// - Parameters:
///   - samples: the waveform on the peak channel, volts (any consistent unit works: times are what is measured).
///   - samplingRate: Hz.
///   - upsampling: cubic upsampling factor before measuring [default 10] (`upsampleCubic`, natural spline).
/// - Baseline [default]: mean of the first quarter (at least one sample) of the original samples before the trough.
/// - Half-width: the half level is `baseline − depth/2`; the crossings on both flanks of the trough are located by
///   linear interpolation between upsampled samples.
public func waveformFeatures(samples: [Double], samplingRate: Double, upsampling: Int = 10) throws -> WaveformFeatures {
    guard samplingRate > 0, samplingRate.isFinite else { throw WaveformFeatureError.invalidSamplingRate(samplingRate) }
    guard samples.count >= 4 else { throw WaveformFeatureError.tooShort(samples: samples.count) }
    guard samples.allSatisfy({ $0.isFinite }) else { throw WaveformFeatureError.nonFinite }
    let u = upsampleCubic(samples, factor: upsampling)
    let dtMs = 1000.0 / (samplingRate * Double(upsampling))

    var iTrough = 0
    for j in 1..<u.count where u[j] < u[iTrough] { iTrough = j }
    // Baseline from the original samples before the trough.
    let troughOrig = iTrough / upsampling
    let nBase = max(1, troughOrig / 4)
    var baseline = 0.0
    for i in 0..<nBase { baseline += samples[i] }
    baseline /= Double(nBase)

    guard iTrough < u.count - 1 else { throw WaveformFeatureError.troughAtEnd }
    var iPeak = iTrough + 1
    for j in (iTrough + 1)..<u.count where u[j] > u[iPeak] { iPeak = j }
    let troughToPeak = Double(iPeak - iTrough) * dtMs

    var uMax = u[0]
    for v in u where v > uMax { uMax = v }
    let depth = baseline - u[iTrough]
    let height = uMax - baseline

    var halfWidth: Double? = nil
    if depth > 0 {
        let level = baseline - depth / 2
        var left: Double? = nil
        var j = iTrough
        while j > 0 {
            if u[j - 1] >= level {
                let f = (level - u[j]) / (u[j - 1] - u[j])
                left = Double(j) - f
                break
            }
            j -= 1
        }
        var right: Double? = nil
        j = iTrough
        while j < u.count - 1 {
            if u[j + 1] >= level {
                let f = (level - u[j]) / (u[j + 1] - u[j])
                right = Double(j) + f
                break
            }
            j += 1
        }
        if let l = left, let r = right { halfWidth = (r - l) * dtMs }
    }
    return WaveformFeatures(troughToPeakMs: troughToPeak, halfWidthMs: halfWidth, troughAmplitude: depth,
                            peakAmplitude: height, baseline: baseline)
}
