import ArgumentParser
import Batch

struct RerunFailedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rerun-failed",
        abstract: "Run only the failed or missing shards of a sweep, then the reductions.",
        discussion: """
        Uses the job saved in OUT/job.json. Inputs are re-hashed, so a replaced input gets new shard keys and \
        only its shards run; finished shards of unchanged inputs are kept. Works under mpirun/srun like `sweep`. \
        Exit status as for `sweep`.
        """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The sweep output folder.") var out: String
    @Option(help: "Seconds between progress lines when stderr is not a terminal.") var progressInterval: Double = 30
    @Flag(help: "Submit only the failed or missing shard groups to Slurm as an array (--array=3,7,12), then the reduce job.")
    var slurm = false
    @Flag(help: "Take over the output folder's lock from a run that is gone (e.g. on a node that died).")
    var force = false
    @OptionGroup(title: "Slurm options (with --slurm)") var slurmArguments: SlurmArguments

    func run() throws {
        if slurm { return try SlurmCLI.rerunFailed(out: out, arguments: slurmArguments) }
        let folder = SweepFolder(out)
        let request = SweepDriver.Request(loadJob: { try folder.loadJob() }, output: folder.root,
                                          options: SweepOptions(progressInterval: progressInterval, stop: StopRequest.observing()),
                                          forceLock: force)
        try SweepRunCLI.run(request, global: global)
    }
}
