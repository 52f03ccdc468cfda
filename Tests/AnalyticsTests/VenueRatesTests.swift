import Analytics
import Ingest
import LogFormats
import Testing

/// The six rates of the inspection sheet, on tiny venues whose values are worked out by hand in the comments.
@Suite struct VenueRatesTests {
    static let code = "33010610000123"
    static let night = "2026-11-28"

    /// Runs the collector over `venues`, each a slice of `night` unless it names its own.
    static func rates(_ fixture: Fixture, _ venues: [VenueSlice]) -> [String: VenueRateRow] {
        var collector = VenueRatesCollector()
        for var venue in venues {
            if venue.night == nil { venue.night = night }
            collector.consume(venue, context: fixture.context)
        }
        var table: [String: VenueRateRow] = [:]
        for row in collector.finish() { table["\(row.night) \(row.rate)"] = row }
        return table
    }

    static func registry(_ terminals: [String: String]) -> Registry {
        var table: [String: Registry.Terminal] = [:]
        for (terminal, ip) in terminals { table[terminal] = Registry.Terminal(ipv4: ipv4(ip), mac: "") }
        return Registry(
            venues: [code: Registry.Venue(code: code, name: "x", billingSystem: "Pubwin", lanNetwork: nil, registeredTerminalCount: 3)],
            terminals: [code: table])
    }

    /// 012 in a session 10:00-11:00, heartbeats 09:59-10:30 each minute (INUSE), OK captures at 10:00, 10:10, 10:20;
    /// 013 in a session 10:00-10:10 with no audit data at all; 014 INUSE 12:00-12:20 with no session; the audit
    /// server's CONFIG events at 09:00 and 12:30 make the night's coverage 09:00-12:30.
    static func auditVenue(_ fixture: inout Fixture) -> VenueSlice {
        var venue = fixture.venue(code)
        fixture.audit(&venue, .config, at: "2026-11-28 09:00")
        fixture.session(&venue, terminal: "012", cert: residentID(birth: "19900101"), from: "2026-11-28 10:00", to: "2026-11-28 11:00")
        fixture.session(&venue, terminal: "013", cert: residentID(birth: "19900102"), from: "2026-11-28 10:00", to: "2026-11-28 10:10")
        fixture.heartbeats(&venue, terminal: "012", from: "2026-11-28 09:59", to: "2026-11-28 10:30")
        for time in ["10:00", "10:10", "10:20"] { fixture.snapshot(&venue, terminal: "012", at: "2026-11-28 \(time)") }
        fixture.heartbeats(&venue, terminal: "014", from: "2026-11-28 12:00", to: "2026-11-28 12:20")
        fixture.audit(&venue, .config, at: "2026-11-28 12:30")
        return venue
    }

    @Test func auditUseIsInUseTimeOutsideTheAuditGapsAndSilentTerminals() {
        var fixture = Fixture()
        let venue = Self.auditVenue(&fixture)
        let table = Self.rates(fixture, [venue])
        // In use: 012 3600 s + 013 600 s = 4200 s. 012's heartbeat gap 10:30-11:00 and OK-capture gap 10:20-11:00
        // (40 min >= 30) leave 10:00-10:20 = 1200 s covered; 013 sent nothing all night, so none of its 600 s is
        // (audit-gap alone would let a 10-minute silence pass).
        #expect(table["\(Self.night) audit-use"].map { [$0.numerator, $0.denominator] } == [1200, 4200])
    }

    @Test func screenshotsAreThirtyMinuteSlotsOfAuditedUseHoldingAnOKCapture() {
        var fixture = Fixture()
        let venue = Self.auditVenue(&fixture)
        let table = Self.rates(fixture, [venue])
        // 012: 10:00-11:00 is two 30-minute slots, only the first holds an OK capture; 013's 10 minutes make no
        // whole slot.
        #expect(table["\(Self.night) screenshot-upload"].map { [$0.numerator, $0.denominator] } == [1, 2])
    }

