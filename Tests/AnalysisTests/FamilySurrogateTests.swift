import Analysis
import Foundation
import Kernels
import Recordings
import XCTest

/// Spike surrogates of the METHODS §6–8 families (METHODS §5) and their z, through the public API.
final class FamilySurrogateTests: XCTestCase {
    /// An independent test stream (not the library's generator): the family tests' SplitMix64.
    typealias Rand = FamilyAnalysisTests.Rand

    /// Units 0–3 E, 4–5 I, 6 unclassified; wake = [0, 50) ∪ [100, 130), sleep = [50, 100); spikes also in [130, 140)
    /// (outside every epoch). `shared` > 0 adds a common Poisson train of that rate to every unit (synchrony).
    func recording(seed: UInt64 = 3, rate: Double = 15, shared: Double = 0) -> Recording {
        var rng = Rand(s: seed)
        let common = shared > 0 ? rng.poisson(rate: shared, from: 0, to: 140) : []
        let trains = (0..<7).map { _ in (rng.poisson(rate: rate, from: 0, to: 140) + common).sorted() }
        let classes: [CellClass] = [.excitatory, .excitatory, .excitatory, .excitatory, .inhibitory, .inhibitory,
                                    .unclassified]
        let units = classes.enumerated().map { Recordings.Unit(id: Int64($0.offset), cellClass: $0.element) }
        return Recording(subject: "s", session: "1", units: units, spikes: SpikeTrains(trains: trains),
                         epochs: [StateEpoch(start: 0, stop: 50, state: "wake"),
                                  StateEpoch(start: 50, stop: 100, state: "sleep"),
                                  StateEpoch(start: 100, stop: 130, state: "wake")])
    }

    var quick: FamilyParameters {
        var p = FamilyParameters()
        p.spatialBinsMs = [10, 100]
        p.avalancheBinsMs = [3]
        return p
    }

    func value(_ r: FamilyResult, _ m: String, group: String = "", bin: Double? = nil) -> FamilyRow? {
        r.rows.first { $0.measure == m && $0.group == group && $0.binMilliseconds == bin && $0.channel.isEmpty }
    }

    func testSurrogateMemberIsIndependentOfOtherMembersAndOrder() throws {
        let rec = recording()
        for family in [MeasureFamily.spatial, .avalanches, .seizure] {
            for kind in SurrogateKind.allCases {
                let alone = try FamilyAnalysis.run(family: family, recording: rec, recordingID: "s/1", state: "wake",
                                                   member: .surrogate(kind, 3), parameters: quick)
                XCTAssertEqual(alone.member, .surrogate(kind, 3))
                XCTAssertTrue(alone.curves.isEmpty, "surrogate results carry no curves")
                XCTAssertFalse(alone.rows.isEmpty)
                let members: [Member] = [.observed] + (0..<5).map { .surrogate(kind, $0) }
                let forward = try FamilyAnalysis.run(family: family, recording: rec, recordingID: "s/1", state: "wake",
                                                     members: members, parameters: quick)
                let backward = try FamilyAnalysis.run(family: family, recording: rec, recordingID: "s/1",
                                                      state: "wake", members: members.reversed(), parameters: quick)
                XCTAssertEqual(forward[4], alone, "\(family) \(kind)")
                XCTAssertEqual(backward[members.count - 1 - 4], alone, "\(family) \(kind)")
                // Scoring does not depend on the order the surrogates arrive in.
                let obs = forward[0]
                XCTAssertEqual(FamilyAnalysis.score(observed: obs, surrogates: Array(forward.dropFirst())),
                               FamilyAnalysis.score(observed: obs, surrogates: Array(backward.dropLast())))
                // Other streams: another index, another recording id, another state give other trains.
                let other = try FamilyAnalysis.run(family: family, recording: rec, recordingID: "s/1", state: "wake",
                                                   member: .surrogate(kind, 4), parameters: quick)
                XCTAssertNotEqual(other.rows.map(\.value), alone.rows.map(\.value), "\(family) \(kind)")
            }
        }
        let a = FamilySurrogates.recording(rec, recordingID: "s/1", state: "wake", family: .spatial,
                                           member: .surrogate(.circularShift, 0), seed: 7)
        let b = FamilySurrogates.recording(rec, recordingID: "s/2", state: "wake", family: .spatial,
                                           member: .surrogate(.circularShift, 0), seed: 7)
        let c = FamilySurrogates.recording(rec, recordingID: "s/1", state: "wake", family: .spatial,
                                           member: .surrogate(.circularShift, 0), seed: 8)
        XCTAssertNotEqual(a.spikes, b.spikes)
        XCTAssertNotEqual(a.spikes, c.spikes)
        XCTAssertEqual(a.spikes, FamilySurrogates.recording(rec, recordingID: "s/1", state: "wake", family: .spatial,
                                                            member: .surrogate(.circularShift, 0), seed: 7).spikes)
        XCTAssertEqual(FamilySurrogates.recording(rec, recordingID: "s/1", state: "wake", family: .spatial,
                                                  member: .observed, seed: 7), rec)
    }

