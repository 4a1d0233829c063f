import ArgumentParser

struct RerunFailedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rerun-failed",
        abstract: "Run only the failed or missing shards of a sweep, then the reductions.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        throw ValidationError("'rerun-failed' is not implemented yet")
    }
}
