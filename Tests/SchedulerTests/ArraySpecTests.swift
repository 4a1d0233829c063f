import XCTest
import Scheduler

final class ArraySpecTests: XCTestCase {
    func testCompression() throws {
        XCTAssertEqual(try ArraySpec([3, 7, 12]).description, "3,7,12")
        XCTAssertEqual(try ArraySpec([0, 1, 2, 3]).description, "0-3")
        XCTAssertEqual(try ArraySpec([9, 0, 1, 2, 3, 5, 6, 6]).description, "0-3,5-6,9")
        XCTAssertEqual(try ArraySpec([4]).description, "4")
        XCTAssertEqual(try ArraySpec(0..<100, parallelism: 8).description, "0-99%8")
        XCTAssertThrowsError(try ArraySpec([Int]()))
        XCTAssertThrowsError(try ArraySpec([-1, 2]))
        XCTAssertThrowsError(try ArraySpec([1], parallelism: 0))
    }

    func testParse() throws {
        XCTAssertEqual(try ArraySpec.parse("0-3,7,9-10%4"), try ArraySpec([0, 1, 2, 3, 7, 9, 10], parallelism: 4))
        XCTAssertEqual(try ArraySpec.parse("0-10:5").indices, [0, 5, 10])
        for bad in ["", "a", "3-1", "1,,2", "1-2-3", "1%x", "0-4:0"] {
            XCTAssertThrowsError(try ArraySpec.parse(bad), bad)
        }
    }

    /// Random index sets (fixed-seed generator): compress, parse back, same set; and the compressed form
    /// has exactly as many comma-separated parts as there are gaps plus one.
    func testRoundTripOfRandomSets() throws {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {  // SplitMix64
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        for _ in 0..<300 {
            let n = Int(next() % 40) + 1
            let set = Set((0..<n).map { _ in Int(next() % 60) })
            let spec = try ArraySpec(set)
            XCTAssertEqual(try ArraySpec.parse(spec.description).indices, set.sorted())
            let sorted = set.sorted()
            let gaps = zip(sorted, sorted.dropFirst()).filter { $1 != $0 + 1 }.count
            XCTAssertEqual(spec.description.split(separator: ",").count, gaps + 1, spec.description)
        }
    }
}
