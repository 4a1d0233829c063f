import CBLAS
import Foundation

/// Pairwise spike-count correlations (METHODS §7, PN) from the binned count matrix, as a matrix product
/// (OpenBLAS `dsyrk` / `dgemm`) accumulated over chunks of bins so the count matrix is never held whole.
///
/// For units i, j with bin counts c_i(k) over K bins (epochs binned separately, partial last bins dropped):
/// - `pearson` r_ij = cov(c_i, c_j) / (sd_i sd_j);
/// - `normalisedCovariance` ρ_ij = cov(c_i, c_j) / sqrt(ν_i ν_j), ν = mean count per bin (METHODS §7's
///   "divided by sqrt(ν_i ν_j)"; equals r_ij for Poisson counts). cov uses 1/(K−1).
/// Work is sharded by pair blocks: `blockMoments(rows:columns:)` gives the cross-products of one block.
/// For fine bins, where most (unit, bin) cells are empty, a sparse pair accumulation gives the same integer
/// cross-products far faster than the dense product (`Method.automatic` picks it below 0.15 spikes per (unit, bin)).
public enum SpatialCorrelation {
    /// Sums and cross-products of the count matrix over a rows × columns block of units.
    public struct Moments: Sendable, Equatable {
        public var rows: Range<Int>
        public var columns: Range<Int>
        public var bins: Int
        /// Σ_k c_i(k) for i in rows, then for j in columns.
        public var rowSums: [Double]
        public var columnSums: [Double]
        /// Σ_k c_i(k)² for rows and columns.
        public var rowSquares: [Double]
        public var columnSquares: [Double]
        /// Σ_k c_i(k) c_j(k), row-major rows.count × columns.count.
        public var cross: [Double]
    }

    /// Correlation block (row-major rows × columns); NaN where a unit has no variance (missing).
    public struct Block: Sendable, Equatable {
        public var rows: Range<Int>
        public var columns: Range<Int>
        public var pearson: [Double]
        public var normalisedCovariance: [Double]
    }

    /// How the cross-products are accumulated; both give identical (integer-exact) results.
    public enum Method: Sendable {
        /// `sparse` below 0.15 spikes per (unit, bin) cell on average, else `dense`.
        case automatic
        /// Dense count matrix per chunk of bins, OpenBLAS `dsyrk` (symmetric block) or `dgemm`.
        case dense
        /// Per bin, the list of spikes' units; every ordered pair adds 1 (cost ∝ Σ_k n_k², for fine bins).
        case sparse
    }

    /// Bins `trains` (sorted spike times, s) into `width`-second bins per epoch and accumulates the
    /// moments of the block `rows × columns` (the full matrix when both are `0..<trains.count`).
    /// `chunkBins` bins are materialised at a time.
    public static func blockMoments(trains: [[Double]], epochs: [(start: Double, stop: Double)], width: Double,
                                    rows: Range<Int>, columns: Range<Int>, chunkBins: Int = 8192,
                                    method: Method = .automatic) -> Moments {
        var useSparse = method == .sparse
        if method == .automatic {
            let units = Set(Array(rows) + Array(columns))
            let spikes = units.reduce(0) { $0 + trains[$1].count }
            let bins = epochs.reduce(0) { $0 + Avalanches.binCount(start: $1.start, stop: $1.stop, width: width) }
            useSparse = bins > 0 && Double(spikes) < 0.15 * Double(units.count) * Double(bins)
        }
        if useSparse {
            return sparseMoments(trains: trains, epochs: epochs, width: width, rows: rows, columns: columns, chunkBins: chunkBins)
        }
        return denseMoments(trains: trains, epochs: epochs, width: width, rows: rows, columns: columns, chunkBins: chunkBins)
    }

