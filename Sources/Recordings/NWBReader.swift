import CHDF5
import Foundation

/// Reads an NWB 2.x file through the HDF5 C library into a `Recording` (issue 3).
///
/// Units come from `/units` (ragged `spike_times` with a `spike_times_index` of any integer type, read in one
/// `H5Dread` each), electrodes from `/general/extracellular_ephys/electrodes`, states from a `TimeIntervals`
/// table with a `state` column (or `/intervals/epochs` tags), signals from `ElectricalSeries` in `/acquisition`
/// and `/processing/ecephys` (lazily: only their shape and scaling are read here).
struct NWBReader {
    let path: String
    let options: ReadOptions
    let file: HDF5File
    var warnings: [String] = []
    /// The Units table being read (`/units` unless `ReadOptions.unitsPath` or discovery says otherwise).
    var unitsTable = "/units"

    static let electrodesPath = "/general/extracellular_ephys/electrodes"

    init(path: String, options: ReadOptions) throws {
        self.path = path
        self.options = options
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw RecordingError.unreadable(file: path, reason: FileManager.default.fileExists(atPath: path)
                                            ? "permission denied" : "no such file")
        }
        do { self.file = try HDF5File(readingAt: path) } catch {
            throw RecordingError.corrupt(file: path, reason: "HDF5 could not open it (not HDF5, truncated or corrupt)")
        }
    }

    mutating func read() throws -> Recording {
        do {
            return try readUnchecked()
        } catch let e as HDF5Failure {
            throw RecordingError.corrupt(file: path, reason: e.description)
        }
    }

    private mutating func readUnchecked() throws -> Recording {
        try checkFormat()
        let electrodes = try readElectrodes()
        var (units, spikes) = try readUnits(electrodes: electrodes)
        let epochs = try readEpochs()
        let signals = try readSignals(electrodes: electrodes)
        warnings += RecordingValidation.epochWarnings(times: spikes.times, epochs: epochs, file: path)
        let (subject, session) = identifiers()
        if units.isEmpty { spikes = SpikeTrains(times: [], offsets: [0]) }
        return Recording(subject: subject, session: session, units: units, spikes: spikes, electrodes: electrodes,
                         signals: signals, epochs: epochs, source: path, warnings: warnings)
    }

    // MARK: identifiers

    private func scalarString(_ p: String) -> String? {
        guard file.isDataset(p), let s = try? file.readStrings(p).first else { return nil }
        let t = s.trimmingCharacters(in: .whitespaces)
        return t.isEmpty ? nil : t
    }

    private func identifiers() -> (String, String) {
        let dandi = DANDIName(fileName: (path as NSString).lastPathComponent)
        let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        let subject = scalarString("/general/subject/subject_id") ?? dandi.subject ?? stem
        let session = scalarString("/general/session_id") ?? dandi.session ?? stem
        return (subject, session)
    }

    // MARK: generic table columns

    /// A 1-D column of `rows` values as numbers or text; nil for references, compounds, ragged or other shapes.
    private func column(_ p: String, rows: Int) -> [ColumnValue]? {
        guard file.isDataset(p), let shape = try? file.shape(p), shape == [rows], let kind = try? file.kind(p)
        else { return nil }
        switch kind {
        case .float, .integer, .enumeration:
            return (try? file.readDoubles(p))?.map { .number($0) }
        case .string:
            return (try? file.readStrings(p))?.map { .text($0) }
        default:
            return nil
        }
    }

    private func colnames(_ table: String) -> [String] { file.stringAttribute(table, "colnames") ?? [] }

    // MARK: electrodes

    private func readElectrodes() throws -> [Electrode] {
        let t = Self.electrodesPath
        guard file.isGroup(t) else { return [] }
        var ids: [Int64]
        if file.isDataset(t + "/id") { ids = try file.readInt64s(t + "/id") }
        else if file.isDataset(t + "/location") { ids = (0..<Int64(try file.shape(t + "/location").first ?? 0)).map { $0 } }
        else { return [] }
        let m = ids.count
        func numbers(_ name: String) -> [Double]? {
            column(t + "/" + name, rows: m)?.map { if case .number(let d) = $0 { return d } else { return .nan } }
        }
        func texts(_ name: String) -> [String]? { column(t + "/" + name, rows: m)?.map { $0.description } }
        let x = numbers("x"), y = numbers("y"), z = numbers("z")
        let location = texts("location"), groupName = texts("group_name")
        let standard: Set<String> = ["x", "y", "z", "location", "group_name", "group", "id"]
        var extras: [(String, [ColumnValue])] = []
        for name in colnames(t) where !standard.contains(name) && !file.exists(t + "/" + name + "_index") {
            if let values = column(t + "/" + name, rows: m) { extras.append((name, values)) }
        }
        return (0..<m).map { r in
            var extra: [String: ColumnValue] = [:]
            for (name, values) in extras { extra[name] = values[r] }
            return Electrode(id: Int(ids[r]), x: x?[r] ?? .nan, y: y?[r] ?? .nan, z: z?[r] ?? .nan,
                             location: location?[r] ?? "", groupName: groupName?[r] ?? "", extra: extra)
        }
    }

    // MARK: units

    private func unitLabel(_ ids: [Int64], _ u: Int) -> String { "\(unitsTable) row \(u) (id \(ids[u]))" }

    private mutating func readUnits(electrodes: [Electrode]) throws -> ([Unit], SpikeTrains) {
        guard let table = try resolveUnitsTable() else {
            if options.requireUnits { throw RecordingError.missing(file: path, path: "/units") }
            warnings.append("\(path): no /units table (no spike trains; only signals/states are available)")
            return ([], SpikeTrains(times: [], offsets: [0]))
        }
        unitsTable = table
        let t = table
        // Row count: id, else the spike index, else the waveform table.
        var ids: [Int64]
        if file.isDataset(t + "/id") {
            ids = try file.readInt64s(t + "/id")
        } else if file.isDataset(t + "/spike_times_index") {
            ids = (0..<Int64(try file.shape(t + "/spike_times_index").first ?? 0)).map { $0 }
        } else {
            throw RecordingError.missing(file: path, path: unitsTable + "/id")
        }
        let n = ids.count

        // Spike times: one flat read, offsets from the index read as uint64 whatever its stored type.
        var times: [Double] = []
        var offsets = [Int](repeating: 0, count: n + 1)
        if file.isDataset(t + "/spike_times") {
            if (try? file.kind(t + "/spike_times")) == .integer {
                warnings.append("\(path): \(t)/spike_times is stored as integers (\(file.typeDescription(t + "/spike_times"))), "
                                + "not floating-point seconds; the values are used as seconds as stored (if they are "
                                + "milliseconds or sample indices, convert them to seconds first)")
            }
            // Large gzip datasets: inflate chunks on all cores (HDF5 alone decompresses on one).
            times = try file.readDoublesInflatingInParallel(t + "/spike_times")
                ?? file.readDoublesContiguousDirect(t + "/spike_times") ?? file.readDoubles(t + "/spike_times")
            if file.isDataset(t + "/spike_times_index") {
                let index = file.isRegionReference(t + "/spike_times_index")
                    ? try regionIndexEnds(t + "/spike_times_index", target: t + "/spike_times", count: times.count)
                    : try file.readUInt64s(t + "/spike_times_index")
                guard index.count == n else {
                    throw RecordingError.invalidValue(file: path, location: unitsTable, field: "spike_times_index",
                                                      reason: "\(index.count) entries for \(n) units")
                }
                var prev = 0
                for u in 0..<n {
                    let end = Int(clamping: index[u])
                    guard end >= prev, end <= times.count else {
                        throw RecordingError.invalidValue(file: path, location: unitLabel(ids, u), field: "spike_times_index",
                                                          reason: "end offset \(index[u]) is not in \(prev)...\(times.count)")
                    }
                    offsets[u + 1] = end
                    prev = end
                }
                if prev != times.count {
                    warnings.append("\(path): \(unitsTable)/spike_times has \(times.count - prev) values past the last unit's end; ignored")
                    times.removeLast(times.count - prev)
                }
            } else if n == 1 {
                offsets[1] = times.count
            } else {
                throw RecordingError.missing(file: path, path: unitsTable + "/spike_times_index")
            }
        } else if n > 0 {
            warnings.append("\(path): \(unitsTable) has no spike_times column (waveforms/metadata only)")
        }
        let labelIDs = ids, tableName = t
        warnings += try RecordingValidation.checkSpikes(times: &times, offsets: offsets, ids: ids, file: path,
                                                        field: "spike_times") { u in "\(tableName) row \(u) (id \(labelIDs[u]))" }

        var units = ids.map { Unit(id: $0) }
        try readWaveforms(into: &units)
        try readUnitElectrodes(into: &units, electrodes: electrodes)
        try readClasses(into: &units)
        readExtraColumns(into: &units)
        return (units, SpikeTrains(times: times, offsets: offsets))
    }

    private mutating func readWaveforms(into units: inout [Unit]) throws {
        let p = unitsTable + "/waveform_mean"
        guard file.isDataset(p) else { return }
        let n = units.count
        if file.exists(p + "_index") {
            warnings.append("\(path): ragged waveform_mean (waveform_mean_index) is not supported; waveforms ignored")
            return
        }
        let shape = try file.shape(p)
        guard shape.count >= 2, shape[0] == n else {
            warnings.append("\(path): waveform_mean has shape \(shape), expected (\(n), samples[, channels]); ignored")
            return
        }
        var rate = file.doubleAttribute(p, "sampling_rate") ?? file.doubleAttribute(unitsTable, "waveform_rate")
        var perUnitRate: [Double]?
        if rate == nil, let col = column(unitsTable + "/waveform_sampling_rate_hz", rows: n) {
            perUnitRate = col.map { if case .number(let d) = $0 { return d } else { return .nan } }
        }
        if rate == nil && perUnitRate == nil {
            warnings.append("\(path): waveform_mean has no sampling_rate; waveform sampling rate unknown (NaN)")
            rate = .nan
        }
        let values = try file.readDoubles(p)
        let samples = shape[1]
        let channels = shape.count >= 3 ? shape[2...].reduce(1, *) : 1
        let per = samples * channels
        for u in 0..<n {
            let r = perUnitRate?[u] ?? rate ?? .nan
            let base = u * per
            if channels == 1 {
                units[u].waveform = Waveform(peakChannel: Array(values[base..<(base + samples)]), samplingRate: r)
            } else {
                // (samples, channels) row-major → [channel][sample]; peak channel = deepest trough.
                var all = [[Double]](repeating: [Double](repeating: 0, count: samples), count: channels)
                for s in 0..<samples { for c in 0..<channels { all[c][s] = values[base + s * channels + c] } }
                var best = 0, bestMin = Double.infinity
                for c in 0..<channels { let m = all[c].min() ?? 0; if m < bestMin { bestMin = m; best = c } }
                units[u].waveform = Waveform(peakChannel: all[best], allChannels: all, samplingRate: r)
                units[u].extra["peak_channel_index"] = .number(Double(best))
            }
        }
    }

    private mutating func readUnitElectrodes(into units: inout [Unit], electrodes: [Electrode]) throws {
        let p = unitsTable + "/electrodes"
        guard file.isDataset(p) else { return }
        if file.isRegionReference(p) {
            warnings.append("\(path): \(p) is a region-reference column (NWB 2.0b); unit electrodes not read")
            return
        }
        let n = units.count
        let rows = try file.readInt64s(p)
        var slices: [Range<Int>] = []
        if file.isDataset(p + "_index") {
            let idx = try file.readUInt64s(p + "_index")
            guard idx.count == n else { return }
            var prev = 0
            for u in 0..<n {
                let end = min(Int(clamping: idx[u]), rows.count)
                slices.append(prev..<max(prev, end)); prev = max(prev, end)
            }
        } else {
            guard rows.count == n else { return }
            slices = (0..<n).map { $0..<($0 + 1) }
        }
        for u in 0..<n where !slices[u].isEmpty {
            var pick = slices[u].lowerBound
            if case .number(let c)? = units[u].extra["peak_channel_index"], slices[u].count > Int(c) {
                pick = slices[u].lowerBound + Int(c)
            }
            let row = Int(rows[pick])
            guard row >= 0, row < electrodes.count else { units[u].electrode = row; continue }
            let e = electrodes[row]
            units[u].electrode = e.id
            if e.x.isFinite, e.y.isFinite {
                units[u].position = SIMD3(e.x, e.y, e.z.isFinite ? e.z : 0)
            } else if case .number(let rx)? = e.extra["rel_x"], case .number(let ry)? = e.extra["rel_y"],
                      rx.isFinite, ry.isFinite {
                units[u].position = SIMD3(rx, ry, 0)
            }
        }
    }

    private mutating func readClasses(into units: inout [Unit]) throws {
        let n = units.count
        let candidates = options.classColumn.map { [$0] } ?? ReadOptions.defaultClassColumns
        guard let name = candidates.first(where: { file.isDataset(unitsTable + "/" + $0) }) else {
            if let c = options.classColumn { throw RecordingError.missing(file: path, path: unitsTable + "/" + c) }
            return
        }
        guard let values = column(unitsTable + "/" + name, rows: n) else {
            throw RecordingError.invalidValue(file: path, location: unitsTable, field: name,
                                              reason: "class column is not a 1-D column with one value per unit")
        }
        var unknown: [String: Int] = [:]
        for u in 0..<n {
            let label = values[u].description
            units[u].rawLabel = label
            if let c = CellClass.parse(label: label) {
                units[u].cellClass = c
                units[u].labelSource = .inputColumn(name)
            } else if ["unclassified", "u", ""].contains(label.lowercased().trimmingCharacters(in: .whitespaces)) {
                continue  // explicitly unclassified (as NWBWriter writes it): no warning
            } else {
                unknown[label, default: 0] += 1
            }
        }
        if !unknown.isEmpty {
            let list = unknown.keys.sorted().map { "'\($0)' (\(unknown[$0]!) unit\(unknown[$0]! == 1 ? "" : "s"))" }
            warnings.append("\(path): \(unitsTable)/\(name): unknown class label(s) \(list.joined(separator: ", ")) left unclassified")
        }
    }

    private func readExtraColumns(into units: inout [Unit]) {
        let n = units.count
        let skip: Set<String> = ["spike_times", "waveform_mean", "waveform_sd", "waveforms", "electrodes",
                                 "electrode_group", "obs_intervals", "id"]
        for name in colnames(unitsTable) where !skip.contains(name) && !file.exists(unitsTable + "/" + name + "_index") {
            guard let values = column(unitsTable + "/" + name, rows: n) else { continue }
            for u in 0..<n { units[u].extra[name] = values[u] }
        }
    }

    // MARK: states

    private mutating func readEpochs() throws -> [StateEpoch] {
        guard file.isGroup("/intervals") else {
            if let t = options.stateTable { throw RecordingError.missing(file: path, path: "/intervals/" + t) }
            return []
        }
        var epochs: [(epoch: StateEpoch, location: String)] = []
        if let t = options.stateTable {
            let table = t.hasPrefix("/") ? t : "/intervals/" + t
            if options.ignoreEpochs && table == "/intervals/epochs" {
                throw RecordingError.invalidValue(file: path, location: table, field: "state table",
                                                  reason: "chosen as the state table and ignored (--ignore-epochs) at once")
            }
            guard file.isGroup(table) else { throw RecordingError.missing(file: path, path: table) }
            let col = options.stateColumn ?? (file.isDataset(table + "/state") ? "state" : "tags")
            guard file.isDataset(table + "/" + col) else { throw RecordingError.missing(file: path, path: table + "/" + col) }
            epochs = try readStateTable(table, column: col)
        } else {
            let col = options.stateColumn ?? "state"
            let tables = try file.members("/intervals").map { "/intervals/" + $0 }
                .filter { file.isGroup($0) && file.isDataset($0 + "/" + col) && !$0.hasSuffix("/epochs") }
            for table in tables { epochs += try readStateTable(table, column: col) }
            if !options.ignoreEpochs, file.isGroup("/intervals/epochs") {
                let epochsColumn = file.isDataset("/intervals/epochs/" + col) ? col
                    : (file.isDataset("/intervals/epochs/tags") ? "tags" : nil)
                if let c = epochsColumn, tables.isEmpty {
                    let candidate = try readStateTable("/intervals/epochs", column: c)
                    if let why = Self.notBrainStates(candidate) {
                        let others = try file.members("/intervals").filter { $0 != "epochs" && file.isGroup("/intervals/" + $0) }
                        warnings.append("\(path): /intervals/epochs not used as states: \(why); the file is analysed "
                                        + "without it (choose a state annotation with --state-table/--state-column"
                                        + (others.isEmpty ? "" : "; other interval tables: " + others.sorted().joined(separator: ", "))
                                        + ")")
                    } else {
                        epochs = candidate
                    }
                } else if let c = epochsColumn,
                          let other = try? readStateTable("/intervals/epochs", column: c).map(\.epoch.state) {
                    // Only worth a word when it holds other labels than the states (e.g. stimulus or trial epochs).
                    let extra = Set(other).subtracting(epochs.map(\.epoch.state)).sorted()
                    if !extra.isEmpty {
                        let named = extra.prefix(5).map { "'" + $0 + "'" }.joined(separator: ", ")
                            + (extra.count > 5 ? ", ..." : "")
                        let from = tables.joined(separator: ", ")
                        warnings.append("\(path): states taken from \(from); /intervals/epochs (labels \(named)) ignored")
                    }
                }
            }
        }
        let normalized = try RecordingValidation.normalizeEpochs(epochs, file: path)
        warnings += normalized.warnings
        return normalized.epochs
    }

    /// Why the epochs read from `/intervals/epochs` are not a brain-state annotation, or nil when they may be:
    /// they are not when epochs of different labels overlap and some label is outside `StateEpoch.vocabulary`
    /// (stimulus or trial epochs, common in DANDI files; issue 18 item 3). Overlapping epochs whose labels are all
    /// states stay an error (`RecordingValidation.normalizeEpochs`).
    static func notBrainStates(_ epochs: [(epoch: StateEpoch, location: String)]) -> String? {
        let labels = Set(epochs.map(\.epoch.state))
        let foreign = labels.filter { !StateEpoch.vocabulary.contains($0.lowercased()) }.sorted()
        guard !foreign.isEmpty else { return nil }
        let sorted = epochs.map(\.epoch).filter { $0.stop > $0.start }.sorted { $0.start < $1.start }
        var active: [StateEpoch] = []
        for e in sorted {
            active.removeAll { $0.stop <= e.start }
            if let o = active.first(where: { $0.state != e.state }) {
                return "its epochs '\(o.state)' [\(o.start), \(o.stop)) s and '\(e.state)' [\(e.start), \(e.stop)) s "
                    + "overlap and " + foreign.prefix(5).map { "'" + $0 + "'" }.joined(separator: ", ") + " "
                    + (foreign.count == 1 ? "is not a brain state" : "are not brain states")
            }
            active.append(e)
        }
        return nil
    }

    /// Reads one TimeIntervals table; `column` is a 1-D label column or the ragged `tags` column.
    private mutating func readStateTable(_ table: String, column col: String) throws -> [(epoch: StateEpoch, location: String)] {
        let starts = try file.readDoubles(table + "/start_time")
        let stops = try file.readDoubles(table + "/stop_time")
        guard starts.count == stops.count else {
            throw RecordingError.invalidValue(file: path, location: table, field: "stop_time",
                                              reason: "\(stops.count) stop times for \(starts.count) start times")
        }
        let n = starts.count
        var labels: [String?]
        if file.isDataset(table + "/" + col + "_index") {
            // Ragged (tags): state = first tag from the vocabulary, else the first tag.
            let flat = try file.readStrings(table + "/" + col)
            let idx = try file.readUInt64s(table + "/" + col + "_index")
            guard idx.count == n else {
                throw RecordingError.invalidValue(file: path, location: table, field: col + "_index",
                                                  reason: "\(idx.count) entries for \(n) rows")
            }
            labels = []
            var prev = 0
            for r in 0..<n {
                let end = min(Int(clamping: idx[r]), flat.count)
                let tags = Array(flat[min(prev, end)..<end])
                prev = max(prev, end)
                labels.append(tags.first { StateEpoch.vocabulary.contains($0.lowercased()) } ?? tags.first)
            }
        } else {
            let kind = try file.kind(table + "/" + col)
            if kind == .string {
                labels = try file.readStrings(table + "/" + col).map { $0 }
            } else if [.float, .integer, .enumeration].contains(kind) {
                labels = try file.readDoubles(table + "/" + col).map { $0 == $0.rounded() ? String(Int($0)) : String($0) }
            } else {
                throw RecordingError.invalidValue(file: path, location: table, field: col, reason: "not a text or numeric column")
            }
            guard labels.count == n else {
                throw RecordingError.invalidValue(file: path, location: table, field: col,
                                                  reason: "\(labels.count) labels for \(n) rows")
            }
        }
        var out: [(epoch: StateEpoch, location: String)] = []
        for r in 0..<n {
            guard let label = labels[r]?.trimmingCharacters(in: .whitespaces), !label.isEmpty else { continue }
            let e = StateEpoch(start: starts[r], stop: stops[r], state: label)
            try RecordingValidation.checkEpoch(e, file: path, location: "\(table) row \(r)")
            out.append((e, "\(table) row \(r)"))
        }
        return out
    }

    // MARK: signals

    private func neurodataType(_ p: String) -> String? { file.stringAttribute(p, "neurodata_type")?.first }

    private mutating func readSignals(electrodes: [Electrode]) throws -> [SignalSeries] {
        var groups: [String] = []
        func scan(_ parent: String, depth: Int) throws {
            guard file.isGroup(parent) else { return }
            for m in try file.members(parent) {
                let p = parent + "/" + m
                guard file.isGroup(p) else { continue }
                let type = neurodataType(p)
                if type == "ElectricalSeries" { groups.append(p) }
                else if depth > 0, type == "LFP" || type == "FilteredEphys" || type == "ProcessingModule" {
                    try scan(p, depth: depth - 1)
                }
            }
        }
        try scan("/acquisition", depth: 0)
        try scan("/processing/ecephys", depth: 1)
        // ElectricalSeries elsewhere (e.g. inside an LFP container in /acquisition), found by neurodata_type;
        // after the usual places so their order is unchanged.
        var seen = Set(groups.map { file.objectKey($0) })
        for (g, _) in try file.groups(ofNeurodataType: ["ElectricalSeries"]) where seen.insert(file.objectKey(g)).inserted {
            groups.append(g)
        }
        var out: [SignalSeries] = []
        for g in groups {
            let data = g + "/data"
            guard file.isDataset(data) else { continue }
            let shape = try file.shape(data)
            guard !shape.isEmpty else { continue }
            var rate: Double?
            var start = 0.0
            var timestamps: [Double]?
            if file.isDataset(g + "/starting_time") {
                start = try file.readDoubles(g + "/starting_time").first ?? 0
                rate = file.doubleAttribute(g + "/starting_time", "rate")
            }
            if rate == nil, file.isDataset(g + "/timestamps") {
                let ts = try file.readDoubles(g + "/timestamps")
                timestamps = ts
                start = ts.first ?? 0
            }
            var channelElectrodes: [Int] = []
            if file.isDataset(g + "/electrodes"), file.isRegionReference(g + "/electrodes") {
                channelElectrodes = regionElectrodes(g + "/electrodes", electrodes: electrodes)
            } else if file.isDataset(g + "/electrodes") {
                channelElectrodes = try file.readInt64s(g + "/electrodes").map { r in
                    let row = Int(r)
                    return row >= 0 && row < electrodes.count ? electrodes[row].id : row
                }
            }
            var channelConversion: [Double]?
            if file.isDataset(g + "/channel_conversion") { channelConversion = try file.readDoubles(g + "/channel_conversion") }
            let name = (g as NSString).lastPathComponent
            out.append(SignalSeries(
                name: name, sampleCount: shape[0], channelCount: shape.dropFirst().reduce(1, *), rate: rate,
                startingTime: start, timestamps: timestamps,
                conversion: file.doubleAttribute(data, "conversion") ?? 1,
                offset: file.doubleAttribute(data, "offset") ?? 0,
                unit: file.stringAttribute(data, "unit")?.first ?? "volts",
                electrodes: channelElectrodes, storage: .nwb(file: path, dataset: data),
                channelConversion: channelConversion))
        }
        return out
    }
}

/// Subject and session ids from a DANDI file name `sub-<id>_ses-<id>_….nwb`.
struct DANDIName {
    var subject: String?
    var session: String?

    init(fileName: String) {
        let stem = (fileName as NSString).deletingPathExtension
        for part in stem.split(separator: "_") {
            if part.hasPrefix("sub-") { subject = String(part.dropFirst(4)) }
            else if part.hasPrefix("ses-") { session = String(part.dropFirst(4)) }
        }
        if subject?.isEmpty == true { subject = nil }
        if session?.isEmpty == true { session = nil }
    }
}
