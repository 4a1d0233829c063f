import ArgumentParser
import Foundation
import MPI
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

        Under `mpirun -np N` (or srun) the sessions are split across the ranks (session j, counted subject by \
        subject, on rank j mod N); each rank runs its sessions on its share of the node's cores, and rank 0 \
        prints the statistics table. The files are byte-identical to a single-process run.
        """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "Number of subjects.") var subjects: Int = 4
    @Option(help: "Sessions per subject.") var sessions: Int = 2
    @Option(help: "Seconds per session.") var duration: Double = 600
    @Option(help: "Master seed.") var seed: UInt64 = 1
    @Option(help: "Output folder (created).") var out: String
    @Option(help: "Neurons in the network (80 % E, 20 % I).") var neurons: Int = 2000
    @Option(help: "Comma-separated states to include.")
    var states = CommaList(SessionSchedule.canonicalOrder)
    @Option(help: "Integration time step, ms (must divide 1 ms).") var dt: Double = NetworkParameters().dt
    @Option(help: "Relative spread of subject parameters around the defaults (0 = identical subjects).")
    var subjectSpread: Double = 0.05
    @Flag(help: "Do not record the LFP proxy (smaller files).") var noLfp = false
    @Option(help: "Sessions simulated in parallel per process (default: the cores of the node, shared by its ranks).")
    var threads: Int?
    @Option(help: ArgumentHelp("JSON file overriding network parameters and regime settings, e.g. "
                               + "{\"network\": {\"weightI\": 70}, \"regimes\": {\"wake\": {\"externalRateI\": 400}}} "
                               + "(keys: docs/simulator.md).", valueName: "FILE"))
    var parameters: String?

    func run() throws {
        let log = global.makeLogger()
        let world = try MPIEnvironment.initialize(threadLevel: .funneled)
        var network = NetworkParameters()
        network.neuronCount = neurons
        network.dt = dt
        var settings = RegimeSettings.allDefaults
        if let file = parameters {
            let data = try Data(contentsOf: URL(fileURLWithPath: file))
            try ParameterOverrides.apply(json: data, source: file, network: &network, regimes: &settings)
        }
        let regimes = states.values
        var options = CohortOptions(subjects: subjects, sessions: sessions, duration: duration, seed: seed,
                                    outputDirectory: out, regimes: regimes, parameters: network,
                                    subjectSpread: subjectSpread, lfp: !noLfp,
                                    threads: threads ?? Self.threadsPerRank(worldSize: world.size),
                                    regimeSettings: settings)
        options.partition = (world.rank, world.size)
        let t0 = Date()
        var local: [SessionReport] = []
        var failure: String? = nil
        do {
            local = try CohortSimulator.run(options) { r in
                log.info("simulated sub-\(r.subject) ses-\(r.session) in \(String(format: "%.1f", r.simulationSeconds)) s (\(r.states.joined(separator: " → ")))\(world.size > 1 ? " on rank \(world.rank)" : "")")
            }
        } catch {
            failure = "\(error)"
            log.error("\(world.size > 1 ? "rank \(world.rank): " : "")\(error)")
        }
        // Every rank's reports to rank 0, which prints them in session order.
        let gathered = try world.gather(codable: local)
        let failures = try world.count(failure != nil)
        let reports = world.size > 1 ? gathered.sorted { $0.job < $1.job } : gathered
        if failures > 0 {
            if world.isRoot && failure == nil { log.error("\(failures) rank(s) failed; see their messages above") }
            throw ExitCode(1)
        }
        guard world.isRoot else { return }
        let wall = Date().timeIntervalSince(t0)
        let updates = reports.reduce(0) { $0 + $1.neuronUpdates }
        // Last log line first, then the whole table in one write, so stderr lines never land inside it (issue 18).
        log.info("\(reports.count) sessions on \(world.size) rank(s), \(String(format: "%.3g", Double(updates))) neuron-updates in \(String(format: "%.1f", wall)) s wall (\(String(format: "%.3g", Double(updates) / wall)) updates/s)")
        var table = "subject\tsession\tstate\tseconds\trate_E_Hz\trate_I_Hz\tcv_isi_E\tsilent_frac\tsynchrony\tcorr_EI\tfile\n"
        for r in reports {
            for s in r.statistics {
                let cols = [s.duration, s.rateE, s.rateI, s.medianCVE, s.silentFraction, s.synchrony, s.correlationEI]
                    .map { String(format: "%.3f", $0) }
                table += ([r.subject, r.session, s.state] + cols + [r.path ?? ""]).joined(separator: "\t") + "\n"
            }
        }
        FileHandle.standardOutput.write(Data(table.utf8))
    }

    /// Threads per rank when not given: the node's cores divided among the ranks on the node
    /// (Open MPI's `OMPI_COMM_WORLD_LOCAL_SIZE`, Slurm's `SLURM_NTASKS_PER_NODE`), nil (all cores) when alone.
    static func threadsPerRank(worldSize: Int) -> Int? {
        guard worldSize > 1 else { return nil }
        let env = ProcessInfo.processInfo.environment
        let local = Int(env["OMPI_COMM_WORLD_LOCAL_SIZE"] ?? "") ?? Int(env["SLURM_NTASKS_PER_NODE"] ?? "") ?? worldSize
        return max(1, ProcessInfo.processInfo.activeProcessorCount / max(1, local))
    }
}
