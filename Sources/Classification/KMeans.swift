import Kernels
/// The outcome of `kMeans`.
public struct KMeansResult: Sendable, Equatable {
    /// `k` centroids, each with the points' dimension.
    public var centroids: [[Double]]
    /// Cluster index of every point.
    public var assignments: [Int]
    /// Sum of squared distances of the points to their centroids.
    public var inertia: Double
}

/// k-means (Lloyd) with k-means++ seeding and `restarts` independent starts; the start with the lowest inertia wins
/// (the earliest on a tie). Deterministic for a given `seed` (METHODS §1: k = 2, 100 restarts [default], fixed seed).
///
/// Points closer to two centroids at exactly the same distance go to the lower-numbered one. An empty cluster is
/// re-seeded with the point farthest from its centroid.
/// - Precondition: `points.count >= k >= 1`, all points of the same dimension.
public func kMeans(points: [[Double]], k: Int, restarts: Int = 100, seed: UInt64 = 20_120_131,
                   maxIterations: Int = 300) -> KMeansResult {
    precondition(k >= 1 && points.count >= k, "k-means needs at least k points")
    let n = points.count, dim = points[0].count
    func dist2(_ a: [Double], _ b: [Double]) -> Double {
        var s = 0.0
        for d in 0..<dim { let t = a[d] - b[d]; s += t * t }
        return s
    }
    var best: KMeansResult? = nil
    for r in 0..<max(1, restarts) {
        var rng = Xoshiro256StarStar(seed: seed, streams: [UInt64(r)])
        // k-means++ seeding.
        var centroids: [[Double]] = [points[rng.nextInt(below: n)]]
        var d2 = points.map { dist2($0, centroids[0]) }
        while centroids.count < k {
            let total = d2.reduce(0, +)
            var pick = 0
            if total > 0 {
                var target = rng.nextUnit() * total
                pick = n - 1
                for i in 0..<n {
                    target -= d2[i]
                    if target < 0 { pick = i; break }
                }
            } else {
                pick = rng.nextInt(below: n)
            }
            centroids.append(points[pick])
            for i in 0..<n { d2[i] = min(d2[i], dist2(points[i], points[pick])) }
        }
        var assign = [Int](repeating: -1, count: n)
        var inertia = 0.0
        for _ in 0..<maxIterations {
            var changed = false
            inertia = 0
            for i in 0..<n {
                var bi = 0, bd = dist2(points[i], centroids[0])
                for c in 1..<k {
                    let d = dist2(points[i], centroids[c])
                    if d < bd { bd = d; bi = c }
                }
                if assign[i] != bi { assign[i] = bi; changed = true }
                inertia += bd
            }
            if !changed { break }
            var sums = [[Double]](repeating: [Double](repeating: 0, count: dim), count: k)
            var counts = [Int](repeating: 0, count: k)
            for i in 0..<n {
                counts[assign[i]] += 1
                for d in 0..<dim { sums[assign[i]][d] += points[i][d] }
            }
            for c in 0..<k {
                if counts[c] > 0 {
                    centroids[c] = sums[c].map { $0 / Double(counts[c]) }
                } else {
                    var far = 0, farD = -1.0
                    for i in 0..<n {
                        let d = dist2(points[i], centroids[assign[i]])
                        if d > farD { farD = d; far = i }
                    }
                    centroids[c] = points[far]
                }
            }
        }
        // Final inertia for the final centroids.
        inertia = 0
        for i in 0..<n { inertia += dist2(points[i], centroids[assign[i]]) }
        if best == nil || inertia < best!.inertia - 1e-12 * max(1, best!.inertia) {
            best = KMeansResult(centroids: centroids, assignments: assign, inertia: inertia)
        }
    }
    return best!
}
