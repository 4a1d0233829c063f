/// The kind of surrogate used to test a measure (METHODS §5).
public enum SurrogateKind: String, Codable, Sendable, CaseIterable, Hashable, Comparable {
    /// (a) ISI permutation of the pooled E train and of the pooled I train.
    case isiPermutation = "isi_permutation"
    /// (b) Circular shift of each unit's train by an independent uniform offset modulo the epoch length.
    case circularShift = "circular_shift"

    public static func < (a: SurrogateKind, b: SurrogateKind) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// Which computation of a (recording, state) a result belongs to: the data, or one surrogate.
public enum Member: Hashable, Codable, Sendable, Comparable, CustomStringConvertible {
    case observed
    /// Surrogate `index` (0-based) of a kind. Its random stream is seeded from
    /// (master seed, recording id, state, kind, index) only, never from rank or order.
    case surrogate(SurrogateKind, Int)

    /// Whether this is an ISI-permutation surrogate (METHODS §5a): the members that share a state's pooled
    /// intervals (`SharedPooledIntervals`).
    public var isISIPermutation: Bool {
        if case .surrogate(.isiPermutation, _) = self { return true } else { return false }
    }

    public var description: String {
        switch self {
        case .observed: return "observed"
        case let .surrogate(k, i): return "\(k.rawValue)#\(i)"
        }
    }
}

/// Every parameter of METHODS §2–5 with its documented default. Recorded in provenance.
public struct AnalysisParameters: Codable, Sendable, Hashable {
    /// Number of time scales, Δt_s = exp(0.3 (s−1)) ms, s = 1…scaleCount (§2) [paper: 32].
    public var scaleCount: Int = 32
    /// Surrogates per kind (§5) [default 100].
    public var surrogateCount: Int = 100
    /// Surrogate kinds to compute; the first is the one whose mean/sd/z fill the main tables.
    public var surrogateKinds: [SurrogateKind] = [.isiPermutation, .circularShift]
    /// Master seed of every random stream.
    public var seed: UInt64 = 20230619
    /// Cross-correlation half-range in bins (§3.6) [default 20].
    public var maxLagBins: Int = 20
    /// Pair-matrix grid size (§3.2) [default 32].
    public var pairGridSize: Int = 32
    /// Co-occurrence quantisation levels (§3.7) [default 16].
    public var glcmLevels: Int = 16
    /// Co-occurrence offsets d = 1…glcmMaxOffset (§3.7) [default 5].
    public var glcmMaxOffset: Int = 5
    /// Scale whose time grid the co-occurrence features use (§3.7) [default 20].
    public var glcmReferenceScale: Int = 20
    /// r̄ averages scales r̄FirstScale…scaleCount (§4) [default 10].
    public var meanCorrelationFirstScale: Int = 10
    /// The collapse spread averages the RMS distances to the median curve (taken over every scale with a defined
    /// depth) of scales collapseSpreadFirstScale…scaleCount (§3.4, revised 2026-12) [default 10: finer scales are
    /// dominated by shot noise].
    public var collapseSpreadFirstScale: Int = 10
    /// θ̄ averages the PCA angle over scales thetaBarFirstScale…scaleCount (§4, revised 2026-12) [default 10].
    public var thetaBarFirstScale: Int = 10
    /// Scale at which the orthogonal width w is reported (§4) [default 20].
    public var widthScale: Int = 20
    /// Scale at which the cross-correlation lag is reported (§4) [default 10].
    public var lagScale: Int = 10
    /// |θ̄| below this holds the balance symmetry (§4) [default 10°].
    public var thetaThresholdDegrees: Double = 10
    /// |z| beyond this is significant against surrogates (§4) [default 1.96, two-sided 5 %].
    public var zThreshold: Double = 1.96
    /// Resampling points for collapse/partition curves (§3.4) [default 101].
    public var curvePoints: Int = 101
    /// The verdict is broken for a state within or after a seizure when S(t) leaves its pre-ictal trend by more
    /// than this many pre-ictal sd during the state (§4, used only where the seizure family ran) [default 5].
    public var seizureDeviationThresholdSD: Double = 5

    public init() {}

    /// Δt_s in milliseconds for 1-based scale index `s` (§2).
    public static func scaleMilliseconds(_ s: Int) -> Double { (0.3 * Double(s - 1)).exp() }
}

extension Double {
    @inline(__always) fileprivate func exp() -> Double {
        #if canImport(Glibc)
        return Glibc.exp(self)
        #else
        return Foundation.exp(self)
        #endif
    }
}

#if canImport(Glibc)
import Glibc
#else
import Foundation
#endif
