import Foundation
import Kernels
import Recordings

/// Everything one `analyze` run of a recording asks for (METHODS §2–9).
public struct RecordingAnalysisRequest: Sendable {
    /// The recording, its pseudo-state applied (`StatePipeline.withPseudoState`).
    public var recording: Recording
    /// The states to analyse, in order.
    public var states: [String]
    public var parameters: AnalysisParameters
    /// METHODS §6–9 families to run per state (none by default).
    public var families: [MeasureFamily]
    public var familyParameters: FamilyParameters
    /// Threads for the members of a state (results do not depend on it).
    public var threads: Int

    public init(recording: Recording, states: [String], parameters: AnalysisParameters,
                families: [MeasureFamily] = [], familyParameters: FamilyParameters = FamilyParameters(),
                threads: Int = 1) {
        self.recording = recording; self.states = states; self.parameters = parameters; self.families = families
        self.familyParameters = familyParameters; self.threads = threads
    }

    /// The identifier that seeds the surrogate streams: `subject/session`.
    public var recordingID: String { "\(recording.subject)/\(recording.session)" }
    /// The surrogate kind behind family z (the first kind), nil without surrogate kinds.
    public var familySurrogateKind: SurrogateKind? { parameters.surrogateKinds.first }
    /// Surrogates per family that supports them (0 without surrogate kinds).
    public var familySurrogateCount: Int { familySurrogateKind == nil ? 0 : parameters.surrogateCount }
}

/// Every product of one state: the measure sets reduced to tidy rows (summary with order parameters and verdict,
/// secondary-kind rows), the curves and series for the report, the family results, and what failed.
public struct StateProducts: Sendable {
    public var state: String
    /// nil when the state's balance analysis failed (its reason is in `missing` and `failures`).
    public var summary: StateSummary?
    /// Rows of the surrogate kinds after the first; curves and series for the report; family results.
    public var secondary: [SecondarySurrogateRow] = [], curves: [StateCurve] = [], series: [SeriesTable] = []
    public var families: [FamilyResult] = []
    /// Rows for whole computations that failed (`state_analysis`, `family_<name>`).
    public var missing: [MissingRow] = []
    /// One line per failed computation, `"<state>: <error>"` or `"<state> <family>: <error>"`.
    public var failures: [String] = []
    /// Wall seconds of the state (not part of any table).
    public var seconds: Double = 0
}

/// A line of progress for the caller's log.
public enum PipelineEvent: Sendable {
    case debug(String), info(String), warning(String), error(String)
}

/// All products of a recording's states, gathered for writing.
public struct RecordingProducts: Sendable {
    public var tables = TidyTables()
    public var curves: [(state: String, curve: StateCurve)] = []
    public var series: [SeriesTable] = []
    public var stateSeconds: [String: Double] = [:]
    public var failures: [String] = []

    public init(_ states: [StateProducts]) {
        for p in states {
            if let s = p.summary { tables.append(s, secondary: p.secondary) }
            curves += p.curves.map { (p.state, $0) }
            series += p.series
            tables.missing += p.missing
            for f in p.families { tables.append(f) }
            failures += p.failures
            stateSeconds[p.state] = p.seconds
        }
    }
}

extension StatePipeline {
    /// Runs every state of `request`, in order (see `analyze(state:request:log:)`), the states' workspaces
    /// passing their buffers on through one `WorkspacePool` (so the count arrays are page-faulted once, not once
    /// per state and block of members).
    public static func analyze(_ request: RecordingAnalysisRequest,
                               log: (PipelineEvent) -> Void = { _ in }) -> [StateProducts] {
        let pool = WorkspacePool()
        return request.states.map { analyze(state: $0, request: request, pool: pool, log: log) }
    }

