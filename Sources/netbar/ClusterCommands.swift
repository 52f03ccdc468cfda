import ArgumentParser
import Foundation
import Ingest
import LogFormats

/// `netbar scan`: the venues, days and latest time of each file, read by the same parsers as an ingest and stored
/// nowhere. The Spark job (spark/) runs it on the executors to group a night's files by venue.
struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "List each file's venues, rows by day and latest time as JSON Lines, storing nothing (for the Spark job).")

    @Argument(help: "Files or directories (read recursively).")
    var inputs: [String] = []
    @Flag(name: .long, help: "Only list the files the inputs expand to, in the order analyze reads them (JSON strings).")
    var list = false
    @Option(name: .long, help: "Read every input as this format instead of recognising it.")
    var format: String?
    @Option(name: .long, help: "More column names for CSV exports (see columns/column-names.tsv).")
    var columns: String?
    @Option(name: .long, help: "Files parsed at once (default: the number of cores).")
    var jobs: Int?

    func run() throws {
        let override = try Wiring.parseFormat(format)
        let names = try Wiring.columnNames(columns)
        let files = try Wiring.expandInputs(inputs, databasePath: "")
        if list {
            try Wiring.write(files.map { JSONText.quoted($0.path) + "\n" }.joined(), to: "-")
            return
        }
        let jobCount = jobs ?? max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))
        guard jobCount >= 1 else { throw RunError.usage("--jobs must be at least 1") }
        let writer = ScanWriter()
        do {
            _ = try IngestRun.run(
                IngestOptions(inputs: files, names: names, formatOverride: override, jobs: jobCount, showProgress: false),
                writer: writer)
        } catch {
            throw RunError.storeFault("the scan could not finish: \(error.description)")
        }
        try Wiring.write(writer.scans.map { $0.json + "\n" }.joined(), to: "-")
    }
}
