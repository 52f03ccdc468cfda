/// One CSV record (RFC 4180) with its fields unescaped into one byte buffer.
package struct CSVRecord: Sendable {
    /// The unescaped bytes of the fields: a line without quotes is copied whole (its commas stay between the
    /// fields, one copy instead of one per field); quoted fields are unescaped back to back.
    package var bytes = ContiguousArray<UInt8>()
    /// Field k is `fieldStarts[k]..<fieldEnds[k]` of `bytes`.
    package var fieldStarts = ContiguousArray<Int>()
    package var fieldEnds = ContiguousArray<Int>()
    /// The record's physical lines joined by LF, as read (for quarantine).
    package var raw = ContiguousArray<UInt8>()
    /// 1-based line of the record's first physical line.
    package var firstLine = 0
    /// Physical lines the record spans (more than 1 when a quoted field holds a line break).
    package var lineCount = 0

    package init() {}

    package var fieldCount: Int { fieldEnds.count }

    /// The range of field `index` in `bytes`.
    @inline(__always)
    package func fieldRange(_ index: Int) -> Range<Int> {
        fieldStarts[index]..<fieldEnds[index]
    }

    mutating func reset(line: Int) {
        bytes.removeAll(keepingCapacity: true)
        fieldStarts.removeAll(keepingCapacity: true)
        fieldEnds.removeAll(keepingCapacity: true)
        raw.removeAll(keepingCapacity: true)
        firstLine = line
        lineCount = 0
    }
}

/// Frames physical lines into CSV records: quoted fields may hold commas, `""` and line breaks.
///
/// Lines are fed one at a time without their line terminator; a record whose quote is still open at
/// the end of a line takes the next line too. A record that grows past `maximumRecordBytes` with its
/// quote still open is given up as `unterminated-quote`, so one stray quote cannot swallow a file.
package struct CSVRecordFramer {
    /// Cap on a record still open across lines (STYLE.md §5: oversized records are capped).
    package static let maximumRecordBytes = 64 * 1024

    package enum Output {
        /// A whole record is ready in `record`.
        case record
        /// The line was taken into a record that continues on the next line.
        case pending
        /// The open record was given up (its lines are in `record.raw`).
        case unterminated
    }

    package private(set) var record = CSVRecord()
    private var inQuotes = false
    private var fieldStart = true
    /// Where the field being unescaped began in `record.bytes`.
    private var fieldBegin = 0

    package init() {}

    /// Whether a record is open across lines.
    package var hasPendingRecord: Bool { inQuotes }

    /// Takes one physical line (no CR/LF) numbered `line`.
    package mutating func feed(_ line: UnsafeRawBufferPointer, line lineNumber: Int) -> Output {
        if !inQuotes {
            record.reset(line: lineNumber)
            fieldStart = true
            fieldBegin = 0
        } else {
            record.raw.append(0x0A)
            record.bytes.append(0x0A)
        }
        record.lineCount += 1
        record.raw.append(contentsOf: line)

        var index = 0
        let count = line.count
        // Most rows hold no quote: the line is copied once and its fields are the runs between commas.
        if !inQuotes, let base = line.baseAddress, ByteSearch.first(0x22, in: base, from: 0, to: count) == nil {
            record.bytes.append(contentsOf: line)
            while true {
                let end = ByteSearch.first(0x2C, in: base, from: index, to: count) ?? count
                record.fieldStarts.append(index)
                record.fieldEnds.append(end)
                if end == count { return .record }
                index = end + 1
            }
        }
        while index < count {
            let byte = line[index]
            if inQuotes {
                if byte == 0x22 {
                    if index + 1 < count, line[index + 1] == 0x22 {
                        record.bytes.append(0x22)
                        index += 2
                        continue
                    }
                    inQuotes = false
                } else {
                    record.bytes.append(byte)
                }
            } else if byte == 0x2C {
                closeField()
                fieldStart = true
                index += 1
                continue
            } else if byte == 0x22 && fieldStart {
                inQuotes = true
            } else {
                // A quote inside an unquoted field is kept literally, as spreadsheet exports write them.
                record.bytes.append(byte)
            }
            fieldStart = false
            index += 1
        }
        if inQuotes {
            if record.raw.count > Self.maximumRecordBytes {
                inQuotes = false
                return .unterminated
            }
            return .pending
        }
        closeField()
        return .record
    }

    private mutating func closeField() {
        record.fieldStarts.append(fieldBegin)
        record.fieldEnds.append(record.bytes.count)
        fieldBegin = record.bytes.count
    }

    /// At the end of the input: whether a record was left open (its lines are in `record.raw`).
    package mutating func finish() -> Bool {
        defer { inQuotes = false }
        return inQuotes
    }

    /// Appends bytes after the current record's fields (not as a field) and returns their range in
    /// `record.bytes`: a value the row lacks, such as the venue of a title line (no copy of the record is
    /// made as long as the caller holds none).
    package mutating func appendToRecord(_ bytes: [UInt8]) -> Range<Int> {
        let start = record.bytes.count
        record.bytes.append(contentsOf: bytes)
        return start..<record.bytes.count
    }

    /// One physical line framed as a record on its own, a quote left open closing at the line's end: how
    /// lines before a header are read, so that a stray quote in a title line cannot swallow the header.
    package static func singleLine(_ line: UnsafeRawBufferPointer, number: Int) -> CSVRecord {
        var framer = CSVRecordFramer()
        if framer.feed(line, line: number) == .record { return framer.record }
        framer.closeField()
        return framer.record
    }
}
