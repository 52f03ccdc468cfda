import LogFormats

// Columnar batches (STYLE.md §3, §7): fixed capacity, per format, Sendable values; text columns hold ids
// into the batch's own `StringDictionary`; nullable numbers use the sentinel named on their column.

/// Rows per batch: large enough that per-batch costs vanish, small enough to bound memory.
package enum BatchCapacity {
    package static let rows = 8192
}

// A batch makes room for all its rows on its first one: columns begun empty doubled thirteen times on their
// way to `BatchCapacity.rows`, copying each time, and the dictionary rehashed five times (a batch of a format
// the file does not hold stays empty and allocates nothing).
extension ContiguousArray {
    @inline(__always)
    mutating func reserveRows() { reserveCapacity(BatchCapacity.rows) }
}

/// Sentinel of an absent Int64 value (an open session's end, an absent balance, IP or MAC).
package let absentInt64 = Int64.min

/// Unique text of a column (a row key such as 记录号) in one byte heap: dictionary-encoding text that
/// never repeats would only grow the symbol table.
package struct TextHeap: Sendable {
    /// Every value's bytes, back to back.
    package private(set) var bytes = ContiguousArray<UInt8>()
    /// `ends[row]` is the end offset of row's value; it starts at `ends[row - 1]` (or 0).
    package private(set) var ends = ContiguousArray<Int32>()

    package init() {}

    /// Room for `rows` values of `bytes` bytes in all.
    package mutating func reserve(rows: Int, bytes byteCount: Int) {
        bytes.reserveCapacity(byteCount)
        ends.reserveCapacity(rows)
    }

    package mutating func append(_ value: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: value)
        ends.append(Int32(bytes.count))
    }

    /// Appends `@terminal|startSeconds|CERT` as one value, written in place (no String or array per row).
    package mutating func appendSessionKey(
        terminal: UnsafeRawBufferPointer, startSeconds: Int64, cert: UnsafeRawBufferPointer
    ) {
        bytes.append(UInt8(ascii: "@"))
        bytes.append(contentsOf: terminal)
        bytes.append(UInt8(ascii: "|"))
        if startSeconds < 0 { bytes.append(UInt8(ascii: "-")) }
        let digitsStart = bytes.count
        var magnitude = startSeconds.magnitude
        repeat {
            bytes.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        } while magnitude > 0
        bytes[digitsStart...].reverse()
        bytes.append(UInt8(ascii: "|"))
        for byte in cert { bytes.append(byte >= 0x61 && byte <= 0x7A ? byte - 0x20 : byte) }
        ends.append(Int32(bytes.count))
    }

    package func range(_ row: Int) -> Range<Int> {
        (row == 0 ? 0 : Int(ends[row - 1]))..<Int(ends[row])
    }
}

