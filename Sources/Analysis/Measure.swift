/// One measure of the CSV vocabulary: its `rawValue` is the name written in the `measure` column of
/// `measures.csv`, `order_parameters.csv`, `surrogates_secondary.csv`, `family_measures.csv` and `missing.csv`,
/// and it carries the METHODS section, the units and a one-line description.
///
/// Find any measure by its CSV name: `Measure.glcmContrast(offset: 1)` is `glcm_contrast_d1`,
/// `Measure.collapseSpread` is `collapse_spread`. `Measure.catalog` lists every name in the order of METHODS
/// (`symedge measures --list` prints it; `docs/measures.md` is generated from it). Two measures are equal when
/// their names are equal; a name not in the catalog can still be wrapped with `Measure(rawValue:)`.
public struct Measure: RawRepresentable, Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The CSV name, e.g. `pearson_r`.
    public let rawValue: String
    /// The METHODS section, e.g. `§3.2`.
    public let section: String
    /// Units of the value (`dimensionless` when it has none).
    public let units: String
    /// One line: what the value is.
    public let doc: String
    /// The table whose `measure` column holds it.
    public let table: Table
    /// The METHODS §6–9 family (`family` column of `family_measures.csv`), nil for the §3–4 measures.
    public let family: MeasureFamily?

    /// Where a measure is written.
    public enum Table: String, Sendable, CaseIterable {
        /// `measures.csv` with a `scale_index` (one value per scale, METHODS §3.1–3.6).
        case perScale = "measures.csv (per scale)"
        /// `measures.csv` with an empty `scale_index` (the §3.7 texture features).
        case scaleFree = "measures.csv (scale_index empty)"
        /// `order_parameters.csv` (METHODS §4).
        case orderParameters = "order_parameters.csv"
        /// `family_measures.csv` (METHODS §6–9).
        case familyMeasures = "family_measures.csv"
        /// Only in `missing.csv`: a whole computation that produced no value.
        case missingOnly = "missing.csv only"
    }

    public init(_ name: String, section: String, units: String, table: Table, family: MeasureFamily? = nil, doc: String) {
        rawValue = name; self.section = section; self.units = units; self.table = table; self.family = family
        self.doc = doc
    }

    /// The catalog entry of `rawValue`, or an undocumented measure of that name (section, units, doc empty).
    public init(rawValue: String) {
        if let m = Measure.byName[rawValue] { self = m; return }
        if let m = Measure.glcm(name: rawValue) { self = m; return }
        self.init(rawValue, section: "", units: "", table: .missingOnly, doc: "")
    }

    public static func == (a: Measure, b: Measure) -> Bool { a.rawValue == b.rawValue }
    public func hash(into h: inout Hasher) { h.combine(rawValue) }
    public static func < (a: Measure, b: Measure) -> Bool { a.rawValue < b.rawValue }
    public var description: String { rawValue }
    /// Whether the catalog documents it.
    public var isDocumented: Bool { !section.isEmpty }
}

// MARK: §3.1–3.6 per-scale measures (`measures.csv`, one row per scale)

extension Measure {
    private static func scale(_ n: String, _ s: String, _ u: String, _ d: String) -> Measure {
        Measure(n, section: s, units: u, table: .perScale, doc: d)
    }
    /// Units of the sum-normalised series Ê_s, Î_s (METHODS §2).
    public static let normalisedUnits = "fraction of the state's spikes per bin"

