import LogFormats

// Columnar batches (STYLE.md §3, §7): fixed capacity, per format, Sendable values; text columns hold ids
// into the batch's own `StringDictionary`; nullable numbers use the sentinel named on their column.

/// Rows per batch: large enough that per-batch costs vanish, small enough to bound memory.
package enum BatchCapacity {
    package static let rows = 8192
    /// A batch that reaches this many rows makes room for a full one (dictionary, key heap): the last batch of a
    /// file, or a small file's only one, keeps what it grew to (a full batch's room, held in flight, cost ~10 MB of
    /// peak memory on the 5 GB night, 240-244 MB against 233).
    static let roomAt = 1024
}

/// One column's values while a batch fills, in memory of its own kept from batch to batch of a file, written in
/// place: an array append's uniqueness and capacity checks, seventeen a session row, were most of a row's cost
/// after its dictionary lookups, and arrays begun empty doubled thirteen times on the way to a full batch.
/// The batch that goes to the writer gets the values as an array.
final class ColumnBuffer<Element: BitwiseCopyable> {
    private let base = UnsafeMutablePointer<Element>.allocate(capacity: BatchCapacity.rows)

    deinit { base.deallocate() }

    /// Sets row `row`; the batch builder keeps `row` below `BatchCapacity.rows`.
    @inline(__always)
    func set(_ row: Int, _ value: Element) { base[row] = value }

    /// The first `count` values.
    func array(_ count: Int) -> ContiguousArray<Element> {
        ContiguousArray(unsafeUninitializedCapacity: count) { buffer, initialized in
            if count > 0 { buffer.baseAddress!.initialize(from: base, count: count) }
            initialized = count
        }
    }
}

/// Sentinel of an absent Int64 value (an open session's end, an absent balance, IP or MAC).
package let absentInt64 = Int64.min

