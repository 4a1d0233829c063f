import ArgumentParser
import Report

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a self-contained HTML report of a sweep or analyze output folder.",
        discussion: """
        Reads the tables in OUT — a sweep folder (OUT/tables/*.csv, OUT/manifest.json) or an `analyze` \
        folder (OUT/measures.csv, order_parameters.csv, verdicts.csv, missing.csv, curves/, series/, \
        provenance.json) — and writes OUT/report.html: one file with inline SVG figures and no scripts or \
        network access. Figures appear where the tables have data: verdict table, order parameters by state \
        with cohort bootstrap CIs and per-subject points, E–I correlation, variance scaling, cross-correlation, \
        distribution similarity, Gini and co-occurrence features across scales, and per state the ensemble \
        series, E–I joint density, collapse curves with the normal and surrogate references, partition curves \
        and cross-correlation against lag (for a sweep, those of the first recording with the state, from \
        OUT/tables/recordings/*/curves/ and series/). The report reads only these files and the manifest; it \
        never opens a recording. With family_measures.csv / family_curves.csv (`analyze --families`, or a sweep's \
        tables/): S(t) around seizures, spatial correlation against distance, avalanche size distributions with \
        the fitted power law, and for a sweep the wall time per family from the manifest. Prints the report's path.
        """)

    @Argument(help: ArgumentHelp("The output folder of `symedge sweep` or `symedge analyze`.", valueName: "OUT"))
    var out: String

    @Option(name: .long, help: "Title at the top of the report.")
    var title: String?

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let log = global.makeLogger()
        log.info("reading \(out)")
        let path = try HTMLReport.write(folder: out, title: title)
        log.info("wrote \(path)")
        print(path)
    }
}
