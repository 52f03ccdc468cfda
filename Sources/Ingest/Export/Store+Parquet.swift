import Glibc
import LogFormats
import Parquet

/// What an export wrote, table by table.
package struct ExportSummary: Sendable {
    package var tables: [(name: String, files: Int, rows: Int)] = []
    package var nights: [String] = []
}

/// The partition name of rows whose night is not known (a database from before nights, registry files).
package let unknownNight = "unknown"

extension Store {
    /// Writes the normalised tables as Parquet under `root` (FORMATS.md is silent; docs/parquet.md is the layout):
    /// `TABLE/night=YYYY-MM-DD/venue=CODE/part-0.parquet`, ZSTD pages, venue codes as text. `nights` limits the export
    /// to those nights (nil: every night). The folders of the nights written are replaced whole, so a re-export
    /// never leaves a venue that is no longer there.
    /// `venues` limits the tables of venues to those (a Spark job's group; the tables of nights alone are whole).
    package func exportParquet(
        to root: String, nights wanted: Set<String>? = nil, venues: Set<String>? = nil
    ) throws(ExportError) -> ExportSummary {
        let files: [Int64: (path: String, night: String)]
        do {
            files = try exportFiles()
        } catch {
            throw ExportError(description: error.description)
        }
        let nights = Set(files.values.map(\.night)).filter { wanted?.contains($0) ?? true }
        var summary = ExportSummary()
        summary.nights = nights.sorted()
        try PartitionedTable.makeFolders(root)
        for table in ParquetTables.allCases {
            for night in nights { try Self.removeTree(root + "/" + table.rawValue + "/night=" + PartitionedTable.escaped(night)) }
        }
        let exporter = ParquetExporter(
            store: self, root: root, files: files.filter { nights.contains($0.value.night) }, nights: nights,
            venues: venues)
        summary.tables.append(try exporter.sessions())
        summary.tables.append(try exporter.realnameSessions())
        summary.tables.append(try exporter.transactions())
        summary.tables.append(try exporter.auditEvents())
        summary.tables.append(try exporter.pulseRuns())
        summary.tables.append(try exporter.terminalAddresses())
        summary.tables.append(try exporter.quarantine())
        summary.tables += try exporter.findings()
        summary.tables.append(try exporter.fileTable())
        return summary
    }

    /// Every ingested file: its path and night (`unknown` when it has none).
    private func exportFiles() throws(StoreError) -> [Int64: (path: String, night: String)] {
        let statement = try connection.prepare("SELECT id, path, night FROM ingestedFile")
        var files: [Int64: (path: String, night: String)] = [:]
        while try statement.step() {
            files[statement.int64(0)] = (statement.string(1), statement.optionalString(2) ?? unknownNight)
        }
        return files
    }

    /// `rm -r` of a folder this export owns (a night's partition of one table); absent is fine.
    static func removeTree(_ path: String) throws(ExportError) {
        var status = stat()
        guard lstat(path, &status) == 0 else { return }
        if (status.st_mode & S_IFMT) == S_IFDIR {
            guard let directory = opendir(path) else {
                throw ExportError(description: "cannot read folder '\(path)': \(String(cString: strerror(errno)))")
            }
            var names: [String] = []
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
                if name != "." && name != ".." { names.append(name) }
            }
            closedir(directory)
            for name in names { try removeTree(path + "/" + name) }
            guard rmdir(path) == 0 else {
                throw ExportError(description: "cannot remove folder '\(path)': \(String(cString: strerror(errno)))")
            }
        } else if unlink(path) != 0 {
            throw ExportError(description: "cannot remove '\(path)': \(String(cString: strerror(errno)))")
        }
    }
}

/// The tables, by folder name.
package enum ParquetTables: String, CaseIterable {
    case sessions, realnameSessions = "realname_sessions", transactions, auditEvents = "audit_events"
    case pulseRuns = "pulse_runs", terminalAddresses = "terminal_addresses", quarantine, findings
    case findingEvidence = "finding_evidence", files
}

