import TestSupport
import XCTest
import Foundation
import Analysis

/// Deterministic CSV text: exact headers, sorted rows, round-trip numbers, quoting, empty fields for nil.
final class TidyCSVTests: XCTestCase {
    func sampleSummary(state: String, seedValue: Double) -> StateSummary {
        var obs = MeasureSet()
        for s in 1...4 {
            obs.values[MeasureKey("pearson_r", scale: s)] = seedValue / Double(s)
            obs.values[MeasureKey("ks_d", scale: s)] = 0.1 * Double(s) + seedValue
        }
        obs.set(MeasureKey("partition_gini_i", scale: 2), nil, reason: "no I units, in \"this\" state")
        obs.values[MeasureKey("glcm_entropy_d2")] = 3.25
        obs.values[MeasureKey("r_bar")] = 0.5
        obs.values[MeasureKey("collapse_spread")] = 0.01
        obs.values[MeasureKey("theta_bar_deg")] = 1.0 / 3.0
        var sur: [Member: MeasureSet] = [:]
        for i in 0..<5 {
            var m = MeasureSet()
            for (k, v) in obs.values { m.values[k] = v * (0.5 + 0.1 * Double(i)) - 0.2 }
            sur[.surrogate(.isiPermutation, i)] = m
            sur[.surrogate(.circularShift, i)] = m
        }
        var p = AnalysisParameters()
        p.surrogateCount = 5
        return StateAnalysis.summarize(subject: "subj,1", session: "sess", state: state, observed: obs,
                                       surrogates: sur, parameters: p)
    }

    func testHeadersAreExactlyTheContract() {
        let m = TidyCSV.measures([]), o = TidyCSV.orderParameters([])
        XCTAssertEqual(m, "subject,session,state,scale_index,dt_ms,measure,value,surrogate_mean,surrogate_sd,z\n")
        XCTAssertEqual(o, "subject,session,state,measure,value,surrogate_mean,surrogate_sd,z\n")
    }

    func testNumberFormattingRoundTripsAndEmptiesNonFinite() {
        for v in [0.1, 1.0 / 3.0, 5.0, 1e-300, -2.5e17, Double.leastNonzeroMagnitude, .pi, 123456789.125] {
            let t = TidyCSV.number(v)
            XCTAssertEqual(Double(t), v, t)
        }
        XCTAssertEqual(TidyCSV.number(5), "5.0")
        XCTAssertEqual(TidyCSV.number(-0.0), "0.0")
        XCTAssertEqual(TidyCSV.number(nil), "")
        XCTAssertEqual(TidyCSV.number(.nan), "")
        XCTAssertEqual(TidyCSV.number(.infinity), "")
    }

    func testRowOrderDoesNotChangeBytes() {
        let a = sampleSummary(state: "wake", seedValue: 0.7), b = sampleSummary(state: "nrem_deep", seedValue: 0.2)
        var t1 = TidyTables(); t1.append(a); t1.append(b)
        var t2 = TidyTables(); t2.append(b); t2.append(a)
        t2.measures.reverse(); t2.missing.shuffle(); t2.orderParameters.shuffle()
        XCTAssertEqual(TidyCSV.measures(t1.measures), TidyCSV.measures(t2.measures))
        XCTAssertEqual(TidyCSV.orderParameters(t1.orderParameters), TidyCSV.orderParameters(t2.orderParameters))
        XCTAssertEqual(TidyCSV.verdicts(t1.verdicts), TidyCSV.verdicts(t2.verdicts))
        XCTAssertEqual(TidyCSV.missing(t1.missing), TidyCSV.missing(t2.missing))
        // Sorted: nrem_deep before wake, scales ascending within a measure, empty scale first.
        let lines = TidyCSV.measures(t1.measures).split(separator: "\n")
        XCTAssertTrue(lines[1].hasPrefix("\"subj,1\",sess,nrem_deep,,,glcm_entropy_d2,3.25,"), String(lines[1]))
        XCTAssertTrue(lines[2].contains(",nrem_deep,1,1.0,ks_d,"), String(lines[2]))
        XCTAssertTrue(lines[3].contains(",nrem_deep,2,\(TidyCSV.number(exp(0.3))),ks_d,"), String(lines[3]))
        // Order parameters follow METHODS §4 order, verdict last.
        let o = TidyCSV.orderParameters(t1.orderParameters).split(separator: "\n").filter { $0.contains(",wake,") }
        XCTAssertEqual(o.map { String($0.split(separator: ",")[4]) },
                       ["collapse_spread", "r_bar", "theta_bar_deg", "balance_symmetry"])
        XCTAssertTrue(o.last!.hasSuffix(",balance_symmetry,1,,,") || o.last!.hasSuffix(",balance_symmetry,0,,,"),
                      String(o.last!))
    }

