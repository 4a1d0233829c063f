import Foundation

/// Everything that can go wrong while rendering, submitting or querying Slurm jobs.
/// Each message names the option, file or command concerned.
public enum SchedulerError: Error, CustomStringConvertible, Equatable {
    /// A value given for a Slurm option (`--partition`, `--time`, …) is not acceptable.
    case invalidOption(option: String, value: String, reason: String)
    /// A path that would reach a job script contains control characters (newline, NUL, …).
    case unsafePath(what: String, path: String)
    /// The Slurm templates folder could not be found.
    case templatesNotFound(searched: [String])
    /// A template names a placeholder the renderer has no value for.
    case unknownPlaceholder(template: String, name: String)
    /// A value was supplied that no placeholder of the template uses.
    case unusedValue(template: String, name: String)
    /// An external command (`sbatch`, `squeue`, `sacct`, `scontrol`) failed.
    case commandFailed(command: String, status: Int32, stderr: String)
    /// An external command could not be started at all.
    case commandNotFound(command: String)
    /// The output of `sbatch --parsable` did not start with a job id.
    case unparsableJobID(output: String)
    /// The jobs record file `OUT/slurm/jobs.json` could not be read or written.
    case jobsFile(path: String, reason: String)
    /// Nothing to submit (e.g. no failed or missing shard groups).
    case nothingToSubmit(reason: String)

    public var description: String {
        switch self {
        case let .invalidOption(option, value, reason):
            return "\(option) \(ShellQuote.quote(value)): \(reason)"
        case let .unsafePath(what, path):
            return "\(what) \(path.debugDescription) contains control characters; rename it before submitting"
        case let .templatesNotFound(searched):
            return "Slurm templates not found; looked in: \(searched.joined(separator: ", ")) "
                + "(set SYMEDGE_SLURM_TEMPLATES or --templates to the folder holding mpi.sbatch)"
        case let .unknownPlaceholder(template, name):
            return "template \(template): placeholder {{\(name)}} has no value"
        case let .unusedValue(template, name):
            return "template \(template): value \(name) is not used by any placeholder"
        case let .commandFailed(command, status, stderr):
            let detail = stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            return "\(command) exited with status \(status)" + (detail.isEmpty ? "" : ": \(detail)")
        case let .commandNotFound(command):
            return "\(command): command not found (is Slurm's client installed and on PATH?)"
        case let .unparsableJobID(output):
            return "sbatch --parsable printed \(output.debugDescription), not a job id"
        case let .jobsFile(path, reason):
            return "\(path): \(reason)"
        case let .nothingToSubmit(reason):
            return "nothing to submit: \(reason)"
        }
    }
}
