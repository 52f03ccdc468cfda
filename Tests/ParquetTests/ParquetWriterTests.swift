import Foundation
import NetbarTestSupport
import Testing

@testable import Parquet

/// The Parquet writer proved by real readers (pyarrow, DuckDB, Spark): what was appended is what they read, types,
/// nulls and all, over random tables with small pages (many pages a chunk) and several row groups.
@Suite struct ParquetWriterTests {
    static let checker = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("python/parquet_readback.py").path

    enum Cell {
        case null, bool(Bool), int(Int64), text(String), bytes([UInt8])
        var json: Any {
            switch self {
            case .null: NSNull()
            case .bool(let value): value
            case .int(let value): value
            case .text(let value): value
            case .bytes(let value): value.map { String(format: "%02x", $0) }.joined()
            }
        }
    }

    static let texts = ["", "a", "44030410000729", "张三", "网吧\u{0}零", "\"quoted\", comma", "𠀀 four bytes", "=1+1",
                        String(repeating: "长", count: 3000)]

    static func randomCell(_ type: ParquetValueType, nullable: Bool, _ random: inout SeededGenerator) -> Cell {
        if nullable && random.below(4) == 0 { return .null }
        switch type {
        case .boolean: return .bool(random.below(2) == 1)
        case .int32: return .int(Int64(Int32.min) + Int64(random.below(1 << 32)))
        case .int64:
            let choices: [Int64] = [0, -1, Int64.min, Int64.max, Int64(bitPattern: random.next())]
            return .int(choices[random.below(choices.count)])
        case .timestampMicros: return .int(1_764_000_000_000_000 + Int64(random.below(1 << 40)) - (1 << 39))
        case .date: return .int(Int64(random.below(40_000)) - 5_000)
        case .string: return .text(texts[random.below(texts.count)] + (random.below(2) == 0 ? "" : "\(random.next())"))
        case .binary: return .bytes((0..<random.below(40)).map { _ in UInt8(random.below(256)) })
        }
    }

    /// Writes a random table (seeded) and returns its expectation as the checker reads it.
    static func writeRandomTable(seed: UInt64, to path: String) throws -> [String: Any] {
        var random = SeededGenerator(state: seed)
        let types: [ParquetValueType] = [.boolean, .int32, .int64, .string, .binary, .timestampMicros, .date]
        var fields: [ParquetField] = []
        for index in 0..<(3 + random.below(8)) {
            let type = types[random.below(types.count)]
            fields.append(ParquetField("c\(index)_\(type)", type, nullable: random.below(3) != 0))
        }
        // A column of every type, and one that is null in every row.
        for type in types { fields.append(ParquetField("all_\(type)", type, nullable: true)) }
        fields.append(ParquetField("列 名", .string, nullable: true))
        let writer = try ParquetFileWriter(path: path, fields: fields)
        var rows: [[Any]] = []
        var columns = fields.map { ParquetColumn($0, pageBytes: 64 + random.below(2048)) }
        for _ in 0..<(1 + random.below(3)) {
            let count = [0, 1, 7, 8, 9, 500, 3_000][random.below(7)]
            for _ in 0..<count {
                var row: [Any] = []
                for index in columns.indices {
                    let field = fields[index]
                    let cell = field.name == "列 名" ? .null : randomCell(field.type, nullable: field.nullable, &random)
                    switch cell {
                    case .null: columns[index].append(nil as Int64?)
                    case .bool(let value): columns[index].append(value)
                    case .int(let value): columns[index].append(value)
                    case .text(let value): columns[index].append(value)
                    case .bytes(let value): value.withUnsafeBytes { columns[index].append(utf8: $0) }
                    }
                    row.append(cell.json)
                }
                rows.append(row)
            }
            try writer.write(columns)
            for index in columns.indices { columns[index].removeAll() }
        }
        try writer.close()
        let fieldList: [[String: Any]] = fields.map { ["name": $0.name, "type": "\($0.type)", "nullable": $0.nullable] }
        return ["fields": fieldList, "rows": rows]
    }

    static func check(_ readers: String, expected: [String: Any], file: String, folder: String) throws -> TestSupport.Outcome {
        let expectedPath = folder + "/expected.json"
        try JSONSerialization.data(withJSONObject: expected).write(to: URL(fileURLWithPath: expectedPath))
        return try TestSupport.run("/usr/bin/env", ["python3", checker, readers, expectedPath, file])
    }

