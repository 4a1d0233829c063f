import ArgumentParser
import Foundation
import Recordings

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Describe a recording (NWB file, plain-text folder) or every recording in a DANDI folder.",
        discussion: """
        Prints subject and session, duration, units per class (E, I, U), state epochs with the total time per \
        state, LFP/ECoG/EEG channels and rate, and the reader's warnings. A folder that is not itself a \
        plain-text recording (spikes.csv) is searched for recordings (DANDI layout sub-*/sub-*_ses-*_ecephys.nwb, \
        any *.nwb, plain-text folders). Exit status 1 when any recording fails to read.
        """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "An NWB file, a plain-text recording folder, or a dataset folder.")
    var path: String

    @Flag(help: "Print JSON (an object for one recording, an array for a folder).")
    var json = false

    @Option(help: "Units column holding E/I labels (default: cell_class, cell_type, gt_class, putative_cell_type).")
    var classColumn: String?

    @Option(help: "TimeIntervals table to take states from (default: any table with a 'state' column, else epochs tags).")
    var stateTable: String?

    @Option(help: "Column of --state-table holding the state label.")
    var stateColumn: String?

    @Flag(help: "Never take states from /intervals/epochs (e.g. overlapping stimulus or trial epochs).")
    var ignoreEpochs = false

    @Option(help: "HDF5 path of the Units table when the file has several (default: /units, else the only Units table).")
    var unitsPath: String?

    func run() throws {
        let logger = global.makeLogger("symedge.inspect")
        let options = ReadOptions(classColumn: classColumn, stateTable: stateTable, stateColumn: stateColumn,
                                  ignoreEpochs: ignoreEpochs, unitsPath: unitsPath)
        let paths = try DatasetDiscovery.recordingPaths(in: path)
        let single = paths == [path]
        if paths.isEmpty { logger.warning("no recordings found under \(path)") }
        var summaries: [RecordingSummary] = []
        var failures: [(String, String)] = []
        for p in paths {
            do {
                summaries.append(RecordingSummary(try RecordingReader.read(p, options: options)))
            } catch {
                logger.error("\(error)")
                failures.append((p, "\(error)"))
            }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            if single, let s = summaries.first {
                print(String(decoding: try encoder.encode(s), as: UTF8.self))
            } else if !single {
                print(String(decoding: try encoder.encode(summaries), as: UTF8.self))
            }
        } else {
            if !single { print("\(paths.count) recording\(paths.count == 1 ? "" : "s") under \(path)\n") }
            print(summaries.map { $0.text }.joined(separator: "\n\n"))
            for (p, e) in failures { print("\nrecording  \(p)\nerror      \(e)") }
        }
        if !failures.isEmpty { throw ExitCode(1) }
    }
}
