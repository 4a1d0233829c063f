import Analysis
import Foundation
import Recordings
import Yams

/// The measure families a job may name: `balance` (METHODS §2–5) and the §6–9 families of
/// `Analysis.MeasureFamily` (`lfp`, `spatial`, `avalanches`, `seizure`).
public enum JobMeasures {
    public static let balance = "balance"
    /// Every family name the job spec knows.
    public static var known: [String] { [balance] + MeasureFamily.allCases.map(\.rawValue).sorted() }
    /// Families the sweep runs in this version (every known one).
    public static var available: [String] { known }
}

/// Which recordings a job reads: DANDI-layout folders, glob patterns and explicit paths (all absolute).
public struct InputSelection: Codable, Sendable, Equatable {
    public var folders: [String]
    public var globs: [String]
    public var files: [String]

    public init(folders: [String] = [], globs: [String] = [], files: [String] = []) {
        self.folders = folders; self.globs = globs; self.files = files
    }
}

/// A cohort job: what to read, what to compute, where to write, and how to cut it into shards.
///
/// Parsed from YAML by `JobSpec.load(path:)`; every relative path is relative to the job file.
/// See `Jobs/demo.yaml` for a documented example of every key.
public struct JobSpec: Codable, Sendable, Equatable {
    /// A short name for logs and the manifest (default: the job file's base name).
    public var name: String
    /// Absolute path of the YAML this was read from.
    public var jobFile: String
    public var inputs: InputSelection
    /// States to analyse; nil = every state each recording has.
    public var states: [String]?
    public var measures: [String]
    /// All analysis parameters, including scale count, surrogate count and kinds, and the seed.
    public var parameters: AnalysisParameters
    /// The units column holding E/I labels; nil = the reader's default columns.
    public var classColumn: String?
    /// Absolute output folder.
    public var output: String
    /// Surrogates of one kind per shard (member block size).
    public var surrogatesPerShard: Int
    /// Shards per Slurm array group; 0 = one group per recording.
    public var shardGroupSize: Int
    /// Bootstrap resamples of the cohort statistics (METHODS §4) [default 1000].
    public var bootstrapResamples: Int
    /// METHODS §6–9 parameters of the families (`family_parameters:`); `seed` is always the job's seed.
    public var familyParameters: FamilyParameters
    /// LFP channels per `lfp` shard (the §9 measures are per channel) [default 32].
    public var lfpChannelsPerShard: Int
    /// Units per side of a `spatial` pair block: the observed §7 correlation matrix is computed in
    /// `spatialBlockUnits` × `spatialBlockUnits` blocks of unit pairs, one shard each, and assembled by the
    /// reducer; 0 = the whole matrix in one shard [default 64].
    public var spatialBlockUnits: Int
    /// How recordings are read (issue 18; keys `state_table`, `state_column`, `ignore_epochs`, `units_path`):
    /// the TimeIntervals table and column holding the states, whether `/intervals/epochs` is never used, and the
    /// Units table's HDF5 path; nil = the reader's defaults.
    public var stateTable: String?
    public var stateColumn: String?
    public var ignoreEpochs: Bool?
    public var unitsPath: String?

    /// The `ReadOptions` every read of the job uses (planning and shards).
    public var readOptions: ReadOptions {
        ReadOptions(classColumn: classColumn, stateTable: stateTable, stateColumn: stateColumn,
                    ignoreEpochs: ignoreEpochs ?? false, unitsPath: unitsPath)
    }

    /// What enters the input cache and the shard keys for the reading choices: the class column alone when the
    /// issue-18 keys are unset (so existing keys are unchanged), else the class column and every choice.
    public var readKey: String? {
        guard stateTable != nil || stateColumn != nil || ignoreEpochs == true || unitsPath != nil else { return classColumn }
        return "\(classColumn ?? "")|state_table=\(stateTable ?? "")|state_column=\(stateColumn ?? "")"
            + "|ignore_epochs=\(ignoreEpochs ?? false)|units_path=\(unitsPath ?? "")"
    }

    public static let defaultLFPChannelsPerShard = 32
    public static let defaultSpatialBlockUnits = 64

