import LogFormats

// Batches as detectors see them: one venue at a time, columnar, strings interned to `SymbolID`s.
// The store (Ingest) fills these; detectors never read files or SQL (STYLE.md §3).

/// Interned text (venue code, terminal number, cert number, exe name, ...); 0 means absent.
package typealias SymbolID = Int32

/// Where a row came from: a source file and a 1-based line of its decompressed text (FORMATS.md §5).
package struct SourceRef: Hashable, Comparable, Sendable {
    /// The id of the ingested file (`ingestedFile.id`).
    package var fileID: Int32
    /// 1-based line of the decompressed text.
    package var line: Int32

    package init(fileID: Int32, line: Int32) {
        self.fileID = fileID
        self.line = line
    }

    package static func < (lhs: SourceRef, rhs: SourceRef) -> Bool {
        (lhs.fileID, lhs.line) < (rhs.fileID, rhs.line)
    }
}

/// The text behind every `SymbolID`, for findings and signature matching.
package struct SymbolTable: Sendable {
    /// `texts[id]`; index 0 is the empty string.
    package var texts: [String]

    package init(texts: [String] = [""]) { self.texts = texts.isEmpty ? [""] : texts }

    package func text(_ id: SymbolID) -> String {
        id > 0 && Int(id) < texts.count ? texts[Int(id)] : ""
    }

    /// Adds `text` (for tests and in-memory builders); returns its id.
    package mutating func intern(_ text: String) -> SymbolID {
        if text.isEmpty { return 0 }
        if let index = texts.firstIndex(of: text) { return SymbolID(index) }
        texts.append(text)
        return SymbolID(texts.count - 1)
    }
}

/// Billing sessions (上机记录) of one venue, sorted by start time.
package struct SessionColumns: Sendable {
    /// 终端号.
    package var terminal = ContiguousArray<SymbolID>()
    /// Normalised cert number (upper-case X); 0 when empty (staff cards).
    package var cert = ContiguousArray<SymbolID>()
    /// 证件类型 code.
    package var certType = ContiguousArray<CertType>()
    /// 用户类型.
    package var userType = ContiguousArray<UserType>()
    /// 结账方式.
    package var checkout = ContiguousArray<CheckoutMethod>()
    /// 上机时间, Unix epoch seconds.
    package var startSeconds = ContiguousArray<Int64>()
    /// 下机时间, or for an open session the export time or the dump's data end (FORMATS.md §4), epoch seconds.
    package var endSeconds = ContiguousArray<Int64>()
    /// Whether 下机时间 was empty.
    package var isOpen = ContiguousArray<Bool>()
    /// 消费金额 in fen.
    package var amountFen = ContiguousArray<Int64>()
    /// Birth date as the number 19950529 where the export gave one (anonymised exports), else 0.
    package var birthDate = ContiguousArray<Int64>()
    /// The source row.
    package var source = ContiguousArray<SourceRef>()

    package init() {}
    package var count: Int { startSeconds.count }

    package mutating func append(
        terminal: SymbolID, cert: SymbolID, certType: CertType, userType: UserType,
        checkout: CheckoutMethod, startSeconds: Int64, endSeconds: Int64, isOpen: Bool, amountFen: Int64,
        birthDate: Int64 = 0, source: SourceRef
    ) {
        self.birthDate.append(birthDate)
        self.terminal.append(terminal)
        self.cert.append(cert)
        self.certType.append(certType)
        self.userType.append(userType)
        self.checkout.append(checkout)
        self.startSeconds.append(startSeconds)
        self.endSeconds.append(endSeconds)
        self.isOpen.append(isOpen)
        self.amountFen.append(amountFen)
        self.source.append(source)
    }
}

