import Foundation

/// Options of `NWBWriter`.
public struct NWBWriteOptions: Sendable, Equatable {
    /// The units column the E/I classes go to (`cell_class`; the simulator uses `gt_class` for ground truth).
    public var classColumn: String
    /// Name of the state TimeIntervals table; nil = `sleep_states` when every state is a sleep/wake state,
    /// `seizure_states` when every state is a seizure state, else `states` (data README convention).
    public var stateTable: String?
    /// ISO-8601 session start; all times are seconds relative to it. Default: the data README's placeholder.
    public var sessionStartTime: String
    /// ISO-8601 file creation date; nil = now. Fix it for byte-identical reruns.
    public var fileCreateDate: String?
    public var sessionDescription: String
    /// gzip level (0–9) for large datasets (spike times, signals); 0 disables compression.
    public var gzipLevel: Int

    public init(classColumn: String = "cell_class", stateTable: String? = nil,
                sessionStartTime: String = "2000-01-01T00:00:00+00:00", fileCreateDate: String? = nil,
                sessionDescription: String = "Written by SymmetryEdge", gzipLevel: Int = 4) {
        self.classColumn = classColumn; self.stateTable = stateTable; self.sessionStartTime = sessionStartTime
        self.fileCreateDate = fileCreateDate; self.sessionDescription = sessionDescription; self.gzipLevel = gzipLevel
    }

    /// The text written for each class (read back by `CellClass.parse`).
    public static func label(_ c: CellClass) -> String {
        switch c {
        case .excitatory: return "excitatory"
        case .inhibitory: return "inhibitory"
        case .unclassified: return "unclassified"
        }
    }
}

/// Writes recordings as NWB 2.x files that pynwb reads and `pynwb-validate` accepts.
///
/// Layout (as pynwb 4.2 writes it, without the cached schema): `/units` (ragged `spike_times`, `waveform_mean`
/// with `sampling_rate`, `electrodes` region, the class column, extra columns), the electrodes table with its
/// ElectrodeGroups and a Device, `/intervals/epochs` (tags = [state]) plus a state table with a `state` column,
/// and each `SignalSeries` as an ElectricalSeries — in `/processing/ecephys/LFP` when its name contains "lfp",
/// else in `/acquisition`. Spike times and signals are chunked and gzipped.
public enum NWBWriter {
    /// Writes `recording` to a new file at `path` (atomically: temp file, then rename).
    /// Never modifies an existing input in place.
    public static func write(_ recording: Recording, to path: String) throws {
        try write(recording, to: path, options: NWBWriteOptions())
    }

    /// Writes `recording` with `options`; see `write(_:to:)`.
    public static func write(_ recording: Recording, to path: String, options: NWBWriteOptions) throws {
        let dir = (path as NSString).deletingLastPathComponent
        let temp = (dir.isEmpty ? "." : dir) + "/." + (path as NSString).lastPathComponent + ".tmp-\(getpid())-\(UUID().uuidString.prefix(8))"
        do {
            do {
                var job = try NWBWriteJob(recording: recording, path: temp, finalPath: path, options: options)
                try job.run()
            }   // the HDF5 file is closed here, before the rename
            guard rename(temp, path) == 0 else {
                throw RecordingError.unreadable(file: path, reason: "cannot rename the written file into place (errno \(errno))")
            }
        } catch let e as HDF5Failure {
            unlink(temp)
            throw RecordingError.unsupported(file: path, what: "writing failed: \(e.description)")
        } catch {
            unlink(temp)
            throw error
        }
    }
}

/// One write: the order of groups, tables and series.
private struct NWBWriteJob {
    let rec: Recording
    let h5: HDF5Writer
    let finalPath: String
    let options: NWBWriteOptions
    let identifier: String
    var electrodes: [Electrode] = []
    var electrodeRow: [Int: Int] = [:]

    static let electrodesPath = "/general/extracellular_ephys/electrodes"

    init(recording: Recording, path: String, finalPath: String, options: NWBWriteOptions) throws {
        self.rec = recording
        self.h5 = try HDF5Writer(creatingAt: path)
        self.h5.deflateLevel = UInt32(max(0, min(9, options.gzipLevel)))
        self.finalPath = finalPath
        self.options = options
        let base = [recording.subject, recording.session].filter { !$0.isEmpty }.joined(separator: "_")
        self.identifier = base.isEmpty ? (finalPath as NSString).lastPathComponent : base
    }

