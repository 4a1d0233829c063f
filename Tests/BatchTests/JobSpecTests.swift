import Analysis
import Batch
import XCTest

final class JobSpecTests: XCTestCase {
    let file = "/jobs/cohort/job.yaml"

    func parse(_ text: String) throws -> JobSpec { try JobSpec.parse(yaml: text, jobFile: file) }

    func assertError(_ text: String, line: Int?, key: String, contains fragment: String,
                     file f: StaticString = #filePath, line l: UInt = #line) {
        XCTAssertThrowsError(try parse(text), file: f, line: l) { error in
            guard case let BatchError.jobSpec(errFile, errLine, errKey, message) = error else {
                return XCTFail("expected a job-spec error, got \(error)", file: f, line: l)
            }
            XCTAssertEqual(errFile, file, file: f, line: l)
            XCTAssertEqual(errLine, line, "\(error)", file: f, line: l)
            XCTAssertEqual(errKey, key, "\(error)", file: f, line: l)
            XCTAssertTrue(message.contains(fragment), "\(error)", file: f, line: l)
            XCTAssertTrue("\(error)".hasPrefix("\(file):\(line.map(String.init) ?? "?"): key '\(key)'"), "\(error)",
                          file: f, line: l)
        }
    }

    func testFullSpecWithRelativePaths() throws {
        let spec = try parse("""
        name: demo
        inputs:
          folder: ../data
          glob: ["extra/*.nwb"]
          files: [/abs/one.nwb]
        states: [wake, rem]
        scales: 16
        measures: [balance]
        surrogates: 12
        surrogate_kinds: [circular_shift]
        seed: 99
        class_column: gt_class
        output: results/demo
        surrogates_per_shard: 5
        shard_group_size: 4
        bootstrap_resamples: 50
        parameters:
          max_lag_bins: 10
          z_threshold: 2.5
        """)
        XCTAssertEqual(spec.name, "demo")
        XCTAssertEqual(spec.inputs.folders, ["/jobs/data"])
        XCTAssertEqual(spec.inputs.globs, ["/jobs/cohort/extra/*.nwb"])
        XCTAssertEqual(spec.inputs.files, ["/abs/one.nwb"])
        XCTAssertEqual(spec.states, ["wake", "rem"])
        XCTAssertEqual(spec.parameters.scaleCount, 16)
        XCTAssertEqual(spec.parameters.surrogateCount, 12)
        XCTAssertEqual(spec.parameters.surrogateKinds, [.circularShift])
        XCTAssertEqual(spec.parameters.seed, 99)
        XCTAssertEqual(spec.parameters.maxLagBins, 10)
        XCTAssertEqual(spec.parameters.zThreshold, 2.5)
        XCTAssertEqual(spec.classColumn, "gt_class")
        XCTAssertEqual(spec.output, "/jobs/cohort/results/demo")
        XCTAssertEqual(spec.surrogatesPerShard, 5)
        XCTAssertEqual(spec.shardGroupSize, 4)
        XCTAssertEqual(spec.bootstrapResamples, 50)
        // Scale-index parameters keep their defaults, as in `symedge analyze`.
        XCTAssertEqual(spec.parameters.glcmReferenceScale, 20)
        XCTAssertEqual(spec.parameters.lagScale, 10)
    }

    func testDefaults() throws {
        let spec = try parse("inputs: data\noutput: out\n")
        XCTAssertNil(spec.states)
        XCTAssertEqual(spec.measures, ["balance"])
        XCTAssertEqual(spec.parameters, AnalysisParameters())
        XCTAssertEqual(spec.surrogatesPerShard, 25)
        XCTAssertEqual(spec.shardGroupSize, 0)
        XCTAssertEqual(spec.name, "job")
        XCTAssertEqual(try parse("inputs: /data\noutput: /scratch/out\n").output, "/scratch/out")
        XCTAssertEqual(try parse("inputs: /data\noutput: /scratch/out\n").inputs.files + 
                       (try parse("inputs: /data\noutput: /scratch/out\n").inputs.folders), ["/data"])
    }

    func testErrorsNameKeyAndLine() {
        assertError("inputs: data\noutput: out\nsurrogatez: 3\n", line: 3, key: "surrogatez", contains: "unknown key")
        assertError("inputs: data\noutput: out\nscales: many\n", line: 3, key: "scales", contains: "integer")
        assertError("inputs: data\noutput: out\n\nscales: 500\n", line: 4, key: "scales", contains: "out of range")
        assertError("inputs: data\noutput: out\nsurrogate_kinds: [isi_permutation, shuffle]\n", line: 3,
                    key: "surrogate_kinds", contains: "unknown kind 'shuffle'")
        assertError("inputs: data\noutput: out\nmeasures: [balance, gamma]\n", line: 3, key: "measures",
                    contains: "unknown measure family 'gamma'")
        assertError("inputs: data\noutput: out\nparameters:\n  max_lag_bins: 5\n  glcm_offset: 3\n", line: 5,
                    key: "parameters.glcm_offset", contains: "unknown parameter")
        assertError("inputs: data\noutput: out\nparameters:\n  width_scale: 0\n", line: 4,
                    key: "parameters.width_scale", contains: "out of range")
        assertError("inputs: {folder: data, url: x}\noutput: out\n", line: 1, key: "inputs.url", contains: "unknown key")
        assertError("inputs: data\nstates: []\noutput: out\n", line: 2, key: "states", contains: "empty")
        assertError("inputs: data\noutput: out\nseed: -1\n", line: 3, key: "seed", contains: "non-negative")
        assertError("output: out\n", line: 1, key: "inputs", contains: "required")
        assertError("inputs: data\n", line: 1, key: "output", contains: "required")
        assertError("- a\n- b\n", line: 1, key: "(top level)", contains: "mapping")
    }

    func testInvalidYAML() {
        XCTAssertThrowsError(try parse("inputs: [data\noutput: out\n")) { error in
            guard case BatchError.yaml = error else { return XCTFail("\(error)") }
            XCTAssertTrue("\(error)".contains(file))
        }
    }
}