/// Billing transactions (交易流水) of one venue, sorted by time.
package struct TransactionColumns: Sendable {
    /// 交易时间, epoch seconds.
    package var timeSeconds = ContiguousArray<Int64>()
    /// 交易类型.
    package var kind = ContiguousArray<TransactionKind>()
    /// Normalised cert number, 0 when empty.
    package var cert = ContiguousArray<SymbolID>()
    /// 终端号, 0 at the front desk.
    package var terminal = ContiguousArray<SymbolID>()
    /// 金额 in fen.
    package var amountFen = ContiguousArray<Int64>()
    /// The source row.
    package var source = ContiguousArray<SourceRef>()

    package init() {}
    package var count: Int { timeSeconds.count }

    package mutating func append(
        timeSeconds: Int64, kind: TransactionKind, cert: SymbolID, terminal: SymbolID, amountFen: Int64,
        source: SourceRef
    ) {
        self.timeSeconds.append(timeSeconds)
        self.kind.append(kind)
        self.cert.append(cert)
        self.terminal.append(terminal)
        self.amountFen.append(amountFen)
        self.source.append(source)
    }
}

/// Audit `ONLINE`/`OFFLINE` events of one venue, sorted by time.
package struct LogonColumns: Sendable {
    /// Epoch seconds.
    package var timeSeconds = ContiguousArray<Int64>()
    /// true for `ONLINE`, false for `OFFLINE`.
    package var isOnline = ContiguousArray<Bool>()
    package var terminal = ContiguousArray<SymbolID>()
    package var cert = ContiguousArray<SymbolID>()
    package var certType = ContiguousArray<CertType>()
    package var source = ContiguousArray<SourceRef>()

    package init() {}
    package var count: Int { timeSeconds.count }

    package mutating func append(
        timeSeconds: Int64, isOnline: Bool, terminal: SymbolID, cert: SymbolID, certType: CertType, source: SourceRef
    ) {
        self.timeSeconds.append(timeSeconds)
        self.isOnline.append(isOnline)
        self.terminal.append(terminal)
        self.cert.append(cert)
        self.certType.append(certType)
        self.source.append(source)
    }
}

/// Front-desk `SWIPE` events of one venue, sorted by time.
package struct SwipeColumns: Sendable {
    package var timeSeconds = ContiguousArray<Int64>()
    /// Normalised cert number.
    package var cert = ContiguousArray<SymbolID>()
    package var result = ContiguousArray<SwipeResult>()
    package var source = ContiguousArray<SourceRef>()

    package init() {}
    package var count: Int { timeSeconds.count }

    package mutating func append(timeSeconds: Int64, cert: SymbolID, result: SwipeResult, source: SourceRef) {
        self.timeSeconds.append(timeSeconds)
        self.cert.append(cert)
        self.result.append(result)
        self.source.append(source)
    }
}

/// `PROC` events of one venue, sorted by time.
package struct ProcessColumns: Sendable {
    package var timeSeconds = ContiguousArray<Int64>()
    package var terminal = ContiguousArray<SymbolID>()
    /// Executable name as written.
    package var exe = ContiguousArray<SymbolID>()
    package var action = ContiguousArray<ProcessAction>()
    package var source = ContiguousArray<SourceRef>()

    package init() {}
    package var count: Int { timeSeconds.count }

    package mutating func append(
        timeSeconds: Int64, terminal: SymbolID, exe: SymbolID, action: ProcessAction, source: SourceRef
    ) {
        self.timeSeconds.append(timeSeconds)
        self.terminal.append(terminal)
        self.exe.append(exe)
        self.action.append(action)
        self.source.append(source)
    }
}

/// `AUDIT` server events of one venue, sorted by time.
package struct AuditStatusColumns: Sendable {
    package var timeSeconds = ContiguousArray<Int64>()
    package var status = ContiguousArray<AuditStatus>()
    package var source = ContiguousArray<SourceRef>()

    package init() {}
    package var count: Int { timeSeconds.count }

    package mutating func append(timeSeconds: Int64, status: AuditStatus, source: SourceRef) {
        self.timeSeconds.append(timeSeconds)
        self.status.append(status)
        self.source.append(source)
    }
}

/// Time-ordered, de-duplicated pulses of one terminal: heartbeats (value = `HeartbeatState`) or
/// snapshots (value 1 = `OK`, 0 = `FAIL`).
package struct PulseSeries: Sendable {
    /// Epoch seconds, ascending.
    package var timeSeconds = ContiguousArray<Int64>()
    /// `HeartbeatState.rawValue` for heartbeats; 1 for an OK snapshot, 0 for a failed one.
    package var value = ContiguousArray<UInt8>()
    package var source = ContiguousArray<SourceRef>()

    package init() {}
    package var count: Int { timeSeconds.count }

    package mutating func append(timeSeconds: Int64, value: UInt8, source: SourceRef) {
        self.timeSeconds.append(timeSeconds)
        self.value.append(value)
        self.source.append(source)
    }
}

