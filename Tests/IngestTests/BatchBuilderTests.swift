import LogFormats
import NetbarTestSupport
import Testing

@testable import Ingest

/// Batch builders write rows in place into buffers kept from batch to batch: every batch they hand over holds exactly
/// the rows appended since the last one, in order, and rows dropped with `removeAll` never reach a later batch.
@Suite struct BatchBuilderTests {
    /// One transaction row's text as `venue,serial,card,cert,cashier,terminal,note` and its numbers.
    private struct Row: Equatable {
        var texts: [String]
        var kind: TransactionKind
        var time: Int64
        var amount: Int64
        var balance: Int64?
        var line: Int
    }

    private static func randomRow(_ generator: inout SeededGenerator, line: Int) -> Row {
        func text(_ choices: Int) -> String { generator.below(5) == 0 ? "" : "t\(generator.below(choices))" }
        return Row(
            texts: [
                "3301061000000\(generator.below(3))", "S\(line)", text(900), text(20_000) + "x", text(5), text(40),
                text(3),
            ],
            kind: TransactionKind.allCases[generator.below(TransactionKind.allCases.count)],
            time: 1_790_000_000 + Int64(generator.below(86_400)), amount: Int64(generator.below(100_000)) - 50_000,
            balance: generator.below(3) == 0 ? nil : Int64(generator.below(1_000_000)), line: line)
    }

    private static func append(_ row: Row, to builder: inout TransactionBatchBuilder) {
        var bytes: [UInt8] = []
        var ranges: [Range<Int>] = []
        for text in row.texts {
            ranges.append(bytes.count..<(bytes.count + text.utf8.count))
            bytes += Array(text.utf8)
        }
        var record = TransactionRecord()
        (record.venue, record.serialNo, record.card, record.certNo) = (ranges[0], ranges[1], ranges[2], ranges[3])
        (record.cashier, record.terminal, record.note) = (ranges[4], ranges[5], ranges[6])
        (record.kind, record.timeSeconds) = (row.kind, row.time)
        (record.amountFen, record.balanceFen) = (row.amount, row.balance)
        bytes.withUnsafeBytes { builder.append(record, bytes: $0, line: row.line) }
    }

    private static func rows(of batch: TransactionBatch) -> [Row] {
        func text(_ id: Int32) -> String { batch.dictionary.string(id) }
        return (0..<batch.count).map { row in
            let serial = batch.serialNo.bytes.withUnsafeBytes {
                String(decoding: UnsafeRawBufferPointer(rebasing: $0[batch.serialNo.range(row)]), as: UTF8.self)
            }
            return Row(
                texts: [
                    text(batch.venue[row]), serial, text(batch.card[row]), text(batch.cert[row]).lowercased(),
                    text(batch.cashier[row]), text(batch.terminal[row]), text(batch.note[row]),
                ],
                kind: TransactionKind(rawValue: batch.kind[row])!, time: batch.timeSeconds[row],
                amount: batch.amountFen[row],
                balance: batch.balanceFen[row] == absentInt64 ? nil : batch.balanceFen[row],
                line: Int(batch.line[row]))
        }
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func batchesHoldTheRowsSinceTheLastOneAndNoDroppedRow(seed: UInt64) {
        var generator = SeededGenerator(state: seed)
        var builder = TransactionBatchBuilder()
        var pending: [Row] = []
        var handedOver: [[Row]] = []
        var expected: [[Row]] = []
        var line = 1
        // Three full batches and a part, with rows dropped once mid-batch.
        while line <= 3 * BatchCapacity.rows + 1_000 {
            let row = Self.randomRow(&generator, line: line)
            Self.append(row, to: &builder)
            pending.append(row)
            if line == BatchCapacity.rows + 500 {
                builder.removeAll()
                pending = []
            }
            if builder.isFull {
                handedOver.append(Self.rows(of: builder.take()))
                expected.append(pending)
                pending = []
            }
            line += 1
        }
        handedOver.append(Self.rows(of: builder.take()))
        expected.append(pending)
        #expect(handedOver.map(\.count) == expected.map(\.count))
        let same = handedOver == expected
        #expect(same)
        #expect(builder.count == 0)
    }

    /// A session without 记录号 is keyed `@终端号|上机时间|证件号码` (cert upper-cased), the text databases already hold
    /// for such sessions (a re-sent export must meet its stored copies); keys given are kept as written, whatever
    /// their length, across the heap's growth.
    @Test func sessionKeysAreTheTextDatabasesHold() {
        let rows: [(recordNo: String, terminal: String, start: Int64, cert: String, key: String)] = [
            ("", "012", 1_795_845_600, "33010619910511507x", "@012|1795845600|33010619910511507X"),
            ("", "", 0, "", "@|0|"),
            ("", "终端7", -5, "ab", "@终端7|-5|AB"),
            ("", "1", 9_223_372_036_854_775_807, "Z", "@1|9223372036854775807|Z"),
            ("R1", "012", 1, "x", "R1"),
            (String(repeating: "长", count: 3_000), "", 1, "", String(repeating: "长", count: 3_000)),
        ]
        var builder = SessionBatchBuilder()
        for (line, row) in (rows + rows).enumerated() {
            var bytes: [UInt8] = []
            func range(_ text: String) -> Range<Int> {
                defer { bytes += Array(text.utf8) }
                return bytes.count..<(bytes.count + text.utf8.count)
            }
            var record = SessionRecord()
            record.venue = range("33010610000123")
            record.recordNo = range(row.recordNo)
            record.terminal = range(row.terminal)
            record.certNo = range(row.cert)
            record.startSeconds = row.start
            bytes.withUnsafeBytes { builder.append(record, bytes: $0, line: line + 1) }
        }
        let batch = builder.take()
        let keys = (0..<batch.count).map { row in
            batch.recordNo.bytes.withUnsafeBytes {
                String(decoding: UnsafeRawBufferPointer(rebasing: $0[batch.recordNo.range(row)]), as: UTF8.self)
            }
        }
        #expect(keys == (rows + rows).map(\.key))
    }
}
