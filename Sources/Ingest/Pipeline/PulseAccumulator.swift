import LogFormats

/// Reduces one file's heartbeats and snapshots to delta-encoded `PulseRun`s per terminal, and gathers
/// the distinct addresses and the per-venue time coverage of its audit events. Memory is bounded by the
/// number of terminals, not the file's size.
struct PulseAccumulator {
    /// Pulses per run before it is handed on.
    static let maximumRunCount = 4096
    /// Finished runs gathered before they are sent.
    static let runsPerMessage = 512

    private struct OpenRun {
        var times: [UInt8] = []
        var values: [UInt8] = []
        var lines: [UInt8] = []
        var baseSeconds: Int64 = 0
        var baseLine: Int32 = 0
        var previousSeconds: Int64 = 0
        var previousLine: Int32 = 0
        var count = 0
        var minSeconds = Int64.max
        var maxSeconds = Int64.min
    }

    private struct AddressKey: Hashable {
        var terminal: ObjectIdentifier
        var ipv4: Int64
        var mac: Int64
    }

    /// A class so that updating a terminal's runs does not copy-check the array of terminals per line.
    private final class TerminalState {
        let venue: String
        let terminal: String
        var heartbeat = OpenRun()
        var snapshot = OpenRun()
        var lastIPv4 = Int64.max
        var lastMAC = Int64.max
        var lastAddress = -1

        init(venue: String, terminal: String) {
            self.venue = venue
            self.terminal = terminal
        }
    }

    /// Terminal numbers per venue (by venue index), and their state indices.
    private var venueTerminals: [StringDictionary] = []
    private var venueTerminalStates: [[Int]] = []
    private var terminals: [TerminalState] = []
    /// The last venue seen: an audit file is nearly always one venue's, so this spares a lookup per line.
    private var lastVenueHead: UInt64 = 0
    private var lastVenueTail: UInt64 = 0
    private var lastVenueIndex = -1
    private var addressIndex: [AddressKey: Int] = [:]
    private var addresses: [AddressAggregate] = []
    private var venues = StringDictionary()
    private var coverage: [(first: Int64, last: Int64)] = []
    private var finishedRuns: [PulseRun] = []

    /// The index of a 14-digit venue code (0-based).
    @inline(__always)
    private mutating func venueIndex(_ venue: UnsafeRawBufferPointer) -> Int {
        if venue.count == 14, let base = venue.baseAddress {
            let head = base.loadUnaligned(as: UInt64.self)
            let tail = base.loadUnaligned(fromByteOffset: 6, as: UInt64.self)
            if head == lastVenueHead && tail == lastVenueTail && lastVenueIndex >= 0 { return lastVenueIndex }
            lastVenueHead = head
            lastVenueTail = tail
        } else {
            lastVenueIndex = -1
        }
        let index = Int(venues.intern(venue)) - 1
        if index == coverage.count {
            coverage.append((Int64.max, Int64.min))
            venueTerminals.append(StringDictionary())
            venueTerminalStates.append([])
        }
        if venue.count == 14 { lastVenueIndex = index }
        return index
    }

    /// Notes any audit event's venue time (coverage, FORMATS.md §4 audit-gap); returns the venue's index.
    @discardableResult
    mutating func noteVenueTime(_ venue: UnsafeRawBufferPointer, _ seconds: Int64) -> Int {
        let index = venueIndex(venue)
        if seconds < coverage[index].first { coverage[index].first = seconds }
        if seconds > coverage[index].last { coverage[index].last = seconds }
        return index
    }

    /// The state of the record's terminal.
    @inline(__always)
    private mutating func terminalState(_ record: borrowing AuditRecord, venueIndex: Int) -> TerminalState {
        let local = Int(venueTerminals[venueIndex].intern(record.terminal)) - 1
        if local < venueTerminalStates[venueIndex].count { return terminals[venueTerminalStates[venueIndex][local]] }
        let state = TerminalState(venue: record.venue.text, terminal: record.terminal.text)
        venueTerminalStates[venueIndex].append(terminals.count)
        terminals.append(state)
        return state
    }

