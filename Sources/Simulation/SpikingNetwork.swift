import Kernels
/// A contiguous stretch of simulated time in one regime.
public struct ScheduledEpoch: Sendable, Equatable {
    public var regime: Regime
    public var settings: RegimeSettings
    /// Start and stop in seconds from the session start.
    public var start: Double
    public var stop: Double

    public init(regime: Regime, settings: RegimeSettings, start: Double, stop: Double) {
        self.regime = regime; self.settings = settings; self.start = start; self.stop = stop
    }
}

/// What the network run records besides population counts.
public struct ProbeLayout: Sendable {
    /// Network indices of the recorded units (their spike times are kept).
    public var sampledNeurons: [Int]
    /// LFP site of each neuron (−1: does not contribute). Only E cells contribute (pyramidal currents).
    public var siteOfNeuron: [Int32]
    public var siteCount: Int
    /// Per LFP channel, the (site, weight) pairs summed into it.
    public var channelKernel: [[(site: Int, weight: Double)]]
    /// µV per pA of the mean per-neuron current proxy at a site.
    public var lfpScale: Double

    public init(sampledNeurons: [Int], siteOfNeuron: [Int32], siteCount: Int,
                channelKernel: [[(site: Int, weight: Double)]], lfpScale: Double) {
        self.sampledNeurons = sampledNeurons; self.siteOfNeuron = siteOfNeuron; self.siteCount = siteCount
        self.channelKernel = channelKernel; self.lfpScale = lfpScale
    }
}

/// The result of running the network through a schedule.
public struct NetworkOutput: Sendable {
    /// Spike times (s) of each sampled neuron, in `ProbeLayout.sampledNeurons` order.
    public var unitSpikes: [[Double]]
    /// Number of E / I spikes of the whole network in each 1-ms bin.
    public var populationCountsE: [UInt16]
    public var populationCountsI: [UInt16]
    /// LFP proxy, µV, row-major `[ms tick][channel]` (mean not yet removed).
    public var lfp: [Float]
    public var lfpChannels: Int
    /// Neuron updates performed (neurons × steps, warm-up included).
    public var neuronUpdates: Int
    public var excitatoryCount: Int
    public var inhibitoryCount: Int
}

/// The conductance-based E/I network and its integrator.
///
/// Per step of `dt` (METHODS-independent; see `docs/simulator.md`):
/// 1. external Poisson events (one uniform per neuron, inverted through the Poisson CDF) add to g_E;
/// 2. the membrane `C dV/dt = g_L(E_L−V) + g_E(E_E−V) + g_I(E_I−V) − w` is advanced with the exponential-Euler
///    step for frozen conductances, `V ← V∞ + (V − V∞)·e^{−dt·g_tot/C}`, with e^{−x} taken as its (1,1) Padé
///    approximant (1 − x/2)/(1 + x/2) (A-stable, error x³/12 ≈ 10⁻⁵ at the default dt);
/// 3. spikes (V ≥ θ) reset V, start the refractory period and add b to w;
/// 4. `τ_w dw/dt = a(V−E_L) − w` is advanced exactly for frozen V; conductances decay exactly;
/// 5. each spike adds its weight to the targets' conductances (CSR rows), felt from the next step.
/// Neurons are updated eight at a time in `SIMD8<Double>` lanes.
final class SpikingNetwork {
    let p: NetworkParameters
    let n: Int, nE: Int
    let conn: Connectivity
    // State, one Double per neuron (64-byte aligned).
    let v: UnsafeMutablePointer<Double>
    let w: UnsafeMutablePointer<Double>
    let ge: UnsafeMutablePointer<Double>
    let gi: UnsafeMutablePointer<Double>
    let refr: UnsafeMutablePointer<Double>
    let el: UnsafeMutablePointer<Double>
    var laneRandom: [LaneRandom]
    var rng: Xoshiro256StarStar

