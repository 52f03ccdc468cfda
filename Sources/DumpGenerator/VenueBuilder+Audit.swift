/// Program references in `AuditEvent.reference` for process events.
enum ProgramReference {
    /// Offset of the billing clients, by index into `Tables.billingSystems`.
    static let billingClient: Int32 = 100
    static let cardFreeTool: Int32 = 200

    static func exe(_ reference: Int32) -> String {
        if reference >= cardFreeTool { return Tables.cardFreeTool }
        if reference >= billingClient { return Tables.billingSystems[Int(reference - billingClient)].clientExe }
        return Tables.programs[Int(reference)]
    }
}

extension VenueBuilder {
    func event(_ time: Int, _ kind: EventKind, terminal: Int = 0, argument: UInt8 = 0, reference: Int = 0) -> AuditEvent {
        AuditEvent(
            time: Int32(time), kind: kind, argument: argument, terminal: UInt16(terminal), reference: Int32(reference))
    }

    /// All audit events of the night, in time order with a few neighbours swapped.
    func buildAuditEvents() -> [AuditEvent] {
        var events = extraEvents
        events.reserveCapacity(identities.count * 1700)
        let stretches = spec.clientsRunAllDay ? nil : clientStretches()
        for session in sessions { appendEvents(of: session, to: &events) }
        appendHeartbeats(to: &events, stretches: stretches)
        // The audit server runs the whole day; the billing client is restarted each morning (FORMATS.md §3.3).
        events.append(event(random.int(1...9), .audit, argument: 0, reference: 0))
        events.append(event(clock(3, 0) + random.int(0...600), .audit, argument: 3, reference: 1))
        for terminal in 0..<registeredCount where !silentTerminals.contains(terminal) {
            let client = Int(ProgramReference.billingClient) + spec.billingIndex
            if let stretch = stretches?[terminal] {
                // The billing client starts with the machine and stops before it is switched off.
                events.append(
                    event(stretch.on + random.int(20...60), .process, terminal: terminal, argument: 0, reference: client))
                events.append(
                    event(stretch.off - random.int(30...120), .process, terminal: terminal, argument: 1, reference: client))
                continue
            }
            let restart = clock(7, 20) + random.int(0...900)
            events.append(event(restart, .process, terminal: terminal, argument: 1, reference: client))
            events.append(event(restart + random.int(15...40), .process, terminal: terminal, argument: 0, reference: client))
        }
        for _ in 0..<random.int(0...3) {
            let terminal = random.below(registeredCount - spec.reservedTerminals)
            events.append(
                event(clock(9, 0) + random.int(0...50_000), .unknown, terminal: terminal,
                      reference: random.below(Tables.unknownEventNames.count)))
        }
        for stop in auditStops {
            events.removeAll { $0.kind != .audit && $0.kind != .swipe && Int($0.time) >= stop.from && Int($0.time) <= stop.to }
        }
        for window in identityWindows {
            for index in events.indices
            where Int(events[index].terminal) == window.terminal && events[index].kind != .swipe
                && Int(events[index].time) >= window.from && Int(events[index].time) <= window.to
            {
                events[index].terminal = UInt16(window.identity)
            }
        }
        // Stable sort by time, by keys that carry the original position.
        var keys = [UInt64]()
        keys.reserveCapacity(events.count)
        for (position, item) in events.enumerated() {
            keys.append(UInt64(Int(item.time) + 200_000) << 32 | UInt64(position))
        }
        keys.sort()
        var sorted = keys.map { events[Int($0 & 0xFFFF_FFFF)] }
        // Lines are mostly but not strictly in time order (FORMATS.md §3.3).
        let swaps = sorted.count / 1000
        for _ in 0..<swaps where sorted.count > 2 {
            let position = random.below(sorted.count - 1)
            sorted.swapAt(position, position + 1)
        }
        return sorted
    }

    private func appendEvents(of session: Session, to events: inout [AuditEvent]) {
        let terminal = session.terminal
        let person = session.person
        if session.userKind != .staff {
            switch session.swipe {
            case .ordinary:
                let offset = random.int(120...900)
                if random.chance(0.05) {
                    events.append(
                        event(session.start - offset - random.int(15...60), .swipe, argument: UInt8(random.int(1...2)),
                              reference: person))
                }
                events.append(event(session.start - offset, .swipe, argument: 0, reference: person))
            case .none:
                break
            case .secondsBefore(let seconds):
                events.append(event(session.start - seconds, .swipe, argument: 0, reference: person))
            case .failedOnly:
                events.append(event(session.start - random.int(400...600), .swipe, argument: 1, reference: person))
                events.append(event(session.start - random.int(150...300), .swipe, argument: 2, reference: person))
            case .lowerCaseX(let seconds):
                events.append(event(session.start - seconds, .swipe, argument: 0x80, reference: person))
            }
        }
        events.append(event(session.start + random.int(1...25), .online, terminal: terminal, reference: person))
        if let early = session.earlyOnlineSeconds {
            events.append(event(session.start - early, .online, terminal: terminal, reference: person))
        }
        events.append(event(session.end + random.int(0...15), .offline, terminal: terminal, reference: person))
        // Screen captures every few minutes; a rare failure is followed by a success within minutes.
        var time = session.start + random.int(20...120)
        while time < session.end {
            if let gap = session.snapshotGap, time >= gap.from - 150, time <= gap.to + 150 {
                time += random.int(150...330)
                continue
            }
            events.append(
                event(time, .snapshot, terminal: terminal, argument: random.chance(0.02) ? 1 : 0, reference: 0))
            time += random.int(150...330)
        }
        if let gap = session.snapshotGap {
            events.append(event(gap.from, .snapshot, terminal: terminal, argument: 0))
            events.append(event(gap.to, .snapshot, terminal: terminal, argument: 0))
            var failure = gap.from + 300
            while failure < gap.to - 60 {
                events.append(event(failure, .snapshot, terminal: terminal, argument: 1))
                failure += 300
            }
        }
        let duration = session.end - session.start
        if duration >= 900 {
            for _ in 0..<random.int(1...3) {
                let program = random.below(Tables.programs.count)
                events.append(
                    event(session.start + random.int(60...min(600, duration / 3)), .process, terminal: terminal,
                          argument: 0, reference: program))
                events.append(
                    event(session.end - random.int(10...min(120, duration / 3)), .process, terminal: terminal,
                          argument: 1, reference: program))
            }
        }
        time = session.start + random.int(120...600)
        while time < session.end - 60 {
            events.append(event(time, .flow, terminal: terminal, reference: random.below(1 << 20)))
            time += random.int(300...1200)
        }
        if spec.gatewayFlows {
            // The gateway sees the terminal's traffic too, as an address with no terminal field: a terminal that
            // runs the client is never a private-network device, however much it moves.
            time = session.start + random.int(60...300)
            while time < session.end {
                events.append(event(time, .flow, terminal: terminal, argument: 1, reference: random.below(1 << 20)))
                time += 600
            }
        }
    }

