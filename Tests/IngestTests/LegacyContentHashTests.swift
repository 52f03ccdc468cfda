import Foundation
import NetbarTestSupport
import Testing

@testable import Ingest

/// A database written by a build before `ContentHash` holds `LegacyContentHash` values: a file it holds is still
/// recognised when sent again (FORMATS.md §6), whatever its compression, and its evidence lines are still found.
@Suite struct LegacyContentHashTests {
    private static let venue = "33010610000123"

    private static let sessions = """
        记录号,场所编码,证件类型,证件号码,姓名,终端号,上机时间,下机时间,消费金额
        R1,\(venue),身份证,33010619900101123X,张三丰,012,2026-11-28 14:03:22,2026-11-28 16:10:00,12.50
        R2,\(venue),身份证,330106199202021234,王五,013,2026-11-28 15:00:00,2026-11-28 16:00:00,5.00

        """

    private static let audit = (0..<200).map { minute in
        "2026-11-28 \(10 + minute / 60):\(String(format: "%02d", minute % 60)):00|\(venue)|HEARTBEAT|0\(minute % 9)|"
            + "192.168.1.\(minute % 9 + 10)|00-1A-2B-3C-4D-5E|INUSE\n"
    }.joined()

    private static func legacyHash(_ text: String) -> String {
        var hash = LegacyContentHash()
        Array(text.utf8).withUnsafeBytes { hash.update($0) }
        return hash.finalize()
    }

    /// Two files ingested, then their stored hashes set to what the earlier build stored.
    private func databaseOfAnEarlierBuild(_ folder: String) throws -> String {
        TestSupport.write(Self.sessions, to: folder + "/s.csv")
        TestSupport.write(Self.audit, to: folder + "/audit.log")
        let database = folder + "/db.sqlite"
        let reports = try ingest([folder + "/s.csv", folder + "/audit.log"], database: database)
        #expect(reports.map(\.status) == [.ingested, .ingested])
        #expect(reports.allSatisfy { $0.contentHash.hasPrefix(ContentHash.prefix) && $0.legacyContentHash == nil })
        let store = try Store(path: database)
        #expect(!store.holdsLegacyContentHashes)
        try store.connection.execute(
            """
            UPDATE ingestedFile SET contentHash = '\(Self.legacyHash(Self.sessions))' WHERE path LIKE '%s.csv';
            UPDATE ingestedFile SET contentHash = '\(Self.legacyHash(Self.audit))' WHERE path LIKE '%audit.log';
            """)
        return database
    }

    @Test func aFileTheEarlierBuildStoredIsADuplicateWhenSentAgain() throws {
        let folder = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let database = try databaseOfAnEarlierBuild(folder)
        #expect(try Store(path: database).holdsLegacyContentHashes)
        // The same texts again: the sessions under another name, the audit log compressed; and one new file.
        try TestSupport.shell(
            "cd '\(folder)' && mkdir again && cp s.csv again/copy.csv && zstd -q audit.log -o again/audit.log.zst")
        TestSupport.write(Self.sessions.replacingOccurrences(of: "12.50", with: "12.60"), to: folder + "/again/new.csv")
        let reports = try ingest(
            [folder + "/again/copy.csv", folder + "/again/audit.log.zst", folder + "/again/new.csv"], database: database)
        #expect(reports.map(\.status) == [.duplicate, .duplicate, .ingested])
        let newText = Self.sessions.replacingOccurrences(of: "12.50", with: "12.60")
        #expect(reports.map(\.legacyContentHash) == [Self.sessions, Self.audit, newText].map(Self.legacyHash))
        // The new file is stored with this build's hash.
        let stored = try rows(database, "SELECT contentHash FROM ingestedFile WHERE path LIKE '%new.csv'")
        #expect(stored == [[reports[2].contentHash]] && reports[2].contentHash.hasPrefix(ContentHash.prefix))
    }

    @Test func evidenceOfAFileTheEarlierBuildStoredIsFound() throws {
        let folder = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let database = try databaseOfAnEarlierBuild(folder)
        let store = try Store(path: database)
        let key = EvidenceKey(fileID: 1, line: 3)
        let text = EvidenceLines.read([[key]], sources: try store.evidenceSources(), names: shippedNames)
        #expect(text.unavailable.isEmpty)
        #expect(text.lines[key]?.hasPrefix("R2,\(Self.venue),身份证,330106********1234,王*,013,") == true)
        // A stored legacy value that does not match the file: the file changed, so its lines are not shown.
        try store.connection.execute(
            "UPDATE ingestedFile SET contentHash = '\(Self.legacyHash(Self.sessions + "x"))' WHERE id = 1")
        let changed = EvidenceLines.read([[key]], sources: try store.evidenceSources(), names: shippedNames)
        #expect(changed.unavailable == [1] && changed.lines[key] == nil)
    }
}
