import Analytics
import LogFormats
import Testing

@Suite struct AfterHoursDetectorTests {
    private func findings(
        _ spans: [(String, String)], venueCode: String = "33010610000123", config: DetectorConfig = DetectorConfig()
    ) -> [Finding] {
        var fixture = Fixture()
        fixture.config = config
        var venue = fixture.venue(venueCode)
        for (index, span) in spans.enumerated() {
            fixture.session(&venue, terminal: "0\(10 + index)", from: span.0, to: span.1)
        }
        return fixture.run(AfterHoursDetector(), [venue]).findings
    }

    @Test func oneMinuteAfterMidnightIsFound() {
        let found = findings([("2026-11-28 23:00", "2026-11-29 00:01")])
        #expect(found.count == 1)
        #expect(found.first?.startSeconds == at("2026-11-29 00:00"))
        #expect(found.first?.endSeconds == at("2026-11-29 00:01"))
    }

    @Test func fiftyNineSecondsIsNotFound() {
        #expect(findings([("2026-11-28 23:00", "2026-11-29 00:00:59")]).isEmpty)
        #expect(findings([("2026-11-29 08:00", "2026-11-29 09:00")]).isEmpty)
    }

    @Test func lastMinuteOfTheWindowIsFound() {
        #expect(findings([("2026-11-29 07:59", "2026-11-29 09:00")]).count == 1)
    }

    @Test func eachSessionIsItsOwnFindingOnEachNightItCrosses() {
        let found = findings([
            ("2026-11-28 22:00", "2026-11-30 01:00"),  // spans two nights
            ("2026-11-29 01:00", "2026-11-29 02:00"),
        ])
        #expect(found.count == 3)
        #expect(found.allSatisfy { $0.evidence.count == 1 && $0.terminal != nil })
        // The long session's first night is its in-window stretch, 00:00 to 08:00.
        #expect(found.map { $0.endSeconds - $0.startSeconds }.contains(8 * 3600))
    }

    @Test func longestJurisdictionPrefixWins() throws {
        let config = try DetectorConfig.load(
            yamlText: """
                after-hours:
                  jurisdictions:
                    "3301": {start: "01:00", end: "08:00"}
                    "330106": {start: "02:00", end: "06:00"}
                """)
        let session = [("2026-11-29 01:30", "2026-11-29 01:45")]
        #expect(findings(session, venueCode: "33010610000123", config: config).isEmpty)
        #expect(findings(session, venueCode: "33010210000123", config: config).count == 1)
        #expect(findings([("2026-11-29 00:10", "2026-11-29 00:50")], venueCode: "33010210000123", config: config).isEmpty)
        #expect(findings([("2026-11-29 00:10", "2026-11-29 00:50")], venueCode: "44030510000123", config: config).count == 1)
    }

    @Test func windowRunningPastMidnightBelongsToTheDayItOpens() throws {
        let config = try DetectorConfig.load(yamlText: "after-hours: {window: {start: \"22:00\", end: \"06:00\"}}")
        let found = findings([("2026-11-28 21:00", "2026-11-28 22:30"), ("2026-11-29 05:00", "2026-11-29 07:00")], config: config)
        #expect(found.count == 2)
        // 22:00-22:30 and 05:00-06:00 of the window that opened at 22:00 on the 28th.
        #expect(found.map { $0.endSeconds - $0.startSeconds }.sorted() == [1800, 3600])
    }
}

@Suite struct AuditGapDetectorTests {
    /// A venue covered 09:00-13:00 with a session on 012 from 10:00 to 11:00 and OK snapshots every 10 minutes.
    private func venue(_ fixture: inout Fixture) -> VenueSlice {
        var venue = fixture.venue()
        venue.auditCoverage = at("2026-11-28 09:00")...at("2026-11-28 13:00")
        fixture.session(&venue, terminal: "012", from: "2026-11-28 10:00", to: "2026-11-28 11:00")
        for minute in stride(from: 0, through: 60, by: 10) {
            let time = minute == 60 ? "2026-11-28 11:00" : "2026-11-28 10:\(minute == 0 ? "00" : "\(minute)")"
            fixture.snapshot(&venue, terminal: "012", at: time)
        }
        return venue
    }

    @Test func heartbeatGapOfFifteenMinutesIsFound() {
        var fixture = Fixture()
        var slice = venue(&fixture)
        fixture.heartbeats(&slice, terminal: "012", from: "2026-11-28 10:00", to: "2026-11-28 10:20")
        fixture.heartbeats(&slice, terminal: "012", from: "2026-11-28 10:35", to: "2026-11-28 11:00")
        let found = fixture.run(AuditGapDetector(), [slice]).findings
        #expect(found.count == 1)
        #expect(found.first?.terminal == "012")
        #expect(found.first?.startSeconds == at("2026-11-28 10:20"))
        #expect(found.first?.endSeconds == at("2026-11-28 10:35"))
        #expect(found.first?.evidence.count == 3)  // two bounding heartbeats and the session
    }

