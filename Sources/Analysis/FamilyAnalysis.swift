import Kernels
import Recordings

/// Entry point of the METHODS §6–9 measure families, for `analyze`, `sweep` and the job spec.
///
/// `run(family:recording:state:parameters:)` computes one family for one (recording, state): all channels
/// (or `parameters.channels`, for sharding channels across ranks) for `.lfp`, all bin sizes for `.spatial` and
/// `.avalanches`, and the seizure measures for `.seizure`. Rows follow the missing-value rule of
/// `measures.csv`: an uncomputable value is an empty field plus a `missing.csv` row with the reason.
/// Write the rows with `TidyCSV.familyMeasures(_:)` to `family_measures.csv`.
public enum FamilyAnalysis {
    public static func run(family: MeasureFamily, recording: Recording, state: String,
                           parameters: FamilyParameters = FamilyParameters()) throws -> FamilyResult {
        switch family {
        case .lfp: return try LFPAnalysis.run(recording: recording, state: state, parameters: parameters)
        case .spatial: return SpatialAnalysis.run(recording: recording, state: state, parameters: parameters)
        case .avalanches: return try AvalancheAnalysis.run(recording: recording, state: state, parameters: parameters)
        case .seizure: return try SeizureAnalysis.run(recording: recording, state: state, parameters: parameters)
        }
    }

    /// Every family for every state of the recording.
    public static func runAll(recording: Recording, families: [MeasureFamily] = MeasureFamily.allCases,
                              parameters: FamilyParameters = FamilyParameters()) throws -> FamilyResult {
        var out = FamilyResult()
        for state in recording.states {
            for f in families { out.append(try run(family: f, recording: recording, state: state, parameters: parameters)) }
        }
        return out
    }
}

/// Shared helpers: epochs → sample ranges, channel names, trains.
enum FamilySupport {
    /// Half-open sample range of `[start, stop)` in a regular series (indices guarded against float error).
    static func sampleRange(start: Double, stop: Double, series: SignalSeries) -> Range<Int>? {
        guard let rate = series.rate, rate > 0 else { return nil }
        func index(_ t: Double) -> Int {
            let x = (t - series.startingTime) * rate
            let r = x.rounded()
            return abs(x - r) < 1e-6 ? Int(r) : Int(x.rounded(.up))
        }
        let a = max(0, index(start)), b = min(series.sampleCount, index(stop))
        return a < b ? a..<b : nil
    }

    /// Sample ranges of a state's epochs in the series.
    static func ranges(_ recording: Recording, state: String, series: SignalSeries) -> [Range<Int>] {
        recording.epochs(of: state).compactMap { sampleRange(start: $0.start, stop: $0.stop, series: series) }
    }

    /// The channel label: the electrodes table's `channel_name` for the channel's electrode row, else `ch<c>`.
    static func channelName(_ recording: Recording, series: SignalSeries, channel c: Int) -> String {
        if c < series.electrodes.count {
            let row = series.electrodes[c]
            if row >= 0, row < recording.electrodes.count,
               case .text(let s)? = recording.electrodes[row].extra["channel_name"], !s.isEmpty { return s }
        }
        return "ch\(c)"
    }

    /// Reads channels `channels` over `ranges`: result[channel][piece] in volts, reading row blocks of all
    /// channels once (not once per channel).
    static func readPieces(_ series: SignalSeries, channels: [Int], ranges: [Range<Int>]) throws -> [[[Double]]] {
        var out = [[[Double]]](repeating: [], count: channels.count)
        let block = max(1, (1 << 21) / max(1, series.channelCount))
        for r in ranges {
            var pieces = [[Double]](repeating: [], count: channels.count)
            for i in pieces.indices { pieces[i].reserveCapacity(r.count) }
            var s = r.lowerBound
            while s < r.upperBound {
                let e = min(r.upperBound, s + block)
                let data = try series.read(rows: s..<e)
                let cc = series.channelCount
                for (i, c) in channels.enumerated() {
                    var k = c
                    while k < data.count { pieces[i].append(data[k]); k += cc }
                }
                s = e
            }
            for i in channels.indices { out[i].append(pieces[i]) }
        }
        return out
    }

    /// Spike trains of units `indices` as arrays.
    static func trains(_ recording: Recording, _ indices: [Int]) -> [[Double]] {
        indices.map { Array(recording.spikes[unit: $0]) }
    }

    static func epochs(_ recording: Recording, state: String) -> [(start: Double, stop: Double)] {
        recording.epochs(of: state).map { (start: $0.start, stop: $0.stop) }
    }
}
