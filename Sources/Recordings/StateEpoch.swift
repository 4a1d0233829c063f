/// A labelled half-open interval `[start, stop)` in seconds (METHODS §0).
public struct StateEpoch: Sendable, Equatable, Codable, Hashable {
    public var start: Double
    public var stop: Double
    /// A state from the vocabulary in `StateEpoch.vocabulary`, or any user label.
    public var state: String

    public init(start: Double, stop: Double, state: String) {
        self.start = start; self.stop = stop; self.state = state
    }

    public var duration: Double { stop - start }

    /// Whether `t` lies in `[start, stop)`.
    public func contains(_ t: Double) -> Bool { t >= start && t < stop }

    /// The state vocabulary of METHODS §0 (users may add labels).
    public static let vocabulary = ["wake", "nrem_light", "nrem_deep", "rem", "sleep", "preictal", "ictal",
                                    "postictal", "interictal", "healthy"]
}
