import Ingest
import LogFormats

/// The inspection sheet's rates per venue and night (FORMATS.md §8), gathered from the venues as detection passes
/// over them; docs/detectors.md "Rates of the inspection sheet" defines each one.
///
/// Each slice is one venue's night (`VenueSlice.night`, FORMATS.md §5); a slice of no night (a database from before
/// nights) is counted in `slicesWithoutNight` and not rated. Each rate reuses the notion of the detector it mirrors, with that detector's
/// thresholds: `audit-use` and `screenshot-upload` the gaps and stop stretches of `audit-gap` (found by running
/// that detector over the night's rows), `billing-use` the `INUSE` runs and session widening of `unbilled-use`,
/// `real-name` the check of `invalid-id`, `ip-terminal` the judgement of `ip-mismatch` (run over the night's
/// sightings). A rate whose denominator is 0 is not emitted. Beside the rates, counts of what the dump shows
/// (`VenueCount`) are emitted as rows whose id starts with `count:` and whose denominator is 1.
/// - Complexity: O(n log n) per venue in its rows, plus one run of `audit-gap` and `ip-mismatch` per night.
package struct VenueRatesCollector {
    private(set) var rows: [VenueRateRow] = []
    /// Venue slices of no night (a database from before nights): counted, not rated.
    package private(set) var slicesWithoutNight = 0
    /// Billing system per exe symbol (nil: no billing client), cached across venues.
    private var systemByExe: [SymbolID: String?] = [:]
    /// Whether a resident-ID number passes `invalid-id`'s check, cached across venues.
    private var validByCert: [SymbolID: Bool] = [:]

    package init() {}

    /// Rates one venue's night: detection hands the venues over one night at a time (`StoredVenues`).
    package mutating func consume(_ venue: VenueSlice, context: DetectionContext) {
        guard let night = venue.night else {
            slicesWithoutNight += 1
            return
        }
        // A night's audit coverage is its own audit rows' first to last time; a slice with no audit row has none.
        var slice = venue
        slice.auditCoverage = Self.auditCoverage(venue)
        guard Self.hasRows(slice) else { return }
        rates(slice, code: context.symbols.text(venue.venue), night: night, context: context)
    }

    /// Whether the slice holds any row (an empty one has nothing to share, so no rate and no count).
    private static func hasRows(_ venue: VenueSlice) -> Bool {
        venue.sessions.count > 0 || venue.transactions.count > 0 || venue.auditCoverage != nil || !venue.addresses.isEmpty
            || venue.identitySessions.count > 0
    }

    /// Every rate and count row, sorted by venue, night and id.
    package func finish() -> [VenueRateRow] {
        rows.sorted { ($0.venue, $0.night, $0.rate) < ($1.venue, $1.night, $1.rate) }
    }

    // MARK: One venue, one night

    private mutating func emit(_ code: String, _ night: String, _ rate: VenueRate, _ numerator: Int64, _ denominator: Int64) {
        // FORMATS.md §8 rates are shares: with nothing to share, there is no rate (not 0 %, not 100 %).
        guard denominator > 0 else { return }
        rows.append(
            VenueRateRow(venue: code, night: night, rate: rate.rawValue, numerator: numerator, denominator: denominator))
    }

    private mutating func count(_ code: String, _ night: String, _ id: String, _ value: Int64) {
        rows.append(VenueRateRow(venue: code, night: night, rate: VenueCount.prefix + id, numerator: value, denominator: 1))
    }

    private mutating func rates(_ slice: VenueSlice, code: String, night: String, context: DetectionContext) {
        let symbols = context.symbols
        let sessions = slice.sessions
        let auditTerminals = Self.auditTerminals(slice)
        let billingTerminals = Set((0..<sessions.count).map { sessions.terminal[$0] }.filter { $0 != 0 })

        // What the dump shows, for the sheet's "seen" column.
        count(code, night, VenueCount.billingTerminals.rawValue, Int64(billingTerminals.count))
        count(code, night, VenueCount.auditTerminals.rawValue, Int64(auditTerminals.count))
        count(code, night, VenueCount.sessions.rawValue, Int64(sessions.count))
        count(code, night, VenueCount.staffSessions.rawValue, Int64(sessions.userType.filter { $0 == .staff }.count))
        if let signatures = context.signatures {
            var terminalsBySystem: [String: Set<SymbolID>] = [:]
            for index in 0..<slice.processes.count where slice.processes.action[index] == .start {
                let exe = slice.processes.exe[index]
                let system: String?
                if let cached = systemByExe[exe] {
                    system = cached
                } else {
                    system = signatures.billingSystem(forExe: symbols.text(exe))
                    systemByExe[exe] = .some(system)
                }
                if let system { terminalsBySystem[system, default: []].insert(slice.processes.terminal[index]) }
            }
            for (system, terminals) in terminalsBySystem {
                count(code, night, VenueCount.billingClientPrefix + system, Int64(terminals.count))
            }
        }

        // audit-install: registered terminals (or, with no terminal list, the registered count; with no registry, the
        // billing terminals) that sent any audit event this night.
        // Read without an optional chain on `registry`, which the try-question-mark check mistakes for one.
        let registered = context.registry.map { $0.terminals[code] ?? [:] } ?? [:]
        let auditTerminalTexts = Set(auditTerminals.map { symbols.text($0) })
        if !registered.isEmpty {
            let installed = registered.keys.filter { auditTerminalTexts.contains($0) }.count
            emit(code, night, .auditInstall, Int64(installed), Int64(registered.count))
        } else if let registeredCount = context.registry.flatMap({ $0.venues[code]?.registeredTerminalCount }),
            registeredCount > 0
        {
            // Registered by number only (登记终端数, no terminal list): a venue whose audit sent nothing is 0 of them.
            emit(code, night, .auditInstall, Int64(min(auditTerminals.count, registeredCount)), Int64(registeredCount))
        } else {
            let installed = billingTerminals.filter { auditTerminals.contains($0) }.count
            emit(code, night, .auditInstall, Int64(installed), Int64(billingTerminals.count))
        }

        // The time in use by billing, per terminal: the union of its sessions.
        let inUse = sessions.indicesByTerminal().mapValues { indices in
            SpanSet(sessions.mergedIntervals(indices, wideningSeconds: 0).map { ($0.interval.lowerSeconds, $0.interval.upperSeconds) })
        }
        auditUseAndScreenshots(slice, inUse: inUse, code: code, night: night, context: context)
        billingUse(slice, code: code, night: night, context: context)
        realName(sessions, code: code, night: night, context: context)
        if context.registry != nil { ipTerminal(slice, code: code, night: night, context: context) }
    }

    /// Terminals that sent any audit event with a terminal field: pulses, log-ons, processes, FLOW lines of their
    /// own client, address sightings.
    private static func auditTerminals(_ slice: VenueSlice) -> Set<SymbolID> {
        var terminals: Set<SymbolID> = []
        for (terminal, series) in slice.heartbeats where series.count > 0 { terminals.insert(terminal) }
        for (terminal, series) in slice.snapshots where series.count > 0 { terminals.insert(terminal) }
        terminals.formUnion(slice.logons.terminal)
        terminals.formUnion(slice.processes.terminal)
        terminals.formUnion(slice.flows.terminal)
        terminals.formUnion(slice.addresses.map(\.terminal))
        terminals.remove(0)
        return terminals
    }

    /// `audit-use` and `screenshot-upload`: both measured against the gaps `audit-gap` finds in this night's rows.
    private mutating func auditUseAndScreenshots(
        _ slice: VenueSlice, inUse: [SymbolID: SpanSet], code: String, night: String, context: DetectionContext
    ) {
        guard !inUse.isEmpty else { return }
        let coverage = slice.auditCoverage.map { SpanSet([($0.lowerBound, $0.upperBound)]) } ?? SpanSet([])
        // The gaps and stop stretches as audit-gap judges them: running the detector keeps one definition.
        var gapDetector = AuditGapDetector()
        gapDetector.consume(slice, context: context)
        var gapsByTerminal: [String: [(Int64, Int64)]] = [:]
        var stopSpans: [(Int64, Int64)] = []
        for finding in gapDetector.finish(context: context) {
            if let terminal = finding.terminal {
                gapsByTerminal[terminal, default: []].append((finding.startSeconds, finding.endSeconds))
            } else {
                stopSpans.append((finding.startSeconds, finding.endSeconds))
            }
        }
        let stops = SpanSet(stopSpans)
        let snapshotSlotSeconds = seconds(minutes: context.config[AuditGapDetector.self].maxSnapshotGapMinutes)

        var inUseSeconds: Int64 = 0
        var auditedSeconds: Int64 = 0
        var expectedSnapshots: Int64 = 0
        var uploadedSnapshots: Int64 = 0
        for (terminal, spans) in inUse {
            inUseSeconds += spans.totalSeconds
            // Inside the night's audit coverage and outside stop stretches: the audit system was running.
            let running = spans.intersection(coverage).subtracting(stops)
            let okTimes = Self.okSnapshotTimes(slice.snapshots[terminal])
            let heartbeatCount = slice.heartbeats[terminal]?.count ?? 0
            // A terminal whose client sent no heartbeat and no OK capture all night never ran it: none of its time
            // is covered, however short its sessions (audit-gap leaves gaps under its threshold alone).
            if heartbeatCount > 0 || !okTimes.isEmpty {
                let gaps = SpanSet(gapsByTerminal[context.symbols.text(terminal)] ?? [])
                auditedSeconds += running.subtracting(gaps).totalSeconds
            }
            guard snapshotSlotSeconds > 0 else { continue }
            for span in running.spans {
                let slots = (span.upper - span.lower) / snapshotSlotSeconds
                expectedSnapshots += slots
                var slot: Int64 = 0
                while slot < slots {
                    let slotStart = span.lower + slot * snapshotSlotSeconds
                    let first = lowerBound(okTimes, slotStart)
                    if first < okTimes.count, okTimes[first] < slotStart + snapshotSlotSeconds { uploadedSnapshots += 1 }
                    slot += 1
                }
            }
        }
        emit(code, night, .auditUse, auditedSeconds, inUseSeconds)
        emit(code, night, .screenshotUpload, uploadedSnapshots, expectedSnapshots)
    }

    private static func okSnapshotTimes(_ series: PulseSeries?) -> [Int64] {
        guard let series else { return [] }
        var times: [Int64] = []
        for index in 0..<series.count where series.value[index] == 1 { times.append(series.timeSeconds[index]) }
        return times.sorted()
    }

    /// `billing-use`: the time the audit client shows in use (runs of `INUSE` heartbeats as `unbilled-use` reads
    /// them, first to last) covered by the terminal's sessions widened as `unbilled-use` widens them.
    private mutating func billingUse(_ slice: VenueSlice, code: String, night: String, context: DetectionContext) {
        let config = context.config[UnbilledUseDetector.self]
        let widening = seconds(minutes: config.sessionWideningMinutes)
        let maxSilence = seconds(minutes: config.maxSilenceMinutes)
        let sessions = slice.sessions
        let byTerminal = sessions.indicesByTerminal()
        let inUse = HeartbeatState.inUse.rawValue
        var auditInUseSeconds: Int64 = 0
        var billedSeconds: Int64 = 0
        for (terminal, series) in slice.heartbeats where series.count > 0 {
            var runs: [(Int64, Int64)] = []
            var runStart: Int64?
            var runLast: Int64 = 0
            for index in 0..<series.count {
                let time = series.timeSeconds[index]
                if series.value[index] == inUse {
                    if runStart != nil, time - runLast <= maxSilence {
                        runLast = time
                    } else {
                        if let start = runStart { runs.append((start, runLast)) }
                        runStart = time
                        runLast = time
                    }
                } else if let start = runStart {
                    runs.append((start, runLast))
                    runStart = nil
                }
            }
            if let start = runStart { runs.append((start, runLast)) }
            let used = SpanSet(runs)
            let billed = SpanSet(
                sessions.mergedIntervals(byTerminal[terminal] ?? [], wideningSeconds: widening).map {
                    ($0.interval.lowerSeconds, $0.interval.upperSeconds)
                })
            auditInUseSeconds += used.totalSeconds
            billedSeconds += used.intersection(billed).totalSeconds
        }
        emit(code, night, .billingUse, billedSeconds, auditInUseSeconds)
    }

    /// `real-name`: billing sessions with a cert `invalid-id` would not report, over all billing sessions but
    /// staff cards (and, as `card-free-login` reads them, sessions of unknown user type with no cert).
    private mutating func realName(_ sessions: SessionColumns, code: String, night: String, context: DetectionContext) {
        var customers: Int64 = 0
        var registered: Int64 = 0
        for index in 0..<sessions.count {
            let cert = sessions.cert[index]
            if sessions.userType[index] == .staff || (sessions.userType[index] == .unknown && cert == 0) { continue }
            customers += 1
            guard cert != 0 else { continue }
            if !sessions.certType[index].isResidentID {
                registered += 1
                continue
            }
            let valid: Bool
            if let cached = validByCert[cert] {
                valid = cached
            } else {
                valid = ResidentID.problem(context.symbols.text(cert).utf8) == nil
                validByCert[cert] = valid
            }
            guard valid else { continue }
            // As invalid-id: a real date after the session start is no one's card yet.
            if let birth = ResidentID.birthDate(context.symbols.text(cert).utf8),
                ResidentID.age(birth: birth, on: CivilTime.civilFromDays(localDay(sessions.startSeconds[index]))) < 0
            {
                continue
            }
            registered += 1
        }
        emit(code, night, .realName, registered, customers)
    }

    /// `ip-terminal`: terminals seen in this night's address sightings that `ip-mismatch` does not report.
    private mutating func ipTerminal(_ slice: VenueSlice, code: String, night: String, context: DetectionContext) {
        let seen = Set(slice.addresses.map(\.terminal)).subtracting([0])
        guard !seen.isEmpty else { return }
        var sightingsOnly = VenueSlice(venue: slice.venue)
        sightingsOnly.addresses = slice.addresses
        var detector = IPMismatchDetector()
        detector.consume(sightingsOnly, context: context)
        var reported: Set<String> = []
        for finding in detector.finish(context: context) {
            if let terminal = finding.terminal { reported.insert(terminal) }
        }
        let matching = seen.filter { !reported.contains(context.symbols.text($0)) }.count
        emit(code, night, .ipTerminal, Int64(matching), Int64(seen.count))
    }
}

