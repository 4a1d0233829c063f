import Analysis
import Foundation

/// Where and how a shard was computed (METHODS §10 provenance).
public struct ShardProvenance: Codable, Sendable, Equatable {
    public var key: String
    public var shard: String
    public var inputPath: String
    public var inputSHA256: String
    public var programVersion: String
    public var rank: Int
    public var host: String
    /// Wall time of the computation, seconds.
    public var seconds: Double

    public init(key: String, shard: String, inputPath: String, inputSHA256: String, programVersion: String,
                rank: Int, host: String, seconds: Double) {
        self.key = key; self.shard = shard; self.inputPath = inputPath; self.inputSHA256 = inputSHA256
        self.programVersion = programVersion; self.rank = rank; self.host = host; self.seconds = seconds
    }
}

/// The values of one shard: a `MeasureSet` per member, plus provenance; the shard holding the observed member also
/// carries the state's report products (`StatePipeline.computeBlock`: curves with the surrogate collapse reference,
/// E and I series), which the reductions write to `tables/recordings/<name>/curves/` and `series/`.
///
/// Encoded compactly and exactly (doubles as bit patterns) for MPI messages and for `OUT/shards/<key>.shard`:
/// `SYMSHRD1`, header JSON, a string table, then per member its values as (name, scale, bits) triples;
/// ends with `END1`. About 16 bytes per value. With curves or series the magic is `SYMSHRD2` and, before `END1`,
/// come the curves (kind, scale, x bits, y bits) and the series (state, scale, e bits, i bits).
public struct ShardResult: Sendable, Equatable {
    public var provenance: ShardProvenance
    public var members: [Member: MeasureSet]
    /// The state's curves and series (observed-member shards only; empty otherwise and in earlier files).
    public var curves: [StateCurve], series: [SeriesTable]

    public init(provenance: ShardProvenance, members: [Member: MeasureSet], curves: [StateCurve] = [],
                series: [SeriesTable] = []) {
        self.provenance = provenance; self.members = members; self.curves = curves; self.series = series
    }

    static let magic = Array("SYMSHRD1".utf8)
    static let magicWithCurves = Array("SYMSHRD2".utf8)
    static let trailer = Array("END1".utf8)

    public func encoded() throws -> [UInt8] {
        var w = ByteWriter()
        let withCurves = !curves.isEmpty || !series.isEmpty
        w.bytes(withCurves ? Self.magicWithCurves : Self.magic)
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        let header = [UInt8](try enc.encode(provenance))
        w.u32(UInt32(header.count)); w.bytes(header)
        // String table: measure names and missing reasons, sorted for stable bytes.
        var names = Set<String>()
        for set in members.values {
            for k in set.values.keys { names.insert(k.measure) }
            for (k, r) in set.missing { names.insert(k.measure); names.insert(r) }
        }
        let table = names.sorted()
        var index: [String: UInt32] = [:]
        for (i, n) in table.enumerated() { index[n] = UInt32(i) }
        w.u32(UInt32(table.count))
        for n in table { let b = Array(n.utf8); w.u32(UInt32(b.count)); w.bytes(b) }
        let order = members.keys.sorted()
        w.u32(UInt32(order.count))
        for m in order {
            w.member(m)
            let set = members[m]!
            let vals = set.values.keys.sorted()
            w.u32(UInt32(vals.count))
            for k in vals { w.u32(index[k.measure]!); w.i32(Int32(k.scaleIndex ?? -1)); w.u64(set.values[k]!.bitPattern) }
            let miss = set.missing.keys.sorted()
            w.u32(UInt32(miss.count))
            for k in miss { w.u32(index[k.measure]!); w.i32(Int32(k.scaleIndex ?? -1)); w.u32(index[set.missing[k]!]!) }
        }
        if withCurves {
            w.u32(UInt32(curves.count))
            for c in curves { w.string(c.kind); w.i32(Int32(c.scaleIndex)); w.doubles(c.x); w.doubles(c.y) }
            w.u32(UInt32(series.count))
            for t in series { w.string(t.state); w.i32(Int32(t.scaleIndex)); w.doubles(t.e); w.doubles(t.i) }
        }
        w.bytes(Self.trailer)
        return w.out
    }

