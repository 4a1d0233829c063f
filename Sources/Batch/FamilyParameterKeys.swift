import Analysis
import Foundation
import Yams

/// The `family_parameters:` mapping of a job file: any field of `Analysis.FamilyParameters` (METHODS §6–9)
/// under its snake_case name, e.g. `welch_window_seconds: 4`, `spatial_bins_ms: [10, 100]`, `channels: [0, 5]`.
///
/// The keys are derived from `FamilyParameters` itself (its stored properties, camelCase → snake_case), so a
/// parameter added there is accepted here without a second list. `seed` is not a key: the families' surrogates
/// use the job's `seed`.
public enum FamilyParameterKeys {
    /// The value type of one field, read from its default value.
    enum Kind: Equatable {
        case double, int, bool, doubles, ints
    }

    struct Field {
        var property: String
        var key: String
        var kind: Kind
        var optional: Bool
    }

    /// Keys set elsewhere in the job file.
    static let reserved: Set<String> = ["seed"]

    static var fields: [Field] {
        Mirror(reflecting: FamilyParameters()).children.compactMap { child -> Field? in
            guard let name = child.label else { return nil }
            var type = "\(type(of: child.value))"
            var optional = false
            if type.hasPrefix("Optional<") { optional = true; type = String(type.dropFirst(9).dropLast()) }
            let kind: Kind
            switch type {
            case "Double": kind = .double
            case "Int": kind = .int
            case "Bool": kind = .bool
            case "Array<Double>": kind = .doubles
            case "Array<Int>": kind = .ints
            default: return nil
            }
            let key = snakeCase(name)
            return reserved.contains(key) ? nil : Field(property: name, key: key, kind: kind, optional: optional)
        }
    }

    /// Every key `family_parameters:` accepts, in declaration order.
    public static var keys: [String] { fields.map(\.key) }

    /// `welchWindowSeconds` → `welch_window_seconds`, `tauEMs` → `tau_e_ms`, `waveletOmega0` → `wavelet_omega0`.
    static func snakeCase(_ s: String) -> String {
        var out = ""
        for ch in s {
            if ch.isUppercase { out += "_" + ch.lowercased() } else { out.append(ch) }
        }
        return out
    }

    /// Reads the mapping into `FamilyParameters` (unset fields keep their defaults).
    static func parse(_ n: Node, reader r: SpecReader) throws -> FamilyParameters {
        guard let map = n.mapping else {
            throw r.error(n, "family_parameters", "expected a mapping of parameter: value (keys: "
                          + keys.joined(separator: ", ") + ")")
        }
        let all = fields
        var json = (try JSONSerialization.jsonObject(with: JSONEncoder().encode(FamilyParameters()))
                    as? [String: Any]) ?? [:]
        var seen = Set<String>()
        for (k, v) in map {
            guard let key = k.string else { throw r.error(k, "family_parameters", "keys must be strings") }
            let path = "family_parameters.\(key)"
            guard let f = all.first(where: { $0.key == key }) else {
                throw r.error(k, path, "unknown family parameter; allowed: " + keys.joined(separator: ", "))
            }
            if !seen.insert(key).inserted { throw r.error(k, path, "duplicate key") }
            if f.optional, let s = v.scalar?.string, s == "null" || s == "~" || s.isEmpty {
                json[f.property] = nil
                continue
            }
            json[f.property] = try value(v, field: f, path: path, reader: r)
        }
        let fp: FamilyParameters
        do {
            let data = try JSONSerialization.data(withJSONObject: json)
            fp = try JSONDecoder().decode(FamilyParameters.self, from: data)
        } catch {
            throw r.error(n, "family_parameters", "cannot apply the values: \(error)")
        }
        // Band edges must be ordered (low < high); name the key that was given.
        for (lo, hi, a, b) in [(fp.narrowBandLow, fp.narrowBandHigh, "narrow_band_low", "narrow_band_high"),
                               (fp.wideBandLow, fp.wideBandHigh, "wide_band_low", "wide_band_high")] where !(lo < hi) {
            let given = map.first { $0.key.string == a || $0.key.string == b }
            throw r.error(given?.value ?? n, "family_parameters.\(given?.key.string ?? a)",
                          "\(a) (\(fmt(lo)) Hz) must be below \(b) (\(fmt(hi)) Hz)")
        }
        return fp
    }

    /// Limits of a field: indices (`*_index`, `*channels`) are ≥ 0; `welch_overlap` lies in [0, 1); every other
    /// number is > 0.
    static func check(_ x: Double, field f: Field, node: Node, path: String, reader r: SpecReader) throws {
        switch f.key {
        case _ where f.key.hasSuffix("channels") || f.key.hasSuffix("index"):
            if x < 0 { throw r.error(node, path, "\(fmt(x)) is negative (an index, 0-based)") }
        case "welch_overlap":
            if !(x >= 0 && x < 1) { throw r.error(node, path, "\(fmt(x)) is outside [0, 1) (a fraction of the window)") }
        default:
            if !(x > 0) { throw r.error(node, path, "\(fmt(x)) must be > 0") }
        }
    }

    static func fmt(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : "\(x)" }

    static func number(_ n: Node, field f: Field, path: String, reader r: SpecReader, integer: Bool) throws -> Double {
        guard let s = n.scalar?.string, let x = Double(s), x.isFinite else {
            throw r.error(n, path, "expected \(integer ? "an integer" : "a number"), got '\(n.scalar?.string ?? "a list or mapping")'")
        }
        if integer && (x != x.rounded() || Int(exactly: x) == nil || s.contains(".")) {
            throw r.error(n, path, "expected an integer, got '\(s)'")
        }
        try check(x, field: f, node: n, path: path, reader: r)
        return x
    }

    static func value(_ n: Node, field f: Field, path: String, reader r: SpecReader) throws -> Any {
        switch f.kind {
        case .double: return try number(n, field: f, path: path, reader: r, integer: false)
        case .int: return Int(try number(n, field: f, path: path, reader: r, integer: true))
        case .bool:
            guard let s = n.scalar?.string, let b = ["true": true, "false": false, "yes": true, "no": false][s.lowercased()] else {
                throw r.error(n, path, "expected true or false")
            }
            return b
        case .doubles, .ints:
            let items: [Node]
            if let seq = n.sequence { items = Array(seq) } else if n.scalar != nil { items = [n] } else {
                throw r.error(n, path, "expected a list of numbers")
            }
            if items.isEmpty { throw r.error(n, path, "empty list") }
            let xs = try items.map { try number($0, field: f, path: path, reader: r, integer: f.kind == .ints) }
            if Set(xs).count != xs.count { throw r.error(n, path, "a value is listed twice") }
            return f.kind == .ints ? xs.map { Int($0) } as Any : xs as Any
        }
    }
}

extension FamilyParameterKeys {
    /// Reads a YAML (or JSON) file holding a mapping of `family_parameters:` keys — the same keys and checks as
    /// a job file's `family_parameters:` — for `symedge analyze --family-parameters FILE`. `seed` is not a key.
    public static func read(file path: String) throws -> FamilyParameters {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw BatchError.jobSpec(file: path, line: nil, key: "family_parameters",
                                     message: "cannot read the file: \(error.localizedDescription)")
        }
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch {
            throw BatchError.jobSpec(file: path, line: nil, key: "family_parameters", message: "not valid YAML: \(error)")
        }
        guard let node else {
            throw BatchError.jobSpec(file: path, line: nil, key: "family_parameters", message: "the file is empty")
        }
        return try parse(node, reader: SpecReader(file: path))
    }
}
