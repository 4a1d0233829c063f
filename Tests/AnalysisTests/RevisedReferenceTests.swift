import Foundation
import XCTest

/// `symedge analyze` against the independent NumPy/SciPy reference of the revised METHODS §2–4 and §3.7
/// (`Tests/python/revised_reference.py`, issue #14): every per-scale measure of §3.1–3.6 at every scale and the §4
/// order parameters at 1e-9 relative, the 30 glcm_* features at 1e-6.
///
/// The recording is the reference's `edges` fixture: two states over five epochs that start on 30 kHz ticks that
/// are not multiples of any Δt_s, bulk spikes on 30 kHz ticks, spikes on, 1 ulp below and 1e-9 bin below edges of
/// every scale, stops on a scale-20 edge 1 ulp low and 1e-9 of a scale-7 bin below an edge, epoch lengths that are
/// not multiples of the scale-20 width. Each test also checks, with the reference's variant for the rule before
/// 2026-12 (old edge rule, population divisor, spread over every scale, θ̄ over every scale, centre-rule
/// resampling), that the old rule gives a value outside the tolerance, so the test fails on the old code.
/// Uses `SYMEDGE_BIN` (else `<repo>/.build/release/symedge`) and `SYMEDGE_PYTHON` (else `<repo>/.venv/bin/python`).
final class RevisedReferenceTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Reference variants computed in one run of the script ("new" is the revised METHODS).
    /// `spread_median=fine` and `resample=float` are readings METHODS does not make, used only to say in a failure
    /// message what the program did instead.
    static let variants = ["new", "edge=old", "ddof=0", "spread=old,glcm=skip", "theta=all,glcm=skip",
                           "resample=centre", "spread_median=fine,glcm=skip", "resample=float"]

    /// One value per (state, scale or nil, measure) from the program, and the reference results per variant.
    struct Run {
        var program: [String: Double?] = [:]
        var reference: [String: [String: Any]] = [:]     // variant → state → result
        var epochs: [String: [(Double, Double)]] = [:]
    }

    nonisolated(unsafe) static var cached: Result<Run, Error>?

    static func key(_ state: String, _ scale: Int?, _ measure: String) -> String {
        "\(state)|\(scale.map(String.init) ?? "")|\(measure)"
    }

    static func tool(_ env: String, _ fallback: String) throws -> String {
        let p = ProcessInfo.processInfo.environment[env] ?? root.appendingPathComponent(fallback).path
        guard FileManager.default.isExecutableFile(atPath: p) else { throw XCTSkip("no \(fallback) at \(p) (set \(env))") }
        return p
    }

    static func exec(_ exe: String, _ args: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        let err = FileManager.default.temporaryDirectory.appendingPathComponent("revref-\(UUID().uuidString).err")
        FileManager.default.createFile(atPath: err.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: err) }
        p.standardError = try FileHandle(forWritingTo: err)
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            let text = (try? String(contentsOf: err, encoding: .utf8)) ?? ""
            throw NSError(domain: "\(exe) \(args.prefix(2).joined(separator: " ")) exited \(p.terminationStatus): \(text)",
                          code: Int(p.terminationStatus))
        }
    }

    /// Header-indexed rows of one of the program's CSV tables (no quoted fields in the columns read here).
    static func table(_ path: String) throws -> [[String: String]] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        guard let head = lines.first?.split(separator: ",", omittingEmptySubsequences: false).map(String.init) else { return [] }
        return lines.dropFirst().map { line in
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            var row: [String: String] = [:]
            for (i, h) in head.enumerated() where i < f.count { row[h] = f[i] }
            return row
        }
    }

    static func prepare() throws -> Run {
        if let c = cached { return try c.get() }
        let bin = try tool("SYMEDGE_BIN", ".build/release/symedge")
        let py = try tool("SYMEDGE_PYTHON", ".venv/bin/python")
        let result = Result<Run, Error> {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("symedge-revref-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            let script = root.appendingPathComponent("Tests/python/revised_reference.py").path
            let rec = dir.appendingPathComponent("edges").path, out = dir.appendingPathComponent("out").path
            let refPath = dir.appendingPathComponent("ref.json").path
            try exec(py, [script, "fixture", "edges", rec])
            try exec(bin, ["analyze", rec, "--out", out, "--surrogates", "0", "--log-level", "error"])
            try exec(py, [script, "analyze", rec, refPath, "--variants", variants.joined(separator: ";")])
            var run = Run()
            for r in try table(out + "/measures.csv") + table(out + "/order_parameters.csv") {
                let v = r["value"].flatMap { $0.isEmpty ? nil : Double($0) }
                run.program[key(r["state"]!, r["scale_index"].flatMap { Int($0) }, r["measure"]!)] = .some(v)
            }
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: refPath))) as! [String: Any]
            for (name, v) in json["variants"] as! [String: Any] {
                run.reference[name] = (v as! [String: Any])["states"] as? [String: Any]
            }
            for r in try table(rec + "/states.csv") {
                run.epochs[r["state"]!, default: []].append((Double(r["start_s"]!)!, Double(r["stop_s"]!)!))
            }
            return run
        }
        cached = result
        return try result.get()
    }

    /// A reference value: per-scale (`scale` ≥ 1), order parameter ("order") or glcm ("glcm") section.
    static func ref(_ run: Run, _ variant: String, _ state: String, _ scale: Int?, _ measure: String) -> Double? {
        guard let st = run.reference[variant]?[state] as? [String: Any] else { return nil }
        if let s = scale { return ((st["scales"] as? [String: Any])?[String(s)] as? [String: Any])?[measure] as? Double }
        let section = measure.hasPrefix("glcm_") ? "glcm" : "order"
        return (st[section] as? [String: Any])?[measure] as? Double
    }

    /// |a − b| ≤ tol·|b| (exact 0 wants |a| ≤ 1e-12).
    static func agrees(_ a: Double, _ b: Double, _ tol: Double) -> Bool {
        b == 0 ? abs(a) <= 1e-12 : abs(a - b) <= tol * abs(b)
    }

    static let scaleMeasures = ["ks_d", "qq_slope", "qq_intercept", "qq_r2", "pearson_r", "pca_angle_deg",
                                "pca_anisotropy", "orthogonal_width", "pair_asymmetry", "collapse_depth",
                                "collapse_argmin", "partition_gini_e", "partition_gini_i", "xcorr_peak",
                                "xcorr_peak_lag_ms", "fluctuation_variance"]
    static let orderParameters = ["variance_beta", "variance_beta_se", "collapse_spread", "r_bar", "theta_bar_deg",
                                  "width_scale20", "asymmetry_mean", "xcorr_lag_scale10_ms"]
    static let glcmNames = ["contrast", "dissimilarity", "homogeneity", "energy", "entropy", "correlation"]
        .flatMap { f in (1 ... 5).map { "glcm_\(f)_d\($0)" } }

    var states: [String] { ["nrem_light", "wake"] }

    /// Program value = reference value within `tol` for every (state, scale, measure) given.
    func assertAgree(_ run: Run, _ items: [(String, Int?, String)], tol: Double, file: StaticString = #filePath,
                     line: UInt = #line) {
        for (st, s, m) in items {
            let want = Self.ref(run, "new", st, s, m)
            guard let entry = run.program[Self.key(st, s, m)] else {
                XCTFail("\(st) scale \(s.map(String.init) ?? "-") \(m): not in the program's tables", file: file, line: line)
                continue
            }
            switch (entry, want) {
            case (nil, nil): continue
            case let (got?, want?):
                XCTAssertTrue(Self.agrees(got, want, tol),
                              "\(st) scale \(s.map(String.init) ?? "-") \(m): program \(got), reference \(want), rel \(abs(got - want) / max(abs(want), 1e-300))",
                              file: file, line: line)
            default:
                XCTFail("\(st) scale \(s.map(String.init) ?? "-") \(m): program \(String(describing: entry)), reference \(String(describing: want))",
                        file: file, line: line)
            }
        }
    }

    /// The old rule's value (reference `variant`) lies outside `tol` of the revised one for every item, so the
    /// program as it was before 2026-12 fails the comparison.
    func assertSeparates(_ run: Run, _ variant: String, _ items: [(String, Int?, String)], tol: Double,
                         file: StaticString = #filePath, line: UInt = #line) {
        for (st, s, m) in items {
            guard let new = Self.ref(run, "new", st, s, m) else { continue }
            let old = Self.ref(run, variant, st, s, m)
            XCTAssertFalse(old.map { Self.agrees($0, new, 10 * tol) } ?? false,
                           "\(st) scale \(s.map(String.init) ?? "-") \(m): \(variant) gives \(String(describing: old)), revised \(new): the fixture does not separate them",
                           file: file, line: line)
        }
    }

    func items(_ names: [String], scales: ClosedRange<Int>? = 1 ... 32) -> [(String, Int?, String)] {
        states.flatMap { st in names.flatMap { m in scales.map { r in r.map { (st, Optional($0), m) } } ?? [(st, nil, m)] } }
    }

    // MARK: §3.1–3.6 and the edge rule

    func testPerScaleMeasuresAgreeAtEveryScale() throws {
        let run = try Self.prepare()
        assertAgree(run, items(Self.scaleMeasures), tol: 1e-9)
    }

    func testEdgeRuleSeparatesOldFromNewAtEveryScale() throws {
        let run = try Self.prepare()
        // The measures that move with a single count: pearson_r and fluctuation_variance at every scale.
        assertAgree(run, items(["pearson_r", "fluctuation_variance", "orthogonal_width"]), tol: 1e-9)
        assertSeparates(run, "edge=old", items(["pearson_r", "fluctuation_variance"]), tol: 1e-9)
    }

    // MARK: §2 sample divisor

    func testSampleDivisorKMinusOne() throws {
        let run = try Self.prepare()
        let names = ["orthogonal_width", "fluctuation_variance", "collapse_depth"]
        assertAgree(run, items(names), tol: 1e-9)
        assertSeparates(run, "ddof=0", items(names), tol: 1e-9)
        assertAgree(run, items(["width_scale20"], scales: nil), tol: 1e-9)
        assertSeparates(run, "ddof=0", items(["width_scale20"], scales: nil), tol: 1e-9)
    }

    // MARK: §3.4 / §4 collapse spread and θ̄

    /// METHODS §3.4: the median curve is the pointwise median over every scale with a defined depth; the spread is
    /// the mean over scales 10–32 of each scale's RMS distance from it.
    func testCollapseSpreadRMSOverScales10To32() throws {
        let run = try Self.prepare()
        assertAgree(run, items(["collapse_spread"], scales: nil), tol: 1e-9)
        for st in states {
            guard let got = run.program[Self.key(st, nil, "collapse_spread")] ?? nil,
                  let fine = Self.ref(run, "spread_median=fine,glcm=skip", st, nil, "collapse_spread"),
                  let want = Self.ref(run, "new", st, nil, "collapse_spread"), !Self.agrees(got, want, 1e-9) else { continue }
            XCTAssertFalse(Self.agrees(got, fine, 1e-9),
                           "\(st): the program's collapse_spread \(got) takes the median curve over scales 10–32 only; METHODS §3.4 takes it over every scale with a defined depth (\(want))")
        }
        assertSeparates(run, "spread=old,glcm=skip", items(["collapse_spread"], scales: nil), tol: 1e-9)
    }

    func testThetaBarOverScales10To32() throws {
        let run = try Self.prepare()
        assertAgree(run, items(["theta_bar_deg"], scales: nil), tol: 1e-9)
        assertSeparates(run, "theta=all,glcm=skip", items(["theta_bar_deg"], scales: nil), tol: 1e-9)
    }

    func testOrderParametersAgree() throws {
        let run = try Self.prepare()
        // collapse_spread has its own test.
        assertAgree(run, items(Self.orderParameters.filter { $0 != "collapse_spread" }, scales: nil), tol: 1e-9)
    }

    // MARK: §3.7 overlap-weighted resampling

    func testCooccurrenceOverlapWeightedResampling() throws {
        let run = try Self.prepare()
        let w20 = exp(0.3 * 19) / 1000
        for st in states {
            // An epoch whose length is not a multiple of the scale-20 width, in every state.
            let frac = run.epochs[st]!.map { ($0.1 - $0.0) / w20 }.map { $0 - $0.rounded(.down) }
            XCTAssertTrue(frac.contains { $0 > 1e-3 && $0 < 1 - 1e-3 }, "\(st): no epoch with a partial scale-20 bin")
            // The comparison is well posed: no resampled value within 1e-12 of a quantisation edge unless equal to it.
            let fragile = (run.reference["new"]?[st] as? [String: Any])?["fragile_cells"] as? Int
            XCTAssertEqual(fragile, 0, "\(st): reference values near a quantisation edge")
        }
        assertAgree(run, items(Self.glcmNames, scales: nil), tol: 1e-6)
        // Diagnose a disagreement: does the program equal the overlap-weighted z average in plain doubles?
        for st in states {
            let off = Self.glcmNames.filter { m in
                guard let got = run.program[Self.key(st, nil, m)] ?? nil, let want = Self.ref(run, "new", st, nil, m) else { return false }
                return !Self.agrees(got, want, 1e-6)
            }
            guard !off.isEmpty else { continue }
            let float = off.allSatisfy { m in
                guard let got = run.program[Self.key(st, nil, m)] ?? nil, let f = Self.ref(run, "resample=float", st, nil, m) else { return false }
                return Self.agrees(got, f, 1e-9)
            }
            let near = (run.reference["resample=float"]?[st] as? [String: Any])?["fragile_cells"] as? Int ?? -1
            XCTAssertFalse(float, """
                \(st): \(off.count) glcm_* values equal the overlap-weighted average of the z-scores in plain doubles, \
                where \(near) resampled values lie within 1e-12 of a quantisation edge without being equal to it: \
                averages that are equal in exact arithmetic (e.g. a B covered by one bin, or by bins whose end bins \
                are empty) come out different in the last bits, and an edge on such a tied value splits the tie. \
                METHODS §3.7 levels are of the exact averages: form them so that equal exact averages give equal \
                doubles (the reference averages the counts over edges k·Δt_s, m·Δt_20 in exact integer arithmetic, \
                rounds once, then z-scores), or tie-breaking decides the levels.
                """)
        }
        // Centre-rule resampling (before 2026-12) moves most features well beyond 1e-6; require it of a majority.
        var separated = 0, total = 0
        for st in states {
            for m in Self.glcmNames {
                guard let new = Self.ref(run, "new", st, nil, m) else { continue }
                total += 1
                if let old = Self.ref(run, "resample=centre", st, nil, m), Self.agrees(old, new, 1e-5) { continue }
                separated += 1
            }
        }
        XCTAssertGreaterThan(separated, total * 3 / 4, "centre-rule resampling separates only \(separated) of \(total)")
    }
}
