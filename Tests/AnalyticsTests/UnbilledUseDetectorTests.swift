import Analytics
import LogFormats
import Testing

@Suite struct UnbilledUseDetectorTests {
    /// A venue that bills: one session on a terminal the tests leave alone, late in the day.
    private func billedVenue(_ fixture: inout Fixture) -> VenueSlice {
        var venue = fixture.venue()
        fixture.session(
            &venue, terminal: "099", cert: residentID(birth: "19800101"), from: "2026-11-28 20:00",
            to: "2026-11-28 21:00")
        return venue
    }

    @Test func runOfTenMinutesIsFound() {
        var fixture = Fixture()
        var venue = billedVenue(&fixture)
        fixture.heartbeats(&venue, terminal: "012", from: "2026-11-28 10:00", to: "2026-11-28 10:10")
        let result = fixture.run(UnbilledUseDetector(), [venue])
        #expect(result.findings.count == 1)
        let finding = result.findings[0]
        #expect(finding.terminal == "012")
        #expect(finding.startSeconds == at("2026-11-28 10:00"))
        #expect(finding.endSeconds == at("2026-11-28 10:10"))
        #expect(finding.evidence == [SourceRef(fileID: 1, line: 2), SourceRef(fileID: 1, line: 12)])
        #expect(finding.severity == .high)
    }

    /// FORMATS.md §4: a venue with audit use and no billing session anywhere in the dump is one finding for the
    /// whole venue, naming terminals and hours, its evidence every run's first and last heartbeat.
    @Test func venueWithNoBillingAtAllIsOneFinding() {
        var fixture = Fixture()
        var venue = fixture.venue()
        fixture.heartbeats(&venue, terminal: "012", from: "2026-11-28 10:00", to: "2026-11-28 10:10")  // lines 1-11
        fixture.heartbeats(&venue, terminal: "031", from: "2026-11-28 11:00", to: "2026-11-28 11:30")  // 12-42
        fixture.heartbeats(&venue, terminal: "031", from: "2026-11-28 14:00", to: "2026-11-28 14:09")  // too short
        let result = fixture.run(UnbilledUseDetector(), [venue])
        #expect(result.findings.count == 1)
        let finding = result.findings[0]
        #expect(finding.terminal == nil)
        #expect(finding.startSeconds == at("2026-11-28 10:00") && finding.endSeconds == at("2026-11-28 11:30"))
        #expect(finding.evidence.map(\.line) == [1, 11, 12, 42])
        #expect(finding.summary.contains("2 terminals in use for 0.7 hours"), "\(finding.summary)")
        #expect(finding.summary.contains("billing export is missing"))
        // The same heartbeats in a venue that bills are one finding per run, each with its terminal.
        var billing = Fixture()
        var billed = billedVenue(&billing)
        billing.heartbeats(&billed, terminal: "012", from: "2026-11-28 10:00", to: "2026-11-28 10:10")
        billing.heartbeats(&billed, terminal: "031", from: "2026-11-28 11:00", to: "2026-11-28 11:30")
        #expect(billing.run(UnbilledUseDetector(), [billed]).findings.map(\.terminal) == ["012", "031"])
    }

    @Test func runOneSecondShortIsNotFound() {
        var fixture = Fixture()
        var venue = billedVenue(&fixture)
        fixture.heartbeats(&venue, terminal: "012", from: "2026-11-28 10:00", to: "2026-11-28 10:09")
        fixture.heartbeat(&venue, terminal: "012", at: at("2026-11-28 10:09:59"))
        #expect(fixture.run(UnbilledUseDetector(), [venue]).findings.isEmpty)
    }

    @Test func heartbeatOnTheWidenedSessionEdgeIsInside() {
        // Session ends 09:58; widened by 2 minutes it covers 10:00, so the run is 10:01-10:10, 9 minutes.
        var fixture = Fixture()
        var venue = fixture.venue()
        fixture.session(&venue, terminal: "012", cert: residentID(birth: "19900101"), from: "2026-11-28 09:00", to: "2026-11-28 09:58")
        fixture.heartbeats(&venue, terminal: "012", from: "2026-11-28 10:00", to: "2026-11-28 10:10")
        #expect(fixture.run(UnbilledUseDetector(), [venue]).findings.isEmpty)
    }

    @Test func heartbeatOneSecondPastTheWidenedEdgeIsOutside() {
        var fixture = Fixture()
        var venue = fixture.venue()
        fixture.session(
            &venue, terminal: "012", cert: residentID(birth: "19900101"), from: "2026-11-28 09:00",
            to: "2026-11-28 09:57:59")
        fixture.heartbeats(&venue, terminal: "012", from: "2026-11-28 10:00", to: "2026-11-28 10:10")
        #expect(fixture.run(UnbilledUseDetector(), [venue]).findings.count == 1)
    }

    @Test func sessionOnAnotherTerminalDoesNotCover() {
        var fixture = Fixture()
        var venue = fixture.venue()
        fixture.session(&venue, terminal: "031", cert: residentID(birth: "19900101"), from: "2026-11-28 09:00", to: "2026-11-28 11:00")
        fixture.heartbeats(&venue, terminal: "012", from: "2026-11-28 10:00", to: "2026-11-28 10:10")
        #expect(fixture.run(UnbilledUseDetector(), [venue]).findings.count == 1)
    }

    @Test func silenceOfFiveMinutesContinuesButOneSecondMoreEndsTheRun() {
        var fixture = Fixture()
        var venue = billedVenue(&fixture)
        fixture.heartbeats(&venue, terminal: "012", from: "2026-11-28 10:00", to: "2026-11-28 10:05")
        fixture.heartbeats(&venue, terminal: "012", from: "2026-11-28 10:10", to: "2026-11-28 10:15")
        #expect(fixture.run(UnbilledUseDetector(), [venue]).findings.count == 1)

        var split = Fixture()
        var other = split.venue()
        split.heartbeats(&other, terminal: "012", from: "2026-11-28 10:00", to: "2026-11-28 10:05")
        split.heartbeats(&other, terminal: "012", from: "2026-11-28 10:10:01", to: "2026-11-28 10:16")
        #expect(split.run(UnbilledUseDetector(), [other]).findings.isEmpty)
    }

    @Test func anotherStateEndsTheRun() {
        var fixture = Fixture()
        var venue = fixture.venue()
        fixture.heartbeats(&venue, terminal: "012", from: "2026-11-28 10:00", to: "2026-11-28 10:05")
        fixture.heartbeat(&venue, terminal: "012", at: at("2026-11-28 10:05:30"), .idle)
        fixture.heartbeats(&venue, terminal: "012", from: "2026-11-28 10:06", to: "2026-11-28 10:10")
        #expect(fixture.run(UnbilledUseDetector(), [venue]).findings.isEmpty)
    }

    @Test func noHeartbeatsMeansNothingToJudge() {
        var fixture = Fixture()
        var venue = fixture.venue()
        fixture.session(&venue, terminal: "012", from: "2026-11-28 10:00", to: "2026-11-28 11:00")
        let result = fixture.run(UnbilledUseDetector(), [venue])
        #expect(result.findings.isEmpty)
        #expect(result.missing.isEmpty)
    }
}
