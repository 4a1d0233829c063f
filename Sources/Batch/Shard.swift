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

/// Which piece of a METHODS §6–9 family member a shard computes: a block of LFP channels (`lfp`), a block of
/// unit pairs of the observed correlation matrix (`spatial`), or everything (`whole`).
public enum ShardPart: Codable, Hashable, Sendable, CustomStringConvertible {
    /// The whole (recording, state) member: avalanches, seizure, spatial surrogates, or an LFP shard when the
    /// recording has no usable series (its rows then say why).
    case whole
    /// LFP channels (indices into the series' channels).
    case channels([Int])
    /// Unit pairs rows × columns of the N × N §7 matrix (`SpatialCorrelation.pairBlocks`); the shard stores
    /// block moments, the reducer assembles the matrix.
    case pairs(rows: Range<Int>, columns: Range<Int>)

    /// `all`, `ch0-31` (or `ch0,5,9`), `pairs0-63x64-99`.
    public var description: String {
        switch self {
        case .whole: return "all"
        case let .channels(c):
            if let a = c.first, let b = c.last, c == Array(a...b) { return a == b ? "ch\(a)" : "ch\(a)-\(b)" }
            return "ch" + c.map(String.init).joined(separator: ",")
        case let .pairs(r, c):
            return "pairs\(r.lowerBound)-\(r.upperBound - 1)x\(c.lowerBound)-\(c.upperBound - 1)"
        }
    }
}

/// One unit of work: (recording, state, member block), all scales at once, for the balance measures; or
/// (recording, state, family, part, member block) for a METHODS §6–9 family.
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
    /// The §6–9 family; nil = the balance measures (METHODS §2–5).
    public var family: MeasureFamily?
    /// The piece of the family member (nil for balance shards).
    public var part: ShardPart?

    public init(index: Int, key: String, recording: Int, state: String, block: MemberBlock, cost: Double, group: Int,
                family: MeasureFamily? = nil, part: ShardPart? = nil) {
        self.index = index; self.key = key; self.recording = recording; self.state = state; self.block = block
        self.cost = cost; self.group = group; self.family = family; self.part = part
    }

    /// `balance` or the family name.
    public var measureName: String { family?.rawValue ?? JobMeasures.balance }

    /// A human-readable identity, e.g. `sub-01/ses-1 wake isi_permutation[0-7]` (balance) or
    /// `sub-01/ses-1 wake lfp ch0-31 observed`.
    public func label(in plan: SweepPlan) -> String {
        guard let f = family else { return "\(plan.recordings[recording].recordingID) \(state) \(block)" }
        return "\(plan.recordings[recording].recordingID) \(state) \(f.rawValue) \(part ?? .whole) \(block)"
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
    /// Every unit, classified or not (the §7 correlation matrix is over all units); nil = not read
    /// (an input cache written before the families were sharded).
    public var units: Int?
    /// The continuous series (LFP/ECoG/EEG) in `Recording.signals` order; nil = not read.
    public var signals: [SignalInfo]?

    public init(path: String, contentHash: String, subject: String, session: String, unitsE: Int, unitsI: Int,
                states: [StateInfo], readError: String?, units: Int? = nil, signals: [SignalInfo]? = nil) {
        self.path = path; self.contentHash = contentHash; self.subject = subject; self.session = session
        self.unitsE = unitsE; self.unitsI = unitsI; self.states = states; self.readError = readError
        self.units = units; self.signals = signals
    }

    /// Shape of one continuous series.
    public struct SignalInfo: Codable, Sendable, Equatable {
        public var name: String
        public var channels: Int
        /// Samples per second; nil for irregular timestamps.
        public var rate: Double?
        public var samples: Int

        public init(name: String, channels: Int, rate: Double?, samples: Int) {
            self.name = name; self.channels = channels; self.rate = rate; self.samples = samples
        }
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
