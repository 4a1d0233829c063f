import ArgumentParser
import Foundation
import Scheduler

extension SubmitMode: ExpressibleByArgument {}

/// Slurm options shared by `submit` and `rerun-failed --slurm`.
struct SlurmArguments: ParsableArguments {
    @Option(help: "Slurm partition(s), comma-separated.") var partition: String?
    @Option(help: "Time limit per job (minutes, HH:MM:SS, D-HH:MM:SS).") var time: String?
    @Option(help: "Memory per node, e.g. 4G.") var mem: String?
    @Option(help: "Slurm account to charge.") var account: String?
    @Option(help: "Quality of service.") var qos: String?
    @Option(help: "Nodes per job (mpi mode; array tasks use 1 unless given).") var nodes: Int?
    @Option(help: "MPI ranks: of the allocation (mpi mode, default 2) or per array task (default 1).") var ntasks: Int?
    @Option(help: "At most this many array tasks at once (--array=…%K).") var arrayParallelism: Int?
    @Option(help: "Seconds before the time limit at which the job stops its sweep and requeues itself (default 300, or a quarter of a shorter limit).")
    var warnBefore: Int?
    @Option(help: "How often a job may requeue itself after a time-limit warning.") var maxRequeues: Int = 3
    @Option(help: "srun --mpi plugin.") var srunMpi: String = "pmix"
    @Option(help: "The symedge executable the jobs run (default: this one).") var symedge: String?
    @Option(help: "Folder with the Slurm templates (default: found next to symedge, or $SYMEDGE_SLURM_TEMPLATES).")
    var templates: String?
    @Flag(help: "Write and show the scripts, do not submit.") var dryRun = false

    func options() throws -> SlurmOptions {
        try SlurmOptions(partition: partition, account: account, qos: qos, time: time, mem: mem, nodes: nodes,
                         ntasks: ntasks, arrayParallelism: arrayParallelism, warnSeconds: warnBefore,
                         maxRequeues: maxRequeues, srunMPI: srunMpi)
    }

    /// Renders, writes, shows and (unless --dry-run) submits; prints job ids and watch commands.
    func submit(mode: SubmitMode, prepared: SweepSubmission.Prepared, origin: String) throws {
        let submitter = SlurmSubmitter(renderer: ScriptRenderer(templates: try TemplateSet.locate(explicit: templates)))
        let plan = try submitter.plan(mode: mode, target: prepared.target, options: try options(),
                                      groups: prepared.groups, groupCount: prepared.groupCount, origin: origin)
        try submitter.write(plan)
        for s in plan.scripts {
            print("# ---- \(plan.slurmDirectory.appendingPathComponent(s.fileName).path)")
            print(s.text, terminator: s.text.hasSuffix("\n") ? "" : "\n")
        }
        let dir = ShellQuote.quote(plan.slurmDirectory.path)
        if dryRun {
            print("# dry run: nothing submitted. To submit by hand:")
            print("cd \(dir)")
            for c in plan.sbatchCommands { print(c) }
            return
        }
        let sub = try submitter.submit(plan, outDir: prepared.target.outDir)
        for j in sub.jobs {
            switch j.kind {
            case .array:
                print("submitted array job \(j.id): \(j.groups?.count ?? 0) of \(prepared.groupCount) shard groups (--array=\(j.array ?? ""))")
            case .reduce: print("submitted reduce job \(j.id) (--dependency=\(j.dependency ?? ""))")
            case .mpi: print("submitted mpi job \(j.id) (\(prepared.shardCount) shards)")
            }
        }
        let ids = sub.jobs.map(\.id).joined(separator: ",")
        print("watch:  squeue -j \(ids)")
        print("        symedge status \(ShellQuote.quote(prepared.target.outDir))")
        print("        ls \(dir)/logs")
    }
}

struct SubmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Submit a cohort job to Slurm.",
        discussion: """
        Renders an sbatch script from the Slurm templates into OUT/slurm, shows it and submits it with sbatch. \
        mpi mode: one allocation running `srun --mpi=pmix symedge sweep`. array mode: one array task per shard \
        group running `symedge sweep --group K`, then a reduce job (--dependency=afterany) running \
        `symedge sweep --reduce-only`. Jobs get SIGUSR1 before their time limit (--signal), stop the sweep and \
        requeue themselves; finished shards are kept. Submissions are recorded in OUT/slurm/jobs.json for \
        `symedge status` and `symedge rerun-failed OUT --slurm`.
        """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The job spec (YAML).") var job: String
    @Option(help: "Output folder (default: the job's `output`).") var out: String?
    @Option(help: "mpi or array.") var mode: SubmitMode = .array
    @OptionGroup var slurm: SlurmArguments

    func run() throws {
        _ = global.makeLogger()
        let prepared = try SweepSubmission.prepare(jobFile: job, output: out, symedge: slurm.symedge,
                                                     savePlan: !slurm.dryRun)
        try slurm.submit(mode: mode, prepared: prepared, origin: "submit")
    }
}

/// The Slurm parts of `rerun-failed --slurm` and `status`, kept here so those commands need one call each.
enum SlurmCLI {
    /// `symedge rerun-failed OUT --slurm`: an array of only the failed or missing shard groups, then the reduce job.
    static func rerunFailed(out: String, arguments: SlurmArguments) throws {
        let prepared = try SweepSubmission.prepareRerun(outDir: out, symedge: arguments.symedge)
        guard !prepared.groups.isEmpty else {
            print("every shard of \(prepared.target.outDir) is done; nothing to rerun "
                  + "(tables: symedge sweep \(ShellQuote.quote(prepared.target.jobSpec)) --out "
                  + "\(ShellQuote.quote(prepared.target.outDir)) --reduce-only)")
            return
        }
        try arguments.submit(mode: .array, prepared: prepared, origin: "rerun-failed")
    }

    /// Lines describing the Slurm jobs recorded in OUT/slurm/jobs.json (empty when none were submitted).
    static func statusLines(out: String) -> [String] {
        guard let record = try? JobsRecord.load(outDir: out), !record.allJobs.isEmpty else { return [] }
        do {
            let (jobs, usedSacct) = try SlurmStatusQuery().status(of: record)
            return SlurmStatusQuery.format(jobs, usedSacct: usedSacct)
        } catch {
            return ["Slurm jobs: cannot query Slurm: \(error)"]
        }
    }
}