    /// A UUID-shaped object id derived from the identifier and the object's path (stable across reruns).
    func objectID(_ p: String) -> String {
        let hex = Array(ContentHash.sha256(Array("\(identifier)\u{0}\(p)".utf8)).prefix(32))
        var chars = hex
        chars[12] = "4"
        chars[16] = ["8", "9", "a", "b"][Int(String(chars[16]), radix: 16)! & 3]
        let s = String(chars)
        let i = s.startIndex
        func sub(_ a: Int, _ b: Int) -> Substring { s[s.index(i, offsetBy: a)..<s.index(i, offsetBy: b)] }
        return "\(sub(0, 8))-\(sub(8, 12))-\(sub(12, 16))-\(sub(16, 20))-\(sub(20, 32))"
    }

    func typed(_ p: String, _ type: String, namespace: String = "core") throws {
        try h5.setAttribute(p, "namespace", namespace)
        try h5.setAttribute(p, "neurodata_type", type)
        try h5.setAttribute(p, "object_id", objectID(p))
    }

    func vectorData(_ p: String, description: String) throws {
        try h5.setAttribute(p, "description", description)
        try typed(p, "VectorData", namespace: "hdmf-common")
    }

    func vectorIndex(_ p: String, target: String) throws {
        try h5.setAttribute(p, "description", "Index for VectorData '\((target as NSString).lastPathComponent)'")
        try typed(p, "VectorIndex", namespace: "hdmf-common")
        try h5.setAttribute(p, "target", reference: target)
    }

    func region(_ p: String, table: String, description: String) throws {
        try h5.setAttribute(p, "description", description)
        try typed(p, "DynamicTableRegion", namespace: "hdmf-common")
        try h5.setAttribute(p, "table", reference: table)
    }

    func ids(_ p: String, _ values: [Int64]) throws {
        try h5.writeInt64s(p, values, compress: false)
        try typed(p, "ElementIdentifiers", namespace: "hdmf-common")
    }

    /// Writes a 1-D column of ColumnValues: numbers as float64 (NaN when missing), else text.
    func column(_ p: String, _ values: [ColumnValue?], description: String) throws {
        let allNumbers = values.allSatisfy { v in if case .text = v { return false } else { return true } }
        if allNumbers {
            try h5.writeDoubles(p, values.map { v in if case .number(let d) = v { return d } else { return .nan } }, compress: false)
        } else {
            try h5.writeStrings(p, values.map { $0?.description ?? "" })
        }
        try vectorData(p, description: description)
    }

    mutating func run() throws {
        try h5.setAttribute("/", "namespace", "core")
        try h5.setAttribute("/", "neurodata_type", "NWBFile")
        try h5.setAttribute("/", "nwb_version", "2.11.0")
        try h5.setAttribute("/", "object_id", objectID("/"))
        let created = options.fileCreateDate ?? ISO8601DateFormatter().string(from: Date())
        try h5.writeStrings("/file_create_date", [created], utf8: false)
        try h5.writeStrings("/identifier", [identifier], scalar: true)
        try h5.writeStrings("/session_description", [options.sessionDescription], scalar: true)
        try h5.writeStrings("/session_start_time", [options.sessionStartTime], scalar: true, utf8: false)
        try h5.writeStrings("/timestamps_reference_time", [options.sessionStartTime], scalar: true, utf8: false)
        for g in ["/acquisition", "/analysis", "/general", "/processing", "/stimulus", "/stimulus/presentation",
                  "/stimulus/templates"] {
            try h5.createGroup(g)
        }
        if !rec.session.isEmpty { try h5.writeStrings("/general/session_id", [rec.session], scalar: true) }
        if !rec.subject.isEmpty {
            try h5.createGroup("/general/subject")
            try typed("/general/subject", "Subject")
            try h5.writeStrings("/general/subject/subject_id", [rec.subject], scalar: true)
        }
        try writeElectrodes()
        try writeUnits()
        try writeIntervals()
        try writeSignals()
        try h5.flush()
    }

    // MARK: electrodes