    init(parameters: NetworkParameters, leakReversal: [Double], connectivity: Connectivity, seed: UInt64) {
        p = parameters
        n = connectivity.neuronCount; nE = connectivity.excitatoryCount
        conn = connectivity
        let count = connectivity.neuronCount
        func alloc() -> UnsafeMutablePointer<Double> {
            let raw = UnsafeMutableRawPointer.allocate(byteCount: count * 8, alignment: 64)
            return raw.bindMemory(to: Double.self, capacity: count)
        }
        v = alloc(); w = alloc(); ge = alloc(); gi = alloc(); refr = alloc(); el = alloc()
        rng = Xoshiro256StarStar(seed: StreamSeed.simulator([seed, 1]))
        laneRandom = (0..<(n / 8)).map { LaneRandom(seed: StreamSeed.simulator([seed, 2, UInt64($0)])) }
        for i in 0..<n {
            el[i] = leakReversal[i]
            // Start between reset and threshold so the network does not fire in one volley.
            v[i] = p.reset + (p.threshold - p.reset) * rng.uniform()
            w[i] = 0; ge[i] = 0; gi[i] = 0; refr[i] = 0
        }
    }

    deinit {
        for ptr in [v, w, ge, gi, refr, el] { UnsafeMutableRawPointer(ptr).deallocate() }
    }

    @inline(__always) static func load(_ ptr: UnsafeMutablePointer<Double>, _ i: Int) -> SIMD8<Double> {
        UnsafeRawPointer(ptr + i).load(as: SIMD8<Double>.self)
    }
    @inline(__always) static func store(_ x: SIMD8<Double>, _ ptr: UnsafeMutablePointer<Double>, _ i: Int) {
        UnsafeMutableRawPointer(ptr + i).storeBytes(of: x, as: SIMD8<Double>.self)
    }

    /// Fills `cdf[0..<k]` with the Poisson(mean) CDF up to where the tail is below 1e-9; returns k.
    @inline(__always) static func poissonCDF(mean: Double, into cdf: inout [Double]) -> Int {
        if mean <= 0 { return 0 }
        var term = _exp(-mean), sum = term
        var k = 0
        while k < cdf.count {
            cdf[k] = sum
            k += 1
            if 1 - sum < 1e-9 { break }
            term *= mean / Double(k)
            sum += term
        }
        return k
    }

