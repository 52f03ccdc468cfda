/// What a column holds, as readers see it (Parquet's physical type with its logical annotation).
public enum ParquetValueType: Sendable, Equatable {
    case boolean
    case int32
    case int64
    /// UTF-8 text (BYTE_ARRAY, logical STRING).
    case string
    /// Bytes as they are (BYTE_ARRAY, no annotation): a quarantined line in its own encoding.
    case binary
    /// Microseconds since the epoch, UTC (INT64, logical TIMESTAMP(isAdjustedToUTC, MICROS)).
    case timestampMicros
    /// Days since the epoch (INT32, logical DATE).
    case date
}

/// One column of a table's schema. Flat tables only: no nesting, no repetition.
public struct ParquetField: Sendable, Equatable {
    public var name: String
    public var type: ParquetValueType
    public var nullable: Bool

    public init(_ name: String, _ type: ParquetValueType, nullable: Bool = true) {
        self.name = name
        self.type = type
        self.nullable = nullable
    }
}

/// A column's values for one row group, PLAIN-encoded as they are appended (no value object per cell), with one
/// definition level a row when the column is nullable, and cut into pages of about `pageBytes`.
public struct ParquetColumn: Sendable {
    public let field: ParquetField
    /// The present values, PLAIN-encoded back to back (booleans packed eight to a byte, first value in the low bit).
    private(set) var values = ContiguousArray<UInt8>()
    /// 1 for a present value, 0 for a null, one a row; empty for a required column.
    private(set) var levels = ContiguousArray<UInt8>()
    public private(set) var rows = 0
    private(set) var present = 0
    /// Where each page after the first starts.
    private(set) var pageStarts: [PageStart] = []
    private var pageValueStart = 0
    let pageBytes: Int

    struct PageStart: Equatable {
        var row: Int
        var valueOffset: Int
        var present: Int
    }

    public init(_ field: ParquetField, pageBytes: Int = 1 << 20) {
        self.field = field
        self.pageBytes = pageBytes
    }

    /// Empties the column for the next row group, keeping its buffers.
    public mutating func removeAll() {
        values.removeAll(keepingCapacity: true)
        levels.removeAll(keepingCapacity: true)
        pageStarts.removeAll(keepingCapacity: true)
        rows = 0
        present = 0
        pageValueStart = 0
    }

    @inline(__always)
    private mutating func appendNull() {
        precondition(field.nullable, "a null in required column \(field.name)")
        levels.append(0)
        rows += 1
    }

    @inline(__always)
    private mutating func didAppendValue() {
        if field.nullable { levels.append(1) }
        rows += 1
        present += 1
        // Booleans are bit-packed: a page must start on a byte.
        if values.count - pageValueStart >= pageBytes && (field.type != .boolean || present % 8 == 0) {
            pageStarts.append(PageStart(row: rows, valueOffset: values.count, present: present))
            pageValueStart = values.count
        }
    }

    @inline(__always)
    private mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { values.append(contentsOf: $0) }
    }

    /// An INT64, timestamp (microseconds) or, narrowed, an INT32/DATE value; nil is a null.
    public mutating func append(_ value: Int64?) {
        guard let value else { return appendNull() }
        switch field.type {
        case .int64, .timestampMicros: appendLittleEndian(value)
        case .int32, .date: appendLittleEndian(Int32(value))
        case .boolean: return append(value != 0)
        case .string, .binary: preconditionFailure("an integer in byte-array column \(field.name)")
        }
        didAppendValue()
    }

    public mutating func append(_ value: Bool?) {
        guard let value else { return appendNull() }
        precondition(field.type == .boolean, "a boolean in \(field.type) column \(field.name)")
        let bit = present % 8
        if bit == 0 { values.append(0) }
        if value { values[values.count - 1] |= 1 << UInt8(bit) }
        didAppendValue()
    }

    /// UTF-8 bytes of a string value (or any bytes of a binary one); nil is a null.
    public mutating func append(utf8 bytes: UnsafeRawBufferPointer?) {
        guard let bytes else { return appendNull() }
        precondition(field.type == .string || field.type == .binary, "bytes in \(field.type) column \(field.name)")
        appendLittleEndian(UInt32(bytes.count))
        values.append(contentsOf: bytes)
        didAppendValue()
    }

    public mutating func append(_ value: String?) {
        guard var value else { return appendNull() }
        value.withUTF8 { append(utf8: UnsafeRawBufferPointer($0)) }
    }

    /// The pages of this column: rows, definition levels and PLAIN values of each.
    func pages() -> [(rows: Range<Int>, values: Range<Int>)] {
        var result: [(rows: Range<Int>, values: Range<Int>)] = []
        var row = 0
        var offset = 0
        for start in pageStarts where start.row > row {
            result.append((row..<start.row, offset..<start.valueOffset))
            row = start.row
            offset = start.valueOffset
        }
        if row < rows || result.isEmpty { result.append((row..<rows, offset..<values.count)) }
        return result
    }
}