    static func denseMoments(trains: [[Double]], epochs: [(start: Double, stop: Double)], width: Double,
                             rows: Range<Int>, columns: Range<Int>, chunkBins: Int) -> Moments {
        let symmetric = rows == columns
        let units = symmetric ? Array(rows) : Array(rows) + Array(columns)
        let nr = rows.count, nc = columns.count, nu = units.count
        var m = Moments(rows: rows, columns: columns, bins: 0,
                        rowSums: .init(repeating: 0, count: nr), columnSums: .init(repeating: 0, count: nc),
                        rowSquares: .init(repeating: 0, count: nr), columnSquares: .init(repeating: 0, count: nc),
                        cross: .init(repeating: 0, count: nr * nc))
        guard nu > 0, width > 0 else { return m }
        var mat = [Double](repeating: 0, count: nu * chunkBins)
        for e in epochs {
            let k = Avalanches.binCount(start: e.start, stop: e.stop, width: width)
            guard k > 0 else { continue }
            // Cursor per unit: first spike at or after the epoch start.
            var cursor = units.map { u -> Int in
                let t = trains[u]
                var lo = 0, hi = t.count
                while lo < hi { let mid = (lo + hi) / 2; if t[mid] < e.start { lo = mid + 1 } else { hi = mid } }
                return lo
            }
            var b0 = 0
            while b0 < k {
                let cb = min(chunkBins, k - b0)
                mat.withUnsafeMutableBufferPointer { p in
                    for r in 0..<nu {
                        let row = p.baseAddress! + r * cb
                        row.update(repeating: 0, count: cb)
                        let t = trains[units[r]]
                        var c = cursor[r]
                        while c < t.count {
                            let b = Avalanches.binIndex(t[c], start: e.start, width: width) - b0
                            if b >= cb { break }
                            if b >= 0 { row[b] += 1 }
                            c += 1
                        }
                        cursor[r] = c
                    }
                    let base = p.baseAddress!
                    for r in 0..<nu {
                        var s = 0.0, q = 0.0
                        let row = base + r * cb
                        for b in 0..<cb { s += row[b]; q += row[b] * row[b] }
                        if symmetric { m.rowSums[r] += s; m.rowSquares[r] += q; m.columnSums[r] += s; m.columnSquares[r] += q }
                        else if r < nr { m.rowSums[r] += s; m.rowSquares[r] += q }
                        else { m.columnSums[r - nr] += s; m.columnSquares[r - nr] += q }
                    }
                    m.cross.withUnsafeMutableBufferPointer { g in
                        if symmetric {
                            cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, Int32(nr), Int32(cb), 1.0,
                                        base, Int32(cb), 1.0, g.baseAddress!, Int32(nr))
                        } else {
                            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(nr), Int32(nc), Int32(cb), 1.0,
                                        base, Int32(cb), base + nr * cb, Int32(cb), 1.0, g.baseAddress!, Int32(nc))
                        }
                    }
                }
                m.bins += cb
                b0 += cb
            }
        }
        if symmetric {  // fill the lower triangle from dsyrk's upper one
            for i in 0..<nr { for j in 0..<i { m.cross[i * nr + j] = m.cross[j * nr + i] } }
        }
        return m
    }

    /// Sparse accumulation: bucket each chunk's spikes by bin (counting sort), then for every bin add 1 to
    /// `cross[a][b]` for each ordered pair (row-unit spike a, column-unit spike b) in it — Σ_k c_a(k) c_b(k).
    static func sparseMoments(trains: [[Double]], epochs: [(start: Double, stop: Double)], width: Double,
                              rows: Range<Int>, columns: Range<Int>, chunkBins: Int) -> Moments {
        let nr = rows.count, nc = columns.count
        var m = Moments(rows: rows, columns: columns, bins: 0,
                        rowSums: .init(repeating: 0, count: nr), columnSums: .init(repeating: 0, count: nc),
                        rowSquares: .init(repeating: 0, count: nr), columnSquares: .init(repeating: 0, count: nc),
                        cross: .init(repeating: 0, count: nr * nc))
        guard nr > 0, nc > 0, width > 0 else { return m }
        // Units involved: tag = (row index or −1, column index or −1).
        var involved: [(unit: Int, row: Int, col: Int)] = []
        let lo = min(rows.lowerBound, columns.lowerBound), hi = max(rows.upperBound, columns.upperBound)
        for u in lo..<hi where rows.contains(u) || columns.contains(u) {
            involved.append((u, rows.contains(u) ? u - rows.lowerBound : -1, columns.contains(u) ? u - columns.lowerBound : -1))
        }
        var cross = [Int64](repeating: 0, count: nr * nc)
        var rs = [Int64](repeating: 0, count: nr), rq = [Int64](repeating: 0, count: nr)
        var cs = [Int64](repeating: 0, count: nc), cq = [Int64](repeating: 0, count: nc)
        var offsets = [Int](repeating: 0, count: chunkBins + 1)
        var rowList: [Int32] = [], colList: [Int32] = []
        var bucketRow: [Int32] = [], bucketCol: [Int32] = []
        var binsOf: [Int32] = []
        var rowCount = [Int32](repeating: 0, count: nr), colCount = [Int32](repeating: 0, count: nc)
        for e in epochs {
            let k = Avalanches.binCount(start: e.start, stop: e.stop, width: width)
            guard k > 0 else { continue }
            var cursor = involved.map { inv -> Int in
                let t = trains[inv.unit]
                var a = 0, b = t.count
                while a < b { let mid = (a + b) / 2; if t[mid] < e.start { a = mid + 1 } else { b = mid } }
                return a
            }
            var b0 = 0
            while b0 < k {
                let cb = min(chunkBins, k - b0)
                rowList.removeAll(keepingCapacity: true); colList.removeAll(keepingCapacity: true)
                binsOf.removeAll(keepingCapacity: true)
                // Collect (bin, row tag, col tag) of every spike in the chunk.
                var tagsR: [Int32] = [], tagsC: [Int32] = []
                for (i, inv) in involved.enumerated() {
                    let t = trains[inv.unit]
                    var c = cursor[i]
                    while c < t.count {
                        let b = Avalanches.binIndex(t[c], start: e.start, width: width) - b0
                        if b >= cb { break }
                        if b >= 0 { binsOf.append(Int32(b)); tagsR.append(Int32(inv.row)); tagsC.append(Int32(inv.col)) }
                        c += 1
                    }
                    cursor[i] = c
                }
                // Counting sort by bin.
                for j in 0...cb { offsets[j] = 0 }
                for b in binsOf { offsets[Int(b) + 1] += 1 }
                for j in 0..<cb { offsets[j + 1] += offsets[j] }
                bucketRow = [Int32](repeating: -1, count: binsOf.count); bucketCol = bucketRow
                var fill = Array(offsets[0..<cb])
                for (x, b) in binsOf.enumerated() {
                    let pos = fill[Int(b)]; fill[Int(b)] += 1
                    bucketRow[pos] = tagsR[x]; bucketCol[pos] = tagsC[x]
                }
                for j in 0..<cb where offsets[j + 1] > offsets[j] {
                    let range = offsets[j]..<offsets[j + 1]
                    rowList.removeAll(keepingCapacity: true); colList.removeAll(keepingCapacity: true)
                    for x in range {
                        if bucketRow[x] >= 0 { rowList.append(bucketRow[x]); rowCount[Int(bucketRow[x])] += 1 }
                        if bucketCol[x] >= 0 { colList.append(bucketCol[x]); colCount[Int(bucketCol[x])] += 1 }
                    }
                    for a in rowList { let base = Int(a) * nc; for c in colList { cross[base + Int(c)] += 1 } }
                    for a in rowList where rowCount[Int(a)] > 0 {
                        let v = Int64(rowCount[Int(a)]); rs[Int(a)] += v; rq[Int(a)] += v * v; rowCount[Int(a)] = 0
                    }
                    for c in colList where colCount[Int(c)] > 0 {
                        let v = Int64(colCount[Int(c)]); cs[Int(c)] += v; cq[Int(c)] += v * v; colCount[Int(c)] = 0
                    }
                }
                m.bins += cb
                b0 += cb
            }
        }
        m.cross = cross.map(Double.init)
        m.rowSums = rs.map(Double.init); m.rowSquares = rq.map(Double.init)
        m.columnSums = cs.map(Double.init); m.columnSquares = cq.map(Double.init)
        return m
    }

    /// Correlations of a block from its moments.
    public static func correlations(_ m: Moments) -> Block {
        let nr = m.rows.count, nc = m.columns.count
        let k = Double(m.bins)
        var r = [Double](repeating: .nan, count: nr * nc), rho = r
        guard m.bins > 1 else { return Block(rows: m.rows, columns: m.columns, pearson: r, normalisedCovariance: rho) }
        let varR = (0..<nr).map { (m.rowSquares[$0] - m.rowSums[$0] * m.rowSums[$0] / k) / (k - 1) }
        let varC = (0..<nc).map { (m.columnSquares[$0] - m.columnSums[$0] * m.columnSums[$0] / k) / (k - 1) }
        for i in 0..<nr {
            for j in 0..<nc {
                let cov = (m.cross[i * nc + j] - m.rowSums[i] * m.columnSums[j] / k) / (k - 1)
                if varR[i] > 0 && varC[j] > 0 { r[i * nc + j] = cov / (varR[i] * varC[j]).squareRoot() }
                let nu = m.rowSums[i] / k * m.columnSums[j] / k
                if nu > 0 { rho[i * nc + j] = cov / nu.squareRoot() }
            }
        }
        return Block(rows: m.rows, columns: m.columns, pearson: r, normalisedCovariance: rho)
    }

    /// Full N × N correlation matrices in one call.
    public static func matrix(trains: [[Double]], epochs: [(start: Double, stop: Double)], width: Double,
                              method: Method = .automatic) -> Block {
        let all = 0..<trains.count
        return correlations(blockMoments(trains: trains, epochs: epochs, width: width, rows: all, columns: all,
                                         method: method))
    }

    /// Assembles the N × N matrices from pair blocks (e.g. computed on different ranks); the lower triangle is
    /// mirrored from the upper one. Cells no block covers stay NaN.
    public static func assemble(_ blocks: [Block], units n: Int) -> Block {
        var r = [Double](repeating: .nan, count: n * n), rho = r
        for b in blocks {
            let nc = b.columns.count
            for (i, gi) in b.rows.enumerated() {
                // Upper triangle only (i ≤ j), mirrored: a diagonal block's lower triangle is the same pairs in
                // the other order, and ρ's (Σ_i/K · Σ_j)/K need not be symmetric to the last bit.
                for (j, gj) in b.columns.enumerated() where gi <= gj {
                    r[gi * n + gj] = b.pearson[i * nc + j]; r[gj * n + gi] = b.pearson[i * nc + j]
                    rho[gi * n + gj] = b.normalisedCovariance[i * nc + j]; rho[gj * n + gi] = b.normalisedCovariance[i * nc + j]
                }
            }
        }
        return Block(rows: 0..<n, columns: 0..<n, pearson: r, normalisedCovariance: rho)
    }

    /// Pair blocks of `blockSize` units covering the upper triangle of an N × N matrix (for sharding).
    public static func pairBlocks(units: Int, blockSize: Int) -> [(rows: Range<Int>, columns: Range<Int>)] {
        var out: [(rows: Range<Int>, columns: Range<Int>)] = []
        var a = 0
        while a < units {
            let ra = a..<min(a + blockSize, units)
            var b = a
            while b < units { out.append((ra, b..<min(b + blockSize, units))); b += blockSize }
            a += blockSize
        }
        return out
    }
}
