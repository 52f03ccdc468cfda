import Foundation
import Ingest
import LogFormats
import NetbarTestSupport
import ShippedData
import Testing

/// The built-in header map.
let shippedNames: ColumnNames = {
    var names = ColumnNames()
    do { try names.add(ShippedData.columnNames, source: "built-in") } catch { fatalError("\(error)") }
    return names
}()

/// Ingests `paths` into the store at `database` and returns the reports.
func ingest(
    _ paths: [String], database: String, format: Format? = nil, names: ColumnNames = shippedNames
) throws -> [FileReport] {
    let store = try Store(path: database)
    let writer = try StoreWriter(store: store)
    let inputs = try InputSource.expand(paths, excluding: [database])
    return try IngestRun.run(
        IngestOptions(inputs: inputs, names: names, formatOverride: format, jobs: 2, showProgress: false), writer: writer)
}

func rows(_ database: String, _ sql: String) throws -> [[String]] {
    try Store(path: database).textRows(sql)
}

private let venue = "33010610000123"

private func auditLines(count: Int, startMinute: Int = 0) -> String {
    (0..<count).map { index in
        let minute = startMinute + index
        return "2026-11-28 \(10 + minute / 60):\(String(format: "%02d", minute % 60)):00|\(venue)|HEARTBEAT|0\(index % 9)|192.168.1.\(index % 9 + 10)|00-1A-2B-3C-4D-5E|INUSE"
    }.joined(separator: "\n") + "\n"
}

private let sessionsHeader = "记录号,场所编码,卡号,用户类型,证件类型,证件号码,姓名,终端号,IP地址,上机时间,下机时间,上网时长,消费金额,收银员,结账方式,备注"

@Suite struct IngestTests {
    @Test func gbkPipeLineWithA7CTrailByteIsSplitAfterDecoding() throws {
        let folder = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // 珅 is AB 7C in GBK: a byte split on '|' would break this line into one field too many.
        let text = """
            2026-11-28 14:03:30|\(venue)|ONLINE|012|192.168.1.12|00-1A-2B-3C-4D-5E|111|33010619900101123X|王珅
            2026-11-28 14:04:00|\(venue)|SWIPE|SN1|身份证|33010619900101123x|王珅|OK

            """
        try TestSupport.writeGBK(text, to: folder + "/audit.log")
        let raw = try Data(contentsOf: URL(fileURLWithPath: folder + "/audit.log"))
        #expect(raw.contains(0x7C) && raw.firstRange(of: Data([0xAB, 0x7C])) != nil)
        let reports = try ingest([folder], database: folder + "/db.sqlite")
        #expect(reports.count == 1)
        #expect(reports[0].format == .auditPipe)
        #expect(reports[0].encoding == .gbk)
        #expect(reports[0].rows == 2 && reports[0].quarantined == 0)
        let names = try rows(folder + "/db.sqlite", "SELECT s.text FROM auditEvent e JOIN symbol s ON s.id = e.name")
        #expect(names == [["王珅"], ["王珅"]])
        // x is normalised to X, so both events name one cert.
        let certs = try rows(folder + "/db.sqlite", "SELECT DISTINCT s.text FROM auditEvent e JOIN symbol s ON s.id = e.cert")
        #expect(certs == [["33010619900101123X"]])
    }

    @Test func gbkLineWithAnInvalidByteIsQuarantinedAndTheRestUsed() throws {
        let folder = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try TestSupport.writeGBK(
            "2026-11-28 14:03:30|\(venue)|AUDIT|START|开始\n2026-11-28 14:03:31|\(venue)|AUDIT|CONFIG|配置\n",
            to: folder + "/a.log")
        var bytes = try Data(contentsOf: URL(fileURLWithPath: folder + "/a.log"))
        // A GBK lead byte followed by a byte no GB18030 sequence allows.
        bytes.append(contentsOf: Array("2026-11-28 14:03:32|\(venue)|AUDIT|STOP|".utf8) + [0x81, 0x20, 0x0A])
        let third = "2026-11-28 14:03:33|\(venue)|AUDIT|START|再开"
        bytes.append(try TestSupport.run("/usr/bin/iconv", ["-f", "UTF-8", "-t", "GBK"], input: Data(third.utf8)).standardOutput)
        try bytes.write(to: URL(fileURLWithPath: folder + "/a.log"))
        let report = try ingest([folder + "/a.log"], database: folder + "/db.sqlite")[0]
        #expect(report.encoding == .gbk)
        #expect(report.lines == 4)
        #expect(report.rows == 3)
        #expect(report.quarantinedByReason[.invalidEncoding] == 1)
        let quarantined = try rows(folder + "/db.sqlite", "SELECT line, reason, hex(raw) FROM quarantinedRow")
        #expect(quarantined.count == 1 && quarantined[0][0] == "3" && quarantined[0][1] == "invalid-encoding")
        #expect(quarantined[0][2].hasSuffix("8120"))
        let details = try rows(folder + "/db.sqlite", "SELECT s.text FROM auditEvent e JOIN symbol s ON s.id = e.text ORDER BY time")
        #expect(details == [["开始"], ["配置"], ["再开"]])
    }

