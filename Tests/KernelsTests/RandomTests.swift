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
        let a = SplitMix64.seed(master: 1, ["rec", "wake", "circular_shift"], index: 3)
        XCTAssertEqual(a, SplitMix64.seed(master: 1, ["rec", "wake", "circular_shift"], index: 3))
        XCTAssertNotEqual(a, SplitMix64.seed(master: 1, ["rec", "wake", "circular_shift"], index: 4))
        XCTAssertNotEqual(a, SplitMix64.seed(master: 1, ["rec", "rem", "circular_shift"], index: 3))
        XCTAssertNotEqual(a, SplitMix64.seed(master: 2, ["rec", "wake", "circular_shift"], index: 3))
    }

    func testBoundedDrawsAreInRangeAndUniform() {
        var x = Xoshiro256StarStar(seed: 99)
        var h = [Int](repeating: 0, count: 7)
        for _ in 0 ..< 70000 { h[Int(x.next(below: 7))] += 1 }
        for c in h { XCTAssertEqual(Double(c), 10000, accuracy: 400) }
        for _ in 0 ..< 1000 { let u = x.nextUnit(); XCTAssertTrue(u >= 0 && u < 1) }
    }
}
