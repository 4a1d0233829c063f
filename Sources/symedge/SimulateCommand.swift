import ArgumentParser

struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Simulate a balanced spiking network cohort and write it as NWB files.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        throw ValidationError("'simulate' is not implemented yet")
    }
}