    @Test(arguments: 1...12 as ClosedRange<UInt64>)
    func randomTablesReadBackInPyarrowAndDuckDB(seed: UInt64) throws {
        let folder = TestSupport.temporaryDirectory("parquet")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = folder + "/t.parquet"
        let expected = try Self.writeRandomTable(seed: seed, to: file)
        let outcome = try Self.check("pyarrow,duckdb", expected: expected, file: file, folder: folder)
        #expect(outcome.status == 0, "seed \(seed): \(outcome.text) \(outcome.standardError)")
        #expect(outcome.text.contains("ok pyarrow") && outcome.text.contains("ok duckdb"))
        // Owner-only, like the database; no hidden half-file left.
        let attributes = try FileManager.default.attributesOfItem(atPath: file)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["expected.json", "t.parquet"])
    }

    @Test func aRandomTableReadsBackInSpark() throws {
        let folder = TestSupport.temporaryDirectory("parquet")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = folder + "/t.parquet"
        let expected = try Self.writeRandomTable(seed: 99, to: file)
        let outcome = try Self.check("spark", expected: expected, file: file, folder: folder)
        #expect(outcome.status == 0, "\(outcome.text) \(outcome.standardError.suffix(2000))")
        #expect(outcome.text.contains("ok spark"))
    }

    /// The checker itself catches a wrong value: an expectation changed by one cell fails.
    @Test func theCheckerCatchesADifference() throws {
        let folder = TestSupport.temporaryDirectory("parquet")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = folder + "/t.parquet"
        let writer = try ParquetFileWriter(path: file, fields: [ParquetField("n", .int64, nullable: true)])
        var column = ParquetColumn(ParquetField("n", .int64, nullable: true))
        column.append(5 as Int64?)
        column.append(nil as Int64?)
        try writer.write([column])
        try writer.close()
        let fields: [[String: Any]] = [["name": "n", "type": "int64", "nullable": true]]
        let right = try Self.check("pyarrow,duckdb", expected: ["fields": fields, "rows": [[5], [NSNull()]]], file: file, folder: folder)
        #expect(right.status == 0, "\(right.text) \(right.standardError)")
        let wrong = try Self.check("pyarrow", expected: ["fields": fields, "rows": [[5], [6]]], file: file, folder: folder)
        #expect(wrong.status != 0)
        #expect(wrong.standardError.contains("row 1 column n"))
    }

    /// An abandoned writer (an error upstream) leaves nothing behind, not even its hidden file.
    @Test func anAbandonedFileLeavesNothing() throws {
        let folder = TestSupport.temporaryDirectory("parquet")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        do {
            let writer = try ParquetFileWriter(path: folder + "/t.parquet", fields: [ParquetField("n", .int64)])
            var column = ParquetColumn(ParquetField("n", .int64))
            column.append(1 as Int64?)
            try writer.write([column])
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
    }

    @Test func anUnwritableFolderIsAnErrorNamingThePath() throws {
        #expect {
            _ = try ParquetFileWriter(path: "/nonexistent-folder/t.parquet", fields: [ParquetField("n", .int64)])
        } throws: { error in
            "\(error)".contains("/nonexistent-folder/.t.parquet.writing")
        }
    }

    /// Thrift compact varints and field headers, against bytes worked out by hand from the protocol's description.
    @Test func thriftCompactBytes() {
        var writer = ThriftCompactWriter()
        writer.i32(1, 0)
        writer.i32(2, -1)
        writer.i64(20, 300)
        writer.string(21, "ab")
        writer.bool(22, true)
        writer.listOfI32(23, Array(repeating: 1, count: 15))
        writer.endMessage()
        let expected: [UInt8] = [
            0x15, 0x00,  // field 1, i32, zigzag(0)
            0x15, 0x01,  // field 2 (delta 1), zigzag(-1) = 1
            0x06, 0x28, 0xD8, 0x04,  // field 20: long form (type, zigzag(20) = 40), zigzag(300) = 600
            0x18, 0x02, 0x61, 0x62,  // field 21 (delta 1), binary "ab"
            0x11,  // field 22, true
            0x19, 0xF5, 0x0F] + Array(repeating: 0x02, count: 15) + [0x00]  // list of 15 i32: long header
        #expect(writer.bytes == expected)
    }

    @Test func runLengthLevels() {
        let levels: [UInt8] = Array(repeating: 1, count: 70) + [0] + Array(repeating: 1, count: 2)
        var output: [UInt8] = []
        levels.withUnsafeBufferPointer { RunLengthLevels.encode($0[...], into: &output) }
        #expect(output == [0x8C, 0x01, 1, 0x02, 0, 0x04, 1])  // 70 << 1 = 140 as ULEB128, then 1 and 2
    }
}
