import Kernels
import XCTest

/// The §3.7 resampling onto the reference grid, in closed form.
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
        // Coarser: width 8, grid 4 → grid bin m takes the bin holding its centre (m + 0.5)·4.
        let d: [Int32] = [2, 6]
        let y = d.withUnsafeBufferPointer {
            Kernels.resampleZScores(counts: $0, epochBins: [2], width: 8, gridWidth: 4, gridEpochBins: [5],
                                    mean: 4, sd: 2)
        }
        XCTAssertEqual(Array(y[0 ..< 4]), [-1, -1, 1, 1])
        XCTAssertTrue(y[4].isNaN)                                   // its bin was the dropped partial bin
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
