import ArgumentParser
import Foundation
import Analytics
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

/// `netbar id-overlap`: id-sharing's overlap rule over sessions gathered from several runs (the Spark job's groups of
/// venues, joined in Spark SQL): the findings one `analyze` of the whole dump gives for those certs.
struct IDOverlapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "id-overlap",
        abstract: "Run id-sharing's overlap rule over sessions from `analyze --id-sessions` (for the Spark job).",
        discussion: """
            SESSIONS is JSON Lines of cert, venue, terminal, start, end (epoch seconds), file, line and file_rank \\
            (the file's place in the dump's order, which orders evidence as one analyze would). Writes findings as \\
            JSON Lines, as analyze --findings does.
            """)

    @Argument(help: "The sessions (JSON Lines; - for standard input).")
    var sessions: String
    @Option(name: .long, help: "The night the findings belong to (YYYY-MM-DD).")
    var night: String
    @Option(name: .long, help: "Detector thresholds, YAML (see `netbar config --defaults`).")
    var config: String?
    @Option(name: .long, help: "Write the findings here (default: standard output).")
    var findings = "-"
    @Flag(name: .long, help: "Show certificate numbers in full.")
    var revealCerts = false
    @OptionGroup var language: LanguageOption

    func run() throws {
        let night = try Wiring.parseNight(night)
        let settings = try Wiring.detectionSettings(configPath: config, signaturesPath: nil)
        let text: String
        if sessions == "-" {
            text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        } else {
            guard let data = FileManager.default.contents(atPath: sessions) else {
                throw RunError.usage("sessions file '\(sessions)' cannot be read")
            }
            text = String(decoding: data, as: UTF8.self)
        }
        var symbols = SymbolTable()
        var ids: [String: SymbolID] = [:]
        func symbol(_ text: String) -> SymbolID {
            if text.isEmpty { return 0 }
            if let id = ids[text] { return id }
            let id = SymbolID(symbols.texts.count)
            symbols.texts.append(text)
            ids[text] = id
            return id
        }
        var rows: [(cert: SymbolID, venue: SymbolID, terminal: SymbolID, startSeconds: Int64, endSeconds: Int64, source: SourceRef)] = []
        var paths: [Int64: String] = [:]
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            let parsed: Any
            do {
                parsed = try JSONSerialization.jsonObject(with: Data(line.utf8))
            } catch {
                throw RunError.usage("sessions '\(sessions)' line \(index + 1): not JSON (\(error.localizedDescription))")
            }
            guard let object = parsed as? [String: Any],
                let cert = object["cert"] as? String, let venue = object["venue"] as? String,
                let terminal = object["terminal"] as? String, let start = (object["start"] as? NSNumber)?.int64Value,
                let end = (object["end"] as? NSNumber)?.int64Value, let file = object["file"] as? String,
                let lineNumber = (object["line"] as? NSNumber)?.int32Value,
                let rank = (object["file_rank"] as? NSNumber)?.int32Value
            else {
                throw RunError.usage(
                    "sessions '\(sessions)' line \(index + 1): not an object of cert, venue, terminal, start, end, file, "
                        + "line and file_rank")
            }
            paths[Int64(rank)] = file
            rows.append(
                (symbol(cert), symbol(venue), symbol(terminal), start, end, SourceRef(fileID: rank, line: lineNumber)))
        }
        let context = DetectionContext(config: settings.config, signatures: nil, registry: nil, symbols: symbols)
        var found = IDSharingDetector.overlapFindings(rows, context: context).map { Wiring.findingRow($0, night: night) }
        ReportData.sortMostSevereFirst(&found)
        let renderer = FindingsRenderer(findings: found, paths: paths, revealCerts: revealCerts, language: language.lang)
        try Wiring.write(to: findings) { put throws(RunError) in try renderer.jsonLines(put) }
    }
}
