import Foundation
import NetbarTestSupport
import Testing

/// The inspection sheets and notice drafts as a browser shows them (headless Chromium): one page a venue, the
/// numbers of the database, no script errors, and markup from an input shown as text. Screenshots are kept in
/// `.build/test-artifacts/`.
@Suite(.serialized, .enabled(if: Chromium.unavailableReason == nil, "chromium is not installed: scripts/setup.sh installs it"))
struct InspectionBrowserTests {
    static let injected = "<script>alert(1)</script>网吧"

    /// The samples analysed with a registry whose first venue is named with markup; returns the folder.
    static func analyzed() throws -> (folder: String, venues: Int, injectedVenue: String) {
        let folder = TestSupport.temporaryDirectory("browser")
        let samples = TestSupport.packageRoot + "/samples"
        try FileManager.default.createDirectory(atPath: folder + "/registry", withIntermediateDirectories: true)
        let venues = try TestSupport.shell("iconv -f GBK -t UTF-8 '\(samples)/registry/venues.csv'").text
        var lines = venues.split(whereSeparator: \.isNewline).map(String.init)
        var fields = lines[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        fields[1] = injected
        lines[1] = fields.joined(separator: ",")
        try TestSupport.writeGBK(lines.joined(separator: "\r\n") + "\r\n", to: folder + "/registry/venues.csv")
        try FileManager.default.copyItem(atPath: samples + "/registry/terminals.csv", toPath: folder + "/registry/terminals.csv")
        let outcome = try TestSupport.run(
            TestSupport.netbarBinary,
            [
                "analyze", samples + "/dump", "--registry", folder + "/registry", "--signatures", samples + "/signatures",
                "--db", folder + "/n.db", "--inspection", folder + "/inspection.html", "--notice", folder + "/notice.html",
                "--quiet",
            ])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        return (folder, lines.count - 1, fields[0])
    }

    @Test func inspectionSheetsRenderOneVenueAPage() throws {
        let (folder, venueCount, injectedVenue) = try Self.analyzed()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let page = try Chromium.load(folder + "/inspection.html")
        #expect(page.scriptErrors.isEmpty, "\(page.scriptErrors)")
        let sheets = page.dom.components(separatedBy: "<section class=\"page\"").count - 1
        #expect(sheets == venueCount, "one sheet a registered venue")
        #expect(page.dom.contains("互联网上网服务营业场所检查情况登记表"))
        #expect(page.dom.contains("审计系统安装率"))
        #expect(page.dom.contains("实名登记率"))
        // The injected name is text in the DOM, never an element.
        #expect(page.dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;网吧"))
        #expect(!page.dom.contains("<script>alert(1)"))
        #expect(page.dom.contains("id=\"v\(injectedVenue)\""))
        try Chromium.screenshot(folder + "/inspection.html", to: Chromium.artifactsDirectory + "/inspection.png", width: 1100, height: 1600)
        #expect(FileManager.default.fileExists(atPath: Chromium.artifactsDirectory + "/inspection.png"))
    }

    @Test func noticesAreDraftsForVenuesWithFindings() throws {
        let (folder, _, _) = try Self.analyzed()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let findings = TestSupport.jsonLines(
            try TestSupport.run(TestSupport.netbarBinary, ["report", "--db", folder + "/n.db"]).standardOutput)
        let venuesWithFindings = Set(findings.map { $0["venue"] as? String ?? "" })
        let page = try Chromium.load(folder + "/notice.html")
        #expect(page.scriptErrors.isEmpty, "\(page.scriptErrors)")
        let notices = page.dom.components(separatedBy: "<section class=\"page\"").count - 1
        #expect(notices == venuesWithFindings.count)
        for venue in venuesWithFindings { #expect(page.dom.contains("id=\"n\(venue)\"")) }
        #expect(page.dom.contains("整改通知书"))
        #expect(page.dom.contains("草稿"))
        #expect(page.dom.contains("互联网上网服务营业场所管理条例"))
        #expect(!page.dom.contains("<script>alert(1)"))
        try Chromium.screenshot(folder + "/notice.html", to: Chromium.artifactsDirectory + "/notice.png", width: 1100, height: 1600)
    }
}
