import Kernels
/// Sparse random connectivity in compressed-sparse-row form, indexed by the presynaptic neuron.
///
/// Each neuron receives exactly `inDegreeE` inputs from distinct excitatory neurons and `inDegreeI` from distinct
/// inhibitory neurons, never from itself (fixed in-degree, as in Brunel 2000). Neurons `0..<excitatoryCount` are E.
/// Row `i` lists `i`'s targets: E targets in `targets[rowStart[i] ..< rowSplit[i]]`, then I targets up to
/// `rowStart[i + 1]`.
public struct Connectivity: Sendable, Equatable {
    public let neuronCount: Int
    public let excitatoryCount: Int
    public let inDegreeE: Int
    public let inDegreeI: Int
    public let rowStart: [Int32]
    public let rowSplit: [Int32]
    public let targets: [Int32]

    public init(neuronCount n: Int, excitatoryCount nE: Int, probability p: Double, seed: UInt64) {
        let nI = n - nE
        let kE = min(nE - 1, max(1, Int((p * Double(nE)).rounded())))
        let kI = min(nI - 1, max(1, Int((p * Double(nI)).rounded())))
        var rng = Xoshiro256StarStar(seed: seed)
        // Draw presynaptic partners per postsynaptic neuron (rejection on duplicates; k ≪ N).
        var pre = [Int32](repeating: 0, count: n * (kE + kI))
        var outDegree = [Int32](repeating: 0, count: n)
        var chosen = Set<Int>()
        for post in 0..<n {
            chosen.removeAll(keepingCapacity: true)
            var k = 0
            while k < kE {
                let c = rng.int(below: nE)
                if c != post && chosen.insert(c).inserted { pre[post * (kE + kI) + k] = Int32(c); k += 1 }
            }
            while k < kE + kI {
                let c = nE + rng.int(below: nI)
                if c != post && chosen.insert(c).inserted { pre[post * (kE + kI) + k] = Int32(c); k += 1 }
            }
        }
        for c in pre { outDegree[Int(c)] += 1 }
        // Count E-target and I-target entries per presynaptic neuron.
        var eCount = [Int32](repeating: 0, count: n)
        for post in 0..<nE {
            for k in 0..<(kE + kI) { eCount[Int(pre[post * (kE + kI) + k])] += 1 }
        }
        var start = [Int32](repeating: 0, count: n + 1)
        for i in 0..<n { start[i + 1] = start[i] + outDegree[i] }
        var split = [Int32](repeating: 0, count: n)
        for i in 0..<n { split[i] = start[i] + eCount[i] }
        var fillE = Array(start.prefix(n)), fillI = split
        var t = [Int32](repeating: 0, count: Int(start[n]))
        for post in 0..<n {
            for k in 0..<(kE + kI) {
                let src = Int(pre[post * (kE + kI) + k])
                if post < nE { t[Int(fillE[src])] = Int32(post); fillE[src] += 1 }
                else { t[Int(fillI[src])] = Int32(post); fillI[src] += 1 }
            }
        }
        neuronCount = n; excitatoryCount = nE; inDegreeE = kE; inDegreeI = kI
        rowStart = start; rowSplit = split; targets = t
    }

    /// Number of synapses.
    public var synapseCount: Int { targets.count }
}
