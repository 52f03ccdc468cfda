import Foundation
import Ingest
import LogFormats

/// Loads the store's data as detectors see it: one `VenueSlice` at a time, in venue-code order, so memory
/// is bounded by the largest venue rather than the dump.
package struct StoreLoader {
    package let store: Store
    /// The symbol table of the store, extended with the MAC texts the loader formats.
    package let symbols: SymbolTable
    private let macSymbols: [Int64: SymbolID]
    /// Where an open session without an export time ends (FORMATS.md §4: the end of the dump's data): the night's.
    package var dataEndSeconds: Int64
    /// The end of the dump's data when this store holds only part of it (a Spark job's group of venues): the whole
    /// dump's, as `netbar scan` found it.
    package var dataEndOverride: Int64? {
        didSet { if let dataEndOverride { dataEndSeconds = dataEndOverride } }
    }

    package init(store: Store) throws(StoreError) {
        self.store = store
        var texts: [String] = [""]
        var macSymbols: [Int64: SymbolID] = [:]
        texts.reserveCapacity(store.symbols.count + 1)
        store.symbols.arena.withUnsafeBytes { arena in
            for id in 1..<(store.symbols.count + 1) {
                texts.append(String(decoding: UnsafeRawBufferPointer(rebasing: arena[store.symbols.range(Int32(id))]), as: UTF8.self))
            }
        }
        // MAC texts are added up front, so that loading venues one by one leaves the table unchanged.
        for mac in try store.distinctAddressMACs() {
            texts.append(FieldText.mac(UInt64(mac)))
            macSymbols[mac] = SymbolID(texts.count - 1)
        }
        symbols = SymbolTable(texts: texts)
        self.macSymbols = macSymbols
        dataEndSeconds = try store.dataEndSeconds() ?? 0
    }

    /// A loader on another connection to the same store, sharing `other`'s symbol texts (one copy in memory: they
    /// grow with the night's distinct names and certs). The stores must hold the same symbols.
    package init(store: Store, sharingSymbolsOf other: StoreLoader) throws(StoreError) {
        precondition(store.symbols.count == other.store.symbols.count)
        self.store = store
        symbols = other.symbols
        macSymbols = other.macSymbols
        dataEndSeconds = try store.dataEndSeconds() ?? 0
    }

    package func venueIDs() throws(StoreError) -> [Int64] { try store.venueIDs() }

    /// Limits loading to one night's files (nil: every file) and takes that night's data end.
    package mutating func scope(to fileIDs: [Int64]?) throws(StoreError) {
        try store.setScope(fileIDs: fileIDs)
        if let dataEndOverride {
            dataEndSeconds = dataEndOverride
        } else {
            dataEndSeconds = try store.dataEndSeconds() ?? 0
        }
    }

    /// The registry, if one was imported.
    package func registry() throws(StoreError) -> Registry? {
        guard let stored = try store.registry() else { return nil }
        var registry = Registry()
        for venue in stored.venues {
            registry.venues[venue.code] = Registry.Venue(
                code: venue.code, name: venue.name, billingSystem: venue.billingSystem, lanNetwork: venue.lan,
                registeredTerminalCount: venue.terminalCount)
        }
        for terminal in stored.terminals {
            registry.terminals[terminal.venue, default: [:]][terminal.terminal] = Registry.Terminal(
                ipv4: terminal.ipv4 == absentInt64 ? nil : UInt32(truncatingIfNeeded: terminal.ipv4),
                mac: terminal.mac == absentInt64 ? "" : FieldText.mac(UInt64(terminal.mac)))
        }
        return registry
    }

    private static func reference(_ fileID: Int64, _ line: Int64) -> SourceRef {
        SourceRef(fileID: Int32(truncatingIfNeeded: fileID), line: Int32(truncatingIfNeeded: line))
    }

    private static func symbol(_ id: Int64) -> SymbolID { SymbolID(truncatingIfNeeded: id) }

    /// Within how long of each other a billing session and a platform record of the same terminal and cert
    /// must start to be one session (FORMATS.md §3.6: 2 minutes).
    static let twinStartSeconds: Int64 = 120

    private func append(_ row: StoredSession, to columns: inout SessionColumns) {
        let isOpen = row.endSeconds == absentInt64
        let end =
            isOpen ? max(row.startSeconds, row.exportSeconds != absentInt64 ? row.exportSeconds : dataEndSeconds)
            : row.endSeconds
        columns.append(
            terminal: Self.symbol(row.terminal), cert: Self.symbol(row.cert),
            certType: CertType(rawValue: row.certType) ?? .unknown, userType: UserType(rawValue: row.userType) ?? .unknown,
            checkout: CheckoutMethod(rawValue: row.checkout) ?? .unknown, startSeconds: row.startSeconds,
            endSeconds: end, isOpen: isOpen, amountFen: row.amountFen, birthDate: row.birthDate,
            source: Self.reference(row.fileID, row.line))
    }

    /// The billing sessions plus every platform session no billing session of the same terminal and cert starts
    /// within `twinStartSeconds` of (any terminal, when the platform record names none), in start order; a
    /// billing twin keeps its own row, which has the user type.
    func identitySessions(_ billing: SessionColumns, _ platform: [StoredSession]) -> SessionColumns {
        var startsByCert: [SymbolID: [(terminal: SymbolID, start: Int64)]] = [:]
        for index in 0..<billing.count {
            startsByCert[billing.cert[index], default: []].append((billing.terminal[index], billing.startSeconds[index]))
        }
        var merged = SessionColumns()
        var extra = SessionColumns()
        for row in platform {
            let terminal = Self.symbol(row.terminal)
            let isTwin = (startsByCert[Self.symbol(row.cert)] ?? []).contains {
                (terminal == 0 || $0.terminal == terminal) && abs($0.start - row.startSeconds) <= Self.twinStartSeconds
            }
            if !isTwin { append(row, to: &extra) }
        }
        let order = (0..<(billing.count + extra.count)).sorted { lhs, rhs in
            func start(_ index: Int) -> Int64 {
                index < billing.count ? billing.startSeconds[index] : extra.startSeconds[index - billing.count]
            }
            return (start(lhs), lhs) < (start(rhs), rhs)
        }
        for index in order {
            let (columns, row) = index < billing.count ? (billing, index) : (extra, index - billing.count)
            merged.append(
                terminal: columns.terminal[row], cert: columns.cert[row], certType: columns.certType[row],
                userType: columns.userType[row], checkout: columns.checkout[row], startSeconds: columns.startSeconds[row],
                endSeconds: columns.endSeconds[row], isOpen: columns.isOpen[row], amountFen: columns.amountFen[row],
                birthDate: columns.birthDate[row], source: columns.source[row])
        }
        return merged
    }

    /// Everything about one venue.
    package func load(venue: Int64) throws(StoreError) -> VenueSlice {
        var slice = VenueSlice(venue: Self.symbol(venue))

        for row in try store.sessions(venue: venue) { append(row, to: &slice.sessions) }
        let platform = try store.realnameSessions(venue: venue)
        if !platform.isEmpty { slice.mergedIdentitySessions = identitySessions(slice.sessions, platform) }

        for row in try store.transactions(venue: venue) {
            slice.transactions.append(
                timeSeconds: row.timeSeconds, kind: TransactionKind(rawValue: row.kind) ?? .unknown,
                cert: Self.symbol(row.cert), terminal: Self.symbol(row.terminal), amountFen: row.amountFen,
                source: Self.reference(row.fileID, row.line))
        }

        let (events, flows) = try store.eventsAndFlows(venue: venue)
        for event in events {
            let source = Self.reference(event.fileID, event.line)
            switch event.kind {
            case .online, .offline:
                slice.logons.append(
                    timeSeconds: event.timeSeconds, isOnline: event.kind == .online,
                    terminal: Self.symbol(event.terminal), cert: Self.symbol(event.cert),
                    certType: CertType(rawValue: event.certType) ?? .unknown, source: source)
            case .swipe:
                slice.swipes.append(
                    timeSeconds: event.timeSeconds, cert: Self.symbol(event.cert),
                    result: SwipeResult(rawValue: event.code) ?? .readFail, source: source)
            case .process:
                slice.processes.append(
                    timeSeconds: event.timeSeconds, terminal: Self.symbol(event.terminal), exe: Self.symbol(event.text),
                    action: ProcessAction(rawValue: event.code) ?? .stop, source: source)
            case .audit:
                slice.auditStatuses.append(
                    timeSeconds: event.timeSeconds, status: AuditStatus(rawValue: event.code) ?? .config,
                    source: source)
            case .heartbeat, .snapshot, .flow:
                break
            }
        }

        // Pulses: gathered per terminal (the store hands them over terminal by terminal, so no lookup per
        // pulse), sorted by time, and a pulse repeated by a re-sent log dropped.
        var gatherer = PulseGatherer()
        try store.forEachPulse(venue: venue) { terminal, family, seconds, value, fileID, line in
            gatherer.add(
                terminal: terminal, family: family, seconds: seconds, value: value,
                source: SourceRef(fileID: Int32(truncatingIfNeeded: fileID), line: line))
        }
        gatherer.flush()
        let heartbeats = gatherer.heartbeats
        let snapshots = gatherer.snapshots
        slice.heartbeats = heartbeats
        slice.snapshots = snapshots

        for address in try store.addresses(venue: venue) {
            let mac = address.mac >= 0 ? macSymbols[address.mac] ?? 0 : 0
            slice.addresses.append(
                AddressSighting(
                    terminal: Self.symbol(address.terminal),
                    ipv4: address.ipv4 >= 0 ? UInt32(truncatingIfNeeded: address.ipv4) : nil, mac: mac,
                    firstSeconds: address.firstSeconds, lastSeconds: address.lastSeconds, count: address.count,
                    source: Self.reference(address.fileID, address.line)))
        }
        for flow in flows {
            func address(_ value: Int64) -> UInt32? { value == absentInt64 ? nil : UInt32(truncatingIfNeeded: value) }
            slice.flows.append(
                timeSeconds: flow.timeSeconds, terminal: Self.symbol(flow.terminal), ipv4: address(flow.ipv4),
                mac: flow.mac == absentInt64 ? nil : UInt64(flow.mac), destinationIPv4: address(flow.destinationIPv4),
                bytes: flow.bytesUp &+ flow.bytesDown, source: Self.reference(flow.fileID, flow.line))
        }
        slice.auditCoverage = try store.coverage(venue: venue)
        return slice
    }

}

