import Analytics
import Foundation
import Ingest
import LogFormats
import ShippedData

/// The stages the commands share, so that `analyze` is exactly `ingest` + `detect` + `report` (STYLE.md §3).
enum Wiring {
    /// The database this run created, removed again when the run ends in a usage error (nothing of it is wanted).
    nonisolated(unsafe) static var createdDatabase: String?

    /// Opens the database for this run, waiting for any other netbar run on it (one line says so).
    static func openStore(_ path: String, access: Store.Access = .exclusive) throws(RunError) -> Store {
        do {
            let store = try Store(path: path, access: access) {
                writeStandardError("netbar: waiting for another netbar run on '\(TerminalText.safe(path))' to finish\n")
            }
            if store.created { createdDatabase = path }
            return store
        } catch {
            throw .storeFault(error.description)
        }
    }

    /// Writes the tables of `nights` (nil: every night) as Parquet under `folder`, one line a table on standard error.
    /// A night the database does not hold is a usage error naming those it does.
    static func exportParquet(
        store: Store, to folder: String, nights: Set<String>?, venues: Set<String>? = nil, quiet: Bool,
        language: Language
    ) throws(RunError) {
        if let nights {
            let held: Set<String>
            do {
                held = Set(try store.nightOfFiles().values)
            } catch {
                throw .storeFault("the database could not be read: \(error.description)")
            }
            let missing = nights.subtracting(held).sorted()
            guard missing.isEmpty else {
                let list = held.sorted().joined(separator: ", ")
                throw .usage("--night \(missing.joined(separator: ", ")): the database holds no such night (it holds: \(list.isEmpty ? "none" : list))")
            }
        }
        let summary: ExportSummary
        do {
            summary = try store.exportParquet(to: folder, nights: nights, venues: venues)
        } catch {
            throw .storeFault("the Parquet export could not finish: \(error.description)")
        }
        guard !quiet else { return }
        for table in summary.tables {
            let line =
                language == .zh
                ? "Parquet：\(table.name) 表 \(table.files) 个文件，\(table.rows) 行\n"
                : "Parquet: \(table.name): \(table.files) files, \(table.rows) rows\n"
            writeStandardError(line)
        }
        let place = TerminalText.safe(folder)
        writeStandardError(language == .zh ? "Parquet 已写入 \(place)\n" : "Parquet written to \(place)\n")
    }

    static func checkDatabaseExists(_ path: String, hint: String) throws(RunError) {
        guard FileManager.default.fileExists(atPath: path) else {
            throw .usage("database '\(path)' does not exist; \(hint)")
        }
    }

    /// The latest night the database holds, or nil.
    static func latestNight(_ store: Store) throws(RunError) -> String? {
        do {
            return Set(try store.nightOfFiles().values).max()
        } catch {
            throw .storeFault("the database could not be read: \(error.description)")
        }
    }

    /// Everything a report is made from; a report of a database whose detection never ran, or died, is refused.
    /// `evidenceText`: read the evidence's source lines again (the HTML report shows them; the others cite file:line).
    static func reportData(
        store: Store, cut: ReportFilter, revealCerts: Bool, language: Language, evidenceText: Bool = false
    ) throws(RunError) -> ReportData {
        let names = try columnNames(nil)
        var data: ReportData
        do {
            data = try ReportData.load(store: store, filter: cut, revealCerts: revealCerts, language: language)
            // The source lines of the evidence, masked, from the files still holding what was ingested.
            if evidenceText { try data.readEvidenceText(store: store, names: names) }
        } catch {
            throw .storeFault("the database could not be read: \(error.description)")
        }
        // A cut that names what the database does not hold would read as a clean venue or a quiet night.
        if let night = cut.night, !data.nights.contains(night) {
            throw .usage(
                "--night \(night == "-" ? "latest" : night): the database holds no such night"
                    + (data.nights.isEmpty ? "" : " (it holds " + data.nights.joined(separator: ", ") + ")"))
        }
        if !cut.venues.isEmpty {
            var known = Set(data.venues.keys)
            do {
                for id in try store.venueIDs() { known.insert(store.symbolText(id)) }
            } catch {
                throw .storeFault("the database could not be read: \(error.description)")
            }
            for venue in cut.venues.sorted() where !known.contains(venue) {
                throw .usage("--venue \(venue): no venue of that code is registered or in the data")
            }
        }
        guard let detection = data.detection else {
            throw .usage("no detection has run on '\(store.path)': run `netbar detect --db \(store.path)` first")
        }
        guard detection.finishedAt != nil else {
            throw .storeFault(
                "the last detection on '\(store.path)' (started \(CivilTime.localString(detection.startedAt))) did not "
                    + "finish, so its findings are incomplete: run `netbar detect --db \(store.path)` again")
        }
        return data
    }

