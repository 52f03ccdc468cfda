import Analytics
import LogFormats
import Testing

@Suite struct UnbilledUseDetectorTests {
    @Test func runOfTenMinutesIsFound() {
        var fixture = Fixture()
        var venue = fixture.venue()
        fixture.heartbeats(&venue, terminal: "012", from: "2026-11-28 10:00", to: "2026-11-28 10:10")
        let result = fixture.run(UnbilledUseDetector(), [venue])
        #expect(result.findings.count == 1)
        let finding = result.findings[0]
        #expect(finding.terminal == "012")
        #expect(finding.startSeconds == at("2026-11-28 10:00"))
        #expect(finding.endSeconds == at("2026-11-28 10:10"))
        #expect(finding.evidence == [SourceRef(fileID: 1, line: 1), SourceRef(fileID: 1, line: 11)])
        #expect(finding.severity == .high)
    }

    @Test func runOneSecondShortIsNotFound() {
        var fixture = Fixture()
        var venue = fixture.venue()
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
        var venue = fixture.venue()
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