/// Counts of what a venue's dump shows on a night, stored beside the rates (ids `count:<id>`, denominator 1) so
/// that the inspection sheet can set them beside the registry's base data.
package enum VenueCount: String, Sendable, CaseIterable {
    /// Distinct terminals in billing sessions.
    case billingTerminals = "billing-terminals"
    /// Distinct terminals that sent any audit event naming a terminal.
    case auditTerminals = "audit-terminals"
    /// Billing sessions.
    case sessions
    /// Billing sessions of user type 员工.
    case staffSessions = "staff-sessions"

    /// The prefix of every count's id in the rate table.
    package static let prefix = "count:"
    /// `count:billing-client:<system>`: terminals that started a client of that billing system (signature list).
    package static let billingClientPrefix = "billing-client:"
}

/// Sorted, disjoint spans of epoch seconds `[lower, upper)`, for measuring time in use.
struct SpanSet {
    private(set) var spans: [(lower: Int64, upper: Int64)] = []

    /// The union of `raw` (empty and reversed spans dropped, touching ones joined).
    init(_ raw: [(Int64, Int64)]) {
        for span in raw.filter({ $0.1 > $0.0 }).sorted(by: { $0 < $1 }) {
            if let last = spans.last, span.0 <= last.upper {
                spans[spans.count - 1].upper = max(last.upper, span.1)
            } else {
                spans.append((span.0, span.1))
            }
        }
    }

