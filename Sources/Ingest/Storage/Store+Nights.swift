import CSQLite
import Glibc

/// A record of one detection run: a run that started and never finished (killed, disk full) is told as such,
/// never read as "no findings" (FORMATS.md §7).
package struct DetectionRunRecord: Sendable, Equatable {
    package var id: Int64
    package var startedAt: Int64
    /// nil while running, or when the run died.
    package var finishedAt: Int64?
    /// The inputs each rule lacked (detector id → reasons), as the run found them, in English and in Chinese.
    package var missingInputs: [String: [String]]
    package var missingInputsZh: [String: [String]]
}

/// One rate of one venue on one night (FORMATS.md §8): `numerator` of `denominator`.
package struct VenueRateRow: Sendable, Equatable {
    package var venue: String
    package var night: String
    /// The rate's id (`audit-install`, `audit-use`, `billing-use`, `screenshot-upload`, `real-name`, `ip-terminal`).
    package var rate: String
    package var numerator: Int64
    package var denominator: Int64

    package init(venue: String, night: String, rate: String, numerator: Int64, denominator: Int64) {
        self.venue = venue
        self.night = night
        self.rate = rate
        self.numerator = numerator
        self.denominator = denominator
    }
}

/// An ingested file as the store remembers it, for the run summary of a report.
package struct StoredFile: Sendable, Equatable {
    package var id: Int64
    package var path: String
    package var format: String?
    package var status: String
    package var lines: Int64
    package var rows: Int64
    package var quarantined: Int64
    package var skipped: Int64
    package var damageOffset: Int64?
    package var damageReason: String?
    package var night: String?
    package var ingestedAt: Int64
}

extension Store {
    // MARK: Nights

    /// Names the night of the files one ingest run read (FORMATS.md §5): `given` when the analyst named it, else the
    /// local (UTC+8) date most of their sessions, transactions, audit events and pulses fall on. Returns the name, or nil
    /// when the files hold no dated row and none was given.
    @discardableResult
    package func assignNight(fileIDs: [Int64], given: String?) throws(StoreError) -> String? {
        guard !fileIDs.isEmpty else { return given }
        try connection.execute("CREATE TEMP TABLE IF NOT EXISTS runFile(id INTEGER PRIMARY KEY); DELETE FROM runFile;")
        let insert = try connection.prepare("INSERT OR IGNORE INTO runFile(id) VALUES(?)")
        for id in fileIDs {
            insert.bind(1, id)
            try insert.run()
        }
        var night = given
        if night == nil {
            // The writer counts each file's rows by local day as it stores them (`fileDay`): grouping the stored rows
            // here cost as much as inserting them.
            let statement = try connection.prepare(
                """
                SELECT date(day * 86400, 'unixepoch'), sum(rows) AS total FROM fileDay WHERE fileId IN runFile
                GROUP BY day ORDER BY total DESC, day DESC LIMIT 1
                """)
            if try statement.step() { night = statement.optionalString(0) }
            statement.reset()
        }
        guard let night else { return nil }
        let update = try connection.prepare(
            """
            UPDATE ingestedFile SET night = ? WHERE id IN runFile
              AND coalesce(format, '') NOT IN ('registry-venues', 'registry-terminals')
            """)
        update.bind(1, night)
        try update.run()
        return night
    }

    /// The dump files of each night, oldest night first; files of no night (a database from before nights) come last
    /// under nil. Detection reads one night at a time (FORMATS.md §5: a night is the dump of one run).
    package func nightScopes() throws(StoreError) -> [(night: String?, fileIDs: [Int64])] {
        let statement = try connection.prepare(
            """
            SELECT id, night FROM ingestedFile WHERE coalesce(format, '') NOT IN ('registry-venues', 'registry-terminals')
            ORDER BY night IS NULL, night, id
            """)
        var scopes: [(night: String?, fileIDs: [Int64])] = []
        while try statement.step() {
            let night = statement.optionalString(1)
            if scopes.isEmpty || scopes[scopes.count - 1].night != night { scopes.append((night, [])) }
            scopes[scopes.count - 1].fileIDs.append(statement.int64(0))
        }
        return scopes
    }

