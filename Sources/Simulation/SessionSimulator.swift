import Recordings
import Kernels

/// A simulated session: the NWB-ready recording plus the whole-network diagnostics.
public struct SimulatedSession: Sendable {
    public var recording: Recording
    public var schedule: [ScheduledEpoch]
    /// E / I spikes of the whole network per 1-ms bin.
    public var populationCountsE: [UInt16]
    public var populationCountsI: [UInt16]
    public var excitatoryCount: Int
    public var inhibitoryCount: Int
    public var neuronUpdates: Int
}

/// Simulates one session of a subject and assembles its `Recording`.
public enum SessionSimulator {
    /// Simulates `duration` seconds through `regimes` (in session-specific order) with a seed derived from
    /// (subject seed, session seed).
    /// Units carry their ground-truth class in `cellClass` (label source: the `gt_class` column, which is where
    /// `CohortSimulator` writes it); `cell_class` is left for the classifier.
    /// - Parameters:
    ///   - shuffle: shuffle the regime blocks (sessions differ in state order); false keeps the canonical order.
    ///   - lfp: record the LFP proxy (96 channels at 1 kHz).
    public static func simulate(subject: SubjectModel, session: String, sessionSeed: UInt64, regimes: [Regime],
                                duration: Double, shuffle: Bool = true, lfp: Bool = true) throws -> SimulatedSession {
        try subject.parameters.validate()
        guard duration > 0 else { throw SimulationError.invalidParameter(field: "duration", reason: "must be positive") }
        guard !regimes.isEmpty else { throw SimulationError.invalidParameter(field: "states", reason: "none given") }
        let p = subject.parameters
        let n = p.roundedNeuronCount, nE = p.excitatoryCount, nI = n - nE
        let schedule = SessionSchedule.make(regimes: regimes, duration: duration, settings: subject.settings(for:),
                                            shuffleSeed: shuffle ? StreamSeed.simulator([sessionSeed, 7]) : nil)

        // Subject-level realisation: network, leak heterogeneity, array, sampled units and waveforms.
        var srng = Xoshiro256StarStar(seed: StreamSeed.simulator([subject.seed, 11]))
        let conn = Connectivity(neuronCount: n, excitatoryCount: nE, probability: p.connectionProbability,
                                seed: StreamSeed.simulator([subject.seed, 12]))
        let leak = (0..<n).map { i in
            (i < nE ? p.leakReversalE : p.leakReversalI) + p.leakReversalSpread * srng.normal()
        }
        let array = ArrayLayout()
        let sites = array.count
        let siteOf = (0..<n).map { i in i < nE ? Int32(srng.int(below: sites)) : Int32(srng.int(below: sites)) }
        let kE = min(subject.recordedE, nE), kI = min(subject.recordedI, nI)
        var ePool = Array(0..<nE), iPool = Array(nE..<n)
        srng.shuffle(&ePool); srng.shuffle(&iPool)
        var sampled = Array(ePool.prefix(kE)) + Array(iPool.prefix(kI))
        // Order units along the array so the class cannot be read from the unit order.
        sampled.sort { (siteOf[$0], $0) < (siteOf[$1], $1) }
        let waveforms = sampled.map { WaveformTemplates.waveform(excitatory: $0 < nE, rng: &srng) }

        let probe = ProbeLayout(sampledNeurons: sampled, siteOfNeuron: siteOf, siteCount: sites,
                                channelKernel: lfp ? array.lfpKernel() : [], lfpScale: 0.05)
        let network = SpikingNetwork(parameters: p, leakReversal: leak, connectivity: conn,
                                     seed: StreamSeed.simulator([subject.seed, sessionSeed, 13]))
        var out = network.run(schedule: schedule, probe: probe)

        // Units.
        var units: [Unit] = []
        for (u, neuron) in sampled.enumerated() {
            let isE = neuron < nE
            let site = Int(siteOf[neuron])
            let pos = array.positions[site]
            units.append(Unit(id: Int64(u), cellClass: isE ? .excitatory : .inhibitory,
                              labelSource: .inputColumn("gt_class"), rawLabel: isE ? "E" : "I",
                              waveform: Waveform(peakChannel: waveforms[u], samplingRate: WaveformTemplates.samplingRate),
                              electrode: site, position: SIMD3(pos.x, pos.y, 0),
                              extra: ["network_neuron": .number(Double(neuron))]))
        }
        var signals: [SignalSeries] = []
        if lfp && out.lfpChannels > 0 {
            finishLFP(&out.lfp, channels: out.lfpChannels, seed: StreamSeed.simulator([subject.seed, sessionSeed, 14]))
            let ticks = out.lfp.count / out.lfpChannels
            signals.append(SignalSeries(name: "LFP", sampleCount: ticks, channelCount: out.lfpChannels, rate: 1000,
                                        conversion: 1e-6, unit: "volts", electrodes: Array(0..<out.lfpChannels),
                                        storage: .memory(out.lfp)))
        }
        let epochs = schedule.map { StateEpoch(start: $0.start, stop: $0.stop, state: $0.regime.rawValue) }
        let recording = Recording(subject: subject.id, session: session, units: units,
                                  spikes: SpikeTrains(trains: out.unitSpikes), electrodes: array.electrodes(),
                                  signals: signals, epochs: epochs)
        return SimulatedSession(recording: recording, schedule: schedule, populationCountsE: out.populationCountsE,
                                populationCountsI: out.populationCountsI, excitatoryCount: nE, inhibitoryCount: nI,
                                neuronUpdates: out.neuronUpdates)
    }

    /// Removes each channel's mean and adds 3 µV of approximately normal recording noise (Irwin–Hall, 4 uniforms).
    static func finishLFP(_ lfp: inout [Float], channels: Int, seed: UInt64) {
        let ticks = lfp.count / channels
        guard ticks > 0 else { return }
        var mean = [Double](repeating: 0, count: channels)
        for t in 0..<ticks { for c in 0..<channels { mean[c] += Double(lfp[t * channels + c]) } }
        for c in 0..<channels { mean[c] /= Double(ticks) }
        var rng = Xoshiro256StarStar(seed: seed)
        let scale = 3.0 * 3.0.squareRoot()
        for t in 0..<ticks {
            for c in 0..<channels {
                let noise = (rng.uniform() + rng.uniform() + rng.uniform() + rng.uniform() - 2) * scale
                lfp[t * channels + c] = Float(Double(lfp[t * channels + c]) - mean[c] + noise)
            }
        }
    }
}
