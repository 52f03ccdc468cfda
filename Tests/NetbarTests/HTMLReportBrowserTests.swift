import Foundation
import NetbarTestSupport
import Testing

/// The HTML report as a browser shows it: the real binary analyses a generated night whose registry names a venue
/// `<script>alert(1)</script>` and whose files lie in a folder of that name; headless Chromium loads the page and the
/// DOM after its script ran is checked: the sections, the counts, the order, the filters a fragment applies, and
/// that the injected markup stays text.
@Suite(.serialized, .enabled(if: Chromium.unavailableReason == nil, "chromium is not installed (scripts/setup.sh installs it)"))
struct HTMLReportBrowserTests {
    static let injected = "<script>alert(1)</script>"
    static let injectedVenue = "61011310000163"

    struct SetUpError: Error, CustomStringConvertible {
        var description: String
    }

    struct Finding: Sendable {
        var venue: String
        var severity: String
    }

    struct Night: Sendable {
        var folder: String
        var page: String
        var findings: [Finding]
    }

    /// Generates a night, plants the injected names, analyses it (about 2 s); the caller removes `folder`.
    static func makeNight() throws -> Night {
        let folder = TestSupport.temporaryDirectory("html-report")
        let binary = TestSupport.netbarBinary
        let generated = try TestSupport.run(
            binary, ["generate", "--out", folder, "--venues", "8", "--anomalies", "--terminals", "3", "--seed", "7", "--quiet"])
        guard generated.status == 0 else { throw SetUpError(description: "generate failed: \(generated.standardError)") }

        // The venue's name in the registry (GBK there) becomes markup.
        let venuesPath = folder + "/registry/venues.csv"
        let decoded = try TestSupport.run("/usr/bin/iconv", ["-f", "GBK", "-t", "UTF-8", venuesPath])
        // By scalars: "\r\n" is one Character, so a split by Character would not cut CRLF lines.
        var lines = decoded.text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for index in lines.indices where lines[index].hasPrefix(injectedVenue + ",") {
            var fields = lines[index].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            fields[1] = injected
            lines[index] = fields.joined(separator: ",")
        }
        TestSupport.write(lines.joined(separator: "\n"), to: venuesPath)
        // Its files move into dump/<script>alert(1)</script>61011310000163/ (a slash cannot be in one name: two folders).
        let outer = folder + "/dump/<script>alert(1)<"
        try FileManager.default.createDirectory(atPath: outer, withIntermediateDirectories: true)
        try FileManager.default.moveItem(
            atPath: folder + "/dump/" + injectedVenue, toPath: outer + "/script>" + injectedVenue)

        let analyzed = try TestSupport.run(binary, [
            "analyze", folder + "/dump", "--registry", folder + "/registry", "--signatures", folder + "/signatures",
            "--db", folder + "/n.db", "--html", folder + "/r.html", "--findings", folder + "/f.jsonl", "--quiet",
        ])
        guard analyzed.status == 0 else { throw SetUpError(description: "analyze failed: \(analyzed.standardError)") }
        let findings = TestSupport.jsonLines(try Data(contentsOf: URL(fileURLWithPath: folder + "/f.jsonl"))).map {
            Finding(venue: $0["venue"] as? String ?? "", severity: $0["severity"] as? String ?? "")
        }
        return Night(folder: folder, page: folder + "/r.html", findings: findings)
    }

    /// The findings rows of a DOM, as their opening tags.
    static func rowTags(_ dom: String) -> [String] {
        var tags: [String] = []
        var rest = dom[...]
        while let start = rest.range(of: "<tr class=\"finding ") {
            guard let end = rest[start.upperBound...].firstIndex(of: ">") else { break }
            tags.append(String(rest[start.lowerBound...end]))
            rest = rest[rest.index(after: end)...]
        }
        return tags
    }

    static func attribute(_ name: String, of tag: String) -> String? {
        guard let start = tag.range(of: " \(name)=\"") else { return nil }
        guard let end = tag[start.upperBound...].firstIndex(of: "\"") else { return nil }
        return String(tag[start.upperBound..<end])
    }

    static func isHidden(_ tag: String) -> Bool { tag.contains(" hidden") }

    /// The text of the element with `id` (its first text run).
    static func text(ofID id: String, in dom: String) -> String? {
        guard let start = dom.range(of: "id=\"\(id)\">") else { return nil }
        guard let end = dom[start.upperBound...].firstIndex(of: "<") else { return nil }
        return String(dom[start.upperBound..<end])
    }

