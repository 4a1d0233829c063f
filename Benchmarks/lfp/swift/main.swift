// lfp-bench: speed benchmarks and real-data validation of the METHODS §6–9 families.
//
//   lfp-bench spatial   [--units 200] [--hours 8] [--rate 5]        spike-count correlations at 10/100/1000 ms
//   lfp-bench aperiodic [--channels 96] [--hours 1] [--fs 1000]     Welch + aperiodic fits per channel
//   lfp-bench avalanches --file NWB [--surrogates 16]              §8 fits: quadratic x_min scan vs current
//   lfp-bench validate  [--data ../shared/data]                     markdown tables for docs/lfp-validation.md
import Analysis
import Foundation
import Kernels
import Recordings

struct Rng {
    var s: UInt64
    mutating func next() -> UInt64 {
        s &+= 0x9E37_79B9_7F4A_7C15
        var z = s
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func uniform() -> Double { (Double(next() >> 11) + 0.5) / 9_007_199_254_740_992 }
    mutating func normal() -> Double { (-2 * log(uniform())).squareRoot() * cos(2 * Double.pi * uniform()) }
}

func option(_ name: String, _ def: Double) -> Double {
    let a = CommandLine.arguments
    if let i = a.firstIndex(of: name), i + 1 < a.count, let v = Double(a[i + 1]) { return v }
    return def
}
func stringOption(_ name: String, _ def: String) -> String {
    let a = CommandLine.arguments
    if let i = a.firstIndex(of: name), i + 1 < a.count { return a[i + 1] }
    return def
}
func now() -> Double { Date().timeIntervalSince1970 }
/// Process CPU time, s (all threads).
func cpu() -> Double { Double(clock()) / Double(CLOCKS_PER_SEC) }
func f(_ v: Double?, _ d: Int = 3) -> String { v.map { $0.isFinite ? String(format: "%.\(d)f", $0) : "—" } ?? "—" }

// MARK: benchmarks

func benchSpatial() {
    let units = Int(option("--units", 200)), hours = option("--hours", 8), rate = option("--rate", 5)
    let duration = hours * 3600
    var rng = Rng(s: 42)
    let t0 = now()
    // Poisson trains with a shared slow modulation so correlations are non-trivial.
    let trains: [[Double]] = (0..<units).map { _ in
        var out: [Double] = [], t = 0.0
        out.reserveCapacity(Int(rate * duration * 1.1))
        while true { t += -log(rng.uniform()) / rate; if t >= duration { break }; out.append(t) }
        return out
    }
    let spikes = trains.reduce(0) { $0 + $1.count }
    print("spatial: \(units) units, \(hours) h, \(spikes) spikes (generated in \(f(now() - t0, 1)) s)")
    let method: SpatialCorrelation.Method = ["dense": .dense, "sparse": .sparse][stringOption("--method", "")] ?? .automatic
    var total = 0.0, totalCPU = 0.0
    for ms in [10.0, 100, 1000] {
        let s = now(), c = cpu()
        let m = SpatialCorrelation.matrix(trains: trains, epochs: [(0, duration)], width: ms / 1000, method: method)
        let el = now() - s, ec = cpu() - c
        total += el; totalCPU += ec
        var mean = 0.0, n = 0
        for i in 0..<units { for j in (i + 1)..<units where m.pearson[i * units + j].isFinite { mean += m.pearson[i * units + j]; n += 1 } }
        print("  bin \(Int(ms)) ms: wall \(f(el, 2)) s, CPU \(f(ec, 2)) s (mean r \(f(mean / Double(n), 5)))")
    }
    print("  total wall \(f(total, 2)) s, CPU \(f(totalCPU, 2)) s")
}

func benchAperiodic() {
    let channels = Int(option("--channels", 96)), hours = option("--hours", 1), fs = option("--fs", 1000)
    let n = Int(hours * 3600 * fs)
    var rng = Rng(s: 7)
    var tWelch = 0.0, tFit = 0.0, tGen = 0.0, cWelch = 0.0, cFit = 0.0
    var x = [Double](repeating: 0, count: n)
    var chis: [Double] = []
    for c in 0..<channels {
        let g = now()
        var a = 0.0
        let phi = 0.9 + 0.0009 * Double(c)
        for i in 0..<n { a = phi * a + rng.normal(); x[i] = a + 3 * sin(2 * Double.pi * 10 * Double(i) / fs) }
        tGen += now() - g
        let s = now(), cs = cpu()
        let spec = Welch.psd(x, rate: fs, segmentLength: Int(2 * fs), overlap: Int(fs))!
        let m = now(), cm = cpu()
        let narrow = AperiodicFit.band(frequencies: spec.frequencies, power: spec.power, range: 30...50)!
        let wide = AperiodicFit.specparamFixed(frequencies: spec.frequencies, power: spec.power, range: 1...40)!
        let e = now(), ce = cpu()
        tWelch += m - s; tFit += e - m; cWelch += cm - cs; cFit += ce - cm
        chis.append(narrow.exponent + wide.exponent * 0)
    }
    print("aperiodic: \(channels) channels × \(hours) h at \(fs) Hz (signal generation \(f(tGen, 1)) s, excluded)")
    print("  wall: Welch \(f(tWelch, 2)) s, fits (30–50 Hz OLS + 1–40 Hz specparam fixed) \(f(tFit, 3)) s, total \(f(tWelch + tFit, 2)) s")
    print("  CPU:  Welch \(f(cWelch, 2)) s, fits \(f(cFit, 3)) s, total \(f(cWelch + cFit, 2)) s")
    print("  mean χ(30–50) \(f(chis.reduce(0, +) / Double(chis.count), 3))")
}

// MARK: validation

func stats(_ v: [Double]) -> (mean: Double, sd: Double, n: Int) {
    let x = v.filter(\.isFinite)
    guard !x.isEmpty else { return (.nan, .nan, 0) }
    let m = x.reduce(0, +) / Double(x.count)
    let sd = x.count > 1 ? (x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(x.count - 1)).squareRoot() : .nan
    return (m, sd, x.count)
}
/// Cohen's d (pooled sd) and AUC = P(a > b) + ½P(a = b).
func effect(_ a0: [Double], _ b0: [Double]) -> (d: Double, auc: Double) {
    let a = a0.filter(\.isFinite), b = b0.filter(\.isFinite)
    let sa = stats(a), sb = stats(b)
    let pooled = (((Double(sa.n) - 1) * sa.sd * sa.sd + (Double(sb.n) - 1) * sb.sd * sb.sd) / Double(sa.n + sb.n - 2)).squareRoot()
    var wins = 0.0
    for x in a { for y in b { wins += x > y ? 1 : (x == y ? 0.5 : 0) } }
    return ((sa.mean - sb.mean) / pooled, wins / Double(a.count * b.count))
}
/// Two-sided permutation p for the difference of means (deterministic stream).
func permutationP(_ a: [Double], _ b: [Double], rounds: Int = 20000) -> Double {
    let all = a + b, obs = abs(stats(a).mean - stats(b).mean)
    var rng = Rng(s: 2024), hits = 0
    var pool = all
    for _ in 0..<rounds {
        for i in stride(from: pool.count - 1, to: 0, by: -1) { pool.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
        let d = abs(stats(Array(pool[0..<a.count])).mean - stats(Array(pool[a.count...])).mean)
        if d >= obs - 1e-12 { hits += 1 }
    }
    return Double(hits + 1) / Double(rounds + 1)
}

func value(_ vs: [LFPAnalysis.Value], _ m: String) -> Double { vs.first { $0.measure == m }?.value ?? .nan }

func validateBonn(_ data: String) throws {
    print("## Bonn EEG (b1): per-segment aperiodic exponent and alpha-envelope DFA\n")
    print("Each of the 100 segments per set is analysed on its own (4097 samples, 173.61 Hz): Welch 2 s Hann windows,")
    print("50 % overlap; χ over 30–50 Hz (OLS) and 1–40 Hz (specparam fixed); DFA of the 8–13 Hz envelope with 20")
    print("log-spaced windows from 1 s to N/4 = 5.9 s.\n")
    var per: [String: [String: [Double]]] = [:]
    let measures = ["aperiodic_exponent_narrow", "aperiodic_exponent_wide", "dfa_exponent"]
    let sets = ["Z", "O", "N", "F", "S"]
    let p = FamilyParameters()
    for s in sets {
        let rec = try RecordingReader.read("\(data)/b1_bonn_epilepsy_eeg/bonn_set_\(s).nwb")
        let series = rec.signals[0]
        let rate = series.rate!
        var out: [String: [Double]] = [:]
        for e in rec.epochs {
            guard let r = FamilySupportShim.range(e, series) else { continue }
            let x = try series.readChannel(0, rows: r)
            let v = LFPAnalysis.channelMeasures(pieces: [x], rate: rate, parameters: p)
            for m in measures { out[m, default: []].append(value(v, m)) }
        }
        per[s] = out
    }
    print("| set | state | n | χ 30–50 Hz mean ± sd | χ 1–40 Hz mean ± sd | DFA α mean ± sd |")
    print("|---|---|---|---|---|---|")
    let stateOf = ["Z": "healthy (eyes open)", "O": "healthy (eyes closed)", "N": "interictal (opposite)", "F": "interictal (focal)", "S": "ictal"]
    for s in sets {
        let cols = measures.map { m -> String in let st = stats(per[s]![m]!); return "\(f(st.mean)) ± \(f(st.sd))" }
        print("| \(s) | \(stateOf[s]!) | \(stats(per[s]![measures[0]]!).n) | \(cols.joined(separator: " | ")) |")
    }
    print("\nEffect sizes, ictal S vs each non-ictal set and vs all four pooled (Cohen's d with pooled sd; AUC = P(S > other)):\n")
    print("| comparison | χ 30–50 d | AUC | χ 1–40 d | AUC | DFA d | AUC |")
    print("|---|---|---|---|---|---|---|")
    for o in ["Z", "O", "N", "F", "ZONF"] {
        let cols = measures.map { m -> String in
            let other = o == "ZONF" ? ["Z", "O", "N", "F"].flatMap { per[$0]![m]! } : per[o]![m]!
            let e = effect(per["S"]![m]!, other)
            return "\(f(e.d, 2)) | \(f(e.auc, 2))"
        }
        print("| S vs \(o == "ZONF" ? "Z+O+N+F" : o) | \(cols.joined(separator: " | ")) |")
    }
    print("")
}

enum FamilySupportShim {
    static func range(_ e: StateEpoch, _ s: SignalSeries) -> Range<Int>? {
        guard let rate = s.rate else { return nil }
        func idx(_ t: Double) -> Int { let x = (t - s.startingTime) * rate; let r = x.rounded(); return abs(x - r) < 1e-6 ? Int(r) : Int(x.rounded(.up)) }
        let a = max(0, idx(e.start)), b = min(s.sampleCount, idx(e.stop))
        return a < b ? a..<b : nil
    }
}

func validateECoG(_ data: String) throws {
    print("## Seizure-onset ECoG (b2): pre-onset vs post-onset aperiodic exponent per channel\n")
    let rec = try RecordingReader.read("\(data)/b2_fragility_pt01_ecog_seizure_onset/pt01_seizure1_onset_m1s_p2s.nwb")
    let series = rec.signals[0], rate = series.rate!
    var p = FamilyParameters()
    p.welchWindowSeconds = 0.5   // the pre-onset epoch is 1 s long
    print("Preictal [0, 1) s vs ictal [1, 3] s around the clinical onset, \(series.channelCount) channels at \(rate) Hz;")
    print("Welch 0.5 s windows (the 1 s preictal epoch holds no 2 s window), 50 % overlap (3 and 7 segments). The")
    print("DFA of the alpha envelope is missing (a 1 s epoch is shorter than 4 × the 1 s minimum window) — as the")
    print("analysis reports it.\n")
    var delta: [String: [Double]] = ["narrow": [], "wide": []], soz: [Bool] = [], names: [String] = []
    var preN: [Double] = [], ictN: [Double] = [], preW: [Double] = [], ictW: [Double] = []
    let pre = rec.epochs(of: "preictal").compactMap { FamilySupportShim.range($0, series) }
    let ict = rec.epochs(of: "ictal").compactMap { FamilySupportShim.range($0, series) }
    for c in 0..<series.channelCount {
        let a = try pre.map { try series.readChannel(c, rows: $0) }, b = try ict.map { try series.readChannel(c, rows: $0) }
        let va = LFPAnalysis.channelMeasures(pieces: a, rate: rate, parameters: p)
        let vb = LFPAnalysis.channelMeasures(pieces: b, rate: rate, parameters: p)
        let n0 = value(va, "aperiodic_exponent_narrow"), n1 = value(vb, "aperiodic_exponent_narrow")
        let w0 = value(va, "aperiodic_exponent_wide"), w1 = value(vb, "aperiodic_exponent_wide")
        preN.append(n0); ictN.append(n1); preW.append(w0); ictW.append(w1)
        delta["narrow"]!.append(n1 - n0); delta["wide"]!.append(w1 - w0)
        let row = series.electrodes.count > c ? series.electrodes[c] : c
        let el = row < rec.electrodes.count ? rec.electrodes[row] : nil
        var isSoz = false
        if let v = el?.extra["soz"] {
            switch v { case .number(let d): isSoz = d != 0; case .text(let s): isSoz = ["true", "1", "TRUE", "True"].contains(s) }
        }
        soz.append(isSoz)
        if case .text(let s)? = el?.extra["channel_name"] { names.append(s) } else { names.append("ch\(c)") }
    }
    let all = stats(delta["narrow"]!), allW = stats(delta["wide"]!)
    let up = delta["narrow"]!.filter { $0 > 0 }.count
    print("All channels: χ(30–50) preictal \(f(stats(preN).mean)) ± \(f(stats(preN).sd)), ictal \(f(stats(ictN).mean)) ± \(f(stats(ictN).sd)); Δχ = \(f(all.mean)) ± \(f(all.sd)) (\(up)/\(all.n) channels steeper after onset).")
    print("χ(1–40) preictal \(f(stats(preW).mean)) ± \(f(stats(preW).sd)), ictal \(f(stats(ictW).mean)) ± \(f(stats(ictW).sd)); Δχ = \(f(allW.mean)) ± \(f(allW.sd)).\n")
    print("| Δχ (ictal − preictal) | SOZ (n = \(soz.filter { $0 }.count)) mean ± sd | non-SOZ (n = \(soz.filter { !$0 }.count)) mean ± sd | Cohen's d | AUC P(SOZ > non) | permutation p |")
    print("|---|---|---|---|---|---|")
    for (k, label) in [("narrow", "30–50 Hz"), ("wide", "1–40 Hz")] {
        let d = delta[k]!
        let a = d.indices.filter { soz[$0] }.map { d[$0] }, b = d.indices.filter { !soz[$0] }.map { d[$0] }
        let e = effect(a, b), sa = stats(a), sb = stats(b)
        print("| \(label) | \(f(sa.mean)) ± \(f(sa.sd)) | \(f(sb.mean)) ± \(f(sb.sd)) | \(f(e.d, 2)) | \(f(e.auc, 2)) | \(f(permutationP(a, b), 4)) |")
    }
    print("\nSOZ channels, Δχ(30–50): " + soz.indices.filter { soz[$0] }.map { "\(names[$0]) \(f(delta["narrow"]![$0], 2))" }.joined(separator: ", ") + "\n")
}

func validateSleep(_ data: String) throws {
    print("## Sleep EEG snippets (c2): aperiodic exponent in wake, N2, N3\n")
    print("Welch 2 s windows, 50 % overlap. The wake recording (360 s, 2 channels) is also cut into 30 s pieces to")
    print("show its spread. N3 is sampled at 100 Hz, so its 30–50 Hz band ends at Nyquist (anti-alias roll-off).\n")
    print("| snippet | state | channel | length | χ 30–50 Hz | χ 1–40 Hz (specparam) | peaks 1–40 |")
    print("|---|---|---|---|---|---|---|")
    let p = FamilyParameters()
    var wakePieces: [Double] = [], wakeWide: [Double] = []
    for (file, label) in [("yasa_resting_EO_wake_200Hz.nwb", "wake"), ("yasa_N2_spindles_15s_200Hz.nwb", "N2"), ("yasa_N3_30s_100Hz.nwb", "N3")] {
        let rec = try RecordingReader.read("\(data)/c2_yasa_sleep_eeg_snippets/\(file)")
        let series = rec.signals[0], rate = series.rate!
        for c in 0..<series.channelCount {
            let x = try series.readChannel(c, rows: 0..<series.sampleCount)
            let v = LFPAnalysis.channelMeasures(pieces: [x], rate: rate, parameters: p)
            let name = c < rec.electrodes.count ? ({ if case .text(let s)? = rec.electrodes[c].extra["channel_name"] { return s }; return "ch\(c)" })() : "ch\(c)"
            print("| \(file) | \(label) (\(rec.states.joined(separator: ","))) | \(name) | \(f(Double(x.count) / rate, 0)) s | \(f(value(v, "aperiodic_exponent_narrow"))) | \(f(value(v, "aperiodic_exponent_wide"))) | \(f(value(v, "aperiodic_peaks_wide"), 0)) |")
            if label == "wake" {
                let len = Int(30 * rate)
                var s = 0
                while s + len <= x.count {
                    let w = LFPAnalysis.channelMeasures(pieces: [Array(x[s..<(s + len)])], rate: rate, parameters: p)
                    wakePieces.append(value(w, "aperiodic_exponent_narrow")); wakeWide.append(value(w, "aperiodic_exponent_wide"))
                    s += len
                }
            }
        }
    }
    let a = stats(wakePieces), b = stats(wakeWide)
    print("\nWake, 30 s pieces (both channels, n = \(a.n)): χ 30–50 Hz \(f(a.mean)) ± \(f(a.sd)) (range \(f(wakePieces.min())) – \(f(wakePieces.max()))); χ 1–40 Hz \(f(b.mean)) ± \(f(b.sd)) (range \(f(wakeWide.min())) – \(f(wakeWide.max()))).\n")
}

func validateUnits(_ data: String) throws {
    print("## Sleep/wake units (a3): avalanches and spatial correlations without classes\n")
    let rec = try RecordingReader.read("\(data)/a3_peyrache_A2929-200711_adn_ca1_sleep_wake/A2929-200711.nwb")
    print("\(rec.units.count) units, states \(rec.states.joined(separator: ", ")); all units pooled (no E/I classes).\n")
    var p = FamilyParameters()
    p.maximumAlpha = nil
    var rows: [FamilyRow] = []
    for s in rec.states {
        rows += try FamilyAnalysis.run(family: .avalanches, recording: rec, state: s, parameters: p).rows
        rows += try FamilyAnalysis.run(family: .spatial, recording: rec, state: s, parameters: p).rows
    }
    func get(_ state: String, _ fam: MeasureFamily, _ group: String, _ bin: Double, _ m: String) -> Double? {
        rows.first { $0.state == state && $0.family == fam && $0.group == group && $0.binMilliseconds == bin && $0.measure == m }?.value
    }
    print("| bin (ms) | state | avalanches | mean size | mean duration (bins) | size α | size x_min | tail n | LLR vs exp (p) | LLR vs bi-exp (p) | branching ratio |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for w in p.avalancheBinsMs {
        for s in rec.states {
            let g = { (m: String) in get(s, .avalanches, "spikes", w, m) }
            print("| \(Int(w)) | \(s) | \(f(g("avalanche_count"), 0)) | \(f(g("size_mean"), 2)) | \(f(g("duration_mean"), 2)) | \(f(g("size_alpha"), 2)) | \(f(g("size_xmin"), 0)) | \(f(g("size_tail_count"), 0)) | \(f(g("size_llr_exponential"), 1)) (\(f(g("size_p_exponential"), 3))) | \(f(g("size_llr_biexponential"), 1)) (\(f(g("size_p_biexponential"), 3))) | \(f(g("branching_ratio"), 3)) |")
        }
    }
    print("\n| bin (ms) | state | pairs | mean Pearson r | mean cov/√(ν_i ν_j) |")
    print("|---|---|---|---|---|")
    for w in p.spatialBinsMs {
        for s in rec.states {
            let g = { (m: String) in get(s, .spatial, "all", w, m) }
            print("| \(Int(w)) | \(s) | \(f(g("pair_count"), 0)) | \(f(g("pair_correlation"), 4)) | \(f(g("pair_rho"), 4)) |")
        }
    }
    print("\nThe distance fit is missing for this session (the electrodes table has no x, y): `distance_lambda_um` is empty with that reason in missing.csv.\n")
}

let args = CommandLine.arguments
switch args.count > 1 ? args[1] : "" {
case "spatial": benchSpatial()
case "aperiodic": benchAperiodic()
case "avalanches": benchAvalanches()
case "validate":
    let data = stringOption("--data", "../shared/data")
    let only = stringOption("--only", "all")
    do {
        if only == "all" || only == "bonn" { try validateBonn(data) }
        if only == "all" || only == "ecog" { try validateECoG(data) }
        if only == "all" || only == "sleep" { try validateSleep(data) }
        if only == "all" || only == "units" { try validateUnits(data) }
    } catch {
        FileHandle.standardError.write(Data("validate: \(error)\n".utf8)); exit(1)
    }
default:
    FileHandle.standardError.write(Data("usage: lfp-bench spatial|aperiodic|avalanches|validate [options]\n".utf8)); exit(2)
}
