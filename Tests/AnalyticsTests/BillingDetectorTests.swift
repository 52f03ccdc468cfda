import Analytics
import LogFormats
import Testing

@Suite struct ManualBillingDetectorTests {
    /// A venue with `sessions` sessions, the first `manualSessions` checked out by hand, plus manual transactions.
    private func venue(
        _ fixture: inout Fixture, sessions: Int, manualSessions: Int, lateEntries: Int = 0, manualCharges: Int = 0
    ) -> VenueSlice {
        var venue = fixture.venue()
        for index in 0..<sessions {
            fixture.session(
                &venue, terminal: "0\(10 + index % 50)", cert: residentID(birth: "19900101"),
                checkout: index < manualSessions ? .manual : .normal, from: "2026-11-28 10:00:\(10 + index % 40)",
                to: "2026-11-28 11:00")
        }
        for _ in 0..<lateEntries { fixture.transaction(&venue, .lateEntry, at: "2026-11-28 12:00") }
        for _ in 0..<manualCharges { fixture.transaction(&venue, .manualCharge, at: "2026-11-28 12:30") }
        return venue
    }

    @Test func fiveItemsAreFoundEvenAtALowShare() {
        var fixture = Fixture()
        let slice = venue(&fixture, sessions: 100, manualSessions: 3, lateEntries: 1, manualCharges: 1)
        let findings = fixture.run(ManualBillingDetector(), [slice]).findings
        #expect(findings.count == 1)
        #expect(findings.first?.evidence.count == 5)
        #expect(findings.first?.terminal == nil)
        #expect(findings.first?.endSeconds == at("2026-11-28 12:30"))
    }

    @Test func fourItemsAtALowShareAreNotFound() {
        var fixture = Fixture()
        let slice = venue(&fixture, sessions: 100, manualSessions: 2, lateEntries: 1, manualCharges: 1)
        #expect(fixture.run(ManualBillingDetector(), [slice]).findings.isEmpty)
    }

    @Test func tenPercentIsFoundJustUnderIsNot() {
        var fixture = Fixture()
        let atShare = venue(&fixture, sessions: 20, manualSessions: 1, lateEntries: 1)
        #expect(fixture.run(ManualBillingDetector(), [atShare]).findings.count == 1)

        var under = Fixture()
        let underShare = venue(&under, sessions: 21, manualSessions: 1, lateEntries: 1)
        #expect(under.run(ManualBillingDetector(), [underShare]).findings.isEmpty)
    }

    @Test func otherTransactionKindsDoNotCount() {
        var fixture = Fixture()
        var slice = venue(&fixture, sessions: 100, manualSessions: 0)
        for kind in [TransactionKind.topUp, .refund, .checkOut, .changeTerminal, .goods] {
            fixture.transaction(&slice, kind, at: "2026-11-28 12:00")
        }
        #expect(fixture.run(ManualBillingDetector(), [slice]).findings.isEmpty)
    }

    @Test func venueWithoutSessionsIsJudgedByCountOnly() {
        var fixture = Fixture()
        let four = venue(&fixture, sessions: 0, manualSessions: 0, lateEntries: 4)
        #expect(fixture.run(ManualBillingDetector(), [four]).findings.isEmpty)
        let five = venue(&fixture, sessions: 0, manualSessions: 0, lateEntries: 5)
        #expect(fixture.run(ManualBillingDetector(), [five]).findings.count == 1)
    }
}

@Suite struct SecondBillingDetectorTests {
    private func fixtureWithSignatures() -> Fixture {
        var fixture = Fixture()
        fixture.signatures = Signatures(
            billingClients: ["PubwinClient.exe": "Pubwin", "wxclient.exe": "万象"], cardFreeTools: [])
        return fixture
    }

    private func registry(billingSystem: String) -> Registry {
        Registry(venues: [
            "33010610000123": Registry.Venue(
                code: "33010610000123", name: "Test", billingSystem: billingSystem, lanNetwork: nil,
                registeredTerminalCount: 10)
        ])
    }

    @Test func foreignClientAgainstTheRegistryIsFound() {
        var fixture = fixtureWithSignatures()
        fixture.registry = registry(billingSystem: "PUBWIN 2015")
        var venue = fixture.venue()
        fixture.process(&venue, terminal: "012", exe: "pubwinclient.exe", at: "2026-11-28 09:00")
        let first = fixture.process(&venue, terminal: "031", exe: "C:\\Tools\\WXClient.EXE", at: "2026-11-28 09:05")
        fixture.process(&venue, terminal: "031", exe: "wxclient.exe", at: "2026-11-28 09:30", .stop)
        let result = fixture.run(SecondBillingDetector(), [venue])
        #expect(result.findings.count == 1)
        #expect(result.findings.first?.terminal == "031")
        #expect(result.findings.first?.evidence == [first])
        #expect(result.findings.first?.severity == .high)
        #expect(result.missing.isEmpty)
    }

