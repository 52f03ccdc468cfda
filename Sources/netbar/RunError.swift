/// An error that ends a run (STYLE.md §5): one line for the analyst, and the contract's exit status.
struct RunError: Error, CustomStringConvertible {
    /// 1 for a usage or configuration error, 2 when nothing could be read, 3 when the run could not finish (FORMATS.md §7).
    var exitCode: Int32
    var description: String

    static func usage(_ message: String) -> RunError { RunError(exitCode: 1, description: message) }
    static func nothingRead(_ message: String) -> RunError { RunError(exitCode: 2, description: message) }
    /// The run could not finish (disk full, database damaged or locked, killed detection): what was committed stays
    /// usable and a re-run completes it.
    static func storeFault(_ message: String) -> RunError { RunError(exitCode: 3, description: message) }
}
