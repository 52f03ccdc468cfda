import CSQLite
import LogFormats

/// A stored session, as the detectors' loader reads it (symbol ids are the store's).
package struct StoredSession: Sendable {
    package var terminal: Int64
    package var cert: Int64
    package var certType: UInt16
    package var userType: UInt8
    package var checkout: UInt8
    package var startSeconds: Int64
    /// `absentInt64` while open.
    package var endSeconds: Int64
    /// 导出时间 of the export the row came from, or `absentInt64`.
    package var exportSeconds: Int64
    package var amountFen: Int64
    /// Birth date as the number 19950529, or 0 when the export gave none.
    package var birthDate: Int64
    package var fileID: Int64
    package var line: Int64
}

package struct StoredTransaction: Sendable {
    package var timeSeconds: Int64
    package var kind: UInt8
    package var cert: Int64
    package var terminal: Int64
    package var amountFen: Int64
    package var fileID: Int64
    package var line: Int64
}

package struct StoredEvent: Sendable {
    package var kind: AuditEventKind
    package var timeSeconds: Int64
    package var terminal: Int64
    package var certType: UInt16
    package var cert: Int64
    /// exe (PROC), reader serial (SWIPE) or detail (AUDIT).
    package var text: Int64
    package var code: UInt8
    package var fileID: Int64
    package var line: Int64
}

/// A `FLOW` traffic summary (FORMATS.md §3.3).
package struct StoredFlow: Sendable {
    package var timeSeconds: Int64
    /// Terminal symbol; 0 when the gateway wrote the line for an address with no audit client.
    package var terminal: Int64
    /// IPv4 or `absentInt64`.
    package var ipv4: Int64
    /// MAC or `absentInt64`.
    package var mac: Int64
    /// Destination IPv4 or `absentInt64`.
    package var destinationIPv4: Int64
    package var bytesUp: Int64
    package var bytesDown: Int64
    package var fileID: Int64
    package var line: Int64
}

package struct StoredAddress: Sendable {
    package var terminal: Int64
    /// IPv4 or -1.
    package var ipv4: Int64
    /// MAC or -1.
    package var mac: Int64
    package var firstSeconds: Int64
    package var lastSeconds: Int64
    package var count: Int64
    package var fileID: Int64
    package var line: Int64
}

package struct StoredRegistryVenue: Sendable {
    package var code: String
    package var name: String
    package var billingSystem: String
    /// (network, prefix length).
    package var lan: (address: UInt32, prefixLength: Int)?
    package var terminalCount: Int?
}

extension Store {
    /// Limits the reads below to the rows of these files (one night's, FORMATS.md §5), or lifts the limit (nil).
    package func setScope(fileIDs: [Int64]?) throws(StoreError) {
        try connection.execute("CREATE TEMP TABLE IF NOT EXISTS scopeFile(id INTEGER PRIMARY KEY); DELETE FROM scopeFile;")
        guard let fileIDs else {
            scoped = false
            scopeFileIDs = nil
            return
        }
        scopeFileIDs = Set(fileIDs)
        let insert = try connection.prepare("INSERT OR IGNORE INTO scopeFile(id) VALUES(?)")
        for id in fileIDs {
            insert.bind(1, id)
            try insert.run()
        }
        scoped = true
    }

    /// ` AND fileId IN scopeFile` while a scope is set.
    private var inScope: String { scoped ? " AND fileId IN scopeFile" : "" }

    /// Every venue with any data, by symbol id, in venue-code order.
    package func venueIDs() throws(StoreError) -> [Int64] {
        let statement = try connection.prepare(
            """
            SELECT venue FROM eventSegment WHERE 1\(inScope) UNION SELECT venue FROM pulseRun WHERE 1\(inScope)
            UNION SELECT venue FROM venueCoverage WHERE 1\(inScope) UNION SELECT venue FROM realnameSession WHERE 1\(inScope)
            """)
        var ids = Set<Int64>()
        while try statement.step() { ids.insert(statement.int64(0)) }
        // A venue known only from billing rows counts when a session or transaction of the scope is still its
        // latest copy (a copy re-sent in a later night moves the row there, as the views say).
        for (venue, _) in try segmentVenues(table: "sessionSegment") where !ids.contains(venue) {
            let kept = scoped ? !(try resolvedSessions(venue: venue).rows.isEmpty) : true
            if kept { ids.insert(venue) }
        }
        for (venue, _) in try segmentVenues(table: "transactionSegment") where !ids.contains(venue) {
            let kept = scoped ? !(try resolvedTransactions(venue: venue).rows.isEmpty) : true
            if kept { ids.insert(venue) }
        }
        return ids.sorted { symbolText($0) < symbolText($1) }
    }

