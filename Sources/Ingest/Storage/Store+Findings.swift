import Glibc

/// A finding as the store keeps it; certs whole (the database is owner-only, FORMATS.md §5).
package struct FindingRow: Sendable, Equatable {
    package var key: String
    package var detector: String
    package var severity: String
    package var venue: String
    package var terminal: String?
    package var cert: String?
    /// The network address of a case that is about no terminal (`private-network`).
    package var address: String?
    package var startSeconds: Int64
    package var endSeconds: Int64
    /// The summary in English.
    package var summary: String
    /// The summary in Simplified Chinese (nil in a database written before findings were bilingual).
    package var summaryZh: String?
    /// The night the finding belongs to: the latest night of its evidence (FORMATS.md §5).
    package var night: String?
    /// Earlier nights with a finding of the same detector at the venue for the same terminal, cert or address
    /// (FORMATS.md §5 `seen_before`); computed when findings are read for a report, never stored.
    package var seenBefore = 0
    /// (file id, line) pairs.
    package var evidence: [(fileID: Int64, line: Int64)]

    package init(
        key: String, detector: String, severity: String, venue: String, terminal: String?, cert: String?,
        address: String? = nil, startSeconds: Int64, endSeconds: Int64, summary: String, summaryZh: String? = nil,
        night: String? = nil, evidence: [(fileID: Int64, line: Int64)]
    ) {
        self.summaryZh = summaryZh
        self.night = night
        self.address = address
        self.key = key
        self.detector = detector
        self.severity = severity
        self.venue = venue
        self.terminal = terminal
        self.cert = cert
        self.startSeconds = startSeconds
        self.endSeconds = endSeconds
        self.summary = summary
        self.evidence = evidence
    }

    /// The finding's id in every output (JSON Lines, CSV, Parquet): FNV-1a (64 bits) of its key, 16 hex digits.
    package static func identifier(_ key: String) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in key.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    package static func == (lhs: FindingRow, rhs: FindingRow) -> Bool {
        lhs.key == rhs.key && lhs.summary == rhs.summary && lhs.summaryZh == rhs.summaryZh && lhs.night == rhs.night
            && lhs.seenBefore == rhs.seenBefore && lhs.endSeconds == rhs.endSeconds
            && lhs.evidence.elementsEqual(rhs.evidence, by: { $0 == $1 })
    }
}