    public init(name: String, jobFile: String, inputs: InputSelection, states: [String]?,
                measures: [String], parameters: AnalysisParameters, classColumn: String?, output: String,
                surrogatesPerShard: Int, shardGroupSize: Int,
                bootstrapResamples: Int = CohortStatistics.defaultResamples,
                familyParameters: FamilyParameters? = nil,
                lfpChannelsPerShard: Int = JobSpec.defaultLFPChannelsPerShard,
                spatialBlockUnits: Int = JobSpec.defaultSpatialBlockUnits) {
        self.name = name; self.jobFile = jobFile; self.inputs = inputs; self.states = states
        self.measures = measures; self.parameters = parameters; self.classColumn = classColumn
        self.output = output; self.surrogatesPerShard = surrogatesPerShard; self.shardGroupSize = shardGroupSize
        self.bootstrapResamples = bootstrapResamples
        var fp = familyParameters ?? FamilyParameters()
        fp.seed = parameters.seed
        self.familyParameters = fp
        self.lfpChannelsPerShard = lfpChannelsPerShard; self.spatialBlockUnits = spatialBlockUnits
    }

    enum CodingKeys: String, CodingKey {
        case name, jobFile, inputs, states, measures, parameters, classColumn, output, surrogatesPerShard
        case shardGroupSize, bootstrapResamples, familyParameters, lfpChannelsPerShard, spatialBlockUnits
        case stateTable, stateColumn, ignoreEpochs, unitsPath
    }