    public static let ksD = scale("ks_d", "§3.1", "dimensionless (0–1)",
                                  "Two-sample Kolmogorov–Smirnov distance between the distributions of Ê_s and Î_s.")
    public static let qqSlope = scale("qq_slope", "§3.1", "dimensionless",
                                      "Slope of the QQ line of Î_s on Ê_s over quantiles p = 0.01…0.99 (type 7); 1 = same spread.")
    public static let qqIntercept = scale("qq_intercept", "§3.1", normalisedUnits,
                                          "Intercept of the QQ line of Î_s on Ê_s; 0 = same location.")
    public static let qqR2 = scale("qq_r2", "§3.1", "dimensionless (0–1)",
                                   "R² of the QQ line of Î_s on Ê_s; 1 = same distribution shape.")
    public static let pearsonR = scale("pearson_r", "§3.2", "dimensionless (−1…1)",
                                       "Pearson correlation of the E and I series E_s, I_s.")
    public static let pcaAngleDeg = scale("pca_angle_deg", "§3.2", "degrees (−90…90]",
                                          "Major-axis angle of the (Ê_s, Î_s) cloud from the Ê axis; 45° = balanced.")
    public static let pcaAnisotropy = scale("pca_anisotropy", "§3.2", "dimensionless (0–1)",
                                            "λ_min/λ_max of the covariance of the (Ê_s, Î_s) cloud.")
    public static let orthogonalWidth = scale("orthogonal_width", "§3.2", normalisedUnits,
                                              "sd((Ê_s − Î_s)/√2): width of the cloud across the balance diagonal.")
    public static let pairAsymmetry = scale("pair_asymmetry", "§3.2", "dimensionless (0–1)",
                                            "‖M − Mᵀ‖_F / ‖M + Mᵀ‖_F of the pair matrix; 0 = symmetric about the balance diagonal.")
    public static let fluctuationVariance = scale("fluctuation_variance", "§3.3", "(spikes/s/unit)²",
                                                  "V_s: sample variance of the rate-normalised fluctuation (E_s − I_s)/Δt_s.")
    public static let collapseDepth = scale("collapse_depth", "§3.4", "dimensionless",
                                            "D_s = −min_j C(j)/(K·sd f_s): depth of the collapse curve of f_s = Ê_s − Î_s.")
    public static let collapseArgmin = scale("collapse_argmin", "§3.4", "fraction of bins (0–1)",
                                             "First minimising j*/K of the collapse curve; 0.5 for a symmetric fluctuation.")
    public static let partitionGiniE = scale("partition_gini_e", "§3.5", "dimensionless (0–1)",
                                             "Gini coefficient of the partition (Lorenz) curve of the E bin counts.")
    public static let partitionGiniI = scale("partition_gini_i", "§3.5", "dimensionless (0–1)",
                                             "Gini coefficient of the partition (Lorenz) curve of the I bin counts.")
    public static let xcorrPeak = scale("xcorr_peak", "§3.6", "dimensionless (−1…1)",
                                        "Peak of the normalised E–I cross-correlation over lags −L…L bins.")
    public static let xcorrPeakLagMs = scale("xcorr_peak_lag_ms", "§3.6", "ms",
                                             "Lag of the E–I cross-correlation peak (l·Δt_s).")

    /// The per-scale measures, in METHODS order.
    public static let perScale: [Measure] = [
        ksD, qqSlope, qqIntercept, qqR2, pearsonR, pcaAngleDeg, pcaAnisotropy, orthogonalWidth, pairAsymmetry,
        fluctuationVariance, collapseDepth, collapseArgmin, partitionGiniE, partitionGiniI, xcorrPeak, xcorrPeakLagMs,
    ]
    /// Their CSV names (the keys of `Kernels.ScaleMeasures.values`).
    public static let perScaleNames = perScale.map(\.rawValue)
}

// MARK: §3.7 co-occurrence texture features (`measures.csv`, scale_index empty)

extension Measure {
    /// A texture feature of the multiscale co-occurrence matrix (METHODS §3.7); `glcm_<feature>_d<offset>`.
    public enum GLCMFeature: String, Sendable, CaseIterable {
        case contrast, dissimilarity, homogeneity, energy, entropy, correlation

        var units: String {
            switch self {
            case .contrast: return "levels²"
            case .dissimilarity: return "levels"
            case .entropy: return "nats"
            case .homogeneity, .energy: return "dimensionless (0–1)"
            case .correlation: return "dimensionless (−1…1)"
            }
        }

