import Foundation
import NetbarTestSupport
import Testing

/// Several nights in one database (FORMATS.md §5, §8): each finding carries its night and `seen_before`, exact on
/// hand-made nights whose answer is known, and the inspection sheet and notice tell the same story.
@Suite(.serialized) struct NightsTests {
    static func netbar(_ arguments: [String]) throws -> TestSupport.Outcome {
        try TestSupport.run(TestSupport.netbarBinary, arguments)
    }

    static let header = "记录号,场所编码,用户类型,证件类型,证件号码,终端号,上机时间,下机时间,消费金额,结账方式\n"
    static let venue = "33010610000123"
    // Resident IDs with their check characters: three minors (born 2011, 2010, 2012), an adult, and an adult's
    // number with a wrong check character.
    static let minorA = "110105201103151236"
    static let minorB = "110105201007204561"
    static let minorC = "110105201201027896"
    static let adult = "110105199001011232"
    static let badCheck = "110105199001011233"

    static func session(_ number: Int, _ cert: String, _ terminal: String, _ day: String) -> String {
        "\(number),\(venue),会员,111,\(cert),\(terminal),\(day) 14:00:00,\(day) 15:00:00,5,正常\n"
    }

    /// Night 1 (2026-11-27): minor A on terminal 005. Night 2 (2026-11-28): another minor on 005 (recurs by
    /// terminal), a new minor on 007 (new), minor A again on 008 (recurs by cert), an adult, and an impossible ID
    /// on 010 (new). Nights are named by their sessions' dates, not given.
    static func twoNights(_ folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder + "/n1", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: folder + "/n2", withIntermediateDirectories: true)
        TestSupport.write(
            header + session(1, minorA, "005", "2026-11-27") + session(2, adult, "006", "2026-11-27"),
            to: folder + "/n1/sessions.csv")
        TestSupport.write(
            header + session(3, minorB, "005", "2026-11-28") + session(4, minorC, "007", "2026-11-28")
                + session(5, minorA, "008", "2026-11-28") + session(6, adult, "009", "2026-11-28")
                + session(7, badCheck, "010", "2026-11-28"),
            to: folder + "/n2/sessions.csv")
        for night in ["n1", "n2"] {
            let outcome = try netbar([
                "analyze", folder + "/" + night, "--db", folder + "/n.db", "--findings", folder + "/\(night).jsonl", "--quiet",
            ])
            #expect(outcome.status == 0, "\(outcome.standardError)")
        }
    }

    @Test func newAndRecurringMarksAreExact() throws {
        let folder = TestSupport.temporaryDirectory("nights")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Self.twoNights(folder)
        let findings = TestSupport.jsonLines(
            try Self.netbar(["report", "--db", folder + "/n.db", "--reveal-certs"]).standardOutput)
        func mark(_ detector: String, _ terminal: String, _ night: String) -> Int? {
            findings.first {
                $0["detector"] as? String == detector && $0["terminal"] as? String == terminal && $0["night"] as? String == night
            }?["seen_before"] as? Int
        }
        #expect(mark("minor", "005", "2026-11-27") == 0)
        #expect(mark("minor", "005", "2026-11-28") == 1)
        #expect(mark("minor", "007", "2026-11-28") == 0)
        #expect(mark("minor", "008", "2026-11-28") == 1)
        #expect(mark("invalid-id", "010", "2026-11-28") == 0)
        let perNight = Dictionary(grouping: findings.filter { ["minor", "invalid-id"].contains($0["detector"] as? String ?? "") }) {
            $0["night"] as? String ?? ""
        }.mapValues(\.count)
        #expect(perNight == ["2026-11-27": 1, "2026-11-28": 4])
        // An analyze run reports its own night, each finding marked.
        let secondRun = TestSupport.jsonLines(try Data(contentsOf: URL(fileURLWithPath: folder + "/n2.jsonl")))
        #expect(!secondRun.isEmpty && secondRun.allSatisfy { $0["night"] as? String == "2026-11-28" })
        #expect(secondRun.count == findings.filter { $0["night"] as? String == "2026-11-28" }.count)

        // "New since last night": the latest night's findings no earlier night had.
        let new = TestSupport.jsonLines(
            try Self.netbar(["report", "--db", folder + "/n.db", "--night", "latest", "--new", "--detector", "minor",
                             "--detector", "invalid-id"]).standardOutput)
        #expect(Set(new.map { $0["terminal"] as? String ?? "" }) == ["007", "010"])

        // A third run of the same files changes nothing (FORMATS.md §5: the same case is the same finding).
        #expect(try Self.netbar(["analyze", folder + "/n2", "--db", folder + "/n.db", "--quiet"]).status == 0)
        let again = TestSupport.jsonLines(try Self.netbar(["report", "--db", folder + "/n.db", "--reveal-certs"]).standardOutput)
        #expect(again.count == findings.count)
        #expect(again.map { $0["seen_before"] as? Int ?? -1 } == findings.map { $0["seen_before"] as? Int ?? -1 })
    }

    @Test func aNightCanBeNamed() throws {
        let folder = TestSupport.temporaryDirectory("nights")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        TestSupport.write(Self.header + Self.session(1, Self.minorA, "005", "2026-11-27"), to: folder + "/s.csv")
        let outcome = try Self.netbar(["analyze", folder + "/s.csv", "--db", folder + "/n.db", "--night", "2026-11-30", "--quiet"])
        #expect(outcome.status == 0)
        let findings = TestSupport.jsonLines(try Self.netbar(["report", "--db", folder + "/n.db"]).standardOutput)
        #expect(!findings.isEmpty)
        #expect(findings.allSatisfy { $0["night"] as? String == "2026-11-30" })
        // Naming a night already held joins the dump to it, and says so.
        TestSupport.write(Self.header + Self.session(2, Self.minorB, "006", "2026-11-28"), to: folder + "/t.csv")
        let joined = try Self.netbar(["analyze", folder + "/t.csv", "--db", folder + "/n.db", "--night", "2026-11-30", "--quiet"])
        #expect(joined.status == 0)
        #expect(joined.standardError.contains("night 2026-11-30 is already in"))
    }

    @Test func theSheetAndTheNoticeTellTheLatestNight() throws {
        let folder = TestSupport.temporaryDirectory("nights")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Self.twoNights(folder)
        let sheet = try Self.netbar(["report", "--db", folder + "/n.db", "--kind", "inspection", "--venue", Self.venue])
        #expect(sheet.status == 0, "\(sheet.standardError)")
        // 实名登记率 of night 2, by hand: 4 of its 5 sessions carry a valid resident ID.
        #expect(sheet.text.contains("80.0"), "real-name rate 4/5")
        #expect(sheet.text.contains("4 / 5"))
        #expect(!sheet.text.contains(Self.minorA), "certs are masked")
        let notice = try Self.netbar(["report", "--db", folder + "/n.db", "--kind", "notice", "--night", "latest"])
        #expect(notice.status == 0, "\(notice.standardError)")
        let findings = TestSupport.jsonLines(
            try Self.netbar(["report", "--db", folder + "/n.db", "--night", "latest"]).standardOutput)
        #expect(!findings.isEmpty)
        // The notice names every finding of its venue: each one's evidence line appears in it.
        for finding in findings {
            for evidence in finding["evidence"] as? [[String: Any]] ?? [] {
                let line = evidence["line"] as? Int ?? -1
                #expect(notice.text.contains("sessions.csv:\(line)"), "\(finding["detector"] ?? "") line \(line)")
            }
        }
        #expect(notice.text.contains("草稿"))
        #expect(notice.text.contains("第三十一条"))
    }

    /// `analyze` detects again only its night and the nights its sessions moved out of. Night 1 holds session 1
    /// open with a minor's cert; night 2 re-sends it closed with the cert corrected to an adult's, so the session
    /// is night 2's and no minor is left on either night (as `detect`, which judges every night again, says);
    /// night 3 adds a minor of its own and leaves the first two nights' findings as they were.
    @Test func aRunDetectsItsNightAndTheNightsItsSessionsLeft() throws {
        let folder = TestSupport.temporaryDirectory("nights-moved")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let nights: [(String, String)] = [
            ("n1", Self.header + "1,\(Self.venue),会员,111,\(Self.minorA),005,2026-11-27 14:00:00,,5,正常\n"
                + Self.session(2, Self.minorB, "006", "2026-11-27")),
            ("n2", Self.header + "1,\(Self.venue),会员,111,\(Self.adult),005,2026-11-27 14:00:00,2026-11-28 01:00:00,5,正常\n"
                + Self.session(3, Self.adult, "007", "2026-11-28")),
            ("n3", Self.header + Self.session(4, Self.minorC, "008", "2026-11-29")),
        ]
        func findings(_ database: String) throws -> [String] {
            TestSupport.jsonLines(try Self.netbar(["report", "--db", database, "--reveal-certs"]).standardOutput).map {
                [$0["detector"], $0["night"], $0["terminal"], $0["cert"], $0["start"], $0["seen_before"]]
                    .map { "\($0 ?? "-")" }.joined(separator: "|")
            }.sorted()
        }
        var afterSecond: [String] = []
        for (index, (name, text)) in nights.enumerated() {
            try FileManager.default.createDirectory(atPath: folder + "/" + name, withIntermediateDirectories: true)
            TestSupport.write(text, to: folder + "/\(name)/sessions.csv")
            let outcome = try Self.netbar(["analyze", folder + "/" + name, "--db", folder + "/n.db", "--quiet"])
            #expect(outcome.status == 0, "\(outcome.standardError)")
            // Every connection was closed: the database file alone holds the run (its copy below is whole). A
            // loading thread once still held one at exit, under load.
            #expect(!FileManager.default.fileExists(atPath: folder + "/n.db-wal"), "after night \(index + 1)")
            // Every night judged again gives what this run left.
            try? FileManager.default.removeItem(atPath: folder + "/all.db")
            try FileManager.default.copyItem(atPath: folder + "/n.db", toPath: folder + "/all.db")
            #expect(try Self.netbar(["detect", "--db", folder + "/all.db"]).status == 0)
            let incremental = try findings(folder + "/n.db")
            #expect(incremental == (try findings(folder + "/all.db")), "after night \(index + 1)")
            if index == 1 { afterSecond = incremental }
        }
        let all = try findings(folder + "/n.db")
        #expect(!all.contains { $0.hasPrefix("minor|") && $0.contains("|005|") }, "\(all)")
        #expect(all.contains { $0.hasPrefix("minor|2026-11-27|006|") })
        #expect(all.contains { $0.hasPrefix("minor|2026-11-29|008|") })
        #expect(afterSecond.allSatisfy { all.contains($0) })

        // Night 3 sent again (a retried job): only its night is detected again (its findings seen again, the
        // others' untouched), and nothing changes.
        func lastSeen() throws -> String {
            String(
                decoding: try TestSupport.shell(
                    "sqlite3 '\(folder)/n.db' 'SELECT night, max(lastSeenAt) FROM finding GROUP BY night ORDER BY night'"
                ).standardOutput, as: UTF8.self)
        }
        let before = try lastSeen()
        Thread.sleep(forTimeInterval: 1.1)
        let retry = try Self.netbar(["analyze", folder + "/n3", "--db", folder + "/n.db", "--quiet"])
        #expect(retry.status == 0, "\(retry.standardError)")
        #expect(try findings(folder + "/n.db") == all)
        let after = try lastSeen()
        func byNight(_ text: String) -> [String: String] {
            Dictionary(uniqueKeysWithValues: text.split(separator: "\n").map {
                let fields = $0.split(separator: "|")
                return (String(fields[0]), String(fields.last ?? ""))
            })
        }
        let (seenBefore, seenAfter) = (byNight(before), byNight(after))
        #expect(seenBefore["2026-11-27"] != nil && seenBefore["2026-11-27"] == seenAfter["2026-11-27"], "\(before) \(after)")
        #expect(seenBefore["2026-11-29"] != nil && seenBefore["2026-11-29"] != seenAfter["2026-11-29"], "\(before) \(after)")
    }

    /// Two generated nights of one seed in one database: each night's findings are exactly those of that night
    /// analysed alone (a night is judged on its own dump), and a case planted on both nights recurs.
    @Test func eachNightIsJudgedOnItsOwnDump() throws {
        let folder = TestSupport.temporaryDirectory("nights")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for (name, day) in [("n1", "2026-11-27"), ("n2", "2026-11-28")] {
            let generated = try Self.netbar([
                "generate", "--out", folder + "/" + name, "--venues", "8", "--terminals", "3", "--seed", "7", "--anomalies",
                "--night", day, "--quiet",
            ])
            #expect(generated.status == 0, "\(generated.standardError)")
        }
        func analyze(_ night: String, into database: String) throws {
            let outcome = try Self.netbar([
                "analyze", folder + "/\(night)/dump", "--registry", folder + "/\(night)/registry", "--signatures",
                folder + "/\(night)/signatures", "--db", database, "--quiet",
            ])
            #expect(outcome.status == 0, "\(outcome.standardError)")
        }
        func keys(_ database: String, night: String? = nil) throws -> [String] {
            let findings = TestSupport.jsonLines(
                try Self.netbar(["report", "--db", database] + (night.map { ["--night", $0] } ?? [])).standardOutput)
            // Identity without file paths (the two databases name the same nights' files alike).
            return findings.map {
                [$0["detector"], $0["venue"], $0["terminal"], $0["cert"], $0["address"], $0["start"], $0["end"]]
                    .map { "\($0 ?? "-")" }.joined(separator: "|")
            }.sorted()
        }
        try analyze("n1", into: folder + "/alone1.db")
        try analyze("n2", into: folder + "/alone2.db")
        try analyze("n1", into: folder + "/both.db")
        try analyze("n2", into: folder + "/both.db")
        let alone1 = try keys(folder + "/alone1.db"), alone2 = try keys(folder + "/alone2.db")
        #expect(alone1.count >= 40)
        #expect(try keys(folder + "/both.db", night: "2026-11-27") == alone1)
        #expect(try keys(folder + "/both.db", night: "2026-11-28") == alone2)
        let second = TestSupport.jsonLines(
            try Self.netbar(["report", "--db", folder + "/both.db", "--night", "2026-11-28"]).standardOutput)
        let recurring = second.filter { ($0["seen_before"] as? Int ?? 0) == 1 }
        // The same seed plants the same cases on the same terminals: nearly all recur (a minor's cert is made for
        // its night's date, so some are new).
        #expect(recurring.count * 10 >= second.count * 8, "\(recurring.count) of \(second.count)")
        #expect(second.allSatisfy { [0, 1].contains($0["seen_before"] as? Int ?? -1) })
    }
}
