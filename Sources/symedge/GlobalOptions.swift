import ArgumentParser
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// Options every subcommand accepts.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Log level on stderr: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    /// Sets up structured logging to stderr once per process and returns a logger.
    func makeLogger(_ label: String = "symedge") -> Logger {
        LoggingBootstrap.once(level: logLevel)
        var logger = Logger(label: label)
        logger.logLevel = logLevel
        return logger
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// Bootstraps swift-log exactly once per process (LoggingSystem may only be bootstrapped once).
enum LoggingBootstrap {
    private static let done: Void = {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .trace
            return handler
        }
    }()

    static func once(level: Logger.Level) { _ = done }
}