    @Test func billingUseIsInUseHeartbeatTimeInsideWidenedSessions() {
        var fixture = Fixture()
        let venue = Self.auditVenue(&fixture)
        let table = Self.rates(fixture, [venue])
        // INUSE runs: 012 09:59-10:30 = 1860 s, inside its session widened by 2 minutes; 014 12:00-12:20 = 1200 s,
        // no session. 1860 of 3060.
        #expect(table["\(Self.night) billing-use"].map { [$0.numerator, $0.denominator] } == [1860, 3060])
    }

    @Test func auditInstallCountsRegisteredTerminalsOrElseBillingTerminals() {
        var fixture = Fixture()
        let venue = Self.auditVenue(&fixture)
        // Without a registry: billing terminals 012 and 013, only 012 sent audit data.
        #expect(Self.rates(fixture, [venue])["\(Self.night) audit-install"].map { [$0.numerator, $0.denominator] } == [1, 2])
        // Registered 012, 013, 015: 012 sent audit data (014 did too, but it is not registered).
        fixture.registry = Self.registry(["012": "192.168.1.12", "013": "192.168.1.13", "015": "192.168.1.15"])
        #expect(Self.rates(fixture, [venue])["\(Self.night) audit-install"].map { [$0.numerator, $0.denominator] } == [1, 3])
    }

    @Test func auditStopStretchIsNeitherAuditedUseNorExpectedCaptures() {
        var fixture = Fixture()
        var venue = fixture.venue(Self.code)
        fixture.session(&venue, terminal: "012", cert: residentID(birth: "19900101"), from: "2026-11-28 10:00", to: "2026-11-28 11:00")
        fixture.heartbeats(&venue, terminal: "012", from: "2026-11-28 10:00", to: "2026-11-28 11:00")
        for minute in stride(from: 0, to: 60, by: 10) {
            fixture.snapshot(&venue, terminal: "012", at: "2026-11-28 10:\(minute == 0 ? "00" : String(minute))")
        }
        fixture.snapshot(&venue, terminal: "012", at: "2026-11-28 11:00")
        fixture.audit(&venue, .stop, at: "2026-11-28 10:00")
        fixture.audit(&venue, .start, at: "2026-11-28 10:30")
        let table = Self.rates(fixture, [venue])
        // The stop stretch 10:00-10:30 is uncovered: 1800 of 3600; only 10:30-11:00 is one slot, and it holds a capture.
        #expect(table["\(Self.night) audit-use"].map { [$0.numerator, $0.denominator] } == [1800, 3600])
        #expect(table["\(Self.night) screenshot-upload"].map { [$0.numerator, $0.denominator] } == [1, 1])
    }

    @Test func realNameCountsValidCertsOverCustomerSessions() {
        var fixture = Fixture()
        var venue = fixture.venue(Self.code)
        let span = (from: "2026-11-28 10:00", to: "2026-11-28 11:00")
        fixture.session(&venue, terminal: "001", cert: residentID(birth: "19900101"), from: span.from, to: span.to)  // valid
        fixture.session(&venue, terminal: "002", cert: withWrongCheck(residentID(birth: "19900101")), from: span.from, to: span.to)
        fixture.session(&venue, terminal: "003", cert: "", from: span.from, to: span.to)  // member with no cert
        fixture.session(&venue, terminal: "004", cert: "E12345678", certType: .passport, from: span.from, to: span.to)  // valid
        fixture.session(&venue, terminal: "005", cert: "330106800101001", from: span.from, to: span.to)  // 15 digits
        fixture.session(&venue, terminal: "006", cert: "", user: .staff, from: span.from, to: span.to)  // apart
        fixture.session(&venue, terminal: "007", cert: "", user: .unknown, from: span.from, to: span.to)  // taken for staff
        let table = Self.rates(fixture, [venue])
        #expect(table["\(Self.night) real-name"].map { [$0.numerator, $0.denominator] } == [2, 5])
        #expect(table["\(Self.night) count:sessions"]?.numerator == 7)
        #expect(table["\(Self.night) count:staff-sessions"]?.numerator == 1)
        #expect(table["\(Self.night) count:billing-terminals"]?.numerator == 7)
        // No audit data and no registry: 7 h in use with no audit covering any of it; no INUSE time (no
        // billing-use), no audited time (no screenshot slots), no registry (no ip-terminal).
        #expect(table["\(Self.night) audit-use"].map { [$0.numerator, $0.denominator] } == [0, 7 * 3600])
        #expect(table["\(Self.night) billing-use"] == nil)
        #expect(table["\(Self.night) screenshot-upload"] == nil)
        #expect(table["\(Self.night) ip-terminal"] == nil)
    }

