import Analytics
import LogFormats
import Testing

@Suite struct CardFreeLoginDetectorTests {
    private let cert = residentID(birth: "19900101")

    /// A venue with one member session at 10:00 and one swipe of `cert` at `swipeTime`.
    private func run(
        swipeAt swipeTime: String, result: SwipeResult = .ok, swipeCert: String? = nil, user: UserType = .member
    ) -> [Finding] {
        var fixture = Fixture()
        var venue = fixture.venue()
        fixture.swipe(&venue, cert: swipeCert ?? cert, at: at(swipeTime), result)
        fixture.session(&venue, terminal: "012", cert: cert, user: user, from: "2026-11-28 10:00", to: "2026-11-28 11:00")
        return fixture.run(CardFreeLoginDetector(), [venue]).findings
    }

    @Test func swipeThirtyMinutesBeforeCounts() { #expect(run(swipeAt: "2026-11-28 09:30").isEmpty) }

    @Test func swipeThirtyMinutesAndOneSecondBeforeDoesNot() {
        let findings = run(swipeAt: "2026-11-28 09:29:59")
        #expect(findings.count == 1)
        #expect(findings.first?.cert == cert)
        #expect(findings.first?.terminal == "012")
        #expect(findings.first?.evidence.count == 2)  // the session and the too-early swipe
        #expect(findings.first?.summary.contains(cert) == false)
    }

    @Test func swipeAtTheStartCountsAndOneSecondAfterDoesNot() {
        #expect(run(swipeAt: "2026-11-28 10:00").isEmpty)
        #expect(run(swipeAt: "2026-11-28 10:00:01").count == 1)
    }

    @Test func failedSwipeOrAnotherCertDoesNotCount() {
        #expect(run(swipeAt: "2026-11-28 09:50", result: .demagnetised).count == 1)
        #expect(run(swipeAt: "2026-11-28 09:50", swipeCert: residentID(birth: "19900102")).count == 1)
    }

    @Test func staffSessionsAreExempt() {
        #expect(run(swipeAt: "2026-11-28 08:00", user: .staff).isEmpty)
        #expect(run(swipeAt: "2026-11-28 08:00", user: .temporary).count == 1)
    }

    @Test func venueWithoutAnySwipeIsNotJudgedAndSaysSo() {
        var fixture = Fixture()
        var venue = fixture.venue()
        fixture.session(&venue, terminal: "012", cert: cert, from: "2026-11-28 10:00", to: "2026-11-28 11:00")
        let result = fixture.run(CardFreeLoginDetector(), [venue])
        #expect(result.findings.isEmpty)
        #expect(result.missing.contains { $0.hasPrefix("SWIPE events") })
        #expect(result.missing.contains { $0.hasPrefix("card-free-tool signatures") })
    }

    @Test func cardFreeToolIsFoundCaseInsensitively() {
        var fixture = Fixture()
        fixture.signatures = Signatures(billingClients: [:], cardFreeTools: ["mianshua.exe"])
        var venue = fixture.venue()
        let start = fixture.process(&venue, terminal: "012", exe: "MianShua.EXE", at: "2026-11-28 10:00")
        fixture.process(&venue, terminal: "012", exe: "MianShua.EXE", at: "2026-11-28 10:30", .stop)
        fixture.process(&venue, terminal: "012", exe: "mianshua2.exe", at: "2026-11-28 10:40")
        let result = fixture.run(CardFreeLoginDetector(), [venue])
        #expect(result.findings.count == 1)
        #expect(result.findings.first?.evidence == [start])
        #expect(result.findings.first?.severity == .high)
        #expect(result.missing.isEmpty)  // signatures given, and no venue with sessions lacks swipes
    }
}

@Suite struct IDSharingDetectorTests {
    /// Records that name no terminal (an anonymised platform export) are counted, and said to name none.
    @Test func eightRecordsWithoutTerminalsAreCountedAndSaidSo() {
        var fixture = Fixture()
        var venue = fixture.venue()
        for visit in 0..<8 {
            let start = at("2026-11-28 08:00") + Int64(visit * 5400)
            let source = fixture.ref()
            venue.sessions.append(
                terminal: 0, cert: fixture.symbols.intern("4911D1B9AA77F09FB6"), certType: .anonymisedPersonID,
                userType: .unknown, checkout: .unknown, startSeconds: start, endSeconds: start + 3600, isOpen: false,
                amountFen: 0, source: source)
        }
        let findings = fixture.run(IDSharingDetector(), [venue]).findings
        #expect(findings.count == 1)
        #expect(findings.first?.summary == "One cert opened 8 sessions at the venue (the records name no terminal) within 24 hours.")
    }

    private let cert = residentID(birth: "19900101")

    private func overlapFindings(secondStart: String, secondTerminal: String = "031") -> [Finding] {
        var fixture = Fixture()
        var venue = fixture.venue()
        fixture.session(&venue, terminal: "012", cert: cert, from: "2026-11-28 10:00", to: "2026-11-28 11:00")
        fixture.session(&venue, terminal: secondTerminal, cert: cert, from: secondStart, to: "2026-11-28 12:00")
        return fixture.run(IDSharingDetector(), [venue]).findings
    }

