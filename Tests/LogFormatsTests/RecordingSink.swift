import LogFormats
import ShippedData

/// A `RecordSink` that keeps what a decoder hands it, as plain values, for tests.
struct RecordingSink: RecordSink {
    struct Session {
        var record: SessionRecord
        var venue: String
        var recordNo: String
        var cert: String
        var name: String
        var terminal: String
        var line: Int
    }

    struct Event {
        var kind: AuditEventKind
        var timeSeconds: Int64
        var venue: String
        var terminal: String
        var cert: String
        var line: Int
    }

    var sessions: [Session] = []
    var transactions: [(record: TransactionRecord, venue: String, serialNo: String, line: Int)] = []
    var events: [Event] = []
    var registryVenues: [String] = []
    var registryTerminals: [String] = []
    var quarantined: [(reason: RowIssueReason, line: Int, detail: String, raw: String)] = []
    var skips: [SkipKind: Int] = [:]
    var unknownEvents: [String: Int] = [:]
    var exportSeconds: Int64?
    var noVenue = false
    var warnings: [FileWarning] = []
    /// Lines the decoder was given.
    var lines = 0

    /// rows + quarantined + skipped, which must equal `lines` (FORMATS.md §6).
    var accounted: Int {
        sessions.count + transactions.count + events.count + registryVenues.count + registryTerminals.count
            + quarantined.count + skips.values.reduce(0, +)
    }

    static let names: ColumnNames = {
        var names = ColumnNames()
        do { try names.add(ShippedData.columnNames, source: "built-in") } catch { fatalError("\(error)") }
        return names
    }()

    /// Decodes `text` (LF or CRLF lines) as `format`, the header recognised strictly unless `strict` is false.
    static func decode(_ format: Format, _ text: String, strict: Bool = true, names: ColumnNames = names) -> RecordingSink {
        var sink = RecordingSink()
        var decoder = format.makeDecoder(names: names, strictHeader: strict)
        sink.feed(&decoder, text)
        return sink
    }

    mutating func feed(_ decoder: inout any RecordDecoder, _ text: String) {
        // Split on the LF byte: as Characters, "\r\n" is one grapheme and would not split.
        var lines = Array(text.utf8).split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
        if text.utf8.last == 0x0A { lines.removeLast() }
        for (index, line) in lines.enumerated() {
            var bytes = line
            if bytes.last == 0x0D { bytes.removeLast() }
            self.lines += 1
            bytes.withUnsafeBytes { decoder.decode(line: $0, number: index + 1, into: &self) }
        }
        decoder.decodeLast(into: &self)
    }

    private static func text(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }

    mutating func takeSession(_ row: SessionRecord, bytes: UnsafeRawBufferPointer, line: Int) {
        sessions.append(Session(
            record: row, venue: Self.text(bytes, row.venue), recordNo: Self.text(bytes, row.recordNo),
            cert: Self.text(bytes, row.certNo), name: Self.text(bytes, row.name), terminal: Self.text(bytes, row.terminal),
            line: line))
    }

    mutating func takeTransaction(_ row: TransactionRecord, bytes: UnsafeRawBufferPointer, line: Int) {
        transactions.append((row, Self.text(bytes, row.venue), Self.text(bytes, row.serialNo), line))
    }

    mutating func takeAuditEvent(_ record: inout AuditRecord, line: Int) {
        events.append(Event(
            kind: record.kind, timeSeconds: record.timeSeconds, venue: record.venue.text,
            terminal: record.terminal.text, cert: record.cert.text, line: line))
    }

    mutating func takeRegistryVenue(_ row: RegistryVenueRecord, bytes: UnsafeRawBufferPointer, line: Int) {
        registryVenues.append(Self.text(bytes, row.range(.venue)))
    }

    mutating func takeRegistryTerminal(_ row: RegistryTerminalRecord, bytes: UnsafeRawBufferPointer, line: Int) {
        registryTerminals.append(Self.text(bytes, row.terminal))
    }

    mutating func quarantine(_ issue: RowIssue, raw: UnsafeRawBufferPointer, line: Int) {
        quarantined.append((issue.reason, line, issue.detail, String(decoding: raw, as: UTF8.self)))
    }

    mutating func skip(_ kind: SkipKind, lines: Int) { skips[kind, default: 0] += lines }

    mutating func skipUnknownEvent(named name: String) {
        skips[.unknownEvent, default: 0] += 1
        unknownEvents[name, default: 0] += 1
    }

    mutating func note(_ note: FileNote) {
        switch note {
        case .exportTime(let seconds): exportSeconds = seconds
        case .noVenue: noVenue = true
        case .warning(let warning): warnings.append(warning)
        }
    }
}
