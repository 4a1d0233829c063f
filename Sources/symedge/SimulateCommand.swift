import ArgumentParser
import Foundation
import Simulation

/// `symedge simulate`: a cohort of simulated sessions of the balanced E/I network, written as NWB (DANDI layout).
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Simulate a balanced spiking network cohort and write it as NWB files.",
        discussion: """
        Writes DIR/sub-<id>/sub-<id>_ses-<id>_ecephys.nwb. Each session passes through the chosen states \
        (wake, nrem_light, nrem_deep, rem, driven, preictal, ictal, postictal; the seizure states stay in that \
        order) as labelled epochs. Deterministic for a seed. Model and parameter sources: docs/simulator.md.
        """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "Number of subjects.") var subjects: Int = 4
    @Option(help: "Sessions per subject.") var sessions: Int = 2
    @Option(help: "Seconds per session.") var duration: Double = 600
    @Option(help: "Master seed.") var seed: UInt64 = 1
    @Option(help: "Output folder (created).") var out: String
    @Option(help: "Neurons in the network (80 % E, 20 % I).") var neurons: Int = 2000
    @Option(help: "Comma-separated states to include.")
    var states: String = SessionSchedule.canonicalOrder.map(\.rawValue).joined(separator: ",")
    @Option(help: "Integration time step, ms (must divide 1 ms).") var dt: Double = NetworkParameters().dt
    @Option(help: "Relative spread of subject parameters around the defaults (0 = identical subjects).")
    var subjectSpread: Double = 0.05
    @Flag(help: "Do not record the LFP proxy (smaller files).") var noLfp = false
    @Option(help: "Sessions simulated in parallel (default: all cores).") var threads: Int?

    func run() throws {
        let log = global.makeLogger()
        var parameters = NetworkParameters()
        parameters.neuronCount = neurons
        parameters.dt = dt
        let regimes = try states.split(separator: ",").map { try Regime.parse(String($0)) }
        let options = CohortOptions(subjects: subjects, sessions: sessions, duration: duration, seed: seed,
                                    outputDirectory: out, regimes: regimes, parameters: parameters,
                                    subjectSpread: subjectSpread, lfp: !noLfp, threads: threads)
        let t0 = Date()
        let reports = try CohortSimulator.run(options) { r in
            log.info("simulated sub-\(r.subject) ses-\(r.session) in \(String(format: "%.1f", r.simulationSeconds)) s (\(r.states.joined(separator: " → ")))")
        }
        let wall = Date().timeIntervalSince(t0)
        let updates = reports.reduce(0) { $0 + $1.neuronUpdates }
        print("subject\tsession\tstate\tseconds\trate_E_Hz\trate_I_Hz\tcv_isi_E\tsilent_frac\tsynchrony\tcorr_EI\tfile")
        for r in reports {
            for s in r.statistics {
                let cols = [s.duration, s.rateE, s.rateI, s.medianCVE, s.silentFraction, s.synchrony, s.correlationEI]
                    .map { String(format: "%.3f", $0) }
                print(([r.subject, r.session, s.state] + cols + [r.path ?? ""]).joined(separator: "\t"))
            }
        }
        log.info("\(reports.count) sessions, \(String(format: "%.3g", Double(updates))) neuron-updates in \(String(format: "%.1f", wall)) s wall (\(String(format: "%.3g", Double(updates) / wall)) updates/s)")
    }
}
