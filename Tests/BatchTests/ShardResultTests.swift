import Analysis
import Batch
import XCTest

final class ShardResultTests: XCTestCase {
    func sample() -> ShardResult {
        var obs = MeasureSet()
        obs.values[MeasureKey("pearson_r", scale: 1)] = 0.1 + 0.2      // not exactly 0.3
        obs.values[MeasureKey("pearson_r", scale: 32)] = -1e-300
        obs.values[MeasureKey("r_bar")] = .pi
        obs.missing[MeasureKey("glcm_correlation")] = "σ = 0"
        var s = MeasureSet()
        s.values[MeasureKey("r_bar")] = 2.0.squareRoot()
        let prov = ShardProvenance(key: "abc", shard: "x/1 wake observed", inputPath: "/d/x", inputSHA256: "00",
                                   programVersion: "symedge 0", rank: 3, host: "h", seconds: 1.5)
        return ShardResult(provenance: prov, members: [.observed: obs, .surrogate(.circularShift, 7): s])
    }

    func testRoundTripIsBitExactAndStable() throws {
        let r = sample()
        let bytes = try r.encoded()
        XCTAssertEqual(try r.encoded(), bytes, "encoding must be deterministic")
        let back = try ShardResult(decoding: bytes, source: "t")
        XCTAssertEqual(back, r)
        XCTAssertEqual(back.members[.observed]?.values[MeasureKey("pearson_r", scale: 1)]?.bitPattern,
                       (0.1 + 0.2).bitPattern)
    }

    /// The observed shard's curves and series (`SYMSHRD2`) round-trip bit for bit; without them the bytes are the
    /// `SYMSHRD1` layout of earlier versions, so their shard files still read.
    func testCurvesAndSeriesRoundTripAndTheLayoutWithoutThemIsUnchanged() throws {
        var r = sample()
        let plain = try r.encoded()
        XCTAssertEqual(Array(plain.prefix(8)), Array("SYMSHRD1".utf8))
        r.curves = [StateCurve(kind: "collapse", scaleIndex: 3, x: [0, 0.5, 1], y: [0, -0.1 - 0.2, .nan]),
                    StateCurve(kind: StateAnalysis.collapseSurrogateMeanKind, scaleIndex: 0, x: [], y: [])]
        r.series = [SeriesTable(state: "nrem_deep", scaleIndex: 15, e: [1e-300, 2], i: [3, -0.0])]
        let bytes = try r.encoded()
        XCTAssertEqual(Array(bytes.prefix(8)), Array("SYMSHRD2".utf8))
        let back = try ShardResult(decoding: bytes, source: "t")
        XCTAssertEqual(back.members, r.members)
        XCTAssertEqual(back.curves.map(\.kind), r.curves.map(\.kind))
        XCTAssertEqual(back.curves[0].y.map(\.bitPattern), r.curves[0].y.map(\.bitPattern))
        XCTAssertEqual(back.series[0].i.map(\.bitPattern), r.series[0].i.map(\.bitPattern))
        XCTAssertEqual(back.series[0].state, "nrem_deep")
        XCTAssertEqual(try ShardResult(decoding: plain, source: "p").curves, [])
        for cut in [bytes.count - 5, bytes.count - 40, plain.count] {
            XCTAssertThrowsError(try ShardResult(decoding: Array(bytes.prefix(cut)), source: "cut\(cut)"))
        }
    }

    func testTruncatedOrForeignBytesAreRejected() throws {
        let bytes = try sample().encoded()
        for cut in [0, 7, 20, bytes.count / 2, bytes.count - 1] {
            XCTAssertThrowsError(try ShardResult(decoding: Array(bytes.prefix(cut)), source: "cut\(cut)")) { e in
                guard case BatchError.corruptShard = e else { return XCTFail("\(e)") }
            }
        }
        XCTAssertThrowsError(try ShardResult(decoding: bytes + [0], source: "extra"))
        XCTAssertThrowsError(try ShardResult(decoding: Array("hello world, not a shard".utf8), source: "text"))
    }
}