extension Store {
    /// Makes the finding table hold exactly `findings` (of the `nights` detected; nil: every night): a case found
    /// again keeps its row (and first-seen time), so re-running detection never multiplies findings (FORMATS.md §5).
    /// The findings of nights not detected stay as they are.
    package func replaceFindings(_ findings: some Sequence<FindingRow>, nights: Set<String>? = nil) throws(StoreError) {
        try connection.execute("BEGIN IMMEDIATE")
        do throws(StoreError) {
            try connection.execute("CREATE TEMP TABLE IF NOT EXISTS currentFinding(key TEXT PRIMARY KEY)")
            try connection.execute("DELETE FROM currentFinding")
            let now = Int64(time(nil))
            let upsert = try connection.prepare(
                """
                INSERT INTO finding(key, detector, severity, venue, terminal, cert, startTime, endTime, summary, evidence,
                  firstSeenAt, lastSeenAt, address, summaryZh, night) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(key) DO UPDATE SET severity = excluded.severity, endTime = excluded.endTime,
                  summary = excluded.summary, evidence = excluded.evidence, lastSeenAt = excluded.lastSeenAt,
                  summaryZh = excluded.summaryZh, night = excluded.night
                """)
            let mark = try connection.prepare("INSERT OR IGNORE INTO currentFinding(key) VALUES(?)")
            for finding in findings {
                upsert.bind(1, finding.key)
                upsert.bind(2, finding.detector)
                upsert.bind(3, finding.severity)
                upsert.bind(4, finding.venue)
                upsert.bind(5, finding.terminal)
                upsert.bind(6, finding.cert)
                upsert.bind(7, finding.startSeconds)
                upsert.bind(8, finding.endSeconds)
                upsert.bind(9, finding.summary)
                upsert.bind(10, finding.evidence.map { "\($0.fileID):\($0.line)" }.joined(separator: ","))
                upsert.bind(11, now)
                upsert.bind(12, now)
                upsert.bind(13, finding.address)
                upsert.bind(14, finding.summaryZh)
                upsert.bind(15, finding.night)
                try upsert.run()
                mark.bind(1, finding.key)
                try mark.run()
            }
            if let nights {
                try Self.fillNightTable(connection, nights)
                try connection.execute(
                    "DELETE FROM finding WHERE night IN (SELECT night FROM detectedNight) "
                        + "AND key NOT IN (SELECT key FROM currentFinding)")
            } else {
                try connection.execute("DELETE FROM finding WHERE key NOT IN (SELECT key FROM currentFinding)")
            }
            try connection.execute("COMMIT")
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
    }

    /// Which summaries `findings(summaries:)` reads: a report shows one language, and the other is ~100 bytes of
    /// each finding held.
    package enum SummaryChoice: Sendable {
        case both
        /// `summary` only; `summaryZh` nil.
        case english
        /// The Chinese summary (the English one where the database has none) as `summaryZh`; `summary` empty.
        case chinese
    }

    /// The stored findings, ordered by detector, venue, start, terminal, cert.
    package func findings(summaries: SummaryChoice = .both) throws(StoreError) -> [FindingRow] {
        let counter = try connection.prepare("SELECT count(*) FROM finding")
        var rows: [FindingRow] = []
        if try counter.step() { rows.reserveCapacity(Int(counter.int64(0))) }
        counter.reset()
        let statement = try connection.prepare(
            """
            SELECT key, detector, severity, venue, terminal, cert, startTime, endTime, summary, evidence, address,
              summaryZh, night
            FROM finding ORDER BY detector, venue, startTime, terminal, cert, address, key
            """)
        // Findings of one detector often share their summary word for word (a night's million invalid IDs, four
        // texts): a summary equal to the one before is that one again, not another copy.
        var previousSummary = "", previousSummaryZh: String? = nil
        func shared(_ column: Int32, _ previous: String) -> String {
            let bytes = statement.textBytes(column)
            let same = previous.utf8.withContiguousStorageIfAvailable { text in
                text.count == bytes.count && (bytes.isEmpty || memcmp(text.baseAddress!, bytes.baseAddress!, bytes.count) == 0)
            }
            return same == true ? previous : statement.string(column)
        }
        while try statement.step() {
            var evidence: [(fileID: Int64, line: Int64)] = []
            for pair in statement.string(9).split(separator: ",") {
                let parts = pair.split(separator: ":")
                // Written only by `replaceFindings`: anything else means the database was changed or damaged.
                guard parts.count == 2, let file = Int64(parts[0]), let line = Int64(parts[1]) else {
                    throw StoreError(
                        description: "finding \(statement.string(0)) of '\(path)' has evidence '\(pair.prefix(40))' that is "
                            + "not file:line; the database is damaged")
                }
                evidence.append((file, line))
            }
            var summary = "", summaryZh: String? = nil
            switch summaries {
            case .both:
                summary = shared(8, previousSummary)
                summaryZh = statement.isNull(11) ? nil : shared(11, previousSummaryZh ?? "")
            case .english:
                summary = shared(8, previousSummary)
            case .chinese:
                summaryZh = shared(statement.isNull(11) ? 8 : 11, previousSummaryZh ?? "")
            }
            (previousSummary, previousSummaryZh) = (summary, summaryZh)
            rows.append(
                FindingRow(
                    key: statement.string(0), detector: statement.string(1), severity: statement.string(2),
                    venue: statement.string(3), terminal: statement.optionalString(4), cert: statement.optionalString(5),
                    address: statement.optionalString(10), startSeconds: statement.int64(6), endSeconds: statement.int64(7),
                    summary: summary, summaryZh: summaryZh, night: statement.optionalString(12), evidence: evidence))
        }
        return rows
    }

    /// `temp.detectedNight` holding `nights`.
    static func fillNightTable(_ connection: SQLiteConnection, _ nights: Set<String>) throws(StoreError) {
        try connection.execute(
            "CREATE TEMP TABLE IF NOT EXISTS detectedNight(night TEXT PRIMARY KEY); DELETE FROM detectedNight")
        let insert = try connection.prepare("INSERT INTO detectedNight(night) VALUES(?)")
        for night in nights {
            insert.bind(1, night)
            try insert.run()
        }
    }
}
