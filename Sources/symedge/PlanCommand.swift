import ArgumentParser
import Batch
import Foundation

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Print the shard plan of a cohort job spec.",
        discussion: """
        Reads JOB.yaml, finds and hashes the recordings, and prints one row per shard: recording, state, \
        family (balance, or a docs/methods.md §6–9 family), part (a block of LFP channels `ch0-31`, a block of unit \
        pairs `pairs0-63x64-99`, or `all`), member block (observed, or a block of surrogates of one kind), the \
        scale band, the estimated CPU time on one core (the cost — spikes × scales × members, families in the same \
        units — at a rate calibrated on the previous run in the output folder when it has finished shards, else at \
        the built-in rate measured on this project's machine) and the shard \
        key (SHA-256 of input content, state, family, part, block, parameters and program version), then the \
        totals and the shard count per family. Every balance shard computes all scales, because the §3.7 \
        textures and the §4 order parameters couple them. Groups are the Slurm array tasks of `sweep --group K`.
        """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The job spec (YAML).") var job: String
    @Option(help: "Output folder (overrides the job's `output`); its input cache is used when it exists.")
    var out: String?
    @Flag(help: "Print the plan as JSON.") var json = false
    @Flag(help: """
        Create the output folder and save job.json, plan.json and input-cache.json in it, so that Slurm array         tasks (`sweep --group K`) find every input already hashed.
        """)
    var save = false

    func run() throws {
        _ = global.makeLogger()
        var spec = try JobSpec.load(path: job)
        if let o = out { spec.output = URL(fileURLWithPath: o).standardizedFileURL.path }
        let folder = SweepFolder(spec.output)
        if save { try folder.create(); try folder.saveJob(spec) }
        let cache = FileManager.default.fileExists(atPath: spec.output) ? spec.output : nil
        let plan = try Planner(job: spec, cacheFolder: cache).plan()
        // CPU time: calibrated on a previous run in the output folder when there is one (issue 18 item 9).
        let existing = FileManager.default.fileExists(atPath: folder.planPath)
        let report = PlanReport(plan: plan, calibration: (existing ? CostCalibration.fromLedger(folder) : nil) ?? .builtIn,
                                done: existing ? CostCalibration.doneKeys(folder) : [])
        if save { try folder.savePlan(plan) }
        print(json ? try report.json() : report.text())
    }
}
