/// One header-mapped CSV format (FORMATS.md §3): its shape and how one of its data rows becomes a record.
package protocol CSVTable: Sendable {
    associatedtype Field: CaseIterable & RawRepresentable<Int>

    static var format: Format { get }
    static var shape: TableShape { get }
    /// The field a totals row's sum is checked against, if the table has an amount.
    static var amountField: Field? { get }

    /// Parses one data row (read as a `CSVRow<Field>`), hands the record to `sink` and returns its amount in fen
    /// (0 without one).
    mutating func parse<Sink: RecordSink>(_ row: CSVRowData, into sink: inout Sink) throws(RowIssue) -> Int64
}

/// One data row as the decoder hands it over: not generic, so that building one in the decoder's unspecialised
/// code costs no metadata lookup (a generic row did, ~3 % of a sessions ingest). A table reads it as a `CSVRow`.
package struct CSVRowData {
    /// The record's unescaped bytes; the ranges are into these.
    let bytes: UnsafeRawBufferPointer
    let ranges: [Range<Int>]
    let columns: ColumnMap
    let shape: TableShape
    /// 1-based line of the record's first physical line.
    let line: Int
}

/// One data row of a CSV table as its parser reads it: each field's trimmed bytes (empty when the header lacks
/// the field; the venue's points at a title line's venue when the header has no venue column) and the name of
/// its column as the header writes it, for messages.
package struct CSVRow<Field: RawRepresentable<Int>> {
    private let data: CSVRowData

    package init(_ data: CSVRowData) { self.data = data }

    /// The record's unescaped bytes; `range` of a field is into these.
    package var bytes: UnsafeRawBufferPointer { data.bytes }
    /// 1-based line of the record's first physical line.
    package var line: Int { data.line }
    package func range(_ field: Field) -> Range<Int> { data.ranges[field.rawValue] }
    package func field(_ field: Field) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: data.bytes[range(field)])
    }
    package func name(_ field: Field) -> String { data.columns.name(field.rawValue, data.shape) }
    /// Whether the header has a column for the field.
    package func has(_ field: Field) -> Bool { data.columns.position[field.rawValue] >= 0 }
    /// Every field's range, in field order.
    package var allRanges: [Range<Int>] { data.ranges }
}