    @Test func overlapOfOneMinuteIsFound() {
        let findings = overlapFindings(secondStart: "2026-11-28 10:59")
        #expect(findings.count == 1)
        #expect(findings.first?.severity == .high)
        #expect(findings.first?.terminal == "012")
        #expect(findings.first?.cert == cert)
        #expect(findings.first?.evidence.count == 2)
        #expect(findings.first?.endSeconds == at("2026-11-28 12:00"))
    }

    @Test func overlapOfFiftyNineSecondsIsNotFound() {
        #expect(overlapFindings(secondStart: "2026-11-28 10:59:01").isEmpty)
    }

    @Test func overlapOnTheSameTerminalIsNotSharing() {
        #expect(overlapFindings(secondStart: "2026-11-28 10:30", secondTerminal: "012").isEmpty)
    }

    @Test func overlapAcrossVenuesIsOneFindingAtEachVenue() {
        var fixture = Fixture()
        var first = fixture.venue("33010610000123")
        var second = fixture.venue("33010610000456")
        let early = fixture.session(&second, terminal: "007", cert: cert, from: "2026-11-28 09:50", to: "2026-11-28 10:30")
        let late = fixture.session(&first, terminal: "012", cert: cert, from: "2026-11-28 10:00", to: "2026-11-28 11:00")
        let findings = fixture.run(IDSharingDetector(), [first, second]).findings
        #expect(findings.map(\.venue).sorted() == ["33010610000123", "33010610000456"])
        #expect(findings.first { $0.venue == "33010610000456" }?.terminal == "007")
        #expect(findings.first { $0.venue == "33010610000123" }?.terminal == "012")
        #expect(findings.allSatisfy { $0.evidence == [early, late].sorted() })
        #expect(findings.allSatisfy { $0.summary.contains("33010610000123") && $0.summary.contains("33010610000456") })
    }

    private func frequencyFindings(sessions: Int, lastStart: String) -> [Finding] {
        var fixture = Fixture()
        var venue = fixture.venue()
        for index in 0..<(sessions - 1) {
            fixture.session(
                &venue, terminal: "0\(10 + index)", cert: cert, from: "2026-11-28 1\(index):00",
                to: "2026-11-28 1\(index):30")
        }
        fixture.session(&venue, terminal: "099", cert: cert, from: lastStart, to: "2026-11-29 11:00")
        return fixture.run(IDSharingDetector(), [venue]).findings
    }

    @Test func eightSessionsWithin24HoursAreFound() {
        let findings = frequencyFindings(sessions: 8, lastStart: "2026-11-29 10:00")
        #expect(findings.count == 1)
        #expect(findings.first?.evidence.count == 8)
        #expect(findings.first?.terminal == nil)
        #expect(findings.first?.severity == .medium)
    }

    @Test func sevenSessionsOrEightSpanningOneSecondMoreAreNotFound() {
        #expect(frequencyFindings(sessions: 7, lastStart: "2026-11-29 09:00").isEmpty)
        #expect(frequencyFindings(sessions: 8, lastStart: "2026-11-29 10:00:01").isEmpty)
    }
}

@Suite struct StaffCardDetectorTests {
    private func findings(terminals: [String], lastStart: String = "2026-11-29 10:00", lastUser: UserType = .staff)
        -> [Finding]
    {
        var fixture = Fixture()
        var venue = fixture.venue()
        for (index, terminal) in terminals.enumerated() {
            let isLast = index == terminals.count - 1
            fixture.session(
                &venue, terminal: terminal, user: isLast ? lastUser : .staff,
                from: isLast ? lastStart : "2026-11-28 1\(index):00", to: "2026-11-29 11:00")
        }
        return fixture.run(StaffCardDetector(), [venue]).findings
    }

    @Test func threeTerminalsWithin24HoursAreFound() {
        let found = findings(terminals: ["001", "002", "003"])
        #expect(found.count == 1)
        #expect(found.first?.evidence.count == 3)
        #expect(found.first?.startSeconds == at("2026-11-28 10:00"))
    }

    @Test func twoDistinctTerminalsAreNotFound() {
        #expect(findings(terminals: ["001", "002", "002"]).isEmpty)
    }

    @Test func thirdTerminalOneSecondPastTheWindowIsNotFound() {
        #expect(findings(terminals: ["001", "002", "003"], lastStart: "2026-11-29 10:00:01").isEmpty)
    }

    @Test func memberSessionsDoNotCount() {
        #expect(findings(terminals: ["001", "002", "003"], lastUser: .member).isEmpty)
    }
}

@Suite struct InvalidIDDetectorTests {
    private func findings(_ cert: String, type: CertType = .residentID, sessions: Int = 1) -> [Finding] {
        var fixture = Fixture()
        var venue = fixture.venue()
        for index in 0..<sessions {
            fixture.session(
                &venue, terminal: "012", cert: cert, certType: type, from: "2026-11-28 1\(index):00",
                to: "2026-11-28 1\(index):30")
        }
        return fixture.run(InvalidIDDetector(), [venue]).findings
    }

