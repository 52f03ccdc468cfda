import Foundation
import Ingest
import LogFormats
import NetbarTestSupport
import Testing

/// Evidence lines read again for reports: the right line comes back, in GBK, zstd and JSON Lines files, and no name
/// or cert ever appears whole.
@Suite struct EvidenceLinesTests {
    private static let venue = "33010610000123"

    /// Every stored line of `table` with the text that identifies its row, read back through `EvidenceLines`.
    private func readBack(_ database: String, _ sql: String) throws -> (text: EvidenceText, rows: [(key: EvidenceKey, id: String)]) {
        let store = try Store(path: database)
        let rows = try store.textRows(sql).map { (key: EvidenceKey(fileID: Int64($0[0])!, line: Int64($0[1])!), id: $0[2]) }
        let text = EvidenceLines.read(rows.map { [$0.key] }, sources: try store.evidenceSources(), names: shippedNames)
        return (text, rows)
    }

    private func expectMasked(_ text: String, names: [String], certs: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        for name in names {
            #expect(!text.contains(name), "name \(name) whole in: \(text)", sourceLocation: sourceLocation)
            #expect(!text.contains(String(name.dropFirst())), "name \(name) partly in: \(text)", sourceLocation: sourceLocation)
        }
        for cert in certs {
            let middle = String(Array(cert)[6..<14])
            #expect(!text.contains(middle), "cert \(cert) in: \(text)", sourceLocation: sourceLocation)
        }
    }

    @Test func gbkCSVLinesComeBackWithNamesAndCertsMasked() throws {
        let folder = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // A title line, a quoted note spanning two lines, a name quoted with a comma, a cert in a note.
        let text = """
            上机记录查询,导出时间:2026-11-29 06:00:03
            记录号,场所编码,证件类型,证件号码,姓名,终端号,上机时间,下机时间,消费金额,备注
            R1,\(Self.venue),身份证,33010619900101123X,张三丰,012,2026-11-28 14:03:22,2026-11-28 16:10:00,12.50,
            R2,\(Self.venue),身份证,330106199202021234,"欧阳,娜娜",013,2026-11-28 15:00:00,2026-11-28 16:00:00,5.00,"两行
            备注 330106199303031111 李四"
            R3,\(Self.venue),身份证,110101200001011236,王五,014,2026-11-28 18:00:00,2026-11-28 19:00:00,3.00,王五本人代付

            """
        // (The 备注 of R3 names its customer: free text is masked whole.)
        try TestSupport.writeGBK(text, to: folder + "/sessions.csv")
        let report = try ingest([folder + "/sessions.csv"], database: folder + "/db.sqlite")[0]
        #expect(report.encoding == .gbk && report.rows == 3 && report.quarantined == 0)

        let (evidence, rows) = try readBack(
            folder + "/db.sqlite", "SELECT fileId, line, recordNo FROM session ORDER BY recordNo")
        #expect(rows.map(\.id) == ["R1", "R2", "R3"])
        #expect(rows.map(\.key.line) == [3, 4, 6])
        #expect(evidence.unavailable.isEmpty)
        let lines = rows.map { evidence.lines[$0.key] ?? "" }
        #expect(lines[0] == "R1,\(Self.venue),身份证,330106********123X,张*,012,2026-11-28 14:03:22,2026-11-28 16:10:00,12.50,")
        #expect(lines[1].hasPrefix("R2,\(Self.venue),身份证,330106********1234,\"欧*\",013,"))
        #expect(lines[2].hasPrefix("R3,") && lines[2].contains("王*"))
        for line in lines {
            expectMasked(
                line, names: ["张三丰", "欧阳", "娜娜", "王五", "李四"],
                certs: ["33010619900101123X", "330106199202021234", "110101200001011236"])
        }
    }

