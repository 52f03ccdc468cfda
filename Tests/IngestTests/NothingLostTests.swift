import Foundation
import Glibc
import Ingest
import LogFormats
import NetbarTestSupport
import Testing

/// Nothing fails in silence (issue #6): each of these was once read as empty, dropped, or hung the run.
@Suite(.serialized) struct NothingLostTests {
    private static let venue = "33010610000123"
    private static let sessionsHeader = "记录号,场所编码,证件号码,姓名,终端号,上机时间,下机时间,消费金额"

    /// Runs one file through a `FileIngestor` and a store, returning the report the writer gave.
    private func ingestOne(
        _ file: InputFile, database: String, decoder: TextDecoder = TextDecoder()
    ) throws -> FileReport {
        let store = try Store(path: database)
        let writer = try StoreWriter(store: store)
        var messages: [IngestMessage] = []
        FileIngestor(file: file, formatOverride: nil, names: shippedNames, send: { messages.append($0) }, textDecoder: decoder)
            .run()
        try writer.beginFile(path: file.path)
        for message in messages.dropLast() { try writer.write(message) }
        guard case .end(let report) = messages.last else {
            Issue.record("no end message")
            return FileReport(path: file.path)
        }
        return try writer.endFile(report)
    }

    @Test func aGBKFileWhoseDecoderCannotOpenIsDamageAndNotRemembered() throws {
        let folder = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try TestSupport.writeGBK(
            "\(Self.sessionsHeader)\n1,\(Self.venue),330106199001011234,张三,012,2026-11-28 14:00:00,,5\n",
            to: folder + "/s.csv")
        let file = InputFile(path: folder + "/s.csv", sizeBytes: 0)
        let broken = try ingestOne(file, database: folder + "/db", decoder: TextDecoder(gbkCharset: "NO-SUCH-CHARSET"))
        #expect(broken.status == .damaged)
        #expect(broken.damage?.reason.contains("NO-SUCH-CHARSET") == true, "\(String(describing: broken.damage))")
        #expect(broken.rows == 0 && broken.lines == 2 && broken.skippedByKind[.undecodable] == 2 && broken.balances)
        #expect(try rows(folder + "/db", "SELECT count(*) FROM ingestedFile") == [["0"]])
        // Not remembered: a run that can decode it reads it, rather than calling it a duplicate.
        let good = try ingestOne(file, database: folder + "/db")
        #expect(good.status == .ingested && good.rows == 1 && good.encoding == .gbk)
        #expect(try rows(folder + "/db", "SELECT name FROM sessionView") == [["张三"]])
    }

    @Test func aFIFOInsideAFolderIsReportedNotWaitedFor() throws {
        let folder = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        TestSupport.write("2026-11-28 14:00:00|\(Self.venue)|AUDIT|START|x\n", to: folder + "/audit.log")
        #expect(mkfifo(folder + "/pipe", 0o600) == 0)
        let inputs = try InputSource.expand([folder])
        #expect(inputs.map { ($0.path as NSString).lastPathComponent } == ["audit.log", "pipe"])
        #expect(inputs[1].problem?.contains("FIFO") == true)
        let reports = try ingest([folder], database: folder + "/db")
        #expect(reports.map(\.status) == [.ingested, .unreadable])
        #expect(reports[1].reason?.contains("FIFO") == true)
    }

    @Test func linkedFoldersAreFollowedOnceAndLoopsEnd() throws {
        let folder = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let night = folder + "/night"
        try FileManager.default.createDirectory(atPath: night + "/venue", withIntermediateDirectories: true)
        TestSupport.write("2026-11-28 14:00:00|\(Self.venue)|AUDIT|START|x\n", to: night + "/venue/audit.log")
        // A link to a folder outside the input, one back to the input itself (a loop), and a broken one.
        let elsewhere = folder + "/elsewhere"
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        TestSupport.write("2026-11-28 15:00:00|\(Self.venue)|AUDIT|STOP|x\n", to: elsewhere + "/more.log")
        #expect(symlink(elsewhere, night + "/linked") == 0)
        #expect(symlink(night, night + "/venue/loop") == 0)
        #expect(symlink(folder + "/nothing-here", night + "/broken") == 0)
        let inputs = try InputSource.expand([night])
        let names = inputs.map { String($0.path.dropFirst(night.count + 1)) }
        #expect(names == ["broken", "linked/more.log", "venue/audit.log", "venue/loop"])
        #expect(inputs[0].problem == "a broken symbolic link")
        #expect(inputs[1].problem == nil && inputs[2].problem == nil)
        #expect(inputs[3].problem?.contains("read already") == true)
        // An input that is itself a link to a folder is walked too.
        #expect(symlink(night, folder + "/tonight") == 0)
        #expect(try InputSource.expand([folder + "/tonight"]).count == 4)
    }