    @Test func validIDIsNotFound() { #expect(findings(residentID(birth: "19900101")).isEmpty) }

    @Test func wrongCheckCharacterIsOneFindingPerSession() {
        let found = findings(withWrongCheck(residentID(birth: "19900101")), sessions: 2)
        #expect(found.count == 2)
        #expect(found.allSatisfy { $0.evidence.count == 1 && $0.terminal == "012" })
        #expect(found.first?.severity == .high)
        #expect(found.first?.summary.contains("check character") == true)
    }

    @Test func impossibleDateIsFoundEvenWithAMatchingCheckCharacter() {
        let found = findings(residentID(birth: "19900230"))
        #expect(found.count == 1)
        #expect(found.first?.summary.contains("birth date") == true)
    }

    @Test func fifteenDigitIDIsFoundAsMedium() {
        let found = findings("330106900101123", type: .temporaryID)
        #expect(found.count == 1)
        #expect(found.first?.severity == .medium)
    }

    @Test func otherCertTypesAreNotChecked() {
        #expect(findings("330106900101123", type: .drivingLicence).isEmpty)
        #expect(findings("E12345678", type: .passport).isEmpty)
    }
}

@Suite struct MinorDetectorTests {
    private func findings(birth: String, sessionStart: String, cert: String? = nil, type: CertType = .residentID)
        -> [Finding]
    {
        var fixture = Fixture()
        var venue = fixture.venue()
        fixture.session(
            &venue, terminal: "012", cert: cert ?? residentID(birth: birth), certType: type, from: sessionStart,
            to: "2026-11-29 23:00")
        return fixture.run(MinorDetector(), [venue]).findings
    }

    /// FORMATS.md §3.6: an anonymised export's BIRTHDAY gives `minor` its age; a resident ID keeps its own date.
    @Test func aGivenBirthDateJudgesAPersonIDButNotAResidentID() {
        func run(cert: String, type: CertType, birthDate: Int64) -> [Finding] {
            var fixture = Fixture()
            var venue = fixture.venue()
            let source = fixture.ref()
            venue.sessions.append(
                terminal: fixture.symbols.intern("012"), cert: fixture.symbols.intern(cert), certType: type,
                userType: .unknown, checkout: .unknown, startSeconds: at("2026-11-28 15:00"),
                endSeconds: at("2026-11-28 17:00"), isOpen: false, amountFen: 0, birthDate: birthDate, source: source)
            return fixture.run(MinorDetector(), [venue]).findings
        }
        // Turns 18 the day after the session: a minor; turns 18 that day: not.
        let minor = run(cert: "4911D1B9AA77F09FB6", type: .anonymisedPersonID, birthDate: 20_081_129)
        #expect(minor.count == 1 && minor[0].summary.contains("birth date the export gives"))
        #expect(run(cert: "4911D1B9AA77F09FB6", type: .anonymisedPersonID, birthDate: 20_081_128).isEmpty)
        // An adult's valid resident ID with a wrong BIRTHDAY beside it is judged by the ID.
        #expect(run(cert: residentID(birth: "19900101"), type: .residentID, birthDate: 20_100_101).isEmpty)
    }

    @Test func aBirthDateAfterTheSessionIsInvalidNotAMinor() {
        // A real date with a right check character, but the holder is not born yet on the session day.
        #expect(findings(birth: "20270101", sessionStart: "2026-11-28 10:00").isEmpty)
        var fixture = Fixture()
        var venue = fixture.venue()
        fixture.session(
            &venue, terminal: "012", cert: residentID(birth: "20270101"), from: "2026-11-28 10:00",
            to: "2026-11-28 11:00")
        let invalid = fixture.run(InvalidIDDetector(), [venue]).findings
        #expect(invalid.count == 1)
        #expect(invalid.first?.summary.contains("after the session") == true)
    }

    @Test func dayBeforeThe18thBirthdayIsAMinor() {
        let found = findings(birth: "20081129", sessionStart: "2026-11-28 23:59:59")
        #expect(found.count == 1)
        #expect(found.first?.severity == .high)
        #expect(found.first?.summary.contains("17") == true)
    }

    @Test func the18thBirthdayInLocalTimeIsNotAMinor() {
        // 00:00 local on the birthday is still 2026-11-28 in UTC: the local date must be used.
        #expect(findings(birth: "20081129", sessionStart: "2026-11-29 00:00").isEmpty)
    }

    @Test func leapDayBirthdayTurns18OnTheFirstOfMarchInACommonYear() {
        #expect(findings(birth: "20080229", sessionStart: "2026-02-28 23:00").count == 1)
        #expect(findings(birth: "20080229", sessionStart: "2026-03-01 00:00").isEmpty)
    }

    @Test func invalidIDOrOtherCertTypeIsNotJudged() {
        #expect(findings(birth: "20100101", sessionStart: "2026-11-28 12:00", cert: withWrongCheck(residentID(birth: "20100101"))).isEmpty)
        #expect(findings(birth: "20100101", sessionStart: "2026-11-28 12:00", type: .passport).isEmpty)
        #expect(findings(birth: "20100101", sessionStart: "2026-11-28 12:00", type: .temporaryID).count == 1)
    }
}