    /// The per-state pipeline: every member's measure set (observed and surrogates, in blocks of `memberBlock`),
    /// the summary with z-scores, order parameters and verdict (METHODS §3–5), the secondary surrogate kinds, the
    /// curves and series for the report, then each requested family with its surrogates (§6–9). A failing part is
    /// recorded in the products (missing row and failure line) and the others still run. `pool`: see
    /// `computeBlock`; it is drained before the families.
    public static func analyze(state: String, request: RecordingAnalysisRequest, pool: WorkspacePool? = nil,
                               log: (PipelineEvent) -> Void = { _ in }) -> StateProducts {
        let t0 = Date()
        let r = request.recording, p = request.parameters, id = request.recordingID
        var out = StateProducts(state: state)
        let members = Self.members(p)
        let epochs = r.epochs(of: state)
        let duration = epochs.reduce(0) { $0 + $1.duration }
        log(.info("state \(state): \(epochs.count) epoch(s), \(String(format: "%.1f", duration)) s; observed + \(members.count - 1) surrogates"))
        do {
            var sets: [Member: MeasureSet] = [:]
            var report = MemberBlockProducts(sets: [:])
            // The collapse reference's surrogates are members of the analysis (the first circular shifts): their
            // curves are logged in whichever block computes them and pooled after the last block, not computed again.
            var collapseCurves: [Int: [[Double]]] = [:]
            var observedBlock = false
            var done = 0
            // One pooled sort for the state's ISI members in every block, released after the last (#15).
            let isiShared = SharedPooledIntervals(members: members)
            while done < members.count {
                let block = Array(members[done ..< min(done + memberBlock, members.count)])
                let part = try computeBlock(block, recording: r, recordingID: id, state: state, parameters: p,
                                            threads: request.threads, deferReference: true, pool: pool,
                                            sharedPooled: isiShared)
                sets.merge(part.sets) { a, _ in a }
                collapseCurves.merge(part.collapseCurves) { a, _ in a }
                if block.contains(.observed) { report = part; observedBlock = true }
                done += block.count
                log(.debug("state \(state): \(done)/\(members.count) members"))
            }
            if observedBlock {
                do {
                    report.curves += try collapseReference(recording: r, recordingID: id, state: state, parameters: p,
                                                           computed: collapseCurves)
                } catch {
                    report.curves = []
                    report.warnings.append("curves not written: \(error)")
                }
            }
            guard let observed = sets[.observed] else {
                throw AnalysisError.notImplemented("compute returned no observed set for \(state)")
            }
            var surrogateSets = sets
            surrogateSets[.observed] = nil
            let seizureDeviation = request.families.contains(.seizure)
                ? SeizureAnalysis.stateDeviationSD(recording: r, state: state, parameters: request.familyParameters)
                : nil
            let (summary, secondary) = reduce(subject: r.subject, session: r.session, state: state,
                                              observed: observed, surrogates: surrogateSets, parameters: p,
                                              seizureDeviationSD: seizureDeviation)
            out.summary = summary
            out.secondary = secondary
            out.curves = report.curves
            out.series = report.series
            for w in report.warnings { log(.warning("state \(state): \(w)")) }
            let v = summary.verdict
            let verdict = v.failed.isEmpty ? v.verdict.rawValue : "\(v.verdict.rawValue): \(v.failed)"
            log(.info("state \(state) done in \(String(format: "%.2f", Date().timeIntervalSince(t0))) s: \(verdict)"))
        } catch {
            log(.error("state \(state): \(error)"))
            out.failures.append("\(state): \(error)")
            out.missing.append(MissingRow(subject: r.subject, session: r.session, state: state, scaleIndex: nil,
                                          measure: Measure.stateAnalysis.rawValue, reason: "analysis failed: \(error)"))
        }
        if !request.families.isEmpty { pool?.drain() }
        for family in request.families {
            do {
                let tf = Date()
                let f = try familyResult(family, state: state, request: request)
                out.families.append(f.result)
                log(.info("state \(state): family \(family.rawValue): \(f.result.rows.count) values, \(f.result.missing.count) missing, \(f.result.curves.count) curve points, \(f.surrogates) surrogates, \(String(format: "%.2f", Date().timeIntervalSince(tf))) s"))
            } catch {
                log(.error("state \(state): family \(family.rawValue): \(error)"))
                out.failures.append("\(state) \(family.rawValue): \(error)")
                out.missing.append(MissingRow(subject: r.subject, session: r.session, state: state, scaleIndex: nil,
                                              measure: Measure.familyFailure(family).rawValue,
                                              reason: "family analysis failed: \(error)"))
            }
        }
        out.seconds = Date().timeIntervalSince(t0)
        return out
    }

    /// The reduction of one state's members (METHODS §4–5), shared by `analyze` and the sweep reductions: the
    /// summary (z against the first surrogate kind, order parameters, verdict with the seizure criterion when
    /// given) and the rows of the other surrogate kinds.
    public static func reduce(subject: String, session: String, state: String, observed: MeasureSet,
                              surrogates: [Member: MeasureSet], parameters p: AnalysisParameters,
                              seizureDeviationSD: Double?) -> (summary: StateSummary,
                                                               secondary: [SecondarySurrogateRow]) {
        (StateAnalysis.summarize(subject: subject, session: session, state: state, observed: observed,
                                 surrogates: surrogates, parameters: p, seizureDeviationSD: seizureDeviationSD),
         StateAnalysis.secondarySurrogates(subject: subject, session: session, state: state, observed: observed,
                                           surrogates: surrogates, parameters: p))
    }

    /// One family on the observed data and on the first surrogate kind's surrogates (when the family has them),
    /// scored (METHODS §5–9).
    static func familyResult(_ family: MeasureFamily, state: String,
                             request: RecordingAnalysisRequest) throws -> (result: FamilyResult, surrogates: Int) {
        let r = request.recording, id = request.recordingID, fp = request.familyParameters
        // The seizure family's LFP transforms, made once when its surrogates recompute the coherence (#15).
        let transforms = family == .seizure && fp.coherenceSurrogates && request.familySurrogateKind != nil
            ? WaveletTransformCache() : nil
        let observed = try FamilyAnalysis.run(family: family, recording: r, recordingID: id, state: state,
                                              member: .observed, parameters: fp, transforms: transforms)
        var surrogates: [FamilyResult] = []
        if let kind = request.familySurrogateKind, FamilyAnalysis.supportsSurrogates(family) {
            // Spike-only families in parallel (results in member order); the others read LFP via HDF5.
            let parallel = family == .avalanches || family == .spatial
            surrogates = try ParallelMembers.map(count: request.familySurrogateCount,
                                                 threads: parallel ? request.threads : 1, makeState: {}) { _, i in
                try FamilyAnalysis.run(family: family, recording: r, recordingID: id, state: state,
                                       member: .surrogate(kind, i), parameters: fp, transforms: transforms)
            }
        }
        let scored = FamilyAnalysis.score(observed: observed, surrogates: surrogates,
                                          kind: request.familySurrogateKind ?? .circularShift)
        return (scored, surrogates.count)
    }

    /// Provenance options of a request: the family surrogate settings (with families), the series written and the
    /// thread count.
    public static func provenanceOptions(_ request: RecordingAnalysisRequest) -> [String: String] {
        var o = seriesProvenance
        o["threads"] = "\(request.threads)"
        if !request.families.isEmpty {
            o["family_surrogate_kind"] = request.familySurrogateKind?.rawValue ?? ""
            o["family_surrogates"] = "\(request.familySurrogateCount)"
            o["family_surrogate_families"] = request.families.filter(FamilyAnalysis.supportsSurrogates)
                .map(\.rawValue).joined(separator: ",")
        }
        return o
    }
}
