import XCTest

final class BatchTestsPlaceholder: XCTestCase {
    func testModuleBuilds() { XCTAssertTrue(true) }
}