    /// The latest time anywhere in the data: where an open session without an export time ends (FORMATS.md §4).
    package func dataEndSeconds() throws(StoreError) -> Int64? {
        let statement = try connection.prepare(
            """
            SELECT max(m) FROM (SELECT max(coalesce(endTime, startTime)) AS m FROM realnameSession WHERE 1\(inScope)
              UNION ALL SELECT max(lastTime) FROM venueCoverage WHERE 1\(inScope))
            """)
        var end: Int64? = nil
        if try statement.step(), !statement.isNull(0) { end = statement.int64(0) }
        statement.reset()
        // Billing rows are read only for a venue whose segments could hold a later time than what is known; the
        // segment's bound counts copies that a later copy replaced, so the winners decide.
        for (venue, bound) in try segmentVenues(table: "sessionSegment") where bound > end ?? Int64.min {
            for row in try resolvedSessions(venue: venue).rows {
                let time = row.endSeconds == absentInt64 ? row.startSeconds : row.endSeconds
                end = max(end ?? time, time)
            }
        }
        for (venue, bound) in try segmentVenues(table: "transactionSegment") where bound > end ?? Int64.min {
            for row in try resolvedTransactions(venue: venue).rows { end = max(end ?? row.timeSeconds, row.timeSeconds) }
        }
        return end
    }

    package func sessions(venue: Int64) throws(StoreError) -> [StoredSession] {
        try resolvedSessions(venue: venue).rows.map { row in
            StoredSession(
                terminal: row.terminal, cert: row.cert, certType: UInt16(truncatingIfNeeded: row.certType),
                userType: UInt8(truncatingIfNeeded: row.userType), checkout: UInt8(truncatingIfNeeded: row.checkout),
                startSeconds: row.startSeconds, endSeconds: row.endSeconds, exportSeconds: row.exportSeconds,
                amountFen: row.amountFen, birthDate: row.birthDate == absentInt64 ? 0 : row.birthDate,
                fileID: row.fileID, line: row.line)
        }
    }

    /// The real-name platform's sessions of a venue (FORMATS.md §3.6), in start order; user type, checkout
    /// and amount are unknown (0), the export time absent.
    package func realnameSessions(venue: Int64) throws(StoreError) -> [StoredSession] {
        let statement = try connection.prepare(
            """
            SELECT terminal, cert, certType, startTime, endTime, fileId, line, coalesce(birthDate, 0)
            FROM realnameSession WHERE venue = ?\(inScope) ORDER BY startTime, terminal, cert
            """)
        statement.bind(1, venue)
        var rows: [StoredSession] = []
        while try statement.step() {
            rows.append(
                StoredSession(
                    terminal: statement.int64(0), cert: statement.int64(1),
                    certType: UInt16(truncatingIfNeeded: statement.int64(2)), userType: 0, checkout: 0,
                    startSeconds: statement.int64(3), endSeconds: statement.nullableInt64(4), exportSeconds: absentInt64,
                    amountFen: 0, birthDate: statement.int64(7), fileID: statement.int64(5), line: statement.int64(6)))
        }
        return rows
    }

    package func transactions(venue: Int64) throws(StoreError) -> [StoredTransaction] {
        try resolvedTransactions(venue: venue).rows.map { row in
            StoredTransaction(
                timeSeconds: row.timeSeconds, kind: UInt8(truncatingIfNeeded: row.kind), cert: row.cert,
                terminal: row.terminal, amountFen: row.amountFen == absentInt64 ? 0 : row.amountFen,
                fileID: row.fileID, line: row.line)
        }
    }

    /// The venue's audit events (not FLOW, which no rule reads beyond its address), in time order; an
    /// event that a re-sent or overlapping log repeats is read once (FORMATS.md §1), its first copy kept.
    /// Rows are sorted here rather than by SQLite: a log is already in time order, which Swift's sort takes as
    /// runs, while SQLite's sorter took 70 % of the query.
    package func events(venue: Int64) throws(StoreError) -> [StoredEvent] { try eventsAndFlows(venue: venue).events }

    /// The venue's `FLOW` lines in time order; a line a re-sent or overlapping log repeats is read once, its
    /// first copy kept (its bytes must not count twice). Sorted here, as `events` are.
    package func flows(venue: Int64) throws(StoreError) -> [StoredFlow] { try eventsAndFlows(venue: venue).flows }