    @Test func heartbeatGapOneSecondShortIsNotFound() {
        var fixture = Fixture()
        var slice = venue(&fixture)
        fixture.heartbeats(&slice, terminal: "012", from: "2026-11-28 10:00", to: "2026-11-28 10:20")
        fixture.heartbeats(&slice, terminal: "012", from: "2026-11-28 10:34:59", to: "2026-11-28 11:00")
        #expect(fixture.run(AuditGapDetector(), [slice]).findings.isEmpty)
    }

    @Test func sessionStartToFirstHeartbeatCountsButOnlyInsideCoverage() {
        var fixture = Fixture()
        var slice = venue(&fixture)
        fixture.heartbeats(&slice, terminal: "012", from: "2026-11-28 10:15", to: "2026-11-28 11:00")
        #expect(fixture.run(AuditGapDetector(), [slice]).findings.count == 1)

        slice.auditCoverage = at("2026-11-28 10:00:01")...at("2026-11-28 13:00")
        #expect(fixture.run(AuditGapDetector(), [slice]).findings.isEmpty)
    }

    @Test func snapshotGapOfThirtyMinutesIsFoundFailedSnapshotsDoNotCount() {
        var fixture = Fixture()
        var slice = fixture.venue()
        slice.auditCoverage = at("2026-11-28 09:00")...at("2026-11-28 13:00")
        fixture.session(&slice, terminal: "012", from: "2026-11-28 10:00", to: "2026-11-28 10:50")
        fixture.heartbeats(&slice, terminal: "012", from: "2026-11-28 10:00", to: "2026-11-28 10:50")
        fixture.snapshot(&slice, terminal: "012", at: "2026-11-28 10:00")
        fixture.snapshot(&slice, terminal: "012", at: "2026-11-28 10:15", ok: false)
        fixture.snapshot(&slice, terminal: "012", at: "2026-11-28 10:29:59")
        fixture.snapshot(&slice, terminal: "012", at: "2026-11-28 10:50")
        #expect(fixture.run(AuditGapDetector(), [slice]).findings.isEmpty)

        var late = Fixture()
        var other = late.venue()
        other.auditCoverage = at("2026-11-28 09:00")...at("2026-11-28 13:00")
        late.session(&other, terminal: "012", from: "2026-11-28 10:00", to: "2026-11-28 10:50")
        late.heartbeats(&other, terminal: "012", from: "2026-11-28 10:00", to: "2026-11-28 10:50")
        late.snapshot(&other, terminal: "012", at: "2026-11-28 10:00")
        late.snapshot(&other, terminal: "012", at: "2026-11-28 10:15", ok: false)
        late.snapshot(&other, terminal: "012", at: "2026-11-28 10:30")
        late.snapshot(&other, terminal: "012", at: "2026-11-28 10:50")
        let found = late.run(AuditGapDetector(), [other]).findings
        #expect(found.count == 1)
        #expect(found.first?.summary.contains("screen capture") == true)
    }

    @Test func gapInsideAStopStretchBelongsToTheStop() {
        var fixture = Fixture()
        var slice = venue(&fixture)
        let stop = fixture.audit(&slice, .stop, at: "2026-11-28 10:20")
        let start = fixture.audit(&slice, .start, at: "2026-11-28 10:40")
        fixture.heartbeats(&slice, terminal: "012", from: "2026-11-28 10:00", to: "2026-11-28 10:20")
        fixture.heartbeats(&slice, terminal: "012", from: "2026-11-28 10:40", to: "2026-11-28 11:00")
        let found = fixture.run(AuditGapDetector(), [slice]).findings
        #expect(found.count == 1)
        #expect(found.first?.terminal == nil)
        #expect(found.first?.evidence == [stop, start])
        #expect(found.first?.endSeconds == at("2026-11-28 10:40"))
        #expect(found.first?.severity == .high)
    }

    @Test func stopWithoutRestartLastsToTheEndOfCoverageAndTamperIsItsOwnCase() {
        var fixture = Fixture()
        var slice = venue(&fixture)
        fixture.heartbeats(&slice, terminal: "012", from: "2026-11-28 10:00", to: "2026-11-28 11:00")
        fixture.audit(&slice, .tamper, at: "2026-11-28 09:30")
        fixture.audit(&slice, .stop, at: "2026-11-28 12:00")
        let found = fixture.run(AuditGapDetector(), [slice]).findings
        #expect(found.count == 2)
        #expect(found[0].startSeconds == at("2026-11-28 09:30"))
        #expect(found[1].endSeconds == at("2026-11-28 13:00"))
    }

