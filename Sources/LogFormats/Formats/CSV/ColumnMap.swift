/// What a header-mapped CSV format reads (FORMATS.md §1, §3): its fields, which of them a header must hold,
/// and which one names the venue. Each CSV format's table states its shape; `ColumnNames` gives the names.
package struct TableShape: Sendable {
    /// Field ids in table order, as the header map spells them (`recordNo`, `venue`, ...).
    package var fields: [String]
    /// A header must hold at least one field of each group (field indices).
    package var required: [[Int]]
    /// The field holding 场所编码.
    package var venueField: Int

    package init<Field: CaseIterable & RawRepresentable<Int>>(
        _ field: Field.Type, required: [[Field]], venue: Field
    ) {
        fields = Field.allCases.map { String(describing: $0) }
        self.required = required.map { $0.map(\.rawValue) }
        venueField = venue.rawValue
    }
}

/// A header row's mapping from a table's fields to field positions (FORMATS.md §1: match by name).
package struct ColumnMap: Sendable {
    /// `position[field]`, -1 when the header lacks the field.
    package var position: [Int]
    /// `names[field]`: the column name as the header writes it (empty when absent), for messages.
    package var names: [String]
    /// Fields in the header row.
    package var fieldCount: Int

    /// The column name a message should use for `field`: as the header writes it, else the field's id.
    package func name(_ field: Int, _ shape: TableShape) -> String {
        names[field].isEmpty ? shape.fields[field] : names[field]
    }
}

/// How well one record fits as the header row of one format.
package struct HeaderFit: Sendable {
    package var map: ColumnMap
    /// Non-empty fields that are names of the format (read or known-but-unread).
    package var knownCount: Int
    /// Non-empty fields that are no name of the format, as written.
    package var unknown: [String]
    /// Required groups the record does not hold, by their first field's id.
    package var missing: [String]

    /// The contract's rule for recognising a file (FORMATS.md §1): every field is a name of the format
    /// and the required ones are there.
    package var isHeader: Bool { knownCount > 0 && unknown.isEmpty && missing.isEmpty }
    /// The rule when the format is given (`--format`): the required columns are there; others are not read.
    package var isLenientHeader: Bool { knownCount > 0 && missing.isEmpty }

    /// Matches the trimmed fields of `record` against the names of `format`.
    package static func of(
        _ record: CSVRecord, format: Format, shape: TableShape, names: ColumnNames
    ) -> HeaderFit {
        var position = [Int](repeating: -1, count: shape.fields.count)
        var written = [String](repeating: "", count: shape.fields.count)
        var known = 0
        var unknown: [String] = []
        record.bytes.withUnsafeBytes { bytes in
            for fieldIndex in 0..<record.fieldCount {
                var field = UnsafeRawBufferPointer(rebasing: bytes[record.fieldRange(fieldIndex)]).trimmed()
                if field.hasPrefix("\u{FEFF}") { field = UnsafeRawBufferPointer(rebasing: field[3...]).trimmed() }
                if field.isEmpty { continue }
                let name = field.text
                guard let column = names.field(named: name, in: format) else {
                    unknown.append(name)
                    continue
                }
                known += 1
                // The first column naming a field is the one read.
                if column != ColumnNames.ignoredField, position[column] < 0 {
                    position[column] = fieldIndex
                    written[column] = name
                }
            }
        }
        let missing = shape.required.filter { group in group.allSatisfy { position[$0] < 0 } }
            .map { shape.fields[$0[0]] }
        return HeaderFit(
            map: ColumnMap(position: position, names: written, fieldCount: record.fieldCount), knownCount: known,
            unknown: unknown, missing: missing)
    }
}

extension ColumnMap {
    /// The trimmed range of every field in a data row (empty where the header lacks the field), after
    /// checking the row's field count against the header's; a trailing empty field (a comma at the end of
    /// every row) is tolerated. `ranges` is reused row to row: no allocation per row.
    package func rowRanges(_ record: CSVRecord, into ranges: inout [Range<Int>]) throws(RowIssue) {
        var count = record.fieldCount
        if count == fieldCount + 1, record.fieldRange(count - 1).isEmpty { count -= 1 }
        guard count == fieldCount else {
            throw RowIssue(.wrongFieldCount, "The row has \(record.fieldCount) fields where the header has \(fieldCount).")
        }
        // Written in place, not appended: an append per field (a uniqueness and a capacity check each) was a
        // third of this function.
        if ranges.count != position.count { ranges = [Range<Int>](repeating: 0..<0, count: position.count) }
        // Through pointers: the array subscripts' checks, the field lookup's precondition and the trim's byte reads
        // were most of the cost of a field, whose bounds the row's field count already checked above.
        record.withFields { bytes, bounds in
            position.withUnsafeBufferPointer { position in
                ranges.withUnsafeMutableBufferPointer { ranges in
                    for slot in 0..<position.count {
                        let index = position[slot]
                        guard index >= 0 else {
                            ranges[slot] = 0..<0
                            continue
                        }
                        precondition(index < count, "a header field past the row's fields")
                        var lower = bounds[2 &* index]
                        var upper = bounds[2 &* index &+ 1]
                        while lower < upper, case let byte = bytes.load(fromByteOffset: lower, as: UInt8.self),
                            byte == 0x20 || byte == 0x09
                        {
                            lower &+= 1
                        }
                        while upper > lower, case let byte = bytes.load(fromByteOffset: upper &- 1, as: UInt8.self),
                            byte == 0x20 || byte == 0x09
                        {
                            upper &-= 1
                        }
                        ranges[slot] = lower..<upper
                    }
                }
            }
        }
    }
}
