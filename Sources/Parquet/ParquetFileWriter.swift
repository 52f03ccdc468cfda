import CZstd
import Glibc

package struct ParquetError: Error, CustomStringConvertible {
    package var description: String
}

/// Writes one Parquet file (parquet-format 2.x, read by every current reader): flat columns, PLAIN values, version 1
/// data pages with RLE definition levels, each page compressed with ZSTD, one row group per `write` call, the Thrift
/// footer at `close`. The file is written under a hidden name and renamed into place at `close`, so a reader of the
/// folder (Spark, DuckDB) never meets half a file; it is created readable by its owner alone, like the database,
/// because its rows hold whole cert numbers.
package final class ParquetFileWriter {
    package let path: String
    package let fields: [ParquetField]
    private let temporaryPath: String
    private var descriptor: Int32
    private var offset: Int64 = 0
    private var buffer: [UInt8] = []
    private var rowGroups: [RowGroup] = []
    private var header = ThriftCompactWriter()
    private var page: [UInt8] = []
    private var compressed: [UInt8] = []
    private let context: OpaquePointer
    private let level: Int32
    private var closed = false

    private struct ChunkMeta {
        var type: Int32
        var name: String
        var values: Int64
        var uncompressed: Int64
        var compressed: Int64
        var dataPageOffset: Int64
        var nullable: Bool
    }

    private struct RowGroup {
        var chunks: [ChunkMeta]
        var rows: Int64
        var uncompressed: Int64
        var compressed: Int64
        var fileOffset: Int64
    }

    package init(path: String, fields: [ParquetField], zstdLevel: Int32 = 3) throws(ParquetError) {
        precondition(!fields.isEmpty, "a Parquet file needs a column")
        self.path = path
        self.fields = fields
        self.level = zstdLevel
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        temporaryPath = folder + "." + name + ".writing"
        descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw ParquetError(description: "cannot create '\(temporaryPath)': \(String(cString: strerror(errno)))")
        }
        guard let context = ZSTD_createCCtx() else {
            Glibc.close(descriptor)
            unlink(temporaryPath)
            throw ParquetError(description: "zstd could not make a compression context")
        }
        self.context = context
        buffer.reserveCapacity(1 << 22)
        append(Array("PAR1".utf8))
    }

    deinit {
        ZSTD_freeCCtx(context)
        if !closed {
            // Abandoned (an error upstream): nothing half-written stays behind.
            Glibc.close(descriptor)
            unlink(temporaryPath)
        }
    }

    private func append(_ bytes: some Collection<UInt8>) {
        buffer.append(contentsOf: bytes)
        offset += Int64(bytes.count)
    }

    private func flush() throws(ParquetError) {
        var written = 0
        while written < buffer.count {
            let count = buffer.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + written, $0.count - written) }
            if count < 0 {
                if errno == EINTR { continue }
                throw ParquetError(description: "cannot write '\(path)': \(String(cString: strerror(errno)))")
            }
            written += count
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes `columns` (one per field, in order, all of the same row count) as one row group.
    package func write(_ columns: [ParquetColumn]) throws(ParquetError) {
        precondition(columns.map(\.field) == fields, "columns do not match the file's fields")
        let rows = columns[0].rows
        precondition(columns.allSatisfy { $0.rows == rows }, "columns of unequal length")
        guard rows > 0 else { return }
        let groupStart = offset
        var chunks: [ChunkMeta] = []
        for column in columns {
            let chunkStart = offset
            var uncompressedTotal: Int64 = 0
            for (rowRange, valueRange) in column.pages() {
                let uncompressedSize = try writePage(column, rows: rowRange, values: valueRange)
                uncompressedTotal += uncompressedSize
            }
            chunks.append(
                ChunkMeta(
                    type: column.field.type.physicalType, name: column.field.name, values: Int64(rows),
                    uncompressed: uncompressedTotal, compressed: offset - chunkStart, dataPageOffset: chunkStart,
                    nullable: column.field.nullable))
            if buffer.count >= 1 << 22 { try flush() }
        }
        rowGroups.append(
            RowGroup(
                chunks: chunks, rows: Int64(rows), uncompressed: chunks.reduce(0) { $0 + $1.uncompressed },
                compressed: offset - groupStart, fileOffset: groupStart))
    }

    /// One data page (v1): definition levels (RLE, behind their byte length) then PLAIN values, compressed whole.
    /// Returns the page's size uncompressed, header included, as ColumnMetaData counts it.
    private func writePage(_ column: ParquetColumn, rows: Range<Int>, values: Range<Int>) throws(ParquetError) -> Int64 {
        page.removeAll(keepingCapacity: true)
        if column.field.nullable {
            page.append(contentsOf: [0, 0, 0, 0])
            column.levels.withUnsafeBufferPointer { RunLengthLevels.encode($0[rows], into: &page) }
            let length = UInt32(page.count - 4)
            withUnsafeBytes(of: length.littleEndian) { for (index, byte) in $0.enumerated() { page[index] = byte } }
        }
        column.values.withUnsafeBufferPointer { page.append(contentsOf: $0[values]) }
        let bound = ZSTD_compressBound(page.count)
        if compressed.count < bound { compressed = [UInt8](repeating: 0, count: bound) }
        let compressedSize = page.withUnsafeBytes { source in
            compressed.withUnsafeMutableBytes { target in
                ZSTD_compressCCtx(context, target.baseAddress, target.count, source.baseAddress, source.count, Int32(level))
            }
        }
        if ZSTD_isError(compressedSize) != 0 {
            throw ParquetError(description: "zstd failed on '\(path)': \(String(cString: ZSTD_getErrorName(compressedSize)))")
        }
        header.reset()
        header.i32(1, 0)  // DATA_PAGE
        header.i32(2, Int32(page.count))
        header.i32(3, Int32(compressedSize))
        header.beginStruct(5)  // DataPageHeader
        header.i32(1, Int32(rows.count))
        header.i32(2, Encoding.plain)
        header.i32(3, Encoding.rle)
        header.i32(4, Encoding.rle)
        header.endStruct()
        header.endMessage()
        append(header.bytes)
        append(compressed[0..<compressedSize])
        return Int64(header.bytes.count + page.count)
    }

    /// Writes the footer and renames the file into place.
    package func close() throws(ParquetError) {
        precondition(!closed, "closed twice")
        var footer = ThriftCompactWriter()
        footer.i32(1, 1)  // version
        footer.listOfStructs(2, [nil] + fields.map(Optional.some)) { writer, field in
            guard let field else {
                writer.string(4, "schema")
                writer.i32(5, Int32(fields.count))
                return
            }
            field.writeSchemaElement(&writer)
        }
        footer.i64(3, rowGroups.reduce(0) { $0 + $1.rows })
        footer.listOfStructs(4, rowGroups) { writer, group in
            writer.listOfStructs(1, group.chunks) { writer, chunk in
                writer.i64(2, chunk.dataPageOffset)
                writer.beginStruct(3)  // ColumnMetaData
                writer.i32(1, chunk.type)
                writer.listOfI32(2, chunk.nullable ? [Encoding.plain, Encoding.rle] : [Encoding.plain])
                writer.listOfStrings(3, [chunk.name])
                writer.i32(4, 6)  // ZSTD
                writer.i64(5, chunk.values)
                writer.i64(6, chunk.uncompressed)
                writer.i64(7, chunk.compressed)
                writer.i64(9, chunk.dataPageOffset)
                writer.endStruct()
            }
            writer.i64(2, group.uncompressed)
            writer.i64(3, group.rows)
            writer.i64(5, group.fileOffset)
            writer.i64(6, group.compressed)
        }
        footer.string(6, "netbar")
        footer.endMessage()
        append(footer.bytes)
        withUnsafeBytes(of: UInt32(footer.bytes.count).littleEndian) { append($0) }
        append(Array("PAR1".utf8))
        try flush()
        closed = true
        guard Glibc.close(descriptor) == 0 else {
            unlink(temporaryPath)
            throw ParquetError(description: "cannot finish '\(path)': \(String(cString: strerror(errno)))")
        }
        guard rename(temporaryPath, path) == 0 else {
            unlink(temporaryPath)
            throw ParquetError(description: "cannot rename into '\(path)': \(String(cString: strerror(errno)))")
        }
    }
}