    @Test func multiFrameZstdAndMultiMemberGzipAreReadWhole() throws {
        let folder = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        TestSupport.write(auditLines(count: 50), to: folder + "/part1")
        TestSupport.write(auditLines(count: 70, startMinute: 50), to: folder + "/part2")
        try TestSupport.shell("cd \(folder) && zstd -q part1 part2 && cat part1.zst part2.zst > both.zst")
        try TestSupport.shell("cd \(folder) && gzip -c part1 > g1 && gzip -c part2 > g2 && cat g1 g2 > both.gz")
        let zstdReport = try ingest([folder + "/both.zst"], database: folder + "/z.sqlite")[0]
        #expect(zstdReport.compression == .zstd && zstdReport.status == .ingested)
        #expect(zstdReport.rows == 120 && zstdReport.damage == nil)
        let gzipReport = try ingest([folder + "/both.gz"], database: folder + "/g.sqlite")[0]
        #expect(gzipReport.compression == .gzip && gzipReport.status == .ingested)
        #expect(gzipReport.rows == 120)
        // The same text compressed two ways is the same content: the second is a duplicate.
        let reports = try ingest([folder + "/both.gz", folder + "/both.zst"], database: folder + "/same.sqlite")
        #expect(reports.map(\.status) == [.ingested, .duplicate])
    }

    @Test func truncatedZstdKeepsEverythingBeforeTheDamage() throws {
        let folder = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // Enough varied text that the compressed file has several blocks.
        var text = ""
        for index in 0..<60_000 {
            text += "2026-11-28 10:00:00|\(venue)|FLOW|0\(index % 97)|192.168.1.\(index % 200)|00-1A-2B-3C-4D-5E|10.\(index % 255).\(index / 255 % 255).\(index % 7)|\(index % 65000)|\(index * 7919 % 100_000)|\(index * 104_729 % 1_000_000)\n"
        }
        TestSupport.write(text, to: folder + "/flows")
        try TestSupport.shell("cd \(folder) && zstd -q -1 flows && head -c $(( $(stat -c %s flows.zst) * 2 / 3 )) flows.zst > cut.zst")
        let report = try ingest([folder + "/cut.zst"], database: folder + "/db.sqlite")[0]
        #expect(report.status == .damaged)
        #expect(report.damage != nil)
        #expect(report.damage!.reason.contains("truncated"))
        #expect(report.rows > 10_000 && report.rows < 60_000)
        #expect(report.balances)
        let stored = try rows(folder + "/db.sqlite", "SELECT count(*) FROM auditEvent")
        #expect(stored == [["\(report.rows)"]])
        let truncatedGzip = folder + "/cut.gz"
        try TestSupport.shell("cd \(folder) && gzip -c flows | head -c 300000 > cut.gz")
        let gzipReport = try ingest([truncatedGzip], database: folder + "/g.sqlite")[0]
        #expect(gzipReport.status == .damaged && gzipReport.rows > 0 && gzipReport.balances)
    }

