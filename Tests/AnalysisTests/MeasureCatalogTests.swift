import Analysis
import Foundation
import Kernels
import TestSupport
import XCTest

/// `Measure.catalog` against the names the program really writes: the library's own name lists, the `measure`
/// column of every table of a real `symedge analyze --families all` run (both ways: every written name is in the
/// catalog, with the right table and family, and every catalog name of those tables is written as a value or a
/// missing row), the CSV headers, and `docs/measures.md` against `symedge measures --markdown`.
final class MeasureCatalogTests: XCTestCase {
    func testLibraryNameListsAreTheCatalogs() {
        XCTAssertEqual(Set(ScaleMeasures.names), Set(Measure.perScale.map(\.rawValue)))
        XCTAssertEqual(OrderParameter.names, Measure.orderParameters.map(\.rawValue))
        XCTAssertEqual(OrderParameter.verdict, Measure.balanceSymmetry.rawValue)
        XCTAssertEqual(Set(SeizureAnalysis.balanceMeasures + SeizureAnalysis.channelMeasureNames
                           + ["current_mean", "balance_state_max_deviation_sd"]),
                       Set(Measure.seizure.map(\.rawValue)))
        XCTAssertEqual(Set(Measure.catalog.compactMap(\.family)), Set(MeasureFamily.allCases))
        XCTAssertEqual(Set(Measure.catalog).count, Measure.catalog.count, "a name is listed twice")
        for m in Measure.catalog {
            XCTAssertTrue(m.isDocumented && !m.units.isEmpty && !m.doc.isEmpty, "\(m) lacks section, units or doc")
            XCTAssertEqual(Measure(rawValue: m.rawValue).section, m.section)
        }
        XCTAssertEqual(Measure.glcmContrast(offset: 7).rawValue, "glcm_contrast_d7")
        XCTAssertEqual(Measure.named("glcm_entropy_d12")?.table, .scaleFree)
        XCTAssertNil(Measure.named("glcm_entropy_dx"))
        XCTAssertNil(Measure.named("no_such_measure"))
    }

    func testAnalyzeRunWritesExactlyTheCatalog() throws {
        let tmp = try TemporaryFolder("measures")
        defer { tmp.remove() }
        let sim = try Processes.symedge(["simulate", "--subjects", "1", "--sessions", "1", "--duration", "40",
                                         "--neurons", "240", "--seed", "2", "--states", "wake,preictal,ictal,postictal",
                                         "--out", tmp.path + "/sim", "--log-level", "warning"])
        XCTAssertEqual(sim.status, 0, sim.stderr)
        try "channels: [0]\ncoherence_channels: [0]\n".write(toFile: tmp.path + "/fp.yaml", atomically: true,
                                                              encoding: .utf8)
        let nwb = tmp.path + "/sim/sub-sim01/sub-sim01_ses-01_ecephys.nwb"
        let out = tmp.path + "/out"
        let a = try Processes.symedge(["analyze", nwb, "--out", out, "--scales", "22", "--surrogates", "2",
                                       "--surrogate-kinds", "isi_permutation,circular_shift", "--families", "all",
                                       "--family-parameters", tmp.path + "/fp.yaml", "--log-level", "warning"])
        XCTAssertEqual(a.status, 0, a.stderr)

        func table(_ name: String) throws -> (header: [String], rows: [[String: String]]) {
            let recs = try TidyCSV.parse(try String(contentsOfFile: out + "/" + name, encoding: .utf8), file: name)
            let h = recs.first ?? []
            return (h, recs.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(h, $0)) })
        }
        let measures = try table("measures.csv"), orders = try table("order_parameters.csv")
        let families = try table("family_measures.csv"), missing = try table("missing.csv")
        let secondary = try table("surrogates_secondary.csv")
        XCTAssertEqual(measures.header, TidyCSV.measuresHeader)
        XCTAssertEqual(orders.header, TidyCSV.orderParametersHeader)
        XCTAssertEqual(missing.header, TidyCSV.missingHeader)
        XCTAssertEqual(secondary.header, TidyCSV.secondaryHeader)
        XCTAssertEqual(families.header, TidyCSV.familyMeasuresHeader)

        // Every written name is in the catalog, in the table the catalog says.
        for r in measures.rows {
            let m = try XCTUnwrap(Measure.named(r["measure"]!), "measures.csv: \(r["measure"]!) not in the catalog")
            XCTAssertEqual(m.table, r["scale_index"]!.isEmpty ? .scaleFree : .perScale, m.rawValue)
        }
        for r in orders.rows {
            let m = try XCTUnwrap(Measure.named(r["measure"]!), "order_parameters.csv: \(r["measure"]!)")
            XCTAssertEqual(m.table, .orderParameters, m.rawValue)
        }
        for r in secondary.rows {
            XCTAssertNotNil(Measure.named(r["measure"]!), "surrogates_secondary.csv: \(r["measure"]!)")
        }
        for r in families.rows {
            let m = try XCTUnwrap(Measure.named(r["measure"]!), "family_measures.csv: \(r["measure"]!)")
            XCTAssertEqual(m.table, .familyMeasures, m.rawValue)
            XCTAssertEqual(m.family?.rawValue, r["family"], m.rawValue)
        }
        // missing.csv: a §3–4 name, or `family:measure:key=value…`.
        var missingNames = Set<String>()
        for r in missing.rows {
            let parts = r["measure"]!.split(separator: ":").map(String.init)
            let name = parts.count > 1 ? parts[1] : parts[0]
            XCTAssertNotNil(Measure.named(name), "missing.csv: \(r["measure"]!)")
            missingNames.insert(name)
        }

        // Every catalog name of these tables is written, as a value or as a missing row.
        let written = Set((measures.rows + orders.rows + families.rows).map { $0["measure"]! }).union(missingNames)
        for m in Measure.catalog where m.table != .missingOnly {
            XCTAssertTrue(written.contains(m.rawValue), "\(m) (\(m.table.rawValue)) is in the catalog but not written")
        }
        XCTAssertEqual(Set(measures.rows.map { $0["measure"]! }).filter { $0.hasPrefix("glcm_") },
                       Set(Measure.glcmMeasures().map(\.rawValue)))
    }

    func testMeasuresDocumentIsGenerated() throws {
        let doc = try String(contentsOf: Repository.root.appendingPathComponent("docs/measures.md"), encoding: .utf8)
        XCTAssertEqual(doc, MeasureCatalog.markdown(), "regenerate: symedge measures --markdown > docs/measures.md")
        let list = try Processes.symedge(["measures", "--list"])
        XCTAssertEqual(list.status, 0, list.stderr)
        XCTAssertEqual(list.stdout, MeasureCatalog.tabSeparated())
        XCTAssertEqual(list.stdout.split(separator: "\n").count, Measure.catalog.count + 1)
    }
}
