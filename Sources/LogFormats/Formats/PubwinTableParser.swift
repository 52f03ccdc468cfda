/// A `pubwin-sessions` row, typed; text fields are ranges into the record's `bytes`.
package struct SessionRecord: Sendable {
    package var venue: Range<Int> = 0..<0
    package var recordNo: Range<Int> = 0..<0
    package var card: Range<Int> = 0..<0
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
}

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
}

/// Reads the records of one Pubwin CSV export: title lines, the header row, data rows and a totals row
/// (FORMATS.md §3.1–3.2). One instance per file.
package struct PubwinTableParser: Sendable {
    package enum Table: Sendable { case sessions, transactions }

    package enum RecordClass {
        case title, header, totals, row
    }

    package let table: Table
    /// The header's column positions, once seen.
    package private(set) var columns: ColumnMap?
    /// 导出时间 from a title line, epoch seconds.
    package private(set) var exportSeconds: Int64?
    /// Sum of the amounts of the rows parsed, fen.
    package private(set) var parsedAmountFen: Int64 = 0
    /// The totals row's amount, fen, and its line, when the export had one.
    package private(set) var declaredTotal: (amountFen: Int64, line: Int)?

    package init(table: Table) { self.table = table }

    private var headers: [StaticString] {
        switch table {
        case .sessions: SessionColumn.allCases.map(\.header)
        case .transactions: TransactionColumn.allCases.map(\.header)
        }
    }

    private var keyColumns: [Int] {
        switch table {
        case .sessions: [SessionColumn.recordNo.rawValue, SessionColumn.start.rawValue]
        case .transactions: [TransactionColumn.serialNo.rawValue, TransactionColumn.time.rawValue]
        }
    }

    private var amountColumn: Int {
        table == .sessions ? SessionColumn.amount.rawValue : TransactionColumn.amount.rawValue
    }

    /// Says what a record is; titles, headers and totals are taken in here, rows are left to `parseSession` or
    /// `parseTransaction`. Every record before the header is a title line.
    package mutating func classify(_ record: CSVRecord) throws(RowIssue) -> RecordClass {
        let ranges = (0..<record.fieldCount).map { record.fieldRange($0) }
        return try record.bytes.withRowBytes { (bytes) throws(RowIssue) -> RecordClass in
            if let first = ranges.first,
                UnsafeRawBufferPointer(rebasing: bytes[first]).trimmed().hasPrefix("合计")
            {
                if columns != nil { noteTotals(bytes, ranges: ranges, line: record.firstLine) }
                return .totals
            }
            // Once the header is known, only a row that repeats the key column's name can be a header again
            // (some exports repeat it), so data rows are not matched against every column name.
            let mayBeHeader: Bool
            if let columns, let keyPosition = Optional(columns.position[keyColumns[0]]), keyPosition < ranges.count {
                mayBeHeader = UnsafeRawBufferPointer(rebasing: bytes[ranges[keyPosition]]).trimmed()
                    .equals(headers[keyColumns[0]])
            } else {
                mayBeHeader = true
            }
            if mayBeHeader,
                let map = ColumnMap.match(bytes, fieldRanges: ranges, headers: headers, keyColumns: keyColumns)
            {
                columns = map
                return .header
            }
            if columns == nil {
                // Everything before the header is a title line, such as
                // `上机记录查询,场所:33010610000123,导出时间:2026-11-29 06:00:03` (FORMATS.md §3.1).
                if exportSeconds == nil { exportSeconds = Self.exportTime(in: bytes) }
                return .title
            }
            return .row
        }
    }

    private mutating func noteTotals(_ bytes: UnsafeRawBufferPointer, ranges: [Range<Int>], line: Int) {
        guard let position = columns?.position[amountColumn], position >= 0, position < ranges.count,
            let amount = FieldParser.moneyFen(UnsafeRawBufferPointer(rebasing: bytes[ranges[position]]))
        else { return }
        declaredTotal = (amount, line)
    }

    /// `导出时间:2026-11-29 06:00:03` (ASCII or full-width colon) anywhere in a title line.
    private static func exportTime(in bytes: UnsafeRawBufferPointer) -> Int64? {
        let marker = Array("导出时间".utf8)
        guard bytes.count > marker.count else { return nil }
        var index = 0
        while index + marker.count <= bytes.count {
            if bytes[index] == marker[0], zip(marker.indices, marker).allSatisfy({ bytes[index + $0] == $1 }) {
                var start = index + marker.count
                if start < bytes.count, bytes[start] == UInt8(ascii: ":") {
                    start += 1
                } else if start + 3 <= bytes.count, bytes[start] == 0xEF, bytes[start + 1] == 0xBC,
                    bytes[start + 2] == 0x9A
                {
                    start += 3
                }
                var end = start
                while end < bytes.count, bytes[end] != UInt8(ascii: ",") { end += 1 }
                return FieldParser.timestamp(UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
            }
            index += 1
        }
        return nil
    }

    private func dataRanges(_ record: CSVRecord, columnCount: Int, required: [Int]) throws(RowIssue) -> [Range<Int>] {
        guard let columns else { throw RowIssue(.missingColumn, "No header row precedes this row.") }
        try columns.require(required, headers: headers)
        return try columns.rowRanges(record, columnCount: columnCount)
    }

    /// A data row of `pubwin-sessions`.
    package mutating func parseSession(_ record: CSVRecord) throws(RowIssue) -> SessionRecord {
        let ranges = try dataRanges(
            record, columnCount: SessionColumn.allCases.count, required: SessionColumn.required.map(\.rawValue))
        var row = SessionRecord()
        try record.bytes.withRowBytes { (bytes) throws(RowIssue) in
            func field(_ column: SessionColumn) -> UnsafeRawBufferPointer {
                UnsafeRawBufferPointer(rebasing: bytes[ranges[column.rawValue]])
            }
            func trimmedRange(_ column: SessionColumn) -> Range<Int> { ranges[column.rawValue] }
            row.venue = trimmedRange(.venue)
            guard FieldParser.isVenueCode(field(.venue)) else {
                throw RowIssue(.badVenue, "场所编码 '\(field(.venue).text.prefix(40))' is not 14 digits.")
            }
            row.recordNo = trimmedRange(.recordNo)
            guard !row.recordNo.isEmpty else { throw RowIssue(.missingField, "记录号 is empty.") }
            row.terminal = trimmedRange(.terminal)
            guard !row.terminal.isEmpty else { throw RowIssue(.missingField, "终端号 is empty.") }
            let start = try RowIssue.check(field(.start), "上机时间", .badTime, "a date and time", FieldParser.timestamp)
            row.startSeconds = start
            if let end = try RowIssue.checkOptional(
                field(.end), "下机时间", .badTime, "a date and time", FieldParser.timestamp)
            {
                guard end >= start else { throw RowIssue(.endBeforeStart, "下机时间 is before 上机时间.") }
                row.endSeconds = end
            }
            row.amountFen =
                try RowIssue.checkOptional(field(.amount), "消费金额", .badMoney, "an amount in yuan", FieldParser.moneyFen)
                ?? 0
            row.certType = try RowIssue.check(
                field(.certType), "证件类型", .badValue, "a known cert type", FieldParser.certType)
            row.ipv4 = try RowIssue.checkOptional(field(.ip), "IP地址", .badIP, "an IPv4 address", FieldParser.ipv4) ?? 0
            row.userType = Self.userType(field(.userType))
            row.checkout = Self.checkout(field(.checkout))
            row.card = trimmedRange(.card)
            row.certNo = trimmedRange(.certNo)
            row.name = trimmedRange(.name)
            row.cashier = trimmedRange(.cashier)
            row.note = trimmedRange(.note)
        }
        parsedAmountFen &+= row.amountFen
        return row
    }

    /// A data row of `pubwin-transactions`.
    package mutating func parseTransaction(_ record: CSVRecord) throws(RowIssue) -> TransactionRecord {
        let ranges = try dataRanges(
            record, columnCount: TransactionColumn.allCases.count, required: TransactionColumn.required.map(\.rawValue))
        var row = TransactionRecord()
        try record.bytes.withRowBytes { (bytes) throws(RowIssue) in
            func field(_ column: TransactionColumn) -> UnsafeRawBufferPointer {
                UnsafeRawBufferPointer(rebasing: bytes[ranges[column.rawValue]])
            }
            func trimmedRange(_ column: TransactionColumn) -> Range<Int> { ranges[column.rawValue] }
            row.venue = trimmedRange(.venue)
            guard FieldParser.isVenueCode(field(.venue)) else {
                throw RowIssue(.badVenue, "场所编码 '\(field(.venue).text.prefix(40))' is not 14 digits.")
            }
            row.serialNo = trimmedRange(.serialNo)
            guard !row.serialNo.isEmpty else { throw RowIssue(.missingField, "流水号 is empty.") }
            row.timeSeconds = try RowIssue.check(
                field(.time), "交易时间", .badTime, "a date and time", FieldParser.timestamp)
            row.kind = try RowIssue.check(
                field(.kind), "交易类型", .badValue, "a known transaction type", Self.transactionKind)
            row.amountFen =
                try RowIssue.checkOptional(field(.amount), "金额", .badMoney, "an amount in yuan", FieldParser.moneyFen) ?? 0
            row.balanceFen = try RowIssue.checkOptional(
                field(.balance), "余额", .badMoney, "an amount in yuan", FieldParser.moneyFen)
            row.card = trimmedRange(.card)
            row.certNo = trimmedRange(.certNo)
            row.cashier = trimmedRange(.cashier)
            row.terminal = trimmedRange(.terminal)
            row.note = trimmedRange(.note)
        }
        parsedAmountFen &+= row.amountFen
        return row
    }

    package static func userType(_ field: UnsafeRawBufferPointer) -> UserType {
        if field.equals("会员") { return .member }
        if field.equals("临时") || field.equals("临时卡") { return .temporary }
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
