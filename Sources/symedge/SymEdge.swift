import ArgumentParser
import Analysis

/// The `symedge` command: multiscale E/I balance and broken symmetries, from one file to a cohort.
@main
struct SymEdge: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "symedge",
        abstract: "Multiscale excitation/inhibition balance and broken symmetries in multielectrode recordings.",
        discussion: """
        Measures follow Dehghani, "Symmetry's Edge in Cortical Dynamics" (arXiv:2306.11965) and \
        Dehghani et al., Sci. Rep. 6:23176 (2016). Run a single file with `analyze`, a cohort with `sweep` \
        (under mpirun or srun), or submit to Slurm with `submit`.
        """,
        version: BuildInfo.version,
        subcommands: [
            VersionCommand.self,
            MPICheckCommand.self,
            InspectCommand.self,
            AnalyzeCommand.self,
            MeasuresCommand.self,
            ClassifyCommand.self,
            SimulateCommand.self,
            PlanCommand.self,
            SweepCommand.self,
            StatusCommand.self,
            RerunFailedCommand.self,
            SubmitCommand.self,
            ReportCommand.self,
        ]
    )
}
