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

    package mutating func parse<Sink: RecordSink>(_ data: CSVRowData, into sink: inout Sink) throws(RowIssue) -> Int64 {
        let row = CSVRow<Field>(data)
        var record = SessionRecord()
        record.isBilling = false
        try record.readCommon(
            row, venue: .venue, certType: .certType, certNo: .certNo, personID: .personID, name: .name,
            terminal: .terminal, terminalRequired: false, start: .start, end: .end, birthDate: .birthDate)
        guard !record.certNo.isEmpty else {
            throw RowIssue(.missingField, "\(row.name(row.has(.certNo) ? .certNo : .personID)) is empty.")
        }
        sink.takeSession(record, bytes: row.bytes, line: row.line)
        return 0
    }
}
