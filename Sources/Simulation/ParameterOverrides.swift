import Foundation

/// Partial overrides of the network parameters and per-regime settings, read from a JSON file
/// (`symedge simulate --parameters FILE`):
///
///     {"network": {"weightI": 70, "connectionProbability": 0.03},
///      "regimes": {"wake": {"externalRateI": 400}, "ictal": {"scaleIE": 0.2}}}
///
/// Keys are the Swift property names of `NetworkParameters` and `RegimeSettings` (units as documented there and
/// in `docs/simulator.md`); keys left out keep their defaults. Unknown keys, states or non-numeric values are
/// errors naming the key.
public enum ParameterOverrides {
    /// Applies the overrides in `json` to `network` and `regimes`.
    public static func apply(json: Data, source: String, network: inout NetworkParameters,
                             regimes: inout [Regime: RegimeSettings]) throws {
        guard let top = try? JSONSerialization.jsonObject(with: json) as? [String: Any] else {
            throw SimulationError.invalidParameter(field: source, reason: "not a JSON object")
        }
        for key in top.keys where key != "network" && key != "regimes" {
            throw SimulationError.invalidParameter(field: "\(source): \(key)", reason: "unknown key (use network, regimes)")
        }
        if let n = top["network"] {
            guard let d = n as? [String: Any] else {
                throw SimulationError.invalidParameter(field: "\(source): network", reason: "must be an object")
            }
            network = try merge(network, d, path: "\(source): network")
        }
        if let r = top["regimes"] {
            guard let d = r as? [String: Any] else {
                throw SimulationError.invalidParameter(field: "\(source): regimes", reason: "must be an object")
            }
            for (state, value) in d.sorted(by: { $0.key < $1.key }) {
                let regime = try Regime.parse(state)
                guard let fields = value as? [String: Any] else {
                    throw SimulationError.invalidParameter(field: "\(source): regimes.\(state)", reason: "must be an object")
                }
                let base = regimes[regime] ?? RegimeSettings.defaults(for: regime)
                regimes[regime] = try merge(base, fields, path: "\(source): regimes.\(state)")
            }
        }
    }

    /// Encodes `value`, replaces the given numeric fields, decodes it back.
    static func merge<T: Codable>(_ value: T, _ fields: [String: Any], path: String) throws -> T {
        let encoded = try JSONEncoder().encode(value)
        guard var dict = try JSONSerialization.jsonObject(with: encoded) as? [String: Any] else {
            throw SimulationError.invalidParameter(field: path, reason: "cannot encode defaults")
        }
        for (k, v) in fields {
            guard dict[k] != nil else {
                throw SimulationError.invalidParameter(
                    field: "\(path).\(k)", reason: "unknown key; known: \(dict.keys.sorted().joined(separator: ", "))")
            }
            guard let num = v as? NSNumber else {
                throw SimulationError.invalidParameter(field: "\(path).\(k)", reason: "must be a number")
            }
            dict[k] = num
        }
        let data = try JSONSerialization.data(withJSONObject: dict)
        do { return try JSONDecoder().decode(T.self, from: data) } catch {
            throw SimulationError.invalidParameter(field: path, reason: "\(error)")
        }
    }
}