    /// Runs the schedule (warm-up first, in the first epoch's regime) and records.
    func run(schedule: [ScheduledEpoch], probe: ProbeLayout) -> NetworkOutput {
        let dt = p.dt
        let stepsPerMs = Int((1 / dt).rounded())
        let warmupSteps = Int((p.warmup / dt).rounded())
        let totalMs = Int(((schedule.last?.stop ?? 0) * 1000).rounded())
        let totalSteps = totalMs * stepsPerMs
        let groups = n / 8, groupsE = nE / 8

        // Recording buffers.
        var unitOf = [Int32](repeating: -1, count: n)
        for (u, i) in probe.sampledNeurons.enumerated() { unitOf[i] = Int32(u) }
        var unitSpikes = [[Double]](repeating: [], count: probe.sampledNeurons.count)
        var popE = [UInt16](repeating: 0, count: totalMs), popI = [UInt16](repeating: 0, count: totalMs)
        let channels = probe.channelKernel.count
        var lfp = [Float](repeating: 0, count: totalMs * channels)
        let lfpDelay = 6  // ms, AMPA lead (Mazzoni et al. 2015)
        var ampaRing = [Double](repeating: 0, count: (lfpDelay + 1) * probe.siteCount)
        var gaba = [Double](repeating: 0, count: probe.siteCount)
        var siteN = [Double](repeating: 0, count: probe.siteCount)
        for i in 0..<nE where probe.siteOfNeuron[i] >= 0 { siteN[Int(probe.siteOfNeuron[i])] += 1 }
        let siteInv = siteN.map { $0 > 0 ? 1 / $0 : 0 }

        // Constants.
        let gL = SIMD8<Double>(repeating: p.leakConductance)
        let eE = SIMD8<Double>(repeating: p.excitatoryReversal), eI = SIMD8<Double>(repeating: p.inhibitoryReversal)
        let halfDtOverC = SIMD8<Double>(repeating: 0.5 * dt / p.capacitance)
        let one = SIMD8<Double>(repeating: 1)
        let theta = SIMD8<Double>(repeating: p.threshold), vReset = SIMD8<Double>(repeating: p.reset)
        let tRef = SIMD8<Double>(repeating: p.refractory), zero = SIMD8<Double>(repeating: 0)
        let vDt = SIMD8<Double>(repeating: dt)
        let decE = SIMD8<Double>(repeating: _exp(-dt / p.tauE)), decI = SIMD8<Double>(repeating: _exp(-dt / p.tauI))
        let dW = _exp(-dt / p.adaptationTau)
        let wDecay = SIMD8<Double>(repeating: dW)
        let aTerm = SIMD8<Double>(repeating: p.adaptationA * (1 - dW))
        let wExt = SIMD8<Double>(repeating: p.weightExternal)

        // Common slow modulation of the external rate (Ornstein–Uhlenbeck) and its delay line for I cells.
        var ou = 0.0
        let maxDelaySteps = 2000
        var factorRing = [Double](repeating: 1, count: maxDelaySteps + 1)
        var cdfE = [Double](repeating: 1, count: 32), cdfI = [Double](repeating: 1, count: 32)
        var spiked: [Int32] = []
        spiked.reserveCapacity(n)
        var neuronUpdates = 0

        var epochIndex = 0
        var step = -warmupSteps
        while step < totalSteps {
            // Regime of this stretch; stretch ends at the next epoch boundary.
            while epochIndex < schedule.count - 1 && step >= Int((schedule[epochIndex].stop * 1000).rounded()) * stepsPerMs {
                epochIndex += 1
            }
            let epochEnd = epochIndex < schedule.count - 1
                ? Int((schedule[epochIndex].stop * 1000).rounded()) * stepsPerMs : totalSteps
            let s = schedule[epochIndex].settings
            let wEE = p.weightE * s.scaleEE, wEI = p.weightEtoI * s.scaleEI
            let wIE = p.weightI * s.scaleIE, wII = p.weightI * s.scaleII
            let bVec = SIMD8<Double>(repeating: s.adaptationB)
            let ouDecay = _exp(-dt / s.modulationTau)
            let ouNoise = s.modulationDepth * (1 - ouDecay * ouDecay).squareRoot()
            let delaySteps = min(maxDelaySteps, Int((s.inhibitoryDriveDelay / dt).rounded()))

            while step < epochEnd {
                ou = ou * ouDecay + ouNoise * rng.normal()
                let factor = max(0, 1 + ou)
                let ringPos = (step + warmupSteps) % (maxDelaySteps + 1)
                factorRing[ringPos] = factor
                let delayedFactor = factorRing[(ringPos - delaySteps + maxDelaySteps + 1) % (maxDelaySteps + 1)]
                let kE = Self.poissonCDF(mean: s.externalRateE * factor * dt * 1e-3, into: &cdfE)
                let kI = Self.poissonCDF(mean: s.externalRateI * delayedFactor * dt * 1e-3, into: &cdfI)

                spiked.removeAll(keepingCapacity: true)
                laneRandom.withUnsafeMutableBufferPointer { lanes in
                    for g in 0..<groups {
                        let i = g * 8
                        let isE = g < groupsE
                        // External Poisson events: count = #{k : u > CDF(k)} (branch-free lane arithmetic).
                        let u = lanes[g].uniform()
                        var count = SIMD8<UInt64>(repeating: 0)
                        if isE {
                            for k in 0..<kE { count &+= negativeBit(SIMD8(repeating: cdfE[k]) - u) }
                        } else {
                            for k in 0..<kI { count &+= negativeBit(SIMD8(repeating: cdfI[k]) - u) }
                        }
                        var gE = Self.load(ge, i) + toDouble(count) * wExt
                        var gI = Self.load(gi, i)
                        var vv = Self.load(v, i)
                        var ww = Self.load(w, i)
                        var rr = Self.load(refr, i)
                        let eL = Self.load(el, i)
                        // Membrane (exponential Euler with Padé(1,1) exponential).
                        let gTot = gL + gE + gI
                        let vInf = (gL * eL + gE * eE + gI * eI - ww) / gTot
                        let x = gTot * halfDtOverC
                        vv = vInf + (vv - vInf) * (one - x) / (one + x)
                        // Refractory lanes stay at reset; the counter runs down to zero.
                        vv = blend(vv, vReset, where: allOnes(negativeBit(zero - rr)))
                        let rest = rr - vDt
                        rr = blend(rest, zero, where: allOnes(negativeBit(rest)))
                        let fired = negativeBit(theta - vv)   // 1 where V > θ
                        if (fired & SIMD8(repeating: 1)) != SIMD8(repeating: 0) {
                            let m = allOnes(fired)
                            vv = blend(vv, vReset, where: m)
                            rr = blend(rr, tRef, where: m)
                            if isE { ww += toDouble(fired) * bVec }
                            for l in 0..<8 where fired[l] != 0 { spiked.append(Int32(i + l)) }
                        }
                        if isE { ww = ww * wDecay + aTerm * (vv - eL) }
                        gE *= decE
                        gI *= decI
                        Self.store(vv, v, i); Self.store(ww, w, i); Self.store(rr, refr, i)
                        Self.store(gE, ge, i); Self.store(gI, gi, i)
                    }
                }
                neuronUpdates += n

                // Spike propagation and recording.
                let recording = step >= 0
                let ms = recording ? step / stepsPerMs : 0
                for sp in spiked {
                    let i = Int(sp)
                    let lo = Int(conn.rowStart[i]), mid = Int(conn.rowSplit[i]), hi = Int(conn.rowStart[i + 1])
                    conn.targets.withUnsafeBufferPointer { t in
                        if i < nE {
                            for k in lo..<mid { ge[Int(t[k])] += wEE }
                            for k in mid..<hi { ge[Int(t[k])] += wEI }
                        } else {
                            for k in lo..<mid { gi[Int(t[k])] += wIE }
                            for k in mid..<hi { gi[Int(t[k])] += wII }
                        }
                    }
                    if recording {
                        if i < nE { popE[ms] &+= 1 } else { popI[ms] &+= 1 }
                        let u = unitOf[i]
                        if u >= 0 { unitSpikes[Int(u)].append(Double(step + 1) * dt * 1e-3) }
                    }
                }

                // LFP proxy at each full millisecond.
                if recording && (step + 1) % stepsPerMs == 0 && channels > 0 {
                    let tick = (step + 1) / stepsPerMs - 1
                    let slot = tick % (lfpDelay + 1)
                    let delayedSlot = (tick + 1) % (lfpDelay + 1)  // = tick − lfpDelay
                    let base = slot * probe.siteCount
                    for sIdx in 0..<probe.siteCount { ampaRing[base + sIdx] = 0; gaba[sIdx] = 0 }
                    for i in 0..<nE {
                        let site = Int(probe.siteOfNeuron[i])
                        if site < 0 { continue }
                        ampaRing[base + site] += ge[i] * (p.excitatoryReversal - v[i])
                        gaba[site] += abs(gi[i] * (v[i] - p.inhibitoryReversal))
                    }
                    let dBase = (tick >= lfpDelay ? delayedSlot : slot) * probe.siteCount
                    for c in 0..<channels {
                        var acc = 0.0
                        for (site, weight) in probe.channelKernel[c] {
                            acc += weight * (ampaRing[dBase + site] - 1.65 * gaba[site]) * siteInv[site]
                        }
                        lfp[tick * channels + c] = Float(-probe.lfpScale * acc)
                    }
                }
                step += 1
            }
        }
        return NetworkOutput(unitSpikes: unitSpikes, populationCountsE: popE, populationCountsI: popI,
                             lfp: lfp, lfpChannels: channels, neuronUpdates: neuronUpdates,
                             excitatoryCount: nE, inhibitoryCount: n - nE)
    }
}

