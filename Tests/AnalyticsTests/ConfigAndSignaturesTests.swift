import Analytics
import Foundation
import LogFormats
import ShippedData
import Testing

@Suite struct DetectorConfigTests {
    @Test func defaultsYAMLRoundTrips() throws {
        let loaded = try DetectorConfig.load(yamlText: DetectorConfig.defaultsYAML)
        #expect(loaded == DetectorConfig())
        #expect(DetectorConfig.defaultsYAML.contains("minimumRunMinutes: 10"))
        #expect(DetectorConfig.defaultsYAML.contains("# "))
    }

    @Test func aChangedConfigRoundTripsThroughItsYAML() throws {
        var config = DetectorConfig()
        config[UnbilledUseDetector.self].minimumRunMinutes = 12.5
        config[AfterHoursDetector.self].jurisdictions = ["3301": LocalTimeWindow(startMinuteOfDay: 60, endMinuteOfDay: 420)]
        config[StaffCardDetector.self].enabled = false
        #expect(try DetectorConfig.load(yamlText: config.yamlText()) == config)
    }

    /// Every note of `config --defaults` belongs to a key of its detector (a misspelt note would silently vanish).
    @Test func everyNoteNamesAKey() {
        func check<D: Detector>(_ type: D.Type) {
            let section = DetectorConfig.defaultsYAML.components(separatedBy: "\n\(D.id.rawValue):\n")[1]
                .components(separatedBy: "\n\n")[0]
            for (key, note) in D.Config.notes {
                #expect(section.contains("  \(key): ") && section.contains("# \(note)"), "\(D.id.rawValue).\(key)")
            }
        }
        for type in DetectorList.types { check(type) }
    }

    @Test func emptyOrCommentOnlyTextGivesTheDefaults() throws {
        #expect(try DetectorConfig.load(yamlText: "") == DetectorConfig())
        #expect(try DetectorConfig.load(yamlText: "# nothing\n") == DetectorConfig())
    }

    @Test func missingKeysKeepDefaultsAndWholeNumbersReadAsMinutes() throws {
        let config = try DetectorConfig.load(yamlText: "unbilled-use:\n  minimumRunMinutes: 3\n")
        #expect(config[UnbilledUseDetector.self].minimumRunMinutes == 3)
        #expect(config[UnbilledUseDetector.self].sessionWideningMinutes == 2)
        #expect(config[AuditGapDetector.self] == AuditGapDetector.Config())
    }

