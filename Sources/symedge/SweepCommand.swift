import ArgumentParser
import Analysis
import Batch
import MPI
#if canImport(Glibc)
import Glibc
#endif

struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run a cohort job over MPI ranks, resuming finished shards.",
        discussion: """
        Run under `mpirun -np N symedge sweep JOB.yaml`, `srun --mpi=pmix symedge sweep JOB.yaml`, or alone. \
        Rank 0 plans, hands out shards largest first and writes each result atomically to OUT/shards/ and \
        to OUT/ledger.jsonl; then it reduces them into OUT/tables/ (the tables of `symedge analyze` for all \
        recordings, per-recording tables under tables/recordings/, and cohort_statistics.csv; with docs/methods.md \
        §6–9 families in `measures:`, also family_measures.csv and family_curves.csv, LFP channels and \
        spatial pair blocks sharded across ranks) and writes OUT/manifest.json. Rerunning on the same OUT \
        skips shards that are done.

        Slurm arrays: `--group K` runs only group K's shards (groups are listed by `symedge plan`; no \
        reduction, ledger OUT/ledger.group-K.jsonl); a dependent job runs `--reduce-only` to build the \
        tables from the shard files. These two flags are a stable interface.

        Exit status: 0 all shards done and reduced; 3 some shards failed (see `symedge status OUT`, fix, \
        then `symedge rerun-failed OUT`; a failed family shard leaves out only that recording×state×family's \
        rows); 4 tables incomplete (shards missing); 75 stopped by SIGTERM, SIGINT or SIGUSR1 (run again to \
        resume; to stop through mpirun or srun, send SIGUSR1 to the launcher, which forwards it: a SIGTERM to \
        mpirun itself makes it exit 1 whatever the ranks return, one to srun kills the tasks at once); 1 other \
        errors, including a \
        fatal error on any rank (e.g. a full disk), which is logged once and ends every rank (MPI_Abort).

        A rank that dies (OOM killer, segfault): each rank writes OUT/inflight/<key>.<host>.<pid>.json for the \
        shard it computes and holds it locked; under srun or mpirun with several ranks, the launched process is \
        a rank guard whose child is the rank, and it writes the signal into that marker. Rank 0 records the shard \
        `crashed` with host and signal (if rank 0 died too, the next run does); `symedge status OUT` lists it, \
        and a rerun computes it again. SYMEDGE_RANK_GUARD=0 turns the guard off.
        """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The job spec (YAML).") var job: String
    @Option(help: "Output folder (overrides the job's `output`).") var out: String?
    @Option(help: "Run only the shards of Slurm array group K (0-based), without reductions.") var group: Int?
    @Flag(help: "Only run the reductions from the shard files already in the output folder.") var reduceOnly = false
    @Option(help: "Seconds between progress lines when stderr is not a terminal.") var progressInterval: Double = 30
    @Option(help: "Shards in flight per worker rank.") var prefetch: Int = 2
    @Option(help: ArgumentHelp("Seconds running shards may take to finish after SIGTERM/SIGINT (default 0.5 under mpirun, 20 otherwise; SIGUSR1 always lets them finish).", valueName: "seconds"))
    var stopGrace: Double?
    @Flag(help: "Take over the output folder's lock from a run that is gone (e.g. on a node that died).")
    var force = false
    @Flag(help: "Hash and read every input again instead of trusting OUT/input-cache.json (keyed by path, size, mtime and ctime).")
    var rehash = false
    @Option(help: "Whether rank 0 also computes shards: auto (up to 16 ranks), yes, no.")
    var coordinatorComputes: String = "auto"
    @Option(help: ArgumentHelp("Threads per rank computing a balance shard's members in parallel; 0 = every core, for one rank per machine (default 1: one rank per core). Tables do not depend on it.", valueName: "N"))
    var threads: Int = 1

    func validate() throws {
        if reduceOnly && group != nil { throw ValidationError("--reduce-only and --group exclude each other") }
        if let g = group, g < 0 { throw ValidationError("--group must be ≥ 0") }
        if !["auto", "yes", "no"].contains(coordinatorComputes) {
            throw ValidationError("--coordinator-computes is auto, yes or no")
        }
        if progressInterval <= 0 { throw ValidationError("--progress-interval must be > 0") }
        if prefetch < 1 { throw ValidationError("--prefetch must be ≥ 1") }
        if threads < 0 { throw ValidationError("--threads must be ≥ 0 (0 = every core)") }
        if let g = stopGrace, !(g >= 0) { throw ValidationError("--stop-grace must be ≥ 0") }
    }

    func run() throws {
        let path = job
        let request = SweepDriver.Request(
            loadJob: { try JobSpec.load(path: path) }, output: out, group: group, reduceOnly: reduceOnly,
            options: SweepOptions(progressInterval: progressInterval,
                                  coordinatorComputes: coordinatorComputes == "auto" ? nil : coordinatorComputes == "yes",
                                  prefetch: prefetch, stop: StopRequest.observing(), stopGrace: stopGrace),
            forceLock: force)
        var req = request
        req.rehash = rehash
        try SweepRunCLI.run(req, global: global, threads: threads)
    }
}

/// Shared by `sweep` and `rerun-failed`: initialise MPI, run, print the outcome on rank 0, set the exit code.
enum SweepRunCLI {
    static func run(_ request: SweepDriver.Request, global: GlobalOptions, threads: Int = 1) throws {
        RankGuard.superviseIfNeeded()   // under srun/mpirun: a parent that records how this rank ends (#17)
        let log = global.makeLogger()
        let world = try MPIEnvironment.initialize(threadLevel: .funneled)
        let outcome: SweepDriver.Outcome?
        do {
            let t = ParallelMembers.resolve(threads)
            if t > 1 && world.rank == 0 { log.info("balance shards: \(t) threads per rank") }
            outcome = try SweepDriver.run(request, world: world, factory: AnalysisShardComputer.factory(threads: t),
                                          logger: log)
        } catch {
            if world.rank == 0 && !(error is SweepDriver.AlreadyReported) { log.error("\(error)") }
            throw ExitCode(1)
        }
        guard let o = outcome else { return }
        for l in o.lines { print(l) }
        if o.abortRanks { fflush(nil); world.abort(code: o.exitCode) }
        if o.exitCode != 0 { throw ExitCode(o.exitCode) }
    }
}