    @Test func thePageShowsEveryFindingHighFirstWithItsSectionsAndNoInjectedScript() throws {
        let night = try Self.makeNight()
        defer { try? FileManager.default.removeItem(atPath: night.folder) }
        let page = try Chromium.load(night.page)
        let dom = page.dom
        #expect(page.scriptErrors.isEmpty, "\(page.scriptErrors)")
        for id in [
            "report-header", "generated-at", "data-range", "nights-held", "mask-note", "run-summary", "files-by-status",
            "rows-by-format", "missing-inputs", "charts", "chart-venues", "chart-detectors", "chart-hours", "chart-rates",
            "findings", "filters", "findings-table",
        ] {
            #expect(dom.contains("id=\"\(id)\""), "no #\(id)")
        }
        #expect(!dom.contains("id=\"detection-banner\""), "a finished detection raises no alarm")
        #expect(dom.components(separatedBy: "<svg").count - 1 >= 3, "the charts are drawn")

        // Every finding of the JSON Lines is a row, all shown, and the count says so.
        let rows = Self.rowTags(dom)
        #expect(night.findings.count >= 20)
        #expect(rows.count == night.findings.count)
        #expect(Self.text(ofID: "total-count", in: dom) == "\(night.findings.count)")
        #expect(Self.text(ofID: "shown-count", in: dom) == "\(night.findings.count)")
        #expect(!rows.contains(where: Self.isHidden))

        // High severity first.
        let rank = ["high": 3, "medium": 2, "low": 1]
        let ranks = rows.map { rank[Self.attribute("data-severity", of: $0) ?? ""] ?? 0 }
        #expect(ranks == ranks.sorted(by: >))
        #expect(ranks.first == 3)

        // The injected markup stays text: one script element (the page's own), the name shown escaped.
        #expect(dom.components(separatedBy: "<script").count - 1 == 1)
        #expect(!dom.contains(Self.injected))
        #expect(dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;" + Self.injectedVenue), "the path is shown as text")
        #expect(dom.contains("<br>&lt;script&gt;alert(1)&lt;/script&gt;</td>"), "the venue name is shown as text")

        // No cert in full anywhere (the page is made without --reveal-certs; evidence lines are masked always).
        let wholeCert = try Regex("[0-9]{17}[0-9Xx]")
        #expect(dom.firstMatch(of: wholeCert) == nil)
        #expect(dom.contains("<pre>"), "evidence lines are shown")

        let screenshot = Chromium.artifactsDirectory + "/html-report.png"
        try Chromium.screenshot(night.page, to: screenshot)
        #expect(FileManager.default.fileExists(atPath: screenshot))
    }

    @Test func aFragmentAppliesTheFiltersOnLoad() throws {
        let night = try Self.makeNight()
        defer { try? FileManager.default.removeItem(atPath: night.folder) }
        // The venue with the most high findings, so the filter keeps some rows and hides others.
        var highPerVenue: [String: Int] = [:]
        for finding in night.findings where finding.severity == "high" { highPerVenue[finding.venue, default: 0] += 1 }
        let venue = try #require(highPerVenue.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key)
        let expected = night.findings.filter { $0.venue == venue && $0.severity == "high" }
        #expect(expected.count < night.findings.count)

        let page = try Chromium.load(night.page, fragment: "venue=\(venue)&severity=high")
        #expect(page.scriptErrors.isEmpty, "\(page.scriptErrors)")
        let rows = Self.rowTags(page.dom)
        #expect(rows.count == night.findings.count, "rows are hidden, never removed")
        let visible = rows.filter { !Self.isHidden($0) }
        #expect(visible.count == expected.count)
        for row in visible {
            #expect(Self.attribute("data-venue", of: row) == venue)
            #expect(Self.attribute("data-severity", of: row) == "high")
        }
        #expect(Self.text(ofID: "shown-count", in: page.dom) == "\(expected.count)")
        #expect(Self.text(ofID: "total-count", in: page.dom) == "\(night.findings.count)")
    }

    @Test func aFragmentSortsAndSearchesToo() throws {
        let night = try Self.makeNight()
        defer { try? FileManager.default.removeItem(atPath: night.folder) }
        let page = try Chromium.load(night.page, fragment: "sort=start&dir=desc&new=1")
        #expect(page.scriptErrors.isEmpty, "\(page.scriptErrors)")
        // Starts in the DOM's row order, newest first.
        let starts = page.dom.components(separatedBy: "<td class=\"start\" data-sort=\"").dropFirst().map {
            Int64($0.prefix { $0.isNumber }) ?? -1
        }
        #expect(starts.count == night.findings.count)
        #expect(starts == starts.sorted(by: >))
        #expect(page.dom.contains("data-key=\"start\" aria-sort=\"descending\""))
        // One night: every finding is new.
        #expect(Self.rowTags(page.dom).allSatisfy { !Self.isHidden($0) })

        // A search no row holds hides them all and says so.
        let none = try Chromium.load(night.page, fragment: "q=no-such-text-anywhere")
        #expect(Self.text(ofID: "shown-count", in: none.dom) == "0")
        #expect(Self.rowTags(none.dom).allSatisfy(Self.isHidden))
        #expect(none.dom.contains("<p id=\"no-rows\">"))
    }
}
