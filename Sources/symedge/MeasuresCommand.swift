import Analysis
import ArgumentParser

struct MeasuresCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "measures",
        abstract: "List every measure name of the output tables, with its docs/methods.md section, units and meaning.",
        discussion: """
        The names are those of the `measure` column of measures.csv, order_parameters.csv, \
        family_measures.csv, surrogates_secondary.csv and missing.csv. `--markdown` prints docs/measures.md.
        """)

    @Flag(name: .long, help: "Tab-separated list: measure, table, family, section, units, doc (the default).")
    var list = false

    @Flag(name: .long, help: "The Markdown of docs/measures.md.")
    var markdown = false

    func validate() throws {
        if list && markdown { throw ValidationError("--list and --markdown exclude each other") }
    }

    func run() throws {
        print(markdown ? MeasureCatalog.markdown() : MeasureCatalog.tabSeparated(), terminator: "")
    }
}
