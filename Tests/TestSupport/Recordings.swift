import Foundation

/// Plain-text recordings (`spikes.csv`, `units.csv`, `states.csv`) written for end-to-end tests.
public enum PlainTextRecording {
    /// 16 E units at ≈ 5 Hz and 4 I units at ≈ 25 Hz sharing a slow log-normal rate modulation, `seconds` long,
    /// drawn from `TestRandom(seed: seed)`; states `wake` and `nrem_deep` (halves) when `states`.
    public static func write(to dir: String, seconds: Double = 120, states: Bool = true, seed: UInt64 = 77) throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var rng = TestRandom(seed: seed)
        let dt = 0.002
        let steps = Int(seconds / dt)
        var mod = [Double](repeating: 1, count: steps)
        var x = 0.0
        for k in 0..<steps {
            x = 0.99 * x + 0.14 * ((-2 * log(rng.openUniform())).squareRoot() * cos(2 * .pi * rng.openUniform()))
            mod[k] = exp(0.5 * x)
        }
        var spikes = "unit_id,time_s\n", units = "unit_id,class,electrode,x_um,y_um\n"
        for unit in 0..<20 {
            let rate = unit < 16 ? 5.0 : 25.0
            units += "\(unit),\(unit < 16 ? "E" : "I"),,,\n"
            for k in 0..<steps where rng.openUniform() < rate * dt * mod[k] {
                spikes += "\(unit),\(String(format: "%.6f", (Double(k) + rng.openUniform()) * dt))\n"
            }
        }
        try spikes.write(toFile: dir + "/spikes.csv", atomically: true, encoding: .utf8)
        try units.write(toFile: dir + "/units.csv", atomically: true, encoding: .utf8)
        if states {
            try "start_s,stop_s,state\n0,\(seconds / 2),wake\n\(seconds / 2),\(seconds),nrem_deep\n"
                .write(toFile: dir + "/states.csv", atomically: true, encoding: .utf8)
        }
    }
}