    @Test func bomCRLFSessionsWithTitleAndTotals() throws {
        let folder = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let text = "\u{FEFF}上机记录查询,导出时间:2026-11-29 06:00:03\r\n\(sessionsHeader)\r\n"
            + "1,\(venue),C1,会员,111,330106199001011234,张三,012,192.168.1.12,2026-11-28 14:03:22,2026-11-28 16:10:00,2小时6分,12.50,李四,正常,\r\n"
            + "2,\(venue),C2,临时,身份证,330106199202021234,\"王,五\",031,,2026/11/28 15:05,2026/11/28 16:05,1小时,3,李四,正常,\"多行\r\n备注\"\r\n"
            + "合计,,,,,,,,,,,,15.50,,,\r\n"
        TestSupport.write(text, to: folder + "/s.csv")
        let report = try ingest([folder + "/s.csv"], database: folder + "/db.sqlite")[0]
        #expect(report.encoding == .utf8BOM)
        #expect(report.format == .pubwinSessions)
        #expect(report.rows == 2 && report.quarantined == 0)
        #expect(report.lines == 6)
        #expect(report.skippedByKind == [.title: 1, .header: 1, .totals: 1, .recordContinuation: 1])
        #expect(report.warnings.isEmpty)
        #expect(report.exportSeconds == 1_795_903_203)
        let names = try rows(folder + "/db.sqlite", "SELECT name, amountFen FROM sessionView ORDER BY recordNo")
        #expect(names == [["张三", "1250"], ["王,五", "300"]])
    }

    @Test func totalsMismatchIsReported() throws {
        let folder = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        TestSupport.write(
            "\(sessionsHeader)\n1,\(venue),C1,会员,111,x,n,012,,2026-11-28 14:03:22,2026-11-28 15:00:00,,12.50,,正常,\n合计,,,,,,,,,,,,99.00,,,\n",
            to: folder + "/s.csv")
        let report = try ingest([folder + "/s.csv"], database: folder + "/db.sqlite")[0]
        #expect(report.warnings.count == 1 && report.warnings[0].detail.contains("99.00"))
    }

    @Test func reIngestChangesNothingAndClosedCopyWins() throws {
        let folder = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let open = "上机记录查询,导出时间:2026-11-28 14:00:00\n\(sessionsHeader)\n"
            + "7,\(venue),C1,会员,111,x,n,012,,2026-11-28 12:00:00,,,5,,正常,\n"
        let closed = "上机记录查询,导出时间:2026-11-29 06:00:00\n\(sessionsHeader)\n"
            + "7,\(venue),C1,会员,111,x,n,012,,2026-11-28 12:00:00,2026-11-28 18:00:00,,30,,正常,\n"
            + "8,\(venue),C1,会员,111,x,n,013,,2026-11-28 19:00:00,2026-11-28 20:00:00,,10,,正常,\n"
        try FileManager.default.createDirectory(atPath: folder + "/dump", withIntermediateDirectories: true)
        TestSupport.write(open, to: folder + "/dump/a-midday.csv")
        TestSupport.write(closed, to: folder + "/dump/b-night.csv")
        TestSupport.write(auditLines(count: 30), to: folder + "/dump/c-audit.log")
        let database = folder + "/db.sqlite"
        _ = try ingest([folder + "/dump"], database: database)
        let query = "SELECT recordNo, end, amountFen FROM sessionView ORDER BY recordNo"
        let first = try rows(database, query)
        #expect(first == [["7", "2026-11-28 18:00:00", "3000"], ["8", "2026-11-28 20:00:00", "1000"]])
        let counts = "SELECT (SELECT count(*) FROM session), (SELECT count(*) FROM pulseRun), (SELECT sum(count) FROM pulseRun), (SELECT count(*) FROM symbol), (SELECT count(*) FROM ingestedFile)"
        let before = try rows(database, counts)
        let again = try ingest([folder + "/dump"], database: database)
        #expect(again.allSatisfy { $0.status == .duplicate })
        #expect(try rows(database, counts) == before)
        #expect(try rows(database, query) == first)

        // The open copy arriving after the closed one does not reopen the session.
        let reversed = folder + "/reversed.sqlite"
        _ = try ingest([folder + "/dump/b-night.csv"], database: reversed)
        _ = try ingest([folder + "/dump/a-midday.csv"], database: reversed)
        #expect(try rows(reversed, query) == first)
    }

    @Test func databaseIsOwnerOnly() throws {
        let folder = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        _ = try Store(path: folder + "/db.sqlite")
        let attributes = try FileManager.default.attributesOfItem(atPath: folder + "/db.sqlite")
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    }