    private init(disjoint: [(lower: Int64, upper: Int64)]) { spans = disjoint }

    var totalSeconds: Int64 { spans.reduce(0) { $0 + ($1.upper - $1.lower) } }

    func intersection(_ other: SpanSet) -> SpanSet {
        var result: [(lower: Int64, upper: Int64)] = []
        var left = 0
        var right = 0
        while left < spans.count, right < other.spans.count {
            let lower = max(spans[left].lower, other.spans[right].lower)
            let upper = min(spans[left].upper, other.spans[right].upper)
            if upper > lower { result.append((lower, upper)) }
            if spans[left].upper < other.spans[right].upper { left += 1 } else { right += 1 }
        }
        return SpanSet(disjoint: result)
    }

    func subtracting(_ other: SpanSet) -> SpanSet {
        var result: [(lower: Int64, upper: Int64)] = []
        var right = 0
        for span in spans {
            var cursor = span.lower
            while right < other.spans.count, other.spans[right].upper <= cursor { right += 1 }
            var probe = right
            while probe < other.spans.count, other.spans[probe].lower < span.upper {
                if other.spans[probe].lower > cursor { result.append((cursor, other.spans[probe].lower)) }
                cursor = max(cursor, other.spans[probe].upper)
                probe += 1
            }
            if cursor < span.upper { result.append((cursor, span.upper)) }
        }
        return SpanSet(disjoint: result)
    }
}

extension VenueRatesCollector {
    /// First to last time of the venue's audit rows (the night's coverage, as audit-gap reads it).
    private static func auditCoverage(_ venue: VenueSlice) -> ClosedRange<Int64>? {
        var first = Int64.max
        var last = Int64.min
        func take(_ times: some Sequence<Int64>) {
            for time in times {
                first = min(first, time)
                last = max(last, time)
            }
        }
        take(venue.logons.timeSeconds)
        take(venue.swipes.timeSeconds)
        take(venue.processes.timeSeconds)
        take(venue.auditStatuses.timeSeconds)
        take(venue.flows.timeSeconds)
        for series in venue.heartbeats.values where series.count > 0 {
            take([series.timeSeconds[0], series.timeSeconds[series.count - 1]])
        }
        for series in venue.snapshots.values where series.count > 0 {
            take([series.timeSeconds[0], series.timeSeconds[series.count - 1]])
        }
        return first <= last ? first...last : nil
    }
}