/// Reads a header-mapped CSV export (FORMATS.md §1, §3.1–3.6) for any `CSVTable`: title lines, the header
/// row, RFC 4180 records, repeated headers, a totals row, rows of nothing but commas.
///
/// Every line before the header is a title line, read on its own (a quote left open in one closes at its
/// end); a title line may give 导出时间 and the venue (`场所编码:` / `场所代码:` and 14 digits). The header is the
/// first record that is one by `HeaderFit.isHeader` (or, when the format was forced, `isLenientHeader`).
/// A header without a venue column in a file whose titles name no venue makes the file `no-venue`.
package struct CSVTableDecoder<Table: CSVTable>: RecordDecoder {
    private var table: Table
    /// `Table.shape`, read once: the static's getter cost a retain and a `swift_once` on every row.
    private let shape: TableShape
    private let names: ColumnNames
    /// Whether the header must be one by the recognition rule; false when the format was forced.
    private let strictHeader: Bool
    private var framer = CSVRecordFramer()
    /// The current row's field ranges, reused row to row.
    private var rowFields: [Range<Int>] = []
    private var columns: ColumnMap?
    /// Where the header's first named column is, and its name: a row repeating it is the header again.
    private var keyColumn: (position: Int, name: [UInt8])?
    private var titleVenue: [UInt8]?
    private var exportSeconds: Int64?
    private var noVenue = false
    private var titleLines = 0
    /// Sum of the amounts of the rows parsed, fen.
    private var parsedAmountFen: Int64 = 0
    private var quarantinedRows = 0
    /// The totals row's amount, fen, and its line, when the export had one.
    private var declaredTotal: (amountFen: Int64, line: Int)?

    package init(_ table: Table, names: ColumnNames, strictHeader: Bool) {
        self.table = table
        self.shape = Table.shape
        self.names = names
        self.strictHeader = strictHeader
    }

    package mutating func decode<Sink: RecordSink>(line: UnsafeRawBufferPointer, number: Int, into sink: inout Sink) {
        if noVenue {
            sink.skip(.noVenue, lines: 1)
            return
        }
        guard columns != nil else {
            readBeforeHeader(line, number, &sink)
            return
        }
        // A row of nothing but commas (a spreadsheet's empty tail) is a blank line.
        if !framer.hasPendingRecord && line.allSatisfy({ $0 == 0x2C || $0 == 0x20 || $0 == 0x09 }) {
            sink.skip(.blank, lines: 1)
            return
        }
        switch framer.feed(line, line: number) {
        case .pending: return
        case .unterminated:
            giveUpOpenRecord("A quoted field is not closed within \(CSVRecordFramer.maximumRecordBytes) bytes.", &sink)
        case .record:
            if framer.record.lineCount > 1 { sink.skip(.recordContinuation, lines: framer.record.lineCount - 1) }
            consumeRecord(&sink)
        }
    }

    package mutating func decodeLast<Sink: RecordSink>(into sink: inout Sink) {
        // Reading the swallowed lines again may leave another quote open at the end: repeat until none is.
        while framer.finish() { giveUpOpenRecord("A quoted field is still open at the end of the file.", &sink) }
        if columns == nil, titleLines > 0 {
            let required = Table.shape.required.map { $0.map { Table.shape.fields[$0] }.joined(separator: " or ") }
            sink.note(.warning(FileWarning(
                .noHeader,
                "No header row holding the columns \(required.joined(separator: ", ")) of \(Table.format.rawValue) "
                    + "was found, so all \(titleLines) lines were skipped as title lines.")))
        }
        if let total = declaredTotal, total.amountFen != parsedAmountFen {
            let quarantinedNote = quarantinedRows > 0 ? " (\(quarantinedRows) rows were quarantined)" : ""
            sink.note(.warning(FileWarning(
                .totalsMismatch,
                "The totals row at line \(total.line) gives \(FieldText.yuan(total.amountFen)) yuan but the rows read "
                    + "sum to \(FieldText.yuan(parsedAmountFen)) yuan\(quarantinedNote).")))
        }
    }

    // MARK: Before the header

    private mutating func readBeforeHeader<Sink: RecordSink>(
        _ line: UnsafeRawBufferPointer, _ number: Int, _ sink: inout Sink
    ) {
        if line.allSatisfy({ $0 == 0x2C || $0 == 0x20 || $0 == 0x09 }) {
            sink.skip(.blank, lines: 1)
            return
        }
        let record = CSVRecordFramer.singleLine(line, number: number)
        let fit = HeaderFit.of(record, format: Table.format, shape: Table.shape, names: names)
        if strictHeader ? fit.isHeader : fit.isLenientHeader {
            takeHeader(fit, record, &sink)
            return
        }
        // A title line, such as `上机记录查询,导出时间:2026-11-29 06:00:03` or `场所名称:…,场所编码:11010512649752`.
        titleLines += 1
        if exportSeconds == nil, let seconds = TitleLine.exportTime(in: line) {
            exportSeconds = seconds
            sink.note(.exportTime(seconds))
        }
        if titleVenue == nil { titleVenue = TitleLine.venue(in: line) }
        sink.skip(.title, lines: 1)
    }

    private mutating func takeHeader<Sink: RecordSink>(_ fit: HeaderFit, _ record: CSVRecord, _ sink: inout Sink) {
        if columns == nil, !fit.unknown.isEmpty {
            sink.note(.warning(FileWarning(
                .unknownColumns,
                "The header at line \(record.firstLine) has columns \(Table.format.rawValue) does not know, which "
                    + "were not read: \(fit.unknown.prefix(10).joined(separator: ", ")).")))
        }
        columns = fit.map
        if let position = (0..<record.fieldCount).first(where: { !record.fieldRange($0).isEmpty }) {
            keyColumn = (position, Array(record.bytes[record.fieldRange(position)]))
        }
        sink.skip(.header, lines: 1)
        if fit.map.position[Table.shape.venueField] < 0, titleVenue == nil {
            noVenue = true
            sink.note(.noVenue)
        }
    }

    // MARK: Records

    /// `framer.record` is read in place, never copied: a copy would make `appendToRecord` copy its bytes.
    private mutating func consumeRecord<Sink: RecordSink>(_ sink: inout Sink) {
        guard let columns else { return }
        if framer.record.isTotals {
            noteTotals(framer.record, columns)
            sink.skip(.totals, lines: 1)
            return
        }
        // Some exports repeat the header; only a row repeating the key column's name is looked at again.
        if let key = keyColumn, key.position < framer.record.fieldCount,
            framer.record.bytes[framer.record.fieldRange(key.position)].elementsEqual(key.name)
        {
            let fit = HeaderFit.of(framer.record, format: Table.format, shape: shape, names: names)
            if strictHeader ? fit.isHeader : fit.isLenientHeader {
                sink.skip(.header, lines: 1)
                return
            }
        }
        do throws(RowIssue) {
            try columns.rowRanges(framer.record, into: &rowFields)
            let venueField = shape.venueField
            if columns.position[venueField] < 0, let titleVenue {
                rowFields[venueField] = framer.appendToRecord(titleVenue)
            }
            let fields = rowFields
            let line = framer.record.firstLine
            // The closure captures locals only: capturing `self` cost a metadata lookup of the generic decoder a row.
            let shape = shape
            var table = table
            defer { self.table = table }
            parsedAmountFen &+= try framer.record.bytes.withRowBytes { (bytes) throws(RowIssue) -> Int64 in
                try table.parse(
                    CSVRowData(bytes: bytes, ranges: fields, columns: columns, shape: shape, line: line), into: &sink)
            }
        } catch {
            quarantinedRows += 1
            let line = framer.record.firstLine
            framer.record.raw.withUnsafeBytes { sink.quarantine(error, raw: $0, line: line) }
        }
    }

    private mutating func noteTotals(_ record: CSVRecord, _ columns: ColumnMap) {
        guard let amountField = Table.amountField else { return }
        let position = columns.position[amountField.rawValue]
        guard position >= 0, position < record.fieldCount,
            let amount = record.bytes.withUnsafeBytes({
                FieldParser.moneyFen(UnsafeRawBufferPointer(rebasing: $0[record.fieldRange(position)]))
            })
        else { return }
        declaredTotal = (amount, record.firstLine)
    }

    /// A quote that never closes: only the line that opened it is quarantined, and the lines it swallowed
    /// are read again as records of their own, so one stray quote cannot lose the rest of an export.
    private mutating func giveUpOpenRecord<Sink: RecordSink>(_ detail: String, _ sink: inout Sink) {
        let record = framer.record
        let lines = record.raw.split(separator: 0x0A, omittingEmptySubsequences: false)
        quarantinedRows += 1
        lines[0].withUnsafeBytes {
            sink.quarantine(RowIssue(.unterminatedQuote, detail), raw: $0, line: record.firstLine)
        }
        for (offset, line) in lines.dropFirst().enumerated() {
            ContiguousArray(line).withUnsafeBytes { decode(line: $0, number: record.firstLine + 1 + offset, into: &sink) }
        }
    }

}