    /// The analyst's HTML report.
    static func htmlReport(_ data: ReportData) -> String { HTMLReport.render(data) }

    /// The inspection sheets (检查情况登记表, FORMATS.md §8) of the venues the cut keeps, one a page.
    static func inspectionSheets(_ data: ReportData, cut: ReportFilter) -> String {
        InspectionSheet.html(data, filter: cut)
    }

    /// The rule-to-article table: `--legal-basis FILE`, or the one built into the binary (reports/legal-basis.tsv).
    static func legalBasis(_ path: String?) throws(RunError) -> LegalBasis {
        do {
            return try LegalBasis.load(path: path)
        } catch {
            throw .usage(error.description)
        }
    }

    /// The draft notices (整改通知书) of the venues with findings.
    static func notices(_ data: ReportData, legalBasis: LegalBasis) -> String {
        NoticeDraft.html(data, legalBasis: legalBasis)
    }

    enum Output {
        case standardOutput, standardError
    }

    /// Terminal text to standard output, or to standard error when standard output carries data (`--findings -`).
    static func emit(_ text: String, to output: Output) throws(RunError) {
        switch output {
        case .standardOutput: try writeAll(text, to: STDOUT_FILENO, name: "standard output")
        case .standardError: writeStandardError(text)
        }
    }

    /// `--night YYYY-MM-DD`, checked.
    static func parseNight(_ text: String?, option: String = "--night") throws(RunError) -> String? {
        guard let text else { return nil }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.utf8.count == 10, parts.count == 3, let year = Int(parts[0]), let month = Int(parts[1]),
            let day = Int(parts[2]), parts[0].count == 4, (1...12).contains(month), (1...31).contains(day), year >= 1990
        else {
            throw .usage("\(option) '\(text)' is not a date such as 2026-11-28")
        }
        return text
    }

    static func parseFormat(_ name: String?) throws(RunError) -> Format? {
        guard let name else { return nil }
        guard let format = Format(rawValue: name), !format.isRegistry else {
            let hint = Format(rawValue: name)?.isRegistry == true ? " (registry files are read with --registry)" : ""
            throw .usage(
                "--format '\(name)' is not a dump format\(hint); use one of "
                    + Format.dumpFormats.map(\.rawValue).joined(separator: ", "))
        }
        return format
    }