    @Test func unreadableAndEmptyFilesSaySo() throws {
        let folder = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        TestSupport.write("", to: folder + "/empty.csv")
        try TestSupport.shell("gzip -c < /dev/null > '\(folder)/empty.gz'")
        let empty = try ingestOne(InputFile(path: folder + "/empty.csv", sizeBytes: 0), database: folder + "/db")
        #expect(empty.status == .empty && empty.lines == 0)
        let emptyGzip = try ingestOne(InputFile(path: folder + "/empty.gz", sizeBytes: 0), database: folder + "/db")
        #expect(emptyGzip.status == .empty && emptyGzip.compression == .gzip)
        // Opening fails (the file went away after the folder was read): unreadable, with the reason.
        let gone = try ingestOne(InputFile(path: folder + "/gone.log", sizeBytes: 0), database: folder + "/db")
        #expect(gone.status == .unreadable)
        #expect(gone.reason?.contains("No such file") == true, "\(gone.reason ?? "")")
        // Reading fails at once: unreadable, not an empty or unrecognised file.
        let unreadable = try ingestOne(InputFile(path: "/proc/self/mem", sizeBytes: 0), database: folder + "/db")
        #expect(unreadable.status == .unreadable)
        #expect(unreadable.reason?.contains("read error") == true, "\(unreadable.reason ?? "")")
        #expect(try rows(folder + "/db", "SELECT count(*) FROM ingestedFile") == [["0"]])
    }

