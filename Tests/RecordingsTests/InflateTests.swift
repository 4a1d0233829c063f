import Foundation
@testable import Recordings
import XCTest

/// libdeflate for every gzip read (issue 15): datasets written by h5py read bit for bit the same through the
/// parallel raw-chunk path and through HDF5's `H5Dread`, each with libdeflate and with zlib (the oracle), and equal
/// to the uncompressed copies h5py wrote beside them; a truncated or garbled chunk is an error naming the file, the
/// dataset and the chunk, never wrong values.
final class InflateTests: XCTestCase {
    private struct Fixture: Decodable {
        struct Case: Decodable { let path: String; let count: Int?; let chunk: Int? }
        let datasets: String
        let names: [String]
        let nwb: [String: Case]
        let stream: String
    }

    private var dir: URL!

    override func setUpWithError() throws { dir = try TestSupport.tempDir(name) }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    private func fixture() throws -> Fixture {
        let out = try TestSupport.runPython("recordings_make_deflate.py", [dir.path])
        return try JSONDecoder().decode(Fixture.self, from: Data(out.utf8))
    }

    private func bits(_ v: [Double]) -> [UInt64] { v.map(\.bitPattern) }

    /// Reads `name` with HDF5's deflate decoder set to `engine`, restoring libdeflate afterwards.
    private func h5dread(_ file: HDF5File, _ name: String, engine: ZlibInflater.Engine) throws -> [Double] {
        XCTAssertTrue(HDF5Library.useDeflateDecoder(engine))
        defer { HDF5Library.useDeflateDecoder(.libdeflate) }
        return try file.readDoubles("/" + name)
    }

    func testH5pyDeflateDatasetsReadIdenticallyThroughEveryPath() throws {
        let f = try fixture()
        XCTAssertTrue(HDF5Library.libdeflateDecoderInstalled)
        let file = try HDF5File(readingAt: f.datasets)
        XCTAssertEqual(f.names.count, 7)
        var parallelChecked = 0, rowsChecked = 0
        for name in f.names {
            let plain = bits(try file.readDoubles("/\(name)_plain"))
            XCTAssertFalse(plain.isEmpty, name)
            let viaLibdeflate = bits(try h5dread(file, name, engine: .libdeflate))
            let viaZlib = bits(try h5dread(file, name, engine: .zlib))
            XCTAssertEqual(viaLibdeflate, plain, "\(name): H5Dread with libdeflate")
            XCTAssertEqual(viaZlib, plain, "\(name): H5Dread with zlib")
            // Row blocks through a hyperslab (the LFP path), cutting chunks at both ends.
            let ds = try file.openDataset("/" + name)
            let dims = try HDF5File.dims(of: ds.id, path: name)
            let cols = dims.dropFirst().reduce(1, *)
            let rows = (dims[0] / 3)..<(dims[0] - dims[0] / 5)
            let block = bits(try file.readRows("/" + name, rows: rows))
            XCTAssertEqual(block, Array(plain[(rows.lowerBound * cols)..<(rows.upperBound * cols)]), "\(name): rows \(rows)")
            // The raw-chunk row reader readRows takes for float chunks spanning every column, both engines, on a
            // cut range and on all rows; nil (H5Dread) for split columns, int16 and a single chunk.
            let takesDirect = ["times_shuffle", "times_noshuffle", "times_level1", "lfp_rows"].contains(name)
            for range in [rows, 0..<dims[0]] {
                for engine in [ZlibInflater.Engine.libdeflate, .zlib] {
                    let direct = try file.readRowsInflatingInParallel("/" + name, rows: range, engine: engine)
                    XCTAssertEqual(direct != nil, takesDirect, "\(name) \(engine)")
                    if let direct {
                        XCTAssertEqual(bits(direct), Array(plain[(range.lowerBound * cols)..<(range.upperBound * cols)]),
                                       "\(name): raw-chunk rows \(range), \(engine)")
                        rowsChecked += 1
                    }
                }
            }
            // The parallel raw-chunk path (1-D float64 with at least 8 chunks), both engines.
            for engine in [ZlibInflater.Engine.libdeflate, .zlib] {
                if let v = try file.readDoublesInflatingInParallel("/" + name, engine: engine) {
                    XCTAssertEqual(bits(v), plain, "\(name): parallel path, \(engine)")
                    parallelChecked += 1
                }
            }
        }
        XCTAssertEqual(parallelChecked, 6, "times_shuffle, times_noshuffle and times_level1 through both engines")
        XCTAssertEqual(rowsChecked, 16, "4 datasets x 2 ranges x 2 engines")
    }

