import Analytics
import ArgumentParser
import DumpGenerator
import Foundation
import Ingest
import LogFormats

struct Netbar: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "netbar",
        abstract: "Find internet cafes that break the rules, with evidence down to the source line.",
        subcommands: [
            Analyze.self, IngestCommand.self, Detect.self, Report.self, RegistryCommand.self, Generate.self,
            ConfigCommand.self,
        ])
}

struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "The SQLite database (created when missing, readable by its owner alone).")
    var db = "netbar.db"
}

struct IngestOptionGroup: ParsableArguments {
    @Option(name: .long, help: "Read every input as this format instead of recognising it.")
    var format: String?
    @Option(
        name: .long,
        help: "More column names for CSV exports (lines of format<TAB>field<TAB>name, see columns/column-names.tsv).")
    var columns: String?
    @Option(name: .long, help: "Files parsed at once (default: the number of cores).")
    var jobs: Int?
    @Flag(name: .long, help: "No progress line on standard error.")
    var quiet = false
    @Option(
        name: .long,
        help: "Name this dump's night (YYYY-MM-DD); default: the local date most of its sessions and audit events fall on.")
    var night: String?
}

struct DetectOptionGroup: ParsableArguments {
    @Option(name: .long, help: "Directory of signature lists (billing-clients.txt, card-free-tools.txt).")
    var signatures: String?
    @Option(name: .long, help: "Detector thresholds, YAML (see `netbar config --defaults`).")
    var config: String?
}

struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ingest a nightly dump, run every detector and summarise (the main job).")

    @Argument(help: "Files, directories (read recursively) or - for standard input.")
    var inputs: [String] = []
    @Option(name: .long, help: "Registry directory holding venues.csv and terminals.csv.")
    var registry: String?
    @OptionGroup var detectOptions: DetectOptionGroup
    @Option(
        name: .long,
        help: """
            The SQLite database to keep (created when missing, readable by its owner alone; it accumulates \
            every dump analysed into it). Without it the run uses a temporary one, so each run stands alone.
            """)
    var db: String?
    @OptionGroup var ingestOptions: IngestOptionGroup
    @Option(name: .long, help: "Write the findings as JSON Lines here (- for standard output).")
    var findings: String?
    @Option(name: .long, help: "Write the run summary as JSON here.")
    var summaryJson: String?
    @Option(name: .long, help: "Write an HTML report here.")
    var html: String?
    @Flag(name: .long, help: "Show certificate numbers in full in reports.")
    var revealCerts = false

    func run() throws {
        let format = try Wiring.parseFormat(ingestOptions.format)
        let night = try Wiring.parseNight(ingestOptions.night)
        guard !inputs.isEmpty else { throw RunError.usage("no INPUT given: name files, directories or - for standard input") }
        let names = try Wiring.columnNames(ingestOptions.columns)
        let settings = try Wiring.detectionSettings(
            configPath: detectOptions.config, signaturesPath: detectOptions.signatures)
        // Without --db, a database of this run alone: findings of an earlier dump analysed in the same
        // folder must not appear among this one's.
        var temporaryFolder: String?
        if db == nil {
            temporaryFolder = NSTemporaryDirectory() + "netbar-\(getpid())-\(UInt64(Date().timeIntervalSince1970 * 1000))"
            try? FileManager.default.createDirectory(
                atPath: temporaryFolder!, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        defer { if let temporaryFolder { try? FileManager.default.removeItem(atPath: temporaryFolder) } }
        let database = try Wiring.openStore(db ?? temporaryFolder! + "/netbar.db")
        var reports: [FileReport] = []
        if let registry {
            reports += try Wiring.importRegistry(registry, store: database, names: names, quiet: ingestOptions.quiet)
        }
        let dumpReports = try Wiring.ingest(
            inputs, store: database, names: names, format: format, jobs: ingestOptions.jobs, quiet: ingestOptions.quiet,
            night: night)
        reports += dumpReports
        do {
            try Wiring.checkSomethingRead(dumpReports)
        } catch {
            if let summaryJson {
                let summary = try Wiring.summary(files: reports, store: database, detection: nil, renderer: nil)
                try Wiring.write(summary.json(), to: summaryJson)
            }
            throw error
        }
        let detection = try Wiring.detect(store: database, settings: settings)
        let renderer = try Wiring.renderer(store: database, revealCerts: revealCerts)
        if let findings { try Wiring.write(renderer.jsonLines(), to: findings) }
        if let html {
            do {
                var data = try ReportData.load(store: database, filter: ReportFilter(), revealCerts: revealCerts, language: .zh)
                try data.readEvidenceText(store: database, names: names)
                try Wiring.write(HTMLReport.render(data), to: html)
            } catch let error as StoreError { throw RunError.storeFault("the database could not be read: \(error.description)") }
        }
        let summary = try Wiring.summary(files: reports, store: database, detection: detection, renderer: renderer)
        if let summaryJson { try Wiring.write(summary.json(), to: summaryJson) }
        if findings != "-" { print(summary.text(), terminator: "") }
    }
}

struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest", abstract: "Read dumps into the database, every line used, quarantined or skipped.")

    @Argument(help: "Files, directories (read recursively) or - for standard input.")
    var inputs: [String] = []
    @OptionGroup var store: StoreOptions
    @OptionGroup var ingestOptions: IngestOptionGroup
    @Option(name: .long, help: "Write the run summary as JSON here.")
    var summaryJson: String?

    func run() throws {
        let format = try Wiring.parseFormat(ingestOptions.format)
        let night = try Wiring.parseNight(ingestOptions.night)
        guard !inputs.isEmpty else { throw RunError.usage("no INPUT given: name files, directories or - for standard input") }
        let names = try Wiring.columnNames(ingestOptions.columns)
        let database = try Wiring.openStore(store.db)
        let reports = try Wiring.ingest(
            inputs, store: database, names: names, format: format, jobs: ingestOptions.jobs, quiet: ingestOptions.quiet,
            night: night)
        let summary = try Wiring.summary(files: reports, store: database, detection: nil, renderer: nil)
        if let summaryJson { try Wiring.write(summary.json(), to: summaryJson) }
        try Wiring.checkSomethingRead(reports)
        print(summary.text(), terminator: "")
    }
}