        var formula: String {
            switch self {
            case .contrast: return "Σ(i−j)²p"
            case .dissimilarity: return "Σ|i−j|p"
            case .homogeneity: return "Σp/(1+|i−j|)"
            case .energy: return "Σp²"
            case .entropy: return "−Σp ln p"
            case .correlation: return "Σ(i−μ_i)(j−μ_j)p/(σ_iσ_j)"
            }
        }
    }

    /// Offsets d of the default parameters (`glcm_max_offset` 5), as listed in the catalog.
    public static let defaultGLCMOffsets = 1 ... 5

    /// `glcm_<feature>_d<offset>`.
    public static func glcm(_ feature: GLCMFeature, offset d: Int) -> Measure {
        Measure("glcm_\(feature.rawValue)_d\(d)", section: "§3.7", units: feature.units, table: .scaleFree,
                doc: "Co-occurrence \(feature.rawValue) \(feature.formula) of (Ê level at (s,k), Î level at (s,k+\(d))), all scales.")
    }

    public static func glcmContrast(offset d: Int) -> Measure { glcm(.contrast, offset: d) }

    /// The `glcm_*` measure of a CSV name, or nil.
    static func glcm(name: String) -> Measure? {
        guard name.hasPrefix("glcm_"), let u = name.lastIndex(of: "_"), name[u...].hasPrefix("_d"),
              let d = Int(name[name.index(u, offsetBy: 2)...]), d >= 1 else { return nil }
        let feature = name[name.index(name.startIndex, offsetBy: 5) ..< u]
        return GLCMFeature(rawValue: String(feature)).map { glcm($0, offset: d) }
    }

    /// The texture features at offsets `offsets`, feature by feature.
    public static func glcmMeasures(offsets: ClosedRange<Int> = defaultGLCMOffsets) -> [Measure] {
        GLCMFeature.allCases.flatMap { f in offsets.map { glcm(f, offset: $0) } }
    }
}

// MARK: §4 order parameters (`order_parameters.csv`)

extension Measure {
    private static func order(_ n: String, _ u: String, _ d: String) -> Measure {
        Measure(n, section: "§4", units: u, table: .orderParameters, doc: d)
    }
    public static let varianceBeta = order("variance_beta", "dimensionless",
                                           "β of the least-squares fit ln V_s = a − β ln Δt_s over the scales; 1 = independent bins.")
    public static let varianceBetaSE = order("variance_beta_se", "dimensionless", "OLS standard error of variance_beta.")
    public static let collapseSpread = order("collapse_spread", "dimensionless",
                                             "Mean RMS distance of the depth-normalised collapse curves to their pointwise median over scales; small = scale invariance.")
    public static let rBar = order("r_bar", "dimensionless (−1…1)", "r̄: mean pearson_r over the scales of METHODS §4 (10–32).")
    public static let thetaBarDeg = order("theta_bar_deg", "degrees", "θ̄: mean pca_angle_deg − 45° over the scales of METHODS §4.")
    public static let widthScale20 = order("width_scale20", normalisedUnits, "orthogonal_width at scale 20 (≈ 299 ms).")
    public static let asymmetryMean = order("asymmetry_mean", "dimensionless (0–1)", "Mean pair_asymmetry over scales.")
    public static let xcorrLagScale10Ms = order("xcorr_lag_scale10_ms", "ms", "xcorr_peak_lag_ms at scale 10 (≈ 16 ms).")
    /// The verdict as an order-parameter row (also `verdicts.csv`).
    public static let balanceSymmetry = order("balance_symmetry", "1 holds, 0 deviates or broken, empty undecidable",
                                              "The balance-symmetry verdict of METHODS §4 (details in verdicts.csv).")

    /// The order parameters in METHODS §4 order (the verdict not included).
    public static let orderParameters: [Measure] = [
        varianceBeta, varianceBetaSE, collapseSpread, rBar, thetaBarDeg, widthScale20, asymmetryMean, xcorrLagScale10Ms,
    ]
}

// MARK: §6–9 families (`family_measures.csv`)

extension Measure {
    private static func family(_ f: MeasureFamily, _ s: String, _ n: String, _ u: String, _ d: String) -> Measure {
        Measure(n, section: s, units: u, table: .familyMeasures, family: f, doc: d)
    }

