/// Errors of the batch layer. Each message names the file and, for job specs, the key and line.
public enum BatchError: Error, CustomStringConvertible, Sendable, Equatable {
    /// A job spec problem: `file:line: key: message`.
    case jobSpec(file: String, line: Int?, key: String, message: String)
    /// The YAML itself does not parse.
    case yaml(file: String, message: String)
    case inputMissing(path: String)
    case noInputs(file: String, detail: String)
    /// An output folder is not a sweep folder (no `job.json`).
    case notASweepFolder(path: String)
    case io(path: String, message: String)
    /// A shard file is truncated or not a shard file.
    case corruptShard(path: String, message: String)
    /// `--group K` outside `0..<groups`.
    case noSuchGroup(Int, groups: Int)
    /// A shard computation did not return every member it was asked for.
    case incompleteResult(shard: String, missing: String)

    public var description: String {
        switch self {
        case let .jobSpec(file, line, key, message):
            return "\(file):\(line.map(String.init) ?? "?"): key '\(key)': \(message)"
        case let .yaml(file, message): return "\(file): invalid YAML: \(message)"
        case let .inputMissing(path): return "\(path): input not found"
        case let .noInputs(file, detail): return "\(file): no recordings found (\(detail))"
        case let .notASweepFolder(path): return "\(path): not a sweep output folder (no job.json)"
        case let .io(path, message): return "\(path): \(message)"
        case let .corruptShard(path, message): return "\(path): corrupt shard file: \(message)"
        case let .noSuchGroup(k, groups): return "group \(k) does not exist (the plan has groups 0..<\(groups))"
        case let .incompleteResult(shard, missing): return "shard \(shard): result lacks members \(missing)"
        }
    }
}
