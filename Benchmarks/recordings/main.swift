// recordings-bench: reads the spike trains of an NWB file with the project's reader and reports wall time,
// throughput and peak memory. Used by Benchmarks/recordings/run.sh next to the h5py/pynwb references.
//
// Usage: recordings-bench FILE [REPEATS]
import Foundation
import Recordings

func peakRSSBytes() -> Int {
    // VmHWM from /proc/self/status (kB): the peak resident set of this process.
    guard let s = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in s.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let kb = line.split(separator: " ").compactMap { Int($0) }.first ?? 0
        return kb * 1024
    }
    return 0
}

let args = CommandLine.arguments
guard args.count >= 2 else {
    FileHandle.standardError.write(Data("usage: recordings-bench FILE [REPEATS]\n".utf8))
    exit(2)
}
let path = args[1]
let repeats = args.count > 2 ? Int(args[2]) ?? 3 : 3
let baseline = peakRSSBytes()
var best = Double.infinity
var spikes = 0, units = 0
for _ in 0..<repeats {
    let t0 = DispatchTime.now().uptimeNanoseconds
    let rec = try RecordingReader.read(path)
    let dt = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
    best = min(best, dt)
    spikes = rec.spikes.spikeCount
    units = rec.units.count
}
let bytes = Double(spikes * 8)
let peak = peakRSSBytes()
print(String(format: "symedge   read  units=%d spikes=%d  best %.3f s  %.0f MB/s  peak RSS %.0f MB (%.2fx spike data; baseline %.0f MB)",
             units, spikes, best, bytes / best / 1e6, Double(peak) / 1e6, Double(peak) / bytes, Double(baseline) / 1e6))