    /// Decodes `job.json`; the family keys may be absent (a folder written before the families were sharded).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(name: try c.decode(String.self, forKey: .name), jobFile: try c.decode(String.self, forKey: .jobFile),
                  inputs: try c.decode(InputSelection.self, forKey: .inputs),
                  states: try c.decodeIfPresent([String].self, forKey: .states),
                  measures: try c.decode([String].self, forKey: .measures),
                  parameters: try c.decode(AnalysisParameters.self, forKey: .parameters),
                  classColumn: try c.decodeIfPresent(String.self, forKey: .classColumn),
                  output: try c.decode(String.self, forKey: .output),
                  surrogatesPerShard: try c.decode(Int.self, forKey: .surrogatesPerShard),
                  shardGroupSize: try c.decode(Int.self, forKey: .shardGroupSize),
                  bootstrapResamples: try c.decode(Int.self, forKey: .bootstrapResamples),
                  familyParameters: try c.decodeIfPresent(FamilyParameters.self, forKey: .familyParameters),
                  lfpChannelsPerShard: try c.decodeIfPresent(Int.self, forKey: .lfpChannelsPerShard)
                    ?? Self.defaultLFPChannelsPerShard,
                  spatialBlockUnits: try c.decodeIfPresent(Int.self, forKey: .spatialBlockUnits)
                    ?? Self.defaultSpatialBlockUnits)
        stateTable = try c.decodeIfPresent(String.self, forKey: .stateTable)
        stateColumn = try c.decodeIfPresent(String.self, forKey: .stateColumn)
        ignoreEpochs = try c.decodeIfPresent(Bool.self, forKey: .ignoreEpochs)
        unitsPath = try c.decodeIfPresent(String.self, forKey: .unitsPath)
    }

    /// The family parameters in effect: `familyParameters` with the job's seed (which seeds the surrogates).
    public var familyParametersInEffect: FamilyParameters {
        var fp = familyParameters
        fp.seed = parameters.seed
        return fp
    }

    /// The §6–9 families the job names, in `MeasureFamily` order.
    public var families: [MeasureFamily] { MeasureFamily.allCases.filter { measures.contains($0.rawValue) } }

    /// Whether the job computes the METHODS §2–5 balance measures.
    public var includesBalance: Bool { measures.contains(JobMeasures.balance) }

    /// Top-level keys a job file may have.
    public static let keys = ["name", "inputs", "states", "scales", "measures", "surrogates", "surrogate_kinds", "seed",
                              "class_column", "output", "surrogates_per_shard", "shard_group_size", "bootstrap_resamples",
                              "parameters", "family_parameters", "lfp_channels_per_shard", "spatial_block_units",
                              "state_table", "state_column", "ignore_epochs", "units_path"]

    /// Keys of the `parameters:` mapping (METHODS §2–4 defaults in `AnalysisParameters`).
    public static let parameterKeys = ["max_lag_bins", "pair_grid_size", "glcm_levels", "glcm_max_offset",
                                       "glcm_reference_scale", "mean_correlation_first_scale",
                                       "collapse_spread_first_scale", "theta_bar_first_scale", "width_scale",
                                       "lag_scale", "theta_threshold_degrees", "z_threshold",
                                       "seizure_deviation_threshold_sd", "curve_points"]

    /// Reads and validates a job file.
    /// - Throws: `BatchError.jobSpec` naming the key and line, or `BatchError.yaml`.
    public static func load(path: String) throws -> JobSpec {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw BatchError.io(path: path, message: "cannot read job file")
        }
        return try parse(yaml: text, jobFile: url.path)
    }

    /// Parses and validates YAML text; `jobFile` anchors relative paths and names the file in errors.
    public static func parse(yaml text: String, jobFile: String) throws -> JobSpec {
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch {
            throw BatchError.yaml(file: jobFile, message: "\(error)")
        }
        guard let root = node, let map = root.mapping else {
            throw BatchError.jobSpec(file: jobFile, line: node?.mark?.line ?? 1, key: "(top level)",
                                     message: "a job file is a mapping of keys (name, inputs, states, …)")
        }
        let r = SpecReader(file: jobFile)
        let base = URL(fileURLWithPath: jobFile).deletingLastPathComponent()
        var seen = Set<String>()
        for (k, v) in map {
            guard let key = k.string else {
                throw r.error(k, "(top level)", "keys must be strings")
            }
            guard keys.contains(key) else {
                throw r.error(k, key, "unknown key; allowed keys are \(keys.joined(separator: ", "))")
            }
            if !seen.insert(key).inserted { throw r.error(k, key, "duplicate key") }
            _ = v
        }
        func value(_ key: String) -> Node? { map[key] }

        var p = AnalysisParameters()
        let name = try value("name").map { try r.string($0, "name") }
            ?? URL(fileURLWithPath: jobFile).deletingPathExtension().lastPathComponent

        guard let inputsNode = value("inputs") else {
            throw BatchError.jobSpec(file: jobFile, line: root.mark?.line, key: "inputs",
                                     message: "required: a folder, a glob, a list, or {folder:, glob:, files:}")
        }
        let inputs = try r.inputs(inputsNode, base: base)

        var states: [String]? = nil
        if let n = value("states") {
            if let s = n.scalar?.string, s == "all" { states = nil } else {
                let list = try r.stringList(n, "states")
                if list.isEmpty { throw r.error(n, "states", "empty list; write `all` for every state") }
                if Set(list).count != list.count { throw r.error(n, "states", "a state is listed twice") }
                states = list
            }
        }
        if let n = value("scales") {
            p.scaleCount = try r.int(n, "scales", in: 2...64, hint: "number of scales Δt_s = e^{0.3(s−1)} ms, s = 1…N")
        }
        var measures: [String] = [JobMeasures.balance]
        if let n = value("measures") {
            let list = try r.stringList(n, "measures")
            measures = []
            for m in list {
                guard JobMeasures.known.contains(m) else {
                    throw r.error(n, "measures", "unknown measure family '\(m)'; known: "
                                  + JobMeasures.known.joined(separator: ", "))
                }
                if !measures.contains(m) { measures.append(m) }
            }
            if measures.isEmpty { throw r.error(n, "measures", "empty list") }
            measures.sort()
        }
        if let n = value("surrogates") { p.surrogateCount = try r.int(n, "surrogates", in: 0...100_000, hint: "per kind") }
        if let n = value("surrogate_kinds") {
            let list = try r.stringList(n, "surrogate_kinds")
            var kinds: [SurrogateKind] = []
            for k in list {
                guard let kind = SurrogateKind(rawValue: k) else {
                    throw r.error(n, "surrogate_kinds", "unknown kind '\(k)'; known: "
                                  + SurrogateKind.allCases.map(\.rawValue).joined(separator: ", "))
                }
                if !kinds.contains(kind) { kinds.append(kind) }
            }
            if kinds.isEmpty { throw r.error(n, "surrogate_kinds", "empty list") }
            p.surrogateKinds = kinds
        }
        if let n = value("seed") {
            guard let s = n.scalar?.string, let v = UInt64(s) else {
                throw r.error(n, "seed", "expected a non-negative integer")
            }
            p.seed = v
        }
        let classColumn = try value("class_column").map { try r.string($0, "class_column") }
        guard let outNode = value("output") else {
            throw BatchError.jobSpec(file: jobFile, line: root.mark?.line, key: "output",
                                     message: "required: the output folder (relative to the job file)")
        }
        let outText = try r.string(outNode, "output")
        let output = (outText.hasPrefix("/") ? URL(fileURLWithPath: outText) : base.appendingPathComponent(outText))
            .standardizedFileURL.path
        let perShard = try value("surrogates_per_shard").map {
            try r.int($0, "surrogates_per_shard", in: 1...100_000, hint: "surrogates of one kind per shard")
        } ?? 25
        let groupSize = try value("shard_group_size").map {
            try r.int($0, "shard_group_size", in: 0...10_000_000, hint: "0 = one group per recording")
        } ?? 0
        let resamples = try value("bootstrap_resamples").map {
            try r.int($0, "bootstrap_resamples", in: 0...1_000_000, hint: "cohort bootstrap resamples")
        } ?? CohortStatistics.defaultResamples
        if let n = value("parameters") { _ = try r.parameters(n, into: &p) }
        // Scale-index parameters beyond `scales` are kept as given, as `symedge analyze` does: the measures
        // that need them are reported in missing.csv, so sweep and analyze tables stay identical.
        let channelsPerShard = try value("lfp_channels_per_shard").map {
            try r.int($0, "lfp_channels_per_shard", in: 1...1_000_000, hint: "LFP channels per lfp shard")
        } ?? defaultLFPChannelsPerShard
        let blockUnits = try value("spatial_block_units").map {
            try r.int($0, "spatial_block_units", in: 0...1_000_000,
                      hint: "units per side of a spatial pair block; 0 = the whole matrix in one shard")
        } ?? defaultSpatialBlockUnits
        if blockUnits == 1, let n = value("spatial_block_units") {
            throw r.error(n, "spatial_block_units", "1 is too small (a block must hold a pair); use 2 or more, or 0")
        }
        var fp = FamilyParameters()
        if let n = value("family_parameters") { fp = try FamilyParameterKeys.parse(n, reader: r) }

        var job = JobSpec(name: name, jobFile: jobFile, inputs: inputs, states: states, measures: measures,
                          parameters: p, classColumn: classColumn, output: output, surrogatesPerShard: perShard,
                          shardGroupSize: groupSize, bootstrapResamples: resamples, familyParameters: fp,
                          lfpChannelsPerShard: channelsPerShard, spatialBlockUnits: blockUnits)
        job.stateTable = try value("state_table").map { try r.string($0, "state_table") }
        job.stateColumn = try value("state_column").map { try r.string($0, "state_column") }
        job.unitsPath = try value("units_path").map { try r.string($0, "units_path") }
        if let n = value("ignore_epochs") {
            guard let text = n.scalar?.string, let b = ["true": true, "false": false, "yes": true, "no": false][text] else {
                throw r.error(n, "ignore_epochs", "expected true or false")
            }
            job.ignoreEpochs = b ? true : nil
        }
        return job
    }
}

