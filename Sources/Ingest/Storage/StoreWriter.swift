import CSQLite
import Glibc
import LogFormats

/// The single writer of the store (STYLE.md §3): takes one file's messages in order inside one
/// transaction, so that a run killed half-way leaves no half-ingested file behind.
package final class StoreWriter {
    package let store: Store
    private var connection: SQLiteConnection { store.connection }
    private var fileID: Int64 = 0
    private var inFile = false
    /// The current file's rows by local day (UTC+8, days since the epoch), for naming the night: `fileDay` rows.
    private var dayRows: [Int64: Int64] = [:]
    /// The day being counted and its rows not yet in `dayRows` (rows come in runs of one day).
    private var runDay = Int64.min
    private var runDayRows: Int64 = 0

    private let insertFile: Statement
    private let updateFile: Statement
    private let findHash: Statement
    private let insertSessionSegment: Statement
    private let upsertRealnameSession: Statement
    private let insertTransactionSegment: Statement
    /// The segments of a batch being written, one per venue, reused batch after batch.
    private var segments = VenueSegments()
    /// The current file's session rows as the run totals fold them, handed to the store when the file commits.
    private var foldedSessions = FoldedSessions()
    private let insertEventSegment: Statement
    private let insertPulse: Statement
    private let insertFileDay: Statement
    private let upsertAddress: Statement
    private let upsertCoverage: Statement
    private let insertQuarantine: Statement
    private let upsertRegistryVenue: Statement
    private let upsertRegistryTerminal: Statement

    package init(store: Store) throws(StoreError) {
        self.store = store
        let connection = store.connection
        insertFile = try connection.prepare(
            "INSERT INTO ingestedFile(path, contentHash, status, ingestedAt) VALUES(?, ?, 'pending', ?)")
        updateFile = try connection.prepare(
            """
            UPDATE ingestedFile SET contentHash = ?, format = ?, encoding = ?, compression = ?, status = ?, lines = ?,
              rows = ?, quarantined = ?, skipped = ?, bytes = ?, exportTime = ?, damageOffset = ?, damageReason = ?,
              detail = ? WHERE id = ?
            """)
        findHash = try connection.prepare("SELECT id FROM ingestedFile WHERE contentHash = ? AND id <> ?")
        // FORMATS.md §6's rules for copies (a closed session beats an open one, then the later 导出时间, then the later
        // copy; a transaction's first copy stands) are applied when rows are read (`Store+Segments.swift`).
        insertSessionSegment = try connection.prepare(
            "INSERT INTO sessionSegment(venue, fileId, exportTime, count, maxTime, rows) VALUES(?, ?, ?, ?, ?, ?)")
        insertTransactionSegment = try connection.prepare(
            "INSERT INTO transactionSegment(venue, fileId, count, maxTime, rows) VALUES(?, ?, ?, ?, ?)")
        // The same rule for a platform file sent again: the copy with 下网时间 wins, else the later one.
        upsertRealnameSession = try connection.prepare(
            """
            INSERT INTO realnameSession(venue, terminal, cert, certType, name, startTime, endTime, birthDate, fileId, line)
            VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(venue, terminal, cert, startTime) DO UPDATE SET certType = excluded.certType,
              name = excluded.name, endTime = excluded.endTime, birthDate = excluded.birthDate,
              fileId = excluded.fileId, line = excluded.line
            WHERE (excluded.endTime IS NOT NULL) >= (realnameSession.endTime IS NOT NULL)
            """)
        insertEventSegment = try connection.prepare(
            "INSERT INTO eventSegment(venue, fileId, count, rows) VALUES(?, ?, ?, ?)")
        insertFileDay = try connection.prepare("INSERT INTO fileDay(fileId, day, rows) VALUES(?, ?, ?)")
        insertPulse = try connection.prepare(
            """
            INSERT INTO pulseRun(venue, terminal, family, minTime, maxTime, count, baseTime, baseLine, times,
              pulseValues, lines, fileId) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        upsertAddress = try connection.prepare(
            """
            INSERT INTO terminalAddress(venue, terminal, ip, mac, firstTime, lastTime, count, fileId, line)
            VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(venue, fileId, terminal, ip, mac) DO UPDATE SET count = count + excluded.count,
              lastTime = max(lastTime, excluded.lastTime),
              line = CASE WHEN excluded.firstTime < firstTime THEN excluded.line ELSE line END,
              firstTime = min(firstTime, excluded.firstTime)
            """)
        upsertCoverage = try connection.prepare(
            """
            INSERT INTO venueCoverage(venue, firstTime, lastTime, fileId) VALUES(?, ?, ?, ?)
            ON CONFLICT(venue, fileId) DO UPDATE SET firstTime = min(firstTime, excluded.firstTime),
              lastTime = max(lastTime, excluded.lastTime)
            """)
        insertQuarantine = try connection.prepare(
            "INSERT INTO quarantinedRow(fileId, line, reason, detail, raw, truncated) VALUES(?, ?, ?, ?, ?, ?)")
        upsertRegistryVenue = try connection.prepare(
            """
            INSERT OR REPLACE INTO registryVenue(venue, name, owner, address, phone, isp, publicIp, lan, lanAddress,
              lanPrefix, terminalCount, billingSystem, auditSystem, fileId, line)
            VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        upsertRegistryTerminal = try connection.prepare(
            "INSERT OR REPLACE INTO registryTerminal(venue, terminal, ip, mac, fileId, line) VALUES(?, ?, ?, ?, ?, ?)")
        // A platform session that a later file's copy takes over leaves its file's night (see `movedFromFiles`).
        // No key on the table: a trigger's `OR IGNORE` gives way to the upsert's own conflict rule (abort).
        try connection.execute(
            """
            CREATE TEMP TABLE IF NOT EXISTS movedRealnameFile(id INTEGER NOT NULL);
            CREATE TEMP TRIGGER IF NOT EXISTS realnameMoved AFTER UPDATE OF fileId ON main.realnameSession
              WHEN old.fileId IS NOT new.fileId BEGIN
                INSERT INTO movedRealnameFile(id) SELECT old.fileId
                  WHERE NOT EXISTS (SELECT 1 FROM movedRealnameFile WHERE id = old.fileId);
              END;
            """)
    }

    /// Starts a file's transaction.
    package func beginFile(path: String) throws(StoreError) {
        try connection.execute("BEGIN IMMEDIATE")
        inFile = true
        dayRows.removeAll(keepingCapacity: true)
        runDay = Int64.min
        runDayRows = 0
        insertFile.bind(1, path)
        insertFile.bind(2, "pending:\(path)")
        insertFile.bind(3, Int64(time(nil)))
        try insertFile.run()
        fileID = sqlite3_last_insert_rowid(connection.handle)
    }

    /// Counts `rows` on the local day of `seconds` (the same integer day SQLite's `(t + 28800) / 86400` gives).
    @inline(__always)
    private func countDay(_ seconds: Int64, rows: Int64 = 1) {
        let day = (seconds + 28800) / 86400
        if day != runDay {
            flushDay()
            runDay = day
        }
        runDayRows += rows
    }

    private func flushDay() {
        if runDayRows > 0 { dayRows[runDay, default: 0] += runDayRows }
        runDayRows = 0
    }

    /// Maps a batch's dictionary ids to the store's symbol ids.
    private func globalIDs(_ dictionary: StringDictionary) -> ContiguousArray<Int64> {
        store.symbols(of: dictionary)
    }

    /// Writes one message of the current file.
    package func write(_ message: IngestMessage) throws(StoreError) {
        switch message {
        case .sessions(let batch, let exportSeconds): try write(batch, exportSeconds: exportSeconds)
        case .realnameSessions(let batch): try writeRealname(batch)
        case .transactions(let batch): try write(batch)
        case .events(let batch): try write(batch)
        case .pulses(let runs):
            for run in runs {
                let statement = insertPulse
                statement.bind(1, store.symbol(run.venue))
                statement.bind(2, store.symbol(run.terminal))
                statement.bind(3, Int64(run.family.rawValue))
                statement.bind(4, run.minSeconds)
                statement.bind(5, run.maxSeconds)
                statement.bind(6, run.count)
                statement.bind(7, run.baseSeconds)
                statement.bind(8, Int64(run.baseLine))
                run.times.withUnsafeBytes { statement.bindBlob(9, $0) }
                run.values.withUnsafeBytes { statement.bindBlob(10, $0) }
                run.lines.withUnsafeBytes { statement.bindBlob(11, $0) }
                statement.bind(12, fileID)
                try statement.run()
                countDay(run.minSeconds, rows: Int64(run.count))
            }
        case .addresses(let aggregates):
            for aggregate in aggregates {
                upsertAddress.bind(1, store.symbol(aggregate.venue))
                upsertAddress.bind(2, store.symbol(aggregate.terminal))
                upsertAddress.bind(3, aggregate.ipv4 == absentInt64 ? -1 : aggregate.ipv4)
                upsertAddress.bind(4, aggregate.mac == absentInt64 ? -1 : aggregate.mac)
                upsertAddress.bind(5, aggregate.firstSeconds)
                upsertAddress.bind(6, aggregate.lastSeconds)
                upsertAddress.bind(7, aggregate.count)
                upsertAddress.bind(8, fileID)
                upsertAddress.bind(9, Int64(aggregate.firstLine))
                try upsertAddress.run()
            }
        case .coverage(let spans):
            for span in spans {
                upsertCoverage.bind(1, store.symbol(span.venue))
                upsertCoverage.bind(2, span.firstSeconds)
                upsertCoverage.bind(3, span.lastSeconds)
                upsertCoverage.bind(4, fileID)
                try upsertCoverage.run()
            }
        case .quarantine(let rows):
            for row in rows {
                insertQuarantine.bind(1, fileID)
                insertQuarantine.bind(2, row.line)
                insertQuarantine.bind(3, row.reason.rawValue)
                insertQuarantine.bind(4, row.detail)
                row.raw.withUnsafeBytes { insertQuarantine.bindBlob(5, $0) }
                insertQuarantine.bind(6, row.truncated ? 1 : 0)
                try insertQuarantine.run()
            }
        case .registry(let rows):
            for row in rows {
                switch row {
                case .venue(let code, let fields, let lanAddress, let lanPrefix, let terminalCount, let line):
                    let statement = upsertRegistryVenue
                    statement.bind(1, code)
                    typealias Field = RegistryVenuesTable.Field
                    for (offset, column) in [Field.name, .owner, .address, .phone, .isp, .publicIP, .lan].enumerated() {
                        statement.bind(Int32(2 + offset), fields[column.rawValue])
                    }
                    statement.bindNullable(9, lanAddress)
                    statement.bindNullable(10, lanPrefix)
                    statement.bindNullable(11, terminalCount)
                    statement.bind(12, fields[Field.billingSystem.rawValue])
                    statement.bind(13, fields[Field.auditSystem.rawValue])
                    statement.bind(14, fileID)
                    statement.bind(15, line)
                    try statement.run()
                case .terminal(let venue, let terminal, let ipv4, let mac, let line):
                    upsertRegistryTerminal.bind(1, venue)
                    upsertRegistryTerminal.bind(2, terminal)
                    upsertRegistryTerminal.bindNullable(3, ipv4)
                    upsertRegistryTerminal.bindNullable(4, mac)
                    upsertRegistryTerminal.bind(5, fileID)
                    upsertRegistryTerminal.bind(6, line)
                    try upsertRegistryTerminal.run()
                }
            }
        case .end: break
        }
    }

    /// One segment per venue of the batch (rows of several venues may interleave in one export).
    private func write(_ batch: SessionBatch, exportSeconds: Int64?) throws(StoreError) {
        let ids = globalIDs(batch.dictionary)
        batch.recordNo.bytes.withUnsafeBytes { keys in
            segments.write(venues: batch.venue, dictionaryCount: batch.dictionary.count) { row, segment in
                let key = UnsafeRawBufferPointer(rebasing: keys[batch.recordNo.range(row)])
                var cells = segment.beginRow(values: 16, textBytes: key.count)
                cells.append(text: key)
                cells.append(ids[Int(batch.card[row])])
                cells.append(Int64(batch.certType[row]))
                cells.append(ids[Int(batch.cert[row])])
                cells.append(ids[Int(batch.name[row])])
                cells.append(ids[Int(batch.terminal[row])])
                cells.appendNullable(batch.ipv4[row])
                cells.append(Int64(batch.userType[row]))
                cells.append(batch.startSeconds[row])
                cells.appendNullable(batch.endSeconds[row])
                cells.append(batch.amountFen[row])
                cells.append(ids[Int(batch.cashier[row])])
                cells.append(Int64(batch.checkout[row]))
                cells.append(ids[Int(batch.note[row])])
                cells.append(Int64(batch.line[row]))
                cells.appendNullable(batch.birthDate[row] == 0 ? absentInt64 : batch.birthDate[row])
                segment.endRow(cells)
                countDay(batch.startSeconds[row])
                let end = batch.endSeconds[row]
                return end == absentInt64 ? batch.startSeconds[row] : end
            }
        }
        // Each venue's rows in order, for the run totals.
        let keeping = store.foldedSessions.bytes + foldedSessions.bytes < FoldedSessions.capacityBytes
        let (order, starts) = keeping ? segments.rowsByVenue() : ([], [])
        for (index, venue) in segments.written.enumerated() {
            let statement = insertSessionSegment
            statement.bind(1, ids[Int(venue.venue)])
            statement.bind(2, fileID)
            statement.bindNullable(3, exportSeconds ?? absentInt64)
            statement.bind(4, venue.rows)
            statement.bind(5, venue.maxTime)
            statement.bindBorrowedText(6, venue.segment.bytes)
            try statement.runClearing()
            guard keeping else { continue }
            foldedSessions.beginSegment(
                venue: ids[Int(venue.venue)], id: sqlite3_last_insert_rowid(connection.handle), export: exportSeconds ?? 0)
            batch.recordNo.bytes.withUnsafeBytes { keys in
                for row in order[starts[index]..<starts[index + 1]] {
                    foldedSessions.append(
                        key: UnsafeRawBufferPointer(rebasing: keys[batch.recordNo.range(row)]),
                        closed: batch.endSeconds[row] != absentInt64,
                        amountFen: batch.amountFen[row] == absentInt64 ? 0 : batch.amountFen[row])
                }
            }
        }
    }

    private func writeRealname(_ batch: SessionBatch) throws(StoreError) {
        let ids = globalIDs(batch.dictionary)
        let statement = upsertRealnameSession
        for row in 0..<batch.count {
            statement.bind(1, ids[Int(batch.venue[row])])
            statement.bind(2, ids[Int(batch.terminal[row])])
            statement.bind(3, ids[Int(batch.cert[row])])
            statement.bind(4, Int64(batch.certType[row]))
            statement.bind(5, ids[Int(batch.name[row])])
            statement.bind(6, batch.startSeconds[row])
            statement.bindNullable(7, batch.endSeconds[row])
            statement.bindNullable(8, batch.birthDate[row] == 0 ? absentInt64 : batch.birthDate[row])
            statement.bind(9, fileID)
            statement.bind(10, Int64(batch.line[row]))
            try statement.run()
            countDay(batch.startSeconds[row])
        }
    }

    private func write(_ batch: TransactionBatch) throws(StoreError) {
        let ids = globalIDs(batch.dictionary)
        batch.serialNo.bytes.withUnsafeBytes { keys in
            segments.write(venues: batch.venue, dictionaryCount: batch.dictionary.count) { row, segment in
                let key = UnsafeRawBufferPointer(rebasing: keys[batch.serialNo.range(row)])
                var cells = segment.beginRow(values: 11, textBytes: key.count)
                cells.append(text: key)
                cells.append(batch.timeSeconds[row])
                cells.append(Int64(batch.kind[row]))
                cells.append(ids[Int(batch.card[row])])
                cells.append(ids[Int(batch.cert[row])])
                cells.append(batch.amountFen[row])
                cells.appendNullable(batch.balanceFen[row])
                cells.append(ids[Int(batch.cashier[row])])
                cells.append(ids[Int(batch.terminal[row])])
                cells.append(ids[Int(batch.note[row])])
                cells.append(Int64(batch.line[row]))
                segment.endRow(cells)
                countDay(batch.timeSeconds[row])
                return batch.timeSeconds[row]
            }
        }
        for venue in segments.written {
            let statement = insertTransactionSegment
            statement.bind(1, ids[Int(venue.venue)])
            statement.bind(2, fileID)
            statement.bind(3, venue.rows)
            statement.bind(4, venue.maxTime)
            statement.bindBorrowedText(5, venue.segment.bytes)
            try statement.runClearing()
        }
    }

    /// One segment per venue of the batch, as for sessions (a log is nearly always one venue's). Events are appended
    /// as read; an event repeated by a re-sent log is dropped when read back (`Store.events(venue:)`), as pulses are.
    private func write(_ batch: AuditEventBatch) throws(StoreError) {
        let ids = globalIDs(batch.dictionary)
        segments.write(venues: batch.venue, dictionaryCount: batch.dictionary.count) { row, segment in
            var cells = segment.beginRow(values: 16)
            cells.append(batch.timeSeconds[row])
            cells.append(Int64(batch.kind[row]))
            cells.append(ids[Int(batch.terminal[row])])
            cells.appendNullable(batch.ipv4[row])
            cells.appendNullable(batch.mac[row])
            cells.append(Int64(batch.certType[row]))
            cells.append(ids[Int(batch.cert[row])])
            cells.append(ids[Int(batch.name[row])])
            cells.append(ids[Int(batch.text[row])])
            cells.append(ids[Int(batch.md5[row])])
            cells.append(Int64(batch.code[row]))
            cells.appendNullable(batch.destinationIPv4[row])
            cells.append(batch.destinationPort[row])
            cells.append(batch.bytesUp[row])
            cells.append(batch.bytesDown[row])
            cells.append(Int64(batch.line[row]))
            segment.endRow(cells)
            countDay(batch.timeSeconds[row])
            return batch.timeSeconds[row]
        }
        for venue in segments.written {
            let statement = insertEventSegment
            statement.bind(1, ids[Int(venue.venue)])
            statement.bind(2, fileID)
            statement.bind(3, venue.rows)
            statement.bindBorrowedText(4, venue.segment.bytes)
            try statement.runClearing()
        }
    }

    /// Ends the file: commits it, or rolls it back when the same content was ingested before (or nothing
    /// could be recognised). Returns the report with its final status.
    package func endFile(_ report: FileReport) throws(StoreError) -> FileReport {
        var report = report
        defer { inFile = false }
        var held = try storedFile(report.contentHash)
        if held == nil, let legacy = report.legacyContentHash { held = try storedFile(legacy) }
        let isDuplicate = held != nil
        // A file with nothing usable is not remembered either, so that a run able to read it will.
        defer { foldedSessions.removeAll() }
        if isDuplicate || !report.keepsRows {
            try connection.execute("ROLLBACK")
            store.forgetUnpersistedSymbols()
            if isDuplicate && report.keepsRows {
                report.status = .duplicate
                report.heldFileID = held
            }
            return report
        }
        try store.persistSymbols()
        flushDay()
        for (day, rows) in dayRows {
            insertFileDay.bind(1, fileID)
            insertFileDay.bind(2, day)
            insertFileDay.bind(3, rows)
            try insertFileDay.run()
        }
        let statement = updateFile
        statement.bind(1, report.contentHash)
        statement.bind(2, report.format?.rawValue)
        statement.bind(3, report.encoding.rawValue)
        statement.bind(4, report.compression.rawValue)
        statement.bind(5, report.status.rawValue)
        statement.bind(6, report.lines)
        statement.bind(7, report.rows)
        statement.bind(8, report.quarantined)
        statement.bind(9, report.skipped)
        statement.bind(10, report.bytes)
        statement.bindNullable(11, report.exportSeconds ?? absentInt64)
        statement.bindNullable(12, report.damage?.offset ?? absentInt64)
        statement.bind(13, report.damage?.reason)
        statement.bind(14, report.detailJSON)
        statement.bind(15, fileID)
        try statement.run()
        try connection.execute("COMMIT")
        store.foldedSessions.append(foldedSessions)
        report.fileID = fileID
        return report
    }

    /// The file other than the current one with this content hash, if any.
    private func storedFile(_ hash: String) throws(StoreError) -> Int64? {
        findHash.bind(1, hash)
        findHash.bind(2, fileID)
        defer { findHash.reset() }
        return try findHash.step() ? findHash.int64(0) : nil
    }

    /// Gives up the current file's transaction (after a store error).
    package func abandonFile() {
        guard inFile else { return }
        try? connection.execute("ROLLBACK")
        try? store.loadSymbols()
        foldedSessions.removeAll()
        inFile = false
    }
}

extension FileReport {
    /// Skips, quarantine reasons, unknown events and warnings, as a JSON object.
    package var detailJSON: String {
        func object(_ pairs: [(String, Int)]) -> String {
            "{" + pairs.sorted { $0.0 < $1.0 }.map { "\(JSONText.quoted($0.0)):\($0.1)" }.joined(separator: ",") + "}"
        }
        return "{\"reason\":\(reason.map(JSONText.quoted) ?? "null"),"
            + "\"skipped\":\(object(skippedByKind.map { ($0.key.rawValue, $0.value) })),"
            + "\"quarantined\":\(object(quarantinedByReason.map { ($0.key.rawValue, $0.value) })),"
            + "\"unknownEvents\":\(object(unknownEvents.map { ($0.key, $0.value) })),"
            + "\"warnings\":[\(warnings.map { JSONText.quoted($0.description) }.joined(separator: ","))]}"
    }
}

/// JSON string escaping for the few JSON texts netbar writes by hand.
package enum JSONText {
    package static func quoted(_ text: String) -> String {
        // Most texts need no escape: they are copied whole (scalar by scalar, this was a quarter of writing out a
        // night of 1.45 M findings). Every byte of a multi-byte UTF-8 character is ≥ 0x80, so bytes decide.
        var plain = true
        for byte in text.utf8 where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
            plain = false
            break
        }
        if plain {
            var output = "\""
            output.reserveCapacity(text.utf8.count + 2)
            output += text
            output += "\""
            return output
        }
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        return output + "\""
    }
}
