import LogFormats

/// Takes one file's decoded records into columnar batches and counts every line in the file's report
/// (FORMATS.md §6: each is a row, a quarantined row or a skip). Full batches go to the writer through `send`.
/// A struct held in a local variable while the file is read, so the per-row path pays no dynamic
/// exclusivity checks (measured on the audit path: ~5 % when such state lived in a class).
struct BatchSink: RecordSink {
    var report: FileReport
    private let send: (IngestMessage) -> Void
    private var sessions = SessionBatchBuilder()
    private var realnameSessions = SessionBatchBuilder()
    private var transactions = TransactionBatchBuilder()
    private var audit = AuditLineReader()
    private var quarantined: [QuarantinedRow] = []
    private var registryRows: [RegistryRow] = []
    /// Whether the file named no venue (FORMATS.md §3.6).
    private(set) var namesNoVenue = false

    init(report: FileReport, send: @escaping (IngestMessage) -> Void) {
        self.report = report
        self.send = send
    }

    mutating func takeSession(_ row: SessionRecord, bytes: UnsafeRawBufferPointer, line: Int) {
        report.rows += 1
        if row.isBilling {
            sessions.append(row, bytes: bytes, line: line)
            if sessions.isFull { send(.sessions(sessions.take(), exportSeconds: report.exportSeconds)) }
        } else {
            realnameSessions.append(row, bytes: bytes, line: line)
            if realnameSessions.isFull { send(.realnameSessions(realnameSessions.take())) }
        }
    }

    mutating func takeTransaction(_ row: TransactionRecord, bytes: UnsafeRawBufferPointer, line: Int) {
        report.rows += 1
        transactions.append(row, bytes: bytes, line: line)
        if transactions.isFull { send(.transactions(transactions.take())) }
    }

    @inline(__always)
    mutating func takeAuditEvent(_ record: inout AuditRecord, line: Int) {
        report.rows += 1
        if let runs = audit.take(&record, lineNumber: line, send: send) { send(.pulses(runs)) }
    }

    mutating func takeRegistryVenue(_ row: RegistryVenueRecord, bytes: UnsafeRawBufferPointer, line: Int) {
        report.rows += 1
        func text(_ range: Range<Int>) -> String { UnsafeRawBufferPointer(rebasing: bytes[range]).text }
        registryRows.append(
            .venue(
                code: text(row.range(.venue)), fields: row.fields.map(text),
                lanAddress: row.lan.map { Int64($0.address) } ?? absentInt64,
                lanPrefix: row.lan.map { Int64($0.prefixLength) } ?? absentInt64,
                terminalCount: row.terminalCount ?? absentInt64, line: line))
    }

    mutating func takeRegistryTerminal(_ row: RegistryTerminalRecord, bytes: UnsafeRawBufferPointer, line: Int) {
        report.rows += 1
        func text(_ range: Range<Int>) -> String { UnsafeRawBufferPointer(rebasing: bytes[range]).text }
        registryRows.append(
            .terminal(
                venue: text(row.venue), terminal: text(row.terminal), ipv4: row.ipv4.map { Int64($0) } ?? absentInt64,
                mac: row.mac.map { Int64($0) } ?? absentInt64, line: line))
    }

    mutating func quarantine(_ issue: RowIssue, raw: UnsafeRawBufferPointer, line: Int) {
        report.quarantine(issue.reason)
        quarantined.append(QuarantinedRow(line: line, reason: issue.reason, detail: issue.detail, raw: raw))
        if quarantined.count >= 1024 {
            send(.quarantine(quarantined))
            quarantined = []
        }
    }

    mutating func skip(_ kind: SkipKind, lines: Int) { report.skip(kind, lines) }

    mutating func skipUnknownEvent(named name: String) {
        report.skip(.unknownEvent)
        // EVENT names are read in either case, so they are counted in one.
        report.unknownEvents[name.uppercased(), default: 0] += 1
    }

    mutating func note(_ note: FileNote) {
        switch note {
        case .exportTime(let seconds): report.exportSeconds = seconds
        case .noVenue: namesNoVenue = true
        case .warning(let warning): report.warnings.append(warning)
        }
    }

    /// Sends everything still held, at the end of the file.
    mutating func finish() {
        if sessions.count > 0 { send(.sessions(sessions.take(), exportSeconds: report.exportSeconds)) }
        if realnameSessions.count > 0 { send(.realnameSessions(realnameSessions.take())) }
        if transactions.count > 0 { send(.transactions(transactions.take())) }
        audit.finish(send: send)
        if !quarantined.isEmpty { send(.quarantine(quarantined)) }
        if !registryRows.isEmpty { send(.registry(registryRows)) }
        dropHeldRows()
    }

    private mutating func dropHeldRows() {
        sessions.removeAll()
        realnameSessions.removeAll()
        transactions.removeAll()
        audit = AuditLineReader()
        quarantined = []
        registryRows = []
    }

    /// Gives the file up as a whole (its decoder is unavailable): what was read is dropped (the writer rolls
    /// the file back), and every line read so far counts as `undecodable`.
    mutating func abandon(reason: String, at offset: Int64) {
        report.abandoned = true
        report.damage = StreamDamage(offset: offset, reason: reason)
        report.rows = 0
        report.quarantined = 0
        report.quarantinedByReason = [:]
        report.skipped = 0
        report.skippedByKind = [:]
        report.unknownEvents = [:]
        report.warnings = []
        report.skip(.undecodable, report.lines)
        dropHeldRows()
    }
}
