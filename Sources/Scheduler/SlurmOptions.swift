/// How a sweep is launched under Slurm.
public enum SubmitMode: String, CaseIterable, Sendable, Codable {
    /// One allocation; `srun --mpi=pmix symedge sweep` shares the shards among the ranks.
    case mpi
    /// One array task per shard group (`symedge sweep --group K`), then a dependent reduce job.
    case array
}

/// Validated Slurm resource options. Every field that reaches an `#SBATCH` line is checked against a
/// strict pattern here, so no user value can add lines or shell syntax to a generated script.
public struct SlurmOptions: Equatable, Sendable {
    public var partition: String?
    public var account: String?
    public var qos: String?
    /// Time limit as written by the user (validated Slurm syntax).
    public var time: String?
    /// Memory per node (`--mem`), e.g. `4G`, `2000M`, `512`.
    public var mem: String?
    public var nodes: Int?
    public var ntasks: Int?
    /// `%K` limit on simultaneously running array tasks.
    public var arrayParallelism: Int?
    /// Seconds before the time limit at which Slurm sends SIGUSR1 to the batch shell (`--signal=B:USR1@N`).
    public var warnSeconds: Int
    /// How often a job may requeue itself after a time-limit warning.
    public var maxRequeues: Int
    /// `srun --mpi=` plugin.
    public var srunMPI: String

    public init(partition: String? = nil, account: String? = nil, qos: String? = nil, time: String? = nil,
                mem: String? = nil, nodes: Int? = nil, ntasks: Int? = nil, arrayParallelism: Int? = nil,
                warnSeconds: Int? = nil, maxRequeues: Int = 3, srunMPI: String = "pmix") throws {
        self.partition = try partition.map { try Self.validateNameList($0, option: "--partition") }
        self.account = try account.map { try Self.validateName($0, option: "--account") }
        self.qos = try qos.map { try Self.validateName($0, option: "--qos") }
        self.mem = try mem.map(Self.validateMemory)
        self.time = time
        var limit: Int?
        if let t = time { limit = try Self.timeLimitSeconds(t) }
        for (name, value) in [("--nodes", nodes), ("--ntasks", ntasks), ("--array-parallelism", arrayParallelism)] {
            if let v = value, v < 1 || v > 1_000_000 {
                throw SchedulerError.invalidOption(option: name, value: String(v), reason: "must be between 1 and 1000000")
            }
        }
        self.nodes = nodes
        self.ntasks = ntasks
        self.arrayParallelism = arrayParallelism
        guard (0...100).contains(maxRequeues) else {
            throw SchedulerError.invalidOption(option: "--max-requeues", value: String(maxRequeues), reason: "must be 0…100")
        }
        self.maxRequeues = maxRequeues
        self.srunMPI = try Self.validateName(srunMPI, option: "--srun-mpi")
        // Default warning: 5 minutes, but never more than a quarter of a short time limit.
        let warn = warnSeconds ?? min(300, max(10, (limit ?? Int.max) / 4))
        guard (1...65535).contains(warn) else {
            throw SchedulerError.invalidOption(option: "--warn-before", value: String(warn), reason: "must be 1…65535 seconds")
        }
        if let l = limit, l > 0, warn >= l {
            throw SchedulerError.invalidOption(option: "--warn-before", value: String(warn),
                                               reason: "must be shorter than the time limit (\(l) s)")
        }
        self.warnSeconds = warn
    }

    // MARK: validation

    /// Slurm names (partition, account, QOS): letters, digits, `_`, `-`, `.`; 1…64 characters.
    public static func validateName(_ value: String, option: String) throws -> String {
        let ok = !value.isEmpty && value.count <= 64 && !value.hasPrefix("-")
            && value.unicodeScalars.allSatisfy { $0.isASCII && (isAlnum($0) || "_-.".unicodeScalars.contains($0)) }
        guard ok else {
            throw SchedulerError.invalidOption(option: option, value: value,
                                               reason: "only letters, digits, '_', '-' and '.' are allowed")
        }
        return value
    }

