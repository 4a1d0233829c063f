import Foundation

/// Where a result came from (METHODS §10): input content hash, every parameter in effect, program version
/// and commit, host, rank and wall time. Written as `provenance.json` with sorted keys.
///
/// Everything but `host`, `startedAt`, `finishedAt`, `wallSeconds`, `stateSeconds` and `command` is a
/// function of the inputs, so two runs on the same file and options differ only in those fields.
public struct Provenance: Codable, Sendable, Equatable {
    public struct Program: Codable, Sendable, Equatable {
        public var name = "symedge"
        public var version: String
        public var commit: String
        enum CodingKeys: String, CodingKey { case name, version, commit }
        public init(version: String = BuildInfo.version, commit: String = BuildInfo.gitCommit) {
            self.version = version; self.commit = commit
        }
    }

    public struct Input: Codable, Sendable, Equatable {
        /// The path as given on the command line.
        public var path: String
        /// SHA-256 of the file's bytes (hex; of a folder's files for plain-text input, as the reader defines).
        public var sha256: String
        public var subject: String
        public var session: String
        public var unitsE: Int
        public var unitsI: Int
        public var unitsUnclassified: Int
        enum CodingKeys: String, CodingKey {
            case path, sha256, subject, session, unitsE = "units_e", unitsI = "units_i"
            case unitsUnclassified = "units_unclassified"
        }
        public init(path: String, sha256: String, subject: String, session: String, unitsE: Int, unitsI: Int,
                    unitsUnclassified: Int) {
            self.path = path; self.sha256 = sha256; self.subject = subject; self.session = session
            self.unitsE = unitsE; self.unitsI = unitsI; self.unitsUnclassified = unitsUnclassified
        }
    }

    public var program: Program
    public var input: Input
    /// Every METHODS §2–5 parameter in effect (defaults included).
    public var parameters: AnalysisParameters
    /// The METHODS §6–9 families computed and their parameters (nil when none was requested).
    public var families: [MeasureFamily]?
    public var familyParameters: FamilyParameters?
    /// States analysed, in the order analysed.
    public var states: [String]
    /// True when the file had no state epochs and one pseudo-state `all` spanning the data was used.
    public var pseudoStateAll: Bool
    /// The units column the E/I labels were read from (nil = the reader's defaults).
    public var classColumn: String?
    /// Other options and facts worth keeping (e.g. how many series bins were written), by name.
    public var options: [String: String]
    public var command: [String]
    public var host: String
    public var rank: Int
    public var ranks: Int
    /// ISO 8601 UTC.
    public var startedAt: String
    public var finishedAt: String
    public var wallSeconds: Double
    /// Wall time per state, seconds.
    public var stateSeconds: [String: Double]

    enum CodingKeys: String, CodingKey {
        case program, input, parameters, states, pseudoStateAll = "pseudo_state_all", classColumn = "class_column"
        case families, familyParameters = "family_parameters"
        case options, command, host, rank, ranks, startedAt = "started_at", finishedAt = "finished_at"
        case wallSeconds = "wall_seconds", stateSeconds = "state_seconds"
    }

    public init(program: Program = Program(), input: Input, parameters: AnalysisParameters, states: [String],
                pseudoStateAll: Bool, classColumn: String?, options: [String: String] = [:],
                command: [String] = CommandLine.arguments, host: String = BuildInfo.hostName, rank: Int = 0,
                ranks: Int = 1, startedAt: Date, finishedAt: Date, stateSeconds: [String: Double],
                families: [MeasureFamily]? = nil, familyParameters: FamilyParameters? = nil) {
        self.families = families; self.familyParameters = familyParameters
        self.program = program; self.input = input; self.parameters = parameters; self.states = states
        self.pseudoStateAll = pseudoStateAll; self.classColumn = classColumn; self.options = options
        self.command = command; self.host = host; self.rank = rank; self.ranks = ranks
        self.startedAt = Provenance.iso8601(startedAt); self.finishedAt = Provenance.iso8601(finishedAt)
        self.wallSeconds = finishedAt.timeIntervalSince(startedAt); self.stateSeconds = stateSeconds
    }

    /// `2026-11-30T01:02:03.456Z`.
    public static func iso8601(_ d: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: d)
    }

    /// Pretty-printed JSON with sorted keys and a final newline. Provenance's own keys are snake_case;
    /// `parameters` keeps the Swift names of `AnalysisParameters` (e.g. `scaleCount`) so each maps to its
    /// documented property in one step.
    public func json() throws -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: try enc.encode(self), as: UTF8.self) + "\n"
    }

    /// Reads `provenance.json` text.
    public static func read(_ content: String) throws -> Provenance {
        let dec = JSONDecoder()
        return try dec.decode(Provenance.self, from: Data(content.utf8))
    }
}
