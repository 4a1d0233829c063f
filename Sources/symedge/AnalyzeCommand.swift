import ArgumentParser

struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Compute the multiscale E/I balance measures of one recording.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        throw ValidationError("'analyze' is not implemented yet")
    }
}
