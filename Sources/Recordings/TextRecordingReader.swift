import Foundation

/// Reads the plain-text recording format (issue 3): a folder with `spikes.csv` (`unit_id,time_s`), an optional
/// `units.csv` (`unit_id,class,electrode,x_um,y_um`, any column but `unit_id` optional, extra columns kept) and an
/// optional `states.csv` (`start_s,stop_s,state`). Comma-separated with a header row; `#` lines are comments.
struct TextRecordingReader {
    let folder: String
    let options: ReadOptions
    var warnings: [String] = []

    init(folder: String, options: ReadOptions) {
        self.folder = folder
        self.options = options
    }

    /// A parsed CSV file: header names and rows of trimmed cells, with 1-based line numbers.
    struct Table {
        var file: String
        var header: [String]
        var rows: [(line: Int, cells: [String])]

        func index(of name: String, required: Bool) throws -> Int? {
            if let i = header.firstIndex(of: name) { return i }
            if required { throw RecordingError.missing(file: file, path: "column '\(name)'") }
            return nil
        }

        func cell(_ row: (line: Int, cells: [String]), _ i: Int?) -> String? {
            guard let i, i < row.cells.count else { return nil }
            let s = row.cells[i]
            return s.isEmpty ? nil : s
        }

        func number(_ row: (line: Int, cells: [String]), _ i: Int?, field: String, required: Bool) throws -> Double? {
            guard let s = cell(row, i) else {
                if required {
                    throw RecordingError.invalidValue(file: file, location: "line \(row.line)", field: field, reason: "empty")
                }
                return nil
            }
            guard let d = Double(s) else {
                throw RecordingError.invalidValue(file: file, location: "line \(row.line)", field: field,
                                                  reason: "'\(s)' is not a number")
            }
            return d
        }
    }