    /// Rows of interleaved venues over several batches reach their own venue's segments, in order: venues come
    /// first in a different order batch to batch, one venue's segment outgrows the buffer kept between batches,
    /// and a venue is missing from a batch.
    @Test func interleavedVenuesOverSeveralBatchesKeepEveryRowInItsSegment() throws {
        let folder = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let venues = (0..<5).map { "3301061000\(String(format: "%04d", $0))" }
        let total = BatchCapacity.rows * 2 + 700
        func venueOf(_ record: Int) -> Int {
            switch record / BatchCapacity.rows {
            case 0: return record < 1_500 ? 0 : record % 5  // venue 0's first 1,500 rows: a large segment
            case 1: return 4 - record % 4  // venue 0 missing, venue 4 first
            default: return (record / 7) % 5
            }
        }
        var text = sessionsHeader + "\n"
        for record in 0..<total {
            text += "R\(record),\(venues[venueOf(record)]),C\(record),会员,111,33010619900101123X,张三,01,192.168.1.2,"
                + "2026-11-28 10:00:00,2026-11-28 11:00:00,1小时,1.00,收银员1,正常,\n"
        }
        TestSupport.write(text, to: folder + "/s.csv")
        let reports = try ingest([folder + "/s.csv"], database: folder + "/db.sqlite")
        #expect(reports.map(\.rows) == [total])
        let stored = try rows(
            folder + "/db.sqlite",
            "SELECT v.text, s.recordNo, s.line FROM session s JOIN symbol v ON v.id = s.venue ORDER BY s.line")
        #expect(stored.count == total)
        #expect(stored.enumerated().allSatisfy { line, row in
            row == [venues[venueOf(line)], "R\(line)", "\(line + 2)"]
        })
        // Each segment holds one venue's rows of one batch, in file order.
        let segments = try rows(
            folder + "/db.sqlite",
            "SELECT v.text, g.count, (SELECT group_concat(r.value ->> 14) FROM json_each(g.rows) r) "
                + "FROM sessionSegment g JOIN symbol v ON v.id = g.venue ORDER BY g.id")
        var expected: [[String]] = []
        for batch in 0..<3 {
            let range = (batch * BatchCapacity.rows)..<min(total, (batch + 1) * BatchCapacity.rows)
            var order: [Int] = []
            for record in range where !order.contains(venueOf(record)) { order.append(venueOf(record)) }
            for venue in order {
                let lines = range.filter { venueOf($0) == venue }.map { "\($0 + 2)" }
                expected.append([venues[venue], "\(lines.count)", lines.joined(separator: ",")])
            }
        }
        #expect(segments == expected)
    }

    /// A new database gets the store's large pages, in WAL mode; one made with SQLite's default 4 KiB pages (an
    /// earlier build's) keeps them, and takes more files as before.
    @Test func aNewDatabaseHasLargePagesAndAnOldOneKeepsItsOwn() throws {
        let folder = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        TestSupport.write(sessionsHeader + "\n1,\(venue),C1,会员,111,33010619900101123X,张三,01,192.168.1.2,2026-11-28 10:00:00,2026-11-28 11:00:00,1小时,3.00,收银员1,正常,\n", to: folder + "/a.csv")
        TestSupport.write(sessionsHeader + "\n2,\(venue),C2,会员,111,33010619900101124X,李四,02,192.168.1.3,2026-11-28 12:00:00,2026-11-28 13:00:00,1小时,4.00,收银员1,正常,\n", to: folder + "/b.csv")
        _ = try ingest([folder + "/a.csv"], database: folder + "/new.sqlite")
        #expect(try rows(folder + "/new.sqlite", "PRAGMA page_size") == [["65536"]])
        #expect(try rows(folder + "/new.sqlite", "PRAGMA journal_mode") == [["wal"]])
        let old = folder + "/old.sqlite"
        #expect(try TestSupport.shell("sqlite3 '\(old)' 'PRAGMA page_size=4096; PRAGMA journal_mode=WAL; CREATE TABLE t(x); DROP TABLE t;'").status == 0)
        for file in ["a", "b"] { _ = try ingest([folder + "/\(file).csv"], database: old) }
        #expect(try rows(old, "PRAGMA page_size") == [["4096"]])
        #expect(try rows(old, "SELECT count(*), sum(amountFen) FROM session") == [["2", "700"]])
    }

    @Test func oversizedLineIsQuarantinedAndReadingResumes() throws {
        let folder = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let long = String(repeating: "A", count: 1_500_000)
        TestSupport.write(auditLines(count: 2) + long + "\n" + auditLines(count: 3, startMinute: 10), to: folder + "/big.log")
        let report = try ingest([folder + "/big.log"], database: folder + "/db.sqlite")[0]
        #expect(report.lines == 6)
        #expect(report.rows == 5)
        #expect(report.quarantinedByReason[.lineTooLong] == 1)
        #expect(report.balances)
    }

    @Test func pulsesAreStoredExactly() throws {
        let folder = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // Out of order on purpose: lines are mostly but not strictly in time order.
        let text = """
            2026-11-28 10:00:00|\(venue)|HEARTBEAT|012|192.168.1.12|00-1A-2B-3C-4D-5E|INUSE
            2026-11-28 10:02:00|\(venue)|HEARTBEAT|012|192.168.1.12|00-1A-2B-3C-4D-5E|INUSE
            2026-11-28 10:01:00|\(venue)|HEARTBEAT|012|192.168.1.12|00-1A-2B-3C-4D-5E|IDLE
            2026-11-28 10:03:00|\(venue)|SNAP|012|192.168.1.12|00-1A-2B-3C-4D-5E|FAIL|0
            2026-11-28 10:04:00|\(venue)|HEARTBEAT|012|192.168.1.99|00-1A-2B-3C-4D-5E|LOCKED

            """
        TestSupport.write(text, to: folder + "/a.log")
        _ = try ingest([folder + "/a.log"], database: folder + "/db.sqlite")
        let store = try Store(path: folder + "/db.sqlite")
        let venueID = try store.venueIDs()[0]
        var pulses: [String] = []
        try store.forEachPulse(venue: venueID) { _, family, seconds, value, _, line in
            pulses.append("\(family.rawValue) \(CivilTime.localString(seconds)) \(value) \(line)")
        }
        #expect(pulses == [
            "0 2026-11-28 10:00:00 2 1", "0 2026-11-28 10:02:00 2 2", "0 2026-11-28 10:01:00 0 3",
            "0 2026-11-28 10:04:00 1 5", "1 2026-11-28 10:03:00 0 4",
        ])
        let addresses = try store.addresses(venue: venueID)
        #expect(addresses.map(\.count) == [4, 1])
        #expect(try store.coverage(venue: venueID) == 1_795_831_200...1_795_831_440)
    }

    @Test func standardInputIsAnInput() throws {
        let folder = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // Through the real binary, since stdin belongs to the process.
        let outcome = try TestSupport.run(
            TestSupport.netbarBinary, ["ingest", "-", "--db", folder + "/db.sqlite", "--summary-json", folder + "/s.json", "--quiet"],
            input: Data(auditLines(count: 4).utf8))
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let summary = TestSupport.jsonObject(try Data(contentsOf: URL(fileURLWithPath: folder + "/s.json")))
        let files = summary?["files"] as? [[String: Any]]
        #expect(files?.first?["path"] as? String == "-")
        #expect(files?.first?["rows"] as? Int == 4)
    }
}

