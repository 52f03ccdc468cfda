import Foundation
import NetbarTestSupport
import Testing

/// The command line as an analyst meets it (FORMATS.md §7), one test per defect found by probing it: the real
/// binary, real files, real signals and a real lock holder (`flock`).
@Suite(.serialized) struct CommandLineTests {
    static func netbar(_ arguments: [String], input: Data? = nil) throws -> TestSupport.Outcome {
        try TestSupport.run(TestSupport.netbarBinary, arguments, input: input)
    }

    static let samples = TestSupport.packageRoot + "/samples"

    /// The samples analysed into `folder/n.db`.
    static func analyzeSamples(_ folder: String, extra: [String] = []) throws -> TestSupport.Outcome {
        try netbar(
            [
                "analyze", samples + "/dump", "--registry", samples + "/registry", "--signatures", samples + "/signatures",
                "--db", folder + "/n.db", "--quiet",
            ] + extra)
    }

    @Test func versionIsPrinted() throws {
        let outcome = try Self.netbar(["--version"])
        #expect(outcome.status == 0)
        #expect(outcome.text.hasPrefix("netbar "))
    }

    @Test func reportHelpDoesNotPromiseToCreateTheDatabase() throws {
        let outcome = try Self.netbar(["report", "--help"])
        #expect(outcome.status == 0)
        #expect(!outcome.text.contains("created when missing"))
        #expect(outcome.text.contains("inspection"))
    }

    @Test func summaryIsChineseByDefaultAndEnglishOnRequest() throws {
        let folder = TestSupport.temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let chinese = try Self.analyzeSamples(folder)
        #expect(chinese.status == 0, "\(chinese.standardError)")
        #expect(chinese.text.contains("发现问题: 41 条"))
        #expect(chinese.text.contains("身份证冒用"))
        let english = try Self.netbar(["detect", "--db", folder + "/n.db", "--signatures", Self.samples + "/signatures", "--lang", "en"])
        #expect(english.status == 0, "\(english.standardError)")
        #expect(english.text.contains("Findings: 41"))
        // detect read no file: no "Files: 0 ()" line.
        #expect(!english.text.contains("Files:"))
        let findings = try Self.netbar(["report", "--db", folder + "/n.db", "--lang", "en"])
        let summaries = TestSupport.jsonLines(findings.standardOutput).map { $0["summary"] as? String ?? "" }
        #expect(summaries.count == 41)
        #expect(summaries.allSatisfy { $0.first?.isASCII == true && $0.first?.isLetter == true }, "\(summaries)")
        let zh = TestSupport.jsonLines(try Self.netbar(["report", "--db", folder + "/n.db"]).standardOutput)
        #expect(zh.allSatisfy { ($0["summary"] as? String ?? "").unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) } })
        // JSON keys and ids are the same in both languages.
        #expect(zh.map { $0["id"] as? String ?? "" } == TestSupport.jsonLines(findings.standardOutput).map { $0["id"] as? String ?? "" })
    }

