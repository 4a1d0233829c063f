/// Quoting for values that end up in generated bash scripts.
///
/// Every value from the user or the file system (paths, names) is either validated against a strict
/// character set (Slurm directive values, see ``SlurmOptions``) or passed through ``quote(_:)``.
public enum ShellQuote {
    /// Characters that never need quoting in bash (as a whole word).
    static let plain = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-./+:@%,=")

    /// The value as one bash word that expands to exactly `value`: unchanged when it only holds
    /// characters from a safe set, otherwise wrapped in single quotes, with each `'` written `'\''`.
    public static func quote(_ value: String) -> String {
        if !value.isEmpty && value.allSatisfy({ plain.contains($0) }) && !value.hasPrefix("-") && !value.hasPrefix("=") {
            return value
        }
        return "'" + value.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// True when the string contains a control character (newline, carriage return, NUL, tab, escape, …),
    /// which must not reach a script even inside quotes (it would break `#SBATCH` and comment lines).
    public static func hasControlCharacters(_ value: String) -> Bool {
        value.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F || (0x80...0x9F).contains($0.value) }
    }
}
