import Foundation
import NetbarTestSupport
import Testing

/// The Spark job as an analyst runs it: `scripts/spark-analyze.sh` (a real `spark-submit --master local[2]`) on a
/// labelled generated night, against `netbar analyze` of the same dump: the same findings byte for byte (same ids,
/// same evidence, same order) and the same Parquet rows, whatever the number of partitions.
@Suite(.serialized) struct SparkJobTests {
    static func netbar(_ arguments: [String]) throws -> TestSupport.Outcome {
        try TestSupport.run(TestSupport.netbarBinary, arguments)
    }

    static let script = TestSupport.packageRoot + "/scripts/spark-analyze.sh"
    static let sameParquet = TestSupport.packageRoot + "/Tests/python/same_parquet.py"
    static let tables = [
        "sessions", "realname_sessions", "transactions", "audit_events", "pulse_runs", "terminal_addresses",
        "quarantine", "findings", "finding_evidence", "files",
    ]

    /// Runs the job with the test's own binary shipped to the executors.
    static func spark(_ arguments: [String], master: String = "local[2]") throws -> TestSupport.Outcome {
        try TestSupport.run(
            "/usr/bin/env", ["NETBAR=\(TestSupport.netbarBinary)", "SPARK_MASTER=\(master)", "bash", script] + arguments)
    }

