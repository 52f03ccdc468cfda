/// One CSV record (RFC 4180) with its fields unescaped into one byte buffer.
package struct CSVRecord: Sendable {
    /// The unescaped bytes of the fields, its first `byteCount` (fields are read by their ranges; the bytes past
    /// them are room kept from record to record: emptying the array and appending a line to it were generic
    /// range replacements, ~190 instructions a row): a line without quotes is copied whole (its commas stay between
    /// the fields, one copy instead of one per field); quoted fields are unescaped back to back.
    package private(set) var bytes = ContiguousArray<UInt8>()
    package private(set) var byteCount = 0
    /// Field k is `bounds[2k]..<bounds[2k + 1]` of `bytes`, for k below `fieldCount`; the rest is room kept from
    /// record to record (an append per bound, with its uniqueness and capacity checks, was most of the framing).
    private var bounds = ContiguousArray<Int>(repeating: 0, count: 64)
    package private(set) var fieldCount = 0
    /// The lines of a record read as quoted, joined by LF, as read; empty for a line without quotes, which is
    /// `bytes`' first `plainLineCount` bytes.
    fileprivate var quotedLines = ContiguousArray<UInt8>()
    private var plainLineCount = -1
    /// 1-based line of the record's first physical line.
    package var firstLine = 0
    /// Physical lines the record spans (more than 1 when a quoted field holds a line break).
    package var lineCount = 0

    package init() {}

    /// The record's physical lines joined by LF, as read (for quarantine).
    package var raw: ContiguousArray<UInt8> {
        plainLineCount >= 0 ? ContiguousArray(bytes[0..<plainLineCount]) : quotedLines
    }

    /// The range of field `index` in `bytes`.
    @inline(__always)
    package func fieldRange(_ index: Int) -> Range<Int> {
        precondition(index < fieldCount, "field \(index) of a record of \(fieldCount)")
        return bounds[2 &* index]..<bounds[2 &* index &+ 1]
    }

    /// The record's bytes and its field bounds (field k is `bounds[2k]..<bounds[2k + 1]`, k below `fieldCount`).
    @inline(__always)
    package func withFields<Result>(
        _ body: (UnsafeRawBufferPointer, UnsafeBufferPointer<Int>) throws -> Result
    ) rethrows -> Result {
        try bytes.withUnsafeBytes { bytes in
            try bounds.withUnsafeBufferPointer { bounds in
                try body(bytes, UnsafeBufferPointer(rebasing: bounds[0..<(2 * fieldCount)]))
            }
        }
    }

    mutating func reset(line: Int) {
        byteCount = 0
        fieldCount = 0
        // Emptied only when not empty: `removeAll(keepingCapacity:)` is a generic range replacement, a hundred
        // instructions a call, and a plain line's record never holds quoted lines.
        if !quotedLines.isEmpty { quotedLines.removeAll(keepingCapacity: true) }
        plainLineCount = -1
        firstLine = line
        lineCount = 0
    }

    /// Appends one byte after the first `byteCount`.
    @inline(__always)
    fileprivate mutating func put(_ byte: UInt8) {
        if byteCount == bytes.count { bytes.append(byte) } else { bytes[byteCount] = byte }
        byteCount &+= 1
    }

    /// Appends `more` after the first `byteCount`.
    fileprivate mutating func put(contentsOf more: UnsafeRawBufferPointer) {
        guard let source = more.baseAddress, !more.isEmpty else { return }
        if bytes.count < byteCount + more.count {
            bytes.append(contentsOf: repeatElement(0, count: byteCount + more.count - bytes.count))
        }
        let at = byteCount
        bytes.withUnsafeMutableBytes { $0.baseAddress!.advanced(by: at).copyMemory(from: source, byteCount: more.count) }
        byteCount += more.count
    }

    /// Adds the field `start..<end` of `bytes`.
    @inline(__always)
    fileprivate mutating func appendField(_ start: Int, _ end: Int) {
        if 2 &* fieldCount &+ 2 > bounds.count { bounds.append(contentsOf: repeatElement(0, count: bounds.count)) }
        bounds[2 &* fieldCount] = start
        bounds[2 &* fieldCount &+ 1] = end
        fieldCount &+= 1
    }

    /// Takes a line with no quote as the whole record: copied once, its fields the runs between commas, found
    /// sixteen bytes at a time (one vector compare for commas, one for quotes) in the same pass that looks for
    /// quotes; the line's last sixteen bytes end it, shifted past those already read, and a line under sixteen
    /// bytes goes a byte at a time. False, with the record untouched but for room, when the line holds a quote.
    fileprivate mutating func takePlainLine(_ line: UnsafeRawBufferPointer, number: Int) -> Bool {
        guard let base = line.baseAddress else { return false }
        let count = line.count
        var quotes: UInt64 = 0
        var field = 0
        var start = 0
        var offset = 0
        let commaVector = SIMD16<UInt8>(repeating: 0x2C)
        let quoteVector = SIMD16<UInt8>(repeating: 0x22)
        while offset < count {
            // Room for the sixteen commas a chunk may hold, checked a chunk at a time, not a comma at a time.
            if 2 &* field &+ 34 > bounds.count { bounds.append(contentsOf: repeatElement(0, count: bounds.count)) }
            bounds.withUnsafeMutableBufferPointer { bounds in
                while offset < count, 2 &* field &+ 34 <= bounds.count {
                    var commas: UInt64
                    if count >= 16 {
                        let at = min(offset, count &- 16)
                        let chunk = base.loadUnaligned(fromByteOffset: at, as: SIMD16<UInt8>.self)
                        commas = ByteSearch.bits(chunk .== commaVector) &>> UInt64(offset &- at)
                        quotes |= ByteSearch.bits(chunk .== quoteVector) &>> UInt64(offset &- at)
                    } else {
                        commas = 0
                        for index in 0..<count {
                            let byte = base.load(fromByteOffset: index, as: UInt8.self)
                            commas |= UInt64(byte == 0x2C ? 1 : 0) << UInt64(index)
                            quotes |= UInt64(byte == 0x22 ? 1 : 0)
                        }
                    }
                    while commas != 0 {
                        let comma = offset &+ commas.trailingZeroBitCount
                        bounds[2 &* field] = start
                        bounds[2 &* field &+ 1] = comma
                        field &+= 1
                        start = comma &+ 1
                        commas &= commas &- 1
                    }
                    offset &+= 16
                }
            }
        }
        guard quotes == 0 else { return false }
        reset(line: number)
        lineCount = 1
        put(contentsOf: line)
        plainLineCount = count
        if 2 &* field &+ 2 > bounds.count { bounds.append(contentsOf: repeatElement(0, count: 2)) }
        bounds[2 &* field] = start
        bounds[2 &* field &+ 1] = count
        fieldCount = field &+ 1
        return true
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
        // Most rows hold no quote: the line is copied once and its fields are the runs between commas.
        if !inQuotes, record.takePlainLine(line, number: lineNumber) { return .record }
        if !inQuotes {
            record.reset(line: lineNumber)
            fieldStart = true
            fieldBegin = 0
        } else {
            record.quotedLines.append(0x0A)
            record.put(0x0A)
        }
        record.lineCount += 1
        record.quotedLines.append(contentsOf: line)

        var index = 0
        let count = line.count
        while index < count {
            let byte = line[index]
            if inQuotes {
                if byte == 0x22 {
                    if index + 1 < count, line[index + 1] == 0x22 {
                        record.put(0x22)
                        index += 2
                        continue
                    }
                    inQuotes = false
                } else {
                    record.put(byte)
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
                record.put(byte)
            }
            fieldStart = false
            index += 1
        }
        if inQuotes {
            if record.quotedLines.count > Self.maximumRecordBytes {
                inQuotes = false
                return .unterminated
            }
            return .pending
        }
        closeField()
        return .record
    }

    private mutating func closeField() {
        record.appendField(fieldBegin, record.byteCount)
        fieldBegin = record.byteCount
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
        let start = record.byteCount
        bytes.withUnsafeBytes { record.put(contentsOf: $0) }
        return start..<record.byteCount
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
