import Analysis
import Foundation
import Kernels
import Recordings

/// One member's result of a METHODS §6–9 family shard: rows, missing rows and (observed only) curves.
public struct FamilyMemberResult: Codable, Sendable, Equatable {
    public var member: Member
    public var rows: [FamilyRow]
    public var missing: [MissingRow]
    public var curves: [FamilyCurveRow]

    public init(_ r: FamilyResult) {
        member = r.member; rows = r.rows; missing = r.missing; curves = r.curves
    }

    public var result: FamilyResult { FamilyResult(rows: rows, missing: missing, curves: curves, member: member) }
}

/// Sums and cross-products of one pair block of the §7 count matrix at one bin size
/// (`SpatialCorrelation.Moments`): integers held exactly in doubles.
public struct SpatialBlockMoments: Codable, Sendable, Equatable {
    public var binMilliseconds: Double
    public var rows: Range<Int>
    public var columns: Range<Int>
    public var bins: Int
    public var rowSums: [Double]
    public var columnSums: [Double]
    public var rowSquares: [Double]
    public var columnSquares: [Double]
    public var cross: [Double]

    init(binMilliseconds: Double, rows: Range<Int>, columns: Range<Int>, bins: Int) {
        self.binMilliseconds = binMilliseconds; self.rows = rows; self.columns = columns; self.bins = bins
        rowSums = []; columnSums = []; rowSquares = []; columnSquares = []; cross = []
    }

    public init(binMilliseconds: Double, _ m: SpatialCorrelation.Moments) {
        self.binMilliseconds = binMilliseconds
        rows = m.rows; columns = m.columns; bins = m.bins
        rowSums = m.rowSums; columnSums = m.columnSums; rowSquares = m.rowSquares; columnSquares = m.columnSquares
        cross = m.cross
    }

    public var moments: SpatialCorrelation.Moments {
        // Kernels exposes no initialiser; start from the moments of an empty block and set every field.
        var m = SpatialCorrelation.blockMoments(trains: [], epochs: [], width: 1, rows: 0..<0, columns: 0..<0)
        m.rows = rows; m.columns = columns; m.bins = bins
        m.rowSums = rowSums; m.columnSums = columnSums; m.rowSquares = rowSquares; m.columnSquares = columnSquares
        m.cross = cross
        return m
    }
}

/// What the §7 reducer needs of a recording besides the correlation matrix: each unit's class, position and
/// electrode, the electrodes' positions, and the state's epochs. Rebuilt into a spike-less `Recording` for
/// `SpatialAnalysis.rows(recording:state:parameters:curves:matrix:)`, so the reduction reads shard files only.
public struct SpatialLayout: Codable, Sendable, Equatable {
    public struct UnitLayout: Codable, Sendable, Equatable {
        public var id: Int64
        public var cellClass: CellClass
        public var electrode: Int?
        /// x, y, z in µm, or nil.
        public var position: [Double]?
    }
    public struct ElectrodeLayout: Codable, Sendable, Equatable {
        public var id: Int
        public var x: Double
        public var y: Double
        public var z: Double
    }
    public var subject: String
    public var session: String
    public var units: [UnitLayout]
    public var electrodes: [ElectrodeLayout]
    /// Epochs of the state: [start, stop] in s.
    public var epochs: [[Double]]
    public var state: String

    public init(recording r: Recording, state: String) {
        subject = r.subject; session = r.session; self.state = state
        units = r.units.map { u in
            UnitLayout(id: u.id, cellClass: u.cellClass, electrode: u.electrode,
                       position: u.position.map { [$0.x, $0.y, $0.z] })
        }
        electrodes = r.electrodes.map { ElectrodeLayout(id: $0.id, x: $0.x, y: $0.y, z: $0.z) }
        epochs = r.epochs(of: state).map { [$0.start, $0.stop] }
    }

    /// A recording with these units, electrodes and epochs and no spikes.
    public var recording: Recording {
        let us = units.map { u in
            Unit(id: u.id, cellClass: u.cellClass, electrode: u.electrode,
                 position: u.position.flatMap { $0.count == 3 ? SIMD3($0[0], $0[1], $0[2]) : nil })
        }
        return Recording(subject: subject, session: session, units: us,
                         spikes: SpikeTrains(trains: Array(repeating: [], count: us.count)),
                         electrodes: electrodes.map { Electrode(id: $0.id, x: $0.x, y: $0.y, z: $0.z) },
                         epochs: epochs.map { StateEpoch(start: $0[0], stop: $0[1], state: state) })
    }
}

/// The values of one family shard, plus provenance. Encoded compactly and exactly (doubles as bit patterns), like
/// the balance shards: `SYMFAM02`, a JSON header (provenance, family, part, spatial layout), a string table, the
/// members' rows, missing rows and curves, the spatial block moments, `END1`. About 40 bytes per row.
public struct FamilyShardResult: Codable, Sendable, Equatable {
    public var provenance: ShardProvenance
    public var family: MeasureFamily
    public var part: ShardPart
    /// Member results (empty for a spatial pair block).
    public var members: [FamilyMemberResult]
    /// Spatial pair block: moments per bin size, and the layout for the reducer.
    public var moments: [SpatialBlockMoments]?
    public var layout: SpatialLayout?

