import Analytics
import Foundation
import Ingest
import LogFormats
import ShippedData
import Testing

/// The registry's base data as the store gives it, imported from `venues.csv` rows the way `registry import` does.
func registryDetails(_ rows: [String]) throws -> [String: RegistryVenueDetails] {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("netbar-sheet-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let venues = directory.appendingPathComponent("venues.csv").path
    let header = "场所编码,场所名称,业主,地址,联系电话,接入服务商,公网IP,内网网段,登记终端数,计费系统,审计系统"
    try ([header] + rows).joined(separator: "\n").appending("\n").write(toFile: venues, atomically: true, encoding: .utf8)
    let store = try Store(path: directory.appendingPathComponent("netbar.db").path)
    let writer = try StoreWriter(store: store)
    var names = ColumnNames()
    try names.add(ShippedData.columnNames, source: "built-in")
    _ = try IngestRun.run(
        IngestOptions(
            inputs: [InputFile(path: venues, sizeBytes: 0)], names: names, formatOverride: .registryVenues, jobs: 1,
            showProgress: false), writer: writer)
    var table: [String: RegistryVenueDetails] = [:]
    for venue in try store.registryVenueDetails() { table[venue.code] = venue }
    return table
}

/// A small report: venue A (registered, with a `<script>` in its name) with three findings and the rates of
/// `VenueRatesTests.auditVenue`, venue B with one finding and no registry entry.
enum ReportFixture {
    static let venueA = VenueRatesTests.code
    static let venueB = "33010610000999"
    static let cert = residentID(birth: "19900101", sequence: "456")

    static func findings() -> [FindingRow] {
        let evidence: [(fileID: Int64, line: Int64)] = [(1, 12), (1, 40)]
        var rows = [
            FindingRow(
                key: "k1", detector: "id-sharing", severity: "high", venue: venueA, terminal: "012", cert: cert,
                startSeconds: at("2026-11-28 10:00"), endSeconds: at("2026-11-28 11:00"),
                summary: "cert used on terminals 012 and 031 at the same time", summaryZh: "同一证件同时在 012 和 031 号终端使用",
                night: VenueRatesTests.night, evidence: evidence),
            FindingRow(
                key: "k2", detector: "audit-gap", severity: "medium", venue: venueA, terminal: "012", cert: nil,
                startSeconds: at("2026-11-28 10:20"), endSeconds: at("2026-11-28 11:00"),
                summary: "Terminal 012 sent no heartbeat for 30 minutes", summaryZh: "012 号终端 30 分钟无心跳",
                night: VenueRatesTests.night, evidence: [(1, 7)]),
            FindingRow(
                key: "k3", detector: "minor", severity: "high", venue: venueA, terminal: "013", cert: cert,
                startSeconds: at("2026-11-28 10:00"), endSeconds: at("2026-11-28 10:10"),
                summary: "a minor aged 16 <b>on line</b>", summaryZh: "16 岁未成年人<b>上网</b>",
                night: VenueRatesTests.night, evidence: [(2, 3)]),
            FindingRow(
                key: "k4", detector: "after-hours", severity: "medium", venue: venueB, terminal: "001", cert: nil,
                startSeconds: at("2026-11-28 00:10"), endSeconds: at("2026-11-28 01:00"),
                summary: "session after hours at venue B", summaryZh: "B 场所违规时段营业",
                night: VenueRatesTests.night, evidence: [(3, 9)]),
        ]
        rows[0].seenBefore = 2
        return rows
    }

    static func data(language: Language = .zh, revealCerts: Bool = false) throws -> ReportData {
        var fixture = Fixture()
        let venue = VenueRatesTests.auditVenue(&fixture)
        let rates = VenueRatesTests.rates(fixture, [venue]).values
            .sorted { $0.rate < $1.rate }
        let venues = try registryDetails([
            "\(venueA),<script>alert(1)</script>网咖,张三,杭州市西湖区文三路1号,0571-88888888,电信,"
                + "60.191.1.2,192.168.1.0/24,3,Pubwin,任子行"
        ])
        return ReportData(
            findings: findings(), paths: [1: "night/a/sessions.csv", 2: "night/a/audit.log", 3: "night/b/sessions.csv"],
            venues: venues, files: [], quarantinedPerReason: [:], detection: nil, nights: [VenueRatesTests.night],
            rates: rates, generatedAt: at("2026-11-29 08:00"), revealCerts: revealCerts, language: language)
    }
}

@Suite struct InspectionSheetTests {
    @Test func showsTheHandComputedRatesOfTheNight() throws {
        let html = InspectionSheet.html(try ReportFixture.data())
        #expect(html.contains("互联网上网服务营业场所检查情况登记表"))
        // VenueRatesTests: audit-use 1200 of 4200 s (28.57 %, shown rounded down), screenshots 1 of 2 slots,
        // billing-use 1860 of 3060 s (60.78 %), audit-install 1 of 2 billing terminals, real name 2 of 2.
        #expect(html.contains("28.5 %"))
        #expect(html.contains("1200 / 4200 秒"))
        #expect(html.contains("1 / 2 次"))
        #expect(html.contains("60.7 %"))
        #expect(html.contains("1860 / 3060 秒"))
        #expect(html.contains("1 / 2 台"))
        #expect(html.contains("2 / 2 条"))
        #expect(html.contains("100.0 %"))
        #expect(html.contains("✗ 未达标"))
        #expect(html.contains("达标"))
        // What the dump shows beside the registry.
        #expect(html.contains("计费终端 2 台"))
        #expect(html.contains("上机记录 2 条"))
        #expect(html.contains("杭州市西湖区文三路1号"))
    }

    @Test func listsEveryFindingOfTheVenueWithEvidenceAndRecurrence() throws {
        let data = try ReportFixture.data()
        var filter = ReportFilter()
        filter.venues = [ReportFixture.venueA]
        let html = InspectionSheet.html(data, filter: filter)
        for finding in data.findings where finding.venue == ReportFixture.venueA {
            #expect(html.contains(FindingsRenderer.htmlEscape(finding.summaryZh ?? "")))
            #expect(html.contains(DetectorID(finding.detector).title(.zh)))
        }
        #expect(!html.contains("B 场所违规时段营业"))
        #expect(html.contains("night/a/sessions.csv:12"))
        #expect(html.contains("night/a/audit.log:3"))
        #expect(html.contains("第 3 晚重复出现"))
        #expect(html.contains("新发现"))
        #expect(html.contains("检查人"))
        #expect(html.contains("场所负责人签字"))
        #expect(html.contains("page-break-after:always"))
        #expect(html.contains("@media print"))
    }

    @Test func masksCertsUnlessAsked() throws {
        let cert = ReportFixture.cert
        let masked = InspectionSheet.html(try ReportFixture.data())
        #expect(!masked.contains(cert))
        #expect(masked.contains(FindingsRenderer.mask(cert)))
        #expect(InspectionSheet.html(try ReportFixture.data(revealCerts: true)).contains(cert))
    }

    @Test func escapesWhatCameFromTheInput() throws {
        let html = InspectionSheet.html(try ReportFixture.data())
        #expect(!html.contains("<script>"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;网咖"))
        #expect(!html.contains("<b>上网</b>"))
        #expect(!html.contains("http"))
    }

    @Test func everyVenueGetsAPageAndEnglishIsOnRequest() throws {
        let chinese = InspectionSheet.html(try ReportFixture.data())
        #expect(chinese.components(separatedBy: "<section class=\"page\"").count == 3)
        #expect(chinese.contains("B 场所违规时段营业"))
        let english = InspectionSheet.html(try ReportFixture.data(language: .en))
        #expect(english.contains("Internet café inspection sheet"))
        #expect(english.contains("one ID card used by several people"))
        #expect(english.contains("recurring, night 3"))
        #expect(!english.contains("检查人"))
    }
}

@Suite struct NoticeDraftTests {
    static let table = """
        # a test table
        id-sharing\t《中华人民共和国居民身份证法》\t第十七条\t冒用他人居民身份证的，处罚款。\tUsing another's ID is fined.
        minor\t《互联网上网服务营业场所管理条例》\t第二十一条\t不得接纳未成年人。
        after-hours\t《互联网上网服务营业场所管理条例》\t第二十二条\t每日营业时间限于8时至24时。
        """

    @Test func namesEveryFindingOfItsVenueAndCitesTheTable() throws {
        let data = try ReportFixture.data()
        let basis = try LegalBasis.parse(text: Self.table, source: "test.tsv")
        let html = NoticeDraft.html(data, legalBasis: basis, deadlineDays: 10)
        #expect(html.contains("整改通知书"))
        #expect(html.contains("草稿"))
        #expect(html.contains("限期 10 日内整改"))
        #expect(html.contains("民警（签名）"))
        for finding in data.findings {
            #expect(html.contains(FindingsRenderer.htmlEscape(finding.summaryZh ?? "")))
            for (fileID, line) in finding.evidence { #expect(html.contains("\(data.paths[fileID] ?? "?"):\(line)")) }
        }
        #expect(html.contains("《中华人民共和国居民身份证法》第十七条"))
        #expect(html.contains("《互联网上网服务营业场所管理条例》第二十一条"))
        #expect(html.contains("不得接纳未成年人"))
        // audit-gap is not in this table: the draft says so rather than citing nothing.
        #expect(html.contains("未列此项，请民警核实补充"))
        // One page per venue with findings; names and certs as in the sheet.
        #expect(html.components(separatedBy: "<section class=\"page\"").count == 3)
        #expect(!html.contains("<script>"))
        #expect(!html.contains(ReportFixture.cert))
        #expect(html.contains("杭州市西湖区文三路1号"))
        let english = NoticeDraft.html(try ReportFixture.data(language: .en), legalBasis: basis)
        #expect(english.contains("DRAFT"))
        #expect(english.contains("Using another&#39;s ID is fined."))
    }

    @Test func theShippedTableCitesTheArticlesOfTheContractForEveryDetector() {
        let basis = LegalBasis.shipped()
        for id in DetectorID.allCases { #expect(!basis.entries(for: id.rawValue).isEmpty, "no row for \(id)") }
        #expect(basis.entries(for: "id-sharing").first?.article == "第十七条")
        #expect(basis.entries(for: "card-free-login").first?.article.contains("第三十一条第（三）项") == true)
        #expect(basis.entries(for: "audit-gap").first?.article.contains("第三十二条第（五）项") == true)
        #expect(basis.entries.allSatisfy { !$0.textEnglish.isEmpty })
    }

    @Test func aBadRowIsAnErrorNamingItsLine() {
        let bad = "# comment\n\nid-sharing\t《中华人民共和国居民身份证法》\t第十七条\n"
        #expect(throws: LegalBasisError(
            source: "my.tsv", line: 3,
            reason: "Expected 4 or 5 tab-separated fields (detector id, law, article, text, optional English text), found 3.")
        ) {
            try LegalBasis.parse(text: bad, source: "my.tsv")
        }
        do throws(LegalBasisError) {
            _ = try LegalBasis.parse(text: "minor\tlaw\tart\ttext\nno-such-rule\tlaw\tart\ttext\n", source: "my.tsv")
            Issue.record("an unknown detector id was accepted")
        } catch {
            #expect(error.line == 2)
            #expect(error.description.contains("my.tsv line 2"))
            #expect(error.description.contains("no-such-rule"))
        }
        do throws(LegalBasisError) {
            _ = try LegalBasis.parse(text: "minor\t\tart\ttext\n", source: "my.tsv")
            Issue.record("an empty law was accepted")
        } catch {
            #expect(error.description == "Legal basis table my.tsv line 1: The law field is empty.")
        }
    }

    @Test func anOverrideFileIsReadAndAMissingOneNamed() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("legal-\(UUID().uuidString).tsv").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try NoticeDraftTests.table.write(toFile: path, atomically: true, encoding: .utf8)
        let basis = try LegalBasis.load(path: path)
        #expect(basis.source == path)
        #expect(basis.entries.count == 3)
        #expect(try LegalBasis.load(path: nil) == LegalBasis.shipped())
        #expect(throws: LegalBasisError.self) { try LegalBasis.load(path: path + ".missing") }
    }
}
