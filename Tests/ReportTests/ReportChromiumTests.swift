import XCTest
import Foundation
import Report

/// Renders the report in a headless Chromium (Debian's `chromium`): no console messages (the page has no
/// scripts, so any console line is an error such as a failed resource), the DOM loads with every figure,
/// and the screenshot is not blank.
///
/// Chromium: `SYMEDGE_CHROMIUM`, else `/usr/bin/chromium`; when missing and running as root, the test
/// installs it with `apt-get install -y --no-install-recommends chromium` (set `SYMEDGE_NO_INSTALL=1` to skip
/// instead). `SYMEDGE_REPORT_SCREENSHOT=PATH` keeps the screenshot (docs/report.png is an excerpt made by
/// Tests/python/report_excerpt.py).
final class ReportChromiumTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    struct Run { var status: Int32; var out: String; var err: String }

    @discardableResult
    func run(_ exe: String, _ args: [String], timeout: TimeInterval = 120) throws -> Run {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        let o = FileManager.default.temporaryDirectory.appendingPathComponent("chr-\(UUID().uuidString).out")
        let e = FileManager.default.temporaryDirectory.appendingPathComponent("chr-\(UUID().uuidString).err")
        FileManager.default.createFile(atPath: o.path, contents: nil)
        FileManager.default.createFile(atPath: e.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: o); try? FileManager.default.removeItem(at: e) }
        p.standardOutput = try FileHandle(forWritingTo: o)
        p.standardError = try FileHandle(forWritingTo: e)
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        if p.isRunning { p.terminate(); p.waitUntilExit() }
        p.waitUntilExit()
        return Run(status: p.terminationStatus, out: (try? String(contentsOf: o, encoding: .utf8)) ?? "",
                   err: (try? String(contentsOf: e, encoding: .utf8)) ?? "")
    }

    func chromium() throws -> String {
        let env = ProcessInfo.processInfo.environment
        let path = env["SYMEDGE_CHROMIUM"] ?? "/usr/bin/chromium"
        if FileManager.default.isExecutableFile(atPath: path) { return path }
        guard env["SYMEDGE_NO_INSTALL"] != "1", getuid() == 0,
              FileManager.default.isExecutableFile(atPath: "/usr/bin/apt-get") else {
            throw XCTSkip("no chromium at \(path) (install Debian's chromium: apt-get install -y chromium)")
        }
        var r = try run("/usr/bin/apt-get", ["install", "-y", "--no-install-recommends", "chromium"], timeout: 900)
        if r.status != 0 {
            try run("/usr/bin/apt-get", ["update"], timeout: 600)
            r = try run("/usr/bin/apt-get", ["install", "-y", "--no-install-recommends", "chromium"], timeout: 900)
        }
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw XCTSkip("chromium could not be installed: \(r.err.suffix(500))")
        }
        return path
    }

    func headless(_ chrome: String, _ extra: [String], url: String) throws -> Run {
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("chr-profile-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: profile) }
        return try run(chrome, ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                                "--disable-extensions", "--user-data-dir=\(profile)", "--enable-logging=stderr",
                                "--v=0"] + extra + [url])
    }

    /// Console lines chromium logged (`INFO:CONSOLE` etc.).
    func consoleLines(_ stderr: String) -> [String] {
        stderr.split(separator: "\n").map(String.init).filter { $0.contains(":CONSOLE") }
    }

    func testConsoleDetectionCanFail() throws {
        let chrome = try chromium()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("chr-neg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let page = dir.appendingPathComponent("bad.html")
        try "<html><body><script>console.error('deliberate error')</script></body></html>".write(to: page, atomically: true, encoding: .utf8)
        let r = try headless(chrome, ["--dump-dom"], url: page.absoluteString)
        XCTAssertTrue(consoleLines(r.err).contains { $0.contains("deliberate error") }, r.err)
    }

    func testReportRendersWithoutConsoleErrorsAndIsNotBlank() throws {
        let chrome = try chromium()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("chr-report-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // The demo cohort when `make demo` has produced it (SYMEDGE_REPORT_FOLDER), else the synthetic fixture.
        let folder: String
        if let f = ProcessInfo.processInfo.environment["SYMEDGE_REPORT_FOLDER"] {
            folder = f
        } else {
            try ReportFixture.writeAnalyzeFolder(dir)
            try FamilyCurveFixture.write(dir)
            folder = dir
        }
        let path = try HTMLReport.write(folder: folder, title: "SymmetryEdge report")
        let html = try String(contentsOfFile: path, encoding: .utf8)
        let url = URL(fileURLWithPath: path).absoluteString

        let dom = try headless(chrome, ["--dump-dom"], url: url)
        XCTAssertEqual(dom.status, 0, dom.err.suffix(2000).description)
        XCTAssertEqual(consoleLines(dom.err), [], "console messages while loading the report")
        XCTAssertTrue(dom.out.contains("Broken-symmetry verdicts"), "DOM did not load")
        for id in ["avalanche-sizes", "seizure-balance", "spatial-distance"] where html.contains("<figure id=\"\(id)\"") {
            XCTAssertTrue(dom.out.contains("<figure id=\"\(id)\""), "figure \(id) in the DOM")
        }
        XCTAssertEqual(dom.out.components(separatedBy: "<svg").count, html.components(separatedBy: "<svg").count,
                       "every inline SVG is in the DOM")

        let png = dir + "-shot.png"
        defer { if ProcessInfo.processInfo.environment["SYMEDGE_REPORT_SCREENSHOT"] == nil { try? FileManager.default.removeItem(atPath: png) } }
        let shot = try headless(chrome, ["--screenshot=\(png)", "--window-size=1280,2200", "--hide-scrollbars"], url: url)
        XCTAssertEqual(shot.status, 0, shot.err.suffix(2000).description)
        XCTAssertEqual(consoleLines(shot.err), [])
        let data = try XCTUnwrap(FileManager.default.contents(atPath: png), "no screenshot written")
        XCTAssertEqual(Array(data.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "not a PNG")
        try assertNotBlank(png, bytes: data.count)
        if let keep = ProcessInfo.processInfo.environment["SYMEDGE_REPORT_SCREENSHOT"] {
            try? FileManager.default.removeItem(atPath: keep)
            try FileManager.default.copyItem(atPath: png, toPath: keep)
            try? FileManager.default.removeItem(atPath: keep + ".html")
            try FileManager.default.copyItem(atPath: path, toPath: keep + ".html")
        }
    }

    /// Pixel statistics by Pillow when the test virtualenv is there; else a size heuristic (a blank
    /// 1280×2200 PNG compresses to a few kB).
    func assertNotBlank(_ png: String, bytes: Int) throws {
        let python = ProcessInfo.processInfo.environment["SYMEDGE_PYTHON"]
            ?? Self.root.appendingPathComponent(".venv/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: python) else {
            XCTAssertGreaterThan(bytes, 30_000, "screenshot looks blank")
            return
        }
        let r = try run(python, [Self.root.appendingPathComponent("Tests/python/report_screenshot_check.py").path, png])
        XCTAssertEqual(r.status, 0, r.err)
        let f = r.out.split(whereSeparator: \.isWhitespace).compactMap { Double($0) }
        XCTAssertEqual(f.count, 3, r.out)
        guard f.count == 3 else { return }
        XCTAssertGreaterThan(f[0], 0.02, "fraction of non-white pixels")
        XCTAssertGreaterThan(f[1], 50, "distinct colours")
        XCTAssertGreaterThan(f[2], 0.001, "fraction of saturated (coloured) pixels")
    }
}
