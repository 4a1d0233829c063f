/// Identifies one value: a measure name from the CSV vocabulary and, for per-scale measures,
/// the 1-based scale index (nil for cross-scale measures, order parameters and `glcm_*`).
public struct MeasureKey: Hashable, Codable, Sendable, Comparable, CustomStringConvertible {
    public var measure: String
    public var scaleIndex: Int?

    public init(_ measure: String, scale: Int? = nil) {
        self.measure = measure
        self.scaleIndex = scale
    }

    /// The key of a catalog measure (`Measure.rawValue`), at `scale` for the per-scale ones.
    public init(_ measure: Measure, scale: Int? = nil) { self.init(measure.rawValue, scale: scale) }

    public static func < (a: MeasureKey, b: MeasureKey) -> Bool {
        if a.measure != b.measure { return a.measure < b.measure }
        return (a.scaleIndex ?? 0) < (b.scaleIndex ?? 0)
    }

    public var description: String { scaleIndex.map { "\(measure)@\($0)" } ?? measure }
}

/// All values one member (observed data or one surrogate) of a (recording, state) produced.
/// A measure that cannot be computed is in `missing` with a reason, never a silent 0 or NaN.
public struct MeasureSet: Codable, Sendable, Equatable {
    public var values: [MeasureKey: Double]
    public var missing: [MeasureKey: String]

    public init(values: [MeasureKey: Double] = [:], missing: [MeasureKey: String] = [:]) {
        self.values = values
        self.missing = missing
    }

    /// Records `value` under `key`, or a missing reason when `value` is nil or not finite.
    public mutating func set(_ key: MeasureKey, _ value: Double?, reason: @autoclosure () -> String) {
        if let v = value, v.isFinite { values[key] = v; missing[key] = nil }
        else { values[key] = nil; missing[key] = reason() }
    }
}