/// Gathers one venue's pulses into a series per terminal; a struct in a local variable, so that the
/// per-pulse path pays no dynamic exclusivity checks (measured: 11 % of detect in `perf`).
private struct PulseGatherer {
    var heartbeats: [SymbolID: PulseSeries] = [:]
    var snapshots: [SymbolID: PulseSeries] = [:]
    private var current: [(Int64, UInt8, SourceRef)] = []
    private var currentTerminal: Int64 = -1
    private var currentFamily = PulseRun.Family.heartbeat

    mutating func add(terminal: Int64, family: PulseRun.Family, seconds: Int64, value: UInt8, source: SourceRef) {
        if terminal != currentTerminal || family != currentFamily {
            flush()
            currentTerminal = terminal
            currentFamily = family
        }
        current.append((seconds, value, source))
    }

    mutating func flush() {
        guard !current.isEmpty else { return }
        let series = Self.series(current)
        if currentFamily == .heartbeat {
            heartbeats[SymbolID(truncatingIfNeeded: currentTerminal)] = series
        } else {
            snapshots[SymbolID(truncatingIfNeeded: currentTerminal)] = series
        }
        current.removeAll(keepingCapacity: true)
    }

    private static func series(_ pulses: [(Int64, UInt8, SourceRef)]) -> PulseSeries {
        let sorted = pulses.sorted { ($0.0, $0.2) < ($1.0, $1.2) }
        var series = PulseSeries()
        series.timeSeconds.reserveCapacity(sorted.count)
        series.value.reserveCapacity(sorted.count)
        series.source.reserveCapacity(sorted.count)
        for pulse in sorted {
            if let last = series.timeSeconds.last, last == pulse.0, series.value.last == pulse.1 { continue }
            series.append(timeSeconds: pulse.0, value: pulse.1, source: pulse.2)
        }
        return series
    }
}