struct Detect: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run every detector over the database.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var detectOptions: DetectOptionGroup
    @Option(name: .long, help: "Write the findings as JSON Lines here (- for standard output).")
    var findings: String?
    @Flag(name: .long, help: "Show certificate numbers in full.")
    var revealCerts = false

    func run() throws {
        guard FileManager.default.fileExists(atPath: store.db) else {
            throw RunError.usage("database '\(store.db)' does not exist; run `netbar ingest` first")
        }
        let settings = try Wiring.detectionSettings(
            configPath: detectOptions.config, signaturesPath: detectOptions.signatures)
        let database = try Wiring.openStore(store.db)
        let detection = try Wiring.detect(store: database, settings: settings)
        let renderer = try Wiring.renderer(store: database, revealCerts: revealCerts)
        if let findings { try Wiring.write(renderer.jsonLines(), to: findings) }
        let summary = try Wiring.summary(files: [], store: database, detection: detection, renderer: renderer)
        if findings != "-" { print(summary.text(), terminator: "") }
    }
}

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write the stored findings as JSON Lines, CSV or HTML.")

    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case jsonl, csv, html, text
    }

    @OptionGroup var store: StoreOptions
    @Option(name: .long, help: "jsonl, csv, html or text.")
    var kind: Kind = .jsonl
    @Option(name: .shortAndLong, help: "Output file (- for standard output).")
    var output = "-"
    @Flag(name: .long, help: "Show certificate numbers in full.")
    var revealCerts = false

    func run() throws {
        guard FileManager.default.fileExists(atPath: store.db) else {
            throw RunError.usage("database '\(store.db)' does not exist")
        }
        let database = try Wiring.openStore(store.db)
        let renderer = try Wiring.renderer(store: database, revealCerts: revealCerts)
        switch kind {
        case .jsonl: try Wiring.write(renderer.jsonLines(), to: output)
        case .csv: try Wiring.write(renderer.csv(), to: output)
        case .html:
            do {
                var data = try ReportData.load(store: database, filter: ReportFilter(), revealCerts: revealCerts, language: .zh)
                try data.readEvidenceText(store: database, names: Wiring.columnNames(nil))
                try Wiring.write(HTMLReport.render(data), to: output)
            } catch let error as StoreError { throw RunError.storeFault("the database could not be read: \(error.description)") }
        case .text:
            var text = "Findings: \(renderer.findings.count)\n"
            for venue in renderer.venuesWorstFirst() {
                text += "  \(venue.venue)  high \(venue.high), medium \(venue.medium), low \(venue.low)\n"
            }
            try Wiring.write(text, to: output)
        }
    }
}

struct RegistryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "registry", abstract: "The registry (基础资料台帐).", subcommands: [Import.self])

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import venues.csv and terminals.csv from DIR, replacing the registry.")

        @Argument(help: "Directory holding venues.csv and terminals.csv.")
        var directory: String
        @OptionGroup var store: StoreOptions
        @Option(name: .long, help: "More column names (lines of format<TAB>field<TAB>name).")
        var columns: String?

        func run() throws {
            let names = try Wiring.columnNames(columns)
            let database = try Wiring.openStore(store.db)
            let reports = try Wiring.importRegistry(directory, store: database, names: names, quiet: true)
            for report in reports {
                print("\(report.path): \(report.status.rawValue), \(report.rows) rows, \(report.quarantined) quarantined")
            }
        }
    }
}

struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "config", abstract: "Detector thresholds.")

    @Flag(name: .long, help: "Print the default configuration (YAML), to copy and edit.")
    var defaults = false

    func run() throws {
        guard defaults else { throw RunError.usage("say what to do: `netbar config --defaults`") }
        print(DetectorConfig.defaultsYAML, terminator: "")
    }
}
