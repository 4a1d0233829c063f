import Foundation

/// Welch power spectral density (METHODS §9): periodic Hann windows of `segmentLength` samples with
/// `overlap` samples of overlap (default 2 s windows, 50 %), each segment's mean removed, one-sided
/// density scaling `2 |X_k|² / (fs Σ w²)` (DC and, for even lengths, Nyquist not doubled), averaged over
/// segments. Matches `scipy.signal.welch(x, fs, window='hann', nperseg, noverlap, detrend='constant',
/// scaling='density', average='mean')`.
///
/// Several epochs of one state are pooled with `Welch.Accumulator`: segments never straddle an epoch,
/// and the PSD is the mean over all segments of all epochs (METHODS §0).
public enum Welch {
    /// A PSD: `frequencies` in Hz and `power` in (signal unit)²/Hz; `segments` is how many were averaged.
    public struct Spectrum: Sendable, Equatable {
        public var frequencies: [Double]
        public var power: [Double]
        public var segments: Int
        public init(frequencies: [Double], power: [Double], segments: Int) {
            self.frequencies = frequencies; self.power = power; self.segments = segments
        }
    }

    /// The periodic (DFT-even) Hann window of length `n`, as scipy's `get_window('hann', n)`.
    public static func hann(_ n: Int) -> [Double] {
        (0..<n).map { 0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(n)) }
    }

    /// Welch PSD of one contiguous signal. Returns nil when the signal is shorter than one segment.
    public static func psd(_ x: [Double], rate: Double, segmentLength: Int, overlap: Int) -> Spectrum? {
        var acc = Accumulator(rate: rate, segmentLength: segmentLength, overlap: overlap)
        x.withUnsafeBufferPointer { acc.add($0) }
        return acc.spectrum()
    }

    /// Accumulates Welch segments from several contiguous pieces (epochs) of one signal.
    /// Not `Sendable` (owns an FFTW plan): one per thread.
    public struct Accumulator {
        public let rate: Double
        public let segmentLength: Int
        public let overlap: Int
        private let window: [Double]
        private let scale: Double
        private let fft: RealFFT
        private var sum: [Double]
        private var scratch: [Double]
        public private(set) var segments = 0

        /// - Parameters: rate in Hz; segmentLength (nperseg) and overlap (noverlap) in samples, 0 ≤ overlap < segmentLength.
        public init(rate: Double, segmentLength: Int, overlap: Int) {
            precondition(segmentLength > 0 && overlap >= 0 && overlap < segmentLength,
                         "Welch: need 0 ≤ overlap < segmentLength")
            self.rate = rate; self.segmentLength = segmentLength; self.overlap = overlap
            window = Welch.hann(segmentLength)
            scale = 1 / (rate * window.reduce(0) { $0 + $1 * $1 })
            fft = RealFFT(length: segmentLength)
            sum = [Double](repeating: 0, count: segmentLength / 2 + 1)
            scratch = sum
        }

        /// Adds every full segment of one contiguous piece (segment starts 0, step, 2·step, …).
        public mutating func add(_ x: UnsafeBufferPointer<Double>) {
            let n = segmentLength, step = n - overlap
            guard x.count >= n else { return }
            let count = (x.count - overlap) / step
            let w = window
            for s in 0..<count {
                let start = s * step
                var mean = 0.0
                for i in 0..<n { mean += x[start + i] }
                mean /= Double(n)
                scratch.withUnsafeMutableBufferPointer { p in
                    fft.powerSpectrum(fill: { buf in
                        for i in 0..<n { buf[i] = (x[start + i] - mean) * w[i] }
                    }, power: p)
                }
                for k in 0..<sum.count { sum[k] += scratch[k] }
                segments += 1
            }
        }

        /// The averaged one-sided density, or nil when no segment was added.
        public func spectrum() -> Spectrum? {
            guard segments > 0 else { return nil }
            let n = segmentLength
            var p = sum.map { $0 * scale / Double(segments) }
            let last = n % 2 == 0 ? p.count - 1 : p.count
            if p.count > 1 { for k in 1..<last { p[k] *= 2 } }
            let f = (0..<p.count).map { Double($0) * rate / Double(n) }
            return Spectrum(frequencies: f, power: p, segments: segments)
        }
    }
}
