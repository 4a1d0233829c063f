import ArgumentParser
import MPI
#if canImport(Glibc)
import Glibc
#endif

struct MPICheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mpi-check",
        abstract: "Check the MPI installation: every rank reports; an allreduce and a gatherv are verified.",
        discussion: """
        Run under `mpirun -np N symedge mpi-check` or `srun --mpi=pmix symedge mpi-check`, or alone \
        (a singleton world). Exits non-zero on any mismatch.
        """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "Elements in the verified allreduce.") var elements: Int = 1_000_000

    func run() throws {
        let log = global.makeLogger()
        let world = try MPIEnvironment.initialize(threadLevel: .funneled)
        let r = world.rank, n = world.size
        print("rank \(r)/\(n) on \(MPIEnvironment.processorName): ready")
        log.debug("mpi initialised", metadata: ["rank": "\(r)", "size": "\(n)"])

        var failures: [String] = []
        // Allreduce (sum) of a large array: element i on rank r is i + r.
        let local = (0..<elements).map { Double($0 + r) }
        let summed = try world.allreduce(local, .sum)
        let rankSum = Double(n * (n - 1) / 2)
        for i in stride(from: 0, to: elements, by: max(1, elements / 1000)) where summed[i] != Double(n) * Double(i) + rankSum {
            failures.append("allreduce sum element \(i): \(summed[i])"); break
        }
        if try world.allreduce(r, .max) != n - 1 { failures.append("allreduce max of ranks") }
        if try world.allreduce(r, .min) != 0 { failures.append("allreduce min of ranks") }
        // Gatherv with a different length on every rank: rank k sends k+1 copies of k.
        let gathered = try world.gatherv([Int](repeating: r, count: r + 1))
        if world.isRoot {
            let expected = (0..<n).flatMap { [Int](repeating: $0, count: $0 + 1) }
            if gathered.values != expected { failures.append("gatherv contents \(gathered.values)") }
            if gathered.counts != (0..<n).map({ $0 + 1 }) { failures.append("gatherv counts \(gathered.counts)") }
        }
        let status = try world.allreduce(failures.isEmpty ? 0 : 1, .sum)
        if failures.isEmpty {
            print("rank \(r)/\(n): allreduce(\(elements)) OK, gatherv OK")
        } else {
            print("rank \(r)/\(n): FAILED: \(failures.joined(separator: "; "))")
        }
        if world.isRoot {
            print(status == 0 ? "mpi-check: PASSED on \(n) rank(s)" : "mpi-check: FAILED on \(status) rank(s)")
        }
        if status != 0 { throw ExitCode(2) }
    }
}
