#if canImport(Glibc)
import Glibc
#endif

/// The tests' own seeded generator: SplitMix64 (Steele, Lea & Flood 2014) written out here, independent of the
/// library's generators, so that test inputs do not change when the library's streams do.
public struct TestRandom: RandomNumberGenerator, Sendable {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in (0, 1): the midpoint of one of 2^53 cells.
    public mutating func openUniform() -> Double { (Double(next() >> 11) + 0.5) / 9_007_199_254_740_992.0 }

    /// Standard normal (Box–Muller on two open uniforms).
    public mutating func normal() -> Double {
        let u1 = openUniform(), u2 = openUniform()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}
