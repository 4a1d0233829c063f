#if canImport(Glibc)
import Glibc
#endif
import Analysis
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

    /// Reads `path` with `RecordingReader` and the job's reading choices (issue 18) and summarises it.
    @Sendable public static func read(_ path: String, options: ReadOptions) throws -> Metadata {
        metadata(of: withPseudoState(try RecordingReader.read(path, options: options)))
    }

    /// A recording without state epochs gets one pseudo-state `all` from its first to just past its last spike,
    /// exactly as `symedge analyze` does, so both give the same rows.
    public static func withPseudoState(_ r: Recording) -> Recording { StatePipeline.withPseudoState(r).recording }

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

/// Content hashes and planning metadata of inputs, cached by (path, size, mtime, ctime, class column)
/// in `input-cache.json` so a resumed sweep doesn't re-hash or re-read unchanged inputs.
///
/// The ctime (inode change time) is what makes the cache safe against a file changed in place and given its
/// old mtime back (`cp -p`, `rsync -a`, `touch -r`): every write, rename or `utime` sets it to the current
/// time, and no user-level call can set it back. Entries written before ctime was recorded are re-hashed.
/// `sweep --rehash` ignores the cache altogether.
struct InputCache: Codable {
    struct Entry: Codable {
        var size: Int64
        var mtime: Double
        /// Newest ctime (s since 1970) of the file, or of the folder's files; nil in caches of older versions.
        var ctime: Double?
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

    /// Size, newest mtime and newest ctime of a file, or of all files in a folder.
    static func stamp(_ path: String) -> (Int64, Double, Double)? {
        func times(_ p: String) -> (size: Int64, mtime: Double, ctime: Double, dir: Bool)? {
            var st = stat()
            guard stat(p, &st) == 0 else { return nil }
            return (Int64(st.st_size), Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9,
                    Double(st.st_ctim.tv_sec) + Double(st.st_ctim.tv_nsec) / 1e9, (st.st_mode & S_IFMT) == S_IFDIR)
        }
        guard let top = times(path) else { return nil }
        guard top.dir else { return (top.size, top.mtime, top.ctime) }
        var size: Int64 = 0, mtime = 0.0, ctime = 0.0
        for n in (try? FileManager.default.subpathsOfDirectory(atPath: path)) ?? [] {
            guard let b = times((path as NSString).appendingPathComponent(n)), !b.dir else { continue }
            size += b.size
            mtime = max(mtime, b.mtime)
            ctime = max(ctime, b.ctime)
        }
        return (size, mtime, ctime)
    }

    mutating func info(path: String, classColumn: String?,
                       reader: (String, String?) throws -> RecordingInfoReader.Metadata) -> RecordingInfo {
        let stamp = Self.stamp(path)
        if let s = stamp, let e = entries[path], e.size == s.0, e.mtime == s.1, e.ctime == s.2, e.classColumn == classColumn,
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
        entries[info.path] = Entry(size: s.0, mtime: s.1, ctime: s.2, classColumn: classColumn, info: info)
    }
}