    func testNWBSpikeTimesReadTheSameWithEitherEngine() throws {
        let f = try fixture()
        let clean = try XCTUnwrap(f.nwb["clean"])
        let rec = try RecordingReader.read(clean.path)
        XCTAssertEqual(rec.spikes.spikeCount, clean.count)
        let file = try HDF5File(readingAt: clean.path)
        let viaLibdeflate = try XCTUnwrap(try file.readDoublesInflatingInParallel("/units/spike_times"))
        let viaZlib = try XCTUnwrap(try file.readDoublesInflatingInParallel("/units/spike_times", engine: .zlib))
        XCTAssertEqual(bits(viaLibdeflate), bits(viaZlib))
        XCTAssertEqual(bits(viaLibdeflate), bits(try h5dread(file, "units/spike_times", engine: .zlib)))
    }

    func testTruncatedOrGarbledChunkIsAnErrorNamingFileDatasetAndChunk() throws {
        let f = try fixture()
        for name in ["truncated", "garbled"] {
            let c = try XCTUnwrap(f.nwb[name]), chunk = try XCTUnwrap(c.chunk)
            // Through the reader: RecordingError.corrupt naming the file, the dataset and the chunk.
            XCTAssertThrowsError(try RecordingReader.read(c.path), name) { e in
                guard case let .corrupt(file, reason)? = e as? RecordingError else { return XCTFail("\(name): \(e)") }
                XCTAssertEqual(file, c.path)
                XCTAssertTrue(reason.contains("/units/spike_times"), reason)
                XCTAssertTrue(reason.contains("chunk \(chunk) of 13"), reason)
                XCTAssertTrue(reason.contains("elements \(chunk * 4096)..<\((chunk + 1) * 4096)"), reason)
                XCTAssertTrue(reason.contains("corrupt or truncated"), reason)
                XCTAssertTrue(e.localizedDescription.contains(c.path) || "\(e)".contains(c.path))
            }
            // Both engines of the parallel path, and H5Dread with either decoder, refuse the chunk.
            let file = try HDF5File(readingAt: c.path)
            for engine in [ZlibInflater.Engine.libdeflate, .zlib] {
                XCTAssertThrowsError(try file.readDoublesInflatingInParallel("/units/spike_times", engine: engine)) { e in
                    XCTAssertTrue("\(e)".contains("chunk \(chunk) "), "\(name), \(engine): \(e)")
                }
                XCTAssertThrowsError(try h5dread(file, "units/spike_times", engine: engine), "\(name), \(engine)")
                XCTAssertThrowsError(try file.readRowsInflatingInParallel("/units/spike_times", rows: 0..<50_000,
                                                                         engine: engine)) { e in
                    XCTAssertTrue("\(e)".contains("gzip chunk \(chunk) (rows \(chunk * 4096)..<\((chunk + 1) * 4096)"),
                                  "\(name), \(engine): \(e)")
                }
            }
        }
    }

    func testInflaterChecksTheSizeAndRejectsGarbage() throws {
        let f = try fixture()
        let stream = [UInt8](try Data(contentsOf: URL(fileURLWithPath: f.stream)))
        let expected = (0..<40).flatMap { _ in (0..<256).map { UInt8($0) } }
        func inflate(_ src: [UInt8], into n: Int, _ engine: ZlibInflater.Engine) throws -> [UInt8] {
            let inflater = try ZlibInflater(engine: engine)
            var out = [UInt8](repeating: 0, count: n)
            try src.withUnsafeBytes { s in try out.withUnsafeMutableBytes { try inflater.inflate(s, into: $0) } }
            return out
        }
        for engine in [ZlibInflater.Engine.libdeflate, .zlib] {
            XCTAssertEqual(try inflate(stream, into: 10_240, engine), expected, "\(engine)")
            XCTAssertEqual(try inflate(stream + [1, 2, 3], into: 10_240, engine), expected, "\(engine): bytes after the trailer")
            let cases: [([UInt8], Int, InflateFailure)] = [
                (stream, 10_000, .wrongSize(expected: 10_000, got: nil)),
                (stream, 12_000, .wrongSize(expected: 12_000, got: 10_240)),
                (Array(stream.prefix(stream.count / 2)), 10_240, .corrupt),
                (Array(stream.dropLast()), 10_240, .corrupt),                       // Adler-32 cut short
                ([UInt8](repeating: 0xAB, count: 100), 1000, .corrupt),
            ]
            for (i, (src, n, failure)) in cases.enumerated() {
                XCTAssertThrowsError(try inflate(src, into: n, engine), "\(engine), case \(i)") { e in
                    XCTAssertEqual(e as? InflateFailure, failure, "\(engine), case \(i)")
                }
            }
        }
    }
}
