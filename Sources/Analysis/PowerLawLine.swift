import Foundation
import Kernels

/// The fitted discrete power law of an avalanche distribution as a line to draw (METHODS §8, Clauset et al. 2009),
/// so presentation code needs the fit's columns of `family_measures.csv` only, not `Kernels`.
public enum PowerLawLine {
    /// P(s) = F · s^−α / ζ(α, x_min) for s ≥ x_min, where F is the fraction of avalanches with size ≥ x_min and
    /// ζ the Hurwitz zeta function (`PowerLawFit.hurwitzZeta`) — or, `cumulative`, the CCDF
    /// P(S ≥ s) = F · ζ(α, s) / ζ(α, x_min); at `points` log-spaced sizes from x_min to `maxSize`, cut where the
    /// value falls below `minimumP`. nil unless α > 1, x_min ≥ 1, F > 0, `maxSize` ≥ x_min and two points remain.
    public static func points(alpha: Double, xmin: Double, tailFraction: Double, maxSize: Double, points: Int = 40,
                              minimumP: Double = 0, cumulative: Bool = false) -> (x: [Double], y: [Double])? {
        guard alpha > 1, xmin >= 1, tailFraction > 0, maxSize >= xmin, points >= 2 else { return nil }
        let z = PowerLawFit.hurwitzZeta(alpha, xmin)
        guard z > 0, z.isFinite else { return nil }
        let l0 = log(xmin), l1 = log(maxSize)
        var x = (0 ..< points).map { exp(l0 + (l1 - l0) * Double($0) / Double(points - 1)) }
        var y = x.map { tailFraction * (cumulative ? PowerLawFit.hurwitzZeta(alpha, $0) : pow($0, -alpha)) / z }
        if minimumP > 0, let cut = y.firstIndex(where: { $0 < minimumP }) {
            guard cut >= 2 else { return nil }
            x = Array(x.prefix(cut)); y = Array(y.prefix(cut))
        }
        return (x, y)
    }
}