    func testWriteReadRoundTrip() throws {
        var t = TidyTables()
        let s = sampleSummary(state: "wake", seedValue: 0.7)
        t.append(s)
        let m = try TidyCSV.readMeasures(TidyCSV.measures(t.measures))
        XCTAssertEqual(Set(m.map { "\($0)" }), Set(t.measures.map { "\($0)" }))
        let o = try TidyCSV.readOrderParameters(TidyCSV.orderParameters(t.orderParameters))
        XCTAssertEqual(o.count, t.orderParameters.count)
        XCTAssertEqual(try TidyCSV.readVerdicts(TidyCSV.verdicts(t.verdicts)), t.verdicts)
        let mi = try TidyCSV.readMissing(TidyCSV.missing(t.missing))
        XCTAssertTrue(mi.contains { $0.reason == "value: no I units, in \"this\" state" })
        XCTAssertEqual(mi.count, t.missing.count)
    }

    func testReadersNameFileLineAndField() {
        let bad = TidyCSV.measuresHeader.joined(separator: ",") + "\ns,x,wake,1,1.0,ks_d,abc,,,\n"
        XCTAssertThrowsError(try TidyCSV.readMeasures(bad, file: "m.csv")) { e in
            XCTAssertEqual("\(e)", "m.csv:2: field 'value' is not a number: 'abc'")
        }
        XCTAssertThrowsError(try TidyCSV.readMeasures("a,b\n", file: "m.csv"))
        XCTAssertThrowsError(try TidyCSV.parse("a,\"b\n", file: "q.csv")) { e in
            XCTAssertEqual(e as? TidyCSVError, .unterminatedQuote(file: "q.csv", line: 2))
        }
    }

    func testOutputFolderIsByteIdenticalAcrossRunsAndAtomic() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("tidycsv-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: base) }
        func run(_ dir: String, reversed: Bool) throws {
            var t = TidyTables()
            let parts = [sampleSummary(state: "wake", seedValue: 0.7), sampleSummary(state: "rem", seedValue: 0.3)]
            for s in reversed ? parts.reversed() : parts { t.append(s) }
            let curve = StateCurve(kind: "collapse", scaleIndex: 3, x: [0, 0.5, 1], y: [0, -0.25, 0])
            try AnalysisOutput.write(t, curves: [("wake", curve)],
                                     series: [SeriesTable(state: "wake", scaleIndex: 15, e: [1, 2], i: [0.5, 0.25])],
                                     cohort: CohortStatistics.compute(t.orderParameters, resamples: 50, seed: 1),
                                     to: dir)
        }
        try run(base + "/a", reversed: false)
        try run(base + "/b", reversed: true)
        let fm = FileManager.default
        let files = try fm.subpathsOfDirectory(atPath: base + "/a").sorted()
        XCTAssertEqual(files, try fm.subpathsOfDirectory(atPath: base + "/b").sorted())
        XCTAssertTrue(files.contains("curves/wake_collapse_s03.csv"), "\(files)")
        XCTAssertTrue(files.contains("series/wake_s15.csv"), "\(files)")
        XCTAssertFalse(files.contains { $0.contains(".tmp") }, "temporary files left: \(files)")
        for f in files where !f.hasSuffix("curves") && !f.hasSuffix("series") {
            let a = try Data(contentsOf: URL(fileURLWithPath: base + "/a/" + f))
            let b = try Data(contentsOf: URL(fileURLWithPath: base + "/b/" + f))
            XCTAssertEqual(a, b, f)
        }
        let curve = try String(contentsOfFile: base + "/a/curves/wake_collapse_s03.csv", encoding: .utf8)
        XCTAssertEqual(curve, "x,y\n0.0,0.0\n0.5,-0.25\n1.0,0.0\n")
    }

    func testPythonCsvModuleReadsTheSameValues() throws {
        let python = try Repository.python()
        var t = TidyTables()
        t.append(sampleSummary(state: "wake", seedValue: 0.7))
        let text = TidyCSV.measures(t.measures)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = ["-c", """
            import csv, sys
            rows = list(csv.DictReader(sys.stdin))
            print(len(rows)); print(rows[0]['subject'])
            print(sum(float(r['value']) for r in rows if r['value']).hex())
            """]
        let inp = Pipe(), out = Pipe()
        p.standardInput = inp; p.standardOutput = out
        try p.run()
        inp.fileHandleForWriting.write(Data(text.utf8)); try inp.fileHandleForWriting.close()
        p.waitUntilExit()
        let lines = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .split(separator: "\n").map(String.init)
        XCTAssertEqual(p.terminationStatus, 0)
        XCTAssertEqual(lines[0], "\(t.measures.count)")
        XCTAssertEqual(lines[1], "subj,1")
        // Same summation order as Python (file order).
        let parsed = try TidyCSV.readMeasures(text)
        let sum = parsed.compactMap(\.value).reduce(0, +)
        XCTAssertEqual(lines[2], pythonHex(sum))
    }

    /// Python's float.hex() text of a double.
    func pythonHex(_ v: Double) -> String {
        if v == 0 { return v.sign == .minus ? "-0x0.0p+0" : "0x0.0p+0" }
        let sign = v < 0 ? "-" : ""
        let e = v.exponent, m = v.significandBitPattern
        var hex = String(m, radix: 16)
        hex = String(repeating: "0", count: 13 - hex.count) + hex
        while hex.count > 1 && hex.hasSuffix("0") { hex.removeLast() }
        return "\(sign)0x1.\(hex)p\(e >= 0 ? "+" : "")\(e)"
    }
}
