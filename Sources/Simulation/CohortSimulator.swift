import Foundation
import Recordings
import Kernels

/// Options of a simulated cohort (`symedge simulate`).
public struct CohortOptions: Sendable {
    public var subjects: Int
    public var sessions: Int
    /// Seconds per session.
    public var duration: Double
    public var seed: UInt64
    /// Output folder (DANDI layout: `<out>/sub-<id>/sub-<id>_ses-<id>_ecephys.nwb`); nil = do not write.
    public var outputDirectory: String?
    public var regimes: [Regime]
    public var parameters: NetworkParameters
    /// Default settings of each regime, before the subject spread (`RegimeSettings.defaults(for:)` unless
    /// overridden, e.g. by `symedge simulate --parameters FILE`).
    public var regimeSettings: [Regime: RegimeSettings]
    /// Relative spread of subject parameters around the defaults (0 = identical subjects).
    public var subjectSpread: Double
    public var lfp: Bool
    /// Sessions simulated at the same time (threads); nil = all cores.
    public var threads: Int?
    /// This process's share of the sessions: job j (subject-major order) runs here when
    /// `j % partition.count == partition.index` (e.g. MPI rank and size). (0, 1) = every session.
    /// A session's output does not depend on where it runs: its seed comes from (master seed, subject, session).
    public var partition: (index: Int, count: Int) = (0, 1)

    public init(subjects: Int, sessions: Int, duration: Double, seed: UInt64, outputDirectory: String?,
                regimes: [Regime] = SessionSchedule.canonicalOrder, parameters: NetworkParameters = NetworkParameters(),
                subjectSpread: Double = 0.05, lfp: Bool = true, threads: Int? = nil,
                regimeSettings: [Regime: RegimeSettings] = RegimeSettings.allDefaults) {
        self.subjects = subjects; self.sessions = sessions; self.duration = duration; self.seed = seed
        self.outputDirectory = outputDirectory; self.regimes = regimes; self.parameters = parameters
        self.regimeSettings = regimeSettings
        self.subjectSpread = subjectSpread; self.lfp = lfp; self.threads = threads
    }
}

/// What one simulated session produced.
public struct SessionReport: Sendable, Codable {
    /// Index of the session in the cohort (subject-major: subject × sessions + session).
    public var job: Int
    public var subject: String
    public var session: String
    /// The written file, when an output directory was given.
    public var path: String?
    public var statistics: [StateStatistics]
    public var states: [String]
    public var neuronUpdates: Int
    /// Wall-clock seconds spent simulating (not writing).
    public var simulationSeconds: Double
}

/// Simulates a cohort, session by session, on several threads; each session's file is written as soon as it is done.
public enum CohortSimulator {
    /// The subject label (DANDI-safe) of subject `index` (0-based).
    public static func subjectID(_ index: Int) -> String { "sim" + pad(index + 1) }
    /// The session label of session `index` (0-based).
    public static func sessionID(_ index: Int) -> String { pad(index + 1) }

    static func pad(_ k: Int) -> String { k < 10 ? "0\(k)" : "\(k)" }

    /// The subject model of subject `index`, deterministic for `(seed, index)`.
    public static func subject(_ index: Int, options: CohortOptions) -> SubjectModel {
        SubjectModel.draw(id: subjectID(index), base: options.parameters,
                          seed: StreamSeed.simulator([options.seed, UInt64(index), StreamSeed.labelHash("subject")]),
                          spread: options.subjectSpread, regimeBase: options.regimeSettings)
    }

    /// The file path of a session inside `directory`.
    public static func path(directory: String, subject: String, session: String) -> String {
        "\(directory)/sub-\(subject)/sub-\(subject)_ses-\(session)_ecephys.nwb"
    }

