import Foundation
import TestSupport
import XCTest

/// Repository root, from this file's path.
let repoRoot: URL = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// The shared real-data folder, or nil.
var sharedData: URL? { try? Repository.sharedData() }

func pythonPath() throws -> String { try Repository.python() }

func symedgePath() throws -> String { try Repository.symedge() }

/// Runs a process, returns (status, stdout, stderr).
@discardableResult
func runProcess(_ exe: String, _ args: [String]) throws -> (Int32, Data, String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: exe)
    p.arguments = args
    let out = Pipe(), err = Pipe()
    p.standardOutput = out; p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, o, String(decoding: e, as: UTF8.self))
}

/// Runs Tests/python/classification_reference.py and decodes its JSON output.
func pythonReference(_ args: [String]) throws -> Any {
    let py = try pythonPath()
    let script = repoRoot.appendingPathComponent("Tests/python/classification_reference.py").path
    let (status, out, err) = try runProcess(py, [script] + args)
    guard status == 0 else { try Repository.missing("python reference failed (numpy/scipy/h5py missing?): \(err)") }
    return try JSONSerialization.jsonObject(with: out)
}

/// A synthetic extracellular spike: a Gaussian trough of SD `troughSD` (s) at `t0` and a positive Gaussian
/// bump of height `peakRatio`·depth and SD `peakSD` `peakDelay` seconds later. Volts.
func syntheticWaveform(samples: Int = 48, rate: Double = 30_000, t0: Double = 0.0008, depth: Double = 100e-6,
                       troughSD: Double = 0.0001, peakDelay: Double = 0.0006, peakSD: Double = 0.0003,
                       peakRatio: Double = 0.3) -> [Double] {
    (0..<samples).map { i in
        let t = Double(i) / rate
        let a = -depth * exp(-(t - t0) * (t - t0) / (2 * troughSD * troughSD))
        let b = peakRatio * depth * exp(-(t - t0 - peakDelay) * (t - t0 - peakDelay) / (2 * peakSD * peakSD))
        return a + b
    }
}

/// A homogeneous Poisson train (seconds) from a seeded generator.
func poissonTrain(rate: Double, duration: Double, seed: UInt64) -> [Double] {
    var g = SplitMixTest(seed)
    var t = 0.0, out: [Double] = []
    while true {
        t += -log(1 - g.unit()) / rate
        if t >= duration { break }
        out.append(t)
    }
    return out
}

/// The tests' own generator (independent of the library's).
struct SplitMixTest {
    var s: UInt64
    init(_ seed: UInt64) { s = seed }
    mutating func next() -> UInt64 {
        s &+= 0x9E37_79B9_7F4A_7C15
        var z = s
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }
}
