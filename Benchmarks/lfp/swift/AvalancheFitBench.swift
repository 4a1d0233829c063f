import Analysis
import Foundation
import Kernels
import Recordings

/// `lfp-bench avalanches --file NWB [--surrogates 16]`: the §8 spike-avalanche data sets of every state of one
/// recording (observed + `--surrogates` circular-shift surrogates, each avalanche bin width, sizes and
/// durations with ≥ 50 avalanches), fitted by `PowerLawFit.fitAllReference` (the quadratic x_min scan) and by
/// `PowerLawFit.fitAll` in the same process; checks that every fit is identical and prints CPU seconds of each,
/// and the cost of counting and detecting the avalanches (the rest of the spike part of the family).
func benchAvalanches() {
    let file = stringOption("--file", "")
    let surrogates = Int(option("--surrogates", 16))
    guard !file.isEmpty else { FileHandle.standardError.write(Data("avalanches: --file NWB\n".utf8)); exit(2) }
    let r: Recording
    do { r = try RecordingReader.read(file) } catch {
        FileHandle.standardError.write(Data("avalanches: \(error)\n".utf8)); exit(1)
    }
    let p = FamilyParameters()
    var sets: [[Int]] = []
    var countingCPU = 0.0
    for state in r.states {
        let epochs = r.epochs(of: state).map { (start: $0.start, stop: $0.stop) }
        let members: [Member] = [.observed] + (0..<surrogates).map { .surrogate(.circularShift, $0) }
        for m in members {
            let c0 = cpu()
            let s = FamilySurrogates.recording(r, recordingID: "bench", state: state, family: .avalanches, member: m,
                                               seed: p.seed)
            let trains = (0..<s.spikes.unitCount).map { Array(s.spikes[unit: $0]) }
            for w in p.avalancheBinsMs {
                let av = Avalanches.detect(pieces: AvalancheAnalysis.spikeCounts(trains: trains, epochs: epochs,
                                                                                 width: w / 1000))
                for d in [av.sizes, av.durations] where d.count >= p.minimumAvalanches { sets.append(d) }
            }
            countingCPU += cpu() - c0
        }
    }
    let distinct = sets.map { Set($0.filter { $0 > 0 }).count }
    print("avalanches: \(file), \(r.states.count) states, observed + \(surrogates) surrogates, "
          + "\(p.avalancheBinsMs.count) bin widths: \(sets.count) data sets, "
          + "\(sets.reduce(0) { $0 + $1.count }) values, distinct values per set median "
          + "\(distinct.sorted()[distinct.count / 2]), max \(distinct.max() ?? 0)")
    print("surrogates + counting + detection: \(f(countingCPU)) s CPU")
    let dump = stringOption("--dump", "")
    if !dump.isEmpty {    // one data set per line, for profiling the fits outside the package
        let text = sets.map { $0.map(String.init).joined(separator: " ") }.joined(separator: "\n") + "\n"
        FileManager.default.createFile(atPath: dump, contents: Data(text.utf8))
    }
    var c0 = cpu()
    let old = sets.map { PowerLawFit.fitAllReference($0) }
    let oldCPU = cpu() - c0
    c0 = cpu()
    let new = sets.map { PowerLawFit.fitAll($0) }
    let newCPU = cpu() - c0
    c0 = cpu()
    let scanOld = sets.map { PowerLawFit.powerLawQuadratic($0) }
    let scanOldCPU = cpu() - c0
    c0 = cpu()
    let scanNew = sets.map { PowerLawFit.powerLaw($0) }
    let scanNewCPU = cpu() - c0
    let same = zip(old, new).allSatisfy { String(describing: $0) == String(describing: $1) }
        && zip(scanOld, scanNew).allSatisfy { String(describing: $0) == String(describing: $1) }
    print("| fit | quadratic scan (before) | new | ratio |")
    print("|---|---|---|---|")
    print("| x_min scan (`powerLaw`) | \(f(scanOldCPU)) s | \(f(scanNewCPU)) s | \(f(scanOldCPU / scanNewCPU, 1))× |")
    print("| all fits (`fitAll`) | \(f(oldCPU)) s | \(f(newCPU)) s | \(f(oldCPU / newCPU, 1))× |")
    print("| spike part of the family (counting + fits) | \(f(countingCPU + oldCPU)) s | \(f(countingCPU + newCPU)) s "
          + "| \(f((countingCPU + oldCPU) / (countingCPU + newCPU), 1))× |")
    print("identical fits: \(same ? "yes" : "NO")")
    if !same { exit(1) }
}