    static func text(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    @Test(arguments: [1, 3])
    func theJobFindsWhatAnalyzeFinds(partitions: Int) throws {
        let folder = TestSupport.temporaryDirectory("spark")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let generated = try Self.netbar(["generate", "--out", folder, "--venues", "8", "--seed", "11", "--anomalies", "--quiet"])
        #expect(generated.status == 0, "\(generated.standardError)")
        // A hand-made GBK export with a row to quarantine, so that every table has rows.
        try TestSupport.writeGBK(
            "记录号,场所编码,用户类型,证件类型,证件号码,终端号,上机时间,下机时间,消费金额,结账方式\n"
                + "1,3301051000029,会员,111,110101199003071234,T01,2026-11-28 09:00:00,2026-11-28 10:00:00,3.00,正常\n",
            to: folder + "/dump/上机记录_补.csv")
        let common = ["--registry", folder + "/registry", "--signatures", folder + "/signatures"]
        let analyzed = try Self.netbar(
            ["analyze", folder + "/dump"] + common
                + ["--findings", folder + "/analyze.jsonl", "--parquet", folder + "/analyze-parquet", "--quiet"])
        #expect(analyzed.status == 0, "\(analyzed.standardError)")

        let job = try Self.spark(
            [folder + "/dump"] + common + ["--out", folder + "/out", "--partitions", "\(partitions)"])
        #expect(job.status == 0, "\(job.text)\n\(job.standardError.suffix(3000))")
        #expect(job.text.contains("night 2026-11-28"), "\(job.text)")
        #expect(job.text.contains("\(min(partitions, 8)) groups"), "\(job.text)")

        let expected = try Self.text(folder + "/analyze.jsonl")
        let actual = try Self.text(folder + "/out/findings.jsonl")
        // One cert in three venues would be a finding of the multi-night rule, which analyze has not: none here.
        #expect(!actual.contains("cert-multi-venue"))
        #expect(!expected.isEmpty)
        #expect(actual == expected, "the Spark job's findings differ from analyze's")
        // The night's cross-venue id-sharing cases are among them (they come from Spark SQL and netbar id-overlap).
        #expect(actual.contains("\"detector\":\"id-sharing\",\"severity\":\"high\""))

        let same = try TestSupport.run(
            "/usr/bin/env", ["python3", Self.sameParquet, folder + "/analyze-parquet", folder + "/out/parquet"] + Self.tables)
        #expect(same.status == 0, "\(same.text) \(same.standardError)")
        #expect(same.text.split(separator: "\n").count == Self.tables.count)
        // The history of the multi-night rule: tonight's sessions with a cert.
        #expect(FileManager.default.fileExists(atPath: folder + "/out/parquet/identity_sessions/night=2026-11-28"))
        // Nothing of the job's work is left beside its outputs.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/out").sorted() == ["findings.jsonl", "parquet"])
    }

    static let header = "记录号,场所编码,用户类型,证件类型,证件号码,终端号,上机时间,下机时间,消费金额,结账方式\n"
    /// An adult's resident ID with its check digit.
    static let cert = "110101199003074514"

    /// One cert on three nights in three venues: the third night's job finds it in every venue (evidence from all
    /// three nights); with a window of two days it is in two venues only, and no finding.
    @Test func oneCertInThreeVenuesWithinAWeek() throws {
        let folder = TestSupport.temporaryDirectory("spark-nights")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let nights = [("2026-11-26", "11010510000246"), ("2026-11-27", "44030410000729"), ("2026-11-28", "33010510000293")]
        for (index, (night, venue)) in nights.enumerated() {
            let dump = folder + "/\(night)"
            try FileManager.default.createDirectory(atPath: dump, withIntermediateDirectories: true)
            try TestSupport.writeGBK(
                Self.header
                    + "\(index + 1),\(venue),会员,111,\(Self.cert),T0\(index + 1),\(night) 14:00:00,\(night) 15:00:00,3.00,正常\n"
                    // Another cert, in two of the venues only.
                    + (index == 1 ? "" : "\(index + 11),\(venue),会员,111,110101198001011237,T09,\(night) 16:00:00,\(night) 17:00:00,3.00,正常\n"),
                to: dump + "/上机记录_\(index).csv")
        }
        for (night, _) in nights.prefix(2) {
            let job = try Self.spark([folder + "/\(night)", "--out", folder + "/out", "--partitions", "1"])
            #expect(job.status == 0, "\(job.standardError.suffix(2000))")
            #expect(!(try Self.text(folder + "/out/findings.jsonl")).contains("cert-multi-venue"))
        }
        // A window of two days sees two venues.
        let narrow = try Self.spark(
            [folder + "/2026-11-28", "--out", folder + "/out", "--partitions", "2", "--window-days", "2", "--lang", "en"])
        #expect(narrow.status == 0, "\(narrow.standardError.suffix(2000))")
        #expect(!(try Self.text(folder + "/out/findings.jsonl")).contains("cert-multi-venue"))
        // The default week sees three (the night re-run replaces its own history, it does not double it).
        let job = try Self.spark([folder + "/2026-11-28", "--out", folder + "/out", "--partitions", "2", "--lang", "en"])
        #expect(job.status == 0, "\(job.standardError.suffix(2000))")
        let found = TestSupport.jsonLines(Data(try Self.text(folder + "/out/findings.jsonl").utf8))
            .filter { $0["detector"] as? String == "cert-multi-venue" }
        #expect(found.map { $0["venue"] as? String ?? "" }.sorted() == nights.map(\.1).sorted())
        for finding in found {
            #expect(finding["cert"] as? String == "110101********4514")
            #expect(finding["night"] as? String == "2026-11-28")
            let evidence = finding["evidence"] as? [[String: Any]] ?? []
            #expect(evidence.count == 3)
            let folders = evidence.map { URL(fileURLWithPath: $0["file"] as? String ?? "").deletingLastPathComponent().lastPathComponent }
            #expect(Set(folders) == Set(nights.map(\.0)))
            #expect((finding["summary"] as? String ?? "").contains("3 venues within 7 days"))
        }
        // The other cert was in two venues: no finding of the rule names it (the three above are the main cert's).
        #expect(found.count == 3)
    }

    @Test(arguments: [
        (["/nonexistent"], "--out"), (["/nonexistent", "--out", "/tmp/x", "--partitions", "0"], "--partitions must be at least 1"),
        (["/nonexistent", "--out", "/tmp/x", "--registry", "/nonexistent-registry"], "--registry '/nonexistent-registry'"),
    ])
    func usageErrorsAreOneLineWithStatusOne(arguments: [String], message: String) throws {
        let outcome = try Self.spark(arguments)
        #expect(outcome.status == 1)
        #expect(outcome.standardError.split(separator: "\n").count == 1, "\(outcome.standardError)")
        #expect(outcome.standardError.contains(message), "\(outcome.standardError)")
    }
}
