import Foundation
import XCTest

/// Issue 18 item 9, what a first-time user sees: the documentation is complete without `../shared` (every relative
/// link resolves inside the repository), and `simulate`'s table is not interleaved with log lines on a terminal.
final class FirstRunPolishTests: XCTestCase {
    /// Markdown files a user reads: README.md, docs/*.md and every module README.
    private func markdownFiles() throws -> [URL] {
        let root = TestSupport.repoRoot
        var out = [root.appendingPathComponent("README.md")]
        let fm = FileManager.default
        for dir in ["docs", "Sources"] {
            let base = root.appendingPathComponent(dir)
            let e = fm.enumerator(atPath: base.path)
            while let f = e?.nextObject() as? String {
                if f.hasSuffix(".md") { out.append(base.appendingPathComponent(f)) }
            }
        }
        return out
    }

    func testEveryRelativeLinkOfTheDocumentationResolvesInsideTheRepository() throws {
        let root = TestSupport.repoRoot.standardizedFileURL.path
        let link = try NSRegularExpression(pattern: #"\]\(([^)\s]+)\)"#)
        var bad: [String] = []
        var checked = 0
        for file in try markdownFiles() {
            let text = try String(contentsOf: file, encoding: .utf8)
            let ns = text as NSString
            for m in link.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
                var target = ns.substring(with: m.range(at: 1))
                if target.contains("://") || target.hasPrefix("#") || target.hasPrefix("mailto:") { continue }
                if let hash = target.firstIndex(of: "#") { target = String(target[..<hash]) }
                let resolved = file.deletingLastPathComponent().appendingPathComponent(target).standardizedFileURL.path
                checked += 1
                let rel = String(file.path.dropFirst(root.count + 1))
                if !resolved.hasPrefix(root + "/") && resolved != root {
                    bad.append("\(rel): \(target) points outside the repository")
                } else if !FileManager.default.fileExists(atPath: resolved) {
                    bad.append("\(rel): \(target) does not exist")
                }
            }
        }
        XCTAssertGreaterThan(checked, 10, "the README and docs link to each other")
        XCTAssertEqual(bad, [], bad.joined(separator: "\n"))
    }

    /// On a terminal (a pty from `script`, so stdout is line-buffered and shares the screen with stderr) the table is
    /// the last thing printed, in one piece: no log line inside or after it.
    func testSimulateTableIsNotInterleavedWithLogLinesOnATerminal() throws {
        let bin = ProcessInfo.processInfo.environment["SYMEDGE_BIN"]
            ?? TestSupport.repoRoot.appendingPathComponent(".build/release/symedge").path
        guard FileManager.default.isExecutableFile(atPath: bin) else { throw XCTSkip("symedge binary not found at \(bin)") }
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { throw XCTSkip("needs script(1) for a pty") }
        let dir = try TestSupport.tempDir(name)
        defer { try? FileManager.default.removeItem(at: dir) }
        let command = [bin, "simulate", "--subjects", "2", "--sessions", "1", "--duration", "1", "--neurons", "200",
                       "--seed", "9", "--states", "wake,rem", "--threads", "1", "--out", dir.appendingPathComponent("d").path]
            .map { "'" + $0 + "'" }.joined(separator: " ")
        let (status, out, err) = try TestSupport.run("/usr/bin/script", ["-q", "-e", "-c", command, "/dev/null"])
        XCTAssertEqual(status, 0, out + err)
        let lines = out.replacingOccurrences(of: "\r", with: "").split(separator: "\n").map(String.init)
        guard let header = lines.firstIndex(where: { $0.hasPrefix("subject\tsession\tstate") }) else {
            return XCTFail("no table header in\n\(out)")
        }
        let table = lines[header...]
        XCTAssertEqual(table.count, 1 + 2 * 2, "header + 2 sessions × 2 states, nothing else after the header:\n\(out)")
        for row in table.dropFirst() { XCTAssertTrue(row.hasPrefix("sim0"), "not a table row: \(row)") }
        XCTAssertTrue(lines[..<header].contains { $0.contains("neuron-updates") }, "the summary log line comes first")
    }
}
