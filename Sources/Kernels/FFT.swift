import CFFTW
import Foundation

/// A thin, safe face on FFTW (double precision) for the spectral kernels of METHODS §6 and §9.
///
/// Plans are made with `FFTW_ESTIMATE` under a process-wide lock (FFTW's planner is not thread-safe);
/// executing a plan is thread-safe, so one `RealFFT` may be shared by several threads only through
/// `forward(_:into:)` calls on distinct buffers. Values follow FFTW's unnormalised convention:
/// `X[k] = Σ_n x[n] e^{−2πikn/N}`; the inverse multiplies by `N`.
public enum FFT {
    /// Serialises FFTW's planner, the only part of FFTW that is not thread-safe.
    static let planner = NSLock()

    /// Forward real-to-complex transform of `x` (length N): returns the N/2+1 non-negative-frequency bins
    /// as separate real and imaginary arrays.
    public static func realForward(_ x: [Double]) -> (re: [Double], im: [Double]) {
        let plan = RealFFT(length: x.count)
        var re = [Double](repeating: 0, count: plan.binCount)
        var im = re
        plan.forward(x, re: &re, im: &im)
        return (re, im)
    }

    /// Complex-to-complex transform in place on split arrays (`sign` −1 forward, +1 backward, unnormalised).
    public static func complex(re: inout [Double], im: inout [Double], forward: Bool) {
        let n = re.count
        precondition(im.count == n, "FFT.complex: re and im must have the same length")
        guard n > 0 else { return }
        let buf = fftw_alloc_complex(n)!
        defer { fftw_free(buf) }
        planner.lock()
        let plan = fftw_plan_dft_1d(Int32(n), buf, buf, forward ? symedge_fftw_forward() : symedge_fftw_backward(),
                                    symedge_fftw_estimate())!
        planner.unlock()
        defer { planner.lock(); fftw_destroy_plan(plan); planner.unlock() }
        let raw = UnsafeMutableRawPointer(buf).assumingMemoryBound(to: Double.self)
        for i in 0..<n { raw[2 * i] = re[i]; raw[2 * i + 1] = im[i] }
        fftw_execute(plan)
        for i in 0..<n { re[i] = raw[2 * i]; im[i] = raw[2 * i + 1] }
    }
}

/// A reusable in-place complex FFT plan of one length and direction, with its own aligned buffer
/// (unnormalised, FFTW's sign convention). Not `Sendable`: use one per thread.
public final class ComplexFFT {
    public let length: Int
    public let isForward: Bool
    private let buffer: UnsafeMutablePointer<fftw_complex>
    private let plan: fftw_plan

    public init(length: Int, forward: Bool) {
        precondition(length > 0, "ComplexFFT: length must be positive")
        self.length = length
        self.isForward = forward
        buffer = fftw_alloc_complex(length)!
        FFT.planner.lock()
        plan = fftw_plan_dft_1d(Int32(length), buffer, buffer,
                                forward ? symedge_fftw_forward() : symedge_fftw_backward(), symedge_fftw_estimate())!
        FFT.planner.unlock()
    }

    deinit {
        FFT.planner.lock()
        fftw_destroy_plan(plan)
        FFT.planner.unlock()
        fftw_free(buffer)
    }

    /// Transforms the split arrays `re`/`im` (each `length` long) in place.
    public func execute(re: UnsafeMutableBufferPointer<Double>, im: UnsafeMutableBufferPointer<Double>) {
        precondition(re.count >= length && im.count >= length)
        let raw = UnsafeMutableRawPointer(buffer).assumingMemoryBound(to: Double.self)
        for i in 0..<length { raw[2 * i] = re[i]; raw[2 * i + 1] = im[i] }
        fftw_execute(plan)
        for i in 0..<length { re[i] = raw[2 * i]; im[i] = raw[2 * i + 1] }
    }

    /// Array convenience of `execute(re:im:)`.
    public func execute(re: inout [Double], im: inout [Double]) {
        re.withUnsafeMutableBufferPointer { r in im.withUnsafeMutableBufferPointer { i in execute(re: r, im: i) } }
    }
}

/// A reusable real-to-complex FFT plan of one length, with its own aligned buffers.
///
/// Not `Sendable`: use one per thread.
public final class RealFFT {
    public let length: Int
    /// N/2 + 1.
    public let binCount: Int
    private let input: UnsafeMutablePointer<Double>
    private let output: UnsafeMutablePointer<fftw_complex>
    private let plan: fftw_plan

    public init(length: Int) {
        precondition(length > 0, "RealFFT: length must be positive")
        self.length = length
        self.binCount = length / 2 + 1
        input = fftw_alloc_real(length)!
        output = fftw_alloc_complex(length / 2 + 1)!
        FFT.planner.lock()
        plan = fftw_plan_dft_r2c_1d(Int32(length), input, output, symedge_fftw_estimate())!
        FFT.planner.unlock()
    }

    deinit {
        FFT.planner.lock()
        fftw_destroy_plan(plan)
        FFT.planner.unlock()
        fftw_free(input)
        fftw_free(output)
    }

    /// Transforms `x` (exactly `length` samples) into `re`/`im` (each `binCount` long).
    public func forward(_ x: UnsafeBufferPointer<Double>, re: UnsafeMutableBufferPointer<Double>,
                        im: UnsafeMutableBufferPointer<Double>) {
        precondition(x.count == length && re.count >= binCount && im.count >= binCount)
        input.update(from: x.baseAddress!, count: length)
        fftw_execute(plan)
        let raw = UnsafeMutableRawPointer(output).assumingMemoryBound(to: Double.self)
        for k in 0..<binCount { re[k] = raw[2 * k]; im[k] = raw[2 * k + 1] }
    }

    /// Array convenience of `forward(_:re:im:)`.
    public func forward(_ x: [Double], re: inout [Double], im: inout [Double]) {
        x.withUnsafeBufferPointer { xp in
            re.withUnsafeMutableBufferPointer { rp in
                im.withUnsafeMutableBufferPointer { ip in forward(xp, re: rp, im: ip) }
            }
        }
    }

    /// Writes |X[k]|² for k = 0…N/2 of a windowed segment prepared by `fill` into `power` (no scaling).
    /// `fill` writes the `length` input samples into the plan's own buffer, avoiding a copy.
    public func powerSpectrum(fill: (UnsafeMutableBufferPointer<Double>) -> Void,
                              power: UnsafeMutableBufferPointer<Double>) {
        fill(UnsafeMutableBufferPointer(start: input, count: length))
        fftw_execute(plan)
        let raw = UnsafeMutableRawPointer(output).assumingMemoryBound(to: Double.self)
        for k in 0..<binCount { power[k] = raw[2 * k] * raw[2 * k] + raw[2 * k + 1] * raw[2 * k + 1] }
    }
}