    @Test func aContinuationLineIsMaskedAsUnstructuredText() throws {
        let folder = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try TestSupport.writeGBK(
            """
            记录号,场所编码,证件号码,姓名,终端号,上机时间,下机时间,消费金额,备注
            R2,\(Self.venue),330106199202021234,欧阳娜娜,013,2026-11-28 15:00:00,2026-11-28 16:00:00,5.00,"两行
            备注 330106199303031111 李四"

            """, to: folder + "/s.csv")
        _ = try ingest([folder + "/s.csv"], database: folder + "/db.sqlite")
        let store = try Store(path: folder + "/db.sqlite")
        let text = EvidenceLines.read(
            [[EvidenceKey(fileID: 1, line: 3), EvidenceKey(fileID: 1, line: 2)]], sources: try store.evidenceSources(),
            names: shippedNames)
        #expect(text.lines[EvidenceKey(fileID: 1, line: 3)] == "备* 330106********1111 李*\"")
        expectMasked(text.lines[EvidenceKey(fileID: 1, line: 2)] ?? "", names: ["欧阳娜娜"], certs: ["330106199202021234"])
    }

    @Test func zstdAuditPipeLinesComeBackMaskedAfterABadLine() throws {
        let folder = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var bytes = Data()
        func gbk(_ text: String) throws -> Data {
            try TestSupport.run("/usr/bin/iconv", ["-f", "UTF-8", "-t", "GBK"], input: Data(text.utf8)).standardOutput
        }
        bytes.append(try gbk("2026-11-28 14:03:30|\(Self.venue)|ONLINE|012|192.168.1.12|00-1A-2B-3C-4D-5E|111|33010619900101123X|王珅\n"))
        // A line GB18030 cannot read: it keeps its place and has no text.
        bytes.append(contentsOf: Array("2026-11-28 14:03:32|\(Self.venue)|AUDIT|STOP|".utf8) + [0x81, 0x20, 0x0A])
        bytes.append(try gbk("2026-11-28 14:04:00|\(Self.venue)|SWIPE|SN1|身份证|330106199001011234|李大为|OK\n"))
        bytes.append(try gbk("2026-11-28 14:05:00|\(Self.venue)|AUDIT|STOP|客户端退出\n"))
        try bytes.write(to: URL(fileURLWithPath: folder + "/audit.log"))
        try TestSupport.shell("zstd -q --rm \(folder)/audit.log -o \(folder)/audit.log.zst")
        let report = try ingest([folder + "/audit.log.zst"], database: folder + "/db.sqlite")[0]
        #expect(report.compression == .zstd && report.encoding == .gbk && report.rows == 3 && report.quarantined == 1)

        let (evidence, rows) = try readBack(folder + "/db.sqlite", "SELECT fileId, line, kind FROM auditEvent ORDER BY line")
        #expect(rows.map(\.key.line) == [1, 3, 4])
        let lines = rows.map { evidence.lines[$0.key] ?? "" }
        #expect(lines[0] == "2026-11-28 14:03:30|\(Self.venue)|ONLINE|012|192.168.1.12|00-1A-2B-3C-4D-5E|111|330106********123X|王*")
        #expect(lines[1] == "2026-11-28 14:04:00|\(Self.venue)|SWIPE|SN1|身份证|330106********1234|李*|OK")
        #expect(lines[2] == "2026-11-28 14:05:00|\(Self.venue)|AUDIT|STOP|客户端退出")
        // The undecodable line has no text, and asking for it costs nothing else.
        let bad = EvidenceLines.read(
            [[EvidenceKey(fileID: rows[0].key.fileID, line: 2)]], sources: try Store(path: folder + "/db.sqlite").evidenceSources(),
            names: shippedNames)
        #expect(bad.lines.isEmpty && bad.unavailable.isEmpty)
    }

