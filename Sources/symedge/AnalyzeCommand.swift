import Analysis
import ArgumentParser
import Batch
import Foundation
import Logging
import Recordings

struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Compute the multiscale E/I balance measures of one recording.",
        discussion: """
        Reads FILE (an NWB file, or a plain-text folder with spikes.csv, units.csv and \
        states.csv) and, for each state, computes the per-scale measures of docs/methods.md §3 \
        at Δt_s = exp(0.3(s−1)) ms, their surrogate mean, sd and z (§5), the order \
        parameters and the balance-symmetry verdict (§4).

        Files written into DIR:
          measures.csv             per-scale measures and glcm_* features
          order_parameters.csv     8 order parameters + balance_symmetry (1/0)
          verdicts.csv             which invariance broke, with its evidence
          missing.csv              every empty field and the reason
          surrogates_secondary.csv statistics against the second surrogate kind
          curves/                  collapse, partition and E–I xcorr (vs lag) curves per scale;
                                   surrogate collapse reference (mean, sd; ≤ 8 surrogates)
          series/                  E and I series at ≈67 ms, 299 ms, 1.3 s, 6 s
          family_measures.csv      docs/methods.md §6–9 families, with --families
          family_curves.csv        avalanche size/duration counts, rho(d), S(t) (--families)
          provenance.json          input SHA-256, parameters, version, host, time

        The first surrogate kind fills surrogate_mean, surrogate_sd and z of the \
        main tables, and of family_measures.csv for spatial, avalanches and seizure \
        (per-unit spike surrogates; lfp has none). A file without state epochs is analysed as one pseudo-state \
        `all` spanning its first to its last spike. The same input, options and \
        seed give byte-identical CSV files.
        """)

    @Argument(help: ArgumentHelp("The recording: an .nwb file or a plain-text folder.", valueName: "FILE"))
    var file: String

    @Option(name: .long, help: ArgumentHelp("Output folder (created if needed; files in it are replaced).",
                                            valueName: "DIR"))
    var out: String

    @Option(name: .long, help: ArgumentHelp(
        "Comma-separated states to analyse, e.g. wake,nrem_deep (default: every state in the file).",
        valueName: "LIST"))
    var states: String?

    @Option(name: .long, help: "Number of time scales s = 1…N, Δt_s = exp(0.3(s−1)) ms (docs/methods.md §2).")
    var scales: Int = AnalysisParameters().scaleCount

    @Option(name: .long, help: "Surrogates per kind (docs/methods.md §5); 0 = none (z left empty).")
    var surrogates: Int = AnalysisParameters().surrogateCount

    @Option(name: .long, help: "Surrogate kinds, comma-separated; the first fills the main tables. Kinds: \(SurrogateKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var surrogateKinds = CommaList(AnalysisParameters().surrogateKinds)

    @Option(name: .long, help: "Master seed of every random stream.")
    var seed: UInt64 = AnalysisParameters().seed

    @Option(name: .long, help: ArgumentHelp(
        "Units-table column with the E/I labels (default: cell_class, cell_type, gt_class, putative_cell_type).",
        valueName: "NAME"))
    var classColumn: String?

    @Option(name: .long, help: ArgumentHelp(
        "TimeIntervals table holding the states (NWB; default: every table with a 'state' column, else the tags of /intervals/epochs).",
        valueName: "NAME"))
    var stateTable: String?

    @Option(name: .long, help: ArgumentHelp("Column of the state table holding the state label (default: state, else tags).",
                                            valueName: "NAME"))
    var stateColumn: String?

    @Flag(name: .long, help: "Never take states from /intervals/epochs (e.g. overlapping stimulus or trial epochs); without another state table the file is analysed as the pseudo-state 'all'.")
    var ignoreEpochs = false

    @Option(name: .long, help: ArgumentHelp(
        "HDF5 path of the Units table when the file has several (default: /units, else the only Units table).",
        valueName: "PATH"))
    var unitsPath: String?

    @Option(name: .long, help: ArgumentHelp(
        "Also compute these docs/methods.md §6–9 families into family_measures.csv: comma-separated from \(MeasureFamily.allCases.map(\.rawValue).joined(separator: ", ")), or all (default: none).",
        valueName: "LIST"))
    var families: CommaList<MeasureFamily>?

    @Option(name: .long, help: ArgumentHelp(
        "YAML/JSON mapping of docs/methods.md §6–9 parameters for --families, with the keys of a job file's family_parameters: (e.g. channels: [0, 8], spatial_bins_ms: [100]); recorded in provenance.json.",
        valueName: "FILE"))
    var familyParameters: String?

    @Option(name: .long, help: ArgumentHelp(
        "Threads computing members (observed data and surrogates) in parallel; 0 = every core (default). Tables do not depend on it; recorded in provenance.json.",
        valueName: "N"))
    var threads: Int = 0

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard (1...64).contains(scales) else { throw ValidationError("--scales must be between 1 and 64, got \(scales)") }
        guard threads >= 0 else { throw ValidationError("--threads must be 0 (every core) or more, got \(threads)") }
        guard surrogates >= 0 else { throw ValidationError("--surrogates must be 0 or more, got \(surrogates)") }
    }

    /// The reading choices of issue 18 that differ from the defaults, for provenance.json.
    var readOptionsProvenance: [String: String] {
        var o: [String: String] = [:]
        if let stateTable { o["state_table"] = stateTable }
        if let stateColumn { o["state_column"] = stateColumn }
        if ignoreEpochs { o["ignore_epochs"] = "true" }
        if let unitsPath { o["units_path"] = unitsPath }
        return o
    }

    func run() throws {
        let log = global.makeLogger()
        let started = Date()
        var parameters = AnalysisParameters()
        parameters.scaleCount = scales
        parameters.surrogateCount = surrogates
        parameters.surrogateKinds = surrogateKinds.values
        parameters.seed = seed

        log.info("reading \(file)")
        let read = try RecordingReader.read(file, options: ReadOptions(
            classColumn: classColumn, stateTable: stateTable, stateColumn: stateColumn, ignoreEpochs: ignoreEpochs,
            unitsPath: unitsPath))
        for w in read.warnings { log.warning("\(file): \(w)") }
        let nE = read.unitIndices(of: .excitatory).count, nI = read.unitIndices(of: .inhibitory).count
        log.info("\(read.subject)/\(read.session): \(read.units.count) units (\(nE) E, \(nI) I), states: \(read.states.joined(separator: ", "))")
        try read.checkBalanceInput()
        let (recording, pseudo) = StatePipeline.withPseudoState(read)
        if pseudo {
            log.notice("\(file) has no state epochs: analysing one pseudo-state '\(StatePipeline.pseudoState)' over [\(read.timeSpan.lowerBound), \(read.timeSpan.upperBound)] s")
        }
        let (chosen, skipped) = try StateSelection.choose(
            requested: states.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } },
            available: recording.states, file: file)
        for s in skipped { log.warning("\(file): state \(s) has no usable epochs; skipped") }

        let families = self.families?.values ?? []
        var familyParameters = try self.familyParameters.map { try FamilyParameterKeys.read(file: $0) }
            ?? FamilyParameters()
        familyParameters.seed = seed
        let request = RecordingAnalysisRequest(recording: recording, states: chosen, parameters: parameters,
                                               families: families, familyParameters: familyParameters,
                                               threads: ParallelMembers.resolve(threads))
        let products = RecordingProducts(StatePipeline.analyze(request) { log.pipeline($0) })

        let hash = try ContentHash.sha256(file: file)
        let finished = Date()
        let provenance = Provenance(
            input: .init(path: file, sha256: hash, subject: recording.subject,
                         session: recording.session, unitsE: nE, unitsI: nI,
                         unitsUnclassified: recording.units.count - nE - nI),
            parameters: parameters, states: chosen, pseudoStateAll: pseudo, classColumn: classColumn,
            options: StatePipeline.provenanceOptions(request).merging(readOptionsProvenance) { a, _ in a },
            startedAt: started, finishedAt: finished, stateSeconds: products.stateSeconds,
            families: families.isEmpty ? nil : families, familyParameters: families.isEmpty ? nil : familyParameters)
        try AnalysisOutput.write(products.tables, curves: products.curves, series: products.series,
                                 provenance: provenance, writeSecondary: parameters.surrogateKinds.count > 1, to: out)
        log.info("wrote \(out) in \(String(format: "%.2f", finished.timeIntervalSince(started))) s")
        print(out)
        for v in products.tables.verdicts.sorted(by: { $0.state < $1.state }) {
            print("\(v.state)\t\(v.verdict.rawValue)\t\(v.failed)")
        }
        if !products.failures.isEmpty {
            throw AnalyzeFailure.statesFailed(failed: products.failures, total: chosen.count, out: out)
        }
    }
}

extension Logger {
    /// Logs a line of the analysis pipeline at its level.
    func pipeline(_ event: PipelineEvent) {
        switch event {
        case let .debug(m): debug("\(m)")
        case let .info(m): info("\(m)")
        case let .warning(m): warning("\(m)")
        case let .error(m): error("\(m)")
        }
    }
}