    /// Spikes of `train` in [a, b).
    func inside(_ train: ArraySlice<Double>, _ a: Double, _ b: Double) -> [Double] { train.filter { $0 >= a && $0 < b } }

    func testCircularShiftPreservesEachUnitsCountPerWindow() {
        let rec = recording()
        let windows = FamilySurrogates.windows(recording: rec, state: "wake", family: .spatial)
        XCTAssertEqual(windows.map(\.start), [0, 100])
        XCTAssertEqual(windows.map(\.stop), [50, 130])
        for index in 0..<3 {
            let s = FamilySurrogates.recording(rec, recordingID: "s/1", state: "wake", family: .spatial,
                                               member: .surrogate(.circularShift, index), seed: 1)
            var moved = 0
            for u in 0..<rec.units.count {
                let o = rec.spikes[unit: u], t = s.spikes[unit: u]
                XCTAssertEqual(t.count, o.count)
                XCTAssertEqual(Array(t), t.sorted(), "unit \(u) sorted")
                for (a, b) in [(0.0, 50.0), (100.0, 130.0)] {
                    let wo = inside(o, a, b), wt = inside(t, a, b)
                    XCTAssertEqual(wt.count, wo.count, "unit \(u) window \(a)")
                    // A circular shift keeps the intervals between consecutive spikes on the circle of length b − a.
                    func circleGaps(_ x: [Double]) -> [Double] {
                        guard let f = x.first, let l = x.last else { return [] }
                        return (zip(x.dropFirst(), x).map { $0 - $1 } + [f + (b - a) - l]).sorted()
                    }
                    let g1 = circleGaps(wo), g2 = circleGaps(wt)
                    XCTAssertEqual(g1.count, g2.count)
                    for (x, y) in zip(g1, g2) { XCTAssertEqual(x, y, accuracy: 1e-9) }
                    if wo != wt { moved += 1 }
                }
                // Outside the windows ([50, 100) is sleep, [130, 140) no state) nothing moves.
                XCTAssertEqual(inside(t, 50, 100), inside(o, 50, 100))
                XCTAssertEqual(inside(t, 130, 140), inside(o, 130, 140))
            }
            XCTAssertGreaterThan(moved, 10)
        }
    }

    func testISIPermutationPreservesEachUnitsIntervals() {
        let rec = recording()
        for index in 0..<3 {
            let s = FamilySurrogates.recording(rec, recordingID: "s/1", state: "sleep", family: .avalanches,
                                               member: .surrogate(.isiPermutation, index), seed: 1)
            var reordered = 0
            for u in 0..<rec.units.count {
                let o = inside(rec.spikes[unit: u], 50, 100), t = inside(s.spikes[unit: u], 50, 100)
                XCTAssertEqual(t.count, o.count, "unit \(u)")
                XCTAssertEqual(t.first, o.first, "the first spike is kept")
                let io = zip(o.dropFirst(), o).map { $0 - $1 }, it = zip(t.dropFirst(), t).map { $0 - $1 }
                XCTAssertTrue(it.allSatisfy { $0 >= 0 }, "sorted")
                for (x, y) in zip(io.sorted(), it.sorted()) { XCTAssertEqual(x, y, accuracy: 1e-9) }
                if io != it { reordered += 1 }
                XCTAssertEqual(inside(s.spikes[unit: u], 0, 50), inside(rec.spikes[unit: u], 0, 50))
            }
            XCTAssertEqual(reordered, rec.units.count)
        }
    }

    func testSeizureWindowsIncludeTheBalanceSpan() {
        let units = [Recordings.Unit(id: 0, cellClass: .excitatory)]
        let rec = Recording(subject: "z", session: "1", units: units, spikes: SpikeTrains(trains: [[1, 2, 3]]),
                            epochs: [StateEpoch(start: 0, stop: 60, state: "preictal"),
                                     StateEpoch(start: 60, stop: 80, state: "ictal"),
                                     StateEpoch(start: 80, stop: 150, state: "postictal"),
                                     StateEpoch(start: 200, stop: 210, state: "ictal")])
        let w = FamilySurrogates.windows(recording: rec, state: "ictal", family: .seizure)
        XCTAssertEqual(w.map(\.start), [0, 200])
        XCTAssertEqual(w.map(\.stop), [150, 210])
        let a = FamilySurrogates.windows(recording: rec, state: "ictal", family: .avalanches)
        XCTAssertEqual(a.map(\.start), [60, 200])
    }

