import Foundation
import NetbarTestSupport
import Testing

/// The real `netbar` binary on generated dumps: every labelled case found, no near miss and nothing
/// else reported (precision and recall 1.0), for three seeds.
@Suite(.serialized) struct EndToEndTests {
    static func netbar(_ arguments: [String], input: Data? = nil) throws -> TestSupport.Outcome {
        try TestSupport.run(TestSupport.netbarBinary, arguments, input: input)
    }

    struct Truth {
        var kind: String
        var detector: String
        var venue: String
        var terminal: String?
        var cert: String?
        var address: String? = nil
        var start: String
        var end: String
    }

    /// The truth file's matching rule: same detector and venue, same terminal and cert where the truth names
    /// them, overlapping spans (ISO times of one offset compare as text).
    static func matches(_ truth: Truth, _ finding: [String: Any]) -> Bool {
        guard truth.detector == finding["detector"] as? String, truth.venue == finding["venue"] as? String else {
            return false
        }
        if let terminal = truth.terminal, terminal != finding["terminal"] as? String { return false }
        if let cert = truth.cert, cert != finding["cert"] as? String { return false }
        if let address = truth.address, address != finding["address"] as? String { return false }
        guard let start = finding["start"] as? String, let end = finding["end"] as? String else { return false }
        return truth.start <= end && start <= truth.end
    }

    /// The labelled cases and near misses of a generated night's `truth.jsonl`.
    static func truth(_ folder: String) throws -> [Truth] {
        TestSupport.jsonLines(try Data(contentsOf: URL(fileURLWithPath: folder + "/truth.jsonl"))).map {
            Truth(
                kind: $0["kind"] as? String ?? "", detector: $0["detector"] as? String ?? "",
                venue: $0["venue"] as? String ?? "", terminal: $0["terminal"] as? String, cert: $0["cert"] as? String,
                address: $0["address"] as? String, start: $0["start"] as? String ?? "", end: $0["end"] as? String ?? "")
        }
    }

    @Test(arguments: [11, 23, 37] as [UInt64])
    func labelledCasesAreFoundAndNearMissesAreNot(seed: UInt64) throws {
        let folder = TestSupport.temporaryDirectory("e2e")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let generated = try Self.netbar(["generate", "--out", folder, "--venues", "8", "--seed", "\(seed)", "--anomalies", "--quiet"])
        #expect(generated.status == 0, "\(generated.standardError)")
        let analyzed = try Self.netbar([
            "analyze", folder + "/dump", "--registry", folder + "/registry", "--signatures", folder + "/signatures",
            "--db", folder + "/netbar.db",
            "--findings", folder + "/findings.jsonl", "--summary-json", folder + "/summary.json", "--reveal-certs", "--quiet",
        ])
        #expect(analyzed.status == 0, "\(analyzed.standardError)")

        let truth = try Self.truth(folder)
        let findings = TestSupport.jsonLines(try Data(contentsOf: URL(fileURLWithPath: folder + "/findings.jsonl")))
        let cases = truth.filter { $0.kind == "case" }
        let nearMisses = truth.filter { $0.kind == "near-miss" }
        #expect(cases.count >= 20)
        #expect(Set(cases.map(\.detector)).count == 12, "every detector has labelled cases")
        #expect(nearMisses.count >= 10)

        for labelled in cases {
            #expect(findings.contains { Self.matches(labelled, $0) }, "missed: \(labelled)")
        }
        for finding in findings {
            #expect(cases.contains { Self.matches($0, finding) }, "not labelled: \(finding)")
        }
        for nearMiss in nearMisses {
            #expect(!findings.contains { Self.matches(nearMiss, $0) }, "near miss reported: \(nearMiss)")
        }

        // Every line of every file is accounted for, and a generated night has no file netbar could not read: only
        // its copies without a venue are `no-venue` (their sessions are in the venue's own export too).
        let summary = TestSupport.jsonObject(try Data(contentsOf: URL(fileURLWithPath: folder + "/summary.json")))
        let files = summary?["files"] as? [[String: Any]] ?? []
        #expect(!files.isEmpty)
        for file in files {
            let lines = file["lines"] as? Int ?? -1
            let used = (file["rows"] as? Int ?? 0) + (file["quarantined"] as? Int ?? 0) + (file["skipped"] as? Int ?? 0)
            #expect(lines == used, "\(file["path"] ?? "")")
            #expect(["ingested", "duplicate", "no-venue"].contains(file["status"] as? String ?? ""), "\(file)")
        }
        // The registry holds exactly the rows of the --registry files (FORMATS.md §1: no dump file changes it).
        let registryRows = files.filter { ($0["path"] as? String ?? "").contains("/registry/") }
            .reduce(0) { $0 + ($1["rows"] as? Int ?? 0) }
        let stored = try TestSupport.shell(
            "sqlite3 '\(folder)/netbar.db' 'SELECT (SELECT count(*) FROM registryVenue) + (SELECT count(*) FROM registryTerminal)'")
        #expect(Int(stored.text.trimmingCharacters(in: .whitespacesAndNewlines)) == registryRows)
        #expect(registryRows > 0)
    }

