/// SplitMix64 step: a 64-bit mixing function used to seed `Xoshiro256StarStar` and to hash stream identifiers.
@inlinable
public func splitMix64(_ state: inout UInt64) -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}

/// xoshiro256** (Blackman & Vigna): a small, fast, deterministic generator.
///
/// Seeded from stable identifiers (master seed plus stream keys such as unit ids), so that results do not
/// depend on the thread or rank that computes them (HELPER-RULES "Random streams").
public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable {
    @usableFromInline var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// A generator for `seed` and any number of stream keys; equal inputs give equal streams.
    public init(seed: UInt64, streams: [UInt64] = []) {
        var mix = seed
        var h = splitMix64(&mix)
        for key in streams {
            var k = h ^ key
            h = splitMix64(&k)
        }
        var st = h
        s0 = splitMix64(&st); s1 = splitMix64(&st); s2 = splitMix64(&st); s3 = splitMix64(&st)
        if s0 | s1 | s2 | s3 == 0 { s0 = 1 }
    }

    @inlinable
    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// A uniform double in [0, 1) with 53 random bits.
    @inlinable
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform integer in 0..<n (n > 0), by Lemire's multiply-shift with rejection (unbiased).
    @inlinable
    public mutating func nextInt(below n: Int) -> Int {
        precondition(n > 0)
        let bound = UInt64(n)
        var m = next().multipliedFullWidth(by: bound)
        if m.low < bound {
            let threshold = (0 &- bound) % bound
            while m.low < threshold { m = next().multipliedFullWidth(by: bound) }
        }
        return Int(m.high)
    }
}
