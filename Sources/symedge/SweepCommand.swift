import ArgumentParser

struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run a cohort job over MPI ranks, resuming finished shards.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        throw ValidationError("'sweep' is not implemented yet")
    }
}