    /// `events` and `flows` from one pass over the venue's segments (each alone reads them all).
    package func eventsAndFlows(venue: Int64) throws(StoreError) -> (events: [StoredEvent], flows: [StoredFlow]) {
        var read: [EventCells] = []
        var readFlows: [(flow: StoredFlow, port: Int64)] = []
        try forEachEventCells(venue: venue) { cells in
            guard cells.kind != Int64(AuditEventKind.flow.rawValue) else {
                let flow = StoredFlow(
                    timeSeconds: cells.time, terminal: cells.terminal, ipv4: cells.ip, mac: cells.mac,
                    destinationIPv4: cells.destinationIP, bytesUp: cells.bytesUp, bytesDown: cells.bytesDown,
                    fileID: cells.fileID, line: cells.line)
                readFlows.append((flow, cells.destinationPort))
                return
            }
            read.append(cells)
        }
        return (try Self.uniqueEvents(read), Self.uniqueFlows(readFlows))
    }

    /// `read` is consumed: sorted in place, not copied.
    private static func uniqueEvents(_ read: consuming [EventCells]) throws(StoreError) -> [StoredEvent] {
        // SQLite's order: time, kind, terminal, cert, text, code, name, ip, mac (NULL first), fileId, line.
        read.sort { a, b in
            if (a.time, a.kind, a.terminal, a.cert, a.text, a.code) != (b.time, b.kind, b.terminal, b.cert, b.text, b.code) {
                return (a.time, a.kind, a.terminal, a.cert, a.text, a.code) < (b.time, b.kind, b.terminal, b.cert, b.text, b.code)
            }
            return (a.name, a.ip, a.mac, a.fileID, a.line) < (b.name, b.ip, b.mac, b.fileID, b.line)
        }
        var rows: [StoredEvent] = []
        rows.reserveCapacity(read.count)
        var previous: EventCells?
        for row in read {
            if let previous, row.sameContent(as: previous) { continue }
            previous = row
            // Only a damaged database holds a kind this build does not know: said, not read as fewer events.
            guard row.kind >= 0 && row.kind <= Int64(UInt8.max), let kind = AuditEventKind(rawValue: UInt8(row.kind)) else {
                throw StoreError(
                    description: "an audit event of file \(row.fileID) line \(row.line) has the unknown kind \(row.kind); "
                        + "the database needs to be ingested again")
            }
            rows.append(
                StoredEvent(
                    kind: kind, timeSeconds: row.time, terminal: row.terminal,
                    certType: UInt16(truncatingIfNeeded: row.certType), cert: row.cert, text: row.text,
                    code: UInt8(truncatingIfNeeded: row.code), fileID: row.fileID, line: row.line))
        }
        return rows
    }

    private static func uniqueFlows(_ read: consuming [(flow: StoredFlow, port: Int64)]) -> [StoredFlow] {
        // SQLite's order: time, terminal, ip, mac, dstIp (NULL first), dstPort, bytesUp, bytesDown, fileId, line.
        read.sort { a, b in
            let x = a.flow
            let y = b.flow
            if (x.timeSeconds, x.terminal, x.ipv4, x.mac, x.destinationIPv4, a.port)
                != (y.timeSeconds, y.terminal, y.ipv4, y.mac, y.destinationIPv4, b.port)
            {
                return (x.timeSeconds, x.terminal, x.ipv4, x.mac, x.destinationIPv4, a.port)
                    < (y.timeSeconds, y.terminal, y.ipv4, y.mac, y.destinationIPv4, b.port)
            }
            return (x.bytesUp, x.bytesDown, x.fileID, x.line) < (y.bytesUp, y.bytesDown, y.fileID, y.line)
        }
        var rows: [StoredFlow] = []
        var previousPort = Int64.min
        for (flow, port) in read {
            if let last = rows.last, last.timeSeconds == flow.timeSeconds, last.terminal == flow.terminal,
                last.ipv4 == flow.ipv4, last.mac == flow.mac, last.destinationIPv4 == flow.destinationIPv4,
                previousPort == port, last.bytesUp == flow.bytesUp, last.bytesDown == flow.bytesDown
            {
                continue
            }
            previousPort = port
            rows.append(flow)
        }
        return rows
    }

