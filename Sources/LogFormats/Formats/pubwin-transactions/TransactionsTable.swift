/// A `pubwin-transactions` row, typed; text fields are ranges into the record's `bytes`.
package struct TransactionRecord: Sendable {
    package var venue: Range<Int> = 0..<0
    package var serialNo: Range<Int> = 0..<0
    package var card: Range<Int> = 0..<0
    package var certNo: Range<Int> = 0..<0
    package var cashier: Range<Int> = 0..<0
    package var terminal: Range<Int> = 0..<0
    package var note: Range<Int> = 0..<0
    package var kind = TransactionKind.unknown
    /// 交易时间, epoch seconds.
    package var timeSeconds: Int64 = 0
    /// 金额 in fen.
    package var amountFen: Int64 = 0
    /// 余额 in fen; nil when absent.
    package var balanceFen: Int64?

    package init() {}
}

/// `pubwin-transactions` (FORMATS.md §3.2): the billing transaction log (交易流水).
package struct TransactionsTable: CSVTable {
    package enum Field: Int, CaseIterable, Sendable {
        case serialNo, venue, time, kind, card, certNo, amount, balance, cashier, terminal, note
    }

    package static let format = Format.pubwinTransactions
    package static let shape = TableShape(Field.self, required: [[.serialNo], [.time], [.kind]], venue: .venue)
    package static let amountField: Field? = .amount

    package init() {}

    package mutating func parse<Sink: RecordSink>(_ data: CSVRowData, into sink: inout Sink) throws(RowIssue) -> Int64 {
        let row = CSVRow<Field>(data)
        var record = TransactionRecord()
        record.venue = row.range(.venue)
        try RowIssue.checkVenue(row.field(.venue), row.name(.venue))
        record.serialNo = row.range(.serialNo)
        guard !record.serialNo.isEmpty else { throw RowIssue(.missingField, "\(row.name(.serialNo)) is empty.") }
        record.timeSeconds = try RowIssue.check(
            row.field(.time), row.name(.time), .badTime, "a date and time", FieldParser.timestamp)
        record.kind = try RowIssue.check(
            row.field(.kind), row.name(.kind), .badValue, "a known transaction type", Self.transactionKind)
        record.amountFen = try RowIssue.checkOptional(
            row.field(.amount), row.name(.amount), .badMoney, "an amount in yuan", FieldParser.moneyFen) ?? 0
        record.balanceFen = try RowIssue.checkOptional(
            row.field(.balance), row.name(.balance), .badMoney, "an amount in yuan", FieldParser.moneyFen)
        record.card = row.range(.card)
        record.certNo = row.range(.certNo)
        record.cashier = row.range(.cashier)
        record.terminal = row.range(.terminal)
        record.note = row.range(.note)
        sink.takeTransaction(record, bytes: row.bytes, line: row.line)
        return record.amountFen
    }

    package static func transactionKind(_ field: UnsafeRawBufferPointer) -> TransactionKind? {
        if field.equals("开户") { return .openAccount }
        if field.equals("充值") { return .topUp }
        if field.equals("上机") { return .logOn }
        if field.equals("下机") { return .logOff }
        if field.equals("结账") { return .checkOut }
        if field.equals("退款") { return .refund }
        if field.equals("补登") { return .lateEntry }
        if field.equals("手工计费") { return .manualCharge }
        if field.equals("换机") { return .changeTerminal }
        if field.equals("商品") { return .goods }
        return nil
    }
}