/// Inputs from the review of the ingest against FORMATS.md: each once mishandled.
@Suite struct ReviewRegressionTests {
    @Test func loneEuroBytesInGBKNeitherOverflowNorLoseTheRow() throws {
        let folder = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var bytes = try TestSupport.run(
            "/usr/bin/iconv", ["-f", "UTF-8", "-t", "GBK"],
            input: Data("\(sessionsHeader)\n1,\(venue),C1,会员,111,x,张三,012,,2026-11-28 14:00:00,2026-11-28 15:00:00,,5,,正常,".utf8)
        ).standardOutput
        bytes.append(contentsOf: [UInt8](repeating: 0x80, count: 200_000) + [0x0A])
        try bytes.write(to: URL(fileURLWithPath: folder + "/s.csv"))
        let report = try ingest([folder + "/s.csv"], database: folder + "/db.sqlite")[0]
        #expect(report.encoding == .gbk)
        #expect(report.rows == 1 && report.quarantined == 0)
        let note = try rows(folder + "/db.sqlite", "SELECT length(s.text) FROM session x JOIN symbol s ON s.id = x.note")
        #expect(note == [["200000"]])
    }

    @Test func everyLineBeforeTheHeaderIsATitleAndGivesTheExportTime() throws {
        let folder = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        TestSupport.write(
            "上机记录查询,场所:\(venue),操作员:admin,导出时间:2026-11-29 06:00:03\n查询条件:全部,起始:2026-11-28,结束:2026-11-29,\n"
                + "\(sessionsHeader)\n1,\(venue),C1,会员,111,x,n,012,,2026-11-28 14:00:00,,,5,,正常,\n",
            to: folder + "/s.csv")
        let report = try ingest([folder + "/s.csv"], database: folder + "/db.sqlite")[0]
        #expect(report.skippedByKind[.title] == 2)
        #expect(report.quarantined == 0 && report.rows == 1)
        #expect(report.exportSeconds == 1_795_903_203)
    }