/// Reads each table from the store in venue order (by its index, no sort) and writes its partitions.
final class ParquetExporter {
    let store: Store
    let root: String
    let files: [Int64: (path: String, night: String)]
    let nights: Set<String>
    let venues: Set<String>?
    /// Scratch for addresses written as text.
    private var scratch = [UInt8](repeating: 0, count: 32)

    init(
        store: Store, root: String, files: [Int64: (path: String, night: String)], nights: Set<String>,
        venues: Set<String>?
    ) {
        self.store = store
        self.root = root
        self.files = files
        self.nights = nights
        self.venues = venues
    }

    // MARK: cells

    /// A symbol's text; id 0 (the empty string) or NULL is a null.
    private func symbol(_ table: PartitionedTable, _ column: Int, _ id: Int64) {
        guard id > 0 else { return table.columns[column].append(nil as Int64?) }
        store.symbols.arena.withUnsafeBytes { arena in
            table.columns[column].append(utf8: UnsafeRawBufferPointer(rebasing: arena[store.symbols.range(Int32(id))]))
        }
    }

    private func seconds(_ table: PartitionedTable, _ column: Int, _ value: Int64) {
        table.columns[column].append(value == absentInt64 ? nil : value * 1_000_000)
    }

    private func integer(_ table: PartitionedTable, _ column: Int, _ value: Int64) {
        table.columns[column].append(value == absentInt64 ? nil : value)
    }

    private func text(_ table: PartitionedTable, _ column: Int, _ bytes: UnsafeRawBufferPointer?) {
        table.columns[column].append(utf8: bytes)
    }

    private func path(_ table: PartitionedTable, _ column: Int, _ fileID: Int64) {
        table.columns[column].append(files[fileID]?.path)
    }

