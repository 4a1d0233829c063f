import XCTest
import Recordings
import Simulation
import Kernels

final class SimulationUnitTests: XCTestCase {
    func testDeterministicForASeedAndDifferentAcrossSessions() {
        let a = Fixtures.small(), b = Fixtures.small()
        XCTAssertEqual(a.recording, b.recording)
        XCTAssertEqual(a.populationCountsE, b.populationCountsE)
        XCTAssertGreaterThan(a.recording.spikes.spikeCount, 100)
        let c = Fixtures.small(sessionSeed: 3)
        XCTAssertNotEqual(a.recording.spikes.times, c.recording.spikes.times)
    }

    func testSessionsDifferInStateOrderButKeepTheSeizureSequence() throws {
        var orders = Set<[Regime]>()
        for seed in 0..<12 as Range<UInt64> {
            let s = SessionSchedule.make(regimes: SessionSchedule.canonicalOrder, duration: 600,
                                         settings: RegimeSettings.defaults(for:), shuffleSeed: seed)
            let order = s.map(\.regime)
            orders.insert(order)
            XCTAssertEqual(Set(order), Set(SessionSchedule.canonicalOrder))
            let pre = try XCTUnwrap(order.firstIndex(of: .preictal))
            XCTAssertEqual(order[pre + 1], .ictal)
            XCTAssertEqual(order[pre + 2], .postictal)
            XCTAssertEqual(s.last?.stop, 600)
            for k in 1..<s.count { XCTAssertEqual(s[k].start, s[k - 1].stop) }
        }
        XCTAssertGreaterThan(orders.count, 6)
    }

    func testConnectivityHasFixedInDegreeAndNoAutapses() {
        let c = Connectivity(neuronCount: 1000, excitatoryCount: 800, probability: 0.02, seed: 4)
        XCTAssertEqual(c.inDegreeE, 16)
        XCTAssertEqual(c.inDegreeI, 4)
        var inE = [Int](repeating: 0, count: 1000), inI = [Int](repeating: 0, count: 1000)
        for pre in 0..<1000 {
            let lo = Int(c.rowStart[pre]), mid = Int(c.rowSplit[pre]), hi = Int(c.rowStart[pre + 1])
            for k in lo..<hi {
                let post = Int(c.targets[k])
                XCTAssertNotEqual(post, pre)
                XCTAssertEqual(post < 800, k < mid, "E targets first in each row")
                if pre < 800 { inE[post] += 1 } else { inI[post] += 1 }
            }
        }
        XCTAssertEqual(Set(inE), [16])
        XCTAssertEqual(Set(inI), [4])
        XCTAssertEqual(c.synapseCount, 1000 * 20)
    }

    func testWaveformTemplatesFallInThePublishedRSAndFSRanges() {
        var rng = Xoshiro256StarStar(seed: 8)
        for _ in 0..<200 {
            let rs = WaveformTemplates.waveform(excitatory: true, rng: &rng)
            let fs = WaveformTemplates.waveform(excitatory: false, rng: &rng)
            XCTAssertEqual(rs.count, WaveformTemplates.sampleCount)
            let tRS = WaveformTemplates.troughToPeak(rs), tFS = WaveformTemplates.troughToPeak(fs)
            XCTAssert((0.55...0.9).contains(tRS), "RS trough-to-peak \(tRS) ms")
            XCTAssert((0.2...0.45).contains(tFS), "FS trough-to-peak \(tFS) ms")
            XCTAssertLessThan(rs.min()!, -40e-6)
            XCTAssertLessThan(abs(rs.max()!), abs(rs.min()!))
        }
    }

    func testRecordingLooksLikeA96ElectrodeArray() throws {
        let s = Fixtures.small(duration: 3)
        let r = s.recording
        XCTAssertEqual(r.electrodes.count, 96)
        XCTAssertEqual(Set(r.electrodes.map(\.x)), Set((0..<10).map { Double($0) * 400 }))
        XCTAssertEqual(r.unitIndices(of: .excitatory).count, 16)
        XCTAssertEqual(r.unitIndices(of: .inhibitory).count, 4)
        for u in r.units {
            let e = try XCTUnwrap(u.electrode)
            XCTAssertEqual(u.position, SIMD3(r.electrodes[e].x, r.electrodes[e].y, 0))
            XCTAssertEqual(u.waveform?.samplingRate, 30_000)
        }
        let lfp = try XCTUnwrap(r.signals.first)
        XCTAssertEqual(lfp.rate, 1000)
        XCTAssertEqual(lfp.channelCount, 96)
        XCTAssertEqual(lfp.sampleCount, 3000)
        guard case .memory(let x) = lfp.storage else { return XCTFail("LFP not in memory") }
        XCTAssertEqual(x.count, 3000 * 96)
        // Mean removed per channel; fluctuations of tens of µV.
        var sd = 0.0, mean = 0.0
        for t in 0..<3000 { mean += Double(x[t * 96]) }
        mean /= 3000
        for t in 0..<3000 { sd += (Double(x[t * 96]) - mean) * (Double(x[t * 96]) - mean) }
        sd = (sd / 3000).squareRoot()
        XCTAssertLessThan(abs(mean), 1)
        XCTAssert((3...2000).contains(sd), "LFP sd \(sd) µV")
        // Spike times lie in the session and each train is sorted.
        for u in 0..<r.units.count {
            let t = Array(r.spikes[unit: u])
            XCTAssertEqual(t, t.sorted())
            XCTAssert(t.allSatisfy { $0 > 0 && $0 <= 3 })
        }
    }

    func testInvalidParametersAndStatesAreNamed() {
        var p = NetworkParameters()
        p.dt = 0.3
        XCTAssertThrowsError(try p.validate()) { XCTAssert("\($0)".contains("dt")) }
        XCTAssertThrowsError(try Regime.parse("coma")) { XCTAssert("\($0)".contains("coma")) }
        XCTAssertEqual(try Regime.parse("NREM_deep"), .nremDeep)
    }
}
