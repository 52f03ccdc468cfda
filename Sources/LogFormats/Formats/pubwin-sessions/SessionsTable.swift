/// A session, typed: a billing export's row (`pubwin-sessions`) or a real-name platform record
/// (`realname-sessions`). Text fields are ranges into the record's `bytes`.
package struct SessionRecord: Sendable {
    /// Whether it came from a billing export (FORMATS.md §3.6: real-name records never count as billing).
    package var isBilling = true
    package var venue: Range<Int> = 0..<0
    /// 记录号; empty when the export has no such column (the session is then known by venue, terminal,
    /// 上机时间 and cert, FORMATS.md §3.6).
    package var recordNo: Range<Int> = 0..<0
    package var card: Range<Int> = 0..<0
    /// Cert number, or an anonymised export's person id (then `certType` is `.anonymisedPersonID`).
    package var certNo: Range<Int> = 0..<0
    package var name: Range<Int> = 0..<0
    package var terminal: Range<Int> = 0..<0
    package var cashier: Range<Int> = 0..<0
    package var note: Range<Int> = 0..<0
    package var userType = UserType.unknown
    package var certType = CertType.unknown
    package var checkout = CheckoutMethod.unknown
    /// Host-order IPv4; 0 when absent.
    package var ipv4: UInt32 = 0
    /// 上机时间, epoch seconds.
    package var startSeconds: Int64 = 0
    /// 下机时间, epoch seconds; nil while the session was open at export time.
    package var endSeconds: Int64?
    /// 消费金额 in fen (0 when absent).
    package var amountFen: Int64 = 0
    /// Birth date as the number 19950529, from an export that gives it (BIRTHDAY); 0 when absent.
    package var birthDate: Int64 = 0

    package init() {}
}

/// `pubwin-sessions` (FORMATS.md §3.1, §3.6): a billing session export of Pubwin or any other billing system
/// whose header maps onto it.
package struct SessionsTable: CSVTable {
    package enum Field: Int, CaseIterable, Sendable {
        case recordNo, venue, card, userType, certType, certNo, personID, name, terminal, ip, start, end, duration,
            amount, cashier, checkout, note, birthDate
    }

    package static let format = Format.pubwinSessions
    /// 记录号 and the venue column may be missing (FORMATS.md §3.6: known by venue + terminal + 上机时间 + cert;
    /// venue from a title line).
    package static let shape = TableShape(
        Field.self, required: [[.certNo, .personID], [.terminal], [.start]], venue: .venue)
    package static let amountField: Field? = .amount

    package init() {}

    package mutating func parse<Sink: RecordSink>(_ data: CSVRowData, into sink: inout Sink) throws(RowIssue) -> Int64 {
        let row = CSVRow<Field>(data)
        var record = SessionRecord()
        try record.readCommon(
            row, venue: .venue, certType: .certType, certNo: .certNo, personID: .personID, name: .name,
            terminal: .terminal, terminalRequired: true, start: .start, end: .end, birthDate: .birthDate)
        if row.has(.recordNo) {
            record.recordNo = row.range(.recordNo)
            guard !record.recordNo.isEmpty else { throw RowIssue(.missingField, "\(row.name(.recordNo)) is empty.") }
        }
        record.amountFen = try RowIssue.checkOptional(
            row.field(.amount), row.name(.amount), .badMoney, "an amount in yuan", FieldParser.moneyFen) ?? 0
        record.ipv4 = try RowIssue.checkOptional(
            row.field(.ip), row.name(.ip), .badIP, "an IPv4 address", FieldParser.ipv4) ?? 0
        record.userType = Self.userType(row.field(.userType))
        record.checkout = Self.checkout(row.field(.checkout))
        record.card = row.range(.card)
        record.cashier = row.range(.cashier)
        record.note = row.range(.note)
        sink.takeSession(record, bytes: row.bytes, line: row.line)
        return record.amountFen
    }

    package static func userType(_ field: UnsafeRawBufferPointer) -> UserType {
        if field.equals("会员") || field.equals("会员卡") { return .member }
        if field.equals("临时") || field.equals("临时卡") || field.equals("临时用户") { return .temporary }
        if field.equals("员工") || field.equals("工卡") || field.equals("员工卡") { return .staff }
        return .unknown
    }

    package static func checkout(_ field: UnsafeRawBufferPointer) -> CheckoutMethod {
        if field.equals("正常") { return .normal }
        if field.equals("手工") { return .manual }
        if field.equals("自动") { return .automatic }
        if field.equals("强制") { return .forced }
        return .unknown
    }
}

extension SessionRecord {
    /// Reads the fields both session formats share: venue, cert (or person id) and its type, name, terminal,
    /// times and birth date, naming each column as its header writes it in messages.
    mutating func readCommon<Field>(
        _ row: CSVRow<Field>, venue: Field, certType: Field, certNo: Field, personID: Field, name: Field,
        terminal: Field, terminalRequired: Bool, start: Field, end: Field, birthDate: Field
    ) throws(RowIssue) {
        self.venue = row.range(venue)
        try RowIssue.checkVenue(row.field(venue), row.name(venue))
        self.terminal = row.range(terminal)
        if terminalRequired, self.terminal.isEmpty { throw RowIssue(.missingField, "\(row.name(terminal)) is empty.") }
        let startSeconds = try RowIssue.check(
            row.field(start), row.name(start), .badTime, "a date and time", FieldParser.timestamp)
        self.startSeconds = startSeconds
        if let endSeconds = try RowIssue.checkOptional(
            row.field(end), row.name(end), .badTime, "a date and time", FieldParser.timestamp)
        {
            guard endSeconds >= startSeconds else {
                throw RowIssue(.endBeforeStart, "\(row.name(end)) is before \(row.name(start)).")
            }
            self.endSeconds = endSeconds
        }
        self.certType = try RowIssue.check(
            row.field(certType), row.name(certType), .badValue, "a known cert type", FieldParser.certType)
        if row.has(certNo) {
            self.certNo = row.range(certNo)
        } else {
            // An anonymised export (FORMATS.md §3.6): the person id links sessions but is no document.
            self.certNo = row.range(personID)
            self.certType = .anonymisedPersonID
        }
        self.name = row.range(name)
        self.birthDate = try RowIssue.checkOptional(
            row.field(birthDate), row.name(birthDate), .badTime, "a birth date such as 19950529", FieldParser.birthDate)
            ?? 0
    }
}
