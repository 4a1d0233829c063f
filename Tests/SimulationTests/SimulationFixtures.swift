import Foundation
import Simulation

/// Shared simulated sessions, computed once per test process.
enum Fixtures {
    /// A default-size subject with no parameter spread.
    static let subject = SubjectModel.draw(id: "test01", base: NetworkParameters(), seed: 99, spread: 0)

    /// Every regime in canonical order, 160 s (≈ 20 s per state), default network.
    static let allStates: SimulatedSession = {
        try! SessionSimulator.simulate(subject: subject, session: "01", sessionSeed: 5,
                                       regimes: SessionSchedule.canonicalOrder, duration: 160, shuffle: false,
                                       lfp: false)
    }()

    static let allStatesStatistics: [String: StateStatistics] = {
        Dictionary(uniqueKeysWithValues: NetworkStatistics.compute(allStates).map { ($0.state, $0) })
    }()

    /// A small, short network for determinism and I/O tests.
    static func small(seed: UInt64 = 1, sessionSeed: UInt64 = 2, duration: Double = 4,
                      regimes: [Regime] = [.wake, .nremDeep], lfp: Bool = true) -> SimulatedSession {
        var p = NetworkParameters()
        p.neuronCount = 400
        p.warmup = 200
        let s = SubjectModel(id: "small", parameters: p, seed: seed, recordedE: 16, recordedI: 4)
        return try! SessionSimulator.simulate(subject: s, session: "01", sessionSeed: sessionSeed, regimes: regimes,
                                              duration: duration, shuffle: true, lfp: lfp)
    }

    /// Repository root, from this file's path.
    static let repoRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// Peak lag (ms, positive = I after E) and peak value of the normalised cross-correlation of the E and I
    /// population counts in `bin`-ms bins over one state's epochs, lags ±`maxLag` bins.
    static func populationCrossCorrelation(_ s: SimulatedSession, state: Regime, bin: Int = 5,
                                           maxLag: Int = 20) -> (lagMs: Int, peak: Double) {
        var e: [Double] = [], i: [Double] = []
        for ep in s.schedule where ep.regime == state {
            var k = Int((ep.start * 1000).rounded())
            let b = Int((ep.stop * 1000).rounded())
            while k + bin <= b {
                var ce = 0.0, ci = 0.0
                for m in k..<(k + bin) { ce += Double(s.populationCountsE[m]); ci += Double(s.populationCountsI[m]) }
                e.append(ce); i.append(ci); k += bin
            }
        }
        let me = e.reduce(0, +) / Double(e.count), mi = i.reduce(0, +) / Double(i.count)
        let se = e.reduce(0) { $0 + ($1 - me) * ($1 - me) }.squareRoot()
        let si = i.reduce(0) { $0 + ($1 - mi) * ($1 - mi) }.squareRoot()
        var best = -2.0, bestLag = 0
        for lag in -maxLag...maxLag {
            var c = 0.0
            for t in 0..<e.count where t + lag >= 0 && t + lag < i.count { c += (e[t] - me) * (i[t + lag] - mi) }
            c /= se * si
            if c > best { best = c; bestLag = lag }
        }
        return (bestLag * bin, best)
    }
}
