import ArgumentParser

struct SubmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Submit a cohort job to Slurm.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        throw ValidationError("'submit' is not implemented yet")
    }
}
