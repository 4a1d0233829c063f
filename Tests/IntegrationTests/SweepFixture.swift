import Foundation
import TestSupport
import XCTest

/// Small cohorts written as plain-text recordings, job files, and runners for `symedge` under `mpirun`.
enum SweepFixture {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// `SYMEDGE_BIN`, else `<repo>/.build/release/symedge`.
    static func binary() throws -> String { try Repository.symedge() }

    static func mpirunPath() throws -> String { try Repository.mpirun() }

    static func temporaryFolder(_ name: String) throws -> URL {
        let u = FileManager.default.temporaryDirectory.appendingPathComponent("symedge-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
        return u
    }

    /// A deterministic generator (SplitMix64) so every test run writes the same recordings.
    struct Mix {
        var s: UInt64
        mutating func next() -> Double {
            s &+= 0x9e37_79b9_7f4a_7c15
            var z = s
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
        }
    }

    /// Writes a plain-text recording: `units` E then I units, Poisson-like trains sharing a slow common
    /// drive, states `wake` on [0, T/2) and `nrem_deep` on [T/2, T).
    static func writeRecording(at folder: URL, seed: UInt64, duration: Double = 40, unitsE: Int = 8, unitsI: Int = 3) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var rng = Mix(s: seed)
        var spikes = "unit_id,time_s\n"
        var units = "unit_id,class\n"
        for u in 0..<(unitsE + unitsI) {
            let isE = u < unitsE
            units += "\(u + 1),\(isE ? "E" : "I")\n"
            let rate = isE ? 6.0 : 18.0
            var t = 0.0
            while true {
                t += -log(max(rng.next(), 1e-12)) / rate
                if t >= duration { break }
                // Keep a spike with a probability that follows a shared 0.5 Hz drive.
                if rng.next() < 0.6 + 0.4 * sin(2 * Double.pi * 0.5 * t) {
                    spikes += "\(u + 1),\(String(format: "%.6f", t))\n"
                }
            }
        }
        let states = "start_s,stop_s,state\n0,\(duration / 2),wake\n\(duration / 2),\(duration),nrem_deep\n"
        try spikes.write(to: folder.appendingPathComponent("spikes.csv"), atomically: true, encoding: .utf8)
        try units.write(to: folder.appendingPathComponent("units.csv"), atomically: true, encoding: .utf8)
        try states.write(to: folder.appendingPathComponent("states.csv"), atomically: true, encoding: .utf8)
    }

    /// A cohort of `subjects` recordings in DANDI-like folders `sub-0k/sub-0k_ses-1/`.
    static func writeCohort(in root: URL, subjects: Int = 3) throws -> URL {
        let data = root.appendingPathComponent("data")
        for k in 1...subjects {
            try writeRecording(at: data.appendingPathComponent("sub-0\(k)/sub-0\(k)_ses-1"), seed: UInt64(1000 + k))
        }
        return data
    }

    /// A small job: 8 scales, 4 surrogates of each of 2 kinds in blocks of 2 → 5 shards per (recording, state).
    static func writeJob(in root: URL, name: String = "job.yaml", output: String = "out", extra: String = "") throws -> URL {
        let text = """
        # integration-test job
        name: itest
        inputs:
          folder: data
        states: [wake, nrem_deep]
        scales: 8
        measures: [balance]
        surrogates: 4
        surrogate_kinds: [isi_permutation, circular_shift]
        surrogates_per_shard: 2
        seed: 7
        bootstrap_resamples: 200
        output: \(output)
        \(extra)
        """
        let u = root.appendingPathComponent(name)
        try text.write(to: u, atomically: true, encoding: .utf8)
        return u
    }

    struct Run { let status: Int32; let stdout: String; let stderr: String }

    /// Runs `symedge args` directly (np = nil) or under `mpirun -np N`.
    static func symedge(_ args: [String], np: Int? = nil, timeout: TimeInterval = 300,
                        env extra: [String: String] = [:], cwd: URL? = nil) throws -> Run {
        let p = try process(args, np: np, env: extra)
        if let c = cwd { p.currentDirectoryURL = c }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // Drain both pipes concurrently so a chatty child never blocks.
        let group = DispatchGroup()
        nonisolated(unsafe) var o = Data(), e = Data()
        DispatchQueue.global().async(group: group) { o = out.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { e = err.fileHandleForReading.readDataToEndOfFile() }
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning && Date() < deadline { usleep(20_000) }
        if p.isRunning { kill(p.processIdentifier, SIGKILL); XCTFail("symedge \(args) timed out") }
        p.waitUntilExit()
        group.wait()
        return Run(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                   stderr: String(decoding: e, as: UTF8.self))
    }

    /// `env` entries are added to the environment (and passed to every rank with `-x`).
    static func process(_ args: [String], np: Int?, env extra: [String: String] = [:]) throws -> Process {
        let bin = try binary()
        let p = Process()
        var env = ProcessInfo.processInfo.environment
        for k in env.keys where k.hasPrefix("OMPI_") || k.hasPrefix("PMIX_") || k.hasPrefix("OPAL_") { env[k] = nil }
        for (k, v) in extra { env[k] = v }
        if let n = np {
            p.executableURL = URL(fileURLWithPath: try mpirunPath())
            p.arguments = ["--allow-run-as-root", "--oversubscribe", "-np", "\(n)"]
                + extra.keys.sorted().flatMap { ["-x", $0] } + [bin] + args
        } else {
            p.executableURL = URL(fileURLWithPath: bin)
            p.arguments = args
        }
        p.environment = env
        return p
    }

    /// Every table file under `out/tables` (relative path → bytes).
    static func tables(_ out: URL) throws -> [String: Data] {
        let dir = out.appendingPathComponent("tables")
        var result: [String: Data] = [:]
        for rel in try FileManager.default.subpathsOfDirectory(atPath: dir.path) where rel.hasSuffix(".csv") {
            result[rel] = try Data(contentsOf: dir.appendingPathComponent(rel))
        }
        return result
    }

    static func ledger(_ out: URL) throws -> [[String: Any]] {
        let text = try String(contentsOf: out.appendingPathComponent("ledger.jsonl"), encoding: .utf8)
        return text.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    static func json(_ s: String) throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(s.utf8)) as? [String: Any])
    }
}
