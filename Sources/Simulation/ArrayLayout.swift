import Recordings

/// A Utah-like 96-electrode array: a 10×10 grid at 400 µm pitch with the four corners unused.
public struct ArrayLayout: Sendable {
    /// Electrode positions, µm, in electrode-id order.
    public let positions: [SIMD2<Double>]
    public let pitch: Double

    public init(side: Int = 10, pitch: Double = 400, dropCorners: Bool = true) {
        var pos: [SIMD2<Double>] = []
        for row in 0..<side {
            for col in 0..<side {
                let corner = (row == 0 || row == side - 1) && (col == 0 || col == side - 1)
                if dropCorners && corner && side > 2 { continue }
                pos.append(SIMD2(Double(col) * pitch, Double(row) * pitch))
            }
        }
        positions = pos
        self.pitch = pitch
    }

    public var count: Int { positions.count }

    /// The electrodes table rows.
    public func electrodes() -> [Electrode] {
        positions.enumerated().map { id, p in
            Electrode(id: id, x: p.x, y: p.y, z: 0, location: "simulated neocortex, layer II/III",
                      groupName: "array")
        }
    }

    /// For each electrode, Gaussian weights (σ = one pitch) over sites within two pitches, normalised to sum 1:
    /// the volume-conduction kernel of the LFP proxy.
    public func lfpKernel() -> [[(site: Int, weight: Double)]] {
        positions.map { a in
            var row: [(site: Int, weight: Double)] = []
            var total = 0.0
            for (s, b) in positions.enumerated() {
                let d = a - b
                let d2 = (d * d).sum()
                if d2 <= 4 * pitch * pitch + 1e-6 {
                    let wt = _exp(-d2 / (2 * pitch * pitch))
                    row.append((s, wt)); total += wt
                }
            }
            return row.map { ($0.site, $0.weight / total) }
        }
    }
}
