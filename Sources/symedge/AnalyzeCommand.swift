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
    var surrogateKinds: String = AnalysisParameters().surrogateKinds.map(\.rawValue).joined(separator: ",")

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
    var families: String?

    @Option(name: .long, help: ArgumentHelp(
        "YAML/JSON mapping of docs/methods.md §6–9 parameters for --families, with the keys of a job file's family_parameters: (e.g. channels: [0, 8], spatial_bins_ms: [100]); recorded in provenance.json.",
        valueName: "FILE"))
    var familyParameters: String?

    @Option(name: .long, help: ArgumentHelp(
        "Threads computing members (observed data and surrogates) in parallel; 0 = every core (default). Tables do not depend on it; recorded in provenance.json.",
        valueName: "N"))
    var threads: Int = 0

    @OptionGroup var global: GlobalOptions

    func parsedFamilies() throws -> [MeasureFamily] {
        guard let families else { return [] }
        if families.trimmingCharacters(in: .whitespaces) == "all" { return MeasureFamily.allCases }
        return try families.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            .map { n in
                guard let f = MeasureFamily(rawValue: n) else {
                    throw ValidationError("--families: unknown family '\(n)'; known: "
                                          + MeasureFamily.allCases.map(\.rawValue).joined(separator: ", ") + ", all")
                }
                return f
            }
    }

    /// Scales at which the E and I series are written for the report (≈ 67 ms, 299 ms, 1.34 s, 6 s; docs/methods.md §2).
    static let seriesScales = [15, 20, 25, 30]
    /// Bins per written series file.
    static let seriesBins = 4096
    /// Members per `compute` call, so progress can be logged; values do not depend on it.
    static let memberBlock = 25

    func validate() throws {
        guard (1...64).contains(scales) else { throw ValidationError("--scales must be between 1 and 64, got \(scales)") }
        guard threads >= 0 else { throw ValidationError("--threads must be 0 (every core) or more, got \(threads)") }
        guard surrogates >= 0 else { throw ValidationError("--surrogates must be 0 or more, got \(surrogates)") }
        _ = try parsedKinds()
        _ = try parsedFamilies()
    }

    func parsedKinds() throws -> [SurrogateKind] {
        let names = surrogateKinds.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        return try names.map { n in
            guard let k = SurrogateKind(rawValue: n) else {
                throw ValidationError("--surrogate-kinds: unknown kind '\(n)'; known: "
                                      + SurrogateKind.allCases.map(\.rawValue).joined(separator: ", "))
            }
            return k
        }
    }

    /// Provenance options of the families: the surrogate kind and count behind family z, and which families
    /// have surrogates (empty without --families). Family wall times are logged, not recorded, so provenance
    /// stays a function of the inputs apart from its documented timing fields.
    func familyOptions(kind: SurrogateKind?, count: Int, families: [MeasureFamily]) -> [String: String] {
        guard !families.isEmpty else { return [:] }
        return ["family_surrogate_kind": kind?.rawValue ?? "",
                 "family_surrogates": "\(count)",
                 "family_surrogate_families": families.filter(FamilyAnalysis.supportsSurrogates).map(\.rawValue)
                    .joined(separator: ",")]
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
        parameters.surrogateKinds = try parsedKinds()
        parameters.seed = seed

        let threadCount = ParallelMembers.resolve(threads)
        log.info("reading \(file)")
        var recording = try RecordingReader.read(file, options: ReadOptions(
            classColumn: classColumn, stateTable: stateTable, stateColumn: stateColumn, ignoreEpochs: ignoreEpochs,
            unitsPath: unitsPath))
        for w in recording.warnings { log.warning("\(file): \(w)") }
        let nE = recording.unitIndices(of: .excitatory).count, nI = recording.unitIndices(of: .inhibitory).count
        log.info("\(recording.subject)/\(recording.session): \(recording.units.count) units (\(nE) E, \(nI) I), states: \(recording.states.joined(separator: ", "))")
        try recording.checkBalanceInput()

        // A file without epochs: one pseudo-state `all` from the first to just past the last spike.
        let pseudo = recording.epochs.isEmpty
        if pseudo {
            let span = recording.timeSpan
            recording.epochs = [StateEpoch(start: span.lowerBound, stop: span.upperBound.nextUp, state: "all")]
            log.notice("\(file) has no state epochs: analysing one pseudo-state 'all' over [\(span.lowerBound), \(span.upperBound)] s")
        }
        let available = recording.states
        let (chosen, skipped) = try StateSelection.choose(
            requested: states.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } },
            available: available, file: file)
        for s in skipped { log.warning("\(file): state \(s) has no usable epochs; skipped") }

        let recordingID = "\(recording.subject)/\(recording.session)"
        var members: [Member] = [.observed]
        for k in parameters.surrogateKinds { for i in 0..<parameters.surrogateCount { members.append(.surrogate(k, i)) } }

        let familyList = try parsedFamilies()
        var familyParameters = try self.familyParameters.map { try FamilyParameterKeys.read(file: $0) }
            ?? FamilyParameters()
        familyParameters.seed = seed
        let familyKind = parameters.surrogateKinds.first
        let familySurrogates = familyKind == nil ? 0 : parameters.surrogateCount
        var tables = TidyTables()
        var curves: [(state: String, curve: StateCurve)] = []
        var series: [SeriesTable] = []
        var stateSeconds: [String: Double] = [:]
        var failures: [String] = []
        for state in chosen {
            let t0 = Date()
            let epochs = recording.epochs(of: state)
            let duration = epochs.reduce(0) { $0 + $1.duration }
            log.info("state \(state): \(epochs.count) epoch(s), \(String(format: "%.1f", duration)) s; observed + \(members.count - 1) surrogates")
            do {
                var sets: [Member: MeasureSet] = [:]
                var done = 0
                while done < members.count {
                    let block = Array(members[done..<min(done + Self.memberBlock, members.count)])
                    let part = try StateAnalysis.compute(recording: recording, recordingID: recordingID, state: state,
                                                         members: block, parameters: parameters,
                                                         threads: threadCount)
                    sets.merge(part) { a, _ in a }
                    done += block.count
                    log.debug("state \(state): \(done)/\(members.count) members")
                }
                guard let observed = sets[.observed] else {
                    throw AnalysisError.notImplemented("compute returned no observed set for \(state)")
                }
                var surrogateSets = sets
                surrogateSets[.observed] = nil
                let summary = StateAnalysis.summarize(subject: recording.subject, session: recording.session,
                                                      state: state, observed: observed, surrogates: surrogateSets,
                                                      parameters: parameters,
                                                      seizureDeviationSD: familyList.contains(.seizure)
                                                          ? SeizureAnalysis.stateDeviationSD(recording: recording, state: state,
                                                                                             parameters: familyParameters)
                                                          : nil)
                let secondary = StateAnalysis.secondarySurrogates(subject: recording.subject,
                                                                  session: recording.session, state: state,
                                                                  observed: observed, surrogates: surrogateSets,
                                                                  parameters: parameters)
                tables.append(summary, secondary: secondary)
                do {
                    for c in try StateAnalysis.curves(recording: recording, state: state, parameters: parameters) {
                        curves.append((state, c))
                    }
                    // Surrogate collapse reference (§3.4): the first ≤ 8 circular-shift surrogates, all scales pooled.
                    for c in try StateAnalysis.collapseSurrogateReference(
                        recording: recording, recordingID: recordingID, state: state, parameters: parameters,
                        count: min(8, parameters.surrogateCount)) {
                        curves.append((state, c))
                    }
                } catch {
                    log.warning("state \(state): curves not written: \(error)")
                }
                for s in Self.seriesScales where s <= parameters.scaleCount {
                    do {
                        let r = try StateAnalysis.ensembleSeries(recording: recording, state: state, scaleIndex: s)
                        series.append(SeriesTable(state: state, scaleIndex: s, e: Array(r.e.prefix(Self.seriesBins)),
                                                  i: Array(r.i.prefix(Self.seriesBins))))
                    } catch {
                        log.warning("state \(state): series at scale \(s) not written: \(error)")
                        break
                    }
                }
                let v = summary.verdict
                let verdict = v.failed.isEmpty ? v.verdict.rawValue : "\(v.verdict.rawValue): \(v.failed)"
                log.info("state \(state) done in \(String(format: "%.2f", Date().timeIntervalSince(t0))) s: \(verdict)")
            } catch {
                log.error("state \(state): \(error)")
                failures.append("\(state): \(error)")
                tables.missing.append(MissingRow(subject: recording.subject, session: recording.session, state: state,
                                                 scaleIndex: nil, measure: "state_analysis",
                                                 reason: "analysis failed: \(error)"))
            }
            for family in familyList {
                do {
                    let tf = Date()
                    let observed = try FamilyAnalysis.run(family: family, recording: recording,
                                                          recordingID: recordingID, state: state, member: .observed,
                                                          parameters: familyParameters)
                    var surrogateResults: [FamilyResult] = []
                    if let kind = familyKind, FamilyAnalysis.supportsSurrogates(family) {
                        // Spike-only families in parallel (results in member order); the others read LFP via HDF5.
                        let parallel = family == .avalanches || family == .spatial
                        let (rec, fp) = (recording, familyParameters)
                        surrogateResults = try ParallelMembers.map(count: familySurrogates,
                                                                   threads: parallel ? threadCount : 1,
                                                                   makeState: {}) { _, i in
                            try FamilyAnalysis.run(family: family, recording: rec, recordingID: recordingID,
                                                   state: state, member: .surrogate(kind, i), parameters: fp)
                        }
                    }
                    let f = FamilyAnalysis.score(observed: observed, surrogates: surrogateResults,
                                                 kind: familyKind ?? .circularShift)
                    tables.append(f)
                    let dt = Date().timeIntervalSince(tf)
                    log.info("state \(state): family \(family.rawValue): \(f.rows.count) values, \(f.missing.count) missing, \(f.curves.count) curve points, \(surrogateResults.count) surrogates, \(String(format: "%.2f", dt)) s")
                } catch {
                    log.error("state \(state): family \(family.rawValue): \(error)")
                    failures.append("\(state) \(family.rawValue): \(error)")
                    tables.missing.append(MissingRow(subject: recording.subject, session: recording.session, state: state,
                                                     scaleIndex: nil, measure: "family_\(family.rawValue)",
                                                     reason: "family analysis failed: \(error)"))
                }
            }
            stateSeconds[state] = Date().timeIntervalSince(t0)
        }

        let hash = try ContentHash.sha256(file: file)
        let finished = Date()
        let provenance = Provenance(
            input: .init(path: file, sha256: hash, subject: recording.subject, session: recording.session, unitsE: nE,
                         unitsI: nI, unitsUnclassified: recording.units.count - nE - nI),
            parameters: parameters, states: chosen, pseudoStateAll: pseudo, classColumn: classColumn,
            options: familyOptions(kind: familyKind, count: familySurrogates, families: familyList).merging(
                ["series_scales": Self.seriesScales.map(String.init).joined(separator: ","),
                 "series_max_bins": "\(Self.seriesBins)", "threads": "\(threadCount)"]) { a, _ in a }.merging(readOptionsProvenance) { a, _ in a },
            startedAt: started, finishedAt: finished, stateSeconds: stateSeconds,
            families: familyList.isEmpty ? nil : familyList, familyParameters: familyList.isEmpty ? nil : familyParameters)
        try AnalysisOutput.write(tables, curves: curves, series: series, provenance: provenance,
                                 writeSecondary: parameters.surrogateKinds.count > 1, to: out)
        log.info("wrote \(out) in \(String(format: "%.2f", finished.timeIntervalSince(started))) s")
        print(out)
        for v in tables.verdicts.sorted(by: { $0.state < $1.state }) {
            print("\(v.state)\t\(v.verdict.rawValue)\t\(v.failed)")
        }
        if !failures.isEmpty {
            throw AnalyzeFailure.statesFailed(failed: failures, total: chosen.count, out: out)
        }
    }
}
