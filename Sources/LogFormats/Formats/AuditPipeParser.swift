/// Parses `audit-pipe` lines (FORMATS.md §3.3): `time|venue|EVENT|fields...`, already in UTF-8, so a
/// GBK trail byte 0x7C can no longer pose as a separator (STYLE.md §3).
package struct AuditPipeParser {
    /// Field boundaries of the current line, reused.
    private var fieldStarts = ContiguousArray<Int>(repeating: 0, count: 16)
    private var fieldEnds = ContiguousArray<Int>(repeating: 0, count: 16)

    package init() {}

    /// Parses one line (no CR/LF; not blank, not a comment) and hands a recognised event to `body`.
    /// - Complexity: O(line length).
    package mutating func parse(
        _ line: UnsafeRawBufferPointer, _ body: (inout AuditRecord) -> Void
    ) throws(RowIssue) -> AuditLineOutcome {
        var fieldCount = 0
        var start = 0
        let count = line.count
        var index = 0
        while index < count {
            if line[index] == 0x7C {
                if fieldCount < 15 {
                    fieldStarts[fieldCount] = start
                    fieldEnds[fieldCount] = index
                }
                fieldCount += 1
                start = index + 1
            }
            index += 1
        }
        if fieldCount < 15 {
            fieldStarts[fieldCount] = start
            fieldEnds[fieldCount] = count
        }
        fieldCount += 1

        guard fieldCount >= 3 else {
            throw RowIssue(.wrongFieldCount, "The line has \(fieldCount) fields; an audit line has at least 3.")
        }
        func field(_ position: Int) -> UnsafeRawBufferPointer {
            UnsafeRawBufferPointer(rebasing: line[fieldStarts[position]..<fieldEnds[position]])
        }
        let eventName = field(2).trimmed()
        guard let kind = AuditRecord.kind(named: eventName) else {
            return .unknownEvent(name: String(eventName.text.prefix(32)))
        }
        let expected = AuditRecord.fieldCount(kind) + 3
        guard fieldCount == expected else {
            throw RowIssue(
                .wrongFieldCount, "\(kind.name) has \(fieldCount) fields where \(expected) are expected.")
        }
        guard let time = FieldParser.timestamp(field(0)) else {
            throw RowIssue(.badTime, "time '\(field(0).text.prefix(40))' is not a date and time.")
        }
        let venue = field(1).trimmed()
        guard FieldParser.isVenueCode(venue) else {
            throw RowIssue(.badVenue, "venue '\(venue.text.prefix(40))' is not 14 digits.")
        }
        var record = AuditRecord(kind: kind, timeSeconds: time, venue: venue)
        try AuditFieldReader.fill(&record) { field($0 + 3) }
        body(&record)
        return .event
    }
}