    private mutating func writeElectrodes() throws {
        electrodes = rec.electrodes
        let unitElectrodes = rec.units.compactMap { $0.electrode }
        let maxChannels = rec.signals.map { $0.channelCount }.max() ?? 0
        if electrodes.isEmpty && (maxChannels > 0 || !unitElectrodes.isEmpty) {
            // Placeholder rows so regions have a table to point at.
            let n = max(maxChannels, (unitElectrodes.max() ?? -1) + 1)
            electrodes = (0..<n).map { Electrode(id: $0, location: "unknown", groupName: "group0") }
        }
        // Units or signals may name electrode ids absent from the table: add them.
        var known = Set(electrodes.map { $0.id })
        for id in unitElectrodes + rec.signals.flatMap({ $0.electrodes }) where !known.contains(id) {
            electrodes.append(Electrode(id: id, location: "unknown", groupName: electrodes.first?.groupName ?? "group0"))
            known.insert(id)
        }
        guard !electrodes.isEmpty else { return }
        for (r, e) in electrodes.enumerated() where electrodeRow[e.id] == nil { electrodeRow[e.id] = r }

        try h5.createGroup("/general/devices")
        try h5.createGroup("/general/devices/device")
        try h5.setAttribute("/general/devices/device", "description", "recording device (written by SymmetryEdge)")
        try typed("/general/devices/device", "Device")
        try h5.createGroup("/general/extracellular_ephys")
        let groupNames = electrodes.map { $0.groupName.isEmpty ? "group0" : $0.groupName.replacingOccurrences(of: "/", with: "_") }
        var seen = Set<String>()
        for (i, g) in groupNames.enumerated() where seen.insert(g).inserted {
            let p = "/general/extracellular_ephys/\(g)"
            try h5.createGroup(p)
            try h5.setAttribute(p, "description", "electrode group \(g)")
            try h5.setAttribute(p, "location", electrodes[i].location.isEmpty ? "unknown" : electrodes[i].location)
            try typed(p, "ElectrodeGroup")
            try h5.softLink(p + "/device", to: "/general/devices/device")
        }
        let t = Self.electrodesPath
        try h5.createGroup(t)
        try ids(t + "/id", electrodes.map { Int64($0.id) })
        try h5.writeStrings(t + "/location", electrodes.map { $0.location.isEmpty ? "unknown" : $0.location })
        try vectorData(t + "/location", description: "Location of the electrode (channel).")
        try h5.writeReferences(t + "/group", to: groupNames.map { "/general/extracellular_ephys/\($0)" })
        try vectorData(t + "/group", description: "Reference to the ElectrodeGroup.")
        try h5.writeStrings(t + "/group_name", groupNames)
        try vectorData(t + "/group_name", description: "Name of the ElectrodeGroup.")
        var colnames = ["location", "group", "group_name"]
        if electrodes.contains(where: { $0.x.isFinite || $0.y.isFinite || $0.z.isFinite }) {
            for (axis, values) in [("x", electrodes.map { $0.x }), ("y", electrodes.map { $0.y }), ("z", electrodes.map { $0.z })] {
                try h5.writeDoubles(t + "/" + axis, values, compress: false)
                try vectorData(t + "/" + axis, description: "\(axis) coordinate of the channel location in the brain (um).")
                colnames.append(axis)
            }
        }
        let reserved: Set<String> = ["id", "location", "group", "group_name", "x", "y", "z"]
        let extraNames = Set(electrodes.flatMap { $0.extra.keys }).subtracting(reserved).sorted()
        for name in extraNames where Self.validName(name) {
            try column(t + "/" + name, electrodes.map { $0.extra[name] }, description: name)
            colnames.append(name)
        }
        try h5.setAttribute(t, "colnames", strings: colnames)
        try h5.setAttribute(t, "description", "metadata about extracellular electrodes")
        try typed(t, "ElectrodesTable")
    }

    static func validName(_ s: String) -> Bool { !s.isEmpty && !s.contains("/") && !s.hasPrefix(".") }

    // MARK: units