    /// A closed vocabulary's name, from a table of names by raw value; 0 (unknown) or out of range is a null.
    private func name(_ table: PartitionedTable, _ column: Int, _ names: [StaticString], _ code: Int64) {
        guard code > 0, code < names.count else { return table.columns[column].append(nil as Int64?) }
        let name = names[Int(code)]
        table.columns[column].append(utf8: UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
    }

    /// A birth date kept as the number 19950529, as a date.
    private func birthDate(_ table: PartitionedTable, _ column: Int, _ value: Int64) {
        guard value > 0 else { return table.columns[column].append(nil as Int64?) }
        let days = CivilTime.daysFromCivil(year: Int(value / 10_000), month: Int(value / 100 % 100), day: Int(value % 100))
        table.columns[column].append(days)
    }

    /// Dotted IPv4 text; NULL or a negative (absent) address is a null.
    private func ipv4(_ table: PartitionedTable, _ column: Int, _ value: Int64) {
        guard value >= 0 && value <= 0xFFFF_FFFF else { return table.columns[column].append(nil as Int64?) }
        var count = 0
        for shift in stride(from: 24, through: 0, by: -8) {
            var octet = Int((value >> Int64(shift)) & 0xFF)
            if octet >= 100 { scratch[count] = UInt8(48 + octet / 100); count += 1; octet %= 100; scratch[count] = UInt8(48 + octet / 10); count += 1 }
            else if octet >= 10 { scratch[count] = UInt8(48 + octet / 10); count += 1 }
            scratch[count] = UInt8(48 + octet % 10)
            count += 1
            if shift > 0 { scratch[count] = UInt8(ascii: "."); count += 1 }
        }
        scratch.withUnsafeBytes { table.columns[column].append(utf8: UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
    }

    /// `AA-BB-CC-DD-EE-FF`, as reports write a MAC; NULL or negative is a null.
    private func mac(_ table: PartitionedTable, _ column: Int, _ value: Int64) {
        guard value >= 0 && value <= 0xFFFF_FFFF_FFFF else { return table.columns[column].append(nil as Int64?) }
        let digits: StaticString = "0123456789ABCDEF"
        var count = 0
        for position in (0..<6).reversed() {
            let octet = Int((value >> Int64(position * 8)) & 0xFF)
            scratch[count] = digits.utf8Start[octet >> 4]
            scratch[count + 1] = digits.utf8Start[octet & 0xF]
            count += 2
            if position > 0 { scratch[count] = UInt8(ascii: "-"); count += 1 }
        }
        scratch.withUnsafeBytes { table.columns[column].append(utf8: UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
    }

    /// Reads `sql` row by row; rows of a file outside the export are passed over. `row` appends the cells of one row
    /// to the table's current partition (chosen here from the row's venue and file); with `endsRows` false it appends
    /// (and ends) the rows that one row of `sql` holds.
    private func copy(
        _ table: PartitionedTable, _ sql: String, venueColumn: Int32, fileColumn: Int32, bindings: [Int64] = [],
        endsRows: Bool = true, _ row: (Statement) throws(ExportError) -> Void
    ) throws(ExportError) {
        do {
            let statement = try store.connection.prepare(sql)
            for (index, value) in bindings.enumerated() { statement.bind(Int32(index + 1), value) }
            var lastVenue = Int64.min
            var lastFile = Int64.min
            var skipping = false
            while try statement.step() {
                let venue = venueColumn >= 0 ? statement.int64(venueColumn) : 0
                let file = statement.int64(fileColumn)
                if venue != lastVenue || file != lastFile {
                    lastVenue = venue
                    lastFile = file
                    let venueText = venueColumn >= 0 ? store.symbolText(venue) : ""
                    guard let night = files[file]?.night, venueColumn < 0 || venues?.contains(venueText) ?? true else {
                        skipping = true
                        continue
                    }
                    skipping = false
                    try table.select(night: night, venue: venueText)
                } else if skipping {
                    continue
                }
                try row(statement)
                if endsRows { try table.endRow() }
            }
        } catch {
            throw Self.exportError(error)
        }
    }

    /// A read's or a write's failure, as the export reports it.
    private static func exportError(_ error: any Error) -> ExportError {
        switch error {
        case let error as StoreError: ExportError(description: error.description)
        case let error as ExportError: error
        default: ExportError(description: "\(error)")
        }
    }

    private func finished(_ table: PartitionedTable) throws(ExportError) -> (name: String, files: Int, rows: Int) {
        // A table of nights alone has a file every night, rows or none (a clean night's quarantine is an empty file,
        // which readers see as no rows rather than as no table).
        if !table.byVenue {
            for night in nights.sorted() { try table.select(night: night, venue: "") }
        }
        try table.finish()
        return (table.name, table.files, table.rows)
    }

    // MARK: tables

    static let userTypes: [StaticString] = ["", "member", "temporary", "staff"]
    static let checkouts: [StaticString] = ["", "normal", "manual", "automatic", "forced"]
    static let transactionKinds: [StaticString] = [
        "", "openAccount", "topUp", "logOn", "logOff", "checkOut", "refund", "lateEntry", "manualCharge",
        "changeTerminal", "goods",
    ]
    static let eventKinds: [StaticString] = ["", "ONLINE", "OFFLINE", "HEARTBEAT", "PROC", "SNAP", "SWIPE", "AUDIT", "FLOW"]
    static let families: [StaticString] = ["heartbeat", "snapshot"]

    func sessions() throws(ExportError) -> (name: String, files: Int, rows: Int) {
        let table = PartitionedTable(
            name: ParquetTables.sessions.rawValue, root: root,
            fields: [
                ParquetField("record_no", .string, nullable: false), ParquetField("card", .string),
                ParquetField("cert_type", .int32), ParquetField("cert", .string), ParquetField("name", .string),
                ParquetField("terminal", .string), ParquetField("ip", .string), ParquetField("user_type", .string),
                ParquetField("start_time", .timestampMicros, nullable: false), ParquetField("end_time", .timestampMicros),
                ParquetField("amount_fen", .int64, nullable: false), ParquetField("cashier", .string),
                ParquetField("checkout", .string), ParquetField("note", .string),
                ParquetField("export_time", .timestampMicros), ParquetField("birth_date", .date),
                ParquetField("path", .string, nullable: false), ParquetField("line", .int64, nullable: false),
            ])
        try copySegments(table, "sessionSegment") { (venue) throws(StoreError) in
            let copies = try store.resolvedSessions(venue: venue, scoped: false, ordered: false)
            return (copies.rows.count, { copies.rows[$0].fileID }, { Self.keyOrder(copies.keys, copies.rows.map(\.recordNo)) }, {
                [self] (index: Int) in
                let row = copies.rows[index]
                copies.keys.arena.withUnsafeBytes { text(table, 0, UnsafeRawBufferPointer(rebasing: $0[copies.keys.range(row.recordNo)])) }
                symbol(table, 1, row.card)
                integer(table, 2, row.certType == 0 ? absentInt64 : row.certType)
                symbol(table, 3, row.cert)
                symbol(table, 4, row.name)
                symbol(table, 5, row.terminal)
                ipv4(table, 6, row.ip == absentInt64 ? -1 : row.ip)
                name(table, 7, Self.userTypes, row.userType)
                seconds(table, 8, row.startSeconds)
                seconds(table, 9, row.endSeconds)
                integer(table, 10, row.amountFen)
                symbol(table, 11, row.cashier)
                name(table, 12, Self.checkouts, row.checkout)
                symbol(table, 13, row.note)
                seconds(table, 14, row.exportSeconds)
                birthDate(table, 15, row.birthDate)
                path(table, 16, row.fileID)
                integer(table, 17, row.line)
            })
        }
        return try finished(table)
    }

    /// Row indices in the order of their keys' bytes (SQLite's BINARY order, as `ORDER BY venue, key` gave).
    static func keyOrder(_ keys: StringDictionary, _ ids: [Int32]) -> [Int] {
        keys.arena.withUnsafeBytes { arena in
            Array(ids.indices).sorted { Store.bytesPrecede(arena, keys.range(ids[$0]), keys.range(ids[$1])) }
        }
    }

    /// Writes the rows of a segment table venue by venue (venue id order, as the other tables), each venue's rows
    /// after the copy rules (`Store+Segments.swift`), in key order; rows of a file outside the export are passed over.
    /// `resolve` gives a venue's row count, each row's file, the row order and a function appending one row's cells.
    private func copySegments(
        _ table: PartitionedTable, _ segments: String,
        _ resolve: (Int64) throws(StoreError) -> (Int, (Int) -> Int64, () -> [Int], (Int) -> Void)
    ) throws(ExportError) {
        do {
            for venue in try store.segmentVenues(table: segments, ignoringScope: true).map(\.venue).sorted() {
                let venueText = store.symbolText(venue)
                guard venues?.contains(venueText) ?? true else { continue }
                let (count, fileOf, order, append) = try resolve(venue)
                guard count > 0 else { continue }
                for index in order() {
                    guard let night = files[fileOf(index)]?.night else { continue }
                    try table.select(night: night, venue: venueText)
                    append(index)
                    try table.endRow()
                }
            }
        } catch {
            throw Self.exportError(error)
        }
    }

    /// The name of `code` in `names` (0 included); out of range is a null.
    private func code(_ table: PartitionedTable, _ column: Int, _ names: [StaticString], _ code: Int64) {
        guard code >= 0, code < names.count else { return table.columns[column].append(nil as Int64?) }
        let name = names[Int(code)]
        table.columns[column].append(utf8: UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
    }

    func realnameSessions() throws(ExportError) -> (name: String, files: Int, rows: Int) {
        let table = PartitionedTable(
            name: ParquetTables.realnameSessions.rawValue, root: root,
            fields: [
                ParquetField("terminal", .string), ParquetField("cert_type", .int32),
                ParquetField("cert", .string, nullable: false), ParquetField("name", .string),
                ParquetField("start_time", .timestampMicros, nullable: false), ParquetField("end_time", .timestampMicros),
                ParquetField("birth_date", .date), ParquetField("path", .string, nullable: false),
                ParquetField("line", .int64, nullable: false),
            ])
        try copy(
            table,
            """
            SELECT venue, terminal, certType, cert, name, startTime, endTime, birthDate, fileId, line FROM realnameSession
            ORDER BY venue, terminal, cert, startTime
            """, venueColumn: 0, fileColumn: 8
        ) { (s: Statement) throws(ExportError) in
            symbol(table, 0, s.int64(1))
            integer(table, 1, s.int64(2) == 0 ? absentInt64 : s.int64(2))
            // A cert is never empty here (the record is keyed by it); an empty one would be a null in a required column.
            s.int64(3) > 0 ? symbol(table, 2, s.int64(3)) : table.columns[2].append("")
            symbol(table, 3, s.int64(4))
            seconds(table, 4, s.int64(5))
            seconds(table, 5, s.nullableInt64(6))
            birthDate(table, 6, s.nullableInt64(7))
            path(table, 7, s.int64(8))
            integer(table, 8, s.int64(9))
        }
        return try finished(table)
    }

    func transactions() throws(ExportError) -> (name: String, files: Int, rows: Int) {
        let table = PartitionedTable(
            name: ParquetTables.transactions.rawValue, root: root,
            fields: [
                ParquetField("serial_no", .string, nullable: false), ParquetField("time", .timestampMicros, nullable: false),
                ParquetField("kind", .string), ParquetField("card", .string), ParquetField("cert", .string),
                ParquetField("amount_fen", .int64), ParquetField("balance_fen", .int64), ParquetField("cashier", .string),
                ParquetField("terminal", .string), ParquetField("note", .string),
                ParquetField("path", .string, nullable: false), ParquetField("line", .int64, nullable: false),
            ])
        try copySegments(table, "transactionSegment") { (venue) throws(StoreError) in
            let copies = try store.resolvedTransactions(venue: venue, scoped: false)
            return (copies.rows.count, { copies.rows[$0].fileID }, { Self.keyOrder(copies.keys, copies.rows.map(\.serialNo)) }, {
                [self] (index: Int) in
                let row = copies.rows[index]
                copies.keys.arena.withUnsafeBytes { text(table, 0, UnsafeRawBufferPointer(rebasing: $0[copies.keys.range(row.serialNo)])) }
                seconds(table, 1, row.timeSeconds)
                name(table, 2, Self.transactionKinds, row.kind)
                symbol(table, 3, row.card)
                symbol(table, 4, row.cert)
                integer(table, 5, row.amountFen)
                integer(table, 6, row.balanceFen)
                symbol(table, 7, row.cashier)
                symbol(table, 8, row.terminal)
                symbol(table, 9, row.note)
                path(table, 10, row.fileID)
                integer(table, 11, row.line)
            })
        }
        return try finished(table)
    }

    static let codesByKind: [[StaticString]] = [
        [], [], [], ["idle", "locked", "inUse"], ["start", "stop"], [], ["ok", "readFail", "demagnetised", "expired"],
        ["start", "stop", "tamper", "config"], [],
    ]

    func auditEvents() throws(ExportError) -> (name: String, files: Int, rows: Int) {
        let table = PartitionedTable(
            name: ParquetTables.auditEvents.rawValue, root: root,
            fields: [
                ParquetField("time", .timestampMicros, nullable: false), ParquetField("kind", .string),
                ParquetField("terminal", .string), ParquetField("ip", .string), ParquetField("mac", .string),
                ParquetField("cert_type", .int32), ParquetField("cert", .string), ParquetField("name", .string),
                ParquetField("text", .string), ParquetField("md5", .string), ParquetField("code", .string),
                ParquetField("dst_ip", .string), ParquetField("dst_port", .int32), ParquetField("bytes_up", .int64),
                ParquetField("bytes_down", .int64), ParquetField("path", .string, nullable: false),
                ParquetField("line", .int64, nullable: false),
            ])
        // Segment by segment in the index's order (venue, file, segment), each one's rows in order: no sort. Read by
        // the store's reader (SQLite's `json_each` through the view took ~4 s more of the 1 GB night's export).
        try copy(
            table, "SELECT venue, fileId, rows FROM eventSegment INDEXED BY eventSegmentByVenue ORDER BY venue, fileId, id",
            venueColumn: 0, fileColumn: 1, endsRows: false
        ) { (s: Statement) throws(ExportError) in
            var failure: ExportError?
            do {
                try Store.forEachEventRow(in: s.textBytes(2), fileID: s.int64(1)) { row in
                    guard failure == nil else { return }
                    let kind = row.kind
                    let flow = kind == Int64(AuditEventKind.flow.rawValue)
                    seconds(table, 0, row.time)
                    name(table, 1, Self.eventKinds, kind)
                    symbol(table, 2, row.terminal)
                    ipv4(table, 3, row.ip == absentInt64 ? -1 : row.ip)
                    mac(table, 4, row.mac == absentInt64 ? -1 : row.mac)
                    integer(table, 5, row.certType == 0 ? absentInt64 : row.certType)
                    symbol(table, 6, row.cert)
                    symbol(table, 7, row.name)
                    symbol(table, 8, row.text)
                    symbol(table, 9, row.md5)
                    code(table, 10, kind >= 0 && kind < Self.codesByKind.count ? Self.codesByKind[Int(kind)] : [], row.code)
                    ipv4(table, 11, row.destinationIP == absentInt64 ? -1 : row.destinationIP)
                    integer(table, 12, flow ? row.destinationPort : absentInt64)
                    integer(table, 13, flow ? row.bytesUp : absentInt64)
                    integer(table, 14, flow ? row.bytesDown : absentInt64)
                    path(table, 15, row.fileID)
                    integer(table, 16, row.line)
                    do throws(ExportError) { try table.endRow() } catch { failure = error }
                }
            } catch {
                throw Self.exportError(error)
            }
            if let failure { throw failure }
        }
        return try finished(table)
    }

    func pulseRuns() throws(ExportError) -> (name: String, files: Int, rows: Int) {
        let table = PartitionedTable(
            name: ParquetTables.pulseRuns.rawValue, root: root,
            fields: [
                ParquetField("terminal", .string, nullable: false), ParquetField("family", .string),
                ParquetField("first_time", .timestampMicros, nullable: false),
                ParquetField("last_time", .timestampMicros, nullable: false),
                ParquetField("count", .int64, nullable: false), ParquetField("path", .string, nullable: false),
                ParquetField("first_line", .int64, nullable: false),
            ])
        try copy(
            table,
            """
            SELECT venue, terminal, family, minTime, maxTime, count, fileId, baseLine FROM pulseRun
            ORDER BY venue, terminal, family, id
            """, venueColumn: 0, fileColumn: 6
        ) { (s: Statement) throws(ExportError) in
            s.int64(1) > 0 ? symbol(table, 0, s.int64(1)) : table.columns[0].append("")
            code(table, 1, Self.families, s.int64(2))
            seconds(table, 2, s.int64(3))
            seconds(table, 3, s.int64(4))
            integer(table, 4, s.int64(5))
            path(table, 5, s.int64(6))
            integer(table, 6, s.int64(7))
        }
        return try finished(table)
    }

    func terminalAddresses() throws(ExportError) -> (name: String, files: Int, rows: Int) {
        let table = PartitionedTable(
            name: ParquetTables.terminalAddresses.rawValue, root: root,
            fields: [
                ParquetField("terminal", .string), ParquetField("ip", .string), ParquetField("mac", .string),
                ParquetField("first_time", .timestampMicros, nullable: false),
                ParquetField("last_time", .timestampMicros, nullable: false),
                ParquetField("count", .int64, nullable: false), ParquetField("path", .string, nullable: false),
                ParquetField("line", .int64, nullable: false),
            ])
        try copy(
            table,
            """
            SELECT venue, terminal, ip, mac, firstTime, lastTime, count, fileId, line FROM terminalAddress
            ORDER BY venue, fileId, terminal, ip, mac
            """, venueColumn: 0, fileColumn: 7
        ) { (s: Statement) throws(ExportError) in
            symbol(table, 0, s.int64(1))
            ipv4(table, 1, s.int64(2))
            mac(table, 2, s.int64(3))
            seconds(table, 3, s.int64(4))
            seconds(table, 4, s.int64(5))
            integer(table, 5, s.int64(6))
            path(table, 6, s.int64(7))
            integer(table, 7, s.int64(8))
        }
        return try finished(table)
    }

    /// Quarantined rows have no venue: partitioned by night alone. `raw` is the line's bytes as read (GBK stays GBK).
    func quarantine() throws(ExportError) -> (name: String, files: Int, rows: Int) {
        let table = PartitionedTable(
            name: ParquetTables.quarantine.rawValue, root: root,
            fields: [
                ParquetField("path", .string, nullable: false), ParquetField("line", .int64, nullable: false),
                ParquetField("reason", .string, nullable: false), ParquetField("detail", .string, nullable: false),
                ParquetField("raw", .binary, nullable: false), ParquetField("truncated", .boolean, nullable: false),
            ], byVenue: false)
        try copy(
            table, "SELECT fileId, line, reason, detail, raw, truncated FROM quarantinedRow ORDER BY id", venueColumn: -1,
            fileColumn: 0
        ) { (s: Statement) throws(ExportError) in
            path(table, 0, s.int64(0))
            integer(table, 1, s.int64(1))
            text(table, 2, s.textBytes(2))
            text(table, 3, s.textBytes(3))
            table.columns[4].append(utf8: s.blob(4))
            table.columns[5].append(s.int64(5) != 0)
        }
        return try finished(table)
    }

    /// The dump's files, by night: what each was read as and how many of its lines were used, quarantined, skipped.
    func fileTable() throws(ExportError) -> (name: String, files: Int, rows: Int) {
        let table = PartitionedTable(
            name: ParquetTables.files.rawValue, root: root,
            fields: [
                ParquetField("path", .string, nullable: false), ParquetField("content_hash", .string, nullable: false),
                ParquetField("format", .string), ParquetField("encoding", .string), ParquetField("compression", .string),
                ParquetField("status", .string, nullable: false), ParquetField("lines", .int64),
                ParquetField("rows", .int64), ParquetField("quarantined", .int64), ParquetField("skipped", .int64),
                ParquetField("bytes", .int64), ParquetField("export_time", .timestampMicros),
                ParquetField("damage_offset", .int64), ParquetField("damage_reason", .string),
                ParquetField("detail", .string), ParquetField("ingested_at", .timestampMicros),
            ], byVenue: false)
        try copy(
            table,
            """
            SELECT id, path, contentHash, format, encoding, compression, status, lines, rows, quarantined, skipped, bytes,
              exportTime, damageOffset, damageReason, detail, ingestedAt FROM ingestedFile ORDER BY id
            """, venueColumn: -1, fileColumn: 0
        ) { (s: Statement) throws(ExportError) in
            for (column, source) in [(0, 1), (1, 2)] { text(table, column, s.textBytes(Int32(source))) }
            for (column, source) in [(2, 3), (3, 4), (4, 5)] {
                text(table, column, s.isNull(Int32(source)) ? nil : s.textBytes(Int32(source)))
            }
            text(table, 5, s.textBytes(6))
            for (column, source) in [(6, 7), (7, 8), (8, 9), (9, 10), (10, 11)] { integer(table, column, s.nullableInt64(Int32(source))) }
            seconds(table, 11, s.nullableInt64(12))
            integer(table, 12, s.nullableInt64(13))
            text(table, 13, s.isNull(14) ? nil : s.textBytes(14))
            text(table, 14, s.isNull(15) ? nil : s.textBytes(15))
            seconds(table, 15, s.nullableInt64(16))
        }
        return try finished(table)
    }

    /// Findings of the exported nights, partitioned by their night and venue, and their evidence as rows of its own
    /// (finding id, file, line) in the same partitions, for SQL joins.
    func findings() throws(ExportError) -> [(name: String, files: Int, rows: Int)] {
        let findings = PartitionedTable(
            name: ParquetTables.findings.rawValue, root: root,
            fields: [
                ParquetField("id", .string, nullable: false), ParquetField("detector", .string, nullable: false),
                ParquetField("severity", .string, nullable: false), ParquetField("terminal", .string),
                ParquetField("cert", .string), ParquetField("address", .string),
                ParquetField("start_time", .timestampMicros, nullable: false),
                ParquetField("end_time", .timestampMicros, nullable: false),
                ParquetField("summary", .string, nullable: false), ParquetField("summary_zh", .string),
                ParquetField("first_seen_at", .timestampMicros, nullable: false),
                ParquetField("last_seen_at", .timestampMicros, nullable: false),
                ParquetField("evidence_lines", .int64, nullable: false),
            ])
        let evidence = PartitionedTable(
            name: ParquetTables.findingEvidence.rawValue, root: root,
            fields: [
                ParquetField("finding_id", .string, nullable: false), ParquetField("path", .string),
                ParquetField("line", .int64, nullable: false),
            ])
        do {
            let statement = try store.connection.prepare(
                """
                SELECT key, detector, severity, venue, terminal, cert, address, startTime, endTime, summary, summaryZh,
                  firstSeenAt, lastSeenAt, evidence, night FROM finding ORDER BY venue, night, key
                """)
            while try statement.step() {
                let night = statement.optionalString(14) ?? unknownNight
                let venue = statement.string(3)
                guard nights.contains(night), venues?.contains(venue) ?? true else { continue }
                try findings.select(night: night, venue: venue)
                try evidence.select(night: night, venue: venue)
                let identifier = FindingRow.identifier(statement.string(0))
                findings.columns[0].append(identifier)
                text(findings, 1, statement.textBytes(1))
                text(findings, 2, statement.textBytes(2))
                for (column, source) in [(3, 4), (4, 5), (5, 6)] {
                    text(findings, column, statement.isNull(Int32(source)) ? nil : statement.textBytes(Int32(source)))
                }
                seconds(findings, 6, statement.int64(7))
                seconds(findings, 7, statement.int64(8))
                text(findings, 8, statement.textBytes(9))
                text(findings, 9, statement.isNull(10) ? nil : statement.textBytes(10))
                seconds(findings, 10, statement.int64(11))
                seconds(findings, 11, statement.int64(12))
                var lines = 0
                for pair in statement.string(13).split(separator: ",") {
                    let parts = pair.split(separator: ":")
                    guard parts.count == 2, let file = Int64(parts[0]), let line = Int64(parts[1]) else {
                        throw ExportError(
                            description: "finding \(statement.string(0)) has evidence '\(pair.prefix(40))' that is not "
                                + "file:line; the database is damaged")
                    }
                    evidence.columns[0].append(identifier)
                    path(evidence, 1, file)
                    evidence.columns[2].append(line)
                    try evidence.endRow()
                    lines += 1
                }
                findings.columns[12].append(Int64(lines))
                try findings.endRow()
            }
        } catch {
            throw Self.exportError(error)
        }
        return [try finished(findings), try finished(evidence)]
    }
}
