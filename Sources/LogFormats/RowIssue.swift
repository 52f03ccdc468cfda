/// Why a row was quarantined (FORMATS.md §6). A closed, low-cardinality set used as summary keys;
/// the specifics go in `RowIssue.detail` (STYLE.md §5).
package enum RowIssueReason: String, Sendable, CaseIterable, Codable, Comparable {
    case wrongFieldCount = "wrong-field-count"
    case badTime = "bad-time"
    case invalidEncoding = "invalid-encoding"
    case missingField = "missing-field"
    case missingColumn = "missing-column"
    case badMoney = "bad-money"
    case badNumber = "bad-number"
    case badMAC = "bad-mac"
    case badIP = "bad-ip"
    case badVenue = "bad-venue"
    case badValue = "bad-value"
    case badJSON = "bad-json"
    case endBeforeStart = "end-before-start"
    case unterminatedQuote = "unterminated-quote"
    case lineTooLong = "line-too-long"
    case truncated = "truncated"

    package static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A row that could not be used: the reason and one English sentence naming the column.
package struct RowIssue: Error, Sendable {
    package var reason: RowIssueReason
    package var detail: String

    package init(_ reason: RowIssueReason, _ detail: String) {
        self.reason = reason
        self.detail = detail
    }
}

extension RowIssue {
    /// `parse(field)`, or the issue "<column> '<value>' is not <expected>." that names the column by its
    /// header and caps the value (STYLE.md §5); one place for every parser's field checks. The column's name is
    /// made only for a failing field (made for every field of every row, it was ~1 % of a CSV ingest).
    @inline(__always)
    package static func check<Value>(
        _ field: UnsafeRawBufferPointer, _ column: @autoclosure () -> String, _ reason: RowIssueReason,
        _ expected: String, _ parse: (UnsafeRawBufferPointer) -> Value?
    ) throws(RowIssue) -> Value {
        guard let value = parse(field) else {
            throw RowIssue(reason, "\(column()) '\(field.text.prefix(40))' is not \(expected).")
        }
        return value
    }

    /// Throws `bad-venue` unless the field is a 14-digit 场所编码, naming the column as the file does.
    @inline(__always)
    package static func checkVenue(
        _ field: UnsafeRawBufferPointer, _ column: @autoclosure () -> String
    ) throws(RowIssue) {
        guard FieldParser.isVenueCode(field) else {
            throw RowIssue(.badVenue, "\(column()) '\(field.text.prefix(40))' is not 14 digits.")
        }
    }

    /// nil for an empty field, otherwise as `check`.
    @inline(__always)
    package static func checkOptional<Value>(
        _ field: UnsafeRawBufferPointer, _ column: @autoclosure () -> String, _ reason: RowIssueReason,
        _ expected: String, _ parse: (UnsafeRawBufferPointer) -> Value?
    ) throws(RowIssue) -> Value? {
        field.isEmpty ? nil : try check(field, column(), reason, expected, parse)
    }
}

/// Lines knowingly not used, by kind (FORMATS.md §6: every line is used, quarantined or skipped).
package enum SkipKind: String, Sendable, CaseIterable, Codable, Comparable {
    case blank
    case comment
    case title
    case header
    case totals
    /// An audit line whose EVENT netbar does not know (counted per name as well).
    case unknownEvent = "unknown-event"
    /// A further physical line of a CSV record whose quoted field holds a line break.
    case recordContinuation = "record-continuation"
    /// A line of a file whose format was not recognised (or that is a registry file met among the dump).
    case unrecognised
    /// A line of a file that two formats fit alike (FORMATS.md §1).
    case ambiguous
    /// A line of a file that names no venue (FORMATS.md §3.6).
    case noVenue = "no-venue"
    /// A line that could not be decoded because the file's text decoder was unavailable (the file is damaged).
    case undecodable

    package static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

extension ContiguousArray<UInt8> {
    /// `withUnsafeBytes` for a body that throws only `RowIssue` (the standard one rethrows `any Error`).
    @inline(__always)
    package func withRowBytes<Result>(
        _ body: (UnsafeRawBufferPointer) throws(RowIssue) -> Result
    ) throws(RowIssue) -> Result {
        let outcome: Swift.Result<Result, RowIssue> = withUnsafeBytes { bytes in
            Swift.Result { () throws(RowIssue) -> Result in try body(bytes) }
        }
        return try outcome.get()
    }
}