    /// Takes an event that names a terminal: its address, and its pulse when it is a heartbeat or snapshot.
    /// - Returns: runs ready to send, when enough have gathered.
    mutating func take(_ record: borrowing AuditRecord, venueIndex: Int, line: Int) -> [PulseRun]? {
        let state = terminalState(record, venueIndex: venueIndex)
        let ipv4 = record.ipv4.map { Int64($0) } ?? absentInt64
        let mac = record.mac.map { Int64($0) } ?? absentInt64
        let seconds = record.timeSeconds
        let line32 = Int32(truncatingIfNeeded: line)
        if ipv4 == state.lastIPv4 && mac == state.lastMAC {
            let position = state.lastAddress
            addresses[position].count += 1
            if seconds < addresses[position].firstSeconds {
                addresses[position].firstSeconds = seconds
                addresses[position].firstLine = line32
            }
            if seconds > addresses[position].lastSeconds { addresses[position].lastSeconds = seconds }
        } else {
            let key = AddressKey(terminal: ObjectIdentifier(state), ipv4: ipv4, mac: mac)
            if let position = addressIndex[key] {
                addresses[position].count += 1
                if seconds < addresses[position].firstSeconds {
                    addresses[position].firstSeconds = seconds
                    addresses[position].firstLine = line32
                }
                if seconds > addresses[position].lastSeconds { addresses[position].lastSeconds = seconds }
                state.lastAddress = position
            } else {
                addressIndex[key] = addresses.count
                state.lastAddress = addresses.count
                addresses.append(
                    AddressAggregate(
                        venue: state.venue, terminal: state.terminal, ipv4: ipv4, mac: mac,
                        firstSeconds: seconds, lastSeconds: seconds, count: 1, firstLine: line32))
            }
            state.lastIPv4 = ipv4
            state.lastMAC = mac
        }

        switch record.kind {
        case .heartbeat:
            Self.append(&state.heartbeat, seconds: seconds, value: record.code, line: line32)
            if state.heartbeat.count >= Self.maximumRunCount { finish(state, .heartbeat) }
        case .snapshot:
            Self.append(&state.snapshot, seconds: seconds, value: record.code, line: line32)
            if state.snapshot.count >= Self.maximumRunCount { finish(state, .snapshot) }
        default:
            break
        }
        if finishedRuns.count >= Self.runsPerMessage {
            defer { finishedRuns.removeAll(keepingCapacity: true) }
            return finishedRuns
        }
        return nil
    }

    @inline(__always)
    private static func append(_ run: inout OpenRun, seconds: Int64, value: UInt8, line: Int32) {
        if run.count == 0 {
            run.baseSeconds = seconds
            run.baseLine = line
        } else {
            let delta = seconds - run.previousSeconds
            writeVarint(&run.times, UInt64(bitPattern: (delta << 1) ^ (delta >> 63)))
            writeVarint(&run.lines, UInt64(UInt32(bitPattern: line &- run.previousLine)))
        }
        run.values.append(value)
        run.previousSeconds = seconds
        run.previousLine = line
        run.count += 1
        if seconds < run.minSeconds { run.minSeconds = seconds }
        if seconds > run.maxSeconds { run.maxSeconds = seconds }
    }

    @inline(__always)
    private static func writeVarint(_ bytes: inout [UInt8], _ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    private mutating func finish(_ state: TerminalState, _ family: PulseRun.Family) {
        let run = family == .heartbeat ? state.heartbeat : state.snapshot
        guard run.count > 0 else { return }
        finishedRuns.append(
            PulseRun(
                venue: state.venue, terminal: state.terminal, family: family,
                minSeconds: run.minSeconds, maxSeconds: run.maxSeconds, count: run.count,
                baseSeconds: run.baseSeconds, baseLine: run.baseLine, times: run.times, values: run.values,
                lines: run.lines))
        if family == .heartbeat { state.heartbeat = OpenRun() } else { state.snapshot = OpenRun() }
    }

    /// Everything still held, at the end of the file.
    mutating func drain() -> (runs: [PulseRun], addresses: [AddressAggregate], coverage: [(String, Int64, Int64)]) {
        for state in terminals {
            finish(state, .heartbeat)
            finish(state, .snapshot)
        }
        let venueCoverage = coverage.enumerated().map { (venues.string(Int32($0.offset + 1)), $0.element.first, $0.element.last) }
        return (finishedRuns, addresses, venueCoverage)
    }

    /// Decodes a run back into (time, value, line) triples, in file order.
    package static func decode(
        baseSeconds: Int64, baseLine: Int32, count: Int, times: UnsafeRawBufferPointer,
        values: UnsafeRawBufferPointer, lines: UnsafeRawBufferPointer,
        _ body: (Int64, UInt8, Int32) -> Void
    ) {
        guard count > 0, values.count >= count else { return }
        var seconds = baseSeconds
        var line = baseLine
        var timeIndex = 0
        var lineIndex = 0
        func readVarint(_ bytes: UnsafeRawBufferPointer, _ index: inout Int) -> UInt64 {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte < 0x80 { break }
                shift += 7
            }
            return value
        }
        body(seconds, values[0], line)
        for position in 1..<count {
            let zigzag = readVarint(times, &timeIndex)
            seconds += Int64(bitPattern: zigzag >> 1) ^ -Int64(bitPattern: zigzag & 1)
            line &+= Int32(truncatingIfNeeded: readVarint(lines, &lineIndex))
            body(seconds, values[position], line)
        }
    }
}

/// Decoding of stored pulse runs, for the store's readers.
package enum PulseRunDecoder {
    package static func decode(
        baseSeconds: Int64, baseLine: Int32, count: Int, times: UnsafeRawBufferPointer,
        values: UnsafeRawBufferPointer, lines: UnsafeRawBufferPointer,
        _ body: (Int64, UInt8, Int32) -> Void
    ) {
        PulseAccumulator.decode(
            baseSeconds: baseSeconds, baseLine: baseLine, count: count, times: times, values: values, lines: lines,
            body)
    }
}
