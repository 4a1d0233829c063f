import ArgumentParser
import Batch
import Foundation

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show done, pending and failed shards of a sweep output folder.",
        discussion: "A shard is done when its result file exists, failed when its last ledger entry is a failure, "
            + "pending otherwise. Jobs submitted with `symedge submit` are listed with their Slurm state (squeue; sacct when "
            + "accounting is on). Exit status 0 when every shard is done, 3 when some failed, 5 when some are pending, "
            + "4 when every shard is done but the tables are missing, incomplete or older than the shards (a reduction "
            + "that failed or did not run), 6 when `--verify` finds a bad shard file. A shard file whose size differs "
            + "from the ledger's record is reported as damaged (failed); `--verify` also checks every file's SHA-256, "
            + "decoding and key.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The sweep output folder.") var out: String
    @Flag(help: "Print JSON.") var json = false
    @Flag(help: "Also decode every shard file and list any that is not a complete result (exit status 6).")
    var verify = false

    func run() throws {
        _ = global.makeLogger()
        let folder = SweepFolder(out)
        let plan = try folder.loadPlan()
        var s = SweepStatus.compute(plan: plan, folder: folder, verify: verify)
        if verify {
            let known = Set((s.corrupt ?? []).compactMap { $0.split(separator: ":").first.map(String.init) })
            s.corrupt = (s.corrupt ?? []) + SweepStatus.verify(folder: folder).filter {
                !known.contains(String($0.split(separator: ":").first ?? ""))
            }
        }
        if json {
            let enc = JSONEncoder()
            enc.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            print(String(decoding: try enc.encode(s), as: UTF8.self))
        } else {
            print("\(folder.root): \(s.total) shards: \(s.done) done, \(s.pending) pending, \(s.failed.count) failed")
            if let per = s.perMeasure, per.count > 1 || per.keys.first != "balance" {
                // Each family's share of the sweep's computation (#15): compute seconds of its finished shards
                // (last `done` ledger entry each, as manifest.json `measureTimes`).
                let times = MeasureTime.of(plan: plan, entries: Ledger.readAll(in: folder))
                let total = times.values.reduce(0) { $0 + $1.seconds }
                for (name, c) in per.sorted(by: { $0.key < $1.key }) {
                    let share = times[name].map { t in
                        String(format: "; %.1f s compute, %.1f %% of the sweep's", t.seconds,
                               total > 0 ? 100 * t.seconds / total : 0)
                    } ?? ""
                    print("  \(name): \(c.total) shards: \(c.done) done, \(c.pending) pending, \(c.failed) failed\(share)")
                }
            }
            for f in s.failed { print("  failed: \(f.shard): \(f.file): \(f.message)") }
            for i in s.interrupted ?? [] { print("  interrupted: \(i.shard): \(i.message)") }
            if let t = s.tables { print(t == "complete" ? "tables: complete" : "tables: incomplete: \(t)") }
            if let c = s.corrupt {
                print(c.isEmpty ? "verify: every shard file is a complete result" : "verify: \(c.count) bad shard file(s)")
                for b in c { print("  bad: \(b)") }
            }
            for line in SlurmCLI.statusLines(out: folder.root) { print(line) }  // jobs from OUT/slurm/jobs.json
        }
        if let c = s.corrupt, !c.isEmpty { throw ExitCode(6) }
        if !s.failed.isEmpty { throw ExitCode(3) }
        if s.pending > 0 { throw ExitCode(5) }
        if s.tablesIncomplete { throw ExitCode(4) }
    }
}