    /// The header map: the built-in names, plus those of `--columns FILE` (FORMATS.md §3.6).
    static func columnNames(_ path: String?) throws(RunError) -> ColumnNames {
        var names = ColumnNames()
        do {
            try names.add(ShippedData.columnNames, source: "the built-in header map")
        } catch {
            throw .usage(error.description)
        }
        guard let path else { return names }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .usage("--columns '\(path)' cannot be read")
        }
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw .usage("--columns '\(path)' is not UTF-8 text; save it as UTF-8")
        }
        do {
            try names.add(text, source: path)
        } catch {
            throw .usage(error.description)
        }
        return names
    }

    /// The files the inputs name, found before the database is opened (a typo in a path leaves no database behind).
    static func expandInputs(_ inputs: [String], databasePath: String) throws(RunError) -> [InputFile] {
        guard !inputs.isEmpty else { throw .usage("no INPUT given: name files, directories or - for standard input") }
        do {
            return try InputSource.expand(inputs, excluding: [databasePath])
        } catch {
            throw .usage(error.description)
        }
    }

    struct IngestOutcome {
        var reports: [FileReport]
        /// The night the run's files were given.
        var night: String?
        /// The nights of the files the run found already held (duplicates).
        var heldNights: Set<String> = []

        /// The nights detection looks at again after this run: its own (and those its sessions moved out of,
        /// `detect` finds them); a run of files all held already, theirs (its data changed nothing, but its settings
        /// may have); nil, every night, when neither is known.
        var nightsToDetect: Set<String>? {
            if let night { return [night] }
            return heldNights.isEmpty ? nil : heldNights
        }
    }

    static func ingest(
        _ files: [InputFile], store: Store, names: ColumnNames, format: Format?, jobs: Int?, quiet: Bool, night: String?
    ) throws(RunError) -> IngestOutcome {
        let jobCount = jobs ?? max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))
        guard jobCount >= 1 else { throw .usage("--jobs must be at least 1") }
        do {
            let writer = try StoreWriter(store: store)
            let reports = try IngestRun.run(
                IngestOptions(inputs: files, names: names, formatOverride: format, jobs: jobCount, showProgress: !quiet),
                writer: writer)
            // Naming a night the database already holds joins this dump to it: said, since it merges two dumps' data.
            let newFiles = reports.filter { $0.status != .duplicate }.map(\.fileID)
            if let night, !newFiles.isEmpty, try store.nightOfFiles().values.contains(night) {
                writeStandardError(
                    "netbar: night \(night) is already in '\(TerminalText.safe(store.path))': this dump's files join it\n")
            }
            // The run's files make one night (FORMATS.md §5); files already held keep theirs.
            let named = try store.assignNight(fileIDs: newFiles, given: night)
            let nightOfFile = try store.nightOfFiles()
            var held = Set<String>()
            for report in reports {
                guard let file = report.heldFileID else { continue }
                // A held file of no night (a database from before nights) leaves every night to be detected.
                guard let night = nightOfFile[file] else { return IngestOutcome(reports: reports, night: named) }
                held.insert(night)
            }
            return IngestOutcome(reports: reports, night: named, heldNights: held)
        } catch {
            throw .storeFault("the database could not be written: \(error.description)")
        }
    }

    /// A registry folder must hold both files; checked before any database is opened.
    static func checkRegistryFolder(_ directory: String) throws(RunError) {
        for name in ["venues.csv", "terminals.csv"] {
            let path = (directory as NSString).appendingPathComponent(name)
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw .usage("registry file '\(path)' is missing: --registry DIR must hold venues.csv and terminals.csv")
            }
        }
    }

    static func importRegistry(
        _ directory: String, store: Store, names: ColumnNames, quiet: Bool
    ) throws(RunError) -> [FileReport] {
        try checkRegistryFolder(directory)
        let venues = (directory as NSString).appendingPathComponent("venues.csv")
        let terminals = (directory as NSString).appendingPathComponent("terminals.csv")
        do {
            try store.clearRegistry()
            let writer = try StoreWriter(store: store)
            let venueReports = try IngestRun.run(
                IngestOptions(
                    inputs: [InputFile(path: venues, sizeBytes: 0)], names: names, formatOverride: .registryVenues, jobs: 1,
                    showProgress: !quiet), writer: writer)
            let terminalReports = try IngestRun.run(
                IngestOptions(
                    inputs: [InputFile(path: terminals, sizeBytes: 0)], names: names, formatOverride: .registryTerminals,
                    jobs: 1,
                    showProgress: !quiet), writer: writer)
            return venueReports + terminalReports
        } catch {
            throw .usage("the registry could not be imported: \(error.description)")
        }
    }

    /// Thresholds and signature lists, read and checked before any input is (a typo in a config file
    /// should not cost an analyst a whole ingest).
    struct DetectionSettings {
        var config: DetectorConfig
        var signatures: Signatures?
        /// Only these venues are judged (a Spark job's group); nil: every venue.
        var onlyVenues: Set<String>?
        /// The whole dump's data end, when the database holds part of the dump.
        var dataEndSeconds: Int64?
        /// Takes id-sharing's sessions and leaves its overlap part to the caller (a Spark job).
        var identitySessions: IdentitySessionCollector?
    }

    static func detectionSettings(configPath: String?, signaturesPath: String?) throws(RunError) -> DetectionSettings {
        var config = DetectorConfig()
        if let configPath {
            guard let text = try? String(contentsOfFile: configPath, encoding: .utf8) else {
                throw .usage("config file '\(configPath)' cannot be read")
            }
            do {
                config = try DetectorConfig.load(yamlText: text)
            } catch {
                throw .usage("config file '\(configPath)': \(error.description)")
            }
        }
        var signatures: Signatures?
        if let signaturesPath {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: signaturesPath, isDirectory: &isDirectory), isDirectory.boolValue
            else {
                throw .usage("--signatures '\(signaturesPath)' is not a directory")
            }
        }
        // Without --signatures the lists built into the binary (signatures/ of the source tree) are used.
        do throws(ConfigError) {
            if let signaturesPath {
                signatures = try Signatures.load(directory: signaturesPath)
            } else {
                signatures = try Signatures.parse(
                    billingClientsText: ShippedData.billingClients, cardFreeToolsText: ShippedData.cardFreeTools,
                    directory: "(built in)")
            }
        } catch {
            throw .usage(error.description)
        }
        return DetectionSettings(config: config, signatures: signatures)
    }

    /// Runs every detector over the store's nights and keeps the findings in it; returns the counts per detector and
    /// the inputs lacked, without the findings (reports read them back from the store). With `nights` (an `analyze`
    /// run's, `IngestOutcome.nightsToDetect`), only those and the nights they took sessions from (a session re-sent
    /// closed, or with a later 导出时间, leaves the night of its earlier copy) are detected again: the other nights'
    /// findings and rates stay as stored. (Every night detected on every run grew each run with the database: the
    /// tenth of ten 300 MB nights took 2.74 s, now 0.87 s.)
    static func detect(store: Store, settings: DetectionSettings, nights only: Set<String>? = nil) throws(RunError)
        -> DetectionResult
    {
        let result = try detectAndStore(store: store, settings: settings, nights: only)
        // After `detectAndStore`'s scope, where its loaders, symbol texts and findings went (`releaseFreedMemory`).
        releaseFreedMemory()
        return result
    }

    private static func detectAndStore(store: Store, settings: DetectionSettings, nights only: Set<String>?)
        throws(RunError) -> DetectionResult
    {
        do throws(StoreError) {
            var loader = try StoreLoader(store: store)
            loader.dataEndOverride = settings.dataEndSeconds
            // A second reader on its own connection: loading venues is most of detection's time.
            let reader = try Store(path: store.path, access: .shared)
            try store.setPageCache(kibibytes: 16 << 10)
            try reader.setPageCache(kibibytes: 16 << 10)
            var second = reader.symbols.count == store.symbols.count
                ? try StoreLoader(store: reader, sharingSymbolsOf: loader) : nil
            second?.dataEndOverride = settings.dataEndSeconds
            let loaders = [loader] + (second.map { [$0] } ?? [])
            let context = DetectionContext(
                config: settings.config, signatures: settings.signatures, registry: try loader.registry(),
                symbols: loader.symbols, identitySessions: settings.identitySessions)
            let run = try store.beginDetectionRun()
            let nightOfFile = try store.nightOfFiles()
            let latest = Set(nightOfFile.values).max()
            var rates = VenueRatesCollector()
            func pass(_ nights: Set<String>?) throws(StoreError) -> DetectionResult {
                let venues = try StoredVenues(loaders: loaders, onlyVenues: settings.onlyVenues, nights: nights)
                let result = runDetectors(venues: venues, context: context) { rates.consume($0, context: context) }
                if let failure = venues.failure { throw failure }
                return result
            }
            var detected = only
            store.movedFromFiles = []
            reader.movedFromFiles = []
            var result = try pass(detected)
            if let only {
                // The nights this one's sessions moved out of; a file of no night (a database from before nights)
                // has all of them detected again.
                let moved = store.movedFromFiles.union(reader.movedFromFiles).union(try store.movedRealnameFiles())
                var nights = Set<String>()
                var unnamed = false
                for file in moved {
                    if let other = nightOfFile[file] { nights.insert(other) } else { unnamed = true }
                }
                nights.subtract(only)
                if unnamed {
                    rates = VenueRatesCollector()
                    detected = nil
                    result = try pass(nil)
                } else if !nights.isEmpty {
                    result = DetectionResult(merging: [result, try pass(nights)])
                    detected?.formUnion(nights)
                }
            }
            // Made one row at a time as they are stored, and then let go: what the run reports is read back from
            // the store (a night of 1.45 M findings held them three times over).
            try store.replaceFindings(
                result.findings.lazy.map {
                    findingRow($0, night: Nights.night(of: $0.evidence, nightOfFile: nightOfFile, latest: latest))
                },
                nights: detected)
            result.findings = []
            try store.replaceVenueRates(rates.finish(), nights: detected)
            let missing = Dictionary(uniqueKeysWithValues: result.missingInputs.map { ($0.key.rawValue, $0.value) })
            try store.finishDetectionRun(
                run, missingInputs: missing.mapValues { $0.map(\.en) },
                missingInputsZh: missing.mapValues { $0.map(\.zh) })
            return result
        } catch {
            throw .storeFault("detection could not finish: \(error.description)")
        }
    }

    /// id-sharing's sessions as JSON Lines: cert, venue, terminal, start and end (epoch seconds), file and line.
    static func identitySessionLines(_ sessions: [IdentitySessionCollector.Session], paths: [Int64: String]) -> String {
        var output = ""
        for session in sessions {
            output += "{\"cert\":\(JSONText.quoted(session.cert)),\"venue\":\(JSONText.quoted(session.venue))"
            output += ",\"terminal\":\(JSONText.quoted(session.terminal)),\"start\":\(session.startSeconds)"
            output += ",\"end\":\(session.endSeconds),\"file\":\(JSONText.quoted(paths[Int64(session.source.fileID)] ?? "?"))"
            output += ",\"line\":\(session.source.line)}\n"
        }
        return output
    }

    static func findingRow(_ finding: Finding, night: String?) -> FindingRow {
        FindingRow(
            key: finding.key, detector: finding.detector.rawValue, severity: finding.severity.rawValue,
            venue: finding.venue, terminal: finding.terminal, cert: finding.cert, address: finding.address,
            startSeconds: finding.startSeconds,
            endSeconds: finding.endSeconds, summary: finding.summary, summaryZh: finding.summaryZh, night: night,
            evidence: finding.evidence.map { (Int64($0.fileID), Int64($0.line)) })
    }

    /// JSON Lines and CSV of a report's findings (already marked with `seenBefore` and ordered).
    static func renderer(_ data: ReportData) -> FindingsRenderer {
        FindingsRenderer(findings: data.findings, paths: data.paths, revealCerts: data.revealCerts, language: data.language)
    }

    /// 场所名称 by 场所编码, from the imported registry (empty without one), for reports.
    static func venueNames(_ store: Store) -> [String: String] {
        guard let registry = try? store.registry() else { return [:] }
        return Dictionary(registry.venues.map { ($0.code, $0.name) }, uniquingKeysWith: { first, _ in first })
    }

    /// Writes a report: `-` is standard output; a regular file is replaced whole (written beside it, then renamed,
    /// so a reader never sees half a report); a FIFO or device is written as it is, never replaced. A full disk or an
    /// I/O error is a run that could not finish (exit 3); a path that cannot be written is the analyst's (exit 1).
    static func write(_ text: String, to path: String) throws(RunError) {
        try write(to: path) { (put: (String) throws(RunError) -> Void) throws(RunError) in try put(text) }
    }

    /// `write(_:to:)` of a report made piece by piece: `produce` hands each piece to `put` as it is made, so a report
    /// of a million findings is never one string in memory (their JSON Lines were 667 MB, held twice).
    static func write(
        to path: String, _ produce: (_ put: (String) throws(RunError) -> Void) throws(RunError) -> Void
    ) throws(RunError) {
        if path == "-" {
            try produce { (text: String) throws(RunError) in try writeAll(text, to: STDOUT_FILENO, name: "standard output") }
            return
        }
        var status = stat()
        let exists = stat(path, &status) == 0
        if exists && (status.st_mode & S_IFMT) != S_IFREG {
            let descriptor = open(path, O_WRONLY)
            guard descriptor >= 0 else { throw outputFault(path, errno) }
            defer { close(descriptor) }
            try produce { (text: String) throws(RunError) in try writeAll(text, to: descriptor, name: path) }
            return
        }
        let temporary = path + ".netbar-\(getpid()).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw outputFault(path, errno) }
        do {
            try produce { (text: String) throws(RunError) in try writeAll(text, to: descriptor, name: path) }
        } catch {
            close(descriptor)
            unlink(temporary)
            throw error
        }
        let closed = close(descriptor)
        guard closed == 0, rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw outputFault(path, code)
        }
    }

    private static func writeAll(_ text: String, to descriptor: Int32, name: String) throws(RunError) {
        var text = text
        // A native string's bytes are written where they are (a copy of a 667 MB report doubled its memory).
        let failure: Int32 = text.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return 0
        }
        if failure != 0 { throw outputFault(name, failure) }
    }

    private static func outputFault(_ name: String, _ code: Int32) -> RunError {
        let message = "cannot write '\(name)': \(String(cString: strerror(code)))"
        return [ENOSPC, EIO, EDQUOT, EPIPE].contains(code) ? .storeFault(message) : .usage(message)
    }

    static func summary(files: [FileReport], store: Store, detection: DetectionResult?, renderer: FindingsRenderer?)
        throws(RunError) -> RunSummary
    {
        var summary = RunSummary()
        summary.files = files
        do {
            let totals = try store.sessionTotals()
            summary.sessionsDistinct = totals.distinct
            summary.sessionsAmountFen = totals.amountFen
        } catch {
            throw .storeFault("the database could not be read: \(error.description)")
        }
        if let detection {
            summary.findingsPerDetector = Dictionary(
                uniqueKeysWithValues: detection.findingsPerDetector.map { ($0.key.rawValue, $0.value) })
            // Counted from the findings reported (an analyze run's night), every run detector kept, zero or not.
            if let renderer {
                for key in summary.findingsPerDetector?.keys.map({ $0 }) ?? [] { summary.findingsPerDetector?[key] = 0 }
                for finding in renderer.findings { summary.findingsPerDetector?[finding.detector, default: 0] += 1 }
            }
            summary.missingInputs = Dictionary(
                uniqueKeysWithValues: detection.missingInputs.map { ($0.key.rawValue, $0.value.map(\.en)) })
            summary.missingInputsZh = Dictionary(
                uniqueKeysWithValues: detection.missingInputs.map { ($0.key.rawValue, $0.value.map(\.zh)) })
        }
        if let renderer { summary.findingsPerVenue = renderer.venuesWorstFirst() }
        summary.venueNames = venueNames(store)
        return summary
    }

    /// Exit status 2 when no input could be read at all (FORMATS.md §7): no file, or none in a known format.
    /// Called after the summary is written, so that even such a run leaves its summary.
    static func checkSomethingRead(_ files: [FileReport]) throws(RunError) {
        if files.isEmpty { throw .nothingRead("nothing could be read: the inputs hold no files") }
        if files.allSatisfy({ $0.format == nil }) {
            let damaged = files.filter { $0.damage != nil }.map { "\($0.path) is damaged at byte \($0.damage!.offset)" }
            throw .nothingRead(
                "nothing could be read: no input was in a recognised format (\(files.count) file\(files.count == 1 ? "" : "s")"
                    + (damaged.isEmpty ? "" : "; " + damaged.joined(separator: "; ")) + ")")
        }
    }
}