extension CSVRecord {
    /// Whether the first field starts with 合计 (a totals row). Outside the generic decoder: as an autoclosure in it,
    /// the test cost a generic metadata lookup a row.
    fileprivate var isTotals: Bool {
        guard fieldCount > 0 else { return false }
        return bytes.withUnsafeBytes { UnsafeRawBufferPointer(rebasing: $0[fieldRange(0)]).trimmed().hasPrefix("合计") }
    }
}

/// What a title line may say (FORMATS.md §3.1, §3.6).
package enum TitleLine {
    /// `导出时间:2026-11-29 06:00:03` (ASCII or full-width colon) anywhere in the line, up to a comma.
    package static func exportTime(in line: UnsafeRawBufferPointer) -> Int64? {
        guard let start = valueStart(after: Array("导出时间".utf8), in: line) else { return nil }
        var end = start
        while end < line.count, line[end] != UInt8(ascii: ","), line[end] != UInt8(ascii: "\"") { end += 1 }
        return FieldParser.timestamp(UnsafeRawBufferPointer(rebasing: line[start..<end]))
    }

    /// The 14 digits after `场所编码:` or `场所代码:` (ASCII or full-width colon, spaces allowed).
    package static func venue(in line: UnsafeRawBufferPointer) -> [UInt8]? {
        for label in [Array("场所编码".utf8), Array("场所代码".utf8)] {
            guard var start = valueStart(after: label, in: line) else { continue }
            while start < line.count, line[start] == 0x20 { start += 1 }
            guard start + 14 <= line.count else { continue }
            let digits = UnsafeRawBufferPointer(rebasing: line[start..<(start + 14)])
            let next = start + 14 < line.count ? line[start + 14] : UInt8(ascii: ",")
            if FieldParser.isVenueCode(digits), next &- 0x30 >= 10 { return Array(digits) }
        }
        return nil
    }

    /// The index after `label` and a colon (`:` or `：`), or nil when the line has no such label.
    private static func valueStart(after label: [UInt8], in line: UnsafeRawBufferPointer) -> Int? {
        guard line.count > label.count else { return nil }
        var index = 0
        while index + label.count <= line.count {
            if line[index] == label[0], label.indices.allSatisfy({ line[index + $0] == label[$0] }) {
                var start = index + label.count
                while start < line.count, line[start] == 0x20 { start += 1 }
                if start < line.count, line[start] == UInt8(ascii: ":") { return start + 1 }
                if start + 3 <= line.count, line[start] == 0xEF, line[start + 1] == 0xBC, line[start + 2] == 0x9A {
                    return start + 3
                }
            }
            index += 1
        }
        return nil
    }
}
