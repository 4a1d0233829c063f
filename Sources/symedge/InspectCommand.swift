import ArgumentParser

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Describe a recording (NWB file, plain-text folder) or every recording in a DANDI folder.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        throw ValidationError("'inspect' is not implemented yet")
    }
}