    /// z of the spatial pair correlation: strongly synchronous units are far above their surrogates (each unit's
    /// shift or ISI shuffle destroys the shared timing), independent Poisson units are not.
    func testSpatialZSynchronousVersusIndependent() throws {
        var p = FamilyParameters()
        p.spatialBinsMs = [10]
        for kind in SurrogateKind.allCases {
            let sync = recording(seed: 5, rate: 2, shared: 20)
            let members = (0..<20).map { Member.surrogate(kind, $0) }
            let obs = try FamilyAnalysis.run(family: .spatial, recording: sync, recordingID: "s/1", state: "wake",
                                             member: .observed, parameters: p)
            let sur = try FamilyAnalysis.run(family: .spatial, recording: sync, recordingID: "s/1", state: "wake",
                                             members: members, parameters: p)
            let scored = FamilyAnalysis.score(observed: obs, surrogates: sur)
            let row = try XCTUnwrap(value(scored, "pair_correlation", group: "all", bin: 10))
            // Shared 20 Hz + own 2 Hz: r ≈ 20/22 ≈ 0.9 observed, ≈ 0 in the surrogates.
            XCTAssertEqual(try XCTUnwrap(row.value), 0.9, accuracy: 0.05)
            XCTAssertEqual(try XCTUnwrap(row.surrogateMean), 0, accuracy: 0.02)
            XCTAssertGreaterThan(try XCTUnwrap(row.z), 20, "\(kind)")
            // The same formula as the balance tables, by hand from the surrogate rows.
            let sv = sur.compactMap { value($0, "pair_correlation", group: "all", bin: 10)?.value }
            XCTAssertEqual(sv.count, 20)
            let m = sv.reduce(0, +) / 20
            let sd = (sv.reduce(0) { $0 + ($1 - m) * ($1 - m) } / 19).squareRoot()
            XCTAssertEqual(row.surrogateMean!, m, accuracy: 1e-12)
            XCTAssertEqual(row.surrogateSD!, sd, accuracy: 1e-12)
            XCTAssertEqual(row.z!, (row.value! - m) / sd, accuracy: 1e-9)

            let indep = recording(seed: 6, rate: 20)
            let o2 = try FamilyAnalysis.run(family: .spatial, recording: indep, recordingID: "s/1", state: "wake",
                                            member: .observed, parameters: p)
            let s2 = try FamilyAnalysis.run(family: .spatial, recording: indep, recordingID: "s/1", state: "wake",
                                            members: members, parameters: p)
            let z2 = try XCTUnwrap(value(FamilyAnalysis.score(observed: o2, surrogates: s2), "pair_correlation",
                                         group: "all", bin: 10)?.z)
            XCTAssertLessThan(abs(z2), 4, "\(kind): independent Poisson units, z should be N(0, 1)-like")
        }
    }

    func testScoreMissingRules() throws {
        let rec = recording()
        let obs = try FamilyAnalysis.run(family: .spatial, recording: rec, recordingID: "s/1", state: "wake",
                                         member: .observed, parameters: quick)
        // No surrogates: z empty everywhere, one summary row.
        let none = FamilyAnalysis.score(observed: obs, surrogates: [])
        XCTAssertTrue(none.rows.allSatisfy { $0.z == nil && $0.surrogateMean == nil })
        XCTAssertEqual(none.missing.filter { $0.measure == "spatial:surrogate_statistics" }.count, 1)
        XCTAssertEqual(none.curves, obs.curves)
        // pair_count is the same in every surrogate (counts preserved, every unit active): sd = 0, z empty + reason.
        let sur = try FamilyAnalysis.run(family: .spatial, recording: rec, recordingID: "s/1", state: "wake",
                                         members: (0..<3).map { .surrogate(.circularShift, $0) }, parameters: quick)
        let s = FamilyAnalysis.score(observed: obs, surrogates: sur)
        XCTAssertEqual(value(s, "pair_count", group: "all", bin: 10)?.surrogateSD, 0)
        XCTAssertNil(value(s, "pair_count", group: "all", bin: 10)?.z)
        XCTAssertTrue(s.missing.contains { $0.measure == "spatial:pair_count:group=all:bin_ms=10.0" && $0.reason.hasPrefix("z: all 3") })
        XCTAssertNotNil(value(s, "pair_correlation", group: "all", bin: 10)?.z)
        // A surrogate of another kind is ignored when scoring against one kind.
        let mixed = FamilyAnalysis.score(observed: obs, surrogates: sur, kind: .isiPermutation)
        XCTAssertNil(value(mixed, "pair_correlation", group: "all", bin: 10)?.surrogateMean)
    }