    @Test func textReportBreaksDownByRuleAndNamesVenues() throws {
        let folder = TestSupport.temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(try Self.analyzeSamples(folder).status == 0)
        let text = try Self.netbar(["report", "--db", folder + "/n.db", "--kind", "text"])
        #expect(text.status == 0)
        #expect(text.text.contains("按规则"))
        #expect(text.text.contains("id-sharing"))
        #expect(text.text.contains("身份证冒用"))
        // A venue name from samples/registry/venues.csv.
        let registryNames = try TestSupport.shell(
            "iconv -f GBK -t UTF-8 '\(Self.samples)/registry/venues.csv' 2>/dev/null || cat '\(Self.samples)/registry/venues.csv'"
        ).text
        let firstName = registryNames.split(whereSeparator: \.isNewline).dropFirst().first?.split(separator: ",").dropFirst()
            .first.map(String.init)
        #expect(firstName != nil)
        if let firstName { #expect(text.text.contains(firstName), "\(firstName)") }
    }

    @Test func findingsOnStandardOutputSendTheSummaryToStandardError() throws {
        let folder = TestSupport.temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let outcome = try Self.analyzeSamples(folder, extra: ["--findings", "-"])
        #expect(outcome.status == 0)
        let lines = outcome.text.split(separator: "\n")
        #expect(lines.count == 41)
        #expect(lines.allSatisfy { $0.hasPrefix("{") })
        #expect(outcome.standardError.contains("发现问题: 41 条"))
    }

    @Test func nothingReadStillPrintsItsSummary() throws {
        let folder = TestSupport.temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        TestSupport.write("hello\nworld\n", to: folder + "/notes.txt")
        let outcome = try Self.netbar(["analyze", folder + "/notes.txt", "--db", folder + "/n.db", "--quiet"])
        #expect(outcome.status == 2)
        #expect(outcome.text.contains("无法识别"))
        #expect(outcome.text.contains("文件: 1 个"))
    }

    @Test func aUsageErrorLeavesNoDatabaseBehind() throws {
        let folder = TestSupport.temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let missingInput = try Self.netbar(["ingest", folder + "/no-such-folder", "--db", folder + "/a.db"])
        #expect(missingInput.status == 1)
        #expect(!FileManager.default.fileExists(atPath: folder + "/a.db"))
        let missingRegistry = try Self.netbar(["registry", "import", folder, "--db", folder + "/b.db"])
        #expect(missingRegistry.status == 1)
        #expect(!FileManager.default.fileExists(atPath: folder + "/b.db"))
        let badNight = try Self.netbar(["ingest", Self.samples + "/dump", "--db", folder + "/c.db", "--night", "28/11/2026"])
        #expect(badNight.status == 1)
        #expect(badNight.standardError.split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: folder + "/c.db"))
    }

    @Test func aDetectionThatDidNotFinishIsToldAndExitsThree() throws {
        let folder = TestSupport.temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let database = folder + "/n.db"
        // Ingested, never detected: the report says so instead of "0 findings".
        let ingested = try Self.netbar(["ingest", Self.samples + "/dump", "--db", database, "--quiet"])
        #expect(ingested.status == 0, "\(ingested.standardError)")
        let never = try Self.netbar(["report", "--db", database, "--kind", "text"])
        #expect(never.status == 1)
        #expect(never.standardError.contains("no detection has run"))
        #expect(try Self.netbar(["detect", "--db", database]).status == 0)
        #expect(try Self.netbar(["report", "--db", database]).status == 0)
        // A detection killed half-way leaves its start recorded and no finish.
        try TestSupport.shell("sqlite3 '\(database)' \"INSERT INTO detectionRun(startedAt) VALUES(strftime('%s','now'))\"")
        let killed = try Self.netbar(["report", "--db", database, "--kind", "text"])
        #expect(killed.status == 3)
        #expect(killed.standardError.contains("did not finish"))
        // A re-run completes it.
        #expect(try Self.netbar(["detect", "--db", database]).status == 0)
        #expect(try Self.netbar(["report", "--db", database]).status == 0)
    }

    @Test func aDamagedDatabaseExitsThree() throws {
        let folder = TestSupport.temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        TestSupport.write(String(repeating: "this is not a database\n", count: 400), to: folder + "/bad.db")
        let outcome = try Self.netbar(["detect", "--db", folder + "/bad.db"])
        #expect(outcome.status == 3)
        #expect(outcome.standardError.split(separator: "\n").count == 1)
    }

    @Test func theTemporaryDatabaseGoesOnSIGTERM() throws {
        let folder = TestSupport.temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let generated = try Self.netbar(["generate", "--out", folder + "/g", "--venues", "4", "--size", "60M", "--quiet"])
        #expect(generated.status == 0)
        // Stopped as a service manager would, at three moments: the folder just made, the database just made (SQLite
        // then writes a rollback journal while it switches to WAL; once that journal outlived the stop), and the
        // write-ahead log in use.
        for (round, moment) in ["netbar-*", "netbar-*/netbar.db", "netbar-*/netbar.db-wal"].enumerated() {
            let temporary = folder + "/tmp\(round)"
            try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
            let script = """
                TMPDIR='\(temporary)/' '\(TestSupport.netbarBinary)' analyze '\(folder)/g/dump' --quiet > /dev/null 2>&1 &
                pid=$!
                for i in $(seq 1500); do
                  if ls -d '\(temporary)'/\(moment) > /dev/null 2>&1; then break; fi
                  sleep 0.01
                done
                ls -d '\(temporary)'/\(moment) > /dev/null 2>&1 && echo seen
                kill -TERM $pid
                wait $pid
                echo "status $?"
                """
            let outcome = try TestSupport.shell(script)
            #expect(outcome.text.contains("seen"), "the run never made \(moment): \(outcome.text)")
            #expect(outcome.text.contains("status 143"), "\(moment): \(outcome.text)")
            let left = try FileManager.default.subpathsOfDirectory(atPath: temporary)
            #expect(left.isEmpty, "stopped at \(moment), left behind: \(left)")
        }
    }

    @Test func aSecondRunOnOneDatabaseWaitsItsTurn() throws {
        let folder = TestSupport.temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let database = folder + "/n.db"
        #expect(try Self.analyzeSamples(folder).status == 0)
        // Another run holds the database (flock(1) takes the same kind of lock netbar does) for a second.
        let script = """
            flock -x '\(database)' -c 'sleep 1.5' &
            sleep 0.3
            '\(TestSupport.netbarBinary)' detect --db '\(database)' --signatures '\(Self.samples)/signatures' > '\(folder)/out' 2> '\(folder)/err'
            echo "status $?"
            wait
            """
        let outcome = try TestSupport.shell(script)
        #expect(outcome.text.contains("status 0"), "\(outcome.text)")
        let errors = try String(contentsOfFile: folder + "/err", encoding: .utf8)
        #expect(errors.contains("waiting for another netbar run"))
        let output = try String(contentsOfFile: folder + "/out", encoding: .utf8)
        #expect(output.contains("发现问题: 41 条"))
    }

    @Test func generateKeepsTheVenueCountWithASize() throws {
        let folder = TestSupport.temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let outcome = try Self.netbar(["generate", "--out", folder, "--venues", "3", "--size", "30M", "--quiet"])
        #expect(outcome.status == 0)
        let venues = try FileManager.default.contentsOfDirectory(atPath: folder + "/dump")
        #expect(venues.count == 3)
    }

    @Test func controlCharactersInFileNamesAreNotSentToTheTerminal() throws {
        let folder = TestSupport.temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        TestSupport.write("hello\n", to: folder + "/bad\u{1B}[31mname.txt")
        try FileManager.default.copyItem(
            atPath: Self.samples + "/dump", toPath: folder + "/dump")
        let outcome = try Self.netbar(["analyze", folder, "--db", folder + "/n.db", "--quiet"])
        #expect(outcome.status == 0)
        #expect(!outcome.text.contains("\u{1B}"))
        #expect(outcome.text.contains("bad\\u{1B}[31mname.txt"))
    }

    @Test func reportsAreCutByVenueDetectorSeverityAndNight() throws {
        let folder = TestSupport.temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(try Self.analyzeSamples(folder).status == 0)
        let all = TestSupport.jsonLines(try Self.netbar(["report", "--db", folder + "/n.db"]).standardOutput)
        #expect(all.count == 41)
        // High severity first.
        let ranks = all.map { ["high": 2, "medium": 1, "low": 0][$0["severity"] as? String ?? ""] ?? -1 }
        #expect(ranks == ranks.sorted(by: >))
        let high = TestSupport.jsonLines(try Self.netbar(["report", "--db", folder + "/n.db", "--severity", "high"]).standardOutput)
        #expect(high.count == all.filter { $0["severity"] as? String == "high" }.count)
        #expect(!high.isEmpty)
        let venue = all.first { $0["detector"] as? String == "minor" }?["venue"] as? String ?? ""
        let oneVenue = TestSupport.jsonLines(
            try Self.netbar(["report", "--db", folder + "/n.db", "--venue", venue, "--detector", "minor", "--detector", "id-sharing"])
                .standardOutput)
        #expect(oneVenue.count == all.filter { $0["venue"] as? String == venue && ["minor", "id-sharing"].contains($0["detector"] as? String ?? "") }.count)
        #expect(!oneVenue.isEmpty)
        let night = all[0]["night"] as? String
        #expect(night == "2026-11-28")
        #expect(TestSupport.jsonLines(try Self.netbar(["report", "--db", folder + "/n.db", "--night", "latest"]).standardOutput).count == 41)
        #expect(TestSupport.jsonLines(try Self.netbar(["report", "--db", folder + "/n.db", "--since", "2026-11-29"]).standardOutput).isEmpty)
        // A cut report says it is cut; the whole one says nothing of the kind.
        let cutText = try Self.netbar(["report", "--db", folder + "/n.db", "--kind", "text", "--venue", venue, "--new"]).text
        #expect(cutText.hasPrefix("筛选: 场所 \(venue); 仅新发现\n"))
        #expect(!(try Self.netbar(["report", "--db", folder + "/n.db", "--kind", "text"]).text.contains("筛选")))
        let badDetector = try Self.netbar(["report", "--db", folder + "/n.db", "--detector", "nonsense"])
        #expect(badDetector.status == 1)
    }

    @Test func outputFaultsExitThreeAndAFIFOStaysAFIFO() throws {
        let folder = TestSupport.temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(try Self.analyzeSamples(folder).status == 0)
        let full = try TestSupport.shell("'\(TestSupport.netbarBinary)' report --db '\(folder)/n.db' --kind text > /dev/full; echo \"status $?\"")
        #expect(full.text.contains("status 3"), "\(full.text) \(full.standardError)")
        #expect(full.standardError.contains("No space left on device"))
        let fifo = try TestSupport.shell(
            """
            mkfifo '\(folder)/pipe'
            cat '\(folder)/pipe' > '\(folder)/received' &
            '\(TestSupport.netbarBinary)' report --db '\(folder)/n.db' -o '\(folder)/pipe'; echo "status $?"
            wait
            test -p '\(folder)/pipe' && echo "still a fifo"
            """)
        #expect(fifo.text.contains("status 0") && fifo.text.contains("still a fifo"), "\(fifo.text)")
        let received = try String(contentsOfFile: folder + "/received", encoding: .utf8)
        #expect(received.split(separator: "\n").count == 41)
        let noFolder = try Self.netbar(["report", "--db", folder + "/n.db", "-o", folder + "/no/such/dir/x.jsonl"])
        #expect(noFolder.status == 1)
        let badKind = try Self.netbar(["report", "--db", folder + "/n.db", "--kind", "pdf"])
        #expect(badKind.status == 1)
        #expect(badKind.standardError.split(separator: "\n").count == 1)
        #expect(badKind.standardError.contains("inspection"), "the choices are named: \(badKind.standardError)")
    }

    @Test func aCutNamingWhatIsNotHeldIsRefused() throws {
        let folder = TestSupport.temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(try Self.analyzeSamples(folder).status == 0)
        let venue = try Self.netbar(["report", "--db", folder + "/n.db", "--kind", "inspection", "--venue", "9999"])
        #expect(venue.status == 1)
        #expect(venue.standardError.contains("--venue 9999"))
        let night = try Self.netbar(["report", "--db", folder + "/n.db", "--night", "2026-11-01"])
        #expect(night.status == 1)
        #expect(night.standardError.contains("2026-11-28"), "names the nights held")
    }
}
