/// Summary statistics of one state of a simulated session, from the whole-network population counts and the
/// recorded units. Used by the tests and printed by `symedge simulate`.
public struct StateStatistics: Sendable, Equatable, Codable {
    public var state: String
    /// Seconds of this state.
    public var duration: Double
    /// Mean firing rate per E / I neuron, Hz (whole network).
    public var rateE: Double
    public var rateI: Double
    /// Median coefficient of variation of the ISIs of recorded E units with ≥ 20 ISIs in this state.
    public var medianCVE: Double
    /// Fraction of 50-ms windows in which fewer than 1 % of E neurons... precisely: in which the E population rate
    /// is below 10 % of the state's mean E population rate ("Down" windows).
    public var silentFraction: Double
    /// Coefficient of variation of the E population count in 10-ms bins (synchrony index).
    public var populationCV: Double
    /// Fano factor of the E population count in 10-ms bins divided by that of independent Poisson neurons
    /// (1 = asynchronous; ≫ 1 = synchronous).
    public var synchrony: Double
    /// Pearson correlation of E and I population counts in 50-ms bins.
    public var correlationEI: Double
}

public enum NetworkStatistics {
    /// Statistics of every epoch of each state (epochs of one state pooled), in schedule order.
    public static func compute(_ s: SimulatedSession) -> [StateStatistics] {
        var out: [StateStatistics] = []
        var seen = Set<Regime>()
        for e in s.schedule where seen.insert(e.regime).inserted {
            let epochs = s.schedule.filter { $0.regime == e.regime }
            out.append(compute(s, epochs: epochs, state: e.regime.rawValue))
        }
        return out
    }

    static func compute(_ s: SimulatedSession, epochs: [ScheduledEpoch], state: String) -> StateStatistics {
        var spikesE = 0.0, spikesI = 0.0, duration = 0.0
        var bins10: [Double] = [], bins50E: [Double] = [], bins50I: [Double] = []
        for e in epochs {
            let a = Int((e.start * 1000).rounded()), b = Int((e.stop * 1000).rounded())
            duration += Double(b - a) / 1000
            var k = a
            while k + 10 <= b {
                var c = 0.0
                for m in k..<(k + 10) { c += Double(s.populationCountsE[m]) }
                bins10.append(c); k += 10
            }
            k = a
            while k + 50 <= b {
                var ce = 0.0, ci = 0.0
                for m in k..<(k + 50) { ce += Double(s.populationCountsE[m]); ci += Double(s.populationCountsI[m]) }
                bins50E.append(ce); bins50I.append(ci); k += 50
            }
            for m in a..<b { spikesE += Double(s.populationCountsE[m]); spikesI += Double(s.populationCountsI[m]) }
        }
        let rateE = spikesE / max(duration, 1e-9) / Double(s.excitatoryCount)
        let rateI = spikesI / max(duration, 1e-9) / Double(s.inhibitoryCount)
        let (m10, v10) = meanVar(bins10)
        let (m50, _) = meanVar(bins50E)
        let silent = bins50E.isEmpty ? .nan
            : Double(bins50E.filter { $0 < 0.1 * m50 }.count) / Double(bins50E.count)
        // Per-unit ISI CVs of E units within this state's epochs.
        var cvs: [Double] = []
        for u in 0..<s.recording.units.count where s.recording.units[u].cellClass == .excitatory {
            var isis: [Double] = []
            for e in epochs {
                var last: Double? = nil
                for t in s.recording.spikes[unit: u] where t >= e.start && t < e.stop {
                    if let l = last { isis.append(t - l) }
                    last = t
                }
            }
            if isis.count >= 20 {
                let (m, v) = meanVar(isis)
                cvs.append(v.squareRoot() / m)
            }
        }
        cvs.sort()
        let median = cvs.isEmpty ? .nan : cvs[cvs.count / 2]
        return StateStatistics(state: state, duration: duration, rateE: rateE, rateI: rateI, medianCVE: median,
                               silentFraction: silent, populationCV: m10 > 0 ? v10.squareRoot() / m10 : .nan,
                               synchrony: m10 > 0 ? v10 / m10 : .nan,
                               correlationEI: pearson(bins50E, bins50I))
    }

    static func meanVar(_ x: [Double]) -> (Double, Double) {
        guard x.count > 1 else { return (x.first ?? .nan, .nan) }
        let m = x.reduce(0, +) / Double(x.count)
        let v = x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(x.count - 1)
        return (m, v)
    }

    static func pearson(_ a: [Double], _ b: [Double]) -> Double {
        let (ma, va) = meanVar(a), (mb, vb) = meanVar(b)
        guard va > 0, vb > 0 else { return .nan }
        var c = 0.0
        for k in 0..<min(a.count, b.count) { c += (a[k] - ma) * (b[k] - mb) }
        return c / Double(a.count - 1) / (va * vb).squareRoot()
    }
}