    /// §6 seizure dynamics (family `seizure`).
    public static let seizure: [Measure] = [
        family(.seizure, "§6", "balance_trend_slope", "S units per bin",
               "Slope of the linear pre-ictal trend of the signed cumulative balance S(t) (state ictal)."),
        family(.seizure, "§6", "balance_preictal_sd", "S units (spikes/unit)", "sd of S(t) around its pre-ictal trend."),
        family(.seizure, "§6", "balance_max_ictal_deviation", "pre-ictal sd",
               "Largest deviation of S(t) from the extrapolated trend during the seizure."),
        family(.seizure, "§6", "balance_deviation_at_end", "pre-ictal sd",
               "Deviation of S(t) from the extrapolated trend at the seizure's end."),
        family(.seizure, "§6", "balance_recovery_time_s", "s",
               "First time after the seizure's end that S(t) is back within 2 pre-ictal sd of the trend."),
        family(.seizure, "§6", "balance_state_max_deviation_sd", "pre-ictal sd",
               "Largest |S(t) − pre-ictal trend| over the state's bins (states within or after a seizure); the §4 verdict's seizure criterion."),
        family(.seizure, "§6", "current_mean", "dimensionless (weighted spike count)",
               "Mean of the synaptic current estimate C(t) on the 1 ms grid."),
        family(.seizure, "§6", "coherence_mean", "dimensionless (0–1)",
               "Mean Morlet wavelet coherence of C(t) and an LFP channel over time and frequency."),
        family(.seizure, "§6", "ridge_median_hz", "Hz",
               "Median over time of the frequency of maximum cross-wavelet power of C(t) and a channel."),
    ]

    /// §7 spatial structure (family `spatial`, per pair group and bin size).
    public static let spatial: [Measure] = [
        family(.spatial, "§7", "pair_count", "pairs", "Pairs with both units active."),
        family(.spatial, "§7", "pair_correlation", "dimensionless (−1…1)", "Mean Pearson r of the pairs' spike counts."),
        family(.spatial, "§7", "pair_rho", "dimensionless", "Mean cov/√(ν_i ν_j) of the pairs (ν = mean count per bin)."),
        family(.spatial, "§7", "distance_lambda_um", "µm", "λ of the fit ρ(d) = β + κ e^{−d/λ} over distance bins."),
        family(.spatial, "§7", "distance_lambda_se_um", "µm", "Standard error of distance_lambda_um."),
        family(.spatial, "§7", "distance_beta", "dimensionless", "β (offset) of the fit ρ(d) = β + κ e^{−d/λ}."),
        family(.spatial, "§7", "distance_kappa", "dimensionless", "κ (amplitude) of the fit ρ(d) = β + κ e^{−d/λ}."),
    ]

    /// §8 avalanches (family `avalanches`, per source group and bin size).
    public static let avalanches: [Measure] = {
        var out = [
            family(.avalanches, "§8", "avalanche_count", "avalanches", "Avalanches: maximal runs of non-empty bins."),
            family(.avalanches, "§8", "size_mean", "spikes (events for lfp)", "Mean avalanche size."),
            family(.avalanches, "§8", "duration_mean", "bins", "Mean avalanche duration."),
            family(.avalanches, "§8", "branching_ratio", "dimensionless", "Mean descendants per ancestor bin."),
        ]
        for (x, u) in [("size", "spikes (events for lfp)"), ("duration", "bins")] {
            out += [
                family(.avalanches, "§8", "\(x)_alpha", "dimensionless", "Exponent α of the discrete power-law fit of the \(x)s."),
                family(.avalanches, "§8", "\(x)_alpha_se", "dimensionless", "Standard error of \(x)_alpha."),
                family(.avalanches, "§8", "\(x)_xmin", u, "x_min of the \(x) power law (minimum KS distance)."),
                family(.avalanches, "§8", "\(x)_ks", "dimensionless (0–1)", "KS distance of the \(x) power-law fit above x_min."),
                family(.avalanches, "§8", "\(x)_tail_count", "avalanches", "Avalanches with \(x) ≥ x_min."),
                family(.avalanches, "§8", "\(x)_llr_exponential", "nats",
                       "Log-likelihood ratio power law vs exponential of the \(x)s (positive favours the power law)."),
                family(.avalanches, "§8", "\(x)_p_exponential", "probability", "p-value of \(x)_llr_exponential."),
                family(.avalanches, "§8", "\(x)_llr_biexponential", "nats",
                       "Log-likelihood ratio power law vs bi-exponential of the \(x)s."),
                family(.avalanches, "§8", "\(x)_p_biexponential", "probability", "p-value of \(x)_llr_biexponential."),
            ]
        }
        return out
    }()