    @Test(arguments: [
        ("unbiled-use: {}", "'unbiled-use'"),
        ("unbilled-use:\n  minimumRunMinute: 3", "'unbilled-use.minimumRunMinute'"),
        ("after-hours:\n  window: {start: \"00:00\", ends: \"08:00\"}", "'after-hours.window.ends'"),
        ("unbilled-use:\n  minimumRunMinutes: ten", "'unbilled-use.minimumRunMinutes'"),
        ("manual-billing:\n  minimumManualItems: 2.5", "'manual-billing.minimumManualItems'"),
        ("minor:\n  enabled: perhaps", "'minor.enabled'"),
        ("audit-gap:\n  maxHeartbeatGapMinutes: -1", "'audit-gap.maxHeartbeatGapMinutes'"),
        ("after-hours:\n  window: {start: \"25:00\"}", "'after-hours.window.start'"),
        ("after-hours:\n  jurisdictions: {\"33x1\": {start: \"01:00\"}}", "'after-hours.jurisdictions.33x1'"),
        ("id-sharing: 5", "'id-sharing'"),
    ])
    func mistakesAreErrorsNamingTheKey(yaml: String, key: String) {
        #expect {
            _ = try DetectorConfig.load(yamlText: yaml)
        } throws: { error in
            let message = (error as? ConfigError)?.description ?? ""
            return message.contains(key) && !message.contains("\n")
        }
    }

    @Test func invalidYAMLIsAnError() {
        #expect(throws: ConfigError.self) { _ = try DetectorConfig.load(yamlText: "unbilled-use: [1, 2") }
    }

    @Test func unquotedTimesAndNumericPrefixesAreRead() throws {
        let config = try DetectorConfig.load(
            yamlText: "after-hours:\n  window: {start: 01:30, end: 07:00}\n  jurisdictions:\n    3301: {end: \"06:00\"}\n")
        #expect(config[AfterHoursDetector.self].window == LocalTimeWindow(startMinuteOfDay: 90, endMinuteOfDay: 420))
        #expect(config[AfterHoursDetector.self].window(forVenueCode: "33010610000123").endMinuteOfDay == 360)
        #expect(config[AfterHoursDetector.self].window(forVenueCode: "44030510000123").endMinuteOfDay == 420)
    }

    @Test func disabledDetectorDoesNotRun() throws {
        var fixture = Fixture()
        var venue = fixture.venue()
        fixture.session(
            &venue, terminal: "012", cert: residentID(birth: "20100101"), from: "2026-11-29 01:00",
            to: "2026-11-29 02:00")
        fixture.config = try DetectorConfig.load(yamlText: "minor: {enabled: false}")
        let result = runDetectors(venues: [venue], context: fixture.context)
        #expect(result.findingsPerDetector[.minor] == nil)
        #expect(result.findingsPerDetector[.afterHours] == 1)
        #expect(!result.findings.contains { $0.detector == .minor })
    }
}

@Suite struct SignaturesTests {
    @Test func parsesCommentsBlankLinesTabsAndCRLF() throws {
        let signatures = try Signatures.parse(
            billingClientsText: "# header\r\nPubwinClient.exe\tPubwin  # the licensed one\r\n\r\nwxclient.exe\t万象\r\n",
            cardFreeToolsText: "# tools\nMianShua.exe\n\n  freeswipe.exe  \n")
        #expect(signatures.billingClients == ["pubwinclient.exe": "Pubwin", "wxclient.exe": "万象"])
        #expect(signatures.cardFreeTools == ["mianshua.exe", "freeswipe.exe"])
        #expect(signatures.billingSystem(forExe: "C:\\Program Files\\Pubwin\\PUBWINCLIENT.EXE") == "Pubwin")
        #expect(signatures.isCardFreeTool("FREESWIPE.exe"))
        #expect(!signatures.isCardFreeTool("explorer.exe"))
    }

    @Test func billingLineWithoutSystemIsAnError() {
        #expect {
            _ = try Signatures.parse(billingClientsText: "ok.exe\tA\nbroken.exe\n", cardFreeToolsText: "")
        } throws: { error in
            (error as? ConfigError)?.description.contains("line 2") == true
        }
    }

    @Test func shippedListsAreBuiltInAndNameRealClients() throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let fromDisk = try Signatures.load(directory: repository.appendingPathComponent("signatures").path)
        let builtIn = try Signatures.parse(
            billingClientsText: ShippedData.billingClients, cardFreeToolsText: ShippedData.cardFreeTools)
        #expect(fromDisk == builtIn, "the binary carries the files of signatures/")
        // Public sources' process names (public-sources.md), matched in any case.
        #expect(builtIn.billingSystem(forExe: "PubwinClient.exe") == "Pubwin")
        #expect(builtIn.billingSystem(forExe: "C:\\Program Files\\Sicent\\WXCLTAIDEX.EXE") == "万象")
        #expect(builtIn.billingSystem(forExe: "udo.exe") == "嘟嘟牛")
        #expect(builtIn.billingSystem(forExe: "pwcli.exe") == "丕微")
        #expect(builtIn.billingClients.count >= 15)
        // Diskless and game-menu software runs on every terminal beside the billing system: never billing.
        for exe in ["BarClientView.exe", "eyoocore.exe", "eyoorun.exe", "knbclient.exe", "lwclient64.exe",
            "RichtechGameMenu.exe", "ZHLHBarClient.exe", "rzxsurename.exe", "wxCashier.exe"]
        {
            #expect(builtIn.billingSystem(forExe: exe) == nil, "\(exe)")
        }
        // No public source names a card-free tool: the shipped list invents none.
        #expect(builtIn.cardFreeTools.isEmpty)
    }

    @Test func missingDirectoryIsAnErrorNamingTheFile() {
        #expect {
            _ = try Signatures.load(directory: "/nonexistent/netbar-signatures")
        } throws: { error in
            (error as? ConfigError)?.description.contains("billing-clients.txt") == true
        }
    }
}