    /// A comma-separated list of names (Slurm accepts several partitions).
    public static func validateNameList(_ value: String, option: String) throws -> String {
        let parts = value.split(separator: ",", omittingEmptySubsequences: false)
        for p in parts { _ = try validateName(String(p), option: option) }
        return value
    }

    /// `--mem` values: a positive integer with an optional K/M/G/T suffix.
    public static func validateMemory(_ value: String) throws -> String {
        var digits = Substring(value)
        if let last = digits.last, "KMGTkmgt".contains(last) { digits = digits.dropLast() }
        guard !digits.isEmpty, digits.count <= 12, digits.allSatisfy({ $0.isASCII && $0.isNumber }), Int(digits)! > 0 else {
            throw SchedulerError.invalidOption(option: "--mem", value: value,
                                               reason: "expected a size such as 4G, 2000M or 512 (MB)")
        }
        return value
    }

    /// Parses a Slurm time limit into seconds: `M`, `M:S`, `H:M:S`, `D-H`, `D-H:M`, `D-H:M:S`;
    /// `0`, `UNLIMITED` and `INFINITE` mean no limit (returned as 0).
    public static func timeLimitSeconds(_ value: String) throws -> Int {
        let bad = SchedulerError.invalidOption(option: "--time", value: value,
                                               reason: "expected minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS")
        if ["UNLIMITED", "INFINITE"].contains(value.uppercased()) { return 0 }
        guard !value.isEmpty, value.count <= 20,
              value.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ":" || $0 == "-") }) else { throw bad }
        let dayParts = value.split(separator: "-", omittingEmptySubsequences: false)
        guard dayParts.count <= 2 else { throw bad }
        func num(_ s: Substring) throws -> Int { guard !s.isEmpty, s.count <= 9, let v = Int(s) else { throw bad }; return v }
        let clock = try dayParts.last!.split(separator: ":", omittingEmptySubsequences: false).map(num)
        guard (1...3).contains(clock.count) else { throw bad }
        // Every field has at most 9 digits, so no product below overflows.
        let total: Int
        if dayParts.count == 2 {
            let days = try num(dayParts[0])
            let h = clock[0], m = clock.count > 1 ? clock[1] : 0, s = clock.count > 2 ? clock[2] : 0
            total = ((days * 24 + h) * 60 + m) * 60 + s
        } else {
            switch clock.count {
            case 1: total = clock[0] * 60
            case 2: total = clock[0] * 60 + clock[1]
            default: total = (clock[0] * 60 + clock[1]) * 60 + clock[2]
            }
        }
        guard total <= maxTimeLimitSeconds else {
            throw SchedulerError.invalidOption(option: "--time", value: value,
                                               reason: "longer than \(maxTimeLimitSeconds / 86_400) days; use UNLIMITED "
                                               + "for no limit")
        }
        return total
    }

    /// The longest time limit accepted (365 days); Slurm itself counts minutes in 32 bits.
    public static let maxTimeLimitSeconds = 365 * 86_400

    private static func isAlnum(_ u: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(u) || ("A"..."Z").contains(u) || ("0"..."9").contains(u)
    }

    // MARK: rendering

    /// `#SBATCH` lines for the options that are set, for a job of the given kind.
    /// Array tasks and the reduce job default to one node; the reduce job always uses one task.
    public func directives(for kind: JobKind) -> [String] {
        var lines: [String] = []
        if let p = partition { lines.append("--partition=\(p)") }
        if let a = account { lines.append("--account=\(a)") }
        if let q = qos { lines.append("--qos=\(q)") }
        if let t = time { lines.append("--time=\(t)") }
        switch kind {
        case .mpi:
            if let n = nodes { lines.append("--nodes=\(n)") }
            lines.append("--ntasks=\(ntasks ?? 2)")
        case .array:
            lines.append("--nodes=\(nodes ?? 1)")
            lines.append("--ntasks=\(ntasks ?? 1)")
        case .reduce:
            lines.append("--nodes=1")
            lines.append("--ntasks=1")
        }
        if let m = mem { lines.append("--mem=\(m)") }
        return lines.map { "#SBATCH " + $0 }
    }
}