    public init(provenance: ShardProvenance, family: MeasureFamily, part: ShardPart, members: [FamilyMemberResult],
                moments: [SpatialBlockMoments]? = nil, layout: SpatialLayout? = nil) {
        self.provenance = provenance; self.family = family; self.part = part; self.members = members
        self.moments = moments; self.layout = layout
    }

    static let magic = Array("SYMFAM02".utf8)
    static let jsonMagic = Array("SYMFAM01".utf8)

    /// The JSON part: everything but the members and moments.
    struct Header: Codable {
        var provenance: ShardProvenance
        var family: MeasureFamily
        var part: ShardPart
        var layout: SpatialLayout?
    }

    static var encoder: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf",
                                                                nan: "nan")
        return e
    }

    static var decoder: JSONDecoder {
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf",
                                                                  nan: "nan")
        return d
    }

    public func encoded() throws -> [UInt8] {
        var w = ByteWriter()
        w.bytes(Self.magic)
        let header = [UInt8](try Self.encoder.encode(Header(provenance: provenance, family: family, part: part,
                                                               layout: layout)))
        w.u32(UInt32(header.count)); w.bytes(header)
        // String table, sorted for stable bytes.
        var names = Set<String>()
        for m in members {
            for r in m.rows { names.formUnion([r.subject, r.session, r.state, r.family.rawValue, r.channel, r.group, r.measure]) }
            for r in m.missing { names.formUnion([r.subject, r.session, r.state, r.measure, r.reason]) }
            for r in m.curves {
                names.formUnion([r.subject, r.session, r.state, r.family.rawValue, r.channel, r.group, r.curve])
            }
        }
        let table = names.sorted()
        var index: [String: UInt32] = [:]
        for (i, n) in table.enumerated() { index[n] = UInt32(i) }
        w.u32(UInt32(table.count))
        for n in table { let b = Array(n.utf8); w.u32(UInt32(b.count)); w.bytes(b) }
        func str(_ s: String) { w.u32(index[s]!) }
        func optional(_ xs: [Double?]) {
            var flags: UInt8 = 0
            for (i, x) in xs.enumerated() where x != nil { flags |= 1 << UInt8(i) }
            w.u8(flags)
            for x in xs { if let x { w.u64(x.bitPattern) } }
        }
        func doubles(_ xs: [Double]) { w.u32(UInt32(xs.count)); for x in xs { w.u64(x.bitPattern) } }
        w.u32(UInt32(members.count))
        for m in members {
            w.member(m.member)
            w.u32(UInt32(m.rows.count))
            for r in m.rows {
                str(r.subject); str(r.session); str(r.state); str(r.family.rawValue); str(r.channel); str(r.group)
                str(r.measure)
                optional([r.binMilliseconds, r.value, r.surrogateMean, r.surrogateSD, r.z])
            }
            w.u32(UInt32(m.missing.count))
            for r in m.missing {
                str(r.subject); str(r.session); str(r.state); w.i32(Int32(r.scaleIndex ?? -1)); str(r.measure)
                str(r.reason)
            }
            w.u32(UInt32(m.curves.count))
            for r in m.curves {
                str(r.subject); str(r.session); str(r.state); str(r.family.rawValue); str(r.channel); str(r.group)
                str(r.curve)
                optional([r.binMilliseconds])
                w.u64(r.x.bitPattern); w.u64(r.y.bitPattern)
            }
        }
        if let ms = moments {
            w.u8(1); w.u32(UInt32(ms.count))
            for m in ms {
                w.u64(m.binMilliseconds.bitPattern)
                for v in [m.rows.lowerBound, m.rows.upperBound, m.columns.lowerBound, m.columns.upperBound, m.bins] {
                    w.u64(UInt64(v))
                }
                doubles(m.rowSums); doubles(m.columnSums); doubles(m.rowSquares); doubles(m.columnSquares)
                doubles(m.cross)
            }
        } else { w.u8(0) }
        w.bytes(ShardResult.trailer)
        return w.out
    }

    /// Decodes `bytes`; `source` names the file or message in errors.
    /// A sealed result (`ShardSeal`) is checked against its SHA-256 first.
    public init(decoding sealed: [UInt8], source: String) throws {
        let bytes = try ShardSeal.open(sealed, source: source)
        if bytes.starts(with: Self.jsonMagic) {     // the first encoding: JSON between the magic and `END1`
            guard bytes.count >= 12, Array(bytes.suffix(4)) == ShardResult.trailer else {
                throw BatchError.corruptShard(path: source, message: "truncated or trailing bytes")
            }
            do { self = try Self.decoder.decode(FamilyShardResult.self, from: Data(bytes[8 ..< bytes.count - 4])) } catch {
                throw BatchError.corruptShard(path: source, message: "family result: \(error)")
            }
            return
        }
        var r = ByteReader(bytes: bytes, source: source)
        guard try r.take(8) == Self.magic else { throw BatchError.corruptShard(path: source, message: "bad magic") }
        let header: Header
        do { header = try Self.decoder.decode(Header.self, from: Data(try r.take(Int(try r.u32())))) } catch {
            throw BatchError.corruptShard(path: source, message: "family header: \(error)")
        }
        provenance = header.provenance; family = header.family; part = header.part; layout = header.layout
        let n = Int(try r.u32())
        var table: [String] = []
        table.reserveCapacity(n)
        for _ in 0..<n { let l = Int(try r.u32()); table.append(String(decoding: try r.take(l), as: UTF8.self)) }
        func str() throws -> String {
            let i = Int(try r.u32())
            guard i < table.count else { throw BatchError.corruptShard(path: source, message: "name index") }
            return table[i]
        }
        func fam() throws -> MeasureFamily {
            let s = try str()
            guard let f = MeasureFamily(rawValue: s) else {
                throw BatchError.corruptShard(path: source, message: "family '\(s)'")
            }
            return f
        }
        func optional(_ count: Int) throws -> [Double?] {
            let flags = try r.u8()
            return try (0..<count).map { i in flags & (1 << UInt8(i)) != 0 ? Double(bitPattern: try r.u64()) : nil }
        }
        func doubles() throws -> [Double] {
            let c = Int(try r.u32())
            guard c <= bytes.count / 8 else { throw BatchError.corruptShard(path: source, message: "array length") }
            return try (0..<c).map { _ in Double(bitPattern: try r.u64()) }
        }
        var members: [FamilyMemberResult] = []
        for _ in 0..<Int(try r.u32()) {
            let member = try r.member()
            var result = FamilyResult(member: member)
            for _ in 0..<Int(try r.u32()) {
                let subject = try str(), session = try str(), state = try str(), family = try fam()
                let channel = try str(), group = try str(), measure = try str()
                let v = try optional(5)
                result.rows.append(FamilyRow(subject: subject, session: session, state: state, family: family,
                                             channel: channel, group: group, binMilliseconds: v[0], measure: measure,
                                             value: v[1], surrogateMean: v[2], surrogateSD: v[3], z: v[4]))
            }
            for _ in 0..<Int(try r.u32()) {
                let subject = try str(), session = try str(), state = try str(), scale = try r.i32()
                let measure = try str(), reason = try str()
                result.missing.append(MissingRow(subject: subject, session: session, state: state,
                                                 scaleIndex: scale < 0 ? nil : Int(scale), measure: measure,
                                                 reason: reason))
            }
            for _ in 0..<Int(try r.u32()) {
                let subject = try str(), session = try str(), state = try str(), family = try fam()
                let channel = try str(), group = try str(), curve = try str()
                let bin = try optional(1)[0]
                let x = Double(bitPattern: try r.u64()), y = Double(bitPattern: try r.u64())
                result.curves.append(FamilyCurveRow(subject: subject, session: session, state: state, family: family,
                                                    channel: channel, group: group, binMilliseconds: bin, curve: curve,
                                                    x: x, y: y))
            }
            members.append(FamilyMemberResult(result))
        }
        self.members = members
        if try r.u8() == 1 {
            var ms: [SpatialBlockMoments] = []
            for _ in 0..<Int(try r.u32()) {
                let w = Double(bitPattern: try r.u64())
                let v = try (0..<5).map { _ in Int(try r.u64()) }
                guard v[0] <= v[1], v[2] <= v[3], v[4] >= 0 else {
                    throw BatchError.corruptShard(path: source, message: "pair block bounds")
                }
                var m = SpatialBlockMoments(binMilliseconds: w, rows: v[0]..<v[1], columns: v[2]..<v[3], bins: v[4])
                m.rowSums = try doubles(); m.columnSums = try doubles(); m.rowSquares = try doubles()
                m.columnSquares = try doubles(); m.cross = try doubles()
                ms.append(m)
            }
            moments = ms
        } else { moments = nil }
        guard try r.take(4) == ShardResult.trailer, r.atEnd else {
            throw BatchError.corruptShard(path: source, message: "truncated or trailing bytes")
        }
    }
}

/// Either kind of shard file.
enum ShardFile {
    /// Decodes a balance or family shard result; returns its provenance.
    static func provenance(of sealed: [UInt8], source: String) throws -> ShardProvenance {
        let bytes = try ShardSeal.open(sealed, source: source)
        if bytes.starts(with: FamilyShardResult.magic) || bytes.starts(with: FamilyShardResult.jsonMagic) {
            return try FamilyShardResult(decoding: bytes, source: source).provenance
        }
        return try ShardResult(decoding: bytes, source: source).provenance
    }
}