    /// `generate --plain` (the night the DuckDB peer of benchmarks/peer reads): every dump file UTF-8 text without
    /// a BOM or compression, each CSV export headed by Pubwin's full header on its first line, and the same
    /// labelled cases found, with nothing unexplained.
    @Test func plainNightIsPlainAndItsCasesAreFound() throws {
        let folder = TestSupport.temporaryDirectory("plain")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let generated = try Self.netbar(["generate", "--out", folder, "--venues", "8", "--seed", "29", "--anomalies", "--plain", "--quiet"])
        #expect(generated.status == 0, "\(generated.standardError)")
        let dump = folder + "/dump"
        let paths = (FileManager.default.subpaths(atPath: dump) ?? []).filter {
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: dump + "/" + $0, isDirectory: &isDirectory) && !isDirectory.boolValue
        }
        #expect(paths.count >= 16)
        let headers: [String] = [
            "记录号,场所编码,卡号,用户类型,证件类型,证件号码,姓名,终端号,IP地址,上机时间,下机时间,上网时长,消费金额,收银员,结账方式,备注",
            "流水号,场所编码,交易时间,交易类型,卡号,证件号码,金额,余额,收银员,终端号,备注",
        ]
        for path in paths {
            let data = try Data(contentsOf: URL(fileURLWithPath: dump + "/" + path))
            #expect(!data.starts(with: [0xEF, 0xBB, 0xBF]) && !data.starts(with: [0x1F, 0x8B]) && !data.starts(with: [0x28, 0xB5, 0x2F, 0xFD]), "\(path)")
            let text = String(data: data, encoding: .utf8)
            #expect(text != nil, "\(path) is not UTF-8")
            let first = text?.prefix { $0 != "\n" } ?? ""
            #expect(!first.contains("\r"), "\(path) has CRLF")
            if !(first.hasPrefix("{") || first.hasPrefix("#")) {
                #expect(headers.contains(String(first)), "\(path) starts with \(first)")
            }
        }
        let analyzed = try Self.netbar([
            "analyze", dump, "--registry", folder + "/registry", "--signatures", folder + "/signatures",
            "--findings", folder + "/findings.jsonl", "--reveal-certs", "--quiet",
        ])
        #expect(analyzed.status == 0, "\(analyzed.standardError)")
        let truth = try Self.truth(folder)
        let findings = TestSupport.jsonLines(try Data(contentsOf: URL(fileURLWithPath: folder + "/findings.jsonl")))
        let cases = truth.filter { $0.kind == "case" }
        #expect(cases.count >= 20)
        for labelled in cases { #expect(findings.contains { Self.matches(labelled, $0) }, "missed: \(labelled)") }
        for finding in findings { #expect(cases.contains { Self.matches($0, finding) }, "not labelled: \(finding)") }
        for nearMiss in truth where nearMiss.kind == "near-miss" {
            #expect(!findings.contains { Self.matches(nearMiss, $0) }, "near miss reported: \(nearMiss)")
        }
    }

    /// The README's main job on the committed samples: every labelled case found, nothing unexplained, and
    /// every line of every sample file accounted for.
    @Test func samplesAnalyzeAsTheREADMESays() throws {
        let folder = TestSupport.temporaryDirectory("e2e")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let samples = TestSupport.packageRoot + "/samples"
        let outcome = try Self.netbar([
            "analyze", samples + "/dump", samples + "/bad-input", "--registry", samples + "/registry", "--signatures",
            samples + "/signatures", "--db",
            folder + "/db", "--findings", folder + "/f.jsonl", "--summary-json", folder + "/s.json", "--reveal-certs",
            "--quiet",
        ])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        func labels(_ path: String) throws -> [Truth] {
            TestSupport.jsonLines(try Data(contentsOf: URL(fileURLWithPath: path))).map {
                Truth(
                    kind: $0["kind"] as? String ?? "case", detector: $0["detector"] as? String ?? "",
                    venue: $0["venue"] as? String ?? "", terminal: $0["terminal"] as? String,
                    cert: $0["cert"] as? String, start: $0["start"] as? String ?? "", end: $0["end"] as? String ?? "")
            }
        }
        let truth = try labels(samples + "/truth.jsonl")
        let documented = try labels(samples + "/bad-input-findings.jsonl")
        let findings = TestSupport.jsonLines(try Data(contentsOf: URL(fileURLWithPath: folder + "/f.jsonl")))
        for labelled in truth where labelled.kind == "case" {
            #expect(findings.contains { Self.matches(labelled, $0) }, "missed: \(labelled)")
        }
        for nearMiss in truth where nearMiss.kind == "near-miss" {
            #expect(!findings.contains { Self.matches(nearMiss, $0) }, "near miss reported: \(nearMiss)")
        }
        for finding in findings {
            #expect((truth.filter { $0.kind == "case" } + documented).contains { Self.matches($0, finding) }, "\(finding)")
        }
        let summary = TestSupport.jsonObject(try Data(contentsOf: URL(fileURLWithPath: folder + "/s.json")))
        let files = summary?["files"] as? [[String: Any]] ?? []
        #expect(files.count > 30)
        for file in files {
            let used = (file["rows"] as? Int ?? 0) + (file["quarantined"] as? Int ?? 0) + (file["skipped"] as? Int ?? 0)
            #expect(file["lines"] as? Int == used, "\(file["path"] ?? "")")
        }
        let quarantined = summary?["quarantined"] as? [String: Int] ?? [:]
        #expect(quarantined["invalid-encoding"] == 1 && quarantined["bad-json"] == 1)
        #expect(files.contains { $0["status"] as? String == "damaged" })
    }

    @Test func reRunChangesNothingAndMasksCerts() throws {
        let folder = TestSupport.temporaryDirectory("e2e")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(try Self.netbar(["generate", "--out", folder, "--venues", "8", "--seed", "5", "--anomalies", "--quiet"]).status == 0)
        let arguments = [
            "analyze", folder + "/dump", "--registry", folder + "/registry", "--signatures", folder + "/signatures",
            "--db", folder + "/netbar.db", "--quiet",
        ]
        let first = try Self.netbar(arguments + ["--findings", folder + "/first.jsonl", "--summary-json", folder + "/first.json"])
        #expect(first.status == 0, "\(first.standardError)")
        let second = try Self.netbar(arguments + ["--findings", folder + "/second.jsonl", "--summary-json", folder + "/second.json"])
        #expect(second.status == 0)
        let firstFindings = try String(contentsOfFile: folder + "/first.jsonl", encoding: .utf8)
        #expect(!firstFindings.isEmpty)
        #expect(try String(contentsOfFile: folder + "/second.jsonl", encoding: .utf8) == firstFindings)
        let firstSummary = TestSupport.jsonObject(try Data(contentsOf: URL(fileURLWithPath: folder + "/first.json")))
        let secondSummary = TestSupport.jsonObject(try Data(contentsOf: URL(fileURLWithPath: folder + "/second.json")))
        #expect((firstSummary?["sessions"] as? NSDictionary) == (secondSummary?["sessions"] as? NSDictionary))
        // Dump files are all known already; the registry is imported afresh on each run, by design; a file that
        // names no venue is never remembered (nothing of it was kept), so it is reported again as it was.
        let dumpFiles = (secondSummary?["files"] as? [[String: Any]] ?? []).filter {
            !(($0["format"] as? String) ?? "").hasPrefix("registry")
        }
        #expect(!dumpFiles.isEmpty)
        #expect(dumpFiles.allSatisfy { ["duplicate", "no-venue"].contains($0["status"] as? String ?? "") })
        #expect(dumpFiles.contains { $0["status"] as? String == "duplicate" })
        #expect((secondSummary?["findings"] as? NSDictionary) == (firstSummary?["findings"] as? NSDictionary))

        // Masked: 18-character certs appear as 6 + 8 stars + 4.
        for finding in TestSupport.jsonLines(Data(firstFindings.utf8)) {
            if let cert = finding["cert"] as? String, cert.count == 18 {
                #expect(cert.dropFirst(6).prefix(8) == "********", "\(cert)")
            }
        }
        let attributes = try FileManager.default.attributesOfItem(atPath: folder + "/netbar.db")
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)

        // The report command renders the same findings from the database.
        let report = try Self.netbar(["report", "--db", folder + "/netbar.db", "--kind", "jsonl"])
        #expect(report.text == firstFindings)
    }