    func testLFPHasNoSurrogates() throws {
        XCTAssertFalse(FamilyAnalysis.supportsSurrogates(.lfp))
        XCTAssertTrue(FamilyAnalysis.supportsSurrogates(.spatial))
        XCTAssertTrue(FamilyAnalysis.supportsSurrogates(.avalanches))
        XCTAssertTrue(FamilyAnalysis.supportsSurrogates(.seizure))
        let rec = recording()
        XCTAssertThrowsError(try FamilyAnalysis.run(family: .lfp, recording: rec, recordingID: "s/1", state: "wake",
                                                    member: .surrogate(.circularShift, 0)))
        let lfp = FamilyResult(rows: [FamilyRow(subject: "s", session: "1", state: "wake", family: .lfp, channel: "A1",
                                                measure: "dfa_exponent", value: 0.7)])
        let s = FamilyAnalysis.score(observed: lfp, surrogates: [])
        XCTAssertNil(s.rows[0].z)
        XCTAssertEqual(s.missing.count, 1)
        XCTAssertEqual(s.missing.first?.measure, "lfp:surrogate_statistics")
        XCTAssertTrue(s.missing.first?.reason.contains("no spike surrogate") ?? false)
    }

    func testLFPAvalanchesAreNotRecomputedOnSurrogates() throws {
        var rec = recording()
        let n = 20_000
        var rng = Rand(s: 4)
        let raw = (0..<n).map { _ in Float(rng.uniform() - 0.5) }
        rec.signals = [SignalSeries(name: "LFP", sampleCount: n, channelCount: 1, rate: 1000, storage: .memory(raw))]
        var p = quick
        p.lfpAvalancheBinsMs = [4]
        let obs = try FamilyAnalysis.run(family: .avalanches, recording: rec, recordingID: "s/1", state: "wake",
                                         member: .observed, parameters: p)
        XCTAssertNotNil(value(obs, "avalanche_count", group: "lfp", bin: 4))
        let sur = try FamilyAnalysis.run(family: .avalanches, recording: rec, recordingID: "s/1", state: "wake",
                                         members: (0..<3).map { .surrogate(.isiPermutation, $0) }, parameters: p)
        XCTAssertTrue(sur.allSatisfy { r in r.rows.allSatisfy { $0.group == "spikes" } })
        let s = FamilyAnalysis.score(observed: obs, surrogates: sur)
        XCTAssertNil(value(s, "avalanche_count", group: "lfp", bin: 4)?.surrogateMean)
        XCTAssertNotNil(value(s, "avalanche_count", group: "spikes", bin: 3)?.surrogateMean)
        XCTAssertEqual(s.missing.filter { $0.measure == "avalanches:surrogate_statistics:group=lfp" }.count, 1)
    }

    func testSeizureCoherenceSurrogatesAreOptional() throws {
        // 8 s ictal recording with a 2-channel LFP: by default the surrogates skip the coherence (one summary
        // missing row); with coherenceSurrogates they recompute it and the channel rows get a surrogate mean.
        var rec = recording()
        rec.epochs = [StateEpoch(start: 0, stop: 8, state: "ictal")]
        let n = 4000
        var rng = Rand(s: 12)
        let raw = (0..<(2 * n)).map { _ in Float(rng.uniform() - 0.5) }
        rec.signals = [SignalSeries(name: "LFP", sampleCount: n, channelCount: 2, rate: 500, storage: .memory(raw))]
        var p = FamilyParameters()
        p.waveletLowHz = 4; p.waveletHighHz = 60; p.waveletCount = 6
        let obs = try FamilyAnalysis.run(family: .seizure, recording: rec, recordingID: "s/1", state: "ictal",
                                         member: .observed, parameters: p)
        XCTAssertNotNil(obs.rows.first { $0.measure == "coherence_mean" && $0.channel == "ch1" }?.value)
        let members = (0..<3).map { Member.surrogate(.circularShift, $0) }
        let cheap = try FamilyAnalysis.run(family: .seizure, recording: rec, recordingID: "s/1", state: "ictal",
                                           members: members, parameters: p)
        XCTAssertTrue(cheap.allSatisfy { r in r.rows.allSatisfy { $0.channel.isEmpty } })
        let s1 = FamilyAnalysis.score(observed: obs, surrogates: cheap)
        XCTAssertNil(s1.rows.first { $0.measure == "coherence_mean" && $0.channel == "ch1" }?.surrogateMean)
        XCTAssertNotNil(s1.rows.first { $0.measure == "current_mean" }?.z)
        XCTAssertEqual(s1.missing.filter { $0.measure == "seizure:surrogate_statistics:channels" }.count, 1)
        p.coherenceSurrogates = true
        let full = try FamilyAnalysis.run(family: .seizure, recording: rec, recordingID: "s/1", state: "ictal",
                                          members: members, parameters: p)
        let s2 = FamilyAnalysis.score(observed: obs, surrogates: full)
        XCTAssertNotNil(s2.rows.first { $0.measure == "coherence_mean" && $0.channel == "ch1" }?.surrogateMean)
        XCTAssertTrue(s2.missing.allSatisfy { !$0.measure.contains("surrogate_statistics") })
    }