/// `FLOW` traffic summaries of one venue, in time order (FORMATS.md §3.3).
package struct FlowColumns: Sendable {
    package var timeSeconds = ContiguousArray<Int64>()
    /// The terminal of an address running the audit client; 0 for a line the gateway wrote for another address.
    package var terminal = ContiguousArray<SymbolID>()
    /// Source IPv4, host order; nil when the line gave none.
    package var ipv4 = ContiguousArray<UInt32?>()
    /// Source MAC (48 bits); nil when the line gave none.
    package var mac = ContiguousArray<UInt64?>()
    /// Destination IPv4; nil when none.
    package var destinationIPv4 = ContiguousArray<UInt32?>()
    /// Bytes up plus bytes down.
    package var bytes = ContiguousArray<Int64>()
    package var source = ContiguousArray<SourceRef>()

    package init() {}
    package var count: Int { timeSeconds.count }

    package mutating func append(
        timeSeconds: Int64, terminal: SymbolID, ipv4: UInt32?, mac: UInt64?, destinationIPv4: UInt32?, bytes: Int64,
        source: SourceRef
    ) {
        self.timeSeconds.append(timeSeconds)
        self.terminal.append(terminal)
        self.ipv4.append(ipv4)
        self.mac.append(mac)
        self.destinationIPv4.append(destinationIPv4)
        self.bytes.append(bytes)
        self.source.append(source)
    }
}

/// One distinct (terminal, IP, MAC) a venue's audit log showed, from any audit event that carries them.
package struct AddressSighting: Sendable, Hashable {
    package var terminal: SymbolID
    /// IPv4 as a host-order integer; nil when the field was empty or not an IPv4 address.
    package var ipv4: UInt32?
    /// Normalised MAC (`00-1A-2B-3C-4D-5E`); 0 when empty.
    package var mac: SymbolID
    package var firstSeconds: Int64
    package var lastSeconds: Int64
    /// How many events showed it.
    package var count: Int64
    /// The first line that showed it.
    package var source: SourceRef

    package init(
        terminal: SymbolID, ipv4: UInt32?, mac: SymbolID, firstSeconds: Int64, lastSeconds: Int64, count: Int64,
        source: SourceRef
    ) {
        self.terminal = terminal
        self.ipv4 = ipv4
        self.mac = mac
        self.firstSeconds = firstSeconds
        self.lastSeconds = lastSeconds
        self.count = count
        self.source = source
    }
}

/// Everything the dump holds about one venue.
package struct VenueSlice: Sendable {
    package var venue: SymbolID
    /// Billing sessions (FORMATS.md §3.1, §3.6): the billing rules read these.
    package var sessions = SessionColumns()
    /// The billing sessions merged with the real-name platform's (see `identitySessions`); nil when the dump
    /// has no platform records of the venue.
    package var mergedIdentitySessions: SessionColumns?

    /// The sessions the identity rules read (`id-sharing`, `invalid-id`, `minor`, `after-hours`): the billing
    /// sessions and the real-name platform's sessions that no billing session repeats (FORMATS.md §3.6), in
    /// start order.
    package var identitySessions: SessionColumns { mergedIdentitySessions ?? sessions }
    package var transactions = TransactionColumns()
    package var logons = LogonColumns()
    package var swipes = SwipeColumns()
    package var processes = ProcessColumns()
    package var auditStatuses = AuditStatusColumns()
    /// Heartbeats per terminal.
    package var heartbeats: [SymbolID: PulseSeries] = [:]
    /// Snapshots per terminal.
    package var snapshots: [SymbolID: PulseSeries] = [:]
    package var addresses: [AddressSighting] = []
    /// `FLOW` traffic summaries.
    package var flows = FlowColumns()
    /// First and last audit event time of the venue (any audit event), epoch seconds; nil without audit data.
    package var auditCoverage: ClosedRange<Int64>?

    /// The night whose files this slice holds (FORMATS.md §5), nil for a database from before nights.
    package var night: String?

    package init(venue: SymbolID) { self.venue = venue }
}