    /// Decodes `bytes`; `source` names the file or message in errors.
    /// A sealed result (`ShardSeal`) is checked against its SHA-256 first.
    public init(decoding sealed: [UInt8], source: String) throws {
        let bytes = try ShardSeal.open(sealed, source: source)
        var r = ByteReader(bytes: bytes, source: source)
        let head = try r.take(8)
        guard head == Self.magic || head == Self.magicWithCurves else {
            throw BatchError.corruptShard(path: source, message: "bad magic")
        }
        let hlen = Int(try r.u32())
        do { provenance = try JSONDecoder().decode(ShardProvenance.self, from: Data(try r.take(hlen))) } catch {
            throw BatchError.corruptShard(path: source, message: "header: \(error)")
        }
        let n = Int(try r.u32())
        var table: [String] = []
        table.reserveCapacity(n)
        for _ in 0..<n { let l = Int(try r.u32()); table.append(String(decoding: try r.take(l), as: UTF8.self)) }
        func name(_ i: UInt32) throws -> String {
            guard Int(i) < table.count else { throw BatchError.corruptShard(path: source, message: "name index") }
            return table[Int(i)]
        }
        var members: [Member: MeasureSet] = [:]
        let mc = Int(try r.u32())
        for _ in 0..<mc {
            let member = try r.member()
            var set = MeasureSet()
            for _ in 0..<Int(try r.u32()) {
                let nm = try name(try r.u32()), sc = try r.i32(), bits = try r.u64()
                set.values[MeasureKey(nm, scale: sc < 0 ? nil : Int(sc))] = Double(bitPattern: bits)
            }
            for _ in 0..<Int(try r.u32()) {
                let nm = try name(try r.u32()), sc = try r.i32(), reason = try name(try r.u32())
                set.missing[MeasureKey(nm, scale: sc < 0 ? nil : Int(sc))] = reason
            }
            members[member] = set
        }
        var curves: [StateCurve] = [], series: [SeriesTable] = []
        if head == Self.magicWithCurves {
            for _ in 0..<Int(try r.u32()) {
                curves.append(StateCurve(kind: try r.string(), scaleIndex: Int(try r.i32()), x: try r.doubles(),
                                         y: try r.doubles()))
            }
            for _ in 0..<Int(try r.u32()) {
                series.append(SeriesTable(state: try r.string(), scaleIndex: Int(try r.i32()), e: try r.doubles(),
                                          i: try r.doubles()))
            }
        }
        self.curves = curves
        self.series = series
        guard try r.take(4) == Self.trailer, r.atEnd else {
            throw BatchError.corruptShard(path: source, message: "truncated or trailing bytes")
        }
        self.members = members
    }
}

struct ByteWriter {
    var out: [UInt8] = []
    mutating func bytes(_ b: [UInt8]) { out.append(contentsOf: b) }
    mutating func u8(_ v: UInt8) { out.append(v) }
    mutating func u32(_ v: UInt32) { for i in 0..<4 { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt32(i)))) } }
    mutating func i32(_ v: Int32) { u32(UInt32(bitPattern: v)) }
    mutating func u64(_ v: UInt64) { for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) } }
    /// UTF-8 length (u32), then the bytes.
    mutating func string(_ s: String) { let b = Array(s.utf8); u32(UInt32(b.count)); bytes(b) }
    /// Count (u32), then each value's bit pattern (u64): exact.
    mutating func doubles(_ v: [Double]) { u32(UInt32(v.count)); for x in v { u64(x.bitPattern) } }
    /// A member as tag (0 observed, 1 surrogate), kind index, surrogate index.
    mutating func member(_ m: Member) {
        switch m {
        case .observed: u8(0); u8(0); u32(0)
        case let .surrogate(k, i): u8(1); u8(UInt8(SurrogateKind.allCases.firstIndex(of: k)!)); u32(UInt32(i))
        }
    }
}

struct ByteReader {
    let bytes: [UInt8]
    let source: String
    var pos = 0
    init(bytes: [UInt8], source: String) { self.bytes = bytes; self.source = source }
    var atEnd: Bool { pos == bytes.count }
    mutating func take(_ n: Int) throws -> [UInt8] {
        guard n >= 0, pos + n <= bytes.count else { throw BatchError.corruptShard(path: source, message: "truncated") }
        defer { pos += n }
        return Array(bytes[pos ..< pos + n])
    }
    mutating func u8() throws -> UInt8 { try take(1)[0] }
    mutating func u32() throws -> UInt32 {
        let b = try take(4); return (0..<4).reduce(0) { $0 | UInt32(b[$1]) << (8 * UInt32($1)) }
    }
    mutating func i32() throws -> Int32 { Int32(bitPattern: try u32()) }
    /// The inverse of `ByteWriter.string(_:)`.
    mutating func string() throws -> String { String(decoding: try take(Int(try u32())), as: UTF8.self) }
    /// The inverse of `ByteWriter.doubles(_:)`.
    mutating func doubles() throws -> [Double] {
        let n = Int(try u32())
        guard n <= (bytes.count - pos) / 8 else { throw BatchError.corruptShard(path: source, message: "truncated") }
        var v: [Double] = []
        v.reserveCapacity(n)
        for _ in 0..<n { v.append(Double(bitPattern: try u64())) }
        return v
    }
    mutating func u64() throws -> UInt64 {
        let b = try take(8); return (0..<8).reduce(0) { $0 | UInt64(b[$1]) << (8 * UInt64($1)) }
    }
    /// The inverse of `ByteWriter.member(_:)`.
    mutating func member() throws -> Member {
        let tag = try u8(), kind = Int(try u8()), index = Int(try u32())
        guard tag != 0 else { return .observed }
        guard kind < SurrogateKind.allCases.count else {
            throw BatchError.corruptShard(path: source, message: "surrogate kind \(kind)")
        }
        return .surrogate(SurrogateKind.allCases[kind], index)
    }
}