    /// #15: a surrogate avalanche member is drawn and counted from the spikes inside the state's windows only
    /// (several bin widths in one pass); its rows equal those of the family run on the whole surrogate recording.
    func testAvalancheSurrogateEqualsTheWholeSurrogateRecording() throws {
        let rec = recording(seed: 9, rate: 40)      // spikes also in [130, 140), outside every epoch
        var p = quick
        p.avalancheBinsMs = [1, 3, 7]
        p.minimumAvalanches = 5
        for kind in [SurrogateKind.circularShift, .isiPermutation] {
            for state in ["wake", "sleep"] {
                for i in 0..<2 {
                    let member = Member.surrogate(kind, i)
                    let got = try FamilyAnalysis.run(family: .avalanches, recording: rec, recordingID: "s/1",
                                                     state: state, member: member, parameters: p)
                    let whole = FamilySurrogates.recording(rec, recordingID: "s/1", state: state, family: .avalanches,
                                                           member: member, seed: p.seed)
                    let direct = try AvalancheAnalysis.run(recording: whole, state: state, parameters: p)
                    XCTAssertEqual(got.rows, direct.rows, "\(kind) \(state) \(i)")
                    XCTAssertGreaterThan(got.rows.filter { $0.value != nil }.count, 10)
                }
            }
        }
    }

    /// #15: the seizure family's LFP transforms, shared by a block of members, give the rows of members computed
    /// one by one.
    func testSeizureBlockWithSharedTransformsEqualsSingleMembers() throws {
        var rec = recording()
        rec.epochs = [StateEpoch(start: 0, stop: 8, state: "ictal")]
        let n = 4000
        var rng = Rand(s: 13)
        let raw = (0..<(2 * n)).map { _ in Float(rng.uniform() - 0.5) }
        rec.signals = [SignalSeries(name: "LFP", sampleCount: n, channelCount: 2, rate: 500, storage: .memory(raw))]
        var p = FamilyParameters()
        p.waveletLowHz = 4; p.waveletHighHz = 60; p.waveletCount = 6
        p.coherenceSurrogates = true
        let members = (0..<3).map { Member.surrogate(.circularShift, $0) }
        let block = try FamilyAnalysis.run(family: .seizure, recording: rec, recordingID: "s/1", state: "ictal",
                                           members: members, parameters: p)
        let single = try members.map {
            try FamilyAnalysis.run(family: .seizure, recording: rec, recordingID: "s/1", state: "ictal", member: $0,
                                   parameters: p)
        }
        XCTAssertEqual(block, single)
        XCTAssertNotNil(block[0].rows.first { $0.measure == "coherence_mean" && $0.channel == "ch1" }?.value)
    }

    func testObservedMemberEqualsTheOldEntryPoint() throws {
        let rec = recording()
        for family in [MeasureFamily.spatial, .avalanches, .seizure] {
            let old = try FamilyAnalysis.run(family: family, recording: rec, state: "wake", parameters: quick)
            let new = try FamilyAnalysis.run(family: family, recording: rec, recordingID: "anything", state: "wake",
                                             member: .observed, parameters: quick)
            XCTAssertEqual(old, new)
        }
    }

    func testFamilyParametersDecodeWithDefaults() throws {
        let p = try JSONDecoder().decode(FamilyParameters.self, from: Data(#"{"seed": 5, "spatialBinsMs": [20]}"#.utf8))
        var q = FamilyParameters()
        q.seed = 5; q.spatialBinsMs = [20]
        XCTAssertEqual(p, q)
        XCTAssertEqual(FamilyParameters().seed, AnalysisParameters().seed)
        let back = try JSONDecoder().decode(FamilyParameters.self, from: JSONEncoder().encode(q))
        XCTAssertEqual(back, q)
    }
}