    /// Files whose platform session (`realnameSession`) a later file's copy took over on this connection's writes.
    package func movedRealnameFiles() throws(StoreError) -> Set<Int64> {
        try connection.execute("CREATE TEMP TABLE IF NOT EXISTS movedRealnameFile(id INTEGER NOT NULL)")
        let statement = try connection.prepare("SELECT id FROM movedRealnameFile")
        var files = Set<Int64>()
        while try statement.step() { files.insert(statement.int64(0)) }
        return files
    }

    /// The night of every file that has one (registry files have none).
    package func nightOfFiles() throws(StoreError) -> [Int64: String] {
        let statement = try connection.prepare("SELECT id, night FROM ingestedFile WHERE night IS NOT NULL")
        var nights: [Int64: String] = [:]
        while try statement.step() { nights[statement.int64(0)] = statement.string(1) }
        return nights
    }

    // MARK: Detection runs

    /// Records that a detection run began; `finishDetectionRun` closes it.
    package func beginDetectionRun() throws(StoreError) -> Int64 {
        let statement = try connection.prepare("INSERT INTO detectionRun(startedAt) VALUES(?)")
        statement.bind(1, Int64(time(nil)))
        try statement.run()
        return sqlite3_last_insert_rowid(connection.handle)
    }

    package func finishDetectionRun(
        _ id: Int64, missingInputs: [String: [String]], missingInputsZh: [String: [String]]
    ) throws(StoreError) {
        let statement = try connection.prepare(
            "UPDATE detectionRun SET finishedAt = ?, missingInputs = ?, missingInputsZh = ? WHERE id = ?")
        statement.bind(1, Int64(time(nil)))
        // One `detector<TAB>reason` a line: reasons never hold a tab or a line break (they are the detectors' own words).
        func lines(_ table: [String: [String]]) -> String {
            table.sorted { $0.key < $1.key }.flatMap { entry in entry.value.map { "\(entry.key)\t\($0)" } }
                .joined(separator: "\n")
        }
        statement.bind(2, lines(missingInputs))
        statement.bind(3, lines(missingInputsZh))
        statement.bind(4, id)
        try statement.run()
    }

    /// The latest detection run, or nil when detection never ran on this database.
    package func lastDetectionRun() throws(StoreError) -> DetectionRunRecord? {
        let statement = try connection.prepare(
            """
            SELECT id, startedAt, finishedAt, coalesce(missingInputs, ''), coalesce(missingInputsZh, '')
            FROM detectionRun ORDER BY id DESC LIMIT 1
            """)
        defer { statement.reset() }
        guard try statement.step() else { return nil }
        func table(_ text: String) throws(StoreError) -> [String: [String]] {
            var missing: [String: [String]] = [:]
            for line in text.split(separator: "\n") {
                let parts = line.split(separator: "\t", maxSplits: 1)
                guard parts.count == 2 else {
                    throw StoreError(description: "detection run \(statement.int64(0)) of '\(path)' has a damaged record")
                }
                missing[String(parts[0]), default: []].append(String(parts[1]))
            }
            return missing
        }
        return DetectionRunRecord(
            id: statement.int64(0), startedAt: statement.int64(1),
            finishedAt: statement.isNull(2) ? nil : statement.int64(2), missingInputs: try table(statement.string(3)),
            missingInputsZh: try table(statement.string(4)))
    }

    // MARK: Venue rates

