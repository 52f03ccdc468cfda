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

    package mutating func parse<Sink: RecordSink>(
        _ record: CSVRecord, fields: [Range<Int>], columns: ColumnMap, into sink: inout Sink
    ) throws(RowIssue) -> Int64 {
        var row = SessionRecord()
        try record.bytes.withRowBytes { (bytes) throws(RowIssue) in
            var reader = SessionFieldReader(bytes: bytes, fields: fields, columns: columns, shape: Self.shape)
            try reader.common(&row, venue: Field.venue.rawValue, certType: Field.certType.rawValue,
                certNo: Field.certNo.rawValue, personID: Field.personID.rawValue, name: Field.name.rawValue,
                terminal: Field.terminal.rawValue, terminalRequired: true, start: Field.start.rawValue,
                end: Field.end.rawValue, birthDate: Field.birthDate.rawValue)
            if columns.position[Field.recordNo.rawValue] >= 0 {
                row.recordNo = fields[Field.recordNo.rawValue]
                guard !row.recordNo.isEmpty else {
                    throw RowIssue(.missingField, "\(reader.name(Field.recordNo.rawValue)) is empty.")
                }
            }
            row.amountFen = try RowIssue.checkOptional(
                reader.field(Field.amount.rawValue), reader.name(Field.amount.rawValue), .badMoney, "an amount in yuan",
                FieldParser.moneyFen) ?? 0
            row.ipv4 = try RowIssue.checkOptional(
                reader.field(Field.ip.rawValue), reader.name(Field.ip.rawValue), .badIP, "an IPv4 address",
                FieldParser.ipv4) ?? 0
            row.userType = Self.userType(reader.field(Field.userType.rawValue))
            row.checkout = Self.checkout(reader.field(Field.checkout.rawValue))
            row.card = fields[Field.card.rawValue]
            row.cashier = fields[Field.cashier.rawValue]
            row.note = fields[Field.note.rawValue]
            sink.takeSession(row, bytes: bytes, line: record.firstLine)
        }
        return row.amountFen
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

/// Reads the fields both session formats share, naming each column as its header writes it in messages.
struct SessionFieldReader {
    let bytes: UnsafeRawBufferPointer
    let fields: [Range<Int>]
    let columns: ColumnMap
    let shape: TableShape

    func field(_ index: Int) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: bytes[fields[index]]) }
    func name(_ index: Int) -> String { columns.name(index, shape) }

    /// Venue, cert (or person id) and its type, name, terminal, times and birth date.
    mutating func common(
        _ row: inout SessionRecord, venue: Int, certType: Int, certNo: Int, personID: Int, name nameField: Int,
        terminal: Int, terminalRequired: Bool, start: Int, end: Int, birthDate: Int
    ) throws(RowIssue) {
        row.venue = fields[venue]
        try RowIssue.checkVenue(field(venue), name(venue))
        row.terminal = fields[terminal]
        if terminalRequired, row.terminal.isEmpty { throw RowIssue(.missingField, "\(name(terminal)) is empty.") }
        let startSeconds = try RowIssue.check(field(start), name(start), .badTime, "a date and time", FieldParser.timestamp)
        row.startSeconds = startSeconds
        if let endSeconds = try RowIssue.checkOptional(
            field(end), name(end), .badTime, "a date and time", FieldParser.timestamp)
        {
            guard endSeconds >= startSeconds else { throw RowIssue(.endBeforeStart, "\(name(end)) is before \(name(start)).") }
            row.endSeconds = endSeconds
        }
        row.certType = try RowIssue.check(field(certType), name(certType), .badValue, "a known cert type", FieldParser.certType)
        if columns.position[certNo] >= 0 {
            row.certNo = fields[certNo]
        } else {
            // An anonymised export (FORMATS.md §3.6): the person id links sessions but is no document.
            row.certNo = fields[personID]
            row.certType = .anonymisedPersonID
        }
        row.name = fields[nameField]
        row.birthDate = try RowIssue.checkOptional(
            field(birthDate), name(birthDate), .badTime, "a birth date such as 19950529", FieldParser.birthDate) ?? 0
    }
}