    @Test func withoutDBEachAnalyzeStandsAlone() throws {
        let folder = TestSupport.temporaryDirectory("e2e")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let samples = TestSupport.packageRoot + "/samples"
        let first = try TestSupport.run(
            TestSupport.netbarBinary,
            ["analyze", samples + "/dump", "--registry", samples + "/registry", "--findings", "a.jsonl", "--quiet"],
            directory: folder)
        #expect(first.status == 0, "\(first.standardError)")
        let second = try TestSupport.run(
            TestSupport.netbarBinary, ["analyze", samples + "/bad-input", "--findings", "b.jsonl", "--quiet"],
            directory: folder)
        #expect(second.status == 0, "\(second.standardError)")
        #expect(!(try String(contentsOfFile: folder + "/a.jsonl", encoding: .utf8)).isEmpty)
        // The first dump's findings do not leak into the second run, and no database is left behind.
        #expect(try String(contentsOfFile: folder + "/b.jsonl", encoding: .utf8).isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["a.jsonl", "b.jsonl"])
    }

    @Test func usageErrorsAreOneLineWithStatusOne() throws {
        for arguments in [["analyze"], ["analyze", "/no/such/dump"], ["frobnicate"], ["analyze", ".", "--format", "csv"],
                          ["analyze", ".", "--config", "/no/such.yaml"]] {
            let outcome = try Self.netbar(arguments)
            #expect(outcome.status == 1, "\(arguments)")
            #expect(outcome.standardError.split(separator: "\n").count == 1, "\(arguments): \(outcome.standardError)")
        }
    }

