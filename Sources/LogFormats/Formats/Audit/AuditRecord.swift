/// One audit event (FORMATS.md §3.3–3.4), typed. Text fields point into the line or the parser's
/// scratch buffer and are valid only inside the callback that receives the record.
package struct AuditRecord {
    package var kind: AuditEventKind
    /// Epoch seconds.
    package var timeSeconds: Int64
    /// 场所编码 (14 digits).
    package var venue: UnsafeRawBufferPointer
    /// Terminal number; empty for SWIPE and AUDIT.
    package var terminal = UnsafeRawBufferPointer(start: nil, count: 0)
    /// Host-order IPv4; nil when absent.
    package var ipv4: UInt32?
    /// 48-bit MAC; nil when absent.
    package var mac: UInt64?
    package var certType = CertType.unknown
    /// Cert number as written (normalising `x` is the batch builder's job).
    package var cert = UnsafeRawBufferPointer(start: nil, count: 0)
    package var name = UnsafeRawBufferPointer(start: nil, count: 0)
    /// PROC executable.
    package var exe = UnsafeRawBufferPointer(start: nil, count: 0)
    package var md5 = UnsafeRawBufferPointer(start: nil, count: 0)
    /// SWIPE card reader serial.
    package var readerSerial = UnsafeRawBufferPointer(start: nil, count: 0)
    /// AUDIT detail.
    package var detail = UnsafeRawBufferPointer(start: nil, count: 0)
    /// The event's small code: `HeartbeatState`, `SwipeResult`, `AuditStatus` or `ProcessAction` raw value;
    /// for SNAP 1 = OK, 0 = FAIL.
    package var code: UInt8 = 0
    /// FLOW destination.
    package var destinationIPv4: UInt32?
    package var destinationPort: Int64 = 0
    package var bytesUp: Int64 = 0
    package var bytesDown: Int64 = 0
    /// SNAP upload size.
    package var bytes: Int64 = 0

    package init(kind: AuditEventKind, timeSeconds: Int64, venue: UnsafeRawBufferPointer) {
        self.kind = kind
        self.timeSeconds = timeSeconds
        self.venue = venue
    }

    /// Number of fields after the EVENT in `audit-pipe`.
    package static func fieldCount(_ kind: AuditEventKind) -> Int {
        switch kind {
        case .online, .offline, .process, .flow: kind == .flow ? 7 : 6
        case .heartbeat: 4
        case .snapshot, .swipe: 5
        case .audit: 2
        }
    }

    /// The event named by `name`, in either case (pipe files write `HEARTBEAT`, JSON Lines `heartbeat`).
    package static func kind(named name: UnsafeRawBufferPointer) -> AuditEventKind? {
        guard name.count <= 16 else { return nil }
        let word = name.upperCasedWord()
        for (keyword, kind) in kindKeywords where keyword.matches(name, first: word) { return kind }
        return nil
    }

    private static let kindKeywords: [(ASCIIKeyword, AuditEventKind)] = [
        (ASCIIKeyword("HEARTBEAT"), .heartbeat), (ASCIIKeyword("SNAP"), .snapshot), (ASCIIKeyword("PROC"), .process),
        (ASCIIKeyword("FLOW"), .flow), (ASCIIKeyword("ONLINE"), .online), (ASCIIKeyword("OFFLINE"), .offline),
        (ASCIIKeyword("SWIPE"), .swipe), (ASCIIKeyword("AUDIT"), .audit),
    ]
}

/// What one audit line turned out to be.
package enum AuditLineOutcome {
    case event
    case unknownEvent(name: String)
}

