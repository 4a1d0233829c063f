import ArgumentParser

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Print the shard plan of a cohort job spec.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        throw ValidationError("'plan' is not implemented yet")
    }
}
