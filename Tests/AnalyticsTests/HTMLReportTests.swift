import Analytics
import Foundation
import Ingest
import LogFormats
import ShippedData
import Testing

/// The HTML report's content, made from a real store holding hostile text in every place an input reaches the page:
/// the registry's venue name, a file's path, a finding's summary, terminal and cert, a rule's missing-input reason.
@Suite struct HTMLReportTests {
    static let venue = "33010610000123"
    static let hostile = "<img src=x onerror=alert(1)>\"'&"
    static let names: ColumnNames = {
        var names = ColumnNames()
        do { try names.add(ShippedData.columnNames, source: "built-in") } catch { fatalError("\(error)") }
        return names
    }()

    /// A store with a registry, two nights of audit files (one damaged), two findings, a finished detection run with a
    /// missing input, and rates on both nights.
    struct Fixture {
        var folder: String
        var store: Store

        init(detection: DetectionState = .finished) throws {
            folder = NSTemporaryDirectory() + "html-report-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: folder + "/dump/night2", withIntermediateDirectories: true)
            store = try Store(path: folder + "/n.db")
            try """
                场所编码,场所名称,业主,地址,联系电话
                \(HTMLReportTests.venue),\(HTMLReportTests.hostile.replacingOccurrences(of: "\"", with: "")),张三,某路1号,13800000000

                """.write(toFile: folder + "/venues.csv", atomically: true, encoding: .utf8)
            let writer = try StoreWriter(store: store)
            _ = try IngestRun.run(
                IngestOptions(
                    inputs: [InputFile(path: folder + "/venues.csv", sizeBytes: 0)], names: HTMLReportTests.names,
                    formatOverride: .registryVenues, jobs: 1, showProgress: false), writer: writer)
            let line = "2026-11-27 22:00:00|\(HTMLReportTests.venue)|ONLINE|012|192.168.1.12|00-1A-2B-3C-4D-5E|111|33010619900101123X|王珅\n"
            try line.write(toFile: folder + "/dump/audit.log", atomically: true, encoding: .utf8)
            let first = try IngestRun.run(
                IngestOptions(inputs: [InputFile(path: folder + "/dump/audit.log", sizeBytes: 0)], names: HTMLReportTests.names, jobs: 1, showProgress: false),
                writer: writer)
            try store.assignNight(fileIDs: first.map(\.fileID), given: "2026-11-27")
            // The second night's file is a gzip cut short, in a folder named with markup.
            let lines = (0..<2000).map { "2026-11-28 22:\(String(format: "%02d", $0 % 60)):00|\(HTMLReportTests.venue)|HEARTBEAT|012|192.168.1.12|00-1A-2B-3C-4D-5E|INUSE" }
            let plain = folder + "/dump/night2/<b onmouseover=x>night.log"
            try (lines.joined(separator: "\n") + "\n").write(toFile: plain, atomically: true, encoding: .utf8)
            let gzip = Process()
            gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
            gzip.arguments = [plain]
            try gzip.run()
            gzip.waitUntilExit()
            let compressed = try Data(contentsOf: URL(fileURLWithPath: plain + ".gz"))
            try compressed.prefix(compressed.count / 2).write(to: URL(fileURLWithPath: plain + ".gz"))
            let second = try IngestRun.run(
                IngestOptions(inputs: [InputFile(path: plain + ".gz", sizeBytes: 0)], names: HTMLReportTests.names, jobs: 1, showProgress: false),
                writer: writer)
            try store.assignNight(fileIDs: second.map(\.fileID), given: "2026-11-28")

            switch detection {
            case .never: break
            case .unfinished: _ = try store.beginDetectionRun()
            case .finished:
                let run = try store.beginDetectionRun()
                try store.finishDetectionRun(
                    run, missingInputs: ["card-free-login": ["the tool list is empty " + HTMLReportTests.hostile]],
                    missingInputsZh: ["card-free-login": ["免刷卡工具清单为空 " + HTMLReportTests.hostile]])
            }
            let audit = first[0].fileID
            let damaged = second[0].fileID
            try store.replaceFindings([
                FindingRow(
                    key: "a", detector: "id-sharing", severity: "high", venue: HTMLReportTests.venue, terminal: "012",
                    cert: "33010619900101123X", startSeconds: 1_795_788_000, endSeconds: 1_795_791_600,
                    summary: "cert used twice " + HTMLReportTests.hostile, summaryZh: "一证多用 " + HTMLReportTests.hostile,
                    night: "2026-11-27", evidence: [(audit, 1)]),
                FindingRow(
                    key: "b", detector: "id-sharing", severity: "high", venue: HTMLReportTests.venue, terminal: "012",
                    cert: "33010619900101123X", startSeconds: 1_795_874_400, endSeconds: 1_795_878_000,
                    summary: "cert used twice again", summaryZh: "再次一证多用", night: "2026-11-28",
                    evidence: [(damaged, 5), (damaged, 6)]),
                FindingRow(
                    key: "c", detector: "audit-gap", severity: "medium", venue: HTMLReportTests.venue,
                    terminal: HTMLReportTests.hostile, cert: nil, startSeconds: 1_795_880_000, endSeconds: 1_795_890_000,
                    summary: "gap", summaryZh: "审计中断", night: "2026-11-28", evidence: [(damaged, 7)]),
            ])
            try store.replaceVenueRates([
                VenueRateRow(venue: HTMLReportTests.venue, night: "2026-11-27", rate: "audit-install", numerator: 3, denominator: 4),
                VenueRateRow(venue: HTMLReportTests.venue, night: "2026-11-28", rate: "audit-install", numerator: 4, denominator: 4),
                VenueRateRow(venue: HTMLReportTests.venue, night: "2026-11-28", rate: "real-name", numerator: 0, denominator: 0),
                VenueRateRow(venue: "33010610000999", night: "2026-11-28", rate: "audit-use", numerator: 1, denominator: 4),
                // Counts kept beside the rates are no rates.
                VenueRateRow(venue: HTMLReportTests.venue, night: "2026-11-28", rate: "count:sessions", numerator: 0, denominator: 1),
            ])
        }

