import Foundation

/// What `symedge inspect` reports about one recording: ids, duration, units per class, state epochs with the
/// total time per state, signals with channels and rate, and the reader's warnings.
public struct RecordingSummary: Codable, Sendable, Equatable {
    public struct StateTotal: Codable, Sendable, Equatable {
        public var state: String
        public var epochs: Int
        /// Total time in this state, seconds.
        public var totalSeconds: Double
        enum CodingKeys: String, CodingKey { case state, epochs, totalSeconds = "total_s" }
    }

    public struct SignalInfo: Codable, Sendable, Equatable {
        public var name: String
        public var channels: Int
        public var samples: Int
        /// Hz; nil when the series has timestamps instead.
        public var rate: Double?
        public var durationSeconds: Double
        public var unit: String
        enum CodingKeys: String, CodingKey { case name, channels, samples, rate, durationSeconds = "duration_s", unit }
    }

    public var source: String
    public var subject: String
    public var session: String
    /// Span of spikes, epochs and signals, seconds.
    public var durationSeconds: Double
    public var startSeconds: Double
    public var units: Int
    public var spikes: Int
    /// Units per class, keyed "E", "I", "U".
    public var unitsPerClass: [String: Int]
    /// Columns the classes came from.
    public var classSources: [String]
    public var electrodes: Int
    public var epochs: Int
    public var states: [StateTotal]
    public var signals: [SignalInfo]
    public var warnings: [String]

    enum CodingKeys: String, CodingKey {
        case source, subject, session, durationSeconds = "duration_s", startSeconds = "start_s", units, spikes
        case unitsPerClass = "units_per_class", classSources = "class_sources", electrodes, epochs, states, signals, warnings
    }

    public init(_ r: Recording) {
        source = r.source
        subject = r.subject
        session = r.session
        var lo = Double.infinity, hi = -Double.infinity
        if r.spikes.spikeCount > 0 || !r.epochs.isEmpty {
            let span = r.timeSpan
            lo = span.lowerBound; hi = span.upperBound
        }
        for s in r.signals where s.sampleCount > 0 {
            lo = min(lo, s.startingTime)
            hi = max(hi, s.startingTime + s.duration)
        }
        startSeconds = lo.isFinite ? lo : 0
        durationSeconds = lo.isFinite && hi.isFinite ? hi - lo : 0
        units = r.units.count
        spikes = r.spikes.spikeCount
        var perClass: [String: Int] = [:]
        for c in CellClass.allCases { perClass[c.rawValue] = 0 }
        for u in r.units { perClass[u.cellClass.rawValue, default: 0] += 1 }
        unitsPerClass = perClass
        var sources = Set<String>()
        for u in r.units { if case .inputColumn(let c) = u.labelSource { sources.insert(c) } }
        classSources = sources.sorted()
        electrodes = r.electrodes.count
        epochs = r.epochs.count
        states = r.states.map { s in
            let e = r.epochs(of: s)
            return StateTotal(state: s, epochs: e.count, totalSeconds: e.reduce(0) { $0 + $1.duration })
        }
        signals = r.signals.map {
            SignalInfo(name: $0.name, channels: $0.channelCount, samples: $0.sampleCount, rate: $0.rate,
                       durationSeconds: $0.duration, unit: $0.unit)
        }
        warnings = r.warnings
    }

    /// Human-readable report, one fact per line.
    public var text: String {
        func num(_ x: Double) -> String { String(format: "%.6g", x) }
        var lines: [String] = []
        lines.append("recording  \(source)")
        lines.append("subject    \(subject)")
        lines.append("session    \(session)")
        lines.append("duration   \(num(durationSeconds)) s (from \(num(startSeconds)) s)")
        let classes = ["E", "I", "U"].map { "\($0) \(unitsPerClass[$0] ?? 0)" }.joined(separator: ", ")
        let from = classSources.isEmpty ? "" : " (labels from \(classSources.joined(separator: ", ")))"
        lines.append("units      \(units) (\(classes))\(from); \(spikes) spikes")
        lines.append("electrodes \(electrodes)")
        if states.isEmpty {
            lines.append("epochs     none")
        } else {
            lines.append("epochs     \(epochs)")
            for s in states { lines.append("  \(s.state): \(s.epochs) epoch\(s.epochs == 1 ? "" : "s"), \(num(s.totalSeconds)) s") }
        }
        if signals.isEmpty {
            lines.append("signals    none")
        } else {
            lines.append("signals    \(signals.count)")
            for s in signals {
                let rate = s.rate.map { "\(num($0)) Hz" } ?? "timestamps"
                lines.append("  \(s.name): \(s.channels) channel\(s.channels == 1 ? "" : "s"), \(rate), \(s.samples) samples (\(num(s.durationSeconds)) s)")
            }
        }
        if warnings.isEmpty {
            lines.append("warnings   none")
        } else {
            lines.append("warnings   \(warnings.count)")
            for w in warnings { lines.append("  - \(w)") }
        }
        return lines.joined(separator: "\n")
    }
}