/// Fills the event-specific fields of an `AuditRecord` from its fields in pipe order; shared by both
/// audit formats so that they accept exactly the same values.
package enum AuditFieldReader {
    /// `fields` are the event's fields after EVENT, in the order of FORMATS.md §3.3.
    package static func fill(
        _ record: inout AuditRecord, fields: (Int) -> UnsafeRawBufferPointer
    ) throws(RowIssue) {
        func address(_ first: Int, terminalRequired: Bool = true) throws(RowIssue) {
            record.terminal = fields(first).trimmed()
            guard !terminalRequired || !record.terminal.isEmpty else { throw RowIssue(.missingField, "terminal is empty.") }
            record.ipv4 = try RowIssue.checkOptional(
                fields(first + 1).trimmed(), "ip", .badIP, "an IPv4 address", FieldParser.ipv4)
            record.mac = try RowIssue.checkOptional(
                fields(first + 2).trimmed(), "mac", .badMAC, "a MAC address", FieldParser.mac)
        }
        func certType(_ field: UnsafeRawBufferPointer) throws(RowIssue) -> CertType {
            try RowIssue.check(field, "cert_type", .badValue, "a known cert type", FieldParser.certType)
        }
        func code(_ field: UnsafeRawBufferPointer, _ name: String, _ table: [(ASCIIKeyword, UInt8)]) throws(RowIssue)
            -> UInt8
        {
            let value = field.trimmed()
            // Either case, as for EVENT: JSON Lines writers lower-case values too (`inuse`, `ok`).
            let word = value.upperCasedWord()
            for (keyword, code) in table where keyword.matches(value, first: word) { return code }
            throw RowIssue(.badValue, "\(name) '\(value.text.prefix(40))' is not one of the known values.")
        }
        func integer(_ field: UnsafeRawBufferPointer, _ name: String) throws(RowIssue) -> Int64 {
            try RowIssue.checkOptional(field.trimmed(), name, .badNumber, "a whole number", FieldParser.integer) ?? 0
        }

        switch record.kind {
        case .online, .offline:
            try address(0)
            record.certType = try certType(fields(3))
            record.cert = fields(4).trimmed()
            record.name = fields(5).trimmed()
        case .heartbeat:
            try address(0)
            record.code = try code(fields(3), "state", Codes.state)
        case .process:
            try address(0)
            record.exe = fields(3).trimmed()
            record.md5 = fields(4).trimmed()
            record.code = try code(fields(5), "action", Codes.action)
        case .snapshot:
            try address(0)
            record.code = try code(fields(3), "result", Codes.snapshot)
            record.bytes = try integer(fields(4), "bytes")
        case .swipe:
            record.readerSerial = fields(0).trimmed()
            record.certType = try certType(fields(1))
            record.cert = fields(2).trimmed()
            record.name = fields(3).trimmed()
            record.code = try code(fields(4), "result", Codes.swipe)
        case .audit:
            record.code = try code(fields(0), "status", Codes.status)
            record.detail = fields(1).trimmed()
        case .flow:
            // A gateway writes FLOW for every address on the LAN; one with no audit client has no terminal
            // (FORMATS.md §3.3), but it must name an address.
            try address(0, terminalRequired: false)
            guard !record.terminal.isEmpty || record.ipv4 != nil || record.mac != nil else {
                throw RowIssue(.missingField, "FLOW names no terminal, ip or mac.")
            }
            record.destinationIPv4 = try RowIssue.checkOptional(
                fields(3).trimmed(), "dst_ip", .badIP, "an IPv4 address", FieldParser.ipv4)
            record.destinationPort = try integer(fields(4), "dst_port")
            record.bytesUp = try integer(fields(5), "bytes_up")
            record.bytesDown = try integer(fields(6), "bytes_down")
        }
    }
}

/// The coded values of FORMATS.md §3.3, built once (a table literal in the line's path was built every line).
private enum Codes {
    static let state: [(ASCIIKeyword, UInt8)] = [
        (ASCIIKeyword("INUSE"), HeartbeatState.inUse.rawValue), (ASCIIKeyword("IDLE"), HeartbeatState.idle.rawValue),
        (ASCIIKeyword("LOCKED"), HeartbeatState.locked.rawValue),
    ]
    static let action: [(ASCIIKeyword, UInt8)] = [
        (ASCIIKeyword("START"), ProcessAction.start.rawValue), (ASCIIKeyword("STOP"), ProcessAction.stop.rawValue),
    ]
    static let snapshot: [(ASCIIKeyword, UInt8)] = [(ASCIIKeyword("OK"), 1), (ASCIIKeyword("FAIL"), 0)]
    static let swipe: [(ASCIIKeyword, UInt8)] = [
        (ASCIIKeyword("OK"), SwipeResult.ok.rawValue), (ASCIIKeyword("READ_FAIL"), SwipeResult.readFail.rawValue),
        (ASCIIKeyword("DEMAG"), SwipeResult.demagnetised.rawValue),
        (ASCIIKeyword("EXPIRED"), SwipeResult.expired.rawValue),
    ]
    static let status: [(ASCIIKeyword, UInt8)] = [
        (ASCIIKeyword("START"), AuditStatus.start.rawValue), (ASCIIKeyword("STOP"), AuditStatus.stop.rawValue),
        (ASCIIKeyword("TAMPER"), AuditStatus.tamper.rawValue), (ASCIIKeyword("CONFIG"), AuditStatus.config.rawValue),
    ]
}

/// A parser of one audit line format (FORMATS.md §3.3 `audit-pipe`, §3.4 `audit-jsonl`).
package protocol AuditLineParser {
    init()
    /// Parses one line (no CR/LF; not blank, not a comment) and hands a recognised event to `body`.
    mutating func parse(_ line: UnsafeRawBufferPointer, _ body: (inout AuditRecord) -> Void) throws(RowIssue)
        -> AuditLineOutcome
}

/// The decoder of both audit formats: blank lines and `#` comments are skipped, an unknown EVENT is counted by
/// name, a line that cannot be parsed is quarantined (FORMATS.md §3.3–3.4).
package struct AuditLineDecoder<Parser: AuditLineParser>: RecordDecoder {
    private var parser = Parser()

    package init() {}

    @inline(__always)
    package mutating func decode<Sink: RecordSink>(line: UnsafeRawBufferPointer, number: Int, into sink: inout Sink) {
        let trimmed = line.trimmed()
        if trimmed.isEmpty {
            sink.skip(.blank, lines: 1)
            return
        }
        if trimmed.first == UInt8(ascii: "#") {
            sink.skip(.comment, lines: 1)
            return
        }
        do throws(RowIssue) {
            switch try parser.parse(trimmed, { sink.takeAuditEvent(&$0, line: number) }) {
            case .event: break
            case .unknownEvent(let name): sink.skipUnknownEvent(named: name)
            }
        } catch {
            sink.quarantine(error, raw: line, line: number)
        }
    }
}
