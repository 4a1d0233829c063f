import Kernels

// The simulator draws from the project's one generator, Kernels' xoshiro256**, seeded by
// `StreamSeed.simulator(_:)`; this file adds the distributions the network needs and a SIMD lane generator.

/// Distributions used by the simulator, on the shared xoshiro256** generator.
extension Xoshiro256StarStar {
    /// Uniform in [0, 1).
    @inline(__always)
    public mutating func uniform() -> Double { nextUnit() }

    /// Uniform in (0, 1].
    @inline(__always)
    public mutating func uniformPositive() -> Double { Double((next() >> 11) + 1) * 0x1.0p-53 }

    /// Standard normal (Box–Muller, one value per call).
    public mutating func normal() -> Double {
        let u1 = uniformPositive(), u2 = uniform()
        return (-2 * _log(u1)).squareRoot() * _cos(2 * Double.pi * u2)
    }

    /// Uniform integer in 0..<n.
    public mutating func int(below n: Int) -> Int {
        precondition(n > 0)
        return Int((next() >> 11) % UInt64(n))
    }

    /// Exponential variate with the given mean.
    public mutating func exponential(mean: Double) -> Double { -mean * _log(uniformPositive()) }

    /// Fisher–Yates shuffle.
    public mutating func shuffle<T>(_ a: inout [T]) {
        guard a.count > 1 else { return }
        for i in stride(from: a.count - 1, to: 0, by: -1) {
            let j = int(below: i + 1)
            if i != j { a.swapAt(i, j) }
        }
    }
}

/// Eight independent xoshiro256+ streams in SIMD lanes: one uniform per lane per call.
///
/// xoshiro256+ uses only add, shift and xor, which AVX2 vectorises for 64-bit lanes; its low bits are
/// weak, so only the top 52 bits are used (as a double mantissa).
public struct LaneRandom: Sendable {
    var s0: SIMD8<UInt64>, s1: SIMD8<UInt64>, s2: SIMD8<UInt64>, s3: SIMD8<UInt64>

    public init(seed: UInt64) {
        var sm = SplitMix64(seed: seed)
        var a = SIMD8<UInt64>(), b = SIMD8<UInt64>(), c = SIMD8<UInt64>(), d = SIMD8<UInt64>()
        for l in 0..<8 { a[l] = sm.next(); b[l] = sm.next(); c[l] = sm.next(); d[l] = sm.next() }
        s0 = a; s1 = b; s2 = c; s3 = d
    }

    /// Uniform in [0, 1) per lane.
    @inline(__always)
    public mutating func uniform() -> SIMD8<Double> {
        let result = s0 &+ s3
        let t = s1 &<< 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = (s3 &<< 45) | (s3 &>> 19)
        // Exponent of 1.0 with 52 random mantissa bits: a double in [1, 2).
        let bits = (result &>> 12) | SIMD8<UInt64>(repeating: 0x3FF0_0000_0000_0000)
        return unsafeBitCast(bits, to: SIMD8<Double>.self) - 1
    }
}

#if canImport(Glibc)
import Glibc
@inline(__always) func _log(_ x: Double) -> Double { Glibc.log(x) }
@inline(__always) func _cos(_ x: Double) -> Double { Glibc.cos(x) }
@inline(__always) func _exp(_ x: Double) -> Double { Glibc.exp(x) }
#elseif canImport(Darwin)
import Darwin
@inline(__always) func _log(_ x: Double) -> Double { Darwin.log(x) }
@inline(__always) func _cos(_ x: Double) -> Double { Darwin.cos(x) }
@inline(__always) func _exp(_ x: Double) -> Double { Darwin.exp(x) }
#endif
