/// Which states `analyze` runs, and the errors that end it without usage text (issue 18 items 2 and 7).
public enum StateSelection {
    /// The states to analyse: every state of the recording, or the requested ones that it has. Requested states
    /// without usable epochs (absent, or only zero-length epochs, which the readers drop) are returned in
    /// `skipped` so the caller can warn; the other states still run.
    /// - Throws: `AnalyzeFailure.noStates` when none of the requested states is present.
    public static func choose(requested: [String]?, available: [String], file: String) throws
        -> (chosen: [String], skipped: [String]) {
        guard let requested else { return (available, []) }
        let chosen = requested.filter { available.contains($0) }
        let skipped = requested.filter { !available.contains($0) }
        if chosen.isEmpty { throw AnalyzeFailure.noStates(file: file, requested: requested, available: available) }
        return (chosen, skipped)
    }
}

/// Why `analyze` stops with a non-zero exit after reading its input (printed as one line, without usage text).
public enum AnalyzeFailure: Error, CustomStringConvertible, Sendable, Equatable {
    /// None of the requested states has usable epochs.
    case noStates(file: String, requested: [String], available: [String])
    /// Some states (or families) failed; the tables of the others were written to `out`.
    case statesFailed(failed: [String], total: Int, out: String)

    public var description: String {
        switch self {
        case let .noStates(file, requested, available):
            return "\(file): no usable epochs of state(s) \(requested.joined(separator: ", ")); the file has: "
                + (available.isEmpty ? "no states" : available.joined(separator: ", "))
        case let .statesFailed(failed, total, out):
            return "\(failed.count) of \(total) state(s) failed (see \(out)/missing.csv): " + failed.joined(separator: "; ")
        }
    }
}