    /// §9 LFP E/I proxies (family `lfp`, one row per channel).
    public static let lfp: [Measure] = [
        family(.lfp, "§9", "psd_segments", "segments", "Welch segments averaged into the PSD."),
        family(.lfp, "§9", "aperiodic_exponent_narrow", "dimensionless",
               "Aperiodic exponent χ of log10 P = b − χ log10 f over 30–50 Hz (OLS)."),
        family(.lfp, "§9", "aperiodic_offset_narrow", "log10 power", "Offset b of the 30–50 Hz aperiodic fit."),
        family(.lfp, "§9", "aperiodic_r2_narrow", "dimensionless (0–1)", "R² of the 30–50 Hz aperiodic fit."),
        family(.lfp, "§9", "aperiodic_exponent_wide", "dimensionless",
               "Aperiodic exponent χ over 1–40 Hz with peak rejection (specparam fixed mode)."),
        family(.lfp, "§9", "aperiodic_offset_wide", "log10 power", "Offset b of the 1–40 Hz aperiodic fit."),
        family(.lfp, "§9", "aperiodic_r2_wide", "dimensionless (0–1)", "R² of the 1–40 Hz aperiodic fit."),
        family(.lfp, "§9", "aperiodic_peaks_wide", "peaks", "Spectral peaks rejected by the 1–40 Hz fit."),
        family(.lfp, "§9", "dfa_exponent", "dimensionless", "DFA exponent of the 8–13 Hz amplitude envelope."),
    ]
}

// MARK: Bookkeeping names of `missing.csv`

extension Measure {
    /// No surrogate statistics at all (no surrogates requested, or a family without surrogates).
    public static let surrogateStatistics = Measure("surrogate_statistics", section: "§5", units: "—",
                                                    table: .missingOnly,
                                                    doc: "Surrogate mean, sd and z are empty for every measure of the row's scope.")
    /// A state whose §3–4 analysis failed as a whole.
    public static let stateAnalysis = Measure("state_analysis", section: "§3–4", units: "—", table: .missingOnly,
                                              doc: "The state's balance analysis failed; the reason names the error.")
    /// A family that failed as a whole for a state: `family_<name>`.
    public static func familyFailure(_ family: MeasureFamily) -> Measure {
        let section: String
        switch family {
        case .seizure: section = "§6"
        case .spatial: section = "§7"
        case .avalanches: section = "§8"
        case .lfp: section = "§9"
        }
        return Measure("family_\(family.rawValue)", section: section, units: "—", table: .missingOnly,
                       doc: "The \(family.rawValue) family failed for the state; the reason names the error.")
    }
}

// MARK: The catalog

extension Measure {
    /// Every measure name the program writes, in METHODS order (texture features at the default offsets).
    public static let catalog: [Measure] =
        perScale + glcmMeasures() + orderParameters + [balanceSymmetry] + seizure + spatial + avalanches + lfp
        + [surrogateStatistics, stateAnalysis] + MeasureFamily.allCases.map(familyFailure)

    static let byName: [String: Measure] = {
        var d: [String: Measure] = [:]
        for m in catalog where d[m.rawValue] == nil { d[m.rawValue] = m }
        return d
    }()

    /// The catalog entry named `name` (any `glcm_<feature>_d<d>` included), nil when unknown.
    public static func named(_ name: String) -> Measure? { byName[name] ?? glcm(name: name) }
}
