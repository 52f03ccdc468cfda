import Foundation
import NetbarTestSupport
import Testing

/// `netbar id-overlap`: id-sharing's overlap rule over sessions handed in as JSON Lines (the Spark job's join).
@Suite struct IDOverlapCommandTests {
    static func run(_ lines: [String], _ extra: [String] = []) throws -> TestSupport.Outcome {
        let folder = TestSupport.temporaryDirectory("id-overlap")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        TestSupport.write(lines.joined(separator: "\n") + "\n", to: folder + "/s.jsonl")
        return try TestSupport.run(
            TestSupport.netbarBinary, ["id-overlap", folder + "/s.jsonl", "--night", "2026-11-28"] + extra)
    }

    static func session(_ venue: String, _ terminal: String, _ start: Int, _ end: Int, rank: Int, line: Int) -> String {
        "{\"cert\":\"110101199003074514\",\"venue\":\"\(venue)\",\"terminal\":\"\(terminal)\",\"start\":\(start),"
            + "\"end\":\(end),\"file\":\"/d/\(venue).csv\",\"line\":\(line),\"file_rank\":\(rank)}"
    }

    @Test func twoVenuesAtOnceAreOneFindingAtEach() throws {
        let start = 1_795_860_000
        let outcome = try Self.run([
            Self.session("44030410000729", "T01", start, start + 3600, rank: 1, line: 5),
            Self.session("33010510000293", "T02", start + 600, start + 1800, rank: 0, line: 9),
        ])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let findings = TestSupport.jsonLines(outcome.standardOutput)
        #expect(findings.map { $0["venue"] as? String ?? "" } == ["33010510000293", "44030410000729"])
        for finding in findings {
            #expect(finding["detector"] as? String == "id-sharing" && finding["severity"] as? String == "high")
            #expect(finding["cert"] as? String == "110101********4514")
            #expect(finding["night"] as? String == "2026-11-28")
            // Evidence in the dump's file order (rank), not the order the lines came in.
            let files = (finding["evidence"] as? [[String: Any]] ?? []).map { $0["file"] as? String ?? "" }
            #expect(files == ["/d/33010510000293.csv", "/d/44030410000729.csv"])
        }
    }

    @Test func lessThanTheThresholdIsNothing() throws {
        let start = 1_795_860_000
        let outcome = try Self.run([
            Self.session("44030410000729", "T01", start, start + 3600, rank: 0, line: 5),
            Self.session("33010510000293", "T02", start + 3570, start + 7200, rank: 1, line: 9),
        ])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        #expect(outcome.standardOutput.isEmpty)
    }

    @Test(arguments: [("not json", "line 2: not JSON"), ("{\"cert\":1}", "line 2: not an object")])
    func aBadLineIsNamed(line: String, message: String) throws {
        let outcome = try Self.run([Self.session("44030410000729", "T01", 0, 60, rank: 0, line: 1), line])
        #expect(outcome.status == 1)
        #expect(outcome.standardError.contains(message), "\(outcome.standardError)")
        #expect(outcome.standardError.split(separator: "\n").count == 1)
    }
}