@Suite struct RunDetectorsTests {
    /// Ids are stated in each detector's file: two alike would share one config and one finding count.
    @Test func everyDetectorIsListedOnceUnderItsOwnId() {
        let ids = DetectorList.types.map { $0.id.rawValue }
        #expect(Set(ids).count == ids.count)
        #expect(ids == [
            "unbilled-use", "manual-billing", "second-billing", "card-free-login", "id-sharing", "staff-card",
            "invalid-id", "minor", "after-hours", "audit-gap", "ip-mismatch", "private-network",
        ])
    }

    @Test func tooLargeANumberIsAnErrorNotACrash() {
        #expect {
            _ = try DetectorConfig.load(yamlText: "private-network: {minimumTrafficMegabytes: 1e13}")
        } throws: { error in
            (error as? ConfigError)?.description.contains("'private-network.minimumTrafficMegabytes'") == true
        }
    }

    private func dump() -> Fixture.Dump {
        var fixture = Fixture()
        var first = fixture.venue("33010610000123")
        var second = fixture.venue("33010610000456")
        let minorCert = residentID(birth: "20100101")
        fixture.session(&first, terminal: "012", cert: minorCert, from: "2026-11-29 01:00", to: "2026-11-29 02:00")
        fixture.session(&second, terminal: "007", cert: minorCert, from: "2026-11-29 01:30", to: "2026-11-29 03:00")
        fixture.session(
            &second, terminal: "008", cert: withWrongCheck(residentID(birth: "19900101")), user: .staff,
            checkout: .manual, from: "2026-11-29 09:00", to: "2026-11-29 10:00")
        fixture.heartbeats(&first, terminal: "099", from: "2026-11-29 12:00", to: "2026-11-29 12:30")
        fixture.sighting(&first, terminal: "012", ip: "192.168.1.11")
        return Fixture.Dump(fixture: fixture, venues: [first, second])
    }

    @Test func findingsAreSortedDeterministicAndCountedPerDetector() {
        let dump = dump()
        let result = runDetectors(venues: dump.venues, context: dump.fixture.context)
        let again = runDetectors(venues: dump.venues, context: dump.fixture.context)
        #expect(result.findings == again.findings)
        #expect(result.findings == result.findings.sorted(by: findingPrecedes))
        #expect(Set(result.findings.map(\.key)).count == result.findings.count)
        #expect(result.findingsPerDetector[.minor] == 2)
        #expect(result.findingsPerDetector[.idSharing] == 2)  // one cert in two venues at once: one at each
        #expect(result.findingsPerDetector[.invalidID] == 1)
        #expect(result.findingsPerDetector[.unbilledUse] == 1)
        #expect(result.findingsPerDetector[.manualBilling] == 1)
        #expect(result.findingsPerDetector[.ipMismatch] == 0)
        #expect(result.findingsPerDetector.count == DetectorID.allCases.count)
        #expect(result.missingInputs[.ipMismatch]?.first?.en.hasPrefix("registry") == true)
        for finding in result.findings {
            if let cert = finding.cert { #expect(!finding.summary.contains(cert)) }
        }
    }
}

extension Fixture {
    struct Dump {
        var fixture: Fixture
        var venues: [VenueSlice]
    }
}
