import LogFormats

/// Builds one venue's night: registry entries, sessions, transactions, audit events and labelled scenarios.
/// Everything comes from the venue's own random stream, so venues can be built on any thread in any order.
final class VenueBuilder {
    let spec: VenueSpec
    let seed: UInt64
    let times: TimeFormatter
    let businessDate: (year: Int, month: Int, day: Int)
    var random: SeededRandom

    /// Registered terminals first, then identities only scenarios use (wrong IP, unregistered terminal).
    var identities: [TerminalIdentity] = []
    let registeredCount: Int
    /// LAN prefix `a.b.c` of the venue's /24.
    let lan: (UInt8, UInt8, UInt8)
    var people: [Person] = []
    var sessions: [Session] = []
    /// Events scenarios add beside those made from sessions and heartbeats.
    var extraEvents: [AuditEvent] = []
    var transactions: [Transaction] = []
    /// Per terminal: stretches whose heartbeats are exactly the listed ones (time, state).
    var heartbeatOverrides: [Int: [(from: Int, to: Int, beats: [(Int, UInt8)])]] = [:]
    /// Stretches in which a terminal's events show another identity.
    var identityWindows: [(terminal: Int, from: Int, to: Int, identity: Int)] = []
    /// Identities of terminals missing from the registry; they send heartbeats of their own.
    var unregisteredTerminals: Set<Int> = []
    /// Registered terminals that are never switched on.
    var silentTerminals: Set<Int> = []
    /// `AUDIT STOP` ... `START` stretches: no terminal event inside.
    var auditStops: [(from: Int, to: Int)] = []
    var truths: [TruthRecord] = []
    private var nextReserved: Int
    private var ordinaryPeople = 0
    /// Billing rate in fen per hour.
    let rateFenPerHour: Int
    let cashiers: [String]

    init(spec: VenueSpec, seed: UInt64, date: (year: Int, month: Int, day: Int)) {
        self.spec = spec
        self.seed = seed
        businessDate = date
        times = TimeFormatter(year: date.year, month: date.month, day: date.day)
        random = SeededRandom(seed: seed, stream: 0x1_0000 + UInt64(spec.index))
        registeredCount = spec.terminalCount
        nextReserved = spec.terminalCount - 1
        if random.chance(0.6) {
            lan = (192, 168, UInt8(random.int(0...99)))
        } else {
            lan = (10, UInt8(random.int(1...250)), UInt8(random.int(0...250)))
        }
        let vendor: (UInt8, UInt8, UInt8) = random.pick([(0x00, 0x1A, 0x2B), (0x50, 0x9A, 0x4C), (0xB0, 0x25, 0xAA),
                                                         (0x00, 0xE0, 0x4C), (0x3C, 0x7C, 0x3F)])
        let macBase = random.int(0...0xFF_FF00)
        for number in 1...spec.terminalCount {
            let macValue = macBase + number * 7
            identities.append(
                TerminalIdentity(
                    number: Self.terminalNumber(number),
                    ipv4: (lan.0, lan.1, lan.2, UInt8(10 + number)),
                    mac: (vendor.0, vendor.1, vendor.2, UInt8(macValue >> 16 & 0xFF), UInt8(macValue >> 8 & 0xFF),
                          UInt8(macValue & 0xFF))))
        }
        rateFenPerHour = random.pick([300, 400, 500, 600, 800])
        var nameRandom = SeededRandom(seed: seed, stream: 0xCA5 &+ UInt64(spec.index) << 8)
        cashiers = (0..<nameRandom.int(2...3)).map { _ in
            String(decoding: SyntheticID.name(&nameRandom, male: false), as: UTF8.self)
        }
    }

    static func terminalNumber(_ number: Int) -> String {
        number < 10 ? "00\(number)" : number < 100 ? "0\(number)" : "\(number)"
    }

    // MARK: People

    /// A new ordinary adult customer whose cert no other venue's customer has: the date and sequence digits
    /// are a permutation of (venue, person), the region is free.
    func newOrdinaryPerson() -> Int {
        let serial = spec.index * 4096 + ordinaryPeople
        ordinaryPeople += 1
        let space = 14_600 * 1000
        // 9,999,991 is prime to 2, 5 and 73, the factors of `space`, so this is a bijection.
        let permuted = (serial * 9_999_991 + 1_234_567) % space
        let birthDays = CivilTime.daysFromCivil(year: 1966, month: 1, day: 1) + Int64(permuted / 1000)
        let birth = CivilTime.civilFromDays(birthDays)
        let sequence = permuted % 1000
        var person: Person
        if serial % 4096 != 0, random.chance(0.01) {
            // A foreign customer on a passport.
            person = Person(
                cert: Array(("E" + String(10_000_000 + serial)).utf8), certType: 414,
                name: SyntheticID.name(&random, male: sequence % 2 == 1), card: [], isMember: false, balanceFen: 0)
        } else {
            person = Person(
                cert: SyntheticID.residentID(
                    region: random.pick(Tables.personRegions), year: birth.year, month: birth.month, day: birth.day,
                    sequence: sequence),
                certType: random.chance(0.03) ? 112 : 111,
                name: serial % 4096 == 0
                    ? Array((random.pick(Tables.surnames) + "珅").utf8)  // every venue has a GBK 0x7C trail byte
                    : SyntheticID.name(&random, male: sequence % 2 == 1, tricky: random.chance(0.04)),
                card: [],
                isMember: random.chance(0.6), balanceFen: 0)
        }
        person.card = Array(String(person.isMember ? 80_000_000 + serial % 10_000_000 : 900_000 + serial % 100_000).utf8)
        person.balanceFen = person.isMember ? random.int(0...30) * 1000 : 0
        people.append(person)
        return people.count - 1
    }