/// Typed access to YAML nodes with errors that name the key and the line.
struct SpecReader {
    let file: String

    func error(_ node: Node, _ key: String, _ message: String) -> BatchError {
        .jobSpec(file: file, line: node.mark?.line, key: key, message: message)
    }

    func string(_ n: Node, _ key: String) throws -> String {
        guard let s = n.scalar?.string, !s.isEmpty else { throw error(n, key, "expected a non-empty string") }
        return s
    }

    func int(_ n: Node, _ key: String, in range: ClosedRange<Int>, hint: String) throws -> Int {
        guard let s = n.scalar?.string, let v = Int(s) else {
            throw error(n, key, "expected an integer (\(hint)), got '\(n.scalar?.string ?? "a list or mapping")'")
        }
        guard range.contains(v) else {
            throw error(n, key, "\(v) is out of range \(range.lowerBound)…\(range.upperBound) (\(hint))")
        }
        return v
    }

    func double(_ n: Node, _ key: String) throws -> Double {
        guard let s = n.scalar?.string, let v = Double(s), v.isFinite else {
            throw error(n, key, "expected a number")
        }
        return v
    }

    func stringList(_ n: Node, _ key: String) throws -> [String] {
        if let s = n.scalar { return [try string(Node.scalar(s), key)] }
        guard let seq = n.sequence else { throw error(n, key, "expected a list of strings") }
        return try seq.map { item in
            guard let s = item.scalar?.string, !s.isEmpty else { throw error(item, key, "expected a string item") }
            return s
        }
    }