    /// Runs the cohort's sessions of `options.partition` and returns their reports in job order.
    /// `progress` is called (from worker threads, serialised) after each session.
    public static func run(_ options: CohortOptions,
                           progress: @escaping @Sendable (SessionReport) -> Void = { _ in }) throws -> [SessionReport] {
        guard options.subjects >= 1 else { throw SimulationError.invalidParameter(field: "subjects", reason: "must be ≥ 1") }
        guard options.sessions >= 1 else { throw SimulationError.invalidParameter(field: "sessions", reason: "must be ≥ 1") }
        guard options.duration > 0 else { throw SimulationError.invalidParameter(field: "duration", reason: "must be positive") }
        try options.parameters.validate()
        guard options.partition.count >= 1, (0..<options.partition.count).contains(options.partition.index) else {
            throw SimulationError.invalidParameter(field: "partition", reason: "index must be in 0..<count")
        }
        let jobIndices = (0..<(options.subjects * options.sessions)).filter {
            $0 % options.partition.count == options.partition.index
        }
        let jobs = jobIndices.map { ($0 / options.sessions, $0 % options.sessions) }
        let subjects = (0..<options.subjects).map { subject($0, options: options) }
        if let dir = options.outputDirectory {
            for s in subjects {
                try FileManager.default.createDirectory(atPath: "\(dir)/sub-\(s.id)", withIntermediateDirectories: true)
            }
        }
        let results = ResultBox(count: jobs.count)
        if jobs.isEmpty { return [] }
        let threads = max(1, min(options.threads ?? ProcessInfo.processInfo.activeProcessorCount, jobs.count))
        // Workers take jobs in order from a shared counter, so at most `threads` sessions are in memory.
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            while let j = results.nextJob() {
                let (si, se) = jobs[j]
                let subject = subjects[si]
                let session = sessionID(se)
                do {
                    let t0 = DispatchTime.now().uptimeNanoseconds
                    let sim = try SessionSimulator.simulate(
                        subject: subject, session: session,
                        sessionSeed: StreamSeed.simulator([options.seed, UInt64(si), UInt64(se), StreamSeed.labelHash("session")]),
                        regimes: options.regimes, duration: options.duration, shuffle: true, lfp: options.lfp)
                    let seconds = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
                    var path: String? = nil
                    if let dir = options.outputDirectory {
                        let file = self.path(directory: dir, subject: subject.id, session: session)
                        let writeOptions = NWBWriteOptions(
                            classColumn: "gt_class", fileCreateDate: "2000-01-01T00:00:00+00:00",
                            // Noisy float LFP compresses little; level 1 keeps writing cheap.
                            sessionDescription: "SymmetryEdge simulated balanced E/I network: subject \(subject.id), "
                                + "session \(session), master seed \(options.seed); states "
                                + sim.schedule.map(\.regime.rawValue).joined(separator: ", "),
                            gzipLevel: 1)
                        try results.serialized { try NWBWriter.write(sim.recording, to: file, options: writeOptions) }
                        path = file
                    }
                    let report = SessionReport(job: jobIndices[j], subject: subject.id, session: session, path: path,
                                               statistics: NetworkStatistics.compute(sim),
                                               states: sim.schedule.map(\.regime.rawValue),
                                               neuronUpdates: sim.neuronUpdates, simulationSeconds: seconds)
                    results.set(j, .success(report))
                    results.serialized { progress(report) }
                } catch {
                    results.set(j, .failure(error))
                }
            }
        }
        return try results.all()
    }
}

/// Thread-safe result slots, job counter and a lock to serialise HDF5 writes (libhdf5 is not thread-safe).
final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private let ioLock = NSLock()
    private var slots: [Result<SessionReport, Error>?]
    private var next = 0

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func nextJob() -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard next < slots.count else { return nil }
        next += 1
        return next - 1
    }

    func set(_ i: Int, _ r: Result<SessionReport, Error>) { lock.lock(); slots[i] = r; lock.unlock() }

    func serialized<T>(_ body: () throws -> T) rethrows -> T {
        ioLock.lock(); defer { ioLock.unlock() }
        return try body()
    }

    func all() throws -> [SessionReport] {
        lock.lock(); defer { lock.unlock() }
        return try slots.map { try $0!.get() }
    }
}