// MARK: Branch-free lane helpers (Swift's SIMD mask operations are scalarised on x86-64-v3).

@inline(__always) func bitPattern(_ x: SIMD8<Double>) -> SIMD8<UInt64> { unsafeBitCast(x, to: SIMD8<UInt64>.self) }

/// 1 in lanes where `x` has its sign bit set (x < 0), else 0.
@inline(__always) func negativeBit(_ x: SIMD8<Double>) -> SIMD8<UInt64> { bitPattern(x) &>> 63 }

/// All-ones in lanes where `bit` is 1.
@inline(__always) func allOnes(_ bit: SIMD8<UInt64>) -> SIMD8<UInt64> { SIMD8(repeating: 0) &- bit }

/// `b` where `mask` is all-ones, else `a`.
@inline(__always) func blend(_ a: SIMD8<Double>, _ b: SIMD8<Double>, where mask: SIMD8<UInt64>) -> SIMD8<Double> {
    unsafeBitCast((bitPattern(a) & ~mask) | (bitPattern(b) & mask), to: SIMD8<Double>.self)
}

/// Small non-negative integers (< 2⁵²) to doubles, exactly.
@inline(__always) func toDouble(_ k: SIMD8<UInt64>) -> SIMD8<Double> {
    unsafeBitCast(k | SIMD8(repeating: 0x4330_0000_0000_0000), to: SIMD8<Double>.self) - SIMD8(repeating: 0x1p52)
}
