import Foundation
import XCTest
import Scheduler

final class ShellQuoteTests: XCTestCase {
    /// Each quoted value, evaluated by a real bash, gives back exactly the original and runs nothing.
    func testQuotedValuesRoundTripThroughBashAndRunNothing() throws {
        let dir = try makeTempDir("quote")
        defer { try? FileManager.default.removeItem(at: dir) }
        for s in injectionStrings + ["plain", "/abs/path/file.yaml", "a b", ""] {
            let (status, out, err) = try runBash(["-c", "printf '%s' " + ShellQuote.quote(s)], cwd: dir)
            XCTAssertEqual(status, 0, "bash failed for \(s.debugDescription): \(err)")
            XCTAssertEqual(out, s, "round trip of \(s.debugDescription)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("pwned").path),
                       "a quoted value executed a command")
    }

    func testPlainValuesStayReadable() {
        XCTAssertEqual(ShellQuote.quote("/work/out/demo-1"), "/work/out/demo-1")
        XCTAssertEqual(ShellQuote.quote("a b"), "'a b'")
        XCTAssertEqual(ShellQuote.quote("it's"), "'it'\\''s'")
        XCTAssertEqual(ShellQuote.quote(""), "''")
        XCTAssertEqual(ShellQuote.quote("~root"), "'~root'")
    }

    func testControlCharactersAreDetected() {
        XCTAssertTrue(ShellQuote.hasControlCharacters("a\nb"))
        XCTAssertTrue(ShellQuote.hasControlCharacters("a\rb"))
        XCTAssertTrue(ShellQuote.hasControlCharacters("a\u{0}b"))
        XCTAssertTrue(ShellQuote.hasControlCharacters("a\u{1b}[31m"))
        XCTAssertFalse(ShellQuote.hasControlCharacters("x'; touch pwned; '"))
        XCTAssertFalse(ShellQuote.hasControlCharacters("ünïcödé ✓"))
    }

    func testTargetsRejectNewlinesInPaths() {
        XCTAssertThrowsError(try SweepTarget(jobSpec: "/a/job\n#SBATCH --uid=0.yaml", outDir: "/o", symedge: "/bin/x"))
        XCTAssertThrowsError(try SweepTarget(jobSpec: "/a/job.yaml", outDir: "/o\nrm -rf /", symedge: "/bin/x"))
        XCTAssertNoThrow(try SweepTarget(jobSpec: "/a/x'; touch pwned; '/job.yaml", outDir: "/o", symedge: "/bin/x"))
    }

    func testJobNamesAreSanitised() {
        XCTAssertEqual(SweepTarget.slurmJobName("demo"), "symedge-demo")
        XCTAssertEqual(SweepTarget.slurmJobName("x'; touch pwned; '"), "symedge-x___touch_pwned___")
        XCTAssertEqual(SweepTarget.slurmJobName(""), "symedge")
        XCTAssertEqual(SweepTarget.slurmJobName(String(repeating: "a", count: 100)).count, "symedge-".count + 40)
    }
}
