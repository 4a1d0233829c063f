import ArgumentParser
import Classification
import Foundation
import Recordings

/// `symedge classify`: E (regular spiking) / I (fast spiking) classes from waveforms (METHODS §1).
struct ClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Classify units as E (regular spiking) or I (fast spiking) from waveforms.",
        discussion: """
        Measures trough-to-peak and half-width of each unit's mean waveform (x10 cubic upsampling), clusters them \
        with k-means (k = 2, z-scored, 100 restarts, fixed seed) and prints a table per unit plus a summary. \
        Units that are positive, have fewer than 100 spikes (skipped for waveform-only files), no waveform, or lie \
        more than 2.5 pooled SD from their centroid are unclassified with the reason. With --connections, \
        cross-correlograms against 1000 jittered surrogates find putative monosynaptic connections and flag units \
        whose outgoing connection signs contradict their waveform class. Labels already in the file are kept and \
        their agreement is printed. The input file is never modified.
        """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "An NWB file or a plain-text recording folder.")
    var file: String

    @Option(name: .customLong("write-labels"), help: "Write a NEW NWB file with cell_class and the features as columns.")
    var writeLabels: String?

    @Flag(help: "Run the functional check (cross-correlograms, jittered surrogates).")
    var connections = false

    @Flag(help: "Print JSON instead of tables.")
    var json = false

    @Option(name: .customLong("class-column"), help: "Units column with input labels (default: auto-detect).")
    var classColumn: String?

    @Option(help: "Use this model (JSON from --save-model) when the file has too few units to fit one.")
    var model: String?

    @Option(name: .customLong("save-model"), help: "Save the fitted model as JSON.")
    var saveModel: String?

    @Option(help: "Seed of the k-means restarts and of the jitter surrogates.")
    var seed: UInt64 = 20_120_131

    @Option(help: "Jittered surrogates per directed pair.")
    var jitters: Int = 1000

    @Option(name: .customLong("pair-block"), help: "Only test pair block B of N (format B/N, 0-based), for splitting the check.")
    var pairBlock: String?

    func validate() throws {
        if let out = writeLabels {
            let a = URL(fileURLWithPath: out).standardizedFileURL.path
            let b = URL(fileURLWithPath: file).standardizedFileURL.path
            if a == b { throw ValidationError("--write-labels must name a new file, not the input \(file)") }
        }
        if jitters < 1 { throw ValidationError("--jitters must be at least 1") }
        if let pb = pairBlock, parseBlock(pb) == nil { throw ValidationError("--pair-block must look like 0/4") }
    }

    private func parseBlock(_ s: String) -> (Int, Int)? {
        let p = s.split(separator: "/")
        guard p.count == 2, let b = Int(p[0]), let n = Int(p[1]), n >= 1, b >= 0, b < n else { return nil }
        return (b, n)
    }

    func run() throws {
        let log = global.makeLogger("symedge.classify")
        let recording = try RecordingReader.read(file, options: ReadOptions(classColumn: classColumn))
        for w in recording.warnings { log.warning("\(w)") }
        var options = ClassifierOptions()
        options.seed = seed
        var given: WaveformClusterModel? = nil
        if let m = model {
            given = try JSONDecoder().decode(WaveformClusterModel.self, from: Data(contentsOf: URL(fileURLWithPath: m)))
        }
        var result = UnitClassifier.classify(recording, options: options, model: given)
        if result.waveformOnly {
            log.notice("\(file): no spike times and no spike_count column: the 100-spike rule is skipped (waveform-only)")
        }
        var check: ConnectionCheckResult? = nil
        if connections {
            var co = ConnectionOptions()
            co.jitterCount = jitters
            co.seed = seed
            let members = recording.units.indices.filter { recording.spikes.count(unit: $0) > 0 }
            let n = members.count
            let range = pairBlock.flatMap(parseBlock).map { ConnectionCheck.pairBlock($0.0, of: $0.1, units: n) }
            log.info("connection check: \(n) units, \(range?.count ?? ConnectionCheck.pairCount(units: n)) pairs, \(jitters) jitters")
            let r = ConnectionCheck.run(spikes: recording.spikes, ids: recording.units.map(\.id),
                                        electrodes: recording.units.map(\.electrode), units: members,
                                        pairs: range, options: co)
            let tested = ConnectionCheck.testedPairsPerUnit(members: members, unitCount: recording.units.count,
                                                            pairs: range)
            result.applyConnections(r.connections, tested: tested, options: co)
            check = r
        }
        if let s = saveModel {
            guard let m = result.model else { throw ValidationError("no model to save: too few classifiable units") }
            let enc = JSONEncoder(); enc.outputFormatting = [.prettyPrinted, .sortedKeys]
            try enc.encode(m).write(to: URL(fileURLWithPath: s), options: .atomic)
        }
        if let out = writeLabels {
            try NWBWriter.write(result.labelled(recording), to: out)
            log.info("wrote \(out)")
        }
        if json {
            let enc = JSONEncoder(); enc.outputFormatting = [.prettyPrinted, .sortedKeys]
            enc.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            let doc = ClassifyReport(result: result, connections: check)
            print(String(decoding: try enc.encode(doc), as: UTF8.self))
        } else {
            print(ClassifyTable.render(result, connections: check))
        }
    }
}

