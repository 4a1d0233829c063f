/// Namespace of the pure numeric kernels (METHODS §2–9): no I/O, no MPI, no global state.
///
/// Index of the balance kernels (METHODS §2–5), one file per measure family:
/// - `Binning.swift`: exact half-open bins, Δt_s (§2); `FineBinnedTrain.swift`: count once at 1 ms and derive every
///   scale from prefix counts (§2, §11).
/// - `ScaleMeasures.swift`: all per-scale values of §3 from two count series, built from
///   `Moments.swift` (pearson_r, pca_*, orthogonal_width, fluctuation_variance), `Distribution.swift` (ks_d, qq_*),
///   `PairAsymmetry.swift`, `Collapse.swift`, `Partition.swift`, `CrossCorrelation.swift`.
/// - `Cooccurrence.swift`: glcm_* (§3.7); `OrderParameters.swift`: variance_beta, collapse_spread (§4).
/// - `Surrogates.swift`, `Random.swift`: ISI permutation and circular shift (§5).
public enum Kernels {}
