/// Parameters of the waveform classifier (METHODS §1). Every value is a [default] recorded in the output.
public struct ClassifierOptions: Sendable, Equatable, Codable {
    /// Cubic upsampling factor of the mean waveform before measuring.
    public var upsampling: Int = 10
    /// k-means restarts.
    public var restarts: Int = 100
    /// k-means seed.
    public var seed: UInt64 = 20_120_131
    /// Units farther than this many pooled within-cluster SDs from their centroid are `ambiguous`.
    public var rejectionSD: Double = 2.5
    /// Units with fewer spikes are unclassified. Not applied when the recording has no spike times at all and no
    /// `spike_count` column (waveform-only input).
    public var minSpikes: Int = 100
    /// A waveform whose largest positive deflection exceeds `positivePolarityRatio` × its trough depth is positive.
    public var positivePolarityRatio: Double = 1.0
    /// Fewer classifiable units than this: k-means is not fitted; a given model is used, or all are unclassified.
    public var minUnitsToFit: Int = 10
    /// Outlier clusters: when k-means leaves a cluster with fewer than `minClusterUnits` units or fewer than
    /// `minClusterFraction` of the units, those units are set aside as `ambiguous` and k-means is refitted without
    /// them (at most `maxOutlierRefits` times). k-means gives one far outlier a cluster of its own otherwise.
    public var minClusterUnits: Int = 3
    public var minClusterFraction: Double = 0.02
    public var maxOutlierRefits: Int = 5
    /// Burst threshold for the burst index, seconds.
    public var burstISI: Double = 0.006
    /// Autocorrelogram half-window and bin, seconds.
    public var acgWindow: Double = 0.05
    public var acgBin: Double = 0.001

    public init() {}
}
