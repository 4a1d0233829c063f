import TestSupport
import XCTest
import Foundation
import Analysis

/// Cohort statistics (METHODS §4): mean, sd, percentile bootstrap CI over subjects, paired differences.
final class CohortStatisticsTests: XCTestCase {
    func row(_ subject: String, _ session: String, _ state: String, _ measure: String, _ v: Double?)
        -> OrderParameterRow {
        OrderParameterRow(subject: subject, session: session, state: state, measure: measure, value: v,
                          surrogateMean: nil, surrogateSD: nil, z: nil)
    }

    func testMeanSdAndSessionsAveragedPerSubject() {
        // s1 has two sessions (1 and 3 → 2), s2 = 4, s3 = 6 → mean 4, sd 2.
        let rows = [row("s1", "a", "wake", "r_bar", 1), row("s1", "b", "wake", "r_bar", 3),
                    row("s2", "a", "wake", "r_bar", 4), row("s3", "a", "wake", "r_bar", 6),
                    row("s4", "a", "wake", "r_bar", nil)]
        let c = CohortStatistics.compute(rows, resamples: 1000, seed: 7)
        XCTAssertEqual(c.count, 1)
        XCTAssertEqual(c[0].subjects, 3)
        XCTAssertEqual(c[0].mean!, 4, accuracy: 1e-15)
        XCTAssertEqual(c[0].sd!, 2, accuracy: 1e-15)
        XCTAssertGreaterThanOrEqual(c[0].ciLow!, 2); XCTAssertLessThanOrEqual(c[0].ciHigh!, 6)
        XCTAssertLessThan(c[0].ciLow!, 4); XCTAssertGreaterThan(c[0].ciHigh!, 4)
    }

    func testPairedDifferencesUseSubjectsWithBothStates() {
        let rows = [row("s1", "a", "wake", "r_bar", 0.5), row("s1", "a", "rem", "r_bar", 0.25),
                    row("s2", "a", "wake", "r_bar", 0.75), row("s2", "a", "rem", "r_bar", 0.25),
                    row("s3", "a", "wake", "r_bar", 9)]   // s3 has no rem: not in the pair
        let c = CohortStatistics.compute(rows, resamples: 200, seed: 1)
        let pair = c.first { $0.comparison == "wake" }!
        XCTAssertEqual(pair.state, "rem")
        XCTAssertEqual(pair.subjects, 2)
        XCTAssertEqual(pair.mean!, -0.375, accuracy: 1e-15)   // rem − wake: (−0.25 − 0.5)/2
        XCTAssertEqual(pair.sd!, (2 * 0.125 * 0.125).squareRoot(), accuracy: 1e-15)
    }

    func testOneSubjectHasNoSdOrCIWithAReason() {
        let c = CohortStatistics.compute([row("s1", "a", "wake", "theta_bar_deg", 3)], resamples: 100, seed: 1)
        XCTAssertEqual(c[0].mean, 3)
        XCTAssertNil(c[0].sd); XCTAssertNil(c[0].ciLow); XCTAssertNil(c[0].ciHigh)
        XCTAssertFalse(c[0].note.isEmpty)
    }

    func testDeterministicAndIndependentOfRowOrder() throws {
        var rows: [OrderParameterRow] = []
        for s in 0..<12 {
            for st in ["wake", "rem", "nrem_deep"] {
                rows.append(row("subject\(s)", "x", st, "r_bar", sin(Double(s * 7 + st.count))))
            }
        }
        let a = CohortStatistics.csv(CohortStatistics.compute(rows, seed: 99))
        let b = CohortStatistics.csv(CohortStatistics.compute(rows.reversed(), seed: 99))
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a, CohortStatistics.csv(CohortStatistics.compute(rows, seed: 100)))
        XCTAssertEqual(try CohortStatistics.read(a).count, 3 + 3)
        XCTAssertTrue(a.hasPrefix("measure,state,comparison,subjects,mean,sd,ci_low,ci_high,resamples,note\n"))
    }

    func testIndexGeneratorIsUniformAndUnbiased() {
        var rng = CohortRNG(seed: 5, labels: ["x"])
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<70_000 { counts[rng.index(below: 7)] += 1 }
        for c in counts { XCTAssertEqual(Double(c), 10_000, accuracy: 400) }   // ±4 sd
    }

    /// Large sample: the percentile bootstrap CI of a mean approaches mean ± 1.96 sd/√n.
    func testLargeSampleMatchesNormalCI() {
        var rng = CohortRNG(seed: 11)
        let n = 1500
        let values: [Double] = (0..<n).map { _ in
            let u1 = (Double(rng.next() >> 11) + 0.5) / 9007199254740992.0
            let u2 = Double(rng.next() >> 11) / 9007199254740992.0
            return 3 + 2 * (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
        }
        let r = CohortStatistics.summarize(values, resamples: 1000, seed: 3, labels: ["m", "s", ""])
        let half = 1.959964 * r.sd! / Double(n).squareRoot()
        XCTAssertEqual(r.ciLow!, r.mean! - half, accuracy: 0.15 * half)
        XCTAssertEqual(r.ciHigh!, r.mean! + half, accuracy: 0.15 * half)
    }

    /// The same resample indices through NumPy: mean per resample, np.percentile (linear) at 2.5 / 97.5.
    func testBootstrapCIMatchesNumPyOnTheSameIndices() throws {
        let python = try Repository.python()
        let values: [Double] = (0..<17).map { (k: Int) -> Double in
            let a: Double = 0.37 * Double((k * 13) % 17) - 1.5
            return a + 1e-3 * Double(k)
        }
        let labels = ["r_bar", "wake", ""]
        let idx = CohortStatistics.resampleIndices(n: values.count, resamples: 1000, seed: 42, labels: labels)
        let r = CohortStatistics.summarize(values, resamples: 1000, seed: 42, labels: labels)
        let payload: [String: Any] = ["values": values, "idx": idx]
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cohort-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in.json")
        try JSONSerialization.data(withJSONObject: payload).write(to: input)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = [Repository.root.appendingPathComponent("Tests/python/cohort_reference.py").path, input.path]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let ref = text.split(whereSeparator: \.isWhitespace).compactMap { Double($0) }
        XCTAssertEqual(ref.count, 4, text)
        XCTAssertEqual(r.mean!, ref[0], accuracy: 1e-12)
        XCTAssertEqual(r.sd!, ref[1], accuracy: 1e-12)
        XCTAssertEqual(r.ciLow!, ref[2], accuracy: 1e-12)
        XCTAssertEqual(r.ciHigh!, ref[3], accuracy: 1e-12)
    }
}
