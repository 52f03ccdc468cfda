/// Columns of `pubwin-sessions` (FORMATS.md §3.1), matched by header name.
package enum SessionColumn: Int, CaseIterable, Sendable {
    case recordNo, venue, card, userType, certType, certNo, name, terminal, ip, start, end, duration, amount,
        cashier, checkout, note

    package var header: StaticString {
        switch self {
        case .recordNo: "记录号"
        case .venue: "场所编码"
        case .card: "卡号"
        case .userType: "用户类型"
        case .certType: "证件类型"
        case .certNo: "证件号码"
        case .name: "姓名"
        case .terminal: "终端号"
        case .ip: "IP地址"
        case .start: "上机时间"
        case .end: "下机时间"
        case .duration: "上网时长"
        case .amount: "消费金额"
        case .cashier: "收银员"
        case .checkout: "结账方式"
        case .note: "备注"
        }
    }

    package static let required: [SessionColumn] = [.recordNo, .venue, .certNo, .terminal, .start]
}

/// Columns of `pubwin-transactions` (FORMATS.md §3.2).
package enum TransactionColumn: Int, CaseIterable, Sendable {
    case serialNo, venue, time, kind, card, certNo, amount, balance, cashier, terminal, note

    package var header: StaticString {
        switch self {
        case .serialNo: "流水号"
        case .venue: "场所编码"
        case .time: "交易时间"
        case .kind: "交易类型"
        case .card: "卡号"
        case .certNo: "证件号码"
        case .amount: "金额"
        case .balance: "余额"
        case .cashier: "收银员"
        case .terminal: "终端号"
        case .note: "备注"
        }
    }

    package static let required: [TransactionColumn] = [.serialNo, .venue, .time, .kind]
}

/// Columns of the registry's `venues.csv` (FORMATS.md §3.5).
package enum VenueColumn: Int, CaseIterable, Sendable {
    case venue, name, owner, address, phone, isp, publicIP, lan, terminalCount, billingSystem, auditSystem

    package var header: StaticString {
        switch self {
        case .venue: "场所编码"
        case .name: "场所名称"
        case .owner: "业主"
        case .address: "地址"
        case .phone: "联系电话"
        case .isp: "接入服务商"
        case .publicIP: "公网IP"
        case .lan: "内网网段"
        case .terminalCount: "登记终端数"
        case .billingSystem: "计费系统"
        case .auditSystem: "审计系统"
        }
    }

    package static let required: [VenueColumn] = [.venue]
}

/// Columns of the registry's `terminals.csv` (FORMATS.md §3.5).
package enum TerminalColumn: Int, CaseIterable, Sendable {
    case venue, terminal, ip, mac

    package var header: StaticString {
        switch self {
        case .venue: "场所编码"
        case .terminal: "终端号"
        case .ip: "IP地址"
        case .mac: "MAC地址"
        }
    }

    package static let required: [TerminalColumn] = [.venue, .terminal]
}

/// A header row's mapping from a format's columns to field positions.
package struct ColumnMap: Sendable {
    /// `position[column.rawValue]`, -1 when the header lacks the column.
    package var position: [Int]
    /// Fields in the header row.
    package var fieldCount: Int

    /// Matches `header`'s fields against `headers` (trimmed, a leading BOM or quotes ignored); nil
    /// unless every one of `keyColumns` is present.
    package static func match(
        _ header: UnsafeRawBufferPointer, fieldRanges: [Range<Int>], headers: [StaticString], keyColumns: [Int]
    ) -> ColumnMap? {
        var position = [Int](repeating: -1, count: headers.count)
        for (fieldIndex, range) in fieldRanges.enumerated() {
            var field = UnsafeRawBufferPointer(rebasing: header[range]).trimmed()
            if field.hasPrefix("\u{FEFF}") { field = UnsafeRawBufferPointer(rebasing: field[3...]) }
            for (columnIndex, name) in headers.enumerated() where position[columnIndex] < 0 && field.equals(name) {
                position[columnIndex] = fieldIndex
                break
            }
        }
        for key in keyColumns where position[key] < 0 { return nil }
        return ColumnMap(position: position, fieldCount: fieldRanges.count)
    }
}

extension ColumnMap {
    /// The trimmed range of every one of `columnCount` columns in a data row (empty where the header
    /// lacks the column), after checking the row's field count against the header's; a trailing empty
    /// field (a comma at the end of every row) is tolerated.
    package func rowRanges(_ record: CSVRecord, columnCount: Int) throws(RowIssue) -> [Range<Int>] {
        var count = record.fieldCount
        if count == fieldCount + 1, record.fieldRange(count - 1).isEmpty { count -= 1 }
        guard count == fieldCount else {
            throw RowIssue(.wrongFieldCount, "The row has \(record.fieldCount) fields where the header has \(fieldCount).")
        }
        return record.bytes.withUnsafeBytes { bytes in
            (0..<columnCount).map { column in
                let index = position[column]
                guard index >= 0 else { return 0..<0 }
                var range = record.fieldRange(index)
                while range.lowerBound < range.upperBound, bytes[range.lowerBound] == 0x20 || bytes[range.lowerBound] == 0x09 {
                    range = (range.lowerBound + 1)..<range.upperBound
                }
                while range.upperBound > range.lowerBound, bytes[range.upperBound - 1] == 0x20 || bytes[range.upperBound - 1] == 0x09 {
                    range = range.lowerBound..<(range.upperBound - 1)
                }
                return range
            }
        }
    }

    /// Throws when the header lacks one of `required` (column raw values), naming it.
    package func require(_ required: [Int], headers: [StaticString]) throws(RowIssue) {
        for column in required where position[column] < 0 {
            throw RowIssue(.missingColumn, "The header lacks the required column \(headers[column]).")
        }
    }
}