    @Test func jsonLinesMaskEscapedNamesToo() throws {
        let folder = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let lines = [
            #"{"ts":"2026-11-28T14:03:30+08:00","venue":"\#(Self.venue)","event":"online","terminal":"012","ip":"192.168.1.12","mac":"00-1A-2B-3C-4D-5E","cert_type":"111","cert_no":"33010619900101123X","name":"\u5f20\u4e09\u4e30"}"#,
            #"{"ts":1795845840000,"venue":"\#(Self.venue)","event":"swipe","reader_sn":"SN1","cert_type":"111","cert_no":"330106199001011234","name":"李大为","result":"OK","extra":{"name":"x"}}"#,
        ]
        TestSupport.write(lines.joined(separator: "\n") + "\n", to: folder + "/audit.jsonl")
        let report = try ingest([folder + "/audit.jsonl"], database: folder + "/db.sqlite")[0]
        #expect(report.format == .auditJSONL && report.rows == 2)
        let (evidence, rows) = try readBack(folder + "/db.sqlite", "SELECT fileId, line, kind FROM auditEvent ORDER BY line")
        let texts = rows.map { evidence.lines[$0.key] ?? "" }
        #expect(texts[0].contains(#""cert_no":"330106********123X","name":"张*"}"#))
        #expect(texts[1].contains(#""name":"李*""#) && texts[1].contains(#""extra":{"name":"x"}"#))
        for text in texts {
            expectMasked(text, names: ["张三丰", "李大为"], certs: ["33010619900101123X", "330106199001011234"])
            #expect(!text.contains("\\u4e09") && !text.contains("\\u4e30"))
        }
    }

    @Test func aFileGoneOrChangedGivesNoText() throws {
        let folder = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let line = "2026-11-28 14:05:00|\(Self.venue)|AUDIT|STOP|客户端退出\n"
        TestSupport.write(line + line.replacingOccurrences(of: "14:05", with: "14:06"), to: folder + "/a.log")
        TestSupport.write(line.replacingOccurrences(of: "14:05", with: "15:05"), to: folder + "/b.log")
        _ = try ingest([folder + "/a.log", folder + "/b.log"], database: folder + "/db.sqlite")
        let store = try Store(path: folder + "/db.sqlite")
        let sources = try store.evidenceSources()
        #expect(sources.count == 2)
        let keys = [[EvidenceKey(fileID: 1, line: 1)], [EvidenceKey(fileID: 2, line: 1)]]
        #expect(EvidenceLines.read(keys, sources: sources, names: shippedNames).lines.count == 2)

        // A change after the cited line still changes the file: its line numbers can no longer be trusted.
        TestSupport.write(line + line + line, to: folder + "/a.log")
        try FileManager.default.removeItem(atPath: folder + "/b.log")
        let text = EvidenceLines.read(keys, sources: sources, names: shippedNames)
        #expect(text.lines.isEmpty)
        #expect(text.unavailable == [1, 2])
    }

    @Test func linesAreCappedPerFindingAndInAll() {
        let findings = (0..<10).map { finding in (1...8).map { EvidenceKey(fileID: Int64(finding % 2), line: Int64(finding * 10 + $0)) } }
        let perFinding = EvidenceLines.wanted(findings, perFinding: 5, total: 1_000)
        #expect(perFinding.values.map(\.count).reduce(0, +) == 50)
        #expect(perFinding[0]?.contains(5) == true && perFinding[0]?.contains(6) == false)
        let capped = EvidenceLines.wanted(findings, perFinding: 5, total: 12)
        #expect(capped.values.map(\.count).reduce(0, +) == 12)
        // The first findings (high severity first in a report) get their lines.
        #expect(capped[0]?.contains(1) == true && capped[1]?.contains(15) == true && capped[0]?.contains(21) == true)
    }

    @Test(arguments: [
        ("cert 33010619900101123X here", "cert 330106********123X here"),
        ("old 330106900101123 card", "old 330106*****1123 card"),
        ("x33010619900101123xy", "x330106********123xy"),
        ("venue 33010610000123 at 20261128140322", "venue 33010610000123 at 20261128140322"),
        ("ms 1795845802000", "ms 1795845802000"),
        ("card 6222021234567890123", "card 622202*********0123"),
    ])
    func certLikeRunsAreMaskedAndOtherNumbersAreNot(input: String, expected: String) {
        #expect(EvidenceMasking.maskCertRuns(input) == expected)
    }

    @Test func unstructuredTextHidesEveryChineseRunAndEscape() {
        #expect(EvidenceMasking.maskUnstructured(#"张三丰 at 网吧, "\u5f20\u4e09""#) == #"张* at 网*, "**""#)
        #expect(EvidenceMasking.maskName("欧阳娜娜") == "欧*")
        #expect(EvidenceMasking.maskName("") == "")
    }
}
