/// A registry venue row (FORMATS.md §3.5); text fields are ranges into the record's `bytes`.
package struct RegistryVenueRecord: Sendable {
    package var venue: Range<Int> = 0..<0
    /// Ranges of every `VenueColumn`, in `VenueColumn` order (empty when absent).
    package var fields: [Range<Int>] = []
    /// 内网网段 as (network, prefix length).
    package var lan: (address: UInt32, prefixLength: Int)?
    /// 登记终端数.
    package var terminalCount: Int64?
}

/// A registry terminal row (FORMATS.md §3.5).
package struct RegistryTerminalRecord: Sendable {
    package var venue: Range<Int> = 0..<0
    package var terminal: Range<Int> = 0..<0
    package var ipv4: UInt32?
    package var mac: UInt64?
}

/// Reads `venues.csv` and `terminals.csv` of the registry, header first (columns matched by name).
package struct RegistryParser: Sendable {
    package enum Table: Sendable { case venues, terminals }

    package let table: Table
    package private(set) var columns: ColumnMap?

    package init(table: Table) { self.table = table }

    /// Takes the header (returns true) or returns false for a data row; a row before any header is an issue.
    package mutating func takeHeader(_ record: CSVRecord) throws(RowIssue) -> Bool {
        let ranges = (0..<record.fieldCount).map { record.fieldRange($0) }
        let headers: [StaticString] =
            table == .venues ? VenueColumn.allCases.map(\.header) : TerminalColumn.allCases.map(\.header)
        let keys = table == .venues ? [VenueColumn.venue.rawValue] : [0, 1]
        let map = record.bytes.withUnsafeBytes {
            ColumnMap.match($0, fieldRanges: ranges, headers: headers, keyColumns: keys)
        }
        if let map, columns == nil {
            columns = map
            return true
        }
        if columns == nil { throw RowIssue(.missingColumn, "No header row naming the columns precedes this row.") }
        return false
    }

    package func parseVenue(_ record: CSVRecord) throws(RowIssue) -> RegistryVenueRecord {
        guard let columns else { throw RowIssue(.missingColumn, "No header row precedes this row.") }
        var row = RegistryVenueRecord()
        row.fields = try columns.rowRanges(record, columnCount: VenueColumn.allCases.count)
        try record.bytes.withRowBytes { (bytes) throws(RowIssue) in
            func field(_ column: VenueColumn) -> UnsafeRawBufferPointer {
                UnsafeRawBufferPointer(rebasing: bytes[row.fields[column.rawValue]])
            }
            row.venue = row.fields[VenueColumn.venue.rawValue]
            guard FieldParser.isVenueCode(field(.venue)) else {
                throw RowIssue(.badVenue, "场所编码 '\(field(.venue).text.prefix(40))' is not 14 digits.")
            }
            let lan = field(.lan)
            if !lan.isEmpty {
                guard let slash = lan.firstIndex(of: UInt8(ascii: "/")),
                    let address = FieldParser.ipv4(UnsafeRawBufferPointer(rebasing: lan[0..<slash])),
                    let prefix = FieldParser.integer(UnsafeRawBufferPointer(rebasing: lan[(slash + 1)...])), prefix <= 32
                else {
                    throw RowIssue(.badIP, "内网网段 '\(lan.text.prefix(40))' is not a CIDR such as 192.168.1.0/24.")
                }
                row.lan = (address, Int(prefix))
            }
            row.terminalCount = try RowIssue.checkOptional(
                field(.terminalCount), "登记终端数", .badNumber, "a whole number", FieldParser.integer)
        }
        return row
    }

    package func parseTerminal(_ record: CSVRecord) throws(RowIssue) -> RegistryTerminalRecord {
        guard let columns else { throw RowIssue(.missingColumn, "No header row precedes this row.") }
        var row = RegistryTerminalRecord()
        let ranges = try columns.rowRanges(record, columnCount: TerminalColumn.allCases.count)
        try record.bytes.withRowBytes { (bytes) throws(RowIssue) in
            func range(_ column: TerminalColumn) -> Range<Int> { ranges[column.rawValue] }
            func field(_ column: TerminalColumn) -> UnsafeRawBufferPointer {
                UnsafeRawBufferPointer(rebasing: bytes[range(column)])
            }
            row.venue = range(.venue)
            guard FieldParser.isVenueCode(field(.venue)) else {
                throw RowIssue(.badVenue, "场所编码 '\(field(.venue).text.prefix(40))' is not 14 digits.")
            }
            row.terminal = range(.terminal)
            guard !row.terminal.isEmpty else { throw RowIssue(.missingField, "终端号 is empty.") }
            row.ipv4 = try RowIssue.checkOptional(field(.ip), "IP地址", .badIP, "an IPv4 address", FieldParser.ipv4)
            row.mac = try RowIssue.checkOptional(field(.mac), "MAC地址", .badMAC, "a MAC address", FieldParser.mac)
        }
        return row
    }
}
