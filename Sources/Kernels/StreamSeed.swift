/// The one place where random streams get their seeds (METHODS §5): every stream of the program is seeded from
/// stable identifiers only — never from a rank, a thread or the order of work — so results are byte-identical for
/// any rank count and after a rerun.
///
/// Two key forms, both built from SplitMix64's finaliser `mix` (Steele, Lea & Flood 2014):
/// - **text labels** (`derive`): the analysis streams — surrogate members of §3–5
///   (`[recording id, state, kind]`, index = surrogate index), family surrogates of §6–9
///   (`[recording id, state, family, kind]`), and the cohort bootstrap (`["bootstrap"] + labels`);
/// - **integer keys** (`chain`): the simulator (`simulator(_:)`, keys such as master seed, subject and session
///   indices and a stream number) and the k-means restarts of the classifier (`Xoshiro256StarStar(seed:streams:)`).
/// Both keep the streams the program had before they were gathered here (the bootstrap excepted, which moved from
/// its own FNV-and-XOR seeding to `derive`).
public enum StreamSeed {
    /// SplitMix64's increment γ (the golden ratio in 64 bits).
    @usableFromInline static let gamma: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// FNV-1a 64-bit hash of a label's UTF-8 bytes (stable across runs and platforms).
    public static func labelHash(_ text: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return h
    }

    /// A seed from a master seed, text labels (in order) and an index:
    /// `mix(…mix(mix(mix(master + γ) ^ h(l₀)) ^ h(l₁))… ^ index·0xD1B54A32D192ED03)`, h = `labelHash`.
    public static func derive(master: UInt64, _ labels: [String], index: UInt64 = 0) -> UInt64 {
        var h = SplitMix64.mix(master &+ gamma)
        for l in labels { h = SplitMix64.mix(h ^ labelHash(l)) }
        return SplitMix64.mix(h ^ (index &* 0xD1B5_4A32_D192_ED03))
    }

    /// The xoshiro256** stream seeded with `derive(master:labels:index:)`.
    public static func generator(master: UInt64, _ labels: [String], index: UInt64 = 0) -> Xoshiro256StarStar {
        Xoshiro256StarStar(seed: derive(master: master, labels, index: index))
    }

    /// Integer keys folded into `start` one SplitMix64 step at a time: `h ← mix((h ^ key) + γ)`.
    public static func chain(_ keys: [UInt64], start: UInt64 = 0) -> UInt64 {
        var h = start
        for k in keys { h = SplitMix64.mix((h ^ k) &+ gamma) }
        return h
    }

    /// The simulator's start value of `chain`.
    public static let simulatorStart: UInt64 = 0x5EED_0F5E_ED5E_ED00

    /// A simulator seed from integer keys (e.g. master seed, subject index, `labelHash("subject")`).
    public static func simulator(_ keys: [UInt64]) -> UInt64 { chain(keys, start: simulatorStart) }
}