    @Test func registeredClientAloneIsNotFound() {
        var fixture = fixtureWithSignatures()
        fixture.registry = registry(billingSystem: "Pubwin")
        var venue = fixture.venue()
        fixture.process(&venue, terminal: "012", exe: "pubwinclient.exe", at: "2026-11-28 09:00")
        fixture.process(&venue, terminal: "012", exe: "notepad.exe", at: "2026-11-28 09:01")
        #expect(fixture.run(SecondBillingDetector(), [venue]).findings.isEmpty)
    }

    @Test func withoutRegistryTheMostRunClientIsHomeAndTiesGoToTheFirstName() {
        var fixture = fixtureWithSignatures()
        var venue = fixture.venue()
        fixture.process(&venue, terminal: "012", exe: "wxclient.exe", at: "2026-11-28 09:00")
        fixture.process(&venue, terminal: "013", exe: "wxclient.exe", at: "2026-11-28 09:01")
        fixture.process(&venue, terminal: "014", exe: "pubwinclient.exe", at: "2026-11-28 09:02")
        var result = fixture.run(SecondBillingDetector(), [venue])
        #expect(result.findings.count == 1)
        #expect(result.findings.first?.terminal == "014")
        #expect(result.missing.contains { $0.hasPrefix("registry") })

        fixture.process(&venue, terminal: "015", exe: "pubwinclient.exe", at: "2026-11-28 09:03")
        result = fixture.run(SecondBillingDetector(), [venue])  // 2 : 2, "Pubwin" sorts before "万象"
        // One finding per terminal that ran the foreign (万象) client.
        #expect(result.findings.map(\.terminal).sorted { ($0 ?? "") < ($1 ?? "") } == ["012", "013"])
    }

    @Test func withoutSignaturesTheProcessRuleSaysSoAndTheLogonRuleStillRuns() {
        var fixture = Fixture()
        var venue = fixture.venue()
        fixture.session(&venue, terminal: "012", from: "2026-11-28 10:00", to: "2026-11-28 11:00")
        fixture.process(&venue, terminal: "031", exe: "wxclient.exe", at: "2026-11-28 09:05")
        for minute in 0..<3 { fixture.online(&venue, terminal: "031", at: at("2026-11-28 10:0\(minute)")) }
        let result = fixture.run(SecondBillingDetector(), [venue])
        #expect(result.missing.contains { $0.hasPrefix("billing-client signatures") })
        #expect(result.findings.count == 1)
        #expect(result.findings.first?.evidence.count == 3)
    }

    @Test func orphanedLogonsNeedThreeAndFiveMinutesIsStillMatched() {
        var fixture = Fixture()
        var venue = fixture.venue()
        fixture.session(&venue, terminal: "012", from: "2026-11-28 10:00", to: "2026-11-28 11:00")
        fixture.session(&venue, terminal: "013", from: "2026-11-28 10:10", to: "2026-11-28 11:00")
        fixture.online(&venue, terminal: "012", at: at("2026-11-28 10:05"))  // exactly 5 min after: matched
        fixture.online(&venue, terminal: "013", at: at("2026-11-28 10:05"))  // exactly 5 min before: matched
        fixture.online(&venue, terminal: "012", at: at("2026-11-28 09:54:59"))  // 5 min 1 s: orphaned
        fixture.online(&venue, terminal: "020", at: at("2026-11-28 10:30"))  // no session: orphaned
        #expect(fixture.run(SecondBillingDetector(), [venue]).findings.isEmpty)

        let third = fixture.online(&venue, terminal: "013", at: at("2026-11-28 10:15:01"))
        let findings = fixture.run(SecondBillingDetector(), [venue]).findings
        #expect(findings.count == 1)
        #expect(findings.first?.evidence.count == 3)
        #expect(findings.first?.evidence.contains(third) == true)
    }

    @Test func venueWithoutBillingSessionsIsJudgedAndTheSummarySaysWhy() {
        var fixture = Fixture()
        var venue = fixture.venue()
        for minute in 0..<3 { fixture.online(&venue, terminal: "031", at: at("2026-11-28 10:0\(minute)")) }
        let found = fixture.run(SecondBillingDetector(), [venue]).findings
        #expect(found.count == 1)
        #expect(found.first?.summary.contains("missing export") == true)
        var two = Fixture()
        var short = two.venue()
        for minute in 0..<2 { two.online(&short, terminal: "031", at: at("2026-11-28 10:0\(minute)")) }
        #expect(two.run(SecondBillingDetector(), [short]).findings.isEmpty)
    }
}