    /// Every audit event row of the venue in the scope's files (`eventSegment`), in stored order. A cell that is not
    /// a segment's JSON throws, naming its file: a damaged database is said, never read as fewer events.
    private func forEachEventCells(venue: Int64, _ body: (EventCells) -> Void) throws(StoreError) {
        let statement = try connection.prepare(
            "SELECT fileId, rows FROM eventSegment WHERE venue = ?\(inScope) ORDER BY id")
        statement.bind(1, venue)
        while try statement.step() {
            try Self.forEachEventRow(in: statement.textBytes(1), fileID: statement.int64(0), body)
        }
    }

    /// The rows of one `eventSegment` cell of file `fileID`, in order.
    static func forEachEventRow(
        in cell: UnsafeRawBufferPointer, fileID: Int64, _ body: (EventCells) -> Void
    ) throws(StoreError) {
        var reader = try SegmentReader(cell, what: "an audit event segment of file \(fileID)")
        // A null where this build always writes a number (only a hand-made row has one) reads as 0, as SQLite's
        // column reader gave it from the table these segments replace.
        func number() throws(StoreError) -> Int64 {
            let value = try reader.int64()
            return value == absentInt64 ? 0 : value
        }
        while try reader.nextRow() {
            let cells = EventCells(
                time: try number(), kind: try number(), terminal: try number(), ip: try reader.int64(),
                mac: try reader.int64(), certType: try number(), cert: try number(), name: try number(),
                text: try number(), md5: try number(), code: try number(), destinationIP: try reader.int64(),
                destinationPort: try number(), bytesUp: try number(), bytesDown: try number(),
                line: try number(), fileID: fileID)
            try reader.endRow()
            body(cells)
        }
    }

    /// Every pulse of a venue, per terminal and family, decoded from its runs (unsorted; runs of re-sent
    /// logs repeat pulses, which the caller removes after sorting).
    package func forEachPulse(
        venue: Int64, _ body: (_ terminal: Int64, _ family: PulseRun.Family, _ seconds: Int64, _ value: UInt8,
            _ fileID: Int64, _ line: Int32) -> Void
    ) throws(StoreError) {
        let statement = try connection.prepare(
            """
            SELECT terminal, family, count, baseTime, baseLine, times, pulseValues, lines, fileId FROM pulseRun
            WHERE venue = ?\(inScope) ORDER BY terminal, family, fileId, id
            """)
        statement.bind(1, venue)
        while try statement.step() {
            let terminal = statement.int64(0)
            let family = PulseRun.Family(rawValue: UInt8(truncatingIfNeeded: statement.int64(1))) ?? .heartbeat
            let fileID = statement.int64(8)
            PulseRunDecoder.decode(
                baseSeconds: statement.int64(3), baseLine: Int32(truncatingIfNeeded: statement.int64(4)),
                count: Int(statement.int64(2)), times: statement.blob(5), values: statement.blob(6),
                lines: statement.blob(7)
            ) { seconds, value, line in body(terminal, family, seconds, value, fileID, line) }
        }
    }

    package func addresses(venue: Int64) throws(StoreError) -> [StoredAddress] {
        let statement = try connection.prepare(
            """
            SELECT terminal, ip, mac, firstTime, lastTime, count, fileId, line FROM terminalAddress
            WHERE venue = ?\(inScope) ORDER BY terminal, ip, mac, firstTime, fileId
            """)
        statement.bind(1, venue)
        // Rows are kept per file: one sighting per (terminal, IP, MAC) over the files read, its evidence the first.
        var rows: [StoredAddress] = []
        while try statement.step() {
            let row = StoredAddress(
                terminal: statement.int64(0), ipv4: statement.int64(1), mac: statement.int64(2),
                firstSeconds: statement.int64(3), lastSeconds: statement.int64(4), count: statement.int64(5),
                fileID: statement.int64(6), line: statement.int64(7))
            if let last = rows.last, last.terminal == row.terminal, last.ipv4 == row.ipv4, last.mac == row.mac {
                rows[rows.count - 1].lastSeconds = max(last.lastSeconds, row.lastSeconds)
                rows[rows.count - 1].count += row.count
            } else {
                rows.append(row)
            }
        }
        rows.sort { ($0.terminal, $0.firstSeconds, $0.ipv4, $0.mac) < ($1.terminal, $1.firstSeconds, $1.ipv4, $1.mac) }
        return rows
    }

    /// Every MAC seen in audit events, as 48-bit values.
    package func distinctAddressMACs() throws(StoreError) -> [Int64] {
        let statement = try connection.prepare("SELECT DISTINCT mac FROM terminalAddress WHERE mac >= 0 ORDER BY mac")  // all nights
        var macs: [Int64] = []
        while try statement.step() { macs.append(statement.int64(0)) }
        return macs
    }

