import Recordings

/// A fitted two-cluster waveform model: z-scoring parameters and the FS / RS centroids (METHODS §1).
///
/// Features are (trough-to-peak, half-width) in ms. Saved as JSON so that a model fitted on a large recording can
/// classify a small one.
public struct WaveformClusterModel: Sendable, Equatable, Codable {
    /// Per-feature mean and SD (ms) used for z-scoring.
    public var featureMean: [Double]
    public var featureSD: [Double]
    /// Centroids in z units.
    public var fsCentroidZ: [Double]
    public var rsCentroidZ: [Double]
    /// Pooled within-cluster SD per dimension, z units: sqrt(within-cluster sum of squares / (d·(n − 2))).
    public var pooledSD: Double
    /// Units the model was fitted on.
    public var fittedUnits: Int

    /// Centroids in ms, (trough-to-peak, half-width).
    public var fsCentroidMs: [Double] { zip(fsCentroidZ, zip(featureMean, featureSD)).map { $0 * $1.1 + $1.0 } }
    public var rsCentroidMs: [Double] { zip(rsCentroidZ, zip(featureMean, featureSD)).map { $0 * $1.1 + $1.0 } }

    public func zScore(_ f: [Double]) -> [Double] {
        zip(f, zip(featureMean, featureSD)).map { ($0 - $1.0) / $1.1 }
    }

    /// Nearest-centroid class of a feature vector (ms) and its distance in pooled SDs.
    public func assign(_ f: [Double]) -> (cellClass: CellClass, distanceSD: Double) {
        let z = zScore(f)
        func d(_ c: [Double]) -> Double { zip(z, c).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot() }
        let dFS = d(fsCentroidZ), dRS = d(rsCentroidZ)
        let sd = pooledSD > 0 ? pooledSD : 1
        return dFS <= dRS ? (.inhibitory, dFS / sd) : (.excitatory, dRS / sd)
    }

    /// Fits the model by k-means (k = 2) on z-scored features (ms). The cluster with the shorter mean
    /// trough-to-peak is FS.
    /// - Precondition: at least 3 points.
    public static func fit(features: [[Double]], restarts: Int, seed: UInt64) -> WaveformClusterModel {
        precondition(features.count >= 3)
        let n = features.count, dim = features[0].count
        var mean = [Double](repeating: 0, count: dim), sd = [Double](repeating: 0, count: dim)
        for f in features { for d in 0..<dim { mean[d] += f[d] } }
        for d in 0..<dim { mean[d] /= Double(n) }
        for f in features { for d in 0..<dim { sd[d] += (f[d] - mean[d]) * (f[d] - mean[d]) } }
        for d in 0..<dim { sd[d] = (sd[d] / Double(n - 1)).squareRoot(); if !(sd[d] > 0) { sd[d] = 1 } }
        let z = features.map { f in (0..<dim).map { (f[$0] - mean[$0]) / sd[$0] } }
        let km = kMeans(points: z, k: 2, restarts: restarts, seed: seed)
        // FS = shorter trough-to-peak centroid (feature 0).
        let fsIndex = km.centroids[0][0] <= km.centroids[1][0] ? 0 : 1
        let pooled = (km.inertia / Double(dim * max(1, n - 2))).squareRoot()
        return WaveformClusterModel(featureMean: mean, featureSD: sd, fsCentroidZ: km.centroids[fsIndex],
                                    rsCentroidZ: km.centroids[1 - fsIndex], pooledSD: pooled, fittedUnits: n)
    }
}
