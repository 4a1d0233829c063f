import ArgumentParser

struct ClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Classify units as E (regular spiking) or I (fast spiking) from waveforms.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        throw ValidationError("'classify' is not implemented yet")
    }
}