        func data(language: Language = .zh, revealCerts: Bool = false) throws -> ReportData {
            var data = try ReportData.load(
                store: store, filter: ReportFilter(), revealCerts: revealCerts, language: language, now: 1_796_000_000)
            try data.readEvidenceText(store: store, names: HTMLReportTests.names)
            return data
        }

        func remove() { try? FileManager.default.removeItem(atPath: folder) }
    }

    enum DetectionState {
        case never, unfinished, finished
    }

    /// Every tag of the page: its name and its whole text up to `>` (the style's and script's own text, which are
    /// constants, left out).
    static func tags(_ page: String) -> [(name: String, text: String)] {
        var page = page
        for element in ["style", "script"] {
            if let open = page.range(of: "<\(element)>"), let close = page.range(of: "</\(element)>") {
                page.removeSubrange(open.upperBound..<close.lowerBound)
            }
        }
        var tags: [(String, String)] = []
        var rest = page[...]
        while let open = rest.firstIndex(of: "<") {
            guard let close = rest[open...].firstIndex(of: ">") else { break }
            let text = String(rest[open...close])
            let name = text.dropFirst().prefix { $0.isLetter || $0.isNumber || $0 == "!" || $0 == "/" }
            tags.append((name.lowercased().replacingOccurrences(of: "/", with: ""), text))
            rest = rest[rest.index(after: close)...]
        }
        return tags
    }

    static let allowedTags: Set<String> = [
        "!doctype", "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "dl", "dt", "dd",
        "nav", "a", "div", "strong", "main", "section", "table", "thead", "tbody", "tfoot", "tr", "th", "td", "code",
        "p", "ul", "li", "span", "br", "figure", "figcaption", "svg", "rect", "text", "line", "g", "polyline",
        "circle", "form", "label", "select", "option", "input", "button", "details", "summary", "ol", "pre", "script",
    ]

