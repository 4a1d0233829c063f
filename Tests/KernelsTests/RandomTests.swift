import Kernels
import XCTest

final class RandomTests: XCTestCase {
    /// Published test vectors: SplitMix64 from seed 0, xoshiro256** from state {1, 2, 3, 4}.
    func testReferenceVectors() {
        var sm = SplitMix64(seed: 0)
        XCTAssertEqual(sm.next(), 0xE220_A839_7B1D_CDAF)
        var x = Xoshiro256StarStar(seed: 0)
        x.s0 = 1; x.s1 = 2; x.s2 = 3; x.s3 = 4
        XCTAssertEqual([x.next(), x.next(), x.next(), x.next()], [11520, 0, 1_509_978_240, 1_215_971_899_390_074_240])
    }

    func testSeedsDependOnlyOnIdentifiers() {
        let a = StreamSeed.derive(master: 1, ["rec", "wake", "circular_shift"], index: 3)
        XCTAssertEqual(a, StreamSeed.derive(master: 1, ["rec", "wake", "circular_shift"], index: 3))
        XCTAssertNotEqual(a, StreamSeed.derive(master: 1, ["rec", "wake", "circular_shift"], index: 4))
        XCTAssertNotEqual(a, StreamSeed.derive(master: 1, ["rec", "rem", "circular_shift"], index: 3))
        XCTAssertNotEqual(a, StreamSeed.derive(master: 2, ["rec", "wake", "circular_shift"], index: 3))
        XCTAssertNotEqual(StreamSeed.derive(master: 1, ["ab", "c"]), StreamSeed.derive(master: 1, ["a", "bc"]))
    }

    /// The streams of the program, pinned: values computed outside Swift (Python, from the formulas in
    /// `StreamSeed`'s documentation), equal to what the surrogates, family surrogates, simulator and k-means
    /// restarts drew before their seeds were gathered in `StreamSeed`. A change here changes every result.
    func testStreamSeedsArePinned() {
        XCTAssertEqual(StreamSeed.labelHash("subject"), 0x9640_7352_81E9_0C0F)
        XCTAssertEqual(StreamSeed.derive(master: 1, ["rec", "wake", "circular_shift"], index: 3), 0x1A57_0D7E_CFB0_F642)
        XCTAssertEqual(StreamSeed.derive(master: 20_230_619, ["sim01/01", "ictal", "seizure", "isi_permutation"]),
                       0x6F84_1748_00FF_8D99)
        XCTAssertEqual(StreamSeed.simulator([1, 0, StreamSeed.labelHash("subject")]), 0x73FA_640D_8FFB_B724)
        XCTAssertEqual(StreamSeed.chain([42, 1, 2]), 0xF426_9628_263F_4C12)
        // Xoshiro256StarStar(seed:streams:) is the xoshiro stream of the integer chain.
        var a = Xoshiro256StarStar(seed: 42, streams: [1, 2]), b = Xoshiro256StarStar(seed: 0xF426_9628_263F_4C12)
        XCTAssertEqual((0 ..< 4).map { _ in a.next() }, (0 ..< 4).map { _ in b.next() })
    }

    func testBoundedDrawsAreInRangeAndUniform() {
        var x = Xoshiro256StarStar(seed: 99)
        var h = [Int](repeating: 0, count: 7)
        for _ in 0 ..< 70000 { h[Int(x.next(below: 7))] += 1 }
        for c in h { XCTAssertEqual(Double(c), 10000, accuracy: 400) }
        for _ in 0 ..< 1000 { let u = x.nextUnit(); XCTAssertTrue(u >= 0 && u < 1) }
    }

    /// The two-level shuffle used for long ISI arrays is a permutation, deterministic, and uniform in position.
    func testLargeShuffleIsADeterministicUniformPermutation() {
        let n = 200_000
        var a = (0 ..< n).map(Double.init), b = a
        var la = [UInt16](repeating: 0, count: n), lb = la
        var r1 = Xoshiro256StarStar(seed: 5), r2 = Xoshiro256StarStar(seed: 5)
        a.withUnsafeMutableBufferPointer { p in la.withUnsafeMutableBufferPointer { Kernels.shuffle(p, rng: &r1, labels: $0) } }
        b.withUnsafeMutableBufferPointer { p in lb.withUnsafeMutableBufferPointer { Kernels.shuffle(p, rng: &r2, labels: $0) } }
        XCTAssertEqual(a, b)
        XCTAssertEqual(a.sorted(), (0 ..< n).map(Double.init))
        // Where do the first 1000 values land? Uniform over 10 deciles (chi-square, 9 dof, p ≈ 0.001 cut 27.9).
        var deciles = [Double](repeating: 0, count: 10)
        for (pos, v) in a.enumerated() where v < 1000 { deciles[pos * 10 / n] += 1 }
        let chi = deciles.reduce(0) { $0 + ($1 - 100) * ($1 - 100) / 100 }
        XCTAssertLessThan(chi, 27.9)
        // Neighbours are not kept together.
        let kept = (0 ..< n - 1).filter { a[$0 + 1] == a[$0] + 1 }.count
        XCTAssertLessThan(kept, 10)
    }
}
