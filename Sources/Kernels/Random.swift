/// SplitMix64 (Steele, Lea & Flood 2014): the 64-bit mixer behind `StreamSeed` (every seed of the program is
/// derived there) and the expansion of one seed into a xoshiro256** state.
/// Also a `RandomNumberGenerator` in its own right (the cohort bootstrap draws from it).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    @inline(__always)
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SplitMix64.mix(state)
    }

    /// The SplitMix64 finaliser: a bijective avalanche of 64 bits.
    @inline(__always)
    public static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// xoshiro256** 1.0 (Blackman & Vigna 2018): the generator of every surrogate stream (METHODS §5).
public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable {
    public var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// State expanded from `seed` with SplitMix64, as the authors recommend.
    public init(seed: UInt64) {
        var sm = SplitMix64(seed: seed)
        s0 = sm.next(); s1 = sm.next(); s2 = sm.next(); s3 = sm.next()
    }

    /// A stream keyed by `seed` and a list of stream keys (e.g. a restart index or a unit pair), in order:
    /// equal inputs give equal streams, and any change of a key gives an unrelated stream
    /// (seed `StreamSeed.chain([seed] + streams)`).
    public init(seed: UInt64, streams: [UInt64]) {
        var sm = SplitMix64(seed: StreamSeed.chain([seed] + streams))
        s0 = sm.next(); s1 = sm.next(); s2 = sm.next(); s3 = sm.next()
        if s0 | s1 | s2 | s3 == 0 { s0 = 1 }
    }

    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// Uniform double in [0, 1) with 53 random bits.
    @inline(__always)
    public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform integer in `0..<n` (`n > 0`), unbiased.
    @inline(__always)
    public mutating func nextInt(below n: Int) -> Int {
        precondition(n > 0)
        return Int(next(below: UInt64(n)))
    }

    /// Uniform integer in [0, n), unbiased (Lemire's multiply-shift with rejection). `n > 0`.
    @inline(__always)
    public mutating func next(below n: UInt64) -> UInt64 {
        var m = next().multipliedFullWidth(by: n)
        if m.low < n {
            let threshold = (0 &- n) % n
            while m.low < threshold { m = next().multipliedFullWidth(by: n) }
        }
        return m.high
    }
}