    @Test func everythingFromAnInputIsEscaped() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        for language in Language.allCases {
            let page = HTMLReport.render(try fixture.data(language: language))
            let tags = Self.tags(page)
            for tag in tags {
                #expect(Self.allowedTags.contains(tag.name), "unexpected tag \(tag.text)")
                #expect(tag.text.firstMatch(of: /\son[a-z]+\s*=/) == nil, "event handler in \(tag.text)")
            }
            #expect(tags.filter { $0.name == "script" }.count == 2, "one script element, opened and closed")
            #expect(page.contains("&lt;img src=x onerror=alert(1)&gt;"))
            #expect(page.contains("&lt;b onmouseover=x&gt;night.log.gz"), "the path is escaped")
            #expect(!page.contains("<img") && !page.contains("<b "))
            // The script holds nothing of the data.
            let script = page[page.range(of: "<script>")!.upperBound..<page.range(of: "</script>")!.lowerBound]
            #expect(!script.contains(Self.venue) && !script.contains("alert"))
        }
    }

    @Test func theHeaderSummaryAndChartsTellTheRun() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let page = HTMLReport.render(try fixture.data())
        #expect(page.contains("<html lang=\"zh-CN\">"))
        #expect(page.contains("Content-Security-Policy"))
        #expect(page.contains("id=\"generated-at\">2026-11-30 08:53:20 (UTC+8)"))
        #expect(page.contains("id=\"nights-held\">2："))
        #expect(page.contains("证件号码已遮蔽"))
        #expect(!page.contains("id=\"detection-banner\""))
        // One file damaged, listed with its damage; one missing input, named by its rule.
        #expect(page.contains("<tr data-status=\"damaged\"><td>受损"))
        #expect(page.contains("id=\"troubled-files\""))
        #expect(page.contains("压缩字节偏移"))
        #expect(page.contains("<li data-detector=\"card-free-login\"><strong>免刷卡上网</strong>"))
        #expect(page.contains("免刷卡工具清单为空"))
        #expect(page.contains("id=\"missing-banner\""))
        // Charts: per venue, rule, hour; rates of the latest night; trends, since two nights are held.
        for id in ["chart-venues", "chart-detectors", "chart-hours", "chart-rates", "chart-trend-findings", "chart-trend-rates"] {
            #expect(page.contains("<figure class=\"chart\" id=\"\(id)\""), "\(id)")
        }
        #expect(page.contains("<rect class=\"h-full\""), "the latest night's 4 of 4")
        #expect(page.contains("<rect class=\"h-none\""), "a rate of 0 of 0 has no value")
        #expect(page.contains("<rect class=\"h-low\""), "1 of 4")
        let rates = try #require(page.range(of: "id=\"chart-rates\""))
        let worst = try #require(page.range(of: ">33010610000999</text>", range: rates.upperBound..<page.endIndex))
        let better = try #require(page.range(of: ">\(Self.venue) &lt;img", range: rates.upperBound..<page.endIndex))
        #expect(worst.lowerBound < better.lowerBound, "the venue with the lowest rate comes first")
        #expect(page.contains("<a href=\"#venue=\(Self.venue)\">"), "a venue's bar filters the table")
        #expect(page.components(separatedBy: "<polyline").count - 1 >= 4)
    }

    @Test func findingsAreRowsHighFirstWithRecurrenceMaskedCertsAndEvidence() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let data = try fixture.data()
        let page = HTMLReport.render(data)
        #expect(page.components(separatedBy: "<tr class=\"finding ").count - 1 == 3)
        #expect(page.contains("<span id=\"shown-count\">3</span> / <span id=\"total-count\">3</span>"))
        let severities = page.components(separatedBy: "data-severity=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
        #expect(severities == ["high", "high", "medium"])
        #expect(page.contains(">新</td>"))
        #expect(page.contains(">此前 1 晚已出现</td>"), "the same cert and terminal on the night before")
        #expect(page.contains("<code>330106********123X</code>"))
        #expect(!page.contains("33010619900101123X"))
        // The first night's line is read back, masked; the damaged file's are too (its hash is of what was read).
        #expect(page.contains("|111|330106********123X|王*</pre>"))
        #expect(!page.contains("王珅"))
        #expect(data.evidenceText.count == 4)
        let revealed = HTMLReport.render(try fixture.data(revealCerts: true))
        #expect(revealed.contains("<code>33010619900101123X</code>"))
        #expect(revealed.contains("证件号码完整显示"))
        #expect(revealed.contains("|111|330106********123X|王*</pre>"), "evidence lines stay masked")
    }

    @Test func aSourceFileGoneIsSaid() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try FileManager.default.removeItem(atPath: fixture.folder + "/dump/audit.log")
        let data = try fixture.data()
        #expect(data.evidenceUnavailable.count == 1)
        let page = HTMLReport.render(data)
        #expect(page.contains("<span class=\"gone\">(源文件已不在或已改变)</span>"))
        #expect(HTMLReport.render(try fixture.data(language: .en)).contains("(the source file is gone or has changed)"))
    }

    @Test func detectionNeverRunOrUnfinishedIsLoud() throws {
        let never = try Fixture(detection: .never)
        defer { never.remove() }
        let page = HTMLReport.render(try never.data())
        #expect(page.contains("<div class=\"banner banner-alert\" id=\"detection-banner\" role=\"alert\"><strong>尚未运行检测</strong>"))
        let unfinished = try Fixture(detection: .unfinished)
        defer { unfinished.remove() }
        let english = HTMLReport.render(try unfinished.data(language: .en))
        #expect(english.contains("<strong>The last detection did not finish</strong>"))
        #expect(english.contains("<html lang=\"en\">"))
    }

    @Test func anEmptyReportSaysSo() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        var data = try fixture.data(language: .en)
        data.findings = []
        let page = HTMLReport.render(data)
        #expect(page.contains("<p class=\"empty\">No findings.</p>"))
        #expect(page.contains("<p id=\"no-rows\">No finding matches.</p>"))
        #expect(page.contains("<span id=\"shown-count\">0</span>"))
    }

    @Test func thousandsOfFindingsRenderQuickly() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        var data = try fixture.data()
        let template = data.findings[0]
        data.findings = (0..<5_000).map { index in
            var finding = template
            finding.key = "k\(index)"
            finding.venue = String(Int(Self.venue)! + index % 40)
            finding.startSeconds += Int64(index * 97)
            finding.severity = ["high", "medium", "low"][index * 3 / 5_000]
            return finding
        }
        let clock = ContinuousClock()
        var page = ""
        let elapsed = clock.measure { page = HTMLReport.render(data) }
        #expect(page.components(separatedBy: "<tr class=\"finding ").count - 1 == 5_000)
        #expect(elapsed < .seconds(5), "\(elapsed)")
        #expect(page.contains("另有 10 个场所未画出"))
        if let keep = ProcessInfo.processInfo.environment["NETBAR_KEEP_HTML"] {
            try page.write(toFile: keep, atomically: true, encoding: .utf8)
        }
    }
}
