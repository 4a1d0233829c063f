import Classification
import XCTest

final class CubicSplineTests: XCTestCase {
    func testReproducesStraightLinesExactly() {
        // A natural spline through collinear points is that line (second derivatives all zero).
        let y = (0..<9).map { 0.5 + 2 * Double($0) }
        let up = upsampleCubic(y, factor: 10)
        XCTAssertEqual(up.count, 81)
        for (j, v) in up.enumerated() { XCTAssertEqual(v, 0.5 + 2 * Double(j) / 10, accuracy: 1e-12) }
    }

    func testThreePointClosedForm() {
        // Points (0,0), (1,1), (2,0): natural spline has M1 = -3, so s(0.5) = 0.5 + (0.125-0.5)(-3)/6 = 0.6875.
        let s = NaturalCubicSpline(x: [0, 1, 2], y: [0, 1, 0])
        XCTAssertEqual(s.m[1], -3, accuracy: 1e-12)
        XCTAssertEqual(s(0.5), 0.6875, accuracy: 1e-12)
        XCTAssertEqual(s(1.5), 0.6875, accuracy: 1e-12)
        XCTAssertEqual(s(1), 1, accuracy: 1e-12)
    }

    func testNonUniformKnotsAgreeWithSmoothFunction() {
        let x = [0, 0.3, 0.7, 1.2, 1.5, 2.1, 2.5, 3.0]
        let s = NaturalCubicSpline(x: x, y: x.map { sin($0) })
        for t in stride(from: 0.5, through: 2.5, by: 0.1) { XCTAssertEqual(s(t), sin(t), accuracy: 5e-3) }
    }

    func testMatchesScipyNaturalCubicSpline() throws {
        for (n, seed) in [(16, 1), (32, 2), (48, 3), (5, 4)] {
            guard let ref = try pythonReference(["spline", "\(n)", "\(seed)", "10"]) as? [String: [Double]],
                  let y = ref["y"], let up = ref["up"] else { return XCTFail("bad reference output") }
            let mine = upsampleCubic(y, factor: 10)
            XCTAssertEqual(mine.count, up.count)
            for (a, b) in zip(mine, up) { XCTAssertEqual(a, b, accuracy: 1e-10) }
        }
    }
}
