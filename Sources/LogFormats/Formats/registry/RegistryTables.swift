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

    package mutating func parse<Sink: RecordSink>(_ data: CSVRowData, into sink: inout Sink) throws(RowIssue) -> Int64 {
        let row = CSVRow<Field>(data)
        var record = RegistryVenueRecord()
        record.fields = row.allRanges
        try RowIssue.checkVenue(row.field(.venue), row.name(.venue))
        let lan = row.field(.lan)
        if !lan.isEmpty {
            guard let slash = lan.firstIndex(of: UInt8(ascii: "/")),
                let address = FieldParser.ipv4(UnsafeRawBufferPointer(rebasing: lan[0..<slash])),
                let prefix = FieldParser.integer(UnsafeRawBufferPointer(rebasing: lan[(slash + 1)...])), prefix <= 32
            else {
                throw RowIssue(.badIP, "\(row.name(.lan)) '\(lan.text.prefix(40))' is not a CIDR such as 192.168.1.0/24.")
            }
            record.lan = (address, Int(prefix))
        }
        record.terminalCount = try RowIssue.checkOptional(
            row.field(.terminalCount), row.name(.terminalCount), .badNumber, "a whole number", FieldParser.integer)
        sink.takeRegistryVenue(record, bytes: row.bytes, line: row.line)
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

    package mutating func parse<Sink: RecordSink>(_ data: CSVRowData, into sink: inout Sink) throws(RowIssue) -> Int64 {
        let row = CSVRow<Field>(data)
        var record = RegistryTerminalRecord()
        record.venue = row.range(.venue)
        try RowIssue.checkVenue(row.field(.venue), row.name(.venue))
        record.terminal = row.range(.terminal)
        guard !record.terminal.isEmpty else { throw RowIssue(.missingField, "\(row.name(.terminal)) is empty.") }
        record.ipv4 = try RowIssue.checkOptional(row.field(.ip), row.name(.ip), .badIP, "an IPv4 address", FieldParser.ipv4)
        record.mac = try RowIssue.checkOptional(row.field(.mac), row.name(.mac), .badMAC, "a MAC address", FieldParser.mac)
        sink.takeRegistryTerminal(record, bytes: row.bytes, line: row.line)
        return 0
    }
}