/// The venues of a store, night by night (FORMATS.md §5: each night is judged on its own dump), loaded one at a
/// time as detection reaches them, so memory holds a few venues' data rather than the dump's. Loading is most of
/// detection's time (~70 % in `perf`), so each loader (its own SQLite connection) loads every n-th venue on its
/// own thread while the detectors work, and the venues come out in the same order whatever the number of loaders.
/// The first load error ends the sequence and is kept in `failure`.
package final class StoredVenues: Sequence, @unchecked Sendable {
    // @unchecked: each loader (and its SQLite connection) is used by its loading thread alone, and `failure`
    // is written under `failureLock` before that thread sends its end, which the reader waits for.
    private let loaders: [LoaderBox]
    private let scopes: [(night: String?, fileIDs: [Int64]?, venues: [Int64])]
    private var firstFailure: StoreError?
    private let failureLock = NSLock()
    package var failure: StoreError? {
        failureLock.lock()
        defer { failureLock.unlock() }
        return firstFailure
    }

    /// One loader's state, owned by its thread while the sequence runs.
    private final class LoaderBox: @unchecked Sendable {
        var loader: StoreLoader
        init(_ loader: StoreLoader) { self.loader = loader }
    }

    /// `loaders`: one or more loaders of the same store, each on its own connection and with the same symbols
    /// (slices name text by the first loader's). The venues of each night are listed once, here, so that every
    /// loader walks the same list. `nights`: only these nights (nil: every one).
    package init(loaders: [StoreLoader], onlyVenues: Set<String>? = nil, nights only: Set<String>? = nil)
        throws(StoreError)
    {
        precondition(!loaders.isEmpty)
        self.loaders = loaders.map(LoaderBox.init)
        var lister = loaders[0]
        let nights = try lister.store.nightScopes()
        // A database from before nights (no file has one) is read whole, as it was.
        var scoped = nights.allSatisfy { $0.night == nil } ? [(nil, nil)] : nights.map { ($0.night, $0.fileIDs) }
        if let only { scoped.removeAll { night, _ in night.map { !only.contains($0) } ?? true } }
        var scopes: [(night: String?, fileIDs: [Int64]?, venues: [Int64])] = []
        for (night, fileIDs) in scoped {
            try lister.scope(to: fileIDs)
            let venues = try lister.venueIDs().filter { onlyVenues?.contains(lister.store.symbolText($0)) ?? true }
            scopes.append((night, fileIDs, venues))
        }
        try lister.scope(to: nil)
        self.scopes = scopes
    }

    /// Iterate once, to the end: the store is free again only when the sequence has ended.
    package func makeIterator() -> AnyIterator<VenueSlice> {
        let channels = loaders.map { _ in Channel<VenueSlice?>(capacity: 2) }
        let count = loaders.count
        var threads: [JoinableThread] = []
        for (which, channel) in channels.enumerated() {
            let box = loaders[which]
            threads.append(JoinableThread { [self] in
                do throws(StoreError) {
                    var position = 0
                    for scope in scopes {
                        try box.loader.scope(to: scope.fileIDs)
                        for venue in scope.venues {
                            defer { position += 1 }
                            guard position % count == which else { continue }
                            var slice = try box.loader.load(venue: venue)
                            slice.night = scope.night
                            channel.send(slice)
                        }
                    }
                    try box.loader.scope(to: nil)
                } catch {
                    failureLock.lock()
                    if firstFailure == nil { firstFailure = error }
                    failureLock.unlock()
                }
                channel.send(nil)
            })
        }
        var ended = false
        var position = 0
        return AnyIterator {
            guard !ended else { return nil }
            if let slice = channels[position % count].receive() {
                position += 1
                return slice
            }
            // The end, or a loader's failure: wait for every loader's end, and for its thread to let go of its
            // loader, so that no thread still holds the store (a connection still held at exit is never closed).
            ended = true
            for (which, channel) in channels.enumerated() where which != position % count {
                while channel.receive() != nil {}
            }
            for thread in threads { thread.join() }
            return nil
        }
    }
}