    private func writeUnits() throws {
        guard !rec.units.isEmpty else { return }
        let t = "/units"
        try h5.createGroup(t)
        try ids(t + "/id", rec.units.map { $0.id })
        try h5.writeDoubles(t + "/spike_times", rec.spikes.times)
        try vectorData(t + "/spike_times", description: "the spike times for each unit in seconds")
        try h5.writeIndex(t + "/spike_times_index", rec.spikes.offsets.dropFirst().map { UInt64($0) })
        try vectorIndex(t + "/spike_times_index", target: t + "/spike_times")
        var colnames = ["spike_times"]

        if !electrodeRow.isEmpty, rec.units.contains(where: { $0.electrode != nil }) {
            var rows: [Int64] = [], index: [UInt64] = []
            for u in rec.units {
                if let e = u.electrode, let r = electrodeRow[e] { rows.append(Int64(r)) }
                index.append(UInt64(rows.count))
            }
            try h5.writeInt64s(t + "/electrodes", rows, compress: false)
            try region(t + "/electrodes", table: Self.electrodesPath, description: "the electrodes that each spike unit came from")
            try h5.writeIndex(t + "/electrodes_index", index)
            try vectorIndex(t + "/electrodes_index", target: t + "/electrodes")
            colnames.append("electrodes")
        }

        // waveform_mean: (units, samples) on the peak channel, or (units, samples, channels) when every unit has all.
        let waves = rec.units.map { $0.waveform }
        if let first = waves.compactMap({ $0 }).first {
            let samples = first.peakChannel.count
            let channels = first.allChannels?.count ?? 1
            let full = channels > 1 && waves.allSatisfy { w in
                guard let all = w?.allChannels else { return false }
                return all.count == channels && all.allSatisfy { $0.count == samples }
            }
            if waves.allSatisfy({ $0 == nil || $0!.peakChannel.count == samples }) && samples > 0 {
                var values: [Double] = []
                values.reserveCapacity(rec.units.count * samples * (full ? channels : 1))
                for w in waves {
                    if full, let all = w?.allChannels {
                        for s in 0..<samples { for c in 0..<channels { values.append(all[c][s]) } }
                    } else {
                        values += w?.peakChannel ?? [Double](repeating: .nan, count: samples)
                    }
                }
                let dims = full ? [rec.units.count, samples, channels] : [rec.units.count, samples]
                try h5.writeDoubles(t + "/waveform_mean", values, dims: dims, compress: false)
                try vectorData(t + "/waveform_mean", description: "the spike waveform mean for each spike unit")
                try h5.setAttribute(t + "/waveform_mean", "sampling_rate", first.samplingRate)
                try h5.setAttribute(t + "/waveform_mean", "unit", "volts")
                colnames.append("waveform_mean")
            }
        }

        let classCol = options.classColumn
        try h5.writeStrings(t + "/" + classCol, rec.units.map { NWBWriteOptions.label($0.cellClass) })
        try vectorData(t + "/" + classCol, description: "E/I class (excitatory, inhibitory, unclassified)")
        colnames.append(classCol)

        let reserved: Set<String> = ["id", "spike_times", "electrodes", "waveform_mean", "waveform_sd", classCol,
                                     "electrode_group", "obs_intervals"]
        let extraNames = Set(rec.units.flatMap { $0.extra.keys }).subtracting(reserved).sorted()
        for name in extraNames where Self.validName(name) && !name.hasSuffix("_index") {
            try column(t + "/" + name, rec.units.map { $0.extra[name] }, description: name)
            colnames.append(name)
        }
        try h5.setAttribute(t, "colnames", strings: colnames)
        try h5.setAttribute(t, "description", "units written by SymmetryEdge")
        try typed(t, "Units")
    }

    // MARK: intervals

