import Analysis
import Foundation
import Recordings

extension ReportInput {
    /// Surrogates behind the collapse figure's surrogate reference band.
    public static let referenceSurrogates = 8

    /// For a sweep folder, which writes tables only: reads, for each state, the first recording of the
    /// manifest's inputs that has the state, and computes its collapse and partition curves (METHODS §3.4–3.5),
    /// the surrogate collapse reference of its first `referenceSurrogates` circular-shift surrogates (fewer when
    /// the sweep ran fewer; the same streams as the sweep's surrogates, seeded from the manifest's seed) and its
    /// E and I series at ≈ 67 ms, 299 ms, 1.3 s and 6 s (§2) from the observed data, so the per-state
    /// figures can be drawn. At most `limit` recordings are read. Returns one line per recording read or
    /// skipped, for logging; problems also go to `notes`.
    public mutating func addCurvesFromInputs(limit: Int = 4, parameters: AnalysisParameters? = nil) -> [String] {
        guard curves.isEmpty, let inputs = manifest?["inputs"] as? [[String: Any]] else { return [] }
        var p = parameters ?? AnalysisParameters()
        if parameters == nil, let mp = manifest?["parameters"] as? [String: Any] {
            if let n = mp["scaleCount"] as? NSNumber { p.scaleCount = n.intValue }
            if let n = mp["curvePoints"] as? NSNumber { p.curvePoints = n.intValue }
            if let n = mp["seed"] as? NSNumber { p.seed = n.uint64Value }
        }
        var surrogates = Self.referenceSurrogates
        if let n = (manifest?["parameters"] as? [String: Any])?["surrogateCount"] as? NSNumber {
            surrogates = min(surrogates, n.intValue)
        }
        var log: [String] = []
        var pending = states
        var read = 0
        var seen = Set<String>()
        for i in inputs where !pending.isEmpty && read < limit {
            guard let path = i["path"] as? String else { continue }
            let has = ((i["states"] as? [Any]) ?? []).map { "\($0)" }
            let wanted = pending.filter { has.contains($0) || (has.isEmpty && $0 == "all") }
            guard !wanted.isEmpty else { continue }
            let candidates = [path, root + "/" + path, (root as NSString).deletingLastPathComponent + "/" + path]
            guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
                notes.append("curves: input \(path) not found"); continue
            }
            guard seen.insert(found).inserted else { continue }
            read += 1
            do {
                var rec = try RecordingReader.read(found)
                if rec.epochs.isEmpty {
                    let span = rec.timeSpan
                    rec.epochs = [StateEpoch(start: span.lowerBound, stop: span.upperBound.nextUp, state: "all")]
                }
                let source = rec.session.isEmpty ? rec.subject : "\(rec.subject)/\(rec.session)"
                var done: [String] = []
                for state in wanted where rec.states.contains(state) {
                    for c in try StateAnalysis.curves(recording: rec, state: state, parameters: p) {
                        curves.append((source, AnalysisOutput.curveTable(state: state, c)))
                    }
                    let id = "\(rec.subject)/\(rec.session)"
                    for c in try StateAnalysis.collapseSurrogateReference(recording: rec, recordingID: id, state: state,
                                                                          parameters: p, count: surrogates) {
                        curves.append((source, AnalysisOutput.curveTable(state: state, c)))
                    }
                    for s in [15, 20, 25, 30] where s <= p.scaleCount {
                        let r = try StateAnalysis.ensembleSeries(recording: rec, state: state, scaleIndex: s)
                        series.append((source, SeriesTable(state: state, scaleIndex: s, e: Array(r.e.prefix(4096)),
                                                           i: Array(r.i.prefix(4096)))))
                    }
                    pending.removeAll { $0 == state }
                    done.append(state)
                }
                log.append(done.isEmpty ? "no wanted state in \(found)"
                                        : "curves and series of \(done.joined(separator: ", ")) from \(found)")
            } catch {
                notes.append("curves: \(found): \(error)")
                log.append("skipped \(found): \(error)")
            }
        }
        if !log.isEmpty {
            notes.append("Per-state curves and series computed by the report from the observed data of one recording per state (\(log.count) read).")
        }
        return log
    }
}
