import ArgumentParser

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a self-contained HTML report of a sweep output folder.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        throw ValidationError("'report' is not implemented yet")
    }
}