    private func writeIntervals() throws {
        guard !rec.epochs.isEmpty else { return }
        try h5.createGroup("/intervals")
        let epochs = rec.epochs.sorted { ($0.start, $0.stop) < ($1.start, $1.stop) }
        let sleep: Set<String> = ["wake", "nrem_light", "nrem_deep", "rem", "sleep"]
        let seizure: Set<String> = ["preictal", "ictal", "postictal", "interictal", "healthy"]
        let states = Set(epochs.map { $0.state })
        let name = options.stateTable ?? (states.isSubset(of: sleep) ? "sleep_states"
                                          : states.isSubset(of: seizure) ? "seizure_states" : "states")
        for (table, label) in [("epochs", "tags"), (name, "state")] where Self.validName(table) {
            let t = "/intervals/" + table
            try h5.createGroup(t)
            try ids(t + "/id", (0..<Int64(epochs.count)).map { $0 })
            try h5.writeDoubles(t + "/start_time", epochs.map { $0.start }, compress: false)
            try vectorData(t + "/start_time", description: "Start time of epoch, in seconds")
            try h5.writeDoubles(t + "/stop_time", epochs.map { $0.stop }, compress: false)
            try vectorData(t + "/stop_time", description: "Stop time of epoch, in seconds")
            try h5.writeStrings(t + "/" + label, epochs.map { $0.state })
            if label == "tags" {
                try vectorData(t + "/tags", description: "user-defined tags")
                try h5.writeIndex(t + "/tags_index", (1...UInt64(epochs.count)).map { $0 })
                try vectorIndex(t + "/tags_index", target: t + "/tags")
            } else {
                try vectorData(t + "/state", description: "brain state (METHODS §0 vocabulary)")
            }
            try h5.setAttribute(t, "colnames", strings: ["start_time", "stop_time", label])
            try h5.setAttribute(t, "description", table == "epochs" ? "experimental epochs" : "state epochs [start, stop)")
            try typed(t, "TimeIntervals")
        }
    }

    // MARK: signals

    private func writeSignals() throws {
        var lfpCreated = false
        var used = Set<String>()
        for s in rec.signals {
            var name = Self.validName(s.name) ? s.name : "ElectricalSeries"
            while used.contains(name) { name += "_" }
            used.insert(name)
            let parent: String
            if s.name.lowercased().contains("lfp") {
                if !lfpCreated {
                    try h5.createGroup("/processing/ecephys")
                    try h5.setAttribute("/processing/ecephys", "description", "extracellular electrophysiology")
                    try typed("/processing/ecephys", "ProcessingModule")
                    try h5.createGroup("/processing/ecephys/LFP")
                    try typed("/processing/ecephys/LFP", "LFP")
                    lfpCreated = true
                }
                parent = "/processing/ecephys/LFP"
            } else {
                parent = "/acquisition"
            }
            let g = parent + "/" + name
            try h5.createGroup(g)
            switch s.storage {
            case .memory(let raw):
                guard raw.count == s.sampleCount * s.channelCount else {
                    throw RecordingError.invalidValue(file: finalPath, location: "series '\(s.name)'", field: "data",
                                                      reason: "\(raw.count) values for \(s.sampleCount)×\(s.channelCount)")
                }
                try h5.writeFloats(g + "/data", raw, dims: s.channelCount == 1 ? [s.sampleCount, 1] : [s.sampleCount, s.channelCount])
                try h5.setAttribute(g + "/data", "conversion", s.conversion)
                try h5.setAttribute(g + "/data", "offset", s.offset)
                try h5.setAttribute(g + "/data", "resolution", -1.0)
                try h5.setAttribute(g + "/data", "unit", "volts")
            case .nwb(let file, let dataset):
                try h5.copyDataset(from: file, dataset: dataset, to: g + "/data")
            }
            if let rate = s.rate {
                try h5.writeScalarDouble(g + "/starting_time", s.startingTime)
                try h5.setAttribute(g + "/starting_time", "rate", rate)
                try h5.setAttribute(g + "/starting_time", "unit", "seconds")
            } else {
                try h5.writeDoubles(g + "/timestamps", s.timestamps ?? [])
                try h5.setAttribute(g + "/timestamps", "interval", int32: 1)
                try h5.setAttribute(g + "/timestamps", "unit", "seconds")
            }
            let channelIDs = s.electrodes.count == s.channelCount ? s.electrodes : Array(electrodes.prefix(s.channelCount).map { $0.id })
            try h5.writeInt64s(g + "/electrodes", channelIDs.map { Int64(electrodeRow[$0] ?? 0) }, compress: false)
            try region(g + "/electrodes", table: Self.electrodesPath, description: "electrodes of the channels")
            if let cc = s.channelConversion, cc.count == s.channelCount {
                try h5.writeDoubles(g + "/channel_conversion", cc, compress: false)
                try h5.setAttribute(g + "/channel_conversion", "axis", int32: 1)
            }
            try h5.setAttribute(g, "comments", "no comments")
            try h5.setAttribute(g, "description", "\(s.name) (written by SymmetryEdge)")
            try typed(g, "ElectricalSeries")
        }
    }
}
