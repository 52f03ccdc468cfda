import Foundation
import NetbarTestSupport
import Testing

/// `analyze --parquet` and `export` as an analyst runs them: the real binary on generated nights, and every table read
/// back by pyarrow, DuckDB and Spark and compared row by row with the database it came from
/// (`Tests/python/parquet_vs_store.py`, which maps the database independently of netbar's code).
@Suite(.serialized) struct ParquetExportTests {
    static func netbar(_ arguments: [String]) throws -> TestSupport.Outcome {
        try TestSupport.run(TestSupport.netbarBinary, arguments)
    }

    static let checker = TestSupport.packageRoot + "/Tests/python/parquet_vs_store.py"

    static func check(_ readers: String, db: String, parquet: String) throws -> TestSupport.Outcome {
        try TestSupport.run("/usr/bin/env", ["python3", checker, readers, db, parquet])
    }

    /// Every file and folder under `root`, with its permission bits.
    static func modes(_ root: String) throws -> [String: Int] {
        var modes: [String: Int] = [:]
        for path in FileManager.default.subpaths(atPath: root) ?? [] {
            let attributes = try FileManager.default.attributesOfItem(atPath: root + "/" + path)
            modes[path] = attributes[.posixPermissions] as? Int
        }
        return modes
    }

    /// A generated night with its labelled cases (GBK, zstd and gzip, title lines) and a row to quarantine, through
    /// `analyze --parquet`.
    @Test func everyTableReadsBackInPyarrowDuckDBAndSparkAsTheDatabaseHoldsIt() throws {
        let folder = TestSupport.temporaryDirectory("parquet-e2e")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let generated = try Self.netbar(["generate", "--out", folder, "--venues", "6", "--seed", "7", "--anomalies", "--quiet"])
        #expect(generated.status == 0, "\(generated.standardError)")
        // A hand-made GBK export with a row to quarantine: the quarantine table keeps the line's own bytes.
        try TestSupport.writeGBK(
            "记录号,场所编码,用户类型,证件类型,证件号码,终端号,上机时间,下机时间,消费金额,结账方式\n"
                + "1,3301051000029,会员,111,110101199003071234,T01,2026-11-28 09:00:00,2026-11-28 10:00:00,3.00,正常\n",
            to: folder + "/dump/上机记录_补.csv")
        let analyzed = try Self.netbar([
            "analyze", folder + "/dump", "--registry", folder + "/registry", "--signatures", folder + "/signatures",
            "--db", folder + "/n.db", "--parquet", folder + "/pq",
        ])
        #expect(analyzed.status == 0, "\(analyzed.standardError)")
        // One line a table on standard error, in Chinese by default.
        #expect(analyzed.standardError.contains("Parquet：sessions 表"))
        #expect(analyzed.standardError.contains("Parquet 已写入"))

        let outcome = try Self.check("pyarrow,duckdb,spark", db: folder + "/n.db", parquet: folder + "/pq")
        #expect(outcome.status == 0, "\(outcome.text)\n\(outcome.standardError.suffix(3000))")
        let checked = outcome.text.split(separator: "\n").filter { $0.hasPrefix("ok ") }
        #expect(checked.count == 30, "\(outcome.text)")
        // Every table has rows (a table of no rows would prove little).
        for line in checked where line.hasSuffix(" rows=0") {
            Issue.record("empty table: \(line)")
        }

        // Owner-only, like the database: the rows hold whole cert numbers. No half-written file is left.
        let modes = try Self.modes(folder + "/pq")
        #expect(!modes.isEmpty)
        for (path, mode) in modes {
            #expect(mode == (path.hasSuffix(".parquet") ? 0o600 : 0o700), "\(path): \(String(mode, radix: 8))")
            #expect(!path.contains(".writing"), "\(path)")
        }
    }

    /// A database of two nights: `export` writes both, `--night` one; a re-export replaces a night's folders whole
    /// (a venue gone from the database is gone from the folder) and leaves the other night's alone; a night the
    /// database does not hold is a one-line usage error.
    @Test func nightsAreExportedAndReplacedWhole() throws {
        let folder = TestSupport.temporaryDirectory("parquet-nights")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let db = folder + "/n.db"
        for (night, seed) in [("2026-11-27", "3"), ("2026-11-28", "4")] {
            let out = folder + "/" + night
            #expect(try Self.netbar(["generate", "--out", out, "--venues", "3", "--seed", seed, "--night", night, "--quiet"]).status == 0)
            let analyzed = try Self.netbar(["analyze", out + "/dump", "--db", db, "--quiet"])
            #expect(analyzed.status == 0, "\(analyzed.standardError)")
        }
        let all = try Self.netbar(["export", "--db", db, "--parquet", folder + "/pq", "--lang", "en"])
        #expect(all.status == 0, "\(all.standardError)")
        #expect(all.standardError.contains("Parquet: sessions: "))
        let nights = try FileManager.default.contentsOfDirectory(atPath: folder + "/pq/sessions").sorted()
        #expect(nights == ["night=2026-11-27", "night=2026-11-28"])
        let checked = try Self.check("duckdb", db: db, parquet: folder + "/pq")
        #expect(checked.status == 0, "\(checked.text) \(checked.standardError)")

        // A stray venue folder in the latest night stands for a venue no longer in the database: a re-export of
        // that night removes it; the other night's folders are not touched.
        let stray = folder + "/pq/sessions/night=2026-11-28/venue=00000000000000"
        try FileManager.default.createDirectory(atPath: stray, withIntermediateDirectories: true)
        let keep = folder + "/pq/sessions/night=2026-11-27/venue=00000000000000"
        try FileManager.default.createDirectory(atPath: keep, withIntermediateDirectories: true)
        let latest = try Self.netbar(["export", "--db", db, "--parquet", folder + "/pq", "--night", "latest", "--quiet"])
        #expect(latest.status == 0, "\(latest.standardError)")
        #expect(latest.standardError.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: stray))
        #expect(FileManager.default.fileExists(atPath: keep))
        try FileManager.default.removeItem(atPath: keep)
        let again = try Self.check("duckdb", db: db, parquet: folder + "/pq")
        #expect(again.status == 0, "\(again.text) \(again.standardError)")

        let missing = try Self.netbar(["export", "--db", db, "--parquet", folder + "/pq", "--night", "2026-11-30"])
        #expect(missing.status == 1)
        #expect(missing.standardError.split(separator: "\n").count == 1)
        #expect(missing.standardError.contains("2026-11-30") && missing.standardError.contains("2026-11-27, 2026-11-28"))
        let noDatabase = try Self.netbar(["export", "--db", folder + "/none.db", "--parquet", folder + "/pq"])
        #expect(noDatabase.status == 1, "\(noDatabase.standardError)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/none.db"))
    }
}
