import LogFormats

// Injected scenarios (FORMATS.md §4). Each one triggers exactly its labelled detector, or none for a near
// miss: sessions in it still have their swipe, log-on, heartbeats and snapshots, and it has terminals of its own
// so that it cannot merge with another.

extension VenueBuilder {
    /// The end of what a venue-level label covers: the business day and the night after it.
    static let wholeNight = 86_400 + 8 * 3600

    func scenarioSession(
        _ terminal: Int, _ person: Int, _ start: Int, _ end: Int, kind: UserKind = .member,
        swipe: SwipePlan = .ordinary
    ) -> Session {
        Session(terminal: terminal, person: person, start: start, end: end, userKind: kind, swipe: swipe, isOrdinary: false)
    }

    private func overrideHeartbeats(_ terminal: Int, _ beats: [(Int, UInt8)]) {
        let times = beats.map(\.0)
        heartbeatOverrides[terminal, default: []].append((times.min() ?? 0, times.max() ?? 0, beats))
    }

    private func inUse(_ times: some Sequence<Int>) -> [(Int, UInt8)] { times.map { ($0, HeartbeatCode.inUse) } }

    /// Injects the scenarios that bring sessions or events of their own (all but the manual-billing ones).
    func injectScenario(_ unit: PlannedUnit) {
        let number = unit.number
        let detector = unit.kind.detector
        let jitter = random.int(0...1800)
        switch unit.kind {
        case .unbilledIdle:
            let terminal = reserveTerminal()
            let from = clock(15, 0) + jitter
            overrideHeartbeats(terminal, inUse(stride(from: from, through: from + 1200, by: 60)))
            truth(true, detector, terminal: terminal, from, from + 1200, "20 minutes of INUSE heartbeats, no session")
        case .unbilledAfterSession:
            let terminal = reserveTerminal()
            let person = scenarioPerson(unit: number, slot: 0)
            let start = clock(10, 0) + jitter
            add(scenarioSession(terminal, person, start, start + 7200))
            // INUSE goes on after the session: 12 minutes of it outside the 2-minute widening.
            overrideHeartbeats(terminal, inUse(stride(from: start + 7230, through: start + 8070, by: 60)))
            truth(true, detector, terminal: terminal, start + 7200, start + 8070, "INUSE 12 minutes after the session ended")
        case .unbilledNearShort:
            let terminal = reserveTerminal()
            let from = clock(16, 0) + jitter
            overrideHeartbeats(terminal, inUse(stride(from: from, through: from + 540, by: 60)) + inUse([from + 599]))
            truth(false, detector, terminal: terminal, from, from + 599, "INUSE run of 9 min 59 s, no session")
        case .unbilledNearBroken:
            let terminal = reserveTerminal()
            let first = clock(11, 0) + jitter
            overrideHeartbeats(
                terminal,
                inUse(stride(from: first, through: first + 360, by: 60)) + [(first + 420, HeartbeatCode.idle)]
                    + inUse(stride(from: first + 480, through: first + 840, by: 60)))
            truth(false, detector, terminal: terminal, first, first + 840, "two INUSE runs of 6 minutes split by IDLE")
            let second = clock(19, 0) + jitter
            overrideHeartbeats(
                terminal,
                inUse(stride(from: second, through: second + 240, by: 60))
                    + inUse(stride(from: second + 570, through: second + 1050, by: 60)))
            truth(false, detector, terminal: terminal, second, second + 1050, "INUSE runs of 4 and 8 minutes split by 5.5 minutes of silence")
        case .manualCount, .manualShare, .manualNear:
            break  // after all sessions exist: injectManualBilling(_:)
        case .secondBillingProcess:
            let terminal = reserveTerminal()
            let from = clock(16, 20) + jitter
            let foreign = (spec.billingIndex + 1 + random.below(Tables.billingSystems.count - 1))
                % Tables.billingSystems.count
            let client = Int(ProgramReference.billingClient) + foreign
            extraEvents.append(event(from, .process, terminal: terminal, argument: 0, reference: client))
            extraEvents.append(event(from + 2400, .process, terminal: terminal, argument: 1, reference: client))
            truth(true, detector, terminal: terminal, from, from + 2400,
                  "PROC START of \(Tables.billingSystems[foreign].clientExe) (\(Tables.billingSystems[foreign].system)) in a \(Tables.billingSystems[spec.billingIndex].system) venue")
        case .secondBillingOrphans:
            let base = clock(13, 0) + jitter
            for slot in 0..<3 {
                let terminal = reserveTerminal()
                let person = scenarioPerson(unit: number, slot: slot)
                let time = base + slot * 2400
                extraEvents.append(event(time, .online, terminal: terminal, reference: person))
                extraEvents.append(event(time + random.int(120...240), .offline, terminal: terminal, reference: person))
            }
            truth(true, detector, base, base + 2 * 2400 + 300, "3 ONLINE log-ons with no billing session within 5 minutes")
        case .secondBillingNear:
            let base = clock(12, 0) + jitter
            for slot in 0..<2 {
                let terminal = reserveTerminal()
                let person = scenarioPerson(unit: number, slot: slot)
                extraEvents.append(event(base + slot * 3000, .online, terminal: terminal, reference: person))
                extraEvents.append(event(base + slot * 3000 + 180, .offline, terminal: terminal, reference: person))
            }
            let terminal = reserveTerminal()
            var session = scenarioSession(terminal, scenarioPerson(unit: number, slot: 2), clock(17, 0) + jitter, clock(18, 30) + jitter)
            session.earlyOnlineSeconds = 299
            add(session)
            truth(false, detector, 0, Self.wholeNight, "2 orphaned ONLINEs, and one 4 min 59 s before its session")
        case .cardFreeNoSwipe, .cardFreeLateSwipe, .cardFreeFailedSwipe:
            let terminal = reserveTerminal()
            let person = scenarioPerson(unit: number, slot: 0)
            let start = clock(10, 30) + jitter * 3
            let (swipe, note): (SwipePlan, String) =
                switch unit.kind {
                case .cardFreeNoSwipe: (.none, "no swipe of the cert at all")
                case .cardFreeLateSwipe: (.secondsBefore(1801), "the only OK swipe is 30 min 1 s before the start")
                default: (.failedOnly, "only READ_FAIL and DEMAG swipes before the start")
                }
            add(scenarioSession(terminal, person, start, start + 5400, swipe: swipe))
            truth(true, detector, terminal: terminal, cert: person, start, start + 5400, note)
        case .cardFreeTool:
            let terminal = reserveTerminal()
            let from = clock(20, 0) + jitter
            extraEvents.append(event(from, .process, terminal: terminal, argument: 0, reference: Int(ProgramReference.cardFreeTool)))
            extraEvents.append(event(from + 3600, .process, terminal: terminal, argument: 1, reference: Int(ProgramReference.cardFreeTool)))
            truth(true, detector, terminal: terminal, from, from + 3600, "PROC START of \(Tables.cardFreeTool)")
        case .cardFreeNear:
            let plans: [(SwipePlan, String)] = [
                (.secondsBefore(1800), "OK swipe exactly 30 min before the start"),
                (.secondsBefore(1799), "OK swipe 29 min 59 s before the start"),
                (.lowerCaseX(400), "OK swipe with a lower-case x, session with X"),
            ]
            for (slot, plan) in plans.enumerated() {
                let terminal = reserveTerminal()
                let person = scenarioPerson(unit: number, slot: slot, checkX: slot == 2)
                let start = clock(9, 30) + jitter + slot * 9000
                add(scenarioSession(terminal, person, start, start + 4800, swipe: plan.0))
                truth(false, detector, terminal: terminal, cert: person, start, start + 4800, plan.1)
            }
        case .idSharingTerminals:
            let first = reserveTerminal()
            let second = reserveTerminal()
            let person = scenarioPerson(unit: number, slot: 0)
            let start = clock(14, 0) + jitter
            add(scenarioSession(first, person, start, start + 7200))
            add(scenarioSession(second, person, start + 5400, start + 9000))
            truth(true, detector, cert: person, start, start + 9000, "cert on terminals \(identities[first].number) and \(identities[second].number) at once for 30 minutes")
        case .idSharingVenues:
            let terminal = reserveTerminal()
            let person = scenarioPerson(unit: number, slot: 0)
            // Both venues derive the same times from the unit number.
            var shared = SeededRandom(seed: seed, stream: 0xC_0000 + UInt64(number))
            let start = clock(19, 0) + shared.int(0...1800)
            let (from, to) = unit.side == 0 ? (start, start + 7200) : (start + 3600, start + 10_800)
            add(scenarioSession(terminal, person, from, to))
            // Each venue the cert was used in at once gets its own finding.
            truth(true, detector, cert: person, start, start + 10_800, "cert here and in venue \(unit.partnerVenue ?? "?") at once for an hour")
        case .idSharingCount, .idSharingNear:
            let terminals = [reserveTerminal(), reserveTerminal()]
            let count = unit.kind == .idSharingCount ? 8 : 7
            let person = scenarioPerson(unit: number, slot: 0)
            let base = clock(9, 0) + jitter / 3
            for index in 0..<count {
                let start = base + index * 4500
                add(scenarioSession(terminals[index % 2], person, start, start + 2400))
            }
            truth(unit.kind == .idSharingCount, detector, cert: person, base, base + (count - 1) * 4500 + 2400, "\(count) sessions of one cert within a day")
            if unit.kind == .idSharingNear {
                let first = reserveTerminal()
                let second = reserveTerminal()
                let other = scenarioPerson(unit: number, slot: 1)
                let start = clock(14, 0) + jitter
                add(scenarioSession(first, other, start, start + 3659))
                add(scenarioSession(second, other, start + 3600, start + 7200))
                truth(false, detector, cert: other, start, start + 7200, "sessions on two terminals overlapping by 59 s")
            }
        case .staffCard, .staffNear:
            let staff = staffPerson()
            let terminals = unit.kind == .staffCard
                ? [reserveTerminal(), reserveTerminal(), reserveTerminal()]
                : { let pair = [reserveTerminal(), reserveTerminal()]; return [pair[0], pair[1], pair[0]] }()
            let starts = [clock(10, 0), clock(12, 30), clock(15, 0)].map { $0 + jitter }
            for (terminal, start) in zip(terminals, starts) {
                add(scenarioSession(terminal, staff, start, start + random.int(1800...3600), kind: .staff))
            }
            if unit.kind == .staffCard {
                truth(true, detector, starts[0], starts[2] + 3600, "staff card on 3 terminals in a day")
            } else {
                truth(false, detector, 0, Self.wholeNight, "staff card on 2 terminals (3 sessions) in a day")
            }
        case .invalidID:
            let terminal = reserveTerminal()
            var valid = people[scenarioPerson(unit: number, slot: 0)].cert
            valid[17] = valid[17] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
            let region = Tables.personRegions[number % Tables.personRegions.count]
            var impossible = Array((region + "19900230" + String(100 + number % 900)).utf8)
            impossible.append(ResidentID.checkCharacter(ofFirst17: impossible) ?? UInt8(ascii: "0"))
            let certs: [(String, String)] = [
                (String(decoding: valid, as: UTF8.self), "wrong check character"),
                (String(decoding: impossible, as: UTF8.self), "impossible birth date 1990-02-30"),
                (region + "850612" + String(100 + number % 900), "15-digit first-generation ID"),
            ]
            for (slot, (cert, note)) in certs.enumerated() {
                let person = personWithCert(cert, certType: 111, unit: number, slot: slot + 1)
                let start = clock(10, 0) + jitter + slot * 10_800
                add(scenarioSession(terminal, person, start, start + 5400))
                truth(true, detector, terminal: terminal, cert: person, start, start + 5400, note)
            }
        case .invalidNear:
            let terminal = reserveTerminal()
            let lowerX = scenarioPerson(unit: number, slot: 0, checkX: true)
            var start = clock(10, 0) + jitter
            var session = scenarioSession(terminal, lowerX, start, start + 5400)
            session.lowerCaseX = true
            add(session)
            truth(false, detector, terminal: terminal, cert: lowerX, start, start + 5400, "valid ID written with a lower-case x")
            var licence = people[scenarioPerson(unit: number, slot: 1)].cert
            licence[17] = licence[17] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
            let driver = personWithCert(String(decoding: licence, as: UTF8.self), certType: 335, unit: number, slot: 2)
            start = clock(15, 0) + jitter
            add(scenarioSession(terminal, driver, start, start + 5400))
            truth(false, detector, terminal: terminal, cert: driver, start, start + 5400, "driving licence (335) whose number has a wrong check character")
        case .minor, .minorNear:
            let (caseBirth, nearBirth) = birthDatesAroundEighteen()
            let leap = leapDayBirth(minor: unit.kind == .minor)
            let births = unit.kind == .minor ? [caseBirth, leap] : [nearBirth, leap]
            let notes = unit.kind == .minor
                ? ["turns 18 the day after the session", "born 29 February, under 18"]
                : ["turns 18 on the day of the session", "born 29 February, 18 or older"]
            for slot in 0..<2 {
                let terminal = reserveTerminal()
                let person = scenarioPerson(unit: number, slot: slot, birth: births[slot])
                let start = clock(14, 0) + jitter + slot * 3600
                add(scenarioSession(terminal, person, start, start + 7200))
                truth(unit.kind == .minor, detector, terminal: terminal, cert: person, start, start + 7200, notes[slot])
            }
        case .afterHours, .afterHoursNear:
            let spans: [(Int, Int, String)] =
                unit.kind == .afterHours
                ? [
                    (clock(23, 0) + jitter / 3, 86_400 + 60, "ends 00:01:00, 60 s after midnight"),
                    (clock(7, 59), clock(9, 0) + jitter, "starts 07:59:00, 60 s before 08:00"),
                    (clock(1, 0) + jitter / 3, clock(3, 0) + jitter / 3, "in the middle of the night"),
                ]
                : [
                    (clock(23, 10) + jitter / 3, 86_400 + 59, "ends 00:00:59, 59 s after midnight"),
                    (clock(7, 59, 1), clock(9, 30) + jitter, "starts 07:59:01, 59 s before 08:00"),
                ]
            for (slot, span) in spans.enumerated() {
                let terminal = reserveTerminal()
                let person = scenarioPerson(unit: number, slot: slot)
                add(scenarioSession(terminal, person, span.0, span.1))
                // One finding per venue and prohibited window, without terminal or cert.
                truth(unit.kind == .afterHours, detector, span.0, span.1, "terminal \(identities[terminal].number): " + span.2)
            }
        case .auditStop:
            let from = clock(4, 10) + random.int(0...600)
            auditStops.append((from, from + 1800))
            extraEvents.append(event(from, .audit, argument: 1, reference: 2))
            extraEvents.append(event(from + 1800, .audit, argument: 0, reference: 4))
            truth(true, detector, from, from + 1800, "AUDIT STOP for 30 minutes")
        case .auditTamper:
            let time = clock(19, 0) + jitter
            extraEvents.append(event(time, .audit, argument: 2, reference: 3))
            truth(true, detector, time, time + 60, "AUDIT TAMPER")
        case .auditGaps, .auditNear:
            let isCase = unit.kind == .auditGaps
            let heartbeatGap = isCase ? 960 : 899
            let snapshotGap = isCase ? 1860 : 1740
            let first = reserveTerminal()
            var start = clock(9, 0) + jitter
            add(scenarioSession(first, scenarioPerson(unit: number, slot: 0), start, start + 10_800))
            let gapStart = start + 3600
            overrideHeartbeats(first, inUse([gapStart, gapStart + heartbeatGap]))
            truth(isCase, detector, terminal: first, gapStart, gapStart + heartbeatGap, "no heartbeat for \(heartbeatGap) s inside a session")
            let second = reserveTerminal()
            start = clock(15, 0) + jitter
            var session = scenarioSession(second, scenarioPerson(unit: number, slot: 1), start, start + 10_800)
            session.snapshotGap = (start + 3600, start + 3600 + snapshotGap)
            add(session)
            truth(isCase, detector, terminal: second, start + 3600, start + 3600 + snapshotGap, "no OK snapshot for \(snapshotGap) s inside a session")
        case .ipMismatch:
            let wrongIP = reserveTerminal()
            var from = clock(9, 0) + jitter
            identityWindows.append((wrongIP, from, from + 10_800, alternateIdentity(of: wrongIP, ipv4: (lan.0, lan.1, lan.2, 251))))
            truth(true, detector, terminal: wrongIP, from, from + 10_800, "IP other than the registered one")
            let wrongMAC = reserveTerminal()
            identityWindows.append((wrongMAC, 0, 86_400, alternateIdentity(of: wrongMAC, macLast: UInt8(number % 200))))
            truth(true, detector, terminal: wrongMAC, 0, 86_400, "MAC other than the registered one")
            let outside = reserveTerminal()
            from = clock(14, 0) + jitter
            identityWindows.append((outside, from, from + 7200, alternateIdentity(of: outside, ipv4: (172, 16, lan.2, 23))))
            truth(true, detector, terminal: outside, from, from + 7200, "IP outside the venue's LAN")
            let sharing = reserveTerminal()
            from = clock(18, 0) + jitter
            identityWindows.append((sharing, from, from + 7200, alternateIdentity(of: sharing, ipv4: identities[0].ipv4)))
            truth(true, detector, from, from + 7200, "terminals \(identities[sharing].number) and \(identities[0].number) share an IP")
            var stranger = identities[0]
            stranger.number = Self.terminalNumber(registeredCount + 1 + random.int(0...20))
            stranger.ipv4 = (lan.0, lan.1, lan.2, 252)
            stranger.mac = (0x00, 0x0C, 0x29, 0xDD, 0xDD, UInt8(number % 200))
            identities.append(stranger)
            unregisteredTerminals.insert(identities.count - 1)
            truth(true, detector, terminal: identities.count - 1, 0, 86_400, "terminal not in the registry")
        case .ipNear:
            let terminal = reserveTerminal()
            silentTerminals.insert(terminal)
            truth(false, detector, terminal: terminal, 0, 86_400, "registered terminal never switched on")
        case .platformMinorPinyin, .platformMinorChinese:
            let terminal = reserveTerminal()
            let (minorBirth, _) = birthDatesAroundEighteen()
            let person = scenarioPerson(unit: number, slot: 0, birth: minorBirth)
            let start = clock(16, 0) + jitter
            var session = scenarioSession(terminal, person, start, start + 5400)
            session.platformOnly = true
            add(session)
            truth(true, "minor", terminal: terminal, cert: person, start, start + 5400,
                  "a minor recorded only by the real-name platform's file")
            truth(true, "unbilled-use", terminal: terminal, start, start + 5400,
                  "in use with no billing session: only the real-name platform recorded it")
        case .privateNetwork:
            let device = addDevice(lastOctet: UInt8(200 + number % 20))
            let from = clock(20, 0) + jitter
            // 12 MiB over the hour, the gateway's summary every 5 minutes.
            gatewayTraffic(device, from: from, to: from + 3300, kilobytes: 12 * 1024, lines: 12)
            truth(true, detector, address: identities[device].ipText, from, from + 3300,
                  "a device that is no terminal moved 12 MB through the venue's line")
        case .privateNetworkNear:
            let device = addDevice(lastOctet: UInt8(230 + number % 20))
            let from = clock(10, 0) + jitter
            // 100 KiB short of 10 MiB.
            gatewayTraffic(device, from: from, to: from + 3300, kilobytes: 10 * 1024 - 100, lines: 12)
            truth(false, detector, address: identities[device].ipText, from, from + 3300,
                  "a device that is no terminal moved 9.9 MB, under the threshold")
            // A terminal running the audit client, whose traffic the gateway also logs: 50 MB, not a device.
            let terminal = reserveTerminal()
            let start = clock(15, 0) + jitter
            add(scenarioSession(terminal, scenarioPerson(unit: number, slot: 0), start, start + 3600))
            gatewayTraffic(terminal, from: start + 60, to: start + 3540, kilobytes: 50 * 1024, lines: 12)
            truth(false, detector, address: identities[terminal].ipText, start, start + 3600,
                  "a terminal running the audit client moved 50 MB: a terminal, not a device")
        }
    }

