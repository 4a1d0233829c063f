import Analysis
import Batch
import Foundation
import XCTest

/// The SHA-256 envelope of shard results (issue #19 point 3): one flipped byte anywhere, a truncation or
/// trailing bytes are refused with the file named; unsealed files of earlier versions are still read.
final class ShardSealTests: XCTestCase {
    func sample() throws -> [UInt8] {
        var obs = MeasureSet()
        obs.values[MeasureKey("pearson_r", scale: 7)] = 0.25
        obs.values[MeasureKey("r_bar")] = .pi
        let prov = ShardProvenance(key: "k", shard: "x/1 wake observed", inputPath: "/d/x", inputSHA256: "00",
                                   programVersion: "symedge 0", rank: 0, host: "h", seconds: 1)
        return try ShardResult(provenance: prov, members: [.observed: obs]).encoded()
    }

    func testEveryFlippedByteTruncationAndTrailingByteIsDetected() throws {
        let payload = try sample()
        let sealed = ShardSeal.seal(payload)
        XCTAssertEqual(try ShardSeal.open(sealed, source: "f"), payload)
        XCTAssertEqual(try ShardResult(decoding: sealed, source: "f").members[.observed]?.values[MeasureKey("pearson_r", scale: 7)], 0.25)
        for i in 8..<sealed.count {      // every byte after the magic (a changed magic reads as a legacy file: bad magic)
            var b = sealed
            b[i] ^= 0x04
            XCTAssertThrowsError(try ShardResult(decoding: b, source: "f\(i)"), "byte \(i) flipped") { e in
                XCTAssertTrue("\(e)".contains("f\(i)") && "\(e)".contains("corrupt shard file"), "\(e)")
            }
        }
        for cut in [1, 8, 16, sealed.count / 2, sealed.count - 1] {
            XCTAssertThrowsError(try ShardResult(decoding: Array(sealed.prefix(cut)), source: "cut"), "cut at \(cut)")
        }
        XCTAssertThrowsError(try ShardResult(decoding: sealed + [0], source: "extra"))
    }

    func testUnsealedResultsOfEarlierVersionsAreStillRead() throws {
        let legacy = try sample()
        XCTAssertFalse(ShardSeal.isSealed(legacy))
        XCTAssertEqual(try ShardResult(decoding: legacy, source: "old").provenance.key, "k")
    }
}
