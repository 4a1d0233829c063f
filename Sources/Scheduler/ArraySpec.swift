/// Slurm `--array` index lists: `[0,1,2,3,7,9,10]` ↔ `0-3,7,9-10`, with an optional `%K` limit on
/// how many tasks run at once.
public struct ArraySpec: Equatable, Sendable, CustomStringConvertible {
    /// Sorted, distinct, non-negative task indices.
    public let indices: [Int]
    /// At most this many tasks run at once (`%K`), or nil for no limit.
    public let parallelism: Int?

    /// - Throws: ``SchedulerError/invalidOption(option:value:reason:)`` for an empty list, a negative
    ///   index or a parallelism below 1.
    public init<S: Sequence>(_ indices: S, parallelism: Int? = nil) throws where S.Element == Int {
        let sorted = Array(Set(indices)).sorted()
        guard !sorted.isEmpty else {
            throw SchedulerError.invalidOption(option: "--array", value: "", reason: "no array indices")
        }
        if let first = sorted.first, first < 0 {
            throw SchedulerError.invalidOption(option: "--array", value: String(first), reason: "indices must be >= 0")
        }
        if let p = parallelism, p < 1 {
            throw SchedulerError.invalidOption(option: "--array-parallelism", value: String(p), reason: "must be >= 1")
        }
        self.indices = sorted
        self.parallelism = parallelism
    }

    /// Runs of consecutive indices as closed ranges.
    public var ranges: [ClosedRange<Int>] {
        var out: [ClosedRange<Int>] = []
        var start = indices[0], end = indices[0]
        for i in indices.dropFirst() {
            if i == end + 1 { end = i } else { out.append(start...end); start = i; end = i }
        }
        out.append(start...end)
        return out
    }

    /// The `--array` value, e.g. `0-3,7,9-10%4`.
    public var description: String {
        let body = ranges.map { $0.lowerBound == $0.upperBound ? "\($0.lowerBound)" : "\($0.lowerBound)-\($0.upperBound)" }
            .joined(separator: ",")
        return parallelism.map { body + "%\($0)" } ?? body
    }

    /// Parses an `--array` value (`0-3,7,9-10%4`, also `0-10:2` steps) back into indices.
    public static func parse(_ text: String) throws -> ArraySpec {
        let bad = { (why: String) in SchedulerError.invalidOption(option: "--array", value: text, reason: why) }
        var body = Substring(text)
        var parallelism: Int?
        if let pct = body.firstIndex(of: "%") {
            guard let p = Int(body[body.index(after: pct)...]) else { throw bad("bad %K limit") }
            parallelism = p
            body = body[..<pct]
        }
        var indices: [Int] = []
        for part in body.split(separator: ",", omittingEmptySubsequences: false) {
            var range = Substring(part), step = 1
            if let colon = range.firstIndex(of: ":") {
                guard let s = Int(range[range.index(after: colon)...]), s > 0 else { throw bad("bad step") }
                step = s
                range = range[..<colon]
            }
            let bounds = range.split(separator: "-", omittingEmptySubsequences: false)
            guard (1...2).contains(bounds.count), let lo = Int(bounds[0]), let hi = Int(bounds[bounds.count - 1]),
                  lo >= 0, lo <= hi else { throw bad("bad range \(part.debugDescription)") }
            indices.append(contentsOf: stride(from: lo, through: hi, by: step))
        }
        return try ArraySpec(indices, parallelism: parallelism)
    }
}