    package func coverage(venue: Int64) throws(StoreError) -> ClosedRange<Int64>? {
        let statement = try connection.prepare(
            "SELECT min(firstTime), max(lastTime) FROM venueCoverage WHERE venue = ?\(inScope)")
        statement.bind(1, venue)
        guard try statement.step(), !statement.isNull(0) else { return nil }
        defer { statement.reset() }
        let first = statement.int64(0)
        return first...max(first, statement.int64(1))
    }

    /// The imported registry, or nil when none was imported.
    package func registry() throws(StoreError) -> (
        venues: [StoredRegistryVenue], terminals: [(venue: String, terminal: String, ipv4: Int64, mac: Int64)]
    )? {
        let venueStatement = try connection.prepare(
            "SELECT venue, name, billingSystem, lanAddress, lanPrefix, terminalCount FROM registryVenue ORDER BY venue")
        var venues: [StoredRegistryVenue] = []
        while try venueStatement.step() {
            let lan: (UInt32, Int)? =
                venueStatement.isNull(3) || venueStatement.isNull(4)
                ? nil : (UInt32(truncatingIfNeeded: venueStatement.int64(3)), Int(venueStatement.int64(4)))
            venues.append(
                StoredRegistryVenue(
                    code: venueStatement.string(0), name: venueStatement.string(1),
                    billingSystem: venueStatement.string(2), lan: lan,
                    terminalCount: venueStatement.isNull(5) ? nil : Int(venueStatement.int64(5))))
        }
        let terminalStatement = try connection.prepare(
            "SELECT venue, terminal, ip, mac FROM registryTerminal ORDER BY venue, terminal")
        var terminals: [(venue: String, terminal: String, ipv4: Int64, mac: Int64)] = []
        while try terminalStatement.step() {
            terminals.append(
                (terminalStatement.string(0), terminalStatement.string(1), terminalStatement.nullableInt64(2),
                 terminalStatement.nullableInt64(3)))
        }
        if venues.isEmpty && terminals.isEmpty { return nil }
        return (venues, terminals)
    }

    /// Empties the registry tables (before a fresh `registry import`).
    /// The earlier registry files are forgotten too, so that importing the same files again works.
    package func clearRegistry() throws(StoreError) {
        try connection.execute(
            """
            BEGIN IMMEDIATE; DELETE FROM registryVenue; DELETE FROM registryTerminal;
            DELETE FROM ingestedFile WHERE format IN ('registry-venues', 'registry-terminals'); COMMIT;
            """)
    }


    /// Paths of ingested files by id, for citing evidence.
    package func filePaths() throws(StoreError) -> [Int64: String] {
        let statement = try connection.prepare("SELECT id, path FROM ingestedFile")
        var paths: [Int64: String] = [:]
        while try statement.step() { paths[statement.int64(0)] = statement.string(1) }
        return paths
    }
}

extension Store {
    /// Runs a read-only query and returns every value as text (NULL as ""): for tests and inspection.
    package func textRows(_ sql: String) throws(StoreError) -> [[String]] {
        let statement = try connection.prepare(sql)
        let columns = sqlite3ColumnCount(statement)
        var rows: [[String]] = []
        while try statement.step() {
            rows.append((0..<columns).map { statement.string(Int32($0)) })
        }
        return rows
    }
}

private func sqlite3ColumnCount(_ statement: Statement) -> Int { Int(sqlite3_column_count(statement.handle)) }

/// One stored audit event row as its segment holds it (`auditEvent`'s columns); `absentInt64` for a null.
struct EventCells {
    var time: Int64
    var kind: Int64
    var terminal: Int64
    var ip: Int64
    var mac: Int64
    var certType: Int64
    var cert: Int64
    var name: Int64
    var text: Int64
    var md5: Int64
    var code: Int64
    var destinationIP: Int64
    var destinationPort: Int64
    var bytesUp: Int64
    var bytesDown: Int64
    var line: Int64
    var fileID: Int64

    /// The same event: every column that `events` reads but where it was read.
    func sameContent(as other: EventCells) -> Bool {
        (time, kind, terminal, cert, text, code) == (other.time, other.kind, other.terminal, other.cert, other.text, other.code)
            && (name, ip, mac, certType) == (other.name, other.ip, other.mac, other.certType)
    }
}
