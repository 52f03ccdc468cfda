import Foundation
import NetbarTestSupport
import Testing

/// `netbar scan` tells each file's venues, rows by day and latest time without storing anything; the Spark job
/// names the night and the dump's end from it. Checked against what an ingest of the same files stores.
@Suite struct ScanCommandTests {
    static func netbar(_ arguments: [String]) throws -> TestSupport.Outcome {
        try TestSupport.run(TestSupport.netbarBinary, arguments)
    }

    static let samples = TestSupport.packageRoot + "/samples/dump"

    @Test func scanAgreesWithTheStoreFileByFile() throws {
        let folder = TestSupport.temporaryDirectory("scan")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let db = folder + "/n.db"
        #expect(try Self.netbar(["ingest", Self.samples, "--db", db, "--quiet"]).status == 0)
        let scan = try Self.netbar(["scan", Self.samples])
        #expect(scan.status == 0, "\(scan.standardError)")
        let scans = TestSupport.jsonLines(scan.standardOutput)
        let listed = try Self.netbar(["scan", "--list", Self.samples])
        let order = TestSupport.jsonLines(Data(listed.text.split(separator: "\n").map { "{\"p\":\($0)}" }.joined(separator: "\n").utf8))
            .map { $0["p"] as? String ?? "" }
        #expect(scans.map { $0["path"] as? String ?? "" } == order)
        #expect(scans.count > 20)

        // Rows by day, file by file, as the store counted them (fileDay); a duplicate or unusable file keeps none.
        let stored = try TestSupport.shell(
            "sqlite3 -separator '|' '\(db)' \"SELECT f.path, date(d.day * 86400, 'unixepoch'), d.rows FROM fileDay d "
                + "JOIN ingestedFile f ON f.id = d.fileId\"")
        var days: [String: [String: Int]] = [:]
        for line in stored.text.split(separator: "\n") {
            let parts = line.split(separator: "|").map(String.init)
            days[parts[0], default: [:]][parts[1]] = Int(parts[2])
        }
        var hashes = Set<String>()
        for scan in scans {
            let path = scan["path"] as? String ?? ""
            let fresh = hashes.insert(scan["content_hash"] as? String ?? "").inserted
            guard fresh, (scan["venues"] as? [String])?.isEmpty == false else { continue }
            let scanned = (scan["days"] as? [String: Int]) ?? [:]
            #expect(scanned == (days[path] ?? [:]), "\(path)")
        }
        // The latest time of the dump, as detection takes it.
        let end = try TestSupport.shell(
            "sqlite3 '\(db)' \"SELECT max(m) FROM (SELECT max(coalesce(endTime, startTime)) AS m FROM session "
                + "UNION ALL SELECT max(coalesce(endTime, startTime)) FROM realnameSession "
                + "UNION ALL SELECT max(time) FROM billingTransaction UNION ALL SELECT max(lastTime) FROM venueCoverage)\"")
        let scannedEnd = scans.map { ($0["data_end"] as? Int) ?? Int.min }.max()
        #expect(scannedEnd == Int(end.text.trimmingCharacters(in: .whitespacesAndNewlines)))
        // Venues: every venue the store holds rows of is some file's.
        let venues = try TestSupport.shell("sqlite3 '\(db)' \"SELECT DISTINCT v.text FROM session s JOIN symbol v ON v.id = s.venue\"")
        let scannedVenues = Set(scans.flatMap { ($0["venues"] as? [String]) ?? [] })
        for venue in venues.text.split(separator: "\n") { #expect(scannedVenues.contains(String(venue))) }
    }

    /// Hand-made files: a GBK export of two venues, its re-sent copy, and a file of only bad rows (no venue, no
    /// day: the store keeps nothing of it either).
    @Test func handMadeFiles() throws {
        let folder = TestSupport.temporaryDirectory("scan-hand")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let header = "记录号,场所编码,用户类型,证件类型,证件号码,终端号,上机时间,下机时间,消费金额,结账方式\n"
        let rows = header
            + "1,44030410000729,会员,111,110101199003074514,T01,2026-11-28 23:30:00,2026-11-29 00:30:00,3.00,正常\n"
            + "2,33010510000293,会员,111,110101199003074514,T02,2026-11-29 01:00:00,,3.00,正常\n"
        try TestSupport.writeGBK(rows, to: folder + "/a.csv")
        try TestSupport.writeGBK(rows, to: folder + "/b.csv")
        try TestSupport.writeGBK(header + "3,bad,会员,111,1,T01,2026-11-28 10:00:00,,3.00,正常\n", to: folder + "/c.csv")
        let scan = try Self.netbar(["scan", folder])
        #expect(scan.status == 0, "\(scan.standardError)")
        let scans = TestSupport.jsonLines(scan.standardOutput)
        #expect(scans.count == 3)
        #expect(scans[0]["venues"] as? [String] == ["33010510000293", "44030410000729"])
        #expect(scans[0]["days"] as? [String: Int] == ["2026-11-28": 1, "2026-11-29": 1])
        // A closed session counts at its end (00:30 on the 29th, UTC+8), an open one at its start (01:00): the later.
        #expect(scans[0]["data_end"] as? Int == 1_795_885_200)
        #expect(scans[0]["content_hash"] as? String == scans[1]["content_hash"] as? String)
        #expect(scans[2]["venues"] as? [String] == [])
        #expect((scans[2]["days"] as? [String: Int])?.isEmpty == true)
        #expect(scans[2]["data_end"] is NSNull)
        #expect(scans[0]["format"] as? String == "pubwin-sessions")
    }
}
