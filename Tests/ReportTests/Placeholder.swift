import XCTest

final class ReportTestsPlaceholder: XCTestCase {
    func testModuleBuilds() { XCTAssertTrue(true) }
}
