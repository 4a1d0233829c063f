import Foundation
import Kernels
import TestSupport

/// Test data generators and small wrappers over the public kernels.
enum TestData {
    /// A homogeneous Poisson train on [start, stop) at `rate` Hz.
    static func poisson(rate: Double, start: Double, stop: Double, rng: inout Xoshiro256StarStar) -> [Double] {
        var t = start, out: [Double] = []
        while true {
            t += -log(1 - rng.nextUnit()) / rate
            if t >= stop { return out }
            out.append(t)
        }
    }

    /// An inhomogeneous Poisson train with rate `rate(t)` ≤ `maxRate` (thinning).
    static func poisson(maxRate: Double, start: Double, stop: Double, rng: inout Xoshiro256StarStar,
                        rate: (Double) -> Double) -> [Double] {
        poisson(rate: maxRate, start: start, stop: stop, rng: &rng).filter { rng.nextUnit() * maxRate < rate($0) }
    }

    /// Fine-binned pooled trains for a set of unit trains and epochs.
    static func fine(_ trains: [[Double]], epochs: [(Double, Double)]) -> FineBinnedTrain {
        var f = FineBinnedTrain()
        f.reset(epochs: epochs.map { (start: $0.0, stop: $0.1) })
        let copies = trains.map { UnsafeMutableBufferPointer<Double>.allocate(capacity: max($0.count, 1)) }
        defer { copies.forEach { $0.deallocate() } }
        for (c, t) in zip(copies, trains) { _ = c.initialize(from: t) }
        f.build(trains: zip(copies, trains).map { UnsafeBufferPointer(rebasing: $0.0[0 ..< $0.1.count]) })
        return f
    }

    /// Counts of a fine-binned train at scale s.
    static func counts(_ f: FineBinnedTrain, scale s: Int) -> [Int32] {
        counts(f, width: Kernels.scaleSeconds(s))
    }

    static func counts(_ f: FineBinnedTrain, width: Double) -> [Int32] {
        var out = [Int32](repeating: 0, count: f.binCount(width: width))
        out.withUnsafeMutableBufferPointer { if let b = $0.baseAddress { _ = f.counts(width: width, into: b) } }
        return out
    }

    /// All per-scale measures of pooled E and I trains at scale s.
    static func measures(e: FineBinnedTrain, i: FineBinnedTrain, unitsE: Int, unitsI: Int, scale s: Int,
                         maxLag: Int = 20) -> ScaleMeasures {
        let ce = counts(e, scale: s), ci = counts(i, scale: s)
        return ce.withUnsafeBufferPointer { a in
            ci.withUnsafeBufferPointer { b in
                Kernels.scaleMeasures(e: a, i: b, options: ScaleOptions(unitsE: unitsE, unitsI: unitsI,
                                                                        dtMilliseconds: Kernels.scaleMilliseconds(s),
                                                                        maxLag: maxLag))
            }
        }
    }

    /// The repository root, from this file's path.
    static var repoRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// The Python interpreter for references, or nil.
    static var python: String? { Repository.pythonIfPresent }

    /// Runs `Tests/python/kernels_reference.py MODE` on a JSON input and returns the parsed JSON output.
    static func runReference(mode: String, input: Any) throws -> [String: Any] {
        guard let py = python else { throw NSError(domain: "no python", code: 1) }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("symedge-ker-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let inURL = dir.appendingPathComponent("in.json"), outURL = dir.appendingPathComponent("out.json")
        try JSONSerialization.data(withJSONObject: input).write(to: inURL)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: py)
        p.arguments = [repoRoot.appendingPathComponent("Tests/python/kernels_reference.py").path, mode, inURL.path, outURL.path]
        let err = Pipe()
        p.standardError = err
        try p.run()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw NSError(domain: "reference failed: " + (String(data: errData, encoding: .utf8) ?? ""), code: 2)
        }
        return try JSONSerialization.jsonObject(with: Data(contentsOf: outURL)) as! [String: Any]
    }
}

/// |a − b| ≤ tol · max(1, |b|)
func close(_ a: Double, _ b: Double, _ tol: Double = 1e-9) -> Bool { abs(a - b) <= tol * max(1, abs(b)) }
