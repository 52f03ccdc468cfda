import Analytics
import ArgumentParser
import DumpGenerator
import Foundation
import Ingest
import LogFormats

struct Netbar: ParsableCommand {
    static let version = "0.8.0"

    static let configuration = CommandConfiguration(
        commandName: "netbar",
        abstract: "Find internet cafes that break the rules, with evidence down to the source line.",
        version: "netbar \(version)",
        subcommands: [
            Analyze.self, IngestCommand.self, Detect.self, Report.self, ExportCommand.self, RegistryCommand.self,
            Generate.self, ConfigCommand.self, ScanCommand.self, IDOverlapCommand.self,
        ])
}

extension Language: ExpressibleByArgument {}

struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "The SQLite database (default netbar.db; readable by its owner alone).")
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

struct LanguageOption: ParsableArguments {
    @Option(name: .long, help: "Language of summaries and reports: zh (Simplified Chinese, the default) or en.")
    var lang: Language = .zh
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
            every night analysed into it). Without it the run uses a temporary one, so each run stands alone.
            """)
    var db: String?
    @OptionGroup var ingestOptions: IngestOptionGroup
    @Option(name: .long, help: "Write the findings as JSON Lines here (- for standard output).")
    var findings: String?
    @Option(name: .long, help: "Write the run summary as JSON here.")
    var summaryJson: String?
    @Option(name: .long, help: "Write the HTML report here.")
    var html: String?
    @Option(name: .long, help: "Write the inspection sheets (检查情况登记表) of every venue here, as printable HTML.")
    var inspection: String?
    @Option(name: .long, help: "Write the draft rectification notices (整改通知书) of venues with findings here.")
    var notice: String?
    @Option(
        name: .long,
        help: """
            Also write the night's tables as Parquet here (TABLE/night=…/venue=…/part-0.parquet; whole cert numbers, \
            owner-only), for DuckDB, Spark or pandas.
            """)
    var parquet: String?
    @Option(
        name: .customLong("venue"),
        help: "Judge (and export) only this venue (场所编码); repeat for more. For the Spark job's groups of venues.")
    var onlyVenues: [String] = []
    @Option(
        name: .long,
        help: "The end of the whole dump's data (epoch seconds) when the inputs are part of it (the Spark job).")
    var dataEnd: Int64?
    @Option(
        name: .long,
        help: """
            Write every session with a cert here (JSON Lines) and leave id-sharing's overlap rule, which crosses \
            venues, to the caller (the Spark job).
            """)
    var idSessions: String?
    @Option(name: .long, help: "The rule-to-article table of the notices (default: reports/legal-basis.tsv, built in).")
    var legalBasis: String?
    @Flag(name: .long, help: "Show certificate numbers in full in reports.")
    var revealCerts = false
    @OptionGroup var language: LanguageOption

    func run() throws {
        let format = try Wiring.parseFormat(ingestOptions.format)
        let night = try Wiring.parseNight(ingestOptions.night)
        guard !inputs.isEmpty else { throw RunError.usage("no INPUT given: name files, directories or - for standard input") }
        let names = try Wiring.columnNames(ingestOptions.columns)
        let articles = try Wiring.legalBasis(legalBasis)
        var settings = try Wiring.detectionSettings(
            configPath: detectOptions.config, signaturesPath: detectOptions.signatures)
        if !onlyVenues.isEmpty { settings.onlyVenues = Set(onlyVenues) }
        settings.dataEndSeconds = dataEnd
        if idSessions != nil { settings.identitySessions = IdentitySessionCollector() }
        if let registry { try Wiring.checkRegistryFolder(registry) }
        // Without --db, a database of this run alone: findings of an earlier dump analysed in the same
        // folder must not appear among this one's. It holds whole cert numbers, so it goes even on SIGINT/SIGTERM.
        var temporaryFolder: String?
        if db == nil {
            let folder = NSTemporaryDirectory() + "netbar-\(getpid())-\(UInt64(Date().timeIntervalSince1970 * 1000))"
            // Watched before it exists: a signal between making the folder and watching it left the folder behind
            // (seen under load in CI).
            TemporaryFiles.removeOnSignal(folder: folder, files: ["netbar.db", "netbar.db-wal", "netbar.db-shm", "netbar.db-journal"])
            guard mkdir(folder, 0o700) == 0 else {
                throw RunError.storeFault("cannot create a temporary folder '\(folder)': \(String(cString: strerror(errno)))")
            }
            temporaryFolder = folder
        }
        defer { TemporaryFiles.remove() }  // nothing to do with --db
        let databasePath = db ?? temporaryFolder! + "/netbar.db"
        let files = try Wiring.expandInputs(inputs, databasePath: databasePath)
        let database = try Wiring.openStore(databasePath)
        var reports: [FileReport] = []
        if let registry {
            reports += try Wiring.importRegistry(registry, store: database, names: names, quiet: ingestOptions.quiet)
        }
        let ingested = try Wiring.ingest(
            files, store: database, names: names, format: format, jobs: ingestOptions.jobs, quiet: ingestOptions.quiet,
            night: night)
        reports += ingested.reports
        let summaryOutput = findings == "-" ? Wiring.Output.standardError : .standardOutput
        do {
            try Wiring.checkSomethingRead(ingested.reports)
        } catch {
            // Exit 2 still leaves its summary, on the terminal and as JSON.
            var summary = try Wiring.summary(files: reports, store: database, detection: nil, renderer: nil)
            summary.night = ingested.night
            if let summaryJson { try Wiring.write(summary.json(), to: summaryJson) }
            try Wiring.emit(summary.text(language.lang), to: summaryOutput)
            throw error
        }
        let detection = try Wiring.detect(store: database, settings: settings, nights: ingested.nightsToDetect)
        // The run's outputs are of its night (a database of many nights keeps the rest for `report`), each finding
        // marked new or recurring; a run that read only files already held names no night and reports them all.
        var cut = ReportFilter()
        cut.night = ingested.night
        let data = try Wiring.reportData(
            store: database, cut: cut, revealCerts: revealCerts, language: language.lang, evidenceText: html != nil)
        let renderer = Wiring.renderer(data)
        if let findings { try Wiring.write(to: findings) { put throws(RunError) in try renderer.jsonLines(put) } }
        if let html { try Wiring.write(Wiring.htmlReport(data), to: html) }
        if let inspection { try Wiring.write(Wiring.inspectionSheets(data, cut: cut), to: inspection) }
        if let notice { try Wiring.write(Wiring.notices(data, legalBasis: articles), to: notice) }
        if let parquet {
            // The run's night; a run that read only files already held exports every night it holds.
            try Wiring.exportParquet(
                store: database, to: parquet, nights: ingested.night.map { [$0] }, venues: settings.onlyVenues,
                quiet: ingestOptions.quiet, language: language.lang)
        }
        if let idSessions, let collector = settings.identitySessions {
            try Wiring.write(Wiring.identitySessionLines(collector.sessions, paths: data.paths), to: idSessions)
        }
        var summary = try Wiring.summary(files: reports, store: database, detection: detection, renderer: renderer)
        summary.night = ingested.night
        summary.newInLatest = renderer.findings.count { $0.night == ingested.night && $0.seenBefore == 0 }
        if let summaryJson { try Wiring.write(summary.json(), to: summaryJson) }
        try Wiring.emit(summary.text(language.lang), to: summaryOutput)
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
    @OptionGroup var language: LanguageOption

    func run() throws {
        let format = try Wiring.parseFormat(ingestOptions.format)
        let night = try Wiring.parseNight(ingestOptions.night)
        guard !inputs.isEmpty else { throw RunError.usage("no INPUT given: name files, directories or - for standard input") }
        let names = try Wiring.columnNames(ingestOptions.columns)
        let files = try Wiring.expandInputs(inputs, databasePath: store.db)
        let database = try Wiring.openStore(store.db)
        let ingested = try Wiring.ingest(
            files, store: database, names: names, format: format, jobs: ingestOptions.jobs, quiet: ingestOptions.quiet,
            night: night)
        var summary = try Wiring.summary(files: ingested.reports, store: database, detection: nil, renderer: nil)
        summary.night = ingested.night
        if let summaryJson { try Wiring.write(summary.json(), to: summaryJson) }
        try Wiring.emit(summary.text(language.lang), to: .standardOutput)
        try Wiring.checkSomethingRead(ingested.reports)
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
    @OptionGroup var language: LanguageOption

    func run() throws {
        try Wiring.checkDatabaseExists(store.db, hint: "run `netbar ingest` first")
        let settings = try Wiring.detectionSettings(
            configPath: detectOptions.config, signaturesPath: detectOptions.signatures)
        let database = try Wiring.openStore(store.db)
        let detection = try Wiring.detect(store: database, settings: settings)
        let renderer = Wiring.renderer(
            try Wiring.reportData(store: database, cut: ReportFilter(), revealCerts: revealCerts, language: language.lang))
        if let findings { try Wiring.write(to: findings) { put throws(RunError) in try renderer.jsonLines(put) } }
        var summary = try Wiring.summary(files: [], store: database, detection: detection, renderer: renderer)
        summary.night = try Wiring.latestNight(database)
        summary.newInLatest = renderer.findings.count { $0.night == summary.night && $0.seenBefore == 0 }
        try Wiring.emit(summary.text(language.lang), to: findings == "-" ? .standardError : .standardOutput)
    }
}

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the database's tables as Parquet (ZSTD), partitioned night=YYYY-MM-DD/venue=CODE.",
        discussion: """
            Tables: sessions, realname_sessions, transactions, audit_events, pulse_runs, terminal_addresses, \
            quarantine, findings, finding_evidence, files (docs/parquet.md). The folders of each night written are \
            replaced whole. The files hold whole cert numbers and are readable by their owner alone, like the database.
            """)

    @OptionGroup var store: StoreOptions
    @Option(name: .long, help: "The folder to write the tables into (created when missing).")
    var parquet: String
    @Option(name: .long, help: "Only this night (YYYY-MM-DD, or latest); repeat for more. Default: every night.")
    var night: [String] = []
    @Flag(name: .long, help: "No line per table on standard error.")
    var quiet = false
    @OptionGroup var language: LanguageOption

    func run() throws {
        try Wiring.checkDatabaseExists(store.db, hint: "run `netbar ingest` or `netbar analyze --db` first")
        let database = try Wiring.openStore(store.db, access: .shared)
        var nights: Set<String>?
        if !night.isEmpty {
            var named = Set<String>()
            for value in night {
                if value == "latest" {
                    guard let latest = try Wiring.latestNight(database) else {
                        throw RunError.usage("--night latest: the database holds no night")
                    }
                    named.insert(latest)
                } else if let parsed = try Wiring.parseNight(value, option: "--night") {
                    named.insert(parsed)
                }
            }
            nights = named
        }
        try Wiring.exportParquet(store: database, to: parquet, nights: nights, quiet: quiet, language: language.lang)
    }
}

struct CutOptions: ParsableArguments {
    @Option(name: .long, help: "Only this venue (场所编码); repeat for more.")
    var venue: [String] = []
    @Option(name: .long, help: "Only this detector (e.g. id-sharing); repeat for more.")
    var detector: [String] = []
    @Option(name: .long, help: "Only findings of this severity or higher: low, medium or high.")
    var severity: Severity?
    @Option(name: .long, help: "Only findings of this night (YYYY-MM-DD, or latest).")
    var night: String?
    @Option(name: .long, help: "Only findings of nights on or after this one (YYYY-MM-DD).")
    var since: String?
    @Flag(name: .customLong("new"), help: "Only findings new in their night (seen on no earlier night).")
    var newOnly = false

    func filter(latestNight: String?) throws(RunError) -> ReportFilter {
        var filter = ReportFilter()
        filter.venues = Set(venue)
        for id in detector where !DetectorID.allCases.contains(DetectorID(id)) {
            throw .usage(
                "--detector '\(id)' is no detector; use one of " + DetectorID.allCases.map(\.rawValue).joined(separator: ", "))
        }
        filter.detectors = Set(detector)
        filter.minimumSeverity = severity
        if night == "latest" {
            filter.night = latestNight ?? "-"
        } else {
            filter.night = try Wiring.parseNight(night, option: "--night")
        }
        filter.since = try Wiring.parseNight(since, option: "--since")
        filter.newOnly = newOnly
        return filter
    }
}

extension Severity: ExpressibleByArgument {}

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the stored findings: JSON Lines, CSV, HTML, text, inspection sheets, notices or the nightly trend.")

    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case jsonl, csv, html, text, inspection, notice, trend
    }

    @OptionGroup var store: StoreOptions
    @Option(
        name: .long,
        help: """
            jsonl, csv, html (the analyst's report), text, inspection (检查情况登记表, one venue a page), notice \
            (整改通知书 drafts) or trend (rates and findings per venue and night).
            """)
    var kind: Kind = .jsonl
    @Option(name: .shortAndLong, help: "Output file (- for standard output).")
    var output = "-"
    @OptionGroup var cut: CutOptions
    @Option(name: .long, help: "The rule-to-article table of the notices (default: reports/legal-basis.tsv, built in).")
    var legalBasis: String?
    @Flag(name: .long, help: "Show certificate numbers in full.")
    var revealCerts = false
    @OptionGroup var language: LanguageOption

    func run() throws {
        let articles = try Wiring.legalBasis(legalBasis)
        try Wiring.checkDatabaseExists(store.db, hint: "analyse or ingest a dump into it first")
        let database = try Wiring.openStore(store.db, access: .shared)
        let filter = try cut.filter(latestNight: try Wiring.latestNight(database))
        let data = try Wiring.reportData(
            store: database, cut: filter, revealCerts: revealCerts, language: language.lang, evidenceText: kind == .html)
        let renderer = Wiring.renderer(data)
        switch kind {
        case .jsonl: try Wiring.write(to: output) { put throws(RunError) in try renderer.jsonLines(put) }
        case .csv: try Wiring.write(to: output) { put throws(RunError) in try renderer.csv(put) }
        case .html: try Wiring.write(Wiring.htmlReport(data), to: output)
        case .text: try Wiring.write(TextReport.render(data), to: output)
        case .trend: try Wiring.write(TextReport.trend(data), to: output)
        case .inspection: try Wiring.write(Wiring.inspectionSheets(data, cut: filter), to: output)
        case .notice: try Wiring.write(Wiring.notices(data, legalBasis: articles), to: output)
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
            try Wiring.checkRegistryFolder(directory)
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
