import ArgumentParser
import Batch
import Foundation

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show done, pending and failed shards of a sweep output folder.",
        discussion: "A shard is done when its result file exists, failed when its last ledger entry is a failure, "
            + "pending otherwise. Exit status 0 when every shard is done, 3 when some failed, 5 when some are pending.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The sweep output folder.") var out: String
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        _ = global.makeLogger()
        let folder = SweepFolder(out)
        let plan = try folder.loadPlan()
        let s = SweepStatus.compute(plan: plan, folder: folder)
        if json {
            let enc = JSONEncoder()
            enc.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            print(String(decoding: try enc.encode(s), as: UTF8.self))
        } else {
            print("\(folder.root): \(s.total) shards: \(s.done) done, \(s.pending) pending, \(s.failed.count) failed")
            for f in s.failed { print("  failed: \(f.shard): \(f.file): \(f.message)") }
        }
        if !s.failed.isEmpty { throw ExitCode(3) }
        if s.pending > 0 { throw ExitCode(5) }
    }
}