/// A batch of session rows: billing (`pubwin-sessions`) or real-name (`realname-sessions`), one kind a batch.
package struct SessionBatch: Sendable {
    package var dictionary = StringDictionary()
    package var venue = ContiguousArray<Int32>()
    /// 记录号, unique within a venue; for an export without one, `@终端号|上机时间|证件号码` (FORMATS.md §3.6:
    /// such a session is known by venue, terminal, start and cert; `@` keeps it apart from real 记录号).
    package var recordNo = TextHeap()
    package var card = ContiguousArray<Int32>()
    /// Upper-cased cert number.
    package var cert = ContiguousArray<Int32>()
    package var name = ContiguousArray<Int32>()
    package var terminal = ContiguousArray<Int32>()
    package var cashier = ContiguousArray<Int32>()
    package var note = ContiguousArray<Int32>()
    /// `UserType` raw value.
    package var userType = ContiguousArray<UInt8>()
    /// `CertType` raw value.
    package var certType = ContiguousArray<UInt16>()
    /// `CheckoutMethod` raw value.
    package var checkout = ContiguousArray<UInt8>()
    /// IPv4, `absentInt64` when none.
    package var ipv4 = ContiguousArray<Int64>()
    /// 上机时间, epoch seconds.
    package var startSeconds = ContiguousArray<Int64>()
    /// 下机时间, epoch seconds; `absentInt64` while open.
    package var endSeconds = ContiguousArray<Int64>()
    /// 消费金额, fen.
    package var amountFen = ContiguousArray<Int64>()
    /// Birth date as the number 19950529 (BIRTHDAY of an anonymised export), 0 when not given.
    package var birthDate = ContiguousArray<Int64>()
    /// 1-based source line.
    package var line = ContiguousArray<Int32>()

    package init() {}
    package var count: Int { line.count }
    package var isFull: Bool { count >= BatchCapacity.rows }

    private mutating func reserve() {
        // Card, cert and name are new strings in most rows.
        dictionary.reserve(strings: 3 * BatchCapacity.rows, bytes: 40 * BatchCapacity.rows)
        recordNo.reserve(rows: BatchCapacity.rows, bytes: 12 * BatchCapacity.rows)
        venue.reserveRows(); card.reserveRows(); cert.reserveRows(); name.reserveRows(); terminal.reserveRows()
        cashier.reserveRows(); note.reserveRows(); userType.reserveRows(); certType.reserveRows()
        checkout.reserveRows(); ipv4.reserveRows(); startSeconds.reserveRows(); endSeconds.reserveRows()
        amountFen.reserveRows(); birthDate.reserveRows(); line.reserveRows()
    }

    package mutating func append(_ row: SessionRecord, bytes: UnsafeRawBufferPointer, line lineNumber: Int) {
        if line.isEmpty { reserve() }
        func text(_ range: Range<Int>) -> Int32 { dictionary.intern(UnsafeRawBufferPointer(rebasing: bytes[range])) }
        venue.append(text(row.venue))
        if !row.recordNo.isEmpty {
            recordNo.append(UnsafeRawBufferPointer(rebasing: bytes[row.recordNo]))
        } else {
            recordNo.appendSessionKey(
                terminal: UnsafeRawBufferPointer(rebasing: bytes[row.terminal]), startSeconds: row.startSeconds,
                cert: UnsafeRawBufferPointer(rebasing: bytes[row.certNo]))
        }
        card.append(text(row.card))
        cert.append(dictionary.internUppercased(UnsafeRawBufferPointer(rebasing: bytes[row.certNo])))
        name.append(text(row.name))
        terminal.append(text(row.terminal))
        cashier.append(text(row.cashier))
        note.append(text(row.note))
        userType.append(row.userType.rawValue)
        certType.append(row.certType.rawValue)
        checkout.append(row.checkout.rawValue)
        ipv4.append(row.ipv4 == 0 ? absentInt64 : Int64(row.ipv4))
        startSeconds.append(row.startSeconds)
        endSeconds.append(row.endSeconds ?? absentInt64)
        amountFen.append(row.amountFen)
        birthDate.append(row.birthDate)
        line.append(Int32(truncatingIfNeeded: lineNumber))
    }
}

