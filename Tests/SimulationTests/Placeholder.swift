import XCTest

final class SimulationTestsPlaceholder: XCTestCase {
    func testModuleBuilds() { XCTAssertTrue(true) }
}
