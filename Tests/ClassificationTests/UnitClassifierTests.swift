import Classification
import Recordings
import XCTest

/// A synthetic recording: `nFS` narrow and `nRS` broad units with Poisson trains, plus special units.
func syntheticRecording(nFS: Int = 12, nRS: Int = 40, duration: Double = 200, seed: UInt64 = 1) -> Recording {
    var g = SplitMixTest(seed)
    var units: [Recordings.Unit] = [], trains: [[Double]] = []
    for i in 0..<(nFS + nRS) {
        let fs = i < nFS
        let w = syntheticWaveform(samples: 48, rate: 30_000, t0: 0.0008,
                                  troughSD: fs ? 0.00007 + 0.00001 * g.unit() : 0.00013 + 0.00002 * g.unit(),
                                  peakDelay: fs ? 0.00025 + 0.00005 * g.unit() : 0.00065 + 0.0001 * g.unit(),
                                  peakSD: fs ? 0.00012 : 0.0003, peakRatio: fs ? 0.5 : 0.25)
        units.append(Recordings.Unit(id: Int64(100 + i), waveform: Waveform(peakChannel: w, samplingRate: 30_000)))
        trains.append(poissonTrain(rate: fs ? 15 : 3, duration: duration, seed: seed &* 1000 &+ UInt64(i)))
    }
    return Recording(subject: "s", session: "syn", units: units, spikes: SpikeTrains(trains: trains))
}

final class UnitClassifierTests: XCTestCase {
    func testSeparatesSyntheticFSAndRS() {
        let rec = syntheticRecording()
        let r = UnitClassifier.classify(rec)
        // No unit is misclassified; a few at the edge of their cluster may be rejected (> 2.5 pooled SD).
        for (i, u) in r.units.enumerated() where u.predicted != .unclassified {
            XCTAssertEqual(u.predicted, i < 12 ? .inhibitory : .excitatory, "unit \(u.unitID)")
        }
        XCTAssertTrue(r.units.allSatisfy { $0.predicted != .unclassified || $0.reason == .ambiguous })
        XCTAssertLessThanOrEqual(r.count["U"]!, 3)
        XCTAssertGreaterThanOrEqual(r.count["I"]!, 10); XCTAssertGreaterThanOrEqual(r.count["E"]!, 37)
        XCTAssertTrue(r.modelFittedHere)
        XCTAssertEqual(r.rateRatioFSOverRS!, 5, accuracy: 0.6)
        XCTAssertNil(r.agreement)
        // Same input, same output (fixed seed).
        XCTAssertEqual(UnitClassifier.classify(rec).units, r.units)
    }

    func testUnclassifiedReasons() {
        var rec = syntheticRecording()
        // 0: no waveform; 1: positive polarity; 2: few spikes; 3: far outlier (very broad waveform).
        rec.units[12].waveform = nil
        rec.units[13].waveform!.peakChannel = rec.units[13].waveform!.peakChannel.map { -$0 }
        var trains = (0..<rec.units.count).map { Array(rec.spikes[unit: $0]) }
        trains[14] = Array(trains[14].prefix(50))
        rec.units[15].waveform = Waveform(peakChannel: syntheticWaveform(samples: 90, rate: 30_000, t0: 0.001,
                                          troughSD: 0.0006, peakDelay: 0.0018, peakSD: 0.0005), samplingRate: 30_000)
        rec.spikes = SpikeTrains(trains: trains)
        let r = UnitClassifier.classify(rec)
        XCTAssertEqual(r.units[12].reason, .noWaveform)
        XCTAssertEqual(r.units[13].reason, .positivePolarity)
        XCTAssertEqual(r.units[14].reason, .tooFewSpikes)
        XCTAssertEqual(r.units[15].reason, .ambiguous)
        for i in 12...15 { XCTAssertEqual(r.units[i].predicted, .unclassified) }
        XCTAssertTrue(r.units[15].detail!.contains("outlier"), r.units[15].detail!)
        XCTAssertEqual(r.units[16].predicted, .excitatory)
        XCTAssertNil(r.units[16].reason)
        XCTAssertGreaterThanOrEqual(r.count["I"]!, 10)
        XCTAssertLessThan(r.model!.rsCentroidMs[0], 0.8)
    }

    func testWaveformOnlyInputSkipsSpikeRuleAndSpikeCountColumnApplies() {
        var rec = syntheticRecording()
        rec.spikes = SpikeTrains(trains: [[Double]](repeating: [], count: rec.units.count))
        var r = UnitClassifier.classify(rec)
        XCTAssertTrue(r.waveformOnly)
        XCTAssertTrue(r.units.allSatisfy { $0.reason == nil || $0.reason == .ambiguous })
        XCTAssertGreaterThanOrEqual(r.count["I"]!, 10)
        // With a spike_count column the rule applies again.
        rec.units[20].extra["spike_count"] = .number(40)
        for i in rec.units.indices where i != 20 { rec.units[i].extra["spike_count"] = .number(5000) }
        r = UnitClassifier.classify(rec)
        XCTAssertFalse(r.waveformOnly)
        XCTAssertEqual(r.units[20].reason, .tooFewSpikes)
        XCTAssertEqual(r.units.filter { $0.reason == .tooFewSpikes }.count, 1)
    }

    func testTooFewUnitsUsesGivenModel() {
        let big = UnitClassifier.classify(syntheticRecording(seed: 2))
        let small = syntheticRecording(nFS: 2, nRS: 3, seed: 3)
        let alone = UnitClassifier.classify(small)
        XCTAssertEqual(alone.count["U"], 5)
        XCTAssertEqual(alone.units[0].reason, .tooFewUnitsToCluster)
        let withModel = UnitClassifier.classify(small, model: big.model)
        XCTAssertFalse(withModel.modelFittedHere)
        XCTAssertEqual(withModel.units.map(\.predicted), [.inhibitory, .inhibitory, .excitatory, .excitatory, .excitatory])
    }

    func testInputLabelsAreKeptAndAgreementCounted() {
        var rec = syntheticRecording()
        for i in rec.units.indices {
            rec.units[i].cellClass = i < 12 ? .inhibitory : .excitatory
            rec.units[i].labelSource = .inputColumn("cell_type")
            rec.units[i].rawLabel = i < 12 ? "FS" : "RS"
        }
        rec.units[0].cellClass = .excitatory  // one disagreement
        let r = UnitClassifier.classify(rec)
        let a = r.agreement!
        XCTAssertEqual(a.compared, r.units.filter { $0.predicted != .unclassified }.count)
        XCTAssertEqual(a.agreeing, a.compared - 1)
        XCTAssertEqual(a.table[0][1], 1)  // input E, predicted I
        XCTAssertEqual(r.units[0].inputClass, .excitatory)
        let labelled = r.labelled(rec)
        XCTAssertEqual(labelled.units[0].cellClass, .excitatory)  // input label takes precedence
        XCTAssertEqual(labelled.units[0].extra["classifier_class"], .text("I"))
        XCTAssertEqual(labelled.units[0].labelSource, .inputColumn("cell_type"))
        let unlabelled = UnitClassifier.classify(syntheticRecording())
        let l2 = unlabelled.labelled(syntheticRecording())
        XCTAssertEqual(l2.units[0].cellClass, .inhibitory)
        XCTAssertEqual(l2.units[0].labelSource, .classifier)
        if case .number(let ttp)? = l2.units[0].extra["classifier_trough_to_peak_ms"] {
            XCTAssertEqual(ttp, unlabelled.units[0].features.troughToPeakMs!)
        } else { XCTFail("missing feature column") }
    }
}