/// A batch of `pubwin-transactions` rows.
package struct TransactionBatch: Sendable {
    package var dictionary = StringDictionary()
    package var venue = ContiguousArray<Int32>()
    /// 流水号, unique within a venue.
    package var serialNo = TextHeap()
    package var card = ContiguousArray<Int32>()
    package var cert = ContiguousArray<Int32>()
    package var cashier = ContiguousArray<Int32>()
    package var terminal = ContiguousArray<Int32>()
    package var note = ContiguousArray<Int32>()
    /// `TransactionKind` raw value.
    package var kind = ContiguousArray<UInt8>()
    /// 交易时间, epoch seconds.
    package var timeSeconds = ContiguousArray<Int64>()
    /// 金额, fen.
    package var amountFen = ContiguousArray<Int64>()
    /// 余额, fen; `absentInt64` when none.
    package var balanceFen = ContiguousArray<Int64>()
    package var line = ContiguousArray<Int32>()

    package init() {}
    package var count: Int { line.count }
    package var isFull: Bool { count >= BatchCapacity.rows }

    private mutating func reserve() {
        // Card and cert are new strings in most rows.
        dictionary.reserve(strings: 2 * BatchCapacity.rows, bytes: 30 * BatchCapacity.rows)
        serialNo.reserve(rows: BatchCapacity.rows, bytes: 16 * BatchCapacity.rows)
        venue.reserveRows(); card.reserveRows(); cert.reserveRows(); cashier.reserveRows(); terminal.reserveRows()
        note.reserveRows(); kind.reserveRows(); timeSeconds.reserveRows(); amountFen.reserveRows()
        balanceFen.reserveRows(); line.reserveRows()
    }

    package mutating func append(_ row: TransactionRecord, bytes: UnsafeRawBufferPointer, line lineNumber: Int) {
        if line.isEmpty { reserve() }
        func text(_ range: Range<Int>) -> Int32 { dictionary.intern(UnsafeRawBufferPointer(rebasing: bytes[range])) }
        venue.append(text(row.venue))
        serialNo.append(UnsafeRawBufferPointer(rebasing: bytes[row.serialNo]))
        card.append(text(row.card))
        cert.append(dictionary.internUppercased(UnsafeRawBufferPointer(rebasing: bytes[row.certNo])))
        cashier.append(text(row.cashier))
        terminal.append(text(row.terminal))
        note.append(text(row.note))
        kind.append(row.kind.rawValue)
        timeSeconds.append(row.timeSeconds)
        amountFen.append(row.amountFen)
        balanceFen.append(row.balanceFen ?? absentInt64)
        line.append(Int32(truncatingIfNeeded: lineNumber))
    }
}

/// A batch of audit events kept as rows: ONLINE, OFFLINE, SWIPE, PROC, AUDIT and FLOW (heartbeats and
/// snapshots are reduced to `PulseRun`s instead).
package struct AuditEventBatch: Sendable {
    package var dictionary = StringDictionary()
    /// `AuditEventKind` raw value.
    package var kind = ContiguousArray<UInt8>()
    package var timeSeconds = ContiguousArray<Int64>()
    package var venue = ContiguousArray<Int32>()
    package var terminal = ContiguousArray<Int32>()
    /// IPv4 or `absentInt64`.
    package var ipv4 = ContiguousArray<Int64>()
    /// 48-bit MAC or `absentInt64`.
    package var mac = ContiguousArray<Int64>()
    package var certType = ContiguousArray<UInt16>()
    /// Upper-cased cert number.
    package var cert = ContiguousArray<Int32>()
    package var name = ContiguousArray<Int32>()
    /// PROC exe, SWIPE reader serial or AUDIT detail.
    package var text = ContiguousArray<Int32>()
    /// PROC md5.
    package var md5 = ContiguousArray<Int32>()
    /// The event's code (state, result, status or action raw value).
    package var code = ContiguousArray<UInt8>()
    /// FLOW destination IPv4 or `absentInt64`.
    package var destinationIPv4 = ContiguousArray<Int64>()
    package var destinationPort = ContiguousArray<Int64>()
    package var bytesUp = ContiguousArray<Int64>()
    package var bytesDown = ContiguousArray<Int64>()
    package var line = ContiguousArray<Int32>()

    package init() {}
    package var count: Int { line.count }
    package var isFull: Bool { count >= BatchCapacity.rows }

    private mutating func reserve() {
        // Most events repeat their terminal's texts; a log-on brings a cert and a name.
        dictionary.reserve(strings: BatchCapacity.rows, bytes: 24 * BatchCapacity.rows)
        kind.reserveRows(); timeSeconds.reserveRows(); venue.reserveRows(); terminal.reserveRows()
        ipv4.reserveRows(); mac.reserveRows(); certType.reserveRows(); cert.reserveRows(); name.reserveRows()
        text.reserveRows(); md5.reserveRows(); code.reserveRows(); destinationIPv4.reserveRows()
        destinationPort.reserveRows(); bytesUp.reserveRows(); bytesDown.reserveRows(); line.reserveRows()
    }

    package mutating func append(_ record: AuditRecord, line lineNumber: Int) {
        if line.isEmpty { reserve() }
        kind.append(record.kind.rawValue)
        timeSeconds.append(record.timeSeconds)
        venue.append(dictionary.intern(record.venue))
        terminal.append(dictionary.intern(record.terminal))
        ipv4.append(record.ipv4.map { Int64($0) } ?? absentInt64)
        mac.append(record.mac.map { Int64($0) } ?? absentInt64)
        certType.append(record.certType.rawValue)
        cert.append(dictionary.internUppercased(record.cert))
        name.append(dictionary.intern(record.name))
        switch record.kind {
        case .process: text.append(dictionary.intern(record.exe))
        case .swipe: text.append(dictionary.intern(record.readerSerial))
        case .audit: text.append(dictionary.intern(record.detail))
        default: text.append(0)
        }
        md5.append(dictionary.intern(record.md5))
        code.append(record.code)
        destinationIPv4.append(record.destinationIPv4.map { Int64($0) } ?? absentInt64)
        destinationPort.append(record.destinationPort)
        bytesUp.append(record.bytesUp)
        bytesDown.append(record.bytesDown)
        line.append(Int32(truncatingIfNeeded: lineNumber))
    }
}

