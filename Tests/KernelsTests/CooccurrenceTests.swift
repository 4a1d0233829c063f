import Kernels
import XCTest

/// The §3.7 overlap-weighted resampling onto the reference grid (METHODS revised 2026-12), in closed form.
final class CooccurrenceTests: XCTestCase {
    func testFinerScaleIsAveragedAndCoarserScaleIsRepeated() {
        // Finer: width 1, grid 4 → each grid bin averages 4 bins (centres 0.5, 1.5, 2.5, 3.5).
        let c: [Int32] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]          // 10 bins, one epoch; mean 4.5, sd √8.25
        let sd = 8.25.squareRoot()
        let z = c.withUnsafeBufferPointer {
            Kernels.resampleZScores(counts: $0, epochBins: [10], width: 1, gridWidth: 4, gridEpochBins: [2],
                                    mean: 4.5, sd: sd)
        }
        XCTAssertEqual(z[0], (1.5 - 4.5) / sd, accuracy: 1e-15)
        XCTAssertEqual(z[1], (5.5 - 4.5) / sd, accuracy: 1e-15)
        // Coarser: width 8, grid 4 → each grid bin lies inside one bin and takes its value.
        let d: [Int32] = [2, 6]
        let y = d.withUnsafeBufferPointer {
            Kernels.resampleZScores(counts: $0, epochBins: [2], width: 8, gridWidth: 4, gridEpochBins: [5],
                                    mean: 4, sd: 2)
        }
        XCTAssertEqual(Array(y[0 ..< 4]), [-1, -1, 1, 1])
        XCTAssertTrue(y[4].isNaN)                                   // beyond the last whole bin: no overlap
        // Not aligned: width 3, grid 4, bins [0,3) [3,6) [6,9) with counts 0, 3, 6 (mean 0, sd 1 → z = count).
        // B0 = [0,4): (0·3 + 3·1)/4; B1 = [4,8): (3·2 + 6·2)/4; B2 = [8,12): only [8,9) of it overlaps → 6.
        // (The earlier bin-centre rule gave 0, 4.5 and 6: this fails on it.)
        let u: [Int32] = [0, 3, 6]
        let w = u.withUnsafeBufferPointer {
            Kernels.resampleZScores(counts: $0, epochBins: [3], width: 3, gridWidth: 4, gridEpochBins: [3],
                                    mean: 0, sd: 1)
        }
        XCTAssertEqual(w[0], 0.75, accuracy: 1e-15)
        XCTAssertEqual(w[1], 4.5, accuracy: 1e-15)
        XCTAssertEqual(w[2], 6, accuracy: 1e-15)
        // Two epochs are resampled separately; zero sd gives no values.
        let two = c.withUnsafeBufferPointer {
            Kernels.resampleZScores(counts: $0, epochBins: [4, 6], width: 1, gridWidth: 2, gridEpochBins: [2, 3],
                                    mean: 4.5, sd: 1)
        }
        XCTAssertEqual(two, [-4, -2, 0, 2, 4])
        XCTAssertTrue(c.withUnsafeBufferPointer {
            Kernels.resampleZScores(counts: $0, epochBins: [10], width: 1, gridWidth: 2, gridEpochBins: [5], mean: 0, sd: 0)
        }.allSatisfy { $0.isNaN })
    }
}