/// The JSON document of `symedge classify --json`.
struct ClassifyReport: Encodable {
    var result: ClassificationResult
    var connections: ConnectionCheckResult?

    enum CodingKeys: String, CodingKey {
        case source, options, units, model, modelFittedHere, waveformOnly, agreement, counts, rateRatioFSOverRS,
             centroidsMs, connections
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(result.source, forKey: .source)
        try c.encode(result.options, forKey: .options)
        try c.encode(result.units, forKey: .units)
        try c.encodeIfPresent(result.model, forKey: .model)
        try c.encode(result.modelFittedHere, forKey: .modelFittedHere)
        try c.encode(result.waveformOnly, forKey: .waveformOnly)
        try c.encodeIfPresent(result.agreement, forKey: .agreement)
        try c.encode(result.count, forKey: .counts)
        try c.encodeIfPresent(result.rateRatioFSOverRS, forKey: .rateRatioFSOverRS)
        if let m = result.model {
            try c.encode(["FS": m.fsCentroidMs, "RS": m.rsCentroidMs], forKey: .centroidsMs)
        }
        try c.encodeIfPresent(connections, forKey: .connections)
    }
}

/// Plain-text tables for `symedge classify`.
enum ClassifyTable {
    static func num(_ x: Double?, _ d: Int = 3) -> String {
        guard let x, x.isFinite else { return "-" }
        return String(format: "%.\(d)f", x)
    }

    static func render(_ r: ClassificationResult, connections: ConnectionCheckResult?) -> String {
        var lines: [String] = []
        let header = ["unit", "ttp_ms", "hw_ms", "rate_hz", "isi_cv", "burst", "acg_ms", "n_spikes", "dist_sd",
                      "class", "input", "flag", "reason"]
        var rows: [[String]] = [header]
        for u in r.units {
            let f = u.features
            let input = u.inputClass.map { "\($0.rawValue)(\(u.inputLabel ?? ""))" } ?? (u.inputLabel ?? "-")
            let flag = u.connectionContradiction.map { $0 ? "CONTRA" : "ok" } ?? "-"
            rows.append(["\(u.unitID)", num(f.troughToPeakMs), num(f.halfWidthMs), num(f.firingRateHz, 2),
                         num(f.isiCV, 2), num(f.burstIndex, 3), num(f.acgPeakMs, 1), f.spikeCount.map(String.init) ?? "-",
                         num(u.distanceSD, 2), u.predicted.rawValue + (u.cluster.map { "/\($0)" } ?? ""), input, flag,
                         u.reason.map { "\($0.rawValue): \(u.detail ?? "")" } ?? ""])
        }
        let widths = header.indices.map { c in rows.map { $0[c].count }.max() ?? 0 }
        for row in rows {
            lines.append(row.enumerated().map { c, v in
                c == row.count - 1 ? v : v.padding(toLength: widths[c], withPad: " ", startingAt: 0)
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces))
        }
        lines.append("")
        let c = r.count
        lines.append("summary: \(r.units.count) units: \(c["I"] ?? 0) I (FS), \(c["E"] ?? 0) E (RS), \(c["U"] ?? 0) unclassified")
        var reasons: [String: Int] = [:]
        for u in r.units where u.predicted == .unclassified { reasons[u.reason?.rawValue ?? "?", default: 0] += 1 }
        if !reasons.isEmpty {
            lines.append("unclassified: " + reasons.keys.sorted().map { "\($0) \(reasons[$0]!)" }.joined(separator: ", "))
        }
        if let m = r.model {
            lines.append("centroids (trough-to-peak, half-width) ms: FS (\(num(m.fsCentroidMs[0])), \(num(m.fsCentroidMs[1]))), "
                         + "RS (\(num(m.rsCentroidMs[0])), \(num(m.rsCentroidMs[1]))); "
                         + (r.modelFittedHere ? "fitted on \(m.fittedUnits) units" : "given model (\(m.fittedUnits) units)"))
        } else {
            lines.append("no model: too few classifiable units to fit k-means (use --model)")
        }
        lines.append("firing-rate ratio FS/RS: \(num(r.rateRatioFSOverRS, 2))")
        if r.waveformOnly { lines.append("waveform-only input: the spike-count rule was skipped") }
        if let a = r.agreement {
            let pct = a.fraction.map { String(format: "%.1f %%", 100 * $0) } ?? "-"
            lines.append("agreement with input labels: \(a.agreeing)/\(a.compared) (\(pct)); rows input E/I/U, columns predicted E/I/U: \(a.table)")
        }
        if let k = connections {
            let exc = k.connections.filter { $0.sign == .excitatory }.count
            lines.append("connections: \(k.connections.count) of \(k.pairsTested) directed pairs (\(exc) excitatory, \(k.connections.count - exc) inhibitory)")
            for x in k.connections {
                lines.append("  \(x.preID) -> \(x.postID)  \(x.sign.rawValue)  lag \(num(x.lagMs, 2)) ms  strength \(num(x.strength, 4))")
            }
            let flagged = r.units.filter { $0.connectionContradiction == true }.map { "\($0.unitID)" }
            lines.append("contradicting units: " + (flagged.isEmpty ? "none" : flagged.joined(separator: ", ")))
        }
        return lines.joined(separator: "\n")
    }
}
