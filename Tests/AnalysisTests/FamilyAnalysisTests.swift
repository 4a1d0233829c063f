import Analysis
import Foundation
import Kernels
import Recordings
import XCTest

/// METHODS §6–9 families through the public `FamilyAnalysis` API on in-memory recordings.
final class FamilyAnalysisTests: XCTestCase {
    /// An independent test stream (SplitMix64 written out here, not the library's generator).
    struct Rand {
        var s: UInt64
        mutating func next() -> UInt64 {
            s &+= 0x9E37_79B9_7F4A_7C15
            var z = s
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func uniform() -> Double { (Double(next() >> 11) + 0.5) / 9_007_199_254_740_992 }
        mutating func normal() -> Double { (-2 * log(uniform())).squareRoot() * cos(2 * Double.pi * uniform()) }
        mutating func poisson(rate: Double, from a: Double, to b: Double) -> [Double] {
            var t = a - log(uniform()) / rate, out: [Double] = []
            while t < b { out.append(t); t += -log(uniform()) / rate }
            return out
        }
    }

    /// 2 channels at 500 Hz over 120 s: wake = [0, 40) ∪ [80, 120), sleep = [40, 80) ∪ a 1 s `rem` epoch.
    /// Channel 0 is a random walk (1/f²) in wake and white noise (flat) in sleep; channel 1 is all zeros.
    func lfpRecording() -> Recording {
        let rate = 500.0, n = 60_000
        var rng = Rand(s: 1)
        var raw = [Float](repeating: 0, count: 2 * n)
        var walk = 0.0
        for i in 0..<n {
            let t = Double(i) / rate
            walk += rng.normal()
            raw[2 * i] = Float((40..<80).contains(t) ? 50 * rng.normal() : walk)
        }
        let series = SignalSeries(name: "LFP", sampleCount: n, channelCount: 2, rate: rate, electrodes: [0, 1],
                                  storage: .memory(raw))
        let electrodes = [Electrode(id: 0, extra: ["channel_name": .text("A1")]),
                          Electrode(id: 1, extra: ["channel_name": .text("A2")])]
        let epochs = [StateEpoch(start: 0, stop: 40, state: "wake"), StateEpoch(start: 40, stop: 80, state: "sleep"),
                      StateEpoch(start: 80, stop: 119, state: "wake"), StateEpoch(start: 119, stop: 120, state: "rem")]
        return Recording(subject: "s1", session: "x", units: [], spikes: SpikeTrains(trains: []),
                         electrodes: electrodes, signals: [series], epochs: epochs)
    }

    func value(_ r: FamilyResult, _ m: String, channel: String = "", group: String = "", bin: Double? = nil) -> Double? {
        r.rows.first { $0.measure == m && $0.channel == channel && $0.group == group && $0.binMilliseconds == bin }?.value
    }

    func testLFPFamilySeparatesStatesAndChannels() throws {
        let rec = lfpRecording()
        let wake = try FamilyAnalysis.run(family: .lfp, recording: rec, state: "wake")
        let sleep = try FamilyAnalysis.run(family: .lfp, recording: rec, state: "sleep")
        // Random walk: χ ≈ 2; white noise: χ ≈ 0 (both estimators).
        // (41 bins in 30–50 Hz from 77 segments: the slope's sampling sd is ≈ 0.12.)
        XCTAssertEqual(try XCTUnwrap(value(wake, "aperiodic_exponent_narrow", channel: "A1")), 2, accuracy: 0.45)
        XCTAssertEqual(try XCTUnwrap(value(wake, "aperiodic_exponent_wide", channel: "A1")), 2, accuracy: 0.2)
        XCTAssertEqual(try XCTUnwrap(value(sleep, "aperiodic_exponent_narrow", channel: "A1")), 0, accuracy: 0.2)
        XCTAssertEqual(try XCTUnwrap(value(sleep, "aperiodic_exponent_wide", channel: "A1")), 0, accuracy: 0.2)
        // Segments never straddle epochs: 2 s windows, 1 s step → 39 in [0, 40) + 38 in [80, 119).
        XCTAssertEqual(value(wake, "psd_segments", channel: "A1"), 39 + 38)
        XCTAssertNotNil(value(wake, "dfa_exponent", channel: "A1"))
        // The flat-zero channel: every spectral value missing, with a reason row each.
        XCTAssertNil(value(wake, "aperiodic_exponent_narrow", channel: "A2"))
        XCTAssertTrue(wake.missing.contains { $0.measure == "lfp:aperiodic_exponent_narrow:channel=A2" && !$0.reason.isEmpty })
        // A 1 s state holds no 2 s Welch window.
        let rem = try FamilyAnalysis.run(family: .lfp, recording: rec, state: "rem")
        XCTAssertNil(value(rem, "psd_segments", channel: "A1"))
        XCTAssertTrue(rem.missing.contains { $0.reason.contains("Welch window") })
        // Channel sharding: a subset gives the same rows for that channel.
        var p = FamilyParameters()
        p.channels = [0]
        let one = try FamilyAnalysis.run(family: .lfp, recording: rec, state: "wake", parameters: p)
        XCTAssertEqual(one.rows, wake.rows.filter { $0.channel == "A1" })
    }

