/// A registry venue row (FORMATS.md §3.5); text fields are ranges into the record's `bytes`.
package struct RegistryVenueRecord: Sendable {
    /// Ranges of every `RegistryVenuesTable.Field`, in field order (empty when absent).
    package var fields: [Range<Int>] = []
    /// 内网网段 as (network, prefix length).
    package var lan: (address: UInt32, prefixLength: Int)?
    /// 登记终端数.
    package var terminalCount: Int64?

    package init() {}

    package func range(_ field: RegistryVenuesTable.Field) -> Range<Int> { fields[field.rawValue] }
}

/// A registry terminal row (FORMATS.md §3.5).
package struct RegistryTerminalRecord: Sendable {
    package var venue: Range<Int> = 0..<0
    package var terminal: Range<Int> = 0..<0
    package var ipv4: UInt32?
    package var mac: UInt64?

    package init() {}
}

/// The registry's `venues.csv` (FORMATS.md §3.5), read only by `registry import` / `--registry`.
package struct RegistryVenuesTable: CSVTable {
    package enum Field: Int, CaseIterable, Sendable {
        case venue, name, owner, address, phone, isp, publicIP, lan, terminalCount, billingSystem, auditSystem
    }

    package static let format = Format.registryVenues
    package static let shape = TableShape(Field.self, required: [[.venue], [.name]], venue: .venue)
    package static let amountField: Field? = nil

    package init() {}

    package mutating func parse<Sink: RecordSink>(
        _ record: CSVRecord, fields: [Range<Int>], columns: ColumnMap, into sink: inout Sink
    ) throws(RowIssue) -> Int64 {
        try record.bytes.withRowBytes { (bytes) throws(RowIssue) in
            func field(_ column: Field) -> UnsafeRawBufferPointer {
                UnsafeRawBufferPointer(rebasing: bytes[fields[column.rawValue]])
            }
            func name(_ column: Field) -> String { columns.name(column.rawValue, Self.shape) }
            var row = RegistryVenueRecord()
            row.fields = fields
            try RowIssue.checkVenue(field(.venue), name(.venue))
            let lan = field(.lan)
            if !lan.isEmpty {
                guard let slash = lan.firstIndex(of: UInt8(ascii: "/")),
                    let address = FieldParser.ipv4(UnsafeRawBufferPointer(rebasing: lan[0..<slash])),
                    let prefix = FieldParser.integer(UnsafeRawBufferPointer(rebasing: lan[(slash + 1)...])), prefix <= 32
                else {
                    throw RowIssue(.badIP, "\(name(.lan)) '\(lan.text.prefix(40))' is not a CIDR such as 192.168.1.0/24.")
                }
                row.lan = (address, Int(prefix))
            }
            row.terminalCount = try RowIssue.checkOptional(
                field(.terminalCount), name(.terminalCount), .badNumber, "a whole number", FieldParser.integer)
            sink.takeRegistryVenue(row, bytes: bytes, line: record.firstLine)
        }
        return 0
    }
}

/// The registry's `terminals.csv` (FORMATS.md §3.5).
package struct RegistryTerminalsTable: CSVTable {
    package enum Field: Int, CaseIterable, Sendable {
        case venue, terminal, ip, mac
    }

    package static let format = Format.registryTerminals
    package static let shape = TableShape(Field.self, required: [[.venue], [.terminal], [.ip, .mac]], venue: .venue)
    package static let amountField: Field? = nil

    package init() {}

    package mutating func parse<Sink: RecordSink>(
        _ record: CSVRecord, fields: [Range<Int>], columns: ColumnMap, into sink: inout Sink
    ) throws(RowIssue) -> Int64 {
        try record.bytes.withRowBytes { (bytes) throws(RowIssue) in
            func field(_ column: Field) -> UnsafeRawBufferPointer {
                UnsafeRawBufferPointer(rebasing: bytes[fields[column.rawValue]])
            }
            func name(_ column: Field) -> String { columns.name(column.rawValue, Self.shape) }
            var row = RegistryTerminalRecord()
            row.venue = fields[Field.venue.rawValue]
            try RowIssue.checkVenue(field(.venue), name(.venue))
            row.terminal = fields[Field.terminal.rawValue]
            guard !row.terminal.isEmpty else { throw RowIssue(.missingField, "\(name(.terminal)) is empty.") }
            row.ipv4 = try RowIssue.checkOptional(field(.ip), name(.ip), .badIP, "an IPv4 address", FieldParser.ipv4)
            row.mac = try RowIssue.checkOptional(field(.mac), name(.mac), .badMAC, "a MAC address", FieldParser.mac)
            sink.takeRegistryTerminal(row, bytes: bytes, line: record.firstLine)
        }
        return 0
    }
}