enum Encoding {
    static let plain: Int32 = 0
    static let rle: Int32 = 3
}

extension ParquetValueType {
    /// Parquet's physical `Type`.
    var physicalType: Int32 {
        switch self {
        case .boolean: 0
        case .int32, .date: 1
        case .int64, .timestampMicros: 2
        case .string, .binary: 6
        }
    }
}

extension ParquetField {
    /// A leaf `SchemaElement`: type, repetition, name, and both the old converted type and the logical type, so
    /// older readers (Spark's own reader, Hive) and newer ones agree.
    func writeSchemaElement(_ writer: inout ThriftCompactWriter) {
        writer.i32(1, type.physicalType)
        writer.i32(3, nullable ? 1 : 0)  // OPTIONAL : REQUIRED
        writer.string(4, name)
        switch type {
        case .string:
            writer.i32(6, 0)  // UTF8
            writer.beginStruct(10)
            writer.emptyStruct(1)  // STRING
            writer.endStruct()
        case .date:
            writer.i32(6, 6)  // DATE
            writer.beginStruct(10)
            writer.emptyStruct(6)  // DATE
            writer.endStruct()
        case .timestampMicros:
            writer.i32(6, 10)  // TIMESTAMP_MICROS
            writer.beginStruct(10)
            writer.beginStruct(8)  // TIMESTAMP
            writer.bool(1, true)  // isAdjustedToUTC
            writer.beginStruct(2)  // unit
            writer.emptyStruct(2)  // MICROS
            writer.endStruct()
            writer.endStruct()
            writer.endStruct()
        case .boolean, .int32, .int64, .binary:
            break
        }
    }
}

/// The RLE/bit-packing hybrid of definition levels at bit width 1, written as RLE runs only: `(count << 1)` as a
/// ULEB128, then the level in one byte. Levels come in long runs (a column is mostly null or mostly present).
enum RunLengthLevels {
    static func encode(_ levels: Slice<UnsafeBufferPointer<UInt8>>, into output: inout [UInt8]) {
        var index = levels.startIndex
        while index < levels.endIndex {
            let level = levels[index]
            var end = index + 1
            while end < levels.endIndex && levels[end] == level { end += 1 }
            var header = UInt64(end - index) << 1
            while header >= 0x80 {
                output.append(UInt8(truncatingIfNeeded: header) | 0x80)
                header >>= 7
            }
            output.append(UInt8(header))
            output.append(level)
            index = end
        }
    }
}
