import Foundation
import XCTest
import TestSupport

/// Every output table of `analyze` is byte-identical to the tables recorded before the issue-15 speed work
/// (main at af3ee26, after the #14 definitions): a demo session (balance, 4 + 4 surrogates; and the avalanche
/// family with 16 circular shifts), a small demo cohort through `symedge sweep` (balance and avalanches), and a
/// generated 1 h recording (the `make bench` generator, 2 + 2 surrogates).
///
/// The recorded SHA-256 of each file (provenance.json aside, which holds clocks and hosts) are in
/// `Tests/fingerprints/*.sha256`, in `sha256sum` format. A failure lists the files that changed. When a
/// definition changes on purpose (an issue that changes METHODS), regenerate them with
/// `SYMEDGE_WRITE_FINGERPRINTS=1` and say so in the commit.
final class TableFingerprintTests: XCTestCase {
    static let folder = Repository.root.appendingPathComponent("Tests/fingerprints")

    /// One `symedge simulate` demo session (1 subject, 600 s, seed 1), as `make demo` makes them.
    func demoSession(in dir: TemporaryFolder) throws -> String {
        let data = dir.path + "/demo"
        let sim = try Processes.symedge(["simulate", "--subjects", "1", "--sessions", "1", "--duration", "600",
                                         "--seed", "1", "--out", data])
        XCTAssertEqual(sim.status, 0, sim.stderr)
        return data + "/sub-sim01/sub-sim01_ses-01_ecephys.nwb"
    }

    func testDemoSessionTablesAreUnchanged() throws {
        let dir = try TemporaryFolder("fingerprint-demo")
        defer { dir.remove() }
        let file = try demoSession(in: dir)
        try check(name: "demo-balance", file: file, dir: dir,
                  options: ["--surrogates", "4", "--threads", "2"])
        try check(name: "demo-avalanches", file: file, dir: dir,
                  options: ["--scales", "1", "--surrogates", "16", "--surrogate-kinds", "circular_shift",
                            "--families", "avalanches", "--threads", "2"])
    }

    /// A small demo cohort (2 subjects × 1 session × 600 s, seed 1) through `symedge sweep` with balance and the
    /// avalanche family (the families this work changed; all five took 13 min here, too long for CI) and 2 + 2
    /// surrogates: every file of `tables/`.
    func testDemoCohortSweepTablesAreUnchanged() throws {
        let dir = try TemporaryFolder("fingerprint-cohort")
        defer { dir.remove() }
        let data = dir.path + "/data"
        let sim = try Processes.symedge(["simulate", "--subjects", "2", "--sessions", "1", "--duration", "600",
                                         "--seed", "1", "--out", data])
        XCTAssertEqual(sim.status, 0, sim.stderr)
        let job = """
            name: fingerprint-cohort
            inputs:
              folder: \(data)
            states: all
            scales: 32
            measures: [balance, avalanches]
            surrogates: 2
            surrogate_kinds: [isi_permutation, circular_shift]
            seed: 20230619
            output: \(dir.path)/out
            surrogates_per_shard: 2
            bootstrap_resamples: 100
            """
        try job.write(toFile: dir.path + "/job.yaml", atomically: true, encoding: .utf8)
        let sweep = try Processes.symedge(["sweep", dir.path + "/job.yaml", "--out", dir.path + "/out"])
        XCTAssertEqual(sweep.status, 0, sweep.stderr)
        try compare(name: "demo-cohort-sweep", actual: Self.fingerprints(of: dir.path + "/out/tables"))
    }

