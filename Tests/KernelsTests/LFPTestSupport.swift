import Foundation
import TestSupport
import XCTest

/// Deterministic SplitMix64 stream for the LFP/spatial/avalanche/seizure kernel tests.
struct LFPRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in (0, 1).
    mutating func uniform() -> Double { (Double(next() >> 11) + 0.5) / 9_007_199_254_740_992 }
    mutating func normal() -> Double {
        let u1 = uniform(), u2 = uniform()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
    mutating func exponential(rate: Double) -> Double { -log(uniform()) / rate }
    /// Sorted Poisson spike times on [0, duration).
    mutating func poissonTrain(rate: Double, duration: Double) -> [Double] {
        var t = exponential(rate: rate), out: [Double] = []
        while t < duration { out.append(t); t += exponential(rate: rate) }
        return out
    }
}

struct LFPReferenceFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Runs `Tests/python/lfp_reference.py MODE input.json` in the test virtualenv; skips when it is absent.
enum LFPPython {
    static var repoRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static func run(_ mode: String, _ input: [String: Any]) throws -> [String: Any] {
        let python = try Repository.python()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lfp-ref-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let inURL = dir.appendingPathComponent("in.json")
        try JSONSerialization.data(withJSONObject: input).write(to: inURL)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = [repoRoot.appendingPathComponent("Tests/python/lfp_reference.py").path, mode, inURL.path]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let msg = String(decoding: errData, as: UTF8.self)
        if p.terminationStatus != 0 {
            if msg.contains("ModuleNotFoundError") || msg.contains("ImportError") {
                try Repository.missing("Python reference package missing for mode \(mode): \(msg.suffix(300))")
            }
            throw LFPReferenceFailure(message: "lfp_reference.py \(mode) failed: \(msg.suffix(2000))")
        }
        return (try JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
    }
}
