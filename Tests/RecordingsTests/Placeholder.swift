import XCTest

final class RecordingsTestsPlaceholder: XCTestCase {
    func testModuleBuilds() { XCTAssertTrue(true) }
}