    func spikeRecording(identicalPair: Bool) -> Recording {
        var rng = Rand(s: 2)
        var trains: [[Double]] = (0..<6).map { _ in rng.poisson(rate: 20, from: 0, to: 200) }
        if identicalPair { trains[1] = trains[0] }
        let classes: [CellClass] = [.excitatory, .excitatory, .excitatory, .inhibitory, .inhibitory, .unclassified]
        let units = classes.enumerated().map { Recordings.Unit(id: Int64($0.offset), cellClass: $0.element) }
        return Recording(subject: "s2", session: "y", units: units, spikes: SpikeTrains(trains: trains),
                         epochs: [StateEpoch(start: 0, stop: 100, state: "wake"), StateEpoch(start: 100, stop: 200, state: "sleep")])
    }

    func testSpatialFamilyPairClasses() throws {
        let r = try FamilyAnalysis.run(family: .spatial, recording: spikeRecording(identicalPair: false), state: "wake")
        for bin in [10.0, 100, 1000] {
            XCTAssertEqual(value(r, "pair_count", group: "all", bin: bin), 15)
            XCTAssertEqual(value(r, "pair_count", group: "E-E", bin: bin), 3)
            XCTAssertEqual(value(r, "pair_count", group: "I-I", bin: bin), 1)
            XCTAssertEqual(value(r, "pair_count", group: "E-I", bin: bin), 6)
            // Independent Poisson trains: r ≈ 0 (sd ≈ 1/√K per pair).
            XCTAssertEqual(try XCTUnwrap(value(r, "pair_correlation", group: "all", bin: bin)), 0, accuracy: bin == 1000 ? 0.15 : 0.03)
            // No positions: the distance fit is missing with a reason.
            XCTAssertNil(value(r, "distance_lambda_um", group: "all", bin: bin))
        }
        XCTAssertTrue(r.missing.contains { $0.reason.contains("positions") })
        // Two identical trains: their pair has r = 1, so E-E's mean is (1 + r02 + r12)/3 > 0.3.
        let d = try FamilyAnalysis.run(family: .spatial, recording: spikeRecording(identicalPair: true), state: "wake")
        XCTAssertGreaterThan(try XCTUnwrap(value(d, "pair_correlation", group: "E-E", bin: 10)), 0.3)
    }

    func testSpatialFamilyDistanceFit() throws {
        // 25 units on a 5×5 grid of 400 µm. Every pair shares its own Poisson source of rate 4 e^{−d/600} Hz
        // (spikes copied to both units), so cov(d) ∝ e^{−d/600}: ρ(d) = β + κ e^{−d/λ} with λ = 600 µm, β ≈ 0.
        var rng = Rand(s: 5)
        var trains: [[Double]] = (0..<25).map { _ in rng.poisson(rate: 5, from: 0, to: 400) }
        func xy(_ u: Int) -> SIMD2<Double> { SIMD2(Double(u % 5) * 400, Double(u / 5) * 400) }
        for u in 0..<25 {
            for v in (u + 1)..<25 {
                let d = ((xy(u) - xy(v)) * (xy(u) - xy(v))).sum().squareRoot()
                let shared = rng.poisson(rate: 4 * exp(-d / 600), from: 0, to: 400)
                trains[u] += shared; trains[v] += shared
            }
        }
        let units = (0..<25).map { Recordings.Unit(id: Int64($0), position: SIMD3(xy($0).x, xy($0).y, 0)) }
        let rec = Recording(subject: "g", session: "z", units: units, spikes: SpikeTrains(trains: trains.map { $0.sorted() }),
                            epochs: [StateEpoch(start: 0, stop: 400, state: "wake")])
        var p = FamilyParameters()
        p.spatialBinsMs = [100]
        let r = try FamilyAnalysis.run(family: .spatial, recording: rec, state: "wake", parameters: p)
        let lam = try XCTUnwrap(value(r, "distance_lambda_um", group: "all", bin: 100))
        XCTAssertEqual(lam, 600, accuracy: 180)
        XCTAssertGreaterThan(try XCTUnwrap(value(r, "distance_lambda_se_um", group: "all", bin: 100)), 0)
        XCTAssertGreaterThan(try XCTUnwrap(value(r, "distance_kappa", group: "all", bin: 100)), 0)
        XCTAssertEqual(try XCTUnwrap(value(r, "distance_beta", group: "all", bin: 100)), 0, accuracy: 0.03)
        XCTAssertNil(r.rows.first { $0.group == "E-E" }, "no classes → only the `all` group")
    }