    @Test func nothingReadableIsStatusTwo() throws {
        let folder = TestSupport.temporaryDirectory("e2e")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        TestSupport.write("just some notes\nnothing here\n", to: folder + "/notes.txt")
        let outcome = try Self.netbar([
            "analyze", folder + "/notes.txt", "--db", folder + "/db", "--quiet", "--summary-json", folder + "/s.json",
        ])
        #expect(outcome.status == 2)
        #expect(outcome.standardError.contains("nothing could be read"))
        // The run still leaves its summary.
        let summary = TestSupport.jsonObject(try Data(contentsOf: URL(fileURLWithPath: folder + "/s.json")))
        #expect((summary?["files"] as? [[String: Any]])?.first?["status"] as? String == "unrecognised")
        // An empty folder is nothing read too.
        try FileManager.default.createDirectory(atPath: folder + "/empty", withIntermediateDirectories: true)
        #expect(try Self.netbar(["analyze", folder + "/empty", "--db", folder + "/db2", "--quiet"]).status == 2)
    }

    @Test func htmlReportEscapesInput() throws {
        let folder = TestSupport.temporaryDirectory("e2e")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // A terminal number with markup in it, reported by invalid-id.
        let text = """
            记录号,场所编码,用户类型,证件类型,证件号码,终端号,上机时间,下机时间,消费金额,结账方式
            1,33010610000123,会员,111,330106199001011230,<script>x</script>,2026-11-28 14:00:00,2026-11-28 15:00:00,5,正常

            """
        TestSupport.write(text, to: folder + "/s.csv")
        let outcome = try Self.netbar([
            "analyze", folder + "/s.csv", "--db", folder + "/db", "--html", folder + "/r.html", "--quiet",
        ])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let html = try String(contentsOfFile: folder + "/r.html", encoding: .utf8)
        #expect(html.contains("&lt;script&gt;x&lt;/script&gt;"))
        // The page's own script is its one script element.
        #expect(!html.contains("<script>x"))
        #expect(html.components(separatedBy: "<script").count - 1 == 1)
    }

    @Test func configDefaultsRoundTrip() throws {
        let folder = TestSupport.temporaryDirectory("e2e")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let defaults = try Self.netbar(["config", "--defaults"])
        #expect(defaults.status == 0)
        #expect(defaults.text.contains("unbilled-use"))
        TestSupport.write(defaults.text, to: folder + "/config.yaml")
        TestSupport.write("unbilled-use:\n  minimumRunMinutes: 10\n  bogusKey: 3\n", to: folder + "/bad.yaml")
        TestSupport.write("2026-11-28 14:00:00|33010610000123|AUDIT|START|x\n", to: folder + "/a.log")
        let good = try Self.netbar(["analyze", folder + "/a.log", "--db", folder + "/db", "--config", folder + "/config.yaml", "--quiet"])
        #expect(good.status == 0, "\(good.standardError)")
        let bad = try Self.netbar(["analyze", folder + "/a.log", "--db", folder + "/db2", "--config", folder + "/bad.yaml", "--quiet"])
        #expect(bad.status == 1)
        #expect(bad.standardError.contains("bogusKey"))
    }
}
