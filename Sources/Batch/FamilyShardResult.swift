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

/// The values of one family shard, plus provenance. Encoded as `SYMFAM01`, JSON (doubles in shortest
/// round-trip form; non-finite values as strings), `END1`; written to `OUT/shards/<key>.shard` like the
/// balance shards.
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

    static let magic = Array("SYMFAM01".utf8)

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
        Self.magic + [UInt8](try Self.encoder.encode(self)) + ShardResult.trailer
    }

    /// Decodes `bytes`; `source` names the file or message in errors.
    public init(decoding bytes: [UInt8], source: String) throws {
        guard bytes.count >= 12, Array(bytes.prefix(8)) == Self.magic else {
            throw BatchError.corruptShard(path: source, message: "bad magic")
        }
        guard Array(bytes.suffix(4)) == ShardResult.trailer else {
            throw BatchError.corruptShard(path: source, message: "truncated or trailing bytes")
        }
        do { self = try Self.decoder.decode(FamilyShardResult.self, from: Data(bytes[8 ..< bytes.count - 4])) } catch {
            throw BatchError.corruptShard(path: source, message: "family result: \(error)")
        }
    }
}

/// Either kind of shard file.
enum ShardFile {
    /// Decodes a balance or family shard result; returns its provenance.
    static func provenance(of bytes: [UInt8], source: String) throws -> ShardProvenance {
        if bytes.starts(with: FamilyShardResult.magic) {
            return try FamilyShardResult(decoding: bytes, source: source).provenance
        }
        return try ShardResult(decoding: bytes, source: source).provenance
    }
}
