import Analysis
import Batch
import XCTest

/// The job-spec keys of the METHODS §6–9 families: `measures`, `family_parameters`, `lfp_channels_per_shard`,
/// `spatial_block_units`, and the job seed reaching the family surrogates.
final class FamilyJobSpecTests: XCTestCase {
    let file = "/jobs/cohort/job.yaml"

    func parse(_ text: String) throws -> JobSpec { try JobSpec.parse(yaml: text, jobFile: file) }

    func assertError(_ text: String, line: Int, key: String, contains fragment: String,
                     file f: StaticString = #filePath, line l: UInt = #line) {
        XCTAssertThrowsError(try parse(text), file: f, line: l) { error in
            guard case let BatchError.jobSpec(_, errLine, errKey, message) = error else {
                return XCTFail("expected a job-spec error, got \(error)", file: f, line: l)
            }
            XCTAssertEqual(errLine, line, "\(error)", file: f, line: l)
            XCTAssertEqual(errKey, key, "\(error)", file: f, line: l)
            XCTAssertTrue(message.contains(fragment), "\(error)", file: f, line: l)
        }
    }

    func testEveryFamilyIsAcceptedWithOverrides() throws {
        let spec = try parse("""
        inputs: data
        output: out
        seed: 42
        measures: [seizure, balance, lfp, spatial, avalanches, lfp]
        lfp_channels_per_shard: 8
        spatial_block_units: 0
        family_parameters:
          welch_window_seconds: 4
          spatial_bins_ms: [10, 100]
          channels: [0, 3, 5]
          dfa_overlap: false
          minimum_avalanches: 20
          tau_e_ms: 4.5
          maximum_alpha: 3
        """)
        XCTAssertEqual(spec.measures, ["avalanches", "balance", "lfp", "seizure", "spatial"])
        XCTAssertEqual(spec.families, MeasureFamily.allCases)
        XCTAssertTrue(spec.includesBalance)
        XCTAssertEqual(spec.lfpChannelsPerShard, 8)
        XCTAssertEqual(spec.spatialBlockUnits, 0)
        let fp = spec.familyParameters
        XCTAssertEqual(fp.welchWindowSeconds, 4)
        XCTAssertEqual(fp.spatialBinsMs, [10, 100])
        XCTAssertEqual(fp.channels, [0, 3, 5])
        XCTAssertFalse(fp.dfaOverlap)
        XCTAssertEqual(fp.minimumAvalanches, 20)
        XCTAssertEqual(fp.tauEMs, 4.5)
        XCTAssertEqual(fp.maximumAlpha, 3)
        XCTAssertEqual(fp.seed, 42, "the job seed seeds the family surrogates")
        // Untouched fields keep their defaults.
        XCTAssertEqual(fp.welchOverlap, FamilyParameters().welchOverlap)
        XCTAssertEqual(fp.avalancheBinsMs, FamilyParameters().avalancheBinsMs)

        let only = try parse("inputs: data\noutput: out\nmeasures: lfp\n")
        XCTAssertEqual(only.measures, ["lfp"])
        XCTAssertFalse(only.includesBalance)
        XCTAssertEqual(only.lfpChannelsPerShard, JobSpec.defaultLFPChannelsPerShard)
        XCTAssertEqual(only.spatialBlockUnits, JobSpec.defaultSpatialBlockUnits)
        XCTAssertEqual(only.familyParameters.seed, AnalysisParameters().seed)
    }

    func testFamilyParameterKeysCoverFamilyParameters() {
        let keys = FamilyParameterKeys.keys
        for k in ["signal_index", "channels", "welch_window_seconds", "welch_overlap", "dfa_window_count",
                  "spatial_bins_ms", "distance_bin_micrometres", "avalanche_bins_ms", "lfp_avalanche_bins_ms",
                  "maximum_alpha", "tau_e_ms", "tau_i_ms", "wavelet_omega0", "wavelet_count", "recovery_tolerance"] {
            XCTAssertTrue(keys.contains(k), "family_parameters lacks \(k): \(keys)")
        }
        XCTAssertFalse(keys.contains("seed"), "the seed is the job's `seed`")
    }

    func testErrorsNameKeyAndLine() {
        let head = "inputs: data\noutput: out\n"
        assertError(head + "measures: [lfp, gamma]\n", line: 3, key: "measures", contains: "unknown measure family 'gamma'")
        assertError(head + "lfp_channels_per_shard: 0\n", line: 3, key: "lfp_channels_per_shard", contains: "out of range")
        assertError(head + "lfp_channels_per_shard: many\n", line: 3, key: "lfp_channels_per_shard", contains: "integer")
        assertError(head + "spatial_block_units: -3\n", line: 3, key: "spatial_block_units", contains: "out of range")
        assertError(head + "spatial_block_units: 1\n", line: 3, key: "spatial_block_units", contains: "too small")
        assertError(head + "family_parameters: 3\n", line: 3, key: "family_parameters", contains: "mapping")
        assertError(head + "family_parameters:\n  welch_window_seconds: 2\n  welch_windw: 3\n", line: 5,
                    key: "family_parameters.welch_windw", contains: "unknown family parameter")
        assertError(head + "family_parameters:\n  seed: 3\n", line: 4, key: "family_parameters.seed",
                    contains: "unknown family parameter")
        assertError(head + "family_parameters:\n  welch_overlap: 1.5\n", line: 4, key: "family_parameters.welch_overlap",
                    contains: "[0, 1)")
        assertError(head + "family_parameters:\n  spatial_bins_ms: [10, -5]\n", line: 4,
                    key: "family_parameters.spatial_bins_ms", contains: "> 0")
        assertError(head + "family_parameters:\n  spatial_bins_ms: []\n", line: 4,
                    key: "family_parameters.spatial_bins_ms", contains: "empty")
        assertError(head + "family_parameters:\n  dfa_window_count: 2.5\n", line: 4,
                    key: "family_parameters.dfa_window_count", contains: "integer")
        assertError(head + "family_parameters:\n  channels: [0, -1]\n", line: 4, key: "family_parameters.channels",
                    contains: "negative")
        assertError(head + "family_parameters:\n  dfa_overlap: maybe\n", line: 4, key: "family_parameters.dfa_overlap",
                    contains: "true or false")
        assertError(head + "family_parameters:\n  tau_e_ms: fast\n", line: 4, key: "family_parameters.tau_e_ms",
                    contains: "number")
    }

    func testJobJSONWithoutFamilyKeysStillDecodes() throws {
        var spec = try parse("inputs: /data\noutput: /out\nseed: 5\nmeasures: [balance, spatial]\n")
        spec.spatialBlockUnits = 16
        let data = try JSONEncoder().encode(spec)
        XCTAssertEqual(try JSONDecoder().decode(JobSpec.self, from: data), spec)
        var dict = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        for k in ["familyParameters", "lfpChannelsPerShard", "spatialBlockUnits"] { dict[k] = nil }
        let old = try JSONDecoder().decode(JobSpec.self, from: try JSONSerialization.data(withJSONObject: dict))
        XCTAssertEqual(old.spatialBlockUnits, JobSpec.defaultSpatialBlockUnits)
        XCTAssertEqual(old.familyParameters.seed, 5)
    }
}