/// Consecutive heartbeats (or snapshots) of one terminal in one file, delta-encoded: the reduced form
/// of the audit log's bulk that keeps every pulse's time, value and line exactly.
package struct PulseRun: Sendable {
    package enum Family: UInt8, Sendable { case heartbeat = 0, snapshot = 1 }

    package var venue: String
    package var terminal: String
    package var family: Family
    /// Earliest and latest pulse time, epoch seconds.
    package var minSeconds: Int64
    package var maxSeconds: Int64
    package var count: Int
    /// Time of the first pulse in file order; the times blob holds zigzag varint deltas from it.
    package var baseSeconds: Int64
    /// Line of the first pulse; the lines blob holds varint deltas from it.
    package var baseLine: Int32
    package var times: [UInt8]
    /// One byte a pulse: `HeartbeatState` raw value, or 1/0 for an OK/failed snapshot.
    package var values: [UInt8]
    package var lines: [UInt8]
}

/// A distinct (venue, terminal, IP, MAC) seen in one file's audit events, aggregated.
package struct AddressAggregate: Sendable {
    package var venue: String
    package var terminal: String
    /// IPv4 or `absentInt64`.
    package var ipv4: Int64
    /// MAC or `absentInt64`.
    package var mac: Int64
    package var firstSeconds: Int64
    package var lastSeconds: Int64
    package var count: Int64
    /// Line of the earliest event showing it.
    package var firstLine: Int32
}

/// A quarantined row: what was wrong and the raw bytes (FORMATS.md §6).
package struct QuarantinedRow: Sendable {
    package var line: Int
    package var reason: RowIssueReason
    package var detail: String
    /// Raw bytes as read (before decoding), capped at `QuarantinedRow.maximumRawBytes`.
    package var raw: [UInt8]
    package var truncated: Bool

    /// Cap on the raw bytes kept per row (STYLE.md §5).
    package static let maximumRawBytes = 4096

    package init(line: Int, reason: RowIssueReason, detail: String, raw: UnsafeRawBufferPointer) {
        self.line = line
        self.reason = reason
        self.detail = detail
        self.truncated = raw.count > Self.maximumRawBytes
        self.raw = Array(raw.prefix(Self.maximumRawBytes))
    }
}

/// A registry row ready for the store.
package enum RegistryRow: Sendable {
    case venue(code: String, fields: [String], lanAddress: Int64, lanPrefix: Int64, terminalCount: Int64, line: Int)
    case terminal(venue: String, terminal: String, ipv4: Int64, mac: Int64, line: Int)
}
