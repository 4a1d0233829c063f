import Foundation
import Recordings

/// Reads the metadata the planner needs from a recording: identity, unit counts, states and their spike counts.
public enum RecordingInfoReader {
    public struct Metadata: Codable, Sendable, Equatable {
        public var subject: String
        public var session: String
        public var unitsE: Int
        public var unitsI: Int
        public var states: [RecordingInfo.StateInfo]
        /// All units (classified or not) and the continuous series, for the §6–9 family shards.
        public var units: Int?
        public var signals: [RecordingInfo.SignalInfo]?

        public init(subject: String, session: String, unitsE: Int, unitsI: Int, states: [RecordingInfo.StateInfo],
                    units: Int? = nil, signals: [RecordingInfo.SignalInfo]? = nil) {
            self.subject = subject; self.session = session; self.unitsE = unitsE; self.unitsI = unitsI
            self.states = states; self.units = units; self.signals = signals
        }
    }

    /// Reads `path` with `RecordingReader` and summarises it.
    @Sendable public static func read(_ path: String, classColumn: String?) throws -> Metadata {
        metadata(of: withPseudoState(try RecordingReader.read(path, options: ReadOptions(classColumn: classColumn))))
    }

    /// A recording without state epochs gets one pseudo-state `all` from its first to just past its last spike,
    /// exactly as `symedge analyze` does, so both give the same rows.
    public static func withPseudoState(_ r: Recording) -> Recording {
        guard r.epochs.isEmpty else { return r }
        var out = r
        let span = r.timeSpan
        out.epochs = [StateEpoch(start: span.lowerBound, stop: span.upperBound.nextUp, state: "all")]
        return out
    }

    /// Spikes of E and I units inside each state's epochs; states in order of first appearance.
    public static func metadata(of r: Recording) -> Metadata {
        let ei = r.units.indices.filter { r.units[$0].cellClass != .unclassified }
        var states: [RecordingInfo.StateInfo] = []
        for s in r.states {
            let epochs = r.epochs(of: s)
            var n = 0
            for u in ei {
                let train = r.spikes[unit: u]
                for e in epochs { n += lowerBound(train, e.stop) - lowerBound(train, e.start) }
            }
            states.append(.init(name: s, spikes: n, seconds: epochs.reduce(0) { $0 + $1.duration }))
        }
        return Metadata(subject: r.subject, session: r.session,
                        unitsE: r.unitIndices(of: .excitatory).count, unitsI: r.unitIndices(of: .inhibitory).count,
                        states: states, units: r.units.count,
                        signals: r.signals.map { .init(name: $0.name, channels: $0.channelCount, rate: $0.rate,
                                                       samples: $0.sampleCount) })
    }

    private static func lowerBound(_ a: ArraySlice<Double>, _ x: Double) -> Int {
        var lo = a.startIndex, hi = a.endIndex
        while lo < hi { let m = (lo + hi) / 2; if a[m] < x { lo = m + 1 } else { hi = m } }
        return lo - a.startIndex
    }

    /// Subject and session guessed from a DANDI-style path (`sub-X/sub-X_ses-Y_….nwb`) when the file can't be read.
    public static func identity(fromPath path: String) -> (subject: String, session: String) {
        let id = DatasetDiscovery.dandiIdentifiers(of: path)
        let stem = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return (id.subject ?? stem, id.session ?? "")
    }
}

/// Content hashes and planning metadata of inputs, cached by (path, size, mtime, class column)
/// in `input-cache.json` so a resumed sweep doesn't re-hash or re-read unchanged inputs.
struct InputCache: Codable {
    struct Entry: Codable {
        var size: Int64
        var mtime: Double
        var classColumn: String?
        var info: RecordingInfo
    }
    var entries: [String: Entry] = [:]

    static let fileName = "input-cache.json"

    static func load(folder: String?) -> InputCache {
        guard let f = folder,
              let data = FileManager.default.contents(atPath: (f as NSString).appendingPathComponent(fileName)),
              let c = try? JSONDecoder().decode(InputCache.self, from: data) else { return InputCache() }
        return c
    }

    func save(folder: String) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .prettyPrinted]
        try AtomicFile.write(try enc.encode(self), to: (folder as NSString).appendingPathComponent(Self.fileName))
    }

    /// Size and newest mtime of a file, or of all files in a folder.
    static func stamp(_ path: String) -> (Int64, Double)? {
        let fm = FileManager.default
        guard let a = try? fm.attributesOfItem(atPath: path) else { return nil }
        if (a[.type] as? FileAttributeType) != .typeDirectory {
            return ((a[.size] as? NSNumber)?.int64Value ?? 0, (a[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)
        }
        var size: Int64 = 0, mtime = 0.0
        for n in (try? fm.subpathsOfDirectory(atPath: path)) ?? [] {
            guard let b = try? fm.attributesOfItem(atPath: (path as NSString).appendingPathComponent(n)) else { continue }
            size += (b[.size] as? NSNumber)?.int64Value ?? 0
            mtime = max(mtime, (b[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)
        }
        return (size, mtime)
    }

    mutating func info(path: String, classColumn: String?,
                       reader: (String, String?) throws -> RecordingInfoReader.Metadata) -> RecordingInfo {
        let stamp = Self.stamp(path)
        if let s = stamp, let e = entries[path], e.size == s.0, e.mtime == s.1, e.classColumn == classColumn,
           e.info.readError == nil, e.info.units != nil {
            return e.info
        }
        let id = RecordingInfoReader.identity(fromPath: path)
        let hash: String
        do { hash = try ContentHash.sha256(file: path) } catch {
            return RecordingInfo(path: path, contentHash: "unreadable", subject: id.subject, session: id.session,
                                 unitsE: 0, unitsI: 0, states: [], readError: "\(error)")
        }
        var info: RecordingInfo
        do {
            let m = try reader(path, classColumn)
            info = RecordingInfo(path: path, contentHash: hash, subject: m.subject, session: m.session,
                                 unitsE: m.unitsE, unitsI: m.unitsI, states: m.states, readError: nil,
                                 units: m.units, signals: m.signals)
        } catch {
            info = RecordingInfo(path: path, contentHash: hash, subject: id.subject, session: id.session,
                                 unitsE: 0, unitsI: 0, states: [], readError: "\(error)")
        }
        store(info, classColumn: classColumn)
        return info
    }

    /// Remembers `info` under the input's current size and mtime.
    mutating func store(_ info: RecordingInfo, classColumn: String?) {
        guard let s = Self.stamp(info.path) else { return }
        entries[info.path] = Entry(size: s.0, mtime: s.1, classColumn: classColumn, info: info)
    }
}