    /// Manual items (FORMATS.md §4): sessions checked out 手工 plus 补登/手工计费 transactions.
    func injectManualBilling(_ unit: PlannedUnit) {
        let detector = unit.kind.detector
        let total = sessions.count
        let items: Int
        switch unit.kind {
        case .manualCount: items = 6
        case .manualShare: items = min(4, max(3, (total + 9) / 10))
        default: items = min(4, (total - 1) / 10)
        }
        let candidates = sessions.indices.filter { sessions[$0].isOrdinary && sessions[$0].userKind != .staff }
        guard candidates.count >= items, items > 0 else { return }
        let manualSessions = unit.kind == .manualShare ? items : items / 2
        var chosen: [Int] = []
        while chosen.count < items {
            let index = candidates[random.below(candidates.count)]
            if !chosen.contains(index) { chosen.append(index) }
        }
        for (position, index) in chosen.enumerated() {
            if position < manualSessions {
                sessions[index].checkout = .manual
            } else {
                let session = sessions[index]
                let kind: TransactionKind = position % 2 == 0 ? .lateEntry : .manualCharge
                transactions.append(
                    Transaction(
                        time: session.end + random.int(600...3600), kind: kind, person: session.person,
                        amountFen: -random.int(5...30) * 100, balanceFen: 0, terminal: nil,
                        note: kind == .lateEntry ? "补登上机费" : "手工计费"))
            }
        }
        switch unit.kind {
        case .manualCount:
            truth(true, detector, 0, Self.wholeNight, "\(manualSessions) sessions checked out 手工 and \(items - manualSessions) 补登/手工计费 transactions")
        case .manualShare:
            truth(true, detector, 0, Self.wholeNight, "\(items) manual sessions of \(total) (at least 10 %)")
        default:
            truth(false, detector, 0, Self.wholeNight, "\(items) manual items in \(total) sessions (under 5 and under 10 %)")
        }
    }

    /// The earliest birth date that is under 18 on the business day, and the day before it (18 that day).
    func birthDatesAroundEighteen() -> ((year: Int, month: Int, day: Int), (year: Int, month: Int, day: Int)) {
        var days = CivilTime.daysFromCivil(year: businessDate.year - 18, month: businessDate.month, day: 1) - 40
        while ResidentID.age(birth: CivilTime.civilFromDays(days), on: businessDate) >= 18 { days += 1 }
        return (CivilTime.civilFromDays(days), CivilTime.civilFromDays(days - 1))
    }

    /// A 29 February birthday under 18 (minor) or 18 and over (near miss) on the business day.
    private func leapDayBirth(minor: Bool) -> (year: Int, month: Int, day: Int) {
        var year = businessDate.year - 18
        if minor {
            while !CivilTime.isLeapYear(year) || ResidentID.age(birth: (year, 2, 29), on: businessDate) >= 18 { year += 1 }
        } else {
            while !CivilTime.isLeapYear(year) || ResidentID.age(birth: (year, 2, 29), on: businessDate) < 18 { year -= 1 }
        }
        return (year, 2, 29)
    }
}