    func testGeneratedHourTablesAreUnchanged() throws {
        let dir = try TemporaryFolder("fingerprint-1h")
        defer { dir.remove() }
        let generator = try Repository.productsFolder(containing: "kernels-bench").appendingPathComponent("kernels-bench")
        guard FileManager.default.isExecutableFile(atPath: generator.path) else {
            try Repository.missing("kernels-bench is not built at \(generator.path) (make build)")
        }
        let python = try Repository.python()
        let gen = try Processes.run(generator.path, ["--hours", "1", "--surrogates", "0", "--write", dir.path + "/rec.bin"])
        XCTAssertEqual(gen.status, 0, gen.stderr)
        let script = Repository.root.appendingPathComponent("Benchmarks/analysis/make_nwb.py").path
        let nwb = try Processes.run(python, [script, dir.path + "/rec.bin", dir.path + "/rec.nwb"])
        XCTAssertEqual(nwb.status, 0, nwb.stderr)
        try check(name: "generated-1h", file: dir.path + "/rec.nwb", dir: dir,
                  options: ["--surrogates", "2", "--threads", "2"])
    }

    /// Runs `analyze file options` and compares every output file's SHA-256 with `Tests/fingerprints/<name>.sha256`.
    func check(name: String, file: String, dir: TemporaryFolder, options: [String],
               line: UInt = #line) throws {
        let out = dir.path + "/" + name
        let run = try Processes.symedge(["analyze", file, "--out", out] + options)
        XCTAssertEqual(run.status, 0, run.stderr, line: line)
        try compare(name: name, actual: Self.fingerprints(of: out), line: line)
    }

    /// Compares `actual` (relative path → SHA-256) with `Tests/fingerprints/<name>.sha256`, or writes it there
    /// under `SYMEDGE_WRITE_FINGERPRINTS`.
    func compare(name: String, actual: [String: String], line: UInt = #line) throws {
        let path = Self.folder.appendingPathComponent(name + ".sha256")
        if ProcessInfo.processInfo.environment["SYMEDGE_WRITE_FINGERPRINTS"] != nil {
            try FileManager.default.createDirectory(at: Self.folder, withIntermediateDirectories: true)
            let text = actual.keys.sorted().map { "\(actual[$0]!)  \($0)\n" }.joined()
            try text.write(to: path, atomically: true, encoding: .utf8)
            return
        }
        let recorded = try Self.read(path)
        XCTAssertGreaterThan(recorded.count, 10, "\(path.path) lists too few files", line: line)
        let missing = recorded.keys.filter { actual[$0] == nil }.sorted()
        let extra = actual.keys.filter { recorded[$0] == nil }.sorted()
        let changed = recorded.keys.filter { actual[$0] != nil && actual[$0] != recorded[$0] }.sorted()
        func few(_ a: [String]) -> String { a.prefix(12).joined(separator: ", ") + (a.count > 12 ? ", …" : "") }
        XCTAssertTrue(changed.isEmpty, "\(name): \(changed.count) of \(recorded.count) tables differ from "
                      + "\(path.lastPathComponent): \(few(changed))", line: line)
        XCTAssertTrue(missing.isEmpty, "\(name): \(missing.count) tables no longer written: \(few(missing))", line: line)
        XCTAssertTrue(extra.isEmpty, "\(name): \(extra.count) tables not in \(path.lastPathComponent): \(few(extra))",
                      line: line)
    }

    /// SHA-256 of every file under `folder` except provenance.json, keyed by its relative path (`sha256sum`).
    static func fingerprints(of folder: String) throws -> [String: String] {
        let list = try Processes.run("/bin/sh", ["-c", "cd \"$1\" && find . -type f ! -name provenance.json "
                                                 + "-print0 | LC_ALL=C sort -z | xargs -0 sha256sum", "sh", folder])
        XCTAssertEqual(list.status, 0, list.stderr)
        return parse(list.stdout)
    }

    static func read(_ url: URL) throws -> [String: String] {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            XCTFail("no recorded fingerprints at \(url.path)")
            return [:]
        }
        return parse(text)
    }

    static func parse(_ text: String) -> [String: String] {
        var d: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1)
            guard parts.count == 2 else { continue }
            d[String(parts[1].drop(while: { $0 == " " || $0 == "*" }))] = String(parts[0])
        }
        return d
    }
}