    /// Python's JSON writer escapes every non-ASCII name as `\u…`; one raw line with broken UTF-8 must be
    /// quarantined, not make the file GBK (RFC 8259: JSON text is UTF-8).
    @Test func escapedJSONWithOneBrokenLineStaysUTF8() throws {
        let folder = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var text = Data()
        for minute in 0..<20 {
            let line = #"{"ts":"2026-11-28T14:\#(minute < 10 ? "0" : "")\#(minute):00+08:00","venue":"\#(Self.venue)","event":"online","terminal":"012","ip":"","mac":"","cert_type":"111","cert_no":"x","name":"\u5f20\u4e09"}"#
            text += Data((line + "\n").utf8)
        }
        // A name cut inside a UTF-8 character (E5 BC A0 is 张): the bytes E5 BC, then ASCII.
        text += Data(#"{"ts":"2026-11-28T15:00:00+08:00","venue":"\#(Self.venue)","event":"audit","status":"START","detail":""#.utf8)
        text += Data([0xE5, 0xBC]) + Data("\"}\n".utf8)
        _ = FileManager.default.createFile(atPath: folder + "/events.jsonl", contents: text)
        let report = try ingestOne(InputFile(path: folder + "/events.jsonl", sizeBytes: 0), database: folder + "/db")
        #expect(report.encoding == .utf8)
        #expect(report.rows == 20 && report.quarantinedByReason == [.invalidEncoding: 1] && report.balances)
    }

    /// Without a GBK decoder, a UTF-8 file with one broken line is still UTF-8: that line is quarantined, the
    /// rest kept (the decoder's absence matters only to a file that is GBK).
    @Test func aMissingGBKDecoderDoesNotCostAUTF8File() throws {
        let folder = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var text = Data("\(Self.sessionsHeader)\n".utf8)
        for row in 1...5 {
            text += Data("\(row),\(Self.venue),330106199001011234,张三,012,2026-11-28 14:0\(row):00,,5\n".utf8)
        }
        text += Data("6,\(Self.venue),330106199001011234,".utf8) + Data([0xD5, 0xC5, 0xFF]) + Data(",012,2026-11-28 15:00:00,,5\n".utf8)
        _ = FileManager.default.createFile(atPath: folder + "/s.csv", contents: text)
        let report = try ingestOne(
            InputFile(path: folder + "/s.csv", sizeBytes: 0), database: folder + "/db",
            decoder: TextDecoder(gbkCharset: "NO-SUCH-CHARSET"))
        #expect(report.status == .ingested && report.encoding == .utf8 && report.damage == nil)
        #expect(report.rows == 5 && report.quarantinedByReason == [.invalidEncoding: 1] && report.balances)
    }

    @Test func aFileOfOnlyOversizedLinesIsUnrecognisedAndADamagedUnknownFileIsNotRemembered() throws {
        let folder = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let long = String(repeating: "x", count: LineBlockReader.maximumLineBytes + 10)
        TestSupport.write(long + "\n" + long, to: folder + "/big.json")
        let big = try ingestOne(InputFile(path: folder + "/big.json", sizeBytes: 0), database: folder + "/db")
        #expect(big.status == .unrecognised && big.format == nil && big.lines == 2 && big.balances)
        // Inspection notes, gzipped and cut short: unrecognised (with its damage said), not `damaged`.
        TestSupport.write((1...3000).map { "现场检查记录 第\($0)页 编号\($0 * 7919 % 10007)\n" }.joined(), to: folder + "/notes.txt")
        try TestSupport.shell("gzip -c '\(folder)/notes.txt' | head -c 3000 > '\(folder)/notes.txt.gz'")
        let notes = try ingestOne(InputFile(path: folder + "/notes.txt.gz", sizeBytes: 0), database: folder + "/db")
        #expect(notes.status == .unrecognised && notes.damage != nil && notes.lines > 0 && notes.balances)
        // Cut inside the gzip header: damaged before any text, so nothing kept and nothing remembered.
        try TestSupport.shell("head -c 12 '\(folder)/notes.txt.gz' > '\(folder)/cut.gz'")
        let cut = try ingestOne(InputFile(path: folder + "/cut.gz", sizeBytes: 0), database: folder + "/db")
        #expect(cut.status == .damaged && cut.bytes == 0 && !cut.keepsRows)
        #expect(try rows(folder + "/db", "SELECT count(*) FROM ingestedFile") == [["0"]])
    }

    /// A folder from a Chinese Windows archive may hold GBK file names: the file is opened by its own bytes.
    @Test func aFileWithAGBKNameInAFolderIsRead() throws {
        let folder = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // 审计 in GBK, as a file name.
        let name: [UInt8] = Array((folder + "/").utf8) + [0xC9, 0xF3, 0xBC, 0xC6] + Array(".log".utf8)
        let handle = (name + [0]).withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { fopen($0.baseAddress!, "w") }
        }
        #expect(handle != nil)
        fputs("2026-11-28 14:00:00|\(Self.venue)|AUDIT|START|x\n", handle)
        fclose(handle)
        let reports = try ingest([folder], database: folder + "/db")
        #expect(reports.count == 1 && reports[0].status == .ingested && reports[0].rows == 1)
        #expect(reports[0].path.hasSuffix(".log") && reports[0].path.contains("\u{FFFD}"))
    }

    /// A GBK export whose only non-ASCII line also reads as GB18030 is GBK; one line that neither reads is no
    /// evidence either way.
    @Test func encodingIsWeighedOnLinesThatDecode() throws {
        let folder = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try TestSupport.writeGBK(
            "\(Self.sessionsHeader)\n1,\(Self.venue),330106199001011234,张三,012,2026-11-28 14:00:00,,5\n",
            to: folder + "/gbk.csv")
        let gbk = try ingestOne(InputFile(path: folder + "/gbk.csv", sizeBytes: 0), database: folder + "/db")
        #expect(gbk.encoding == .gbk && gbk.rows == 1)
    }

    @Test func malformedEvidenceInTheStoreIsAnErrorNotADroppedEntry() throws {
        let folder = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try Store(path: folder + "/db")
        try store.replaceFindings([
            FindingRow(
                key: "k", detector: "minor", severity: "high", venue: Self.venue, terminal: nil, cert: nil,
                startSeconds: 0, endSeconds: 0, summary: "s", evidence: [(1, 5), (1, 9)])
        ])
        #expect(try store.findings().first?.evidence.map(\.line) == [5, 9])
        try TestSupport.shell("sqlite3 '\(folder)/db' \"UPDATE finding SET evidence = '1:5,garbage'\"")
        #expect(throws: StoreError.self) { _ = try Store(path: folder + "/db").findings() }
    }
}
