import Classification
import Foundation
import Recordings
import XCTest

/// Validation on real recordings (`../shared/data`, see docs/classification.md):
/// a1 — opto-tagged / juxtacellular ground-truth cells (CellExplorer), pooled into one k-means fit;
/// a2 — two rat CA1 sessions, each fitted on its own, against CellExplorer's putative types.
/// Prints the tables of docs/classification.md. The asserted figures are the achieved ones (regression guards).
final class RealDataValidationTests: XCTestCase {
    struct Pooled {
        var features: [UnitFeatures] = []
        var units: [Recordings.Unit] = []
        var files: [String] = []
    }

    func folder(_ prefix: String) throws -> URL {
        guard let data = sharedData else { throw XCTSkip("real data folder ../shared/data is absent") }
        let names = try FileManager.default.contentsOfDirectory(atPath: data.path)
        guard let f = names.first(where: { $0.hasPrefix(prefix) }) else { throw XCTSkip("\(prefix)* not in \(data.path)") }
        return data.appendingPathComponent(f)
    }

    /// Pooled features per folder, read once per test run.
    nonisolated(unsafe) static var cache: [String: Pooled] = [:]

    func pool(_ dir: URL) throws -> Pooled {
        if let p = Self.cache[dir.path] { return p }
        var p = Pooled()
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".nwb") }.sorted()
        for name in names {
            let rec = try RecordingReader.read(dir.appendingPathComponent(name).path)
            let (f, _) = UnitClassifier.features(of: rec)
            var seen: [[Double]] = []
            for i in rec.units.indices {
                // YMV01_170818 holds the same cell twice (README): count it once.
                if let w = rec.units[i].waveform?.peakChannel {
                    if seen.contains(w) { continue }
                    seen.append(w)
                }
                p.features.append(f[i]); p.units.append(rec.units[i]); p.files.append(name)
            }
        }
        Self.cache[dir.path] = p
        return p
    }

    static func text(_ u: Recordings.Unit, _ key: String) -> String {
        if case .text(let s)? = u.extra[key] { return s }
        return "?"
    }

    /// rows label → (FS, RS, unclassified)
    static func confusion(_ r: ClassificationResult, units: [Recordings.Unit], key: String,
                          map: (String) -> String = { $0 }) -> [(String, [Int])] {
        var t: [String: [Int]] = [:]
        for (u, c) in zip(units, r.units) {
            let label = map(text(u, key))
            let col = c.predicted == .inhibitory ? 0 : c.predicted == .excitatory ? 1 : 2
            t[label, default: [0, 0, 0]][col] += 1
        }
        return t.keys.sorted().map { ($0, t[$0]!) }
    }

    static func markdown(_ rows: [(String, [Int])], title: String) -> String {
        var s = "| \(title) | n | FS (I) | RS (E) | unclassified | % FS |\n|---|---|---|---|---|---|\n"
        for (k, v) in rows {
            let n = v.reduce(0, +)
            s += "| \(k) | \(n) | \(v[0]) | \(v[1]) | \(v[2]) | \(String(format: "%.0f", 100 * Double(v[0]) / Double(max(1, n)))) |\n"
        }
        return s
    }

    func testGroundTruthCellsPooled() throws {
        let dir = try folder("a1_")
        let p = try pool(dir)
        XCTAssertEqual(p.units.count, 105)  // 106 rows, one duplicate
        let opts = ClassifierOptions()
        let r = UnitClassifier.classify(features: p.features, units: p.units, source: "a1 pooled", options: opts)
        let rows = Self.confusion(r, units: p.units, key: "gt_label")
        print("a1 pooled k-means, centroids FS \(r.model!.fsCentroidMs) RS \(r.model!.rsCentroidMs), fitted on \(r.model!.fittedUnits)")
        print(Self.markdown(rows, title: "ground truth (a1, pooled fit)"))
        var reasons: [String: Int] = [:]
        for u in r.units where u.predicted == .unclassified { reasons["\(u.reason!)", default: 0] += 1 }
        print("unclassified reasons: \(reasons)")
        let d = Dictionary(uniqueKeysWithValues: rows)
        let pvAxo = ["PV", "PV|VGAT", "Axo_Axonic"].compactMap { d[$0] }
        let fs = pvAxo.map { $0[0] }.reduce(0, +), n = pvAxo.map { $0.reduce(0, +) }.reduce(0, +)
        print("PV + axo-axonic → FS: \(fs)/\(n) = \(Double(fs) / Double(n))")
        XCTAssertGreaterThanOrEqual(Double(fs) / Double(n), 0.90, "PV and axo-axonic cells must be FS")
        // Pyramidal ground truth: none may be called FS.
        XCTAssertEqual(d["Pyramidal"]?[0], 0)
    }

    func testCA1SessionsAgainstCellExplorerTypes() throws {
        let dir = try folder("a2_")
        var lines = "| session | narrow → FS | pyramidal → RS | agreement (classified narrow + pyramidal) | unclassified | wide interneuron FS / RS / U |\n|---|---|---|---|---|---|\n"
        for name in ["MS21_180718.nwb", "MS22_180629.nwb"] {
            let rec = try RecordingReader.read(dir.appendingPathComponent(name).path)
            let r = UnitClassifier.classify(rec)
            XCTAssertTrue(r.waveformOnly == false || rec.spikes.spikeCount == 0)
            var narrow = [0, 0, 0], pyr = [0, 0, 0], wide = [0, 0, 0]
            for (u, c) in zip(rec.units, r.units) {
                let t = Self.text(u, "cellexplorer_putative_type")
                let col = c.predicted == .inhibitory ? 0 : c.predicted == .excitatory ? 1 : 2
                if t.hasPrefix("Narrow") { narrow[col] += 1 } else if t.hasPrefix("Pyramidal") { pyr[col] += 1 } else { wide[col] += 1 }
            }
            let agree = narrow[0] + pyr[1], compared = narrow[0] + narrow[1] + pyr[0] + pyr[1]
            let frac = Double(agree) / Double(compared)
            lines += "| \(name) | \(narrow[0])/\(narrow.reduce(0, +)) | \(pyr[1])/\(pyr.reduce(0, +)) | \(agree)/\(compared) = \(String(format: "%.1f", 100 * frac)) % | \(narrow[2] + pyr[2] + wide[2]) | \(wide[0]) / \(wide[1]) / \(wide[2]) |\n"
            print("\(name): centroids FS \(r.model!.fsCentroidMs) RS \(r.model!.rsCentroidMs); reasons "
                  + "\(Dictionary(grouping: r.units.compactMap { $0.reason?.rawValue }, by: { $0 }).mapValues(\.count))")
            XCTAssertGreaterThanOrEqual(frac, 0.90, "\(name): narrow interneuron vs pyramidal agreement")
            XCTAssertGreaterThanOrEqual(Double(compared) / Double(narrow.reduce(0, +) + pyr.reduce(0, +)), 0.9,
                                        "\(name): at least 90 % of narrow + pyramidal units classified")
        }
        print(lines)
    }

    func testCA1ModelAppliedToGroundTruth() throws {
        // Out-of-sample: a model fitted on the two CA1 sessions pooled classifies the a1 cells.
        let ca1 = try pool(try folder("a2_"))
        let fit = UnitClassifier.classify(features: ca1.features, units: ca1.units, source: "a2 pooled", options: ClassifierOptions())
        let model = try XCTUnwrap(fit.model)
        var opts = ClassifierOptions()
        opts.minUnitsToFit = Int.max  // never refit: use the CA1 model
        let gt = try pool(try folder("a1_"))
        let r = UnitClassifier.classify(features: gt.features, units: gt.units, source: "a1 with CA1 model",
                                        options: opts, model: model)
        XCTAssertFalse(r.modelFittedHere)
        let rows = Self.confusion(r, units: gt.units, key: "gt_label")
        print("CA1 model centroids FS \(model.fsCentroidMs) RS \(model.rsCentroidMs)")
        print(Self.markdown(rows, title: "ground truth (a1, CA1 model)"))
        let d = Dictionary(uniqueKeysWithValues: rows)
        let pvAxo = ["PV", "PV|VGAT", "Axo_Axonic"].compactMap { d[$0] }
        let fs = pvAxo.map { $0[0] }.reduce(0, +), n = pvAxo.map { $0.reduce(0, +) }.reduce(0, +)
        print("CA1 model: PV + axo-axonic → FS: \(fs)/\(n)")
        XCTAssertGreaterThanOrEqual(Double(fs) / Double(n), 0.80)
    }
}