    func testAvalancheFamilyCountsAndMissingFits() throws {
        // Spikes at 0.5, 1.5 ms (bins 0, 1) and 10.5 ms: at 1 ms two avalanches of sizes 2 and 1.
        let units = [Recordings.Unit(id: 0), Recordings.Unit(id: 1)]
        let rec = Recording(subject: "a", session: "b", units: units,
                            spikes: SpikeTrains(trains: [[0.0005, 0.0105], [0.0015]]),
                            epochs: [StateEpoch(start: 0, stop: 0.02, state: "wake")])
        var p = FamilyParameters()
        p.avalancheBinsMs = [1, 5]
        let r = try FamilyAnalysis.run(family: .avalanches, recording: rec, state: "wake", parameters: p)
        XCTAssertEqual(value(r, "avalanche_count", group: "spikes", bin: 1), 2)
        XCTAssertEqual(value(r, "size_mean", group: "spikes", bin: 1), 1.5)
        XCTAssertEqual(value(r, "duration_mean", group: "spikes", bin: 1), 1.5)
        XCTAssertEqual(value(r, "branching_ratio", group: "spikes", bin: 1), (1.0 + 0 + 0) / 3)
        // 5 ms bins: [0,5) has 2 spikes, [10,15) has 1 → two avalanches of duration 1.
        XCTAssertEqual(value(r, "duration_mean", group: "spikes", bin: 5), 1)
        XCTAssertNil(value(r, "size_alpha", group: "spikes", bin: 1))
        XCTAssertTrue(r.missing.contains { $0.measure == "avalanches:size_alpha:group=spikes:bin_ms=1.0" && $0.reason.contains("fewer than 50") })
    }

    func testLFPAvalanchesFromThresholdEvents() throws {
        // One channel, 1 kHz, zeros except ±spikes: excursions at samples 100 (+), 101 (still the same excursion),
        // 300 (−) and 302 (+).
        var raw = [Float](repeating: 0, count: 2000)
        raw[100] = 100; raw[101] = 80; raw[300] = -100; raw[302] = 100
        let s = SignalSeries(name: "LFP", sampleCount: 2000, channelCount: 1, rate: 1000, storage: .memory(raw))
        let rec = Recording(subject: "l", session: "m", units: [], spikes: SpikeTrains(trains: []), signals: [s],
                            epochs: [StateEpoch(start: 0, stop: 2, state: "wake")])
        var p = FamilyParameters()
        p.lfpAvalancheBinsMs = [2]
        let r = try FamilyAnalysis.run(family: .avalanches, recording: rec, state: "wake", parameters: p)
        // Events at 100, 300, 302 ms → 2 ms bins 50, 150, 151 → avalanches of sizes 1 and 2.
        XCTAssertEqual(value(r, "avalanche_count", group: "lfp", bin: 2), 2)
        XCTAssertEqual(value(r, "size_mean", group: "lfp", bin: 2), 1.5)
    }

    func seizureRecording(withInhibitory: Bool) -> Recording {
        var rng = Rand(s: 9)
        // E fires 10 Hz, I fires 10 Hz; during the seizure [60, 80) E fires 40 Hz; after it, E fires 5 Hz for 10 s.
        func eTrain() -> [Double] {
            rng.poisson(rate: 10, from: 0, to: 60) + rng.poisson(rate: 40, from: 60, to: 80)
                + rng.poisson(rate: 5, from: 80, to: 90) + rng.poisson(rate: 10, from: 90, to: 150)
        }
        var trains = (0..<8).map { _ in eTrain() }
        var units = (0..<8).map { Recordings.Unit(id: Int64($0), cellClass: .excitatory) }
        if withInhibitory {
            trains += (0..<4).map { _ in rng.poisson(rate: 10, from: 0, to: 150) }
            units += (8..<12).map { Recordings.Unit(id: Int64($0), cellClass: .inhibitory) }
        }
        return Recording(subject: "z", session: "sz", units: units, spikes: SpikeTrains(trains: trains),
                         epochs: [StateEpoch(start: 0, stop: 60, state: "preictal"), StateEpoch(start: 60, stop: 80, state: "ictal"),
                                  StateEpoch(start: 80, stop: 150, state: "postictal")])
    }