    @Test func aVenueRegisteredByCountOnlyWhoseAuditSentNothingIsNotInstalled() {
        var fixture = Fixture()
        fixture.registry = Self.registry([:])  // 登记终端数 3, no terminal listed
        var venue = fixture.venue(Self.code)
        fixture.session(&venue, terminal: "001", cert: residentID(birth: "19900101"), from: "2026-11-28 10:00", to: "2026-11-28 11:00")
        let table = Self.rates(fixture, [venue])
        #expect(table["\(Self.night) audit-install"].map { [$0.numerator, $0.denominator] } == [0, 3])
    }

    @Test func ipTerminalCountsTerminalsIPMismatchLeavesAlone() {
        var fixture = Fixture()
        fixture.registry = Self.registry(["012": "192.168.1.12", "013": "192.168.1.13"])
        var venue = fixture.venue(Self.code)
        fixture.sighting(&venue, terminal: "012", ip: "192.168.1.12")  // matches
        fixture.sighting(&venue, terminal: "013", ip: "192.168.1.99")  // wrong IP
        fixture.sighting(&venue, terminal: "099", ip: "192.168.1.50")  // not registered
        let table = Self.rates(fixture, [venue])
        #expect(table["\(Self.night) ip-terminal"].map { [$0.numerator, $0.denominator] } == [1, 3])
        #expect(table["\(Self.night) count:audit-terminals"]?.numerator == 3)
    }

    @Test func aSliceOfNoNightIsCountedAndNotRated() {
        var fixture = Fixture()
        var venue = fixture.venue(Self.code)
        fixture.session(&venue, terminal: "001", cert: residentID(birth: "19900101"), from: "2026-11-28 10:00", to: "2026-11-28 11:00")
        var collector = VenueRatesCollector()
        collector.consume(venue, context: fixture.context)
        #expect(collector.finish().isEmpty)
        #expect(collector.slicesWithoutNight == 1)
    }

    @Test func eachNightOfAVenueIsRatedFromItsOwnSlice() {
        var fixture = Fixture()
        let first = Self.auditVenue(&fixture)
        // The next night's slice holds only a session without a cert: its real-name rate is its own, 0 of 1.
        var second = fixture.venue(Self.code)
        fixture.session(&second, terminal: "002", cert: "", from: "2026-11-29 10:00", to: "2026-11-29 11:00")
        second.night = "2026-11-29"
        let table = Self.rates(fixture, [first, second])
        #expect(table["\(Self.night) audit-use"].map { [$0.numerator, $0.denominator] } == [1200, 4200])
        #expect(table["2026-11-29 real-name"].map { [$0.numerator, $0.denominator] } == [0, 1])
        #expect(table["\(Self.night) real-name"] != table["2026-11-29 real-name"])
    }

    @Test func aVenueWithNothingToShareHasNoRates() {
        var fixture = Fixture()
        let venue = fixture.venue(Self.code)
        #expect(Self.rates(fixture, [venue]).isEmpty)
    }
}