    /// A scenario's person: the same cert in every venue for the same (unit, slot); born 1955-1964 so no
    /// ordinary customer (born 1966-2005) shares it, unless `birth` says otherwise.
    func scenarioPerson(
        unit: Int, slot: Int, birth: (year: Int, month: Int, day: Int)? = nil, certType: Int = 111,
        checkX: Bool = false
    ) -> Int {
        let id = unit * 10 + slot
        var personRandom = SeededRandom(seed: seed, stream: 0xA_0000 + UInt64(id))
        let region = personRandom.pick(Tables.personRegions)
        var days = birth.map { CivilTime.daysFromCivil(year: $0.year, month: $0.month, day: $0.day) }
            ?? CivilTime.daysFromCivil(year: 1955, month: 1, day: 1) + Int64(id * 3)
        var cert: [UInt8]
        repeat {
            let date = CivilTime.civilFromDays(days)
            cert = SyntheticID.residentID(
                region: region, year: date.year, month: date.month, day: date.day, sequence: id % 1000)
            days += 1
        } while checkX && cert[17] != UInt8(ascii: "X")
        let person = Person(
            cert: cert, certType: certType, name: SyntheticID.name(&personRandom, male: id % 2 == 1),
            card: Array(String(70_000_000 + id).utf8), isMember: true, balanceFen: 50_000)
        people.append(person)
        return people.count - 1
    }

    /// A person with a hand-made cert number (invalid IDs).
    func personWithCert(_ cert: String, certType: Int, unit: Int, slot: Int) -> Int {
        var personRandom = SeededRandom(seed: seed, stream: 0xB_0000 + UInt64(unit * 10 + slot))
        people.append(
            Person(
                cert: Array(cert.utf8), certType: certType, name: SyntheticID.name(&personRandom, male: true),
                card: Array(String(60_000_000 + unit * 10 + slot).utf8), isMember: false, balanceFen: 0))
        return people.count - 1
    }

    func staffPerson() -> Int {
        people.append(
            Person(
                cert: [], certType: 0, name: Array("网管".utf8), card: Array("YG0\(random.int(1...9))".utf8),
                isMember: false, balanceFen: 0))
        return people.count - 1
    }

    // MARK: Terminals

    /// A registered terminal no ordinary session uses.
    func reserveTerminal() -> Int {
        defer { nextReserved -= 1 }
        return nextReserved
    }

    /// A scenario identity for `terminal` with another IP or MAC.
    func alternateIdentity(
        of terminal: Int, number: String? = nil, ipv4: (UInt8, UInt8, UInt8, UInt8)? = nil, macLast: UInt8? = nil
    ) -> Int {
        var identity = identities[terminal]
        if let number { identity.number = number }
        if let ipv4 { identity.ipv4 = ipv4 }
        if let macLast { identity.mac.3 = 0xEE; identity.mac.4 = 0xEE; identity.mac.5 = macLast }
        identities.append(identity)
        return identities.count - 1
    }

    // MARK: Ordinary night

    func buildOrdinarySessions() {
        let usable = registeredCount - spec.reservedTerminals
        let used = spec.quiet ? min(usable, 9) : usable
        let busy = Double(random.int(5...10)) / 10
        var staffPersonIndex: Int?
        for terminal in 0..<used {
            var start = clock(8, 5) + random.int(0...5400)
            if spec.ordinaryStaff, terminal < 2 {
                // The network admin checks a machine or two in the morning, never two at once.
                let staff = staffPersonIndex ?? staffPerson()
                staffPersonIndex = staff
                let staffStart = clock(8, 1) + terminal * 1500 + random.int(0...120)
                add(
                    Session(
                        terminal: terminal, person: staff, start: staffStart, end: staffStart + random.int(600...1200),
                        userKind: .staff))
                start = max(start, staffStart + 1800)
            }
            var count = 0
            while start < clock(23, 10) {
                if spec.quiet, count >= 3 { break }
                let roll = random.below(10)
                let duration = roll < 2 ? random.int(1800...3600) : roll < 7 ? random.int(3600...10_800)
                    : random.int(10_800...18_000)
                var end = start + duration
                let closing = clock(23, 50)
                if end > closing {
                    if closing - start < 1800 { break }
                    end = closing - random.int(0...900)
                }
                add(Session(terminal: terminal, person: -1, start: start, end: end, userKind: .member))
                count += 1
                start = end + Int(Double(random.int(180...2400)) / busy)
            }
        }
        if spec.minutePrecision {
            for index in sessions.indices {
                sessions[index].start -= sessions[index].start % 60
                sessions[index].end -= sessions[index].end % 60
            }
        }
        assignOrdinaryPeople()
    }