    @Test func aStrayQuoteLosesOnlyItsOwnLine() throws {
        let folder = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var text = "\(sessionsHeader)\n1,\(venue),C1,会员,111,x,n,012,,2026-11-28 14:00:00,,,5,,正常,\"VIP\n"
        for record in 2...50 {
            text += "\(record),\(venue),C1,会员,111,x,n,012,,2026-11-28 14:00:00,2026-11-28 15:00:00,,5,,正常,\n"
        }
        TestSupport.write(text, to: folder + "/s.csv")
        let report = try ingest([folder + "/s.csv"], database: folder + "/db.sqlite")[0]
        #expect(report.quarantinedByReason == [.unterminatedQuote: 1])
        #expect(report.rows == 49)
        #expect(report.balances)
    }

    @Test func skippableZstdFrameFirstIsStillZstd() throws {
        let folder = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        TestSupport.write(auditLines(count: 5), to: folder + "/a.log")
        try TestSupport.shell("cd \(folder) && zstd -q a.log -o frame.zst")
        // A skippable frame (magic 0x184D2A50, 4 payload bytes) before the data frame, as pzstd writes.
        var bytes = Data([0x50, 0x2A, 0x4D, 0x18, 4, 0, 0, 0, 1, 2, 3, 4])
        bytes.append(try Data(contentsOf: URL(fileURLWithPath: folder + "/frame.zst")))
        try bytes.write(to: URL(fileURLWithPath: folder + "/p.zst"))
        let report = try ingest([folder + "/p.zst"], database: folder + "/db.sqlite")[0]
        #expect(report.compression == .zstd && report.rows == 5 && report.status == .ingested)
    }

    @Test func zeroPaddingAfterTheLastGzipMemberIsNotDamage() throws {
        let folder = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        TestSupport.write(auditLines(count: 5), to: folder + "/a.log")
        try TestSupport.shell("cd \(folder) && gzip -c a.log > p.gz && head -c 512 /dev/zero >> p.gz")
        let report = try ingest([folder + "/p.gz"], database: folder + "/db.sqlite")[0]
        #expect(report.status == .ingested && report.damage == nil && report.rows == 5)
    }

    @Test func aLaterCopyWithoutExportTimeReplacesAnEarlierOne() throws {
        let folder = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        TestSupport.write("\(sessionsHeader)\n7,\(venue),C1,会员,111,x,n,012,,2026-11-28 23:00:00,,,3.00,,正常,\n", to: folder + "/a.csv")
        TestSupport.write("\(sessionsHeader)\n7,\(venue),C1,会员,111,x,n,012,,2026-11-28 23:00:00,,,4.00,,正常,\n", to: folder + "/b.csv")
        _ = try ingest([folder + "/a.csv", folder + "/b.csv"], database: folder + "/db.sqlite")
        #expect(try rows(folder + "/db.sqlite", "SELECT amountFen FROM session") == [["400"]])
    }

    @Test func aRowOfCommasIsBlank() throws {
        let folder = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        TestSupport.write(
            "\(sessionsHeader)\n1,\(venue),C1,会员,111,x,n,012,,2026-11-28 14:00:00,,,5,,正常,\n,,,,,,,,,,,,,,,\n",
            to: folder + "/s.csv")
        let report = try ingest([folder + "/s.csv"], database: folder + "/db.sqlite")[0]
        #expect(report.skippedByKind[.blank] == 1 && report.quarantined == 0)
    }
}

