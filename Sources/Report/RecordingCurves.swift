import Analysis
import Foundation
import Recordings

extension ReportInput {
    /// Surrogates behind the collapse figure's surrogate reference band.
    public static let referenceSurrogates = StatePipeline.collapseReferenceSurrogates

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
        if let n = (manifest?["parameters"] as? [String: Any])?["surrogateCount"] as? NSNumber {
            p.surrogateCount = n.intValue
        } else {
            p.surrogateCount = Self.referenceSurrogates
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
            let candidates = [path, root + "/" + path, URL(fileURLWithPath: root).standardizedFileURL.deletingLastPathComponent().path + "/" + path]
            guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
                notes.append("curves: input \(path) not found"); continue
            }
            guard seen.insert(found).inserted else { continue }
            read += 1
            do {
                let rec = StatePipeline.withPseudoState(try RecordingReader.read(found)).recording
                let source = rec.session.isEmpty ? rec.subject : "\(rec.subject)/\(rec.session)"
                var done: [String] = []
                for state in wanted where rec.states.contains(state) {
                    let id = "\(rec.subject)/\(rec.session)"
                    for c in try StatePipeline.curves(recording: rec, recordingID: id, state: state, parameters: p) {
                        curves.append((source, AnalysisOutput.curveTable(state: state, c)))
                    }
                    let made = StatePipeline.series(recording: rec, state: state, parameters: p)
                    series += made.tables.map { (source, $0) }
                    if let failure = made.failure { throw failure.error }
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