    /// Makes `venueRate` hold `rates` for the `nights` detected (nil: every night, as `netbar detect` recomputes
    /// them); other nights' rows stay.
    package func replaceVenueRates(_ rates: [VenueRateRow], nights: Set<String>? = nil) throws(StoreError) {
        try connection.execute("BEGIN IMMEDIATE")
        do throws(StoreError) {
            if let nights {
                try Self.fillNightTable(connection, nights)
                try connection.execute("DELETE FROM venueRate WHERE night IN (SELECT night FROM detectedNight)")
            } else {
                try connection.execute("DELETE FROM venueRate")
            }
            let insert = try connection.prepare(
                "INSERT OR REPLACE INTO venueRate(venue, night, rate, numerator, denominator) VALUES(?, ?, ?, ?, ?)")
            for rate in rates {
                insert.bind(1, rate.venue)
                insert.bind(2, rate.night)
                insert.bind(3, rate.rate)
                insert.bind(4, rate.numerator)
                insert.bind(5, rate.denominator)
                try insert.run()
            }
            try connection.execute("COMMIT")
        } catch {
            connection.rollbackAfterFailure()
            throw error
        }
    }

    package func venueRates() throws(StoreError) -> [VenueRateRow] {
        let statement = try connection.prepare(
            "SELECT venue, night, rate, numerator, denominator FROM venueRate ORDER BY venue, night, rate")
        var rows: [VenueRateRow] = []
        while try statement.step() {
            rows.append(
                VenueRateRow(
                    venue: statement.string(0), night: statement.string(1), rate: statement.string(2),
                    numerator: statement.int64(3), denominator: statement.int64(4)))
        }
        return rows
    }

    // MARK: Files and quarantine, for a report's run summary

    package func storedFiles() throws(StoreError) -> [StoredFile] {
        let statement = try connection.prepare(
            """
            SELECT id, path, format, status, coalesce(lines, 0), coalesce(rows, 0), coalesce(quarantined, 0),
              coalesce(skipped, 0), damageOffset, damageReason, night, coalesce(ingestedAt, 0)
            FROM ingestedFile ORDER BY id
            """)
        var files: [StoredFile] = []
        while try statement.step() {
            files.append(
                StoredFile(
                    id: statement.int64(0), path: statement.string(1), format: statement.optionalString(2),
                    status: statement.string(3), lines: statement.int64(4), rows: statement.int64(5),
                    quarantined: statement.int64(6), skipped: statement.int64(7),
                    damageOffset: statement.isNull(8) ? nil : statement.int64(8), damageReason: statement.optionalString(9),
                    night: statement.optionalString(10), ingestedAt: statement.int64(11)))
        }
        return files
    }

    /// Quarantined rows per reason, over the whole database.
    package func quarantinedPerReason() throws(StoreError) -> [String: Int] {
        let statement = try connection.prepare("SELECT reason, count(*) FROM quarantinedRow GROUP BY reason")
        var counts: [String: Int] = [:]
        while try statement.step() { counts[statement.string(0)] = Int(statement.int64(1)) }
        return counts
    }
}

/// A venue's base data as the registry (基础资料台帐) gives it, for the inspection sheet (FORMATS.md §8).
package struct RegistryVenueDetails: Sendable, Equatable {
    package var code: String
    package var name: String
    package var owner: String
    package var address: String
    package var phone: String
    package var isp: String
    package var publicIP: String
    package var lan: String
    package var terminalCount: Int?
    package var billingSystem: String
    package var auditSystem: String
}

extension Store {
    /// Every registered venue with all its base data, by code.
    package func registryVenueDetails() throws(StoreError) -> [RegistryVenueDetails] {
        let statement = try connection.prepare(
            """
            SELECT venue, coalesce(name, ''), coalesce(owner, ''), coalesce(address, ''), coalesce(phone, ''),
              coalesce(isp, ''), coalesce(publicIp, ''), coalesce(lan, ''), terminalCount, coalesce(billingSystem, ''),
              coalesce(auditSystem, '')
            FROM registryVenue ORDER BY venue
            """)
        var venues: [RegistryVenueDetails] = []
        while try statement.step() {
            venues.append(
                RegistryVenueDetails(
                    code: statement.string(0), name: statement.string(1), owner: statement.string(2),
                    address: statement.string(3), phone: statement.string(4), isp: statement.string(5),
                    publicIP: statement.string(6), lan: statement.string(7),
                    terminalCount: statement.isNull(8) ? nil : Int(statement.int64(8)),
                    billingSystem: statement.string(9), auditSystem: statement.string(10)))
        }
        return venues
    }
}
