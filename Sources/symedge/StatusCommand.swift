import ArgumentParser

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show done, pending and failed shards of a sweep output folder.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        throw ValidationError("'status' is not implemented yet")
    }
}