/// Unique text of a column (a row key such as 记录号) in one byte heap: dictionary-encoding text that
/// never repeats would only grow the symbol table.
package struct TextHeap: Sendable {
    /// Every value's bytes, back to back, and room after them (values are read by `range`).
    private var values = ByteRoom()
    /// The values' bytes and room after them.
    package var bytes: ContiguousArray<UInt8> { values.storage }
    /// `ends[row]` is the end offset of row's value; it starts at `ends[row - 1]` (or 0).
    package private(set) var ends = ContiguousArray<Int32>()

    package init() {}

    /// Room for `rows` values of `bytes` bytes in all.
    package mutating func reserve(rows: Int, bytes byteCount: Int) {
        values.makeRoom(byteCount)
        ends.reserveCapacity(rows)
    }

    package mutating func append(_ value: UnsafeRawBufferPointer) {
        values.append(value)
        ends.append(Int32(values.count))
    }

    /// Appends `@terminal|startSeconds|CERT` as one value, written in place (no String or array per row).
    package mutating func appendSessionKey(
        terminal: UnsafeRawBufferPointer, startSeconds: Int64, cert: UnsafeRawBufferPointer
    ) {
        // `@`, `|` twice, a sign and 19 digits at most.
        values.write(atMost: terminal.count + cert.count + 23) { out, start in
            var at = start
            out[at] = UInt8(ascii: "@")
            at += 1
            for byte in terminal {
                out[at] = byte
                at += 1
            }
            out[at] = UInt8(ascii: "|")
            at += 1
            if startSeconds < 0 {
                out[at] = UInt8(ascii: "-")
                at += 1
            }
            let digitsStart = at
            var magnitude = startSeconds.magnitude
            repeat {
                out[at] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                at += 1
                magnitude /= 10
            } while magnitude > 0
            out[digitsStart..<at].reverse()
            out[at] = UInt8(ascii: "|")
            at += 1
            for byte in cert {
                out[at] = byte >= 0x61 && byte <= 0x7A ? byte - 0x20 : byte
                at += 1
            }
            return at
        }
        ends.append(Int32(values.count))
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

    package var count: Int { line.count }
}

/// Fills `SessionBatch`es a row at a time; `take()` hands the rows over as a batch and starts the next one.
struct SessionBatchBuilder {
    private(set) var count = 0
    private var dictionary = StringDictionary()
    private var recordNo = TextHeap()
    private let venue = ColumnBuffer<Int32>(), card = ColumnBuffer<Int32>(), cert = ColumnBuffer<Int32>()
    private let name = ColumnBuffer<Int32>(), terminal = ColumnBuffer<Int32>(), cashier = ColumnBuffer<Int32>()
    private let note = ColumnBuffer<Int32>(), userType = ColumnBuffer<UInt8>(), certType = ColumnBuffer<UInt16>()
    private let checkout = ColumnBuffer<UInt8>(), ipv4 = ColumnBuffer<Int64>(), startSeconds = ColumnBuffer<Int64>()
    private let endSeconds = ColumnBuffer<Int64>(), amountFen = ColumnBuffer<Int64>()
    private let birthDate = ColumnBuffer<Int64>(), line = ColumnBuffer<Int32>()

    var isFull: Bool { count >= BatchCapacity.rows }

    mutating func append(_ row: SessionRecord, bytes: UnsafeRawBufferPointer, line lineNumber: Int) {
        precondition(count < BatchCapacity.rows, "a full batch is taken before its next row")
        if count == BatchCapacity.roomAt {
            // Card, cert and name are new strings in most rows: the dictionary's room made once, not doubled.
            dictionary.reserve(strings: 3 * BatchCapacity.rows, bytes: 40 * BatchCapacity.rows)
            recordNo.reserve(rows: BatchCapacity.rows, bytes: 12 * BatchCapacity.rows)
        }
        func text(_ range: Range<Int>) -> Int32 { dictionary.intern(UnsafeRawBufferPointer(rebasing: bytes[range])) }
        let at = count
        venue.set(at, text(row.venue))
        if !row.recordNo.isEmpty {
            recordNo.append(UnsafeRawBufferPointer(rebasing: bytes[row.recordNo]))
        } else {
            recordNo.appendSessionKey(
                terminal: UnsafeRawBufferPointer(rebasing: bytes[row.terminal]), startSeconds: row.startSeconds,
                cert: UnsafeRawBufferPointer(rebasing: bytes[row.certNo]))
        }
        card.set(at, text(row.card))
        cert.set(at, dictionary.internUppercased(UnsafeRawBufferPointer(rebasing: bytes[row.certNo])))
        name.set(at, text(row.name))
        terminal.set(at, text(row.terminal))
        cashier.set(at, text(row.cashier))
        note.set(at, text(row.note))
        userType.set(at, row.userType.rawValue)
        certType.set(at, row.certType.rawValue)
        checkout.set(at, row.checkout.rawValue)
        ipv4.set(at, row.ipv4 == 0 ? absentInt64 : Int64(row.ipv4))
        startSeconds.set(at, row.startSeconds)
        endSeconds.set(at, row.endSeconds ?? absentInt64)
        amountFen.set(at, row.amountFen)
        birthDate.set(at, row.birthDate)
        line.set(at, Int32(truncatingIfNeeded: lineNumber))
        count = at + 1
    }

    /// Drops the rows so far.
    mutating func removeAll() {
        count = 0
        dictionary = StringDictionary()
        recordNo = TextHeap()
    }

    /// The rows so far as a batch; the builder starts empty.
    mutating func take() -> SessionBatch {
        defer { removeAll() }
        return SessionBatch(
            dictionary: dictionary, venue: venue.array(count), recordNo: recordNo, card: card.array(count),
            cert: cert.array(count), name: name.array(count), terminal: terminal.array(count),
            cashier: cashier.array(count), note: note.array(count), userType: userType.array(count),
            certType: certType.array(count), checkout: checkout.array(count), ipv4: ipv4.array(count),
            startSeconds: startSeconds.array(count), endSeconds: endSeconds.array(count),
            amountFen: amountFen.array(count), birthDate: birthDate.array(count), line: line.array(count))
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

    package var count: Int { line.count }
}

/// Fills `TransactionBatch`es a row at a time, as `SessionBatchBuilder` does sessions.
struct TransactionBatchBuilder {
    private(set) var count = 0
    private var dictionary = StringDictionary()
    private var serialNo = TextHeap()
    private let venue = ColumnBuffer<Int32>(), card = ColumnBuffer<Int32>(), cert = ColumnBuffer<Int32>()
    private let cashier = ColumnBuffer<Int32>(), terminal = ColumnBuffer<Int32>(), note = ColumnBuffer<Int32>()
    private let kind = ColumnBuffer<UInt8>(), timeSeconds = ColumnBuffer<Int64>(), amountFen = ColumnBuffer<Int64>()
    private let balanceFen = ColumnBuffer<Int64>(), line = ColumnBuffer<Int32>()

    var isFull: Bool { count >= BatchCapacity.rows }

    mutating func append(_ row: TransactionRecord, bytes: UnsafeRawBufferPointer, line lineNumber: Int) {
        precondition(count < BatchCapacity.rows, "a full batch is taken before its next row")
        if count == BatchCapacity.roomAt {
            // Card and cert are new strings in most rows.
            dictionary.reserve(strings: 2 * BatchCapacity.rows, bytes: 30 * BatchCapacity.rows)
            serialNo.reserve(rows: BatchCapacity.rows, bytes: 16 * BatchCapacity.rows)
        }
        func text(_ range: Range<Int>) -> Int32 { dictionary.intern(UnsafeRawBufferPointer(rebasing: bytes[range])) }
        let at = count
        venue.set(at, text(row.venue))
        serialNo.append(UnsafeRawBufferPointer(rebasing: bytes[row.serialNo]))
        card.set(at, text(row.card))
        cert.set(at, dictionary.internUppercased(UnsafeRawBufferPointer(rebasing: bytes[row.certNo])))
        cashier.set(at, text(row.cashier))
        terminal.set(at, text(row.terminal))
        note.set(at, text(row.note))
        kind.set(at, row.kind.rawValue)
        timeSeconds.set(at, row.timeSeconds)
        amountFen.set(at, row.amountFen)
        balanceFen.set(at, row.balanceFen ?? absentInt64)
        line.set(at, Int32(truncatingIfNeeded: lineNumber))
        count = at + 1
    }

    /// Drops the rows so far.
    mutating func removeAll() {
        count = 0
        dictionary = StringDictionary()
        serialNo = TextHeap()
    }

    /// The rows so far as a batch; the builder starts empty.
    mutating func take() -> TransactionBatch {
        defer { removeAll() }
        return TransactionBatch(
            dictionary: dictionary, venue: venue.array(count), serialNo: serialNo, card: card.array(count),
            cert: cert.array(count), cashier: cashier.array(count), terminal: terminal.array(count),
            note: note.array(count), kind: kind.array(count), timeSeconds: timeSeconds.array(count),
            amountFen: amountFen.array(count), balanceFen: balanceFen.array(count), line: line.array(count))
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

    package var count: Int { line.count }
}

/// Fills `AuditEventBatch`es an event at a time, as `SessionBatchBuilder` does sessions.
struct AuditEventBatchBuilder {
    private(set) var count = 0
    private var dictionary = StringDictionary()
    private let kind = ColumnBuffer<UInt8>(), timeSeconds = ColumnBuffer<Int64>(), venue = ColumnBuffer<Int32>()
    private let terminal = ColumnBuffer<Int32>(), ipv4 = ColumnBuffer<Int64>(), mac = ColumnBuffer<Int64>()
    private let certType = ColumnBuffer<UInt16>(), cert = ColumnBuffer<Int32>(), name = ColumnBuffer<Int32>()
    private let text = ColumnBuffer<Int32>(), md5 = ColumnBuffer<Int32>(), code = ColumnBuffer<UInt8>()
    private let destinationIPv4 = ColumnBuffer<Int64>(), destinationPort = ColumnBuffer<Int64>()
    private let bytesUp = ColumnBuffer<Int64>(), bytesDown = ColumnBuffer<Int64>(), line = ColumnBuffer<Int32>()

    var isFull: Bool { count >= BatchCapacity.rows }

    mutating func append(_ record: AuditRecord, line lineNumber: Int) {
        precondition(count < BatchCapacity.rows, "a full batch is taken before its next row")
        // Most events repeat their terminal's texts; a log-on brings a cert and a name.
        if count == BatchCapacity.roomAt {
            dictionary.reserve(strings: BatchCapacity.rows, bytes: 24 * BatchCapacity.rows)
        }
        let at = count
        kind.set(at, record.kind.rawValue)
        timeSeconds.set(at, record.timeSeconds)
        venue.set(at, dictionary.intern(record.venue))
        terminal.set(at, dictionary.intern(record.terminal))
        ipv4.set(at, record.ipv4.map { Int64($0) } ?? absentInt64)
        mac.set(at, record.mac.map { Int64($0) } ?? absentInt64)
        certType.set(at, record.certType.rawValue)
        cert.set(at, dictionary.internUppercased(record.cert))
        name.set(at, dictionary.intern(record.name))
        switch record.kind {
        case .process: text.set(at, dictionary.intern(record.exe))
        case .swipe: text.set(at, dictionary.intern(record.readerSerial))
        case .audit: text.set(at, dictionary.intern(record.detail))
        default: text.set(at, 0)
        }
        md5.set(at, dictionary.intern(record.md5))
        code.set(at, record.code)
        destinationIPv4.set(at, record.destinationIPv4.map { Int64($0) } ?? absentInt64)
        destinationPort.set(at, record.destinationPort)
        bytesUp.set(at, record.bytesUp)
        bytesDown.set(at, record.bytesDown)
        line.set(at, Int32(truncatingIfNeeded: lineNumber))
        count = at + 1
    }

    /// Drops the rows so far.
    mutating func removeAll() {
        count = 0
        dictionary = StringDictionary()
    }

    /// The events so far as a batch; the builder starts empty.
    mutating func take() -> AuditEventBatch {
        defer { removeAll() }
        return AuditEventBatch(
            dictionary: dictionary, kind: kind.array(count), timeSeconds: timeSeconds.array(count),
            venue: venue.array(count), terminal: terminal.array(count), ipv4: ipv4.array(count), mac: mac.array(count),
            certType: certType.array(count), cert: cert.array(count), name: name.array(count), text: text.array(count),
            md5: md5.array(count), code: code.array(count), destinationIPv4: destinationIPv4.array(count),
            destinationPort: destinationPort.array(count), bytesUp: bytesUp.array(count),
            bytesDown: bytesDown.array(count), line: line.array(count))
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
