#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A shard file that did not pass its check (METHODS §10 provenance): where it was and why.
public struct DamagedShard: Sendable, Equatable, Codable {
    public var key: String
    /// The file as it was found.
    public var path: String
    /// Where it was moved (`OUT/damaged/…`), nil when it was only reported.
    public var movedTo: String?
    public var reason: String
}

extension SweepFolder {
    /// `OUT/damaged/`: shard files that failed their check, kept for inspection, never read as results.
    public var damagedDirectory: String { path("damaged") }

    /// Reads the shard file of `key` and checks it completely: the envelope's length and SHA-256
    /// (`ShardSeal`), the decoding of every value, and the key it holds. Returns the file's bytes.
    /// - Throws: `BatchError.corruptShard` naming the file.
    public func readCheckedShard(key: String) throws -> [UInt8] {
        let p = shardPath(key: key)
        guard let data = FileManager.default.contents(atPath: p) else {
            throw BatchError.corruptShard(path: p, message: "cannot read")
        }
        let bytes = [UInt8](data)
        let prov = try ShardFile.provenance(of: bytes, source: p)
        guard prov.key == key else { throw BatchError.corruptShard(path: p, message: "holds key \(prov.key)") }
        return bytes
    }

    /// Checks the shard files of `keys` that exist (`readCheckedShard`); moves every damaged one to
    /// `OUT/damaged/<key>.shard.<UTC time>`, so that the shard counts as not done and runs again.
    public func quarantineDamaged(keys: some Sequence<String>) -> [DamagedShard] {
        let present = finishedKeys()
        var out: [DamagedShard] = []
        for k in keys where present.contains(k) {
            do { _ = try readCheckedShard(key: k) } catch {
                out.append(quarantine(key: k, reason: "\(error)"))
            }
        }
        return out
    }

    /// Moves the shard file of `key` aside into `OUT/damaged/`.
    public func quarantine(key: String, reason: String) -> DamagedShard {
        let from = shardPath(key: key)
        let stamp = LedgerEntry.now().replacingOccurrences(of: ":", with: "")
        let to = (damagedDirectory as NSString).appendingPathComponent("\(key).shard.\(stamp)")
        try? FileManager.default.createDirectory(atPath: damagedDirectory, withIntermediateDirectories: true)
        if rename(from, to) == 0 { return DamagedShard(key: key, path: from, movedTo: to, reason: reason) }
        // Cannot move it (read-only folder?): remove it, so it is not taken for a result.
        let removed = unlink(from) == 0
        return DamagedShard(key: key, path: from, movedTo: nil,
                            reason: reason + (removed ? " (removed: could not move it aside)" : " (could not move it aside)"))
    }
}
