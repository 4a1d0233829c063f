import Foundation
import Recordings
import XCTest

final class ContentHashTests: XCTestCase {
    /// FIPS 180-4 test vectors.
    func testKnownVectors() {
        XCTAssertEqual(ContentHash.sha256([]), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(ContentHash.sha256(Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(ContentHash.sha256(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(ContentHash.sha256([UInt8](repeating: 0x61, count: 1_000_000)),
                       "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Files and lengths around block boundaries, against Python's hashlib.
    func testFilesAgainstHashlib() throws {
        let py = try TestSupport.python()
        let dir = try TestSupport.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        var paths: [String] = []
        for n in [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000, (1 << 20) + 17] {
            let bytes = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            let p = dir.appendingPathComponent("f\(n).bin").path
            try Data(bytes).write(to: URL(fileURLWithPath: p))
            paths.append(p)
            XCTAssertEqual(ContentHash.sha256(bytes), try ContentHash.sha256(file: p))
        }
        let script = "import hashlib,sys\nfor p in sys.argv[1:]: print(hashlib.sha256(open(p,'rb').read()).hexdigest())"
        let (status, out, err) = try TestSupport.run(py, ["-c", script] + paths)
        XCTAssertEqual(status, 0, err)
        XCTAssertEqual(try paths.map { try ContentHash.sha256(file: $0) }, out.split(separator: "\n").map(String.init))
        // The shared d2 file's README states its sha256.
        if let d = try? TestSupport.dataDir() {
            XCTAssertEqual(try ContentHash.sha256(file: d.appendingPathComponent("d2_nwb_mouse_psb_units_peyrache/A8604-211122.nwb").path),
                           "6c9913f1a36c43dc627a541f4e521eb17e305879eb4d9bce949f77970994ac22")
        }
    }

    /// A folder hashes its files in sorted order: name NUL size(8 bytes big-endian) contents.
    func testFolderHash() throws {
        let dir = try TestSupport.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "unit_id,time_s\n1,0.5\n".write(to: dir.appendingPathComponent("spikes.csv"), atomically: true, encoding: .utf8)
        try "start_s,stop_s,state\n0,1,wake\n".write(to: dir.appendingPathComponent("states.csv"), atomically: true, encoding: .utf8)
        var expected: [UInt8] = []
        for name in ["spikes.csv", "states.csv"] {
            let data = Array(try Data(contentsOf: dir.appendingPathComponent(name)))
            expected += Array(name.utf8) + [0] + (0..<8).reversed().map { UInt8(truncatingIfNeeded: UInt64(data.count) >> (8 * UInt64($0))) }
            expected += data
        }
        XCTAssertEqual(try ContentHash.sha256(file: dir.path), ContentHash.sha256(expected))
        XCTAssertThrowsError(try ContentHash.sha256(file: dir.appendingPathComponent("none").path))
    }
}

final class DatasetDiscoveryTests: XCTestCase {
    func testDANDILayoutTextFoldersAndOrder() throws {
        let dir = try TestSupport.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fm = FileManager.default
        let rec = WriterTests.sample()
        for (sub, ses) in [("B", "2"), ("A", "10"), ("A", "9")] {
            let folder = dir.appendingPathComponent("sub-\(sub)")
            try fm.createDirectory(at: folder, withIntermediateDirectories: true)
            var r = rec
            r.subject = ""; r.session = ""
            try NWBWriter.write(r, to: folder.appendingPathComponent("sub-\(sub)_ses-\(ses)_ecephys.nwb").path)
        }
        try fm.createDirectory(at: dir.appendingPathComponent("textrec"), withIntermediateDirectories: true)
        try "unit_id,time_s\n1,0.5\n".write(to: dir.appendingPathComponent("textrec/spikes.csv"), atomically: true, encoding: .utf8)
        try fm.createDirectory(at: dir.appendingPathComponent(".hidden"), withIntermediateDirectories: true)
        try Data().write(to: dir.appendingPathComponent(".hidden/x.nwb"))
        try Data().write(to: dir.appendingPathComponent("notes.txt"))
        let paths = try DatasetDiscovery.recordingPaths(in: dir.path)
        XCTAssertEqual(paths.map { String($0.dropFirst(dir.path.count + 1)) },
                       ["sub-A/sub-A_ses-10_ecephys.nwb", "sub-A/sub-A_ses-9_ecephys.nwb", "sub-B/sub-B_ses-2_ecephys.nwb", "textrec"])
        // Subject/session from the DANDI name when the file has none.
        let r = try RecordingReader.read(paths[1])
        XCTAssertEqual(r.subject, "A")
        XCTAssertEqual(r.session, "9")
        XCTAssertEqual(DatasetDiscovery.dandiIdentifiers(of: paths[2]).subject, "B")
        XCTAssertEqual(try DatasetDiscovery.recordingPaths(in: paths[0]), [paths[0]])
        XCTAssertEqual(try DatasetDiscovery.recordingPaths(in: paths[3]), [paths[3]])
        XCTAssertThrowsError(try DatasetDiscovery.recordingPaths(in: dir.appendingPathComponent("missing").path))
    }

    func testSharedDataFolder() throws {
        let d = try TestSupport.dataDir()
        let paths = try DatasetDiscovery.recordingPaths(in: d.path)
        // 73 recordings in the eight dataset folders, plus the 25 third-party fixtures of e1.
        XCTAssertEqual(paths.filter { !$0.contains("/e1_thirdparty_nwb_fixtures/") }.count, 73)
        XCTAssertEqual(paths.filter { $0.contains("/e1_thirdparty_nwb_fixtures/") }.count, 25)
        XCTAssertEqual(paths, paths.sorted())
    }
}

extension ContentHashTests {
    /// Hashing via a folder feeds the hash in small pieces; the result must not depend on the split.
    func testIncrementalSplitsDoNotMatter() throws {
        let bytes = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let dir = try TestSupport.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        for name in ["a", "b"] { try Data(bytes).write(to: dir.appendingPathComponent(name)) }
        var expected: [UInt8] = []
        for name in ["a", "b"] { expected += Array(name.utf8) + [0, 0, 0, 0, 0, 0, 0, 1, 44] + bytes }
        XCTAssertEqual(try ContentHash.sha256(file: dir.path), ContentHash.sha256(expected))
    }
}