    @Test func venueWithoutAuditDataSaysSo() {
        var fixture = Fixture()
        var slice = fixture.venue()
        fixture.session(&slice, terminal: "012", from: "2026-11-28 10:00", to: "2026-11-28 11:00")
        let result = fixture.run(AuditGapDetector(), [slice])
        #expect(result.findings.isEmpty)
        #expect(result.missing.contains { $0.hasPrefix("audit log") })
    }
}

@Suite struct IPMismatchDetectorTests {
    @Test func matchingAddressesAndUnseenTerminalsAreNotFound() {
        var fixture = Fixture()
        fixture.registry = twoTerminalRegistry()
        var slice = fixture.venue()
        fixture.sighting(&slice, terminal: "001", ip: "192.168.1.11", mac: "00-1A-2B-3C-4D-01")
        fixture.sighting(&slice, terminal: "001", ip: nil)
        let result = fixture.run(IPMismatchDetector(), [slice])
        #expect(result.findings.isEmpty)
        #expect(result.missing.isEmpty)
    }

    @Test func wrongIPOrMACIsFound() {
        var fixture = Fixture()
        fixture.registry = twoTerminalRegistry()
        var slice = fixture.venue()
        let wrongIP = fixture.sighting(&slice, terminal: "001", ip: "192.168.1.99", mac: "00-1A-2B-3C-4D-01")
        let wrongMAC = fixture.sighting(&slice, terminal: "002", ip: "192.168.1.12", mac: "00-1A-2B-3C-4D-FF")
        let found = fixture.run(IPMismatchDetector(), [slice]).findings
        #expect(found.map(\.terminal) == ["001", "002"])
        #expect(found[0].evidence == [wrongIP])
        #expect(found[1].evidence == [wrongMAC])
        #expect(found.allSatisfy { $0.severity == .medium })
    }

    @Test func ipOutsideTheLANIsHighAndAnUnregisteredTerminalIsFound() {
        var fixture = Fixture()
        fixture.registry = twoTerminalRegistry()
        var slice = fixture.venue()
        fixture.sighting(&slice, terminal: "001", ip: "10.0.0.5", mac: "00-1A-2B-3C-4D-01")
        fixture.sighting(&slice, terminal: "009", ip: "192.168.1.50")
        let found = fixture.run(IPMismatchDetector(), [slice]).findings
        #expect(found.count == 2)
        #expect(found[0].severity == .high)
        #expect(found[1].terminal == "009")
        #expect(found[1].summary.contains("not in the registry"))
    }

    @Test func withoutRegistryTheRuleDoesNotRunAndSaysSo() {
        var fixture = Fixture()
        var slice = fixture.venue()
        fixture.sighting(&slice, terminal: "001", ip: "192.168.1.11")
        fixture.sighting(&slice, terminal: "002", ip: "192.168.1.11")
        fixture.sighting(&slice, terminal: "003", ip: "10.0.0.3")
        let result = fixture.run(IPMismatchDetector(), [slice])
        #expect(result.missing.contains { $0.hasPrefix("registry") })
        #expect(result.findings.isEmpty)
    }

    @Test func aSharedIPIsReportedOnTheTerminalThatIsNotItsRegisteredHolder() {
        var fixture = Fixture()
        fixture.registry = twoTerminalRegistry()
        var slice = fixture.venue()
        // 002 took 001's registered IP; 001 is on its own.
        fixture.sighting(&slice, terminal: "001", ip: "192.168.1.11", mac: "00-1A-2B-3C-4D-01")
        fixture.sighting(&slice, terminal: "002", ip: "192.168.1.11", mac: "00-1A-2B-3C-4D-02")
        let found = fixture.run(IPMismatchDetector(), [slice]).findings
        #expect(found.map(\.terminal) == ["002"])
        #expect(found.first?.summary.contains("shared IP 192.168.1.11 with terminal 001") == true)
    }

    @Test func everyTerminalOfAVenueMissingFromTheRegistryIsNamed() {
        var fixture = Fixture()
        fixture.registry = twoTerminalRegistry()
        var slice = fixture.venue("44030510000999")
        fixture.sighting(&slice, terminal: "001", ip: "192.168.1.11")
        fixture.sighting(&slice, terminal: "002", ip: "192.168.1.12")
        let found = fixture.run(IPMismatchDetector(), [slice]).findings
        #expect(found.map(\.terminal) == ["001", "002"])
        #expect(found.allSatisfy { $0.summary.contains("nor is the venue") })
    }
}
