/// Turns the lines of one file, decoded to UTF-8, into typed records (STYLE.md §3: `consume` any number of
/// times, then `finish`), as swift-nio's `ByteToMessageDecoder` has `decode` and `decodeLast`. One decoder
/// per format, made by `Format.makeDecoder`; every line it is given ends up in the sink as part of a record,
/// a quarantined row or a counted skip (FORMATS.md §6).
package protocol RecordDecoder {
    /// One line of the file (no CR or LF), numbered from 1.
    /// - Complexity: O(line length), amortised.
    mutating func decode<Sink: RecordSink>(line: UnsafeRawBufferPointer, number: Int, into sink: inout Sink)

    /// At the end of the file: whatever is still held (a quoted field left open, a totals row to check).
    mutating func decodeLast<Sink: RecordSink>(into sink: inout Sink)
}

extension RecordDecoder {
    package mutating func decodeLast<Sink: RecordSink>(into sink: inout Sink) {}
}

/// Where a decoder's output goes; Ingest builds columnar batches from it. Text fields of the records are
/// ranges into `bytes` (or pointers into the line) and valid only during the call.
package protocol RecordSink {
    /// A session: a billing export's (`row.isBilling`) or a real-name platform record's.
    mutating func takeSession(_ row: SessionRecord, bytes: UnsafeRawBufferPointer, line: Int)
    mutating func takeTransaction(_ row: TransactionRecord, bytes: UnsafeRawBufferPointer, line: Int)
    mutating func takeAuditEvent(_ record: inout AuditRecord, line: Int)
    mutating func takeRegistryVenue(_ row: RegistryVenueRecord, bytes: UnsafeRawBufferPointer, line: Int)
    mutating func takeRegistryTerminal(_ row: RegistryTerminalRecord, bytes: UnsafeRawBufferPointer, line: Int)
    /// A row that could not be used, with its raw text.
    mutating func quarantine(_ issue: RowIssue, raw: UnsafeRawBufferPointer, line: Int)
    /// Lines knowingly not used.
    mutating func skip(_ kind: SkipKind, lines: Int)
    /// An audit line whose EVENT is not known (skipped, and counted by name).
    mutating func skipUnknownEvent(named name: String)
    /// A fact about the file as a whole.
    mutating func note(_ note: FileNote)
}

/// A fact about a file as a whole, learnt while decoding it.
package enum FileNote: Sendable, Equatable {
    /// 导出时间 from a title line (it comes before every row): where a session still open in the export ends.
    case exportTime(Int64)
    /// No venue column and no title line naming the venue (FORMATS.md §3.6): nothing in the file is used,
    /// and every line from here on is skipped as `no-venue`.
    case noVenue
    /// Something the analyst should know that lost no row.
    case warning(FileWarning)
}

/// A problem with a file as a whole that lost no row, by kind (STYLE.md §5: a closed set, details apart).
package struct FileWarning: Sendable, Equatable, CustomStringConvertible {
    package enum Kind: String, Sendable, CaseIterable {
        /// A totals row whose sum differs from the rows read.
        case totalsMismatch = "totals-mismatch"
        /// `--format` was given and no header row holding the format's required columns was found.
        case noHeader = "no-header"
        /// `--format` was given and the header has columns the format does not know (they are not read).
        case unknownColumns = "unknown-columns"
    }

    package var kind: Kind
    /// One English sentence.
    package var detail: String

    package init(_ kind: Kind, _ detail: String) {
        self.kind = kind
        self.detail = detail
    }

    /// `kind: detail`, as the summary prints it.
    package var description: String { "\(kind.rawValue): \(detail)" }
}
