/// Spike-train statistics reported beside the waveform class (METHODS §1, "supporting evidence").
public struct SpikeTrainFeatures: Sendable, Equatable, Codable {
    /// Spikes per second over the given duration, Hz.
    public var firingRateHz: Double
    /// Coefficient of variation of the inter-spike intervals (sample SD / mean); nil with fewer than 3 spikes.
    public var isiCV: Double?
    /// Fraction of inter-spike intervals shorter than the burst threshold [default 6 ms]; nil with fewer than 2 spikes.
    public var burstIndex: Double?
    /// Lag of the autocorrelogram maximum over (0, window] in `bin`-wide bins, bin centre in ms; nil when the
    /// autocorrelogram is empty. Ties go to the shortest lag.
    public var acgPeakMs: Double?
}

/// Computes firing rate, ISI CV, burst index and autocorrelogram peak time of one sorted spike train (seconds).
///
/// - Parameters:
///   - duration: seconds the rate is averaged over (the recording's span).
///   - burstISI: burst threshold, seconds [default 0.006].
///   - acgWindow, acgBin: autocorrelogram half-window and bin width, seconds [defaults 0.05, 0.001].
public func spikeTrainFeatures<C: RandomAccessCollection>(
    _ train: C, duration: Double, burstISI: Double = 0.006, acgWindow: Double = 0.05, acgBin: Double = 0.001
) -> SpikeTrainFeatures where C.Element == Double, C.Index == Int {
    let n = train.count
    let rate = duration > 0 ? Double(n) / duration : 0
    var cv: Double? = nil, burst: Double? = nil, acgPeak: Double? = nil
    let start = train.startIndex
    if n >= 2 {
        var sum = 0.0, short = 0
        for k in 1..<n {
            let isi = train[start + k] - train[start + k - 1]
            sum += isi
            if isi < burstISI { short += 1 }
        }
        let m = Double(n - 1)
        burst = Double(short) / m
        if n >= 3 {
            let mean = sum / m
            var ss = 0.0
            for k in 1..<n {
                let dev = train[start + k] - train[start + k - 1] - mean
                ss += dev * dev
            }
            if mean > 0 { cv = (ss / (m - 1)).squareRoot() / mean }
        }
        let nBins = Int((acgWindow / acgBin).rounded())
        var counts = [Int](repeating: 0, count: nBins)
        var total = 0
        for a in 0..<n {
            let ta = train[start + a]
            var b = a + 1
            while b < n {
                let d = train[start + b] - ta
                if d >= acgWindow { break }
                if d > 0 {
                    let bin = min(nBins - 1, Int(d / acgBin))
                    counts[bin] += 1
                    total += 1
                }
                b += 1
            }
        }
        if total > 0 {
            var best = 0
            for i in 1..<nBins where counts[i] > counts[best] { best = i }
            acgPeak = (Double(best) + 0.5) * acgBin * 1000
        }
    }
    return SpikeTrainFeatures(firingRateHz: rate, isiCV: cv, burstIndex: burst, acgPeakMs: acgPeak)
}
