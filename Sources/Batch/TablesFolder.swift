#if canImport(Glibc)
import Glibc
#endif
import Analysis
import Foundation

/// The reduction owns `OUT/tables/`: before writing, it removes what it will no longer produce (the folder of a
/// recording that has no complete pair any more, e.g. after its input turned bad) and the hidden temporaries a
/// killed writer left (`.name.tmp.<pid>`, `.tmp-name-…`). A full sweep's rank 0 holds the output folder's
/// lock alone meanwhile (`FolderLock`), so no other writer's temporaries are live; `--reduce-only` shares the
/// lock and removes only temporaries older than 10 minutes.
enum TablesFolder {
    /// Removes `tables/recordings/<name>` for every name not in `keeping`, and every hidden temporary under
    /// `tables/`. Returns the paths removed.
    @discardableResult
    static func prune(_ tablesDir: String, recordingsFolder: String, temporariesOlderThan age: Double = 0,
                      keeping: Set<String>) -> [String] {
        let fm = FileManager.default
        var removed: [String] = []
        let recDir = (tablesDir as NSString).appendingPathComponent(recordingsFolder)
        for n in (try? fm.contentsOfDirectory(atPath: recDir)) ?? [] where !keeping.contains(n) {
            let p = (recDir as NSString).appendingPathComponent(n)
            if (try? fm.removeItem(atPath: p)) != nil { removed.append(p) }
        }
        for rel in (try? fm.subpathsOfDirectory(atPath: tablesDir)) ?? [] {
            let name = (rel as NSString).lastPathComponent
            guard name.hasPrefix("."), name.contains(".tmp") else { continue }
            let p = (tablesDir as NSString).appendingPathComponent(rel)
            if age > 0, let m = (try? fm.attributesOfItem(atPath: p))?[.modificationDate] as? Date,
               Date().timeIntervalSince(m) < age { continue }
            if unlink(p) == 0 { removed.append(p) }
        }
        return removed
    }

    /// In a recording's folder `dir`, removes the `curves/` and `series/` files this reduction did not write
    /// (states no longer complete), so the folder holds exactly the products of its tables. Returns the paths removed.
    @discardableResult
    static func pruneProducts(_ dir: String, curves: Set<String>, series: Set<String>) -> [String] {
        let fm = FileManager.default
        var removed: [String] = []
        for (folder, keep) in [(AnalysisOutput.curvesFolder, curves), (AnalysisOutput.seriesFolder, series)] {
            let d = (dir as NSString).appendingPathComponent(folder)
            for n in (try? fm.contentsOfDirectory(atPath: d)) ?? [] where n.hasSuffix(".csv") && !keep.contains(n) {
                let p = (d as NSString).appendingPathComponent(n)
                if (try? fm.removeItem(atPath: p)) != nil { removed.append(p) }
            }
        }
        return removed
    }
}
