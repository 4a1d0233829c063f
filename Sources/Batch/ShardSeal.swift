import Foundation
import Recordings

/// The integrity envelope of a shard result, in its MPI message and in `OUT/shards/<key>.shard`:
/// `SYMSEAL1`, the payload length (u64, little-endian), the payload (an encoded `ShardResult` or
/// `FamilyShardResult`), then the SHA-256 of the payload (32 bytes). The worker seals what it computed, so the
/// check covers the message, the disk and every later read. Files written before the envelope existed (they
/// start with `SYMSHRD1`, `SYMFAM01` or `SYMFAM02`) are still read, without a checksum.
public enum ShardSeal {
    static let magic = Array("SYMSEAL1".utf8)

    /// `payload` in the envelope.
    public static func seal(_ payload: [UInt8]) -> [UInt8] {
        var w = ByteWriter()
        w.bytes(magic)
        w.u64(UInt64(payload.count))
        w.bytes(payload)
        w.bytes(digestBytes(payload))
        return w.out
    }

    /// Whether `bytes` carry the envelope (else a legacy, unsealed result).
    public static func isSealed(_ bytes: [UInt8]) -> Bool { bytes.starts(with: magic) }

    /// The payload of a sealed result after checking its length and SHA-256; a legacy result unchanged.
    /// - Throws: `BatchError.corruptShard` naming `source` when the envelope is truncated or the checksum differs.
    public static func open(_ bytes: [UInt8], source: String) throws -> [UInt8] {
        guard isSealed(bytes) else { return bytes }
        var r = ByteReader(bytes: bytes, source: source)
        _ = try r.take(8)
        let n = try r.u64()
        guard n <= UInt64(bytes.count), bytes.count == 16 + Int(n) + 32 else {
            throw BatchError.corruptShard(path: source, message: "truncated or trailing bytes (envelope says \(n) "
                                          + "payload bytes, file has \(bytes.count) bytes in all)")
        }
        let payload = Array(bytes[16 ..< 16 + Int(n)])
        guard Array(bytes[(16 + Int(n))...]) == digestBytes(payload) else {
            throw BatchError.corruptShard(path: source, message: "checksum mismatch (SHA-256 of the contents differs "
                                          + "from the one written with them)")
        }
        return payload
    }

    /// Lower-case hex SHA-256 of a whole shard file's bytes (as recorded in the ledger).
    public static func fileDigest(_ bytes: [UInt8]) -> String { ContentHash.sha256(bytes) }

    static func digestBytes(_ payload: [UInt8]) -> [UInt8] {
        let hex = Array(ContentHash.sha256(payload).utf8)
        func nibble(_ c: UInt8) -> UInt8 { c >= 97 ? c - 87 : c - 48 }
        return stride(from: 0, to: hex.count, by: 2).map { nibble(hex[$0]) << 4 | nibble(hex[$0 + 1]) }
    }
}
