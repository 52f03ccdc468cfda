/// `realname-sessions` (FORMATS.md §3.6): the provincial platform's 上网人员信息, real-name log-on records
/// with no money column, pinyin (`YYCSDM,…,SWKSSJ,SWZDH,XWSJ`) or Chinese headers, and its anonymised form
/// (`PERSONID`, `BIRTHDAY`). They feed the identity rules and never count as billing sessions.
package struct RealnameSessionsTable: CSVTable {
    package enum Field: Int, CaseIterable, Sendable {
        case venue, certType, certNo, personID, name, terminal, start, end, birthDate
    }

    package static let format = Format.realnameSessions
    /// The anonymised dataset has no terminal column, so only the person and the start are required.
    package static let shape = TableShape(Field.self, required: [[.certNo, .personID], [.start]], venue: .venue)
    package static let amountField: Field? = nil

    package init() {}

    package mutating func parse<Sink: RecordSink>(
        _ record: CSVRecord, fields: [Range<Int>], columns: ColumnMap, into sink: inout Sink
    ) throws(RowIssue) -> Int64 {
        try record.bytes.withRowBytes { (bytes) throws(RowIssue) in
            var row = SessionRecord()
            row.isBilling = false
            var reader = SessionFieldReader(bytes: bytes, fields: fields, columns: columns, shape: Self.shape)
            try reader.common(&row, venue: Field.venue.rawValue, certType: Field.certType.rawValue,
                certNo: Field.certNo.rawValue, personID: Field.personID.rawValue, name: Field.name.rawValue,
                terminal: Field.terminal.rawValue, terminalRequired: false, start: Field.start.rawValue,
                end: Field.end.rawValue, birthDate: Field.birthDate.rawValue)
            guard !row.certNo.isEmpty else {
                throw RowIssue(.missingField, "\(reader.name(columns.position[Field.certNo.rawValue] >= 0 ? Field.certNo.rawValue : Field.personID.rawValue)) is empty.")
            }
            sink.takeSession(row, bytes: bytes, line: record.firstLine)
        }
        return 0
    }
}