    static func parseCSV(_ path: String) throws -> Table {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw RecordingError.unreadable(file: path, reason: "\(error.localizedDescription)")
        }
        var header: [String]?
        var rows: [(line: Int, cells: [String])] = []
        var lineNo = 0
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            lineNo += 1
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let cells = splitCSVLine(line)
            if header == nil { header = cells.map { $0.lowercased() } } else { rows.append((lineNo, cells)) }
        }
        guard let header else { throw RecordingError.invalidValue(file: path, location: "line 1", field: "header", reason: "file is empty") }
        return Table(file: path, header: header, rows: rows)
    }

    /// Splits one CSV line, honouring double quotes.
    static func splitCSVLine(_ line: String) -> [String] {
        var cells: [String] = [], cur = "", quoted = false
        var it = line.makeIterator()
        while let ch = it.next() {
            if quoted {
                if ch == "\"" { quoted = false } else { cur.append(ch) }
            } else if ch == "\"" {
                quoted = true
            } else if ch == "," {
                cells.append(cur.trimmingCharacters(in: .whitespaces)); cur = ""
            } else {
                cur.append(ch)
            }
        }
        cells.append(cur.trimmingCharacters(in: .whitespaces))
        return cells
    }

    private func unitID(_ s: String?, table: Table, line: Int) throws -> Int64 {
        guard let s, let v = Int64(s) ?? Double(s).flatMap({ $0 == $0.rounded() ? Int64(exactly: $0) : nil }) else {
            throw RecordingError.invalidValue(file: table.file, location: "line \(line)", field: "unit_id",
                                              reason: "'\(s ?? "")' is not an integer id (unit_id must be an integer; "
                                                + "keep text names in another units.csv column)")
        }
        return v
    }

    mutating func read() throws -> Recording {
        let fm = FileManager.default
        let spikesPath = (folder as NSString).appendingPathComponent("spikes.csv")
        guard fm.fileExists(atPath: spikesPath) else { throw RecordingError.missing(file: folder, path: "spikes.csv") }
        let spikes = try Self.parseCSV(spikesPath)
        let idCol = try spikes.index(of: "unit_id", required: true)
        let tCol = try spikes.index(of: "time_s", required: true)

        // Units: order of units.csv, then any other ids of spikes.csv in ascending order.
        var units: [Unit] = []
        var rowOf: [Int64: Int] = [:]
        let unitsPath = (folder as NSString).appendingPathComponent("units.csv")
        if fm.fileExists(atPath: unitsPath) { try readUnitsTable(unitsPath, into: &units, rowOf: &rowOf) }

        var pairs: [(Int64, Double)] = []
        pairs.reserveCapacity(spikes.rows.count)
        for row in spikes.rows {
            let id = try unitID(spikes.cell(row, idCol), table: spikes, line: row.line)
            let cellText = spikes.cell(row, tCol) ?? ""
            guard let t = Double(cellText) else {
                throw RecordingError.invalidValue(file: spikesPath, location: "line \(row.line) (unit \(id))", field: "time_s",
                                                  reason: "'\(cellText)' is not a number")
            }
            if !t.isFinite {
                throw RecordingError.invalidValue(file: spikesPath, location: "line \(row.line) (unit \(id))", field: "time_s",
                                                  reason: "\(t) (NaN/Inf spike times are not allowed)")
            }
            pairs.append((id, t))
        }
        let newIDs = Set(pairs.map { $0.0 }).filter { rowOf[$0] == nil }.sorted()
        if !newIDs.isEmpty && fm.fileExists(atPath: unitsPath) {
            let shown = newIDs.prefix(20).map(String.init).joined(separator: ", ") + (newIDs.count > 20 ? ", …" : "")
            warnings.append("\(spikesPath): \(newIDs.count) unit(s) of spikes.csv are missing from units.csv (ids \(shown)); "
                            + "they are read without a class (unclassified)")
        }
        for id in newIDs { rowOf[id] = units.count; units.append(Unit(id: id)) }

        // Flat layout, keeping file order within each unit (the check below sorts and warns).
        var counts = [Int](repeating: 0, count: units.count)
        for (id, _) in pairs { counts[rowOf[id]!] += 1 }
        var offsets = [0]
        for c in counts { offsets.append(offsets.last! + c) }
        var fill = offsets
        var times = [Double](repeating: 0, count: pairs.count)
        for (id, t) in pairs { let r = rowOf[id]!; times[fill[r]] = t; fill[r] += 1 }
        let ids = units.map { $0.id }
        warnings += try RecordingValidation.checkSpikes(times: &times, offsets: offsets, ids: ids, file: spikesPath,
                                                        field: "time_s") { u in "unit \(ids[u])" }

        var epochs: [StateEpoch] = []
        var located: [(epoch: StateEpoch, location: String)] = []
        let statesPath = (folder as NSString).appendingPathComponent("states.csv")
        if fm.fileExists(atPath: statesPath) {
            let table = try Self.parseCSV(statesPath)
            let s = try table.index(of: "start_s", required: true), e = try table.index(of: "stop_s", required: true)
            let st = try table.index(of: options.stateColumn ?? "state", required: true)
            for row in table.rows {
                let start = try table.number(row, s, field: "start_s", required: true)!
                let stop = try table.number(row, e, field: "stop_s", required: true)!
                guard let label = table.cell(row, st) else {
                    throw RecordingError.invalidValue(file: statesPath, location: "line \(row.line)", field: "state", reason: "empty")
                }
                let epoch = StateEpoch(start: start, stop: stop, state: label)
                try RecordingValidation.checkEpoch(epoch, file: statesPath, location: "line \(row.line)",
                                                   startField: "start_s", stopField: "stop_s")
                located.append((epoch, "line \(row.line)"))
            }
            let normalized = try RecordingValidation.normalizeEpochs(located, file: statesPath)
            epochs = normalized.epochs
            warnings += normalized.warnings
        }
        warnings += RecordingValidation.epochWarnings(times: times, epochs: epochs, file: spikesPath)

        let name = (folder as NSString).standardizingPath
        let base = (name as NSString).lastPathComponent
        let dandi = DANDIName(fileName: base)
        return Recording(subject: dandi.subject ?? base, session: dandi.session ?? base, units: units,
                         spikes: SpikeTrains(times: times, offsets: offsets), epochs: epochs,
                         source: folder, warnings: warnings)
    }

    private mutating func readUnitsTable(_ path: String, into units: inout [Unit], rowOf: inout [Int64: Int]) throws {
        let table = try Self.parseCSV(path)
        let idCol = try table.index(of: "unit_id", required: true)
        let classCol = try table.index(of: options.classColumn ?? "class", required: options.classColumn != nil)
        let eCol = try table.index(of: "electrode", required: false)
        let xCol = try table.index(of: "x_um", required: false), yCol = try table.index(of: "y_um", required: false)
        let zCol = try table.index(of: "z_um", required: false)
        let known: Set<Int?> = [idCol, classCol, eCol, xCol, yCol, zCol]
        var unknown: [String: Int] = [:]
        let classField = options.classColumn ?? "class"
        for row in table.rows {
            let id = try unitID(table.cell(row, idCol), table: table, line: row.line)
            if rowOf[id] != nil {
                throw RecordingError.invalidValue(file: path, location: "line \(row.line)", field: "unit_id",
                                                  reason: "duplicate unit id \(id)")
            }
            var u = Unit(id: id)
            if let label = table.cell(row, classCol) {
                u.rawLabel = label
                if let c = CellClass.parse(label: label) { u.cellClass = c; u.labelSource = .inputColumn(classField) }
                else { unknown[label, default: 0] += 1 }
            }
            if let e = try table.number(row, eCol, field: "electrode", required: false) { u.electrode = Int(e) }
            if let x = try table.number(row, xCol, field: "x_um", required: false),
               let y = try table.number(row, yCol, field: "y_um", required: false) {
                let z = try table.number(row, zCol, field: "z_um", required: false) ?? 0
                u.position = SIMD3(x, y, z)
            }
            for (i, name) in table.header.enumerated() where !known.contains(i) {
                guard let s = table.cell(row, i) else { continue }
                u.extra[name] = Double(s).map { .number($0) } ?? .text(s)
            }
            rowOf[id] = units.count
            units.append(u)
        }
        if !unknown.isEmpty {
            let list = unknown.keys.sorted().map { "'\($0)' (\(unknown[$0]!))" }.joined(separator: ", ")
            warnings.append("\(path): column '\(classField)': unknown class label(s) \(list) left unclassified")
        }
    }
}