@Suite struct TextDecoderPropertyTests {
    /// GBK text mixing ASCII lines (copied as they are), lines of Chinese (through iconv, alone or in runs), bad
    /// lines and CP936 euro signs, in random order, block by block: the UTF-8 is exactly each line's own text made
    /// by the iconv tool, a bad line is empty and reported at its index, whatever lines surround it.
    @Test(arguments: [11, 12, 13, 14, 15, 16] as [UInt64])
    func mixedLinesDecodeAsEachLineAlone(seed: UInt64) throws {
        let chinese = ["张珅|上机|192.168.1.7", "收银员 李弢,现金", "备注：包时段 昞", "ONLINE|王芳|身份证", "中", "𠀀4字节"]
        let encoded = try TestSupport.run(
            "/usr/bin/iconv", ["-f", "UTF-8", "-t", "GB18030"], input: Data(chinese.joined(separator: "\n").utf8)
        ).standardOutput
        let gbkLines = Array(encoded).split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
        try #require(gbkLines.count == chinese.count)
        // (raw line, expected UTF-8 or nil for a bad line)
        let asciiLines: [String] = [
            "2026-11-28 14:03:22|11010510000436|HEARTBEAT|007|192.168.1.7|AA-BB|1", "# comment", "", "a,b,c\r",
        ]
        var kinds: [(raw: [UInt8], text: [UInt8]?)] = asciiLines.map { (Array($0.utf8), Array($0.utf8)) }
        for (raw, text) in zip(gbkLines, chinese) { kinds.append((raw, Array(text.utf8))) }
        kinds.append(([0x41, 0xFF, 0x42], nil))
        kinds.append(([0xD5], nil))
        kinds.append(([0x31, 0x80, 0x32], Array("1€2".utf8)))
        kinds.append(([0xD5, 0xC5, 0x80, 0xFE], nil))
        var generator = SeededGenerator(state: seed)
        for _ in 0..<20 {
            var raw: [UInt8] = [0xD5, 0xC5, 0x0A]  // the first line decides for GBK
            var expected: [UInt8] = Array("张\n".utf8)
            var badIndices: [Int] = []
            let lineCount = Int.random(in: 1...60, using: &generator)
            // Runs of one kind now and then, so that iconv gets runs of several lines.
            var index = 1
            while index <= lineCount {
                let kind = kinds.randomElement(using: &generator)!
                for _ in 0..<Int.random(in: 1...3, using: &generator) where index <= lineCount {
                    raw += kind.raw + [0x0A]
                    if let text = kind.text { expected += text } else { badIndices.append(index) }
                    expected.append(0x0A)
                    index += 1
                }
            }
            let decoder = TextDecoder()
            raw.withUnsafeBytes { bytes in
                let block = decoder.decode(bytes, isFirstBlock: true)
                #expect(decoder.reportedEncoding == .gbk)
                #expect(Array(block.text) == expected, "seed \(seed)")
                #expect(block.badLines.map(\.index) == badIndices, "seed \(seed)")
                for bad in block.badLines {
                    let line = Array(bytes[bad.raw])
                    #expect(!line.contains(0x0A) && (bad.raw.upperBound == bytes.count || bytes[bad.raw.upperBound] == 0x0A))
                }
            }
        }
    }

    /// Random bytes heavy in GBK lead bytes, lone 0x80s and line breaks: every input line comes out as one
    /// decoded line or one bad line, in order, and nothing traps.
    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func everyLineIsDecodedOrReportedBad(seed: UInt64) {
        var generator = SeededGenerator(state: seed)
        let alphabet: [UInt8] = [0x0A, 0x80, 0x81, 0xAB, 0x7C, 0xFE, 0xFF, 0x41, 0x30, 0xE4, 0xB8, 0xAD, 0x5C]
        var bytes = [UInt8]()
        for _ in 0..<50_000 { bytes.append(alphabet.randomElement(using: &generator)!) }
        // Make the first line decide for GBK: a GBK character that is invalid UTF-8.
        bytes.insert(contentsOf: [0xD5, 0xC5, 0x0A], at: 0)
        let inputLines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).count
            - (bytes.last == 0x0A ? 1 : 0)
        let decoder = TextDecoder()
        bytes.withUnsafeBytes { raw in
            let block = decoder.decode(raw, isFirstBlock: true)
            #expect(decoder.reportedEncoding == .gbk)
            let text = Array(block.text)
            var outputLines = text.split(separator: 0x0A, omittingEmptySubsequences: false).count
                - (text.last == 0x0A ? 1 : 0)
            if text.isEmpty { outputLines = 0 }
            // A bad last line without its LF has no place in the text; it is still reported.
            let trailingBad = block.badLines.filter { $0.index >= outputLines }.count
            #expect(outputLines + trailingBad == inputLines, "seed \(seed)")
            #expect(block.badLines.map(\.index) == block.badLines.map(\.index).sorted())
            // Whatever decoded is valid UTF-8.
            #expect(String(validating: text, as: UTF8.self) != nil, "seed \(seed)")
        }
    }
}
