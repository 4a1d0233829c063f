import Analysis

/// A contiguous block of members of one (recording, state): the observed data, or surrogates
/// `first ..< first + count` of one kind (METHODS §5).
public struct MemberBlock: Codable, Hashable, Sendable, Comparable, CustomStringConvertible {
    /// nil = the observed member.
    public var kind: SurrogateKind?
    public var first: Int
    public var count: Int

    public static let observed = MemberBlock(kind: nil, first: 0, count: 1)

    public init(kind: SurrogateKind?, first: Int, count: Int) {
        self.kind = kind; self.first = first; self.count = count
    }

    /// The members this block computes, in order.
    public var members: [Member] {
        guard let k = kind else { return [.observed] }
        return (first ..< first + count).map { .surrogate(k, $0) }
    }

    /// `observed` or e.g. `isi_permutation[0-7]` (inclusive indices).
    public var description: String {
        guard let k = kind else { return "observed" }
        return "\(k.rawValue)[\(first)-\(first + count - 1)]"
    }

    public static func < (a: MemberBlock, b: MemberBlock) -> Bool {
        switch (a.kind, b.kind) {
        case (nil, nil): return false
        case (nil, _): return true
        case (_, nil): return false
        case let (x?, y?): return x != y ? x < y : a.first < b.first
        }
    }
}

/// One unit of work: (recording, state, member block), all scales at once.
///
/// All scales are computed inside each shard because the §3.7 co-occurrence textures and the §4
/// order parameters couple the scales; splitting by scale would move whole series between ranks.
public struct Shard: Codable, Sendable, Equatable {
    /// Position in the plan (stable for a given job and inputs).
    public var index: Int
    /// SHA-256 of (input content hash, state, block, parameters, program version): the shard's identity.
    public var key: String
    /// Index into `SweepPlan.recordings`.
    public var recording: Int
    public var state: String
    public var block: MemberBlock
    /// Estimated cost: spikes in the state × scales × members (arbitrary units, for ordering and planning).
    public var cost: Double
    /// Slurm array group (consecutive shards of one recording).
    public var group: Int

    /// A human-readable identity, e.g. `sub-01/ses-1 wake isi_permutation[0-7]`.
    public func label(in plan: SweepPlan) -> String {
        "\(plan.recordings[recording].recordingID) \(state) \(block)"
    }
}

/// What the planner learned about one input.
public struct RecordingInfo: Codable, Sendable, Equatable {
    public var path: String
    public var contentHash: String
    public var subject: String
    public var session: String
    /// `subject/session`: seeds surrogate streams (METHODS §5) and names the recording in tables.
    public var recordingID: String { "\(subject)/\(session)" }
    public var unitsE: Int
    public var unitsI: Int
    /// Per state: spikes of E and I units inside the state's epochs, and the state's total duration (s).
    public var states: [StateInfo]
    /// Why the recording could not be read at planning time; its shards will fail with this message.
    public var readError: String?

    public init(path: String, contentHash: String, subject: String, session: String, unitsE: Int, unitsI: Int,
                states: [StateInfo], readError: String?) {
        self.path = path; self.contentHash = contentHash; self.subject = subject; self.session = session
        self.unitsE = unitsE; self.unitsI = unitsI; self.states = states; self.readError = readError
    }

    public struct StateInfo: Codable, Sendable, Equatable {
        public var name: String
        /// Spikes of E and I units inside the state's epochs.
        public var spikes: Int
        /// Total duration of the state's epochs, seconds.
        public var seconds: Double

        public init(name: String, spikes: Int, seconds: Double) {
            self.name = name; self.spikes = spikes; self.seconds = seconds
        }
    }
}