    func testSeizureFamilyBalance() throws {
        let r = try FamilyAnalysis.run(family: .seizure, recording: seizureRecording(withInhibitory: true), state: "ictal")
        // Excess E: 30 spikes/s per neuron for 20 s → ≈ +600 above the trend.
        XCTAssertEqual(try XCTUnwrap(value(r, "balance_max_ictal_deviation")), 600, accuracy: 80)
        XCTAssertEqual(try XCTUnwrap(value(r, "balance_trend_slope")), 0, accuracy: 2)
        // The deficit of 5 spikes/s for 10 s only removes ≈ 50 of the 600: no recovery → missing with reason.
        XCTAssertNil(value(r, "balance_recovery_time_s"))
        XCTAssertTrue(r.missing.contains { $0.measure == "seizure:balance_recovery_time_s" && $0.reason.contains("never returned") })
        XCTAssertGreaterThan(try XCTUnwrap(value(r, "current_mean")), 0)
        let pre = try FamilyAnalysis.run(family: .seizure, recording: seizureRecording(withInhibitory: true), state: "preictal")
        XCTAssertNil(pre.rows.first { $0.measure.hasPrefix("balance_") })
        let noI = try FamilyAnalysis.run(family: .seizure, recording: seizureRecording(withInhibitory: false), state: "ictal")
        XCTAssertNil(value(noI, "balance_trend_slope"))
        XCTAssertTrue(noI.missing.contains { $0.reason.contains("E and I") })
    }

    func testSeizureFamilyCoherenceWithCurrent() throws {
        // An LFP channel that is C(t) itself (on the LFP grid) is fully coherent with it; a noise channel is not.
        var rng = Rand(s: 11)
        let e = (0..<6).map { _ in rng.poisson(rate: 30, from: 0, to: 8) }
        let i = (0..<3).map { _ in rng.poisson(rate: 40, from: 0, to: 8) }
        let rate = 500.0, n = 4000
        let c = SynapticCurrent.estimate(excitatory: e, inhibitory: i, start: 0, count: n, step: 1 / rate,
                                         tauE: 0.005, tauI: 0.010)
        var raw = [Float](repeating: 0, count: 2 * n)
        for k in 0..<n { raw[2 * k] = Float(c[k]); raw[2 * k + 1] = Float(rng.normal()) }
        let units = (0..<9).map { Recordings.Unit(id: Int64($0), cellClass: $0 < 6 ? .excitatory : .inhibitory) }
        let rec = Recording(subject: "c", session: "w", units: units, spikes: SpikeTrains(trains: e + i),
                            signals: [SignalSeries(name: "LFP", sampleCount: n, channelCount: 2, rate: rate, storage: .memory(raw))],
                            epochs: [StateEpoch(start: 0, stop: 8, state: "ictal")])
        var p = FamilyParameters()
        p.waveletLowHz = 2; p.waveletHighHz = 100; p.waveletCount = 16
        let r = try FamilyAnalysis.run(family: .seizure, recording: rec, state: "ictal", parameters: p)
        XCTAssertGreaterThan(try XCTUnwrap(value(r, "coherence_mean", channel: "ch0")), 0.99)
        XCTAssertLessThan(try XCTUnwrap(value(r, "coherence_mean", channel: "ch1")), 0.6)
        XCTAssertNotNil(value(r, "ridge_median_hz", channel: "ch0"))
        // No pre-ictal epoch: the balance measures are missing with a reason.
        XCTAssertNil(value(r, "balance_trend_slope"))
        XCTAssertTrue(r.missing.contains { $0.measure == "seizure:balance_trend_slope" && $0.reason.contains("preictal") })
    }

    func testFamilyCSVHeaderOrderAndEmptyFields() {
        let rows = [
            FamilyRow(subject: "s", session: "x", state: "wake", family: .lfp, channel: "B", measure: "dfa_exponent", value: 0.7),
            FamilyRow(subject: "s", session: "x", state: "wake", family: .avalanches, group: "spikes", binMilliseconds: 3,
                      measure: "size_alpha", value: nil),
            FamilyRow(subject: "s", session: "x", state: "wake", family: .lfp, channel: "A,1", measure: "dfa_exponent", value: 0.5),
        ]
        let csv = TidyCSV.familyMeasures(rows)
        let lines = csv.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines[0], "subject,session,state,family,channel,group,bin_ms,measure,value,surrogate_mean,surrogate_sd,z")
        XCTAssertEqual(lines[1], "s,x,wake,avalanches,,spikes,3.0,size_alpha,,,,")
        XCTAssertEqual(lines[2], "s,x,wake,lfp,\"A,1\",,,dfa_exponent,0.5,,,")
        XCTAssertEqual(lines[3], "s,x,wake,lfp,B,,,dfa_exponent,0.7,,,")
        XCTAssertEqual(TidyCSV.familyMeasures(rows.reversed()), csv)
    }
}
