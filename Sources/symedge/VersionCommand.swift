import ArgumentParser
import Analysis
import MPI
import Recordings

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Print the version, git commit, and the Open MPI and HDF5 library versions.")

    @Flag(help: "Print as JSON.") var json = false

    func run() throws {
        let mpi = MPIEnvironment.libraryVersion
        let hdf5 = HDF5Library.version
        if json {
            print("""
            {"symedge":"\(BuildInfo.version)","commit":"\(BuildInfo.gitCommit)",\
            "open_mpi":"\(mpi.openMPI)","mpi_standard":"\(mpi.standard)","hdf5":"\(hdf5)"}
            """)
        } else {
            print("symedge \(BuildInfo.version)")
            print("commit   \(BuildInfo.gitCommit)")
            print("Open MPI \(mpi.openMPI) (MPI \(mpi.standard))")
            print("HDF5     \(hdf5)")
        }
    }
}
