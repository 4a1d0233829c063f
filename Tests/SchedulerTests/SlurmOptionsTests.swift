import XCTest
import Scheduler

final class SlurmOptionsTests: XCTestCase {
    func testNamesAcceptSlurmSpellingsOnly() throws {
        for ok in ["debug", "gpu-a100", "long_queue", "p.1", "debug,long"] {
            XCTAssertNoThrow(try SlurmOptions(partition: ok), ok)
        }
        for bad in ["", "debug; rm -rf /", "a b", "x'; touch pwned; '", "$(id)", "-p", "a\nb", "deb\u{0}ug",
                    "debug,", "ü", String(repeating: "a", count: 65)] {
            XCTAssertThrowsError(try SlurmOptions(partition: bad), bad.debugDescription)
            XCTAssertThrowsError(try SlurmOptions(account: bad), bad.debugDescription)
        }
        XCTAssertThrowsError(try SlurmOptions(srunMPI: "pmix;id"))
    }

    func testTimeLimitsParseToSeconds() throws {
        let cases: [(String, Int)] = [("30", 1800), ("5:30", 330), ("01:02:03", 3723), ("2-0", 172_800),
                                      ("1-02:03", 93_780), ("1-02:03:04", 93_784), ("UNLIMITED", 0), ("0", 0)]
        for (text, seconds) in cases {
            XCTAssertEqual(try SlurmOptions.timeLimitSeconds(text), seconds, text)
        }
        for bad in ["", "1h", "1:2:3:4", "1-2-3", "-5", "1::2", "1;id", "10 ", "a-b"] {
            XCTAssertThrowsError(try SlurmOptions.timeLimitSeconds(bad), bad.debugDescription)
        }
    }

    func testMemory() {
        for ok in ["4G", "2000M", "512", "1T", "64k"] { XCTAssertNoThrow(try SlurmOptions(mem: ok), ok) }
        for bad in ["", "G", "0", "4GB", "-4G", "4 G", "4G;id"] {
            XCTAssertThrowsError(try SlurmOptions(mem: bad), bad.debugDescription)
        }
    }

    func testWarningDefaultsAndLimits() throws {
        XCTAssertEqual(try SlurmOptions().warnSeconds, 300)
        XCTAssertEqual(try SlurmOptions(time: "4:00:00").warnSeconds, 300)
        XCTAssertEqual(try SlurmOptions(time: "2").warnSeconds, 30)          // a quarter of 120 s
        XCTAssertEqual(try SlurmOptions(time: "1", warnSeconds: 50).warnSeconds, 50)
        XCTAssertThrowsError(try SlurmOptions(time: "1", warnSeconds: 60))   // not before a 60 s limit
        XCTAssertThrowsError(try SlurmOptions(warnSeconds: 0))
        XCTAssertThrowsError(try SlurmOptions(ntasks: 0))
        XCTAssertThrowsError(try SlurmOptions(arrayParallelism: -1))
        XCTAssertThrowsError(try SlurmOptions(maxRequeues: -1))
    }

    func testDirectivesPerKind() throws {
        let o = try SlurmOptions(partition: "debug", account: "lab", time: "1:00:00", mem: "4G", nodes: 2, ntasks: 8)
        XCTAssertEqual(o.directives(for: .mpi), ["#SBATCH --partition=debug", "#SBATCH --account=lab",
                                                 "#SBATCH --time=1:00:00", "#SBATCH --nodes=2", "#SBATCH --ntasks=8",
                                                 "#SBATCH --mem=4G"])
        XCTAssertEqual(o.directives(for: .reduce).filter { $0.contains("tasks") || $0.contains("nodes") },
                       ["#SBATCH --nodes=1", "#SBATCH --ntasks=1"])
        XCTAssertEqual(try SlurmOptions().directives(for: .array), ["#SBATCH --nodes=1", "#SBATCH --ntasks=1"])
    }
}
