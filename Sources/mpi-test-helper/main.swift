// A small MPI program used by the multi-rank tests. Modes (first argument):
//   collectives   gatherv with a different length per rank, allreduce of 1,000,000 doubles, broadcast
//   pingpong      rank 0 sends tagged byte messages to every other rank, which echo them back reversed
//   fail-rank1    rank 1 exits with code 3 (mpirun must fail)
import MPI
#if canImport(Glibc)
import Glibc
#endif

func fail(_ message: String) -> Never {
    print("FAIL: \(message)")
    exit(1)
}

do {
    let world = try MPIEnvironment.initialize(threadLevel: .funneled)
    let mode = CommandLine.arguments.dropFirst().first ?? "collectives"
    let r = world.rank, n = world.size
    switch mode {
    case "collectives":
        let v = try world.gatherv((0..<(2 * r + 1)).map { Double(r * 1000 + $0) })
        if world.isRoot {
            let expected = (0..<n).flatMap { k in (0..<(2 * k + 1)).map { Double(k * 1000 + $0) } }
            if v.values != expected { fail("gatherv \(v.values.prefix(8))") }
            print("gatherv counts=\(v.counts)")
        }
        let big = try world.allreduce([Double](repeating: Double(r + 1), count: 1_000_000), .sum)
        let want = Double(n * (n + 1) / 2)
        if big.count != 1_000_000 || big.contains(where: { $0 != want }) { fail("allreduce 1e6") }
        let ints = try world.allreduce([r, -r, 7], .max)
        if ints != [n - 1, 0, 7] { fail("allreduce int max \(ints)") }
        let b = try world.broadcast(world.isRoot ? [3.5, 4.5] : [], root: 0)
        if b != [3.5, 4.5] { fail("broadcast \(b)") }
        let bytes = try world.gatherv([UInt8](repeating: UInt8(r), count: r))
        if world.isRoot && bytes.values != (0..<n).flatMap({ [UInt8](repeating: UInt8($0), count: $0) }) {
            fail("gatherv bytes")
        }
        try world.barrier()
        print("rank \(r)/\(n) collectives OK allreduce[0]=\(big[0])")
    case "pingpong":
        if world.isRoot {
            for dest in 1..<max(n, 1) {
                try world.send(Array("hello \(dest)".utf8), to: dest, tag: 10 + dest)
            }
            for _ in 1..<max(n, 1) {
                let m = try world.receive(tag: nil)
                let text = String(decoding: m.bytes, as: UTF8.self)
                if text != String("hello \(m.info.source)".reversed()) || m.info.tag != 100 + m.info.source {
                    fail("pingpong reply \(text) tag \(m.info.tag)")
                }
            }
            print("rank 0 pingpong OK with \(n - 1) peers")
        } else {
            let info = try world.probe(source: 0)
            if info.tag != 10 + r { fail("probe tag \(info.tag)") }
            let m = try world.receive(from: 0, tag: 10 + r)
            try world.send(Array(m.bytes.reversed()), to: 0, tag: 100 + r)
            print("rank \(r) pingpong OK")
        }
    case "fail-rank1":
        if r == 1 { print("rank 1 exiting with 3"); fflush(nil); _exit(3) }  // no MPI_Finalize: a crashed rank
        try world.barrier()
        print("rank \(r) passed barrier")
    default:
        fail("unknown mode \(mode)")
    }
} catch {
    fail("\(error)")
}