    func inputs(_ n: Node, base: URL) throws -> InputSelection {
        func abs(_ s: String) -> String {
            s.hasPrefix("/") ? URL(fileURLWithPath: s).standardizedFileURL.path
                : base.appendingPathComponent(s).standardizedFileURL.path
        }
        var sel = InputSelection()
        func classify(_ s: String) {
            let a = abs(s)
            if s.contains("*") || s.contains("?") || s.contains("[") { sel.globs.append(a); return }
            var isDir: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: a, isDirectory: &isDir)
            // A folder that is itself a plain-text recording is a file-like input.
            let isTextRecording = exists && isDir.boolValue
                && FileManager.default.fileExists(atPath: (a as NSString).appendingPathComponent("spikes.csv"))
            if exists && isDir.boolValue && !isTextRecording { sel.folders.append(a) } else { sel.files.append(a) }
        }
        if let map = n.mapping {
            for (k, v) in map {
                guard let key = k.string, ["folder", "glob", "files"].contains(key) else {
                    throw error(k, "inputs.\(k.string ?? "?")", "unknown key; allowed: folder, glob, files")
                }
                let list = try stringList(v, "inputs.\(key)")
                switch key {
                case "folder": sel.folders += list.map(abs)
                case "glob": sel.globs += list.map(abs)
                default: sel.files += list.map(abs)
                }
            }
        } else {
            for s in try stringList(n, "inputs") { classify(s) }
        }
        if sel.folders.isEmpty && sel.globs.isEmpty && sel.files.isEmpty {
            throw error(n, "inputs", "no inputs given")
        }
        return sel
    }

    func parameters(_ n: Node, into p: inout AnalysisParameters) throws -> Set<String> {
        guard let map = n.mapping else { throw error(n, "parameters", "expected a mapping of parameter: value") }
        var given = Set<String>()
        for (k, v) in map {
            guard let key = k.string else { throw error(k, "parameters", "keys must be strings") }
            given.insert(key)
            let path = "parameters.\(key)"
            switch key {
            case "max_lag_bins": p.maxLagBins = try int(v, path, in: 1...100_000, hint: "bins")
            case "pair_grid_size": p.pairGridSize = try int(v, path, in: 2...4096, hint: "grid cells")
            case "glcm_levels": p.glcmLevels = try int(v, path, in: 2...256, hint: "levels")
            case "glcm_max_offset": p.glcmMaxOffset = try int(v, path, in: 1...1000, hint: "offsets")
            case "glcm_reference_scale": p.glcmReferenceScale = try int(v, path, in: 1...64, hint: "scale index")
            case "mean_correlation_first_scale":
                p.meanCorrelationFirstScale = try int(v, path, in: 1...64, hint: "scale index")
            case "collapse_spread_first_scale":
                p.collapseSpreadFirstScale = try int(v, path, in: 1...64, hint: "scale index")
            case "theta_bar_first_scale": p.thetaBarFirstScale = try int(v, path, in: 1...64, hint: "scale index")
            case "seizure_deviation_threshold_sd":
                p.seizureDeviationThresholdSD = try double(v, path)
                guard p.seizureDeviationThresholdSD > 0 else {
                    throw error(v, path, "\(p.seizureDeviationThresholdSD) must be > 0 (pre-ictal sd of S(t))")
                }
            case "width_scale": p.widthScale = try int(v, path, in: 1...64, hint: "scale index")
            case "lag_scale": p.lagScale = try int(v, path, in: 1...64, hint: "scale index")
            case "theta_threshold_degrees":
                p.thetaThresholdDegrees = try double(v, path)
                guard p.thetaThresholdDegrees > 0 && p.thetaThresholdDegrees < 90 else {
                    throw error(v, path, "\(p.thetaThresholdDegrees) must be an angle in degrees with 0 < θ < 90")
                }
            case "z_threshold":
                p.zThreshold = try double(v, path)
                guard p.zThreshold > 0 else { throw error(v, path, "\(p.zThreshold) must be > 0 (a |z| threshold)") }
            case "curve_points": p.curvePoints = try int(v, path, in: 2...100_000, hint: "points")
            default:
                throw error(k, path, "unknown parameter; allowed: " + JobSpec.parameterKeys.joined(separator: ", "))
            }
        }
        return given
    }
}