    func add(_ session: Session) {
        sessions.append(session)
    }

    /// Gives ordinary sessions customers: some come back later the same day, never overlapping themselves and
    /// at most three times (id-sharing needs overlap or eight sessions).
    private func assignOrdinaryPeople() {
        let order = sessions.indices.filter { sessions[$0].person < 0 }.sorted { sessions[$0].start < sessions[$1].start }
        var returning: [(person: Int, freeAt: Int, visits: Int)] = []
        for index in order {
            let start = sessions[index].start
            var chosen: Int?
            if !returning.isEmpty, random.chance(0.3) {
                let candidate = random.below(returning.count)
                if returning[candidate].freeAt <= start, returning[candidate].visits < 3 {
                    chosen = returning[candidate].person
                    returning[candidate].freeAt = sessions[index].end + 1800
                    returning[candidate].visits += 1
                }
            }
            if chosen == nil {
                let person = newOrdinaryPerson()
                chosen = person
                returning.append((person, sessions[index].end + 1800, 1))
            }
            sessions[index].person = chosen!  // set on both paths above
            sessions[index].userKind = people[chosen!].isMember ? .member : .temporary
        }
    }

    // MARK: Finishing

    /// Record and serial numbers grow from day to day, as a billing system's do, so that dumps of several nights of
    /// one seed never reuse a (venue, 记录号) or (venue, 流水号) and replace or hide each other's rows; the default day
    /// keeps the numbers samples/ was made with. `perDay` exceeds the spread of a day's random start and its rows.
    func dailyNumberOffset(perDay: Int) -> Int {
        let days = CivilTime.daysFromCivil(year: businessDate.year, month: businessDate.month, day: businessDate.day)
        let defaultDays = CivilTime.daysFromCivil(year: 2026, month: 11, day: 28)
        return days == defaultDays ? 0 : 1_000 * perDay + Int(days - defaultDays) * perDay
    }

    /// Numbers, amounts, cashiers and notes, once every session exists.
    func finishSessions() {
        sessions.sort { ($0.start, $0.terminal) < ($1.start, $1.terminal) }
        var recordNumber = random.int(10_000...90_000) + dailyNumberOffset(perDay: 100_000)
        for index in sessions.indices {
            recordNumber += 1
            sessions[index].recordNumber = recordNumber
            sessions[index].amountFen = amount(of: sessions[index], until: sessions[index].end)
            sessions[index].cashier = random.below(cashiers.count)
            sessions[index].note = random.below(Tables.sessionNotes.count)
            if sessions[index].checkout == .normal, sessions[index].userKind != .staff {
                if random.chance(0.04) { sessions[index].checkout = .automatic }
                else if random.chance(0.01) { sessions[index].checkout = .forced }
            }
        }
    }

    /// 消费金额 of a session up to `time`, rounded up to 10 fen.
    func amount(of session: Session, until time: Int) -> Int {
        if session.userKind == .staff { return 0 }
        let rate = session.userKind == .member ? rateFenPerHour * 4 / 5 : rateFenPerHour
        let raw = max(0, time - session.start) * rate / 3600
        return max(100, (raw + 9) / 10 * 10)
    }

    func truth(
        _ isCase: Bool, _ detector: String, terminal: Int? = nil, cert: Int? = nil, address: String? = nil,
        _ start: Int, _ end: Int, _ note: String
    ) {
        truths.append(
            TruthRecord(
                isCase: isCase, detector: detector, venue: spec.code, terminal: terminal.map { identities[$0].number },
                cert: cert.map { String(decoding: people[$0].cert, as: UTF8.self) }, address: address, start: start,
                end: end, note: note))
    }

    /// A device on the venue's LAN that is no terminal: an identity no registry row, heartbeat or session has.
    func addDevice(lastOctet: UInt8) -> Int {
        var device = identities[0]
        device.number = ""
        device.ipv4 = (lan.0, lan.1, lan.2, lastOctet)
        device.mac = (0x00, 0x0C, 0x29, 0xDE, 0x0F, lastOctet)
        identities.append(device)
        return identities.count - 1
    }

    /// Gateway FLOW lines of `identity` spread over `from...to`, totalling exactly `kilobytes`.
    func gatewayTraffic(_ identity: Int, from: Int, to: Int, kilobytes: Int, lines: Int) {
        let each = kilobytes / lines
        for line in 0..<lines {
            let size = line == lines - 1 ? kilobytes - each * (lines - 1) : each
            let time = from + (to - from) * line / max(1, lines - 1)
            extraEvents.append(event(time, .flow, terminal: identity, argument: 1, reference: Int(FlowSize.exact) | size))
        }
    }
}
