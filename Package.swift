// swift-tools-version:6.1
//
// SymmetryEdge: multiscale excitation/inhibition balance and broken symmetries in
// multielectrode recordings, from one file to a cohort on an MPI/Slurm cluster.
//
// Layers (each may import only those above it):
//   C shims        CMPI, CHDF5 (+ libdeflate), CFFTW, CBLAS, CCrypto (module maps + static inline shims)
//   Wrappers       MPI                                 (safe Swift face of MPI)
//   Data           Recordings                          (data model, NWB via HDF5, plain text)
//   Numerics       Kernels                             (pure functions, no I/O, no MPI)
//   Science        Classification, Simulation, Analysis
//   Batch          Batch                               (job spec, plan, coordinator, ledger, reductions)
//   Scheduler      Scheduler                           (Slurm scripts, submission, status)
//   Presentation   Report                              (SVG figures, HTML)
//   CLI            symedge                             (argument parsing only)
//
// Release kernels are built for AVX2 by the Makefile (`ARCH=x86-64-v3`, override with `make ARCH=native`).
import PackageDescription

let package = Package(
    name: "SymmetryEdge",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "symedge", targets: ["symedge"]),
        .library(name: "SymmetryEdgeKernels", targets: ["Kernels"]),
        .library(name: "SymmetryEdgeAnalysis", targets: ["Analysis"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // MARK: C shims
        .systemLibrary(name: "CMPI", path: "Sources/CMPI", pkgConfig: "ompi",
                       providers: [.apt(["libopenmpi-dev", "openmpi-bin"])]),
        .systemLibrary(name: "CHDF5", path: "Sources/CHDF5",
                       providers: [.apt(["libhdf5-dev", "libdeflate-dev"])]),
        .systemLibrary(name: "CFFTW", path: "Sources/CFFTW",
                       providers: [.apt(["libfftw3-dev"])]),
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CCrypto", path: "Sources/CCrypto", pkgConfig: "libcrypto",
                       providers: [.apt(["libssl-dev"])]),

        // MARK: Wrappers and data
        .target(name: "MPI", dependencies: ["CMPI"], exclude: ["README.md"]),
        .target(name: "Recordings", dependencies: ["CHDF5", "CCrypto", .product(name: "Logging", package: "swift-log")],
                exclude: ["README.md"]),

        // MARK: Numerics and science
        .target(name: "Kernels", dependencies: ["CFFTW", "CBLAS"], exclude: ["README.md"]),
        .target(name: "Classification", dependencies: ["Kernels", "Recordings"], exclude: ["README.md"]),
        .target(name: "Simulation", dependencies: ["Recordings", "Kernels"], exclude: ["README.md"]),
        .target(name: "Analysis", dependencies: ["Kernels", "Recordings"], exclude: ["README.md"]),

        // MARK: Batch, scheduler, report
        .target(name: "Batch", dependencies: ["Analysis", "Kernels", "MPI", "Recordings", "Yams",
                                              .product(name: "Logging", package: "swift-log")],
                exclude: ["README.md"]),
        .target(name: "Scheduler", dependencies: ["Batch"], exclude: ["README.md"]),
        .target(name: "Report", dependencies: ["Analysis"], exclude: ["README.md"]),    // reads tables and manifest only

        // MARK: Executables
        .executableTarget(name: "symedge", dependencies: [
            "MPI", "Recordings", "Kernels", "Classification", "Simulation", "Analysis", "Batch", "Scheduler", "Report",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ], exclude: ["README.md"]),
        .executableTarget(name: "mpi-test-helper", dependencies: ["MPI"], path: "Sources/mpi-test-helper",
                          exclude: ["README.md"]),
        .executableTarget(name: "recordings-bench", dependencies: ["Recordings"], path: "Benchmarks/recordings",
                          exclude: ["run.sh", "reference"]),
        .executableTarget(name: "lfp-bench", dependencies: ["Kernels", "Analysis", "Recordings"],
                          path: "Benchmarks/lfp/swift"),
        .executableTarget(name: "kernels-bench", dependencies: ["Kernels", "Analysis", "Recordings"],
                          path: "Benchmarks/kernels", exclude: ["run.sh"]),

        // MARK: Tests (mirror the targets; multi-rank and Slurm tests in their own targets)
        // TestSupport: the helpers every test target shares (finding `symedge`, mpirun and the .venv Python, with
        // CI=1 turning a missing tool into a failure; a seeded generator; temporary folders; fixtures).
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "MPITests", dependencies: ["TestSupport", "MPI"]),
        .testTarget(name: "RecordingsTests", dependencies: ["TestSupport", "Recordings"]),
        .testTarget(name: "KernelsTests", dependencies: ["TestSupport", "Kernels"]),
        .testTarget(name: "ClassificationTests", dependencies: ["TestSupport", "Classification", "Recordings", "Kernels"]),
        .testTarget(name: "SimulationTests", dependencies: ["TestSupport", "Simulation", "Recordings", "Analysis", "Kernels"]),
        .testTarget(name: "AnalysisTests", dependencies: ["TestSupport", "Analysis", "Recordings", "Kernels"]),
        .testTarget(name: "BatchTests", dependencies: ["TestSupport", "Batch", "Analysis", "MPI", "Recordings",
                                                     .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "SchedulerTests", dependencies: ["TestSupport", "Scheduler", "Batch"]),
        .testTarget(name: "ReportTests", dependencies: ["TestSupport", "Report", "Analysis", "Recordings"]),
        .testTarget(name: "IntegrationTests", dependencies: ["TestSupport"]),
    ]
)