    /// Small mode: when each client runs, by identity. A machine is switched on 5-15 minutes before the first
    /// thing that happens on it (session, scenario stretch or event) and off 15-30 minutes after the last, so it
    /// is `LOCKED` for the usual ten minutes after its last session; one that nothing happens on is switched on
    /// once for an hour or two. Silent terminals are left out: they never run.
    private func clientStretches() -> [Int: (on: Int, off: Int)] {
        var first: [Int: Int] = [:]
        var last: [Int: Int] = [:]
        func note(_ terminal: Int, _ from: Int, _ to: Int) {
            first[terminal] = min(first[terminal] ?? from, from)
            last[terminal] = max(last[terminal] ?? to, to)
        }
        for session in sessions { note(session.terminal, session.start, session.end) }
        // min and max do not depend on the dictionary's order, so the output stays deterministic.
        for (terminal, stretches) in heartbeatOverrides {
            for stretch in stretches { note(terminal, stretch.from, stretch.to) }
        }
        for window in identityWindows { note(window.terminal, window.from, window.to) }
        for item in extraEvents where [.online, .offline, .process, .snapshot, .flow].contains(item.kind) {
            note(Int(item.terminal), Int(item.time), Int(item.time))
        }
        var stretches: [Int: (on: Int, off: Int)] = [:]
        for terminal in identities.indices
        where (terminal < registeredCount || unregisteredTerminals.contains(terminal))
            && !silentTerminals.contains(terminal)
        {
            if let from = first[terminal], let to = last[terminal] {
                stretches[terminal] = (max(0, from - random.int(300...900)), to + random.int(900...1800))
            } else {
                let on = clock(9, 0) + random.int(0...39_600)
                stretches[terminal] = (on, on + random.int(3600...7200))
            }
        }
        return stretches
    }

    /// About one heartbeat a minute from every running client: `INUSE` inside its sessions only, `LOCKED`
    /// for ten minutes after one ends, `IDLE` otherwise; scenario overrides replace stretches exactly. Clients
    /// run all day unless `stretches` (small mode) says when.
    private func appendHeartbeats(to events: inout [AuditEvent], stretches: [Int: (on: Int, off: Int)]?) {
        var sessionsByTerminal = [[(Int, Int)]](repeating: [], count: identities.count)
        for session in sessions { sessionsByTerminal[session.terminal].append((session.start, session.end)) }
        for terminal in identities.indices
        where (terminal < registeredCount || unregisteredTerminals.contains(terminal))
            && !silentTerminals.contains(terminal)
        {
            let spans = sessionsByTerminal[terminal].sorted { $0.0 < $1.0 }
            let overrides = heartbeatOverrides[terminal] ?? []
            let lastEnd = spans.map(\.1).max() ?? 0
            var endTime = max(86_399, lastEnd + 180)
            var time = random.int(0...59)
            if let stretch = stretches?[terminal] {
                time += stretch.on
                endTime = stretch.off
            }
            var spanIndex = 0
            while time <= endTime {
                while spanIndex < spans.count, spans[spanIndex].1 < time - 600 { spanIndex += 1 }
                if !overrides.contains(where: { time >= $0.from - 30 && time <= $0.to + 30 }) {
                    var state = HeartbeatCode.idle
                    var probe = spanIndex
                    while probe < spans.count, spans[probe].0 <= time {
                        if time <= spans[probe].1 {
                            state = HeartbeatCode.inUse
                            break
                        }
                        if time - spans[probe].1 <= 600 { state = HeartbeatCode.locked }
                        probe += 1
                    }
                    events.append(event(time, .heartbeat, terminal: terminal, argument: state))
                }
                time += random.int(57...63)
            }
            for override in overrides {
                for beat in override.beats {
                    events.append(event(beat.0, .heartbeat, terminal: terminal, argument: beat.1))
                }
            }
        }
    }
}
