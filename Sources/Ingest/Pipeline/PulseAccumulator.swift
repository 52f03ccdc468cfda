import Glibc
import LogFormats

/// Reduces one file's heartbeats and snapshots to delta-encoded `PulseRun`s per terminal, and gathers
/// the distinct addresses and the per-venue time coverage of its audit events. Memory is bounded by the
/// number of terminals, not the file's size. Used in place, one per file: a copy would share the open runs
/// (`OpenRuns` is a class, for its buffers' sake).
struct PulseAccumulator {
    /// Pulses per run before it is handed on.
    static let maximumRunCount = 4096
    /// Finished runs gathered before they are sent.
    static let runsPerMessage = 512

    /// The runs being gathered, two a terminal (at 2 × index + family), their bytes written in place into buffers
    /// each run keeps for the next (array appends cost a uniqueness and a capacity check each, three a pulse, and
    /// grew each array a dozen times a run). A buffer grows by `realloc` as its first runs need: buffers of a full
    /// run's longest bytes made up front (64 KiB) held 30 MB more on a night, recycled heap being resident.
    private final class OpenRuns {
        struct Run {
            var values: UnsafeMutablePointer<UInt8>?
            var times: UnsafeMutablePointer<UInt8>?
            var lines: UnsafeMutablePointer<UInt8>?
            var valuesCapacity = 0
            var timesCapacity = 0
            var linesCapacity = 0
            var timesCount = 0
            var linesCount = 0
            var baseSeconds: Int64 = 0
            var baseLine: Int32 = 0
            var previousSeconds: Int64 = 0
            var previousLine: Int32 = 0
            var count = 0
            var minSeconds = Int64.max
            var maxSeconds = Int64.min

            /// Forgets the run's pulses, keeping its buffers.
            mutating func empty() {
                self = Run(
                    values: values, times: times, lines: lines, valuesCapacity: valuesCapacity,
                    timesCapacity: timesCapacity, linesCapacity: linesCapacity)
            }
        }

        private(set) var runs = UnsafeMutablePointer<Run>.allocate(capacity: 64)
        private var capacity = 64
        private(set) var count = 0

        /// Two more runs (a new terminal's).
        func addTerminal() {
            if count + 2 > capacity {
                let larger = UnsafeMutablePointer<Run>.allocate(capacity: capacity * 2)
                larger.moveInitialize(from: runs, count: count)
                runs.deallocate()
                runs = larger
                capacity *= 2
            }
            (runs + count).initialize(repeating: Run(), count: 2)
            count += 2
        }

        /// Makes room in `buffer` for `needed` bytes.
        private static func grow(_ buffer: inout UnsafeMutablePointer<UInt8>?, _ capacity: inout Int, to needed: Int) {
            let grown = max(needed, capacity * 2, 256)
            guard let moved = realloc(buffer, grown) else { fatalError("out of memory for a pulse run") }
            buffer = moved.assumingMemoryBound(to: UInt8.self)
            capacity = grown
        }

        /// Appends a pulse to run `slot`; returns its pulse count.
        @inline(__always)
        func append(_ slot: Int, seconds: Int64, value: UInt8, line: Int32) -> Int {
            let run = runs + slot
            if run.pointee.count == run.pointee.valuesCapacity {
                Self.grow(&run.pointee.values, &run.pointee.valuesCapacity, to: run.pointee.count + 1)
            }
            run.pointee.values.unsafelyUnwrapped[run.pointee.count] = value
            if run.pointee.count == 0 {
                run.pointee.baseSeconds = seconds
                run.pointee.baseLine = line
            } else {
                // A time delta is at most 10 bytes, a line delta at most 5.
                if run.pointee.timesCount + 10 > run.pointee.timesCapacity {
                    Self.grow(&run.pointee.times, &run.pointee.timesCapacity, to: run.pointee.timesCount + 10)
                }
                if run.pointee.linesCount + 5 > run.pointee.linesCapacity {
                    Self.grow(&run.pointee.lines, &run.pointee.linesCapacity, to: run.pointee.linesCount + 5)
                }
                run.pointee.timesCount = Varint.write(
                    Varint.zigzag(seconds - run.pointee.previousSeconds), to: UnsafeMutableRawPointer(run.pointee.times!),
                    at: run.pointee.timesCount)
                run.pointee.linesCount = Varint.write(
                    UInt64(UInt32(bitPattern: line &- run.pointee.previousLine)),
                    to: UnsafeMutableRawPointer(run.pointee.lines!), at: run.pointee.linesCount)
            }
            run.pointee.previousSeconds = seconds
            run.pointee.previousLine = line
            run.pointee.count += 1
            if seconds < run.pointee.minSeconds { run.pointee.minSeconds = seconds }
            if seconds > run.pointee.maxSeconds { run.pointee.maxSeconds = seconds }
            return run.pointee.count
        }

        deinit {
            for slot in 0..<count {
                free(runs[slot].values)
                free(runs[slot].times)
                free(runs[slot].lines)
            }
            runs.deinitialize(count: count)
            runs.deallocate()
        }
    }

    private let openRuns = OpenRuns()

    private struct AddressKey: Hashable {
        var terminal: Int
        var ipv4: Int64
        var mac: Int64
    }

    // Per-terminal state in flat columns indexed by terminal index (runs at 2 × index + family), so the
    // per-line path touches no reference counts and copies nothing (STYLE.md §7).
    private var terminalNames: [(venue: String, terminal: String)] = []
    private var lastIPv4 = ContiguousArray<Int64>()
    private var lastMAC = ContiguousArray<Int64>()
    private var lastAddress = ContiguousArray<Int>()

    /// Terminal numbers per venue (by venue index), and their terminal indices.
    private var venueTerminals: [StringDictionary] = []
    private var venueTerminalIndices: [[Int]] = []
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
            venueTerminalIndices.append([])
        }
        if venue.count == 14 { lastVenueIndex = index }
        return index
    }

    /// Notes any audit event's venue time (coverage, FORMATS.md §4 audit-gap); returns the venue's index.
    @discardableResult
    @inline(__always)
    mutating func noteVenueTime(_ venue: UnsafeRawBufferPointer, _ seconds: Int64) -> Int {
        let index = venueIndex(venue)
        if index != coveredVenue { switchCoveredVenue(to: index) }
        if seconds < coveredFirst { coveredFirst = seconds }
        if seconds > coveredLast { coveredLast = seconds }
        return index
    }

    /// The current venue's coverage is kept in scalars and folded into `coverage` when the venue changes.
    private var coveredVenue = -1
    private var coveredFirst = Int64.max
    private var coveredLast = Int64.min

    private mutating func switchCoveredVenue(to index: Int) {
        if coveredVenue >= 0 {
            coverage[coveredVenue].first = min(coverage[coveredVenue].first, coveredFirst)
            coverage[coveredVenue].last = max(coverage[coveredVenue].last, coveredLast)
        }
        coveredVenue = index
        coveredFirst = Int64.max
        coveredLast = Int64.min
    }

    /// Terminals of up to 7 bytes (nearly all: `012`) packed with their venue index into one integer key,
    /// looked up in an open-addressing table: no hashing of byte strings per line.
    private var packedKeys = ContiguousArray<UInt64>(repeating: 0, count: 1024)
    private var packedValues = ContiguousArray<Int>(repeating: 0, count: 1024)
    private var packedCount = 0

    @inline(__always)
    private static func packedKey(_ terminal: UnsafeRawBufferPointer, venueIndex: Int) -> UInt64? {
        guard terminal.count <= 5, venueIndex < 0xFFFF else { return nil }
        var key = UInt64(venueIndex + 1) << 48 | UInt64(terminal.count) << 40
        for (offset, byte) in terminal.enumerated() { key |= UInt64(byte) << (UInt64(offset) * 8) }
        return key
    }

    private mutating func growPackedTable() {
        let oldKeys = packedKeys
        let oldValues = packedValues
        packedKeys = ContiguousArray(repeating: 0, count: oldKeys.count * 2)
        packedValues = ContiguousArray(repeating: 0, count: oldKeys.count * 2)
        let mask = packedKeys.count - 1
        for (slot, key) in oldKeys.enumerated() where key != 0 {
            var position = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 20) & mask
            while packedKeys[position] != 0 { position = (position + 1) & mask }
            packedKeys[position] = key
            packedValues[position] = oldValues[slot]
        }
    }

    /// The index of the record's terminal.
    @inline(__always)
    private mutating func terminalIndex(_ record: borrowing AuditRecord, venueIndex: Int) -> Int {
        guard let key = Self.packedKey(record.terminal, venueIndex: venueIndex) else {
            return slowTerminalIndex(record, venueIndex: venueIndex)
        }
        let mask = packedKeys.count - 1
        var position = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 20) & mask
        while true {
            let found = packedKeys[position]
            if found == key { return packedValues[position] }
            if found == 0 { break }
            position = (position + 1) & mask
        }
        let index = slowTerminalIndex(record, venueIndex: venueIndex)
        packedKeys[position] = key
        packedValues[position] = index
        packedCount += 1
        if packedCount * 2 > packedKeys.count { growPackedTable() }
        return index
    }

    private mutating func slowTerminalIndex(_ record: borrowing AuditRecord, venueIndex: Int) -> Int {
        let local = Int(venueTerminals[venueIndex].intern(record.terminal)) - 1
        if local < venueTerminalIndices[venueIndex].count { return venueTerminalIndices[venueIndex][local] }
        let index = terminalNames.count
        terminalNames.append((record.venue.text, record.terminal.text))
        openRuns.addTerminal()
        lastIPv4.append(Int64.max)
        lastMAC.append(Int64.max)
        lastAddress.append(-1)
        venueTerminalIndices[venueIndex].append(index)
        return index
    }

    private mutating func countAddress(_ position: Int, seconds: Int64, line: Int32) {
        addresses[position].count += 1
        if seconds < addresses[position].firstSeconds {
            addresses[position].firstSeconds = seconds
            addresses[position].firstLine = line
        }
        if seconds > addresses[position].lastSeconds { addresses[position].lastSeconds = seconds }
    }

    /// Takes an event that names a terminal: its address, and its pulse when it is a heartbeat or snapshot.
    /// - Returns: runs ready to send, when enough have gathered.
    mutating func take(_ record: borrowing AuditRecord, venueIndex: Int, line: Int) -> [PulseRun]? {
        let index = terminalIndex(record, venueIndex: venueIndex)
        let ipv4 = record.ipv4.map { Int64($0) } ?? absentInt64
        let mac = record.mac.map { Int64($0) } ?? absentInt64
        let seconds = record.timeSeconds
        let line32 = Int32(truncatingIfNeeded: line)
        if ipv4 == lastIPv4[index] && mac == lastMAC[index] {
            countAddress(lastAddress[index], seconds: seconds, line: line32)
        } else {
            let key = AddressKey(terminal: index, ipv4: ipv4, mac: mac)
            if let position = addressIndex[key] {
                countAddress(position, seconds: seconds, line: line32)
                lastAddress[index] = position
            } else {
                addressIndex[key] = addresses.count
                lastAddress[index] = addresses.count
                addresses.append(
                    AddressAggregate(
                        venue: terminalNames[index].venue, terminal: terminalNames[index].terminal, ipv4: ipv4, mac: mac,
                        firstSeconds: seconds, lastSeconds: seconds, count: 1, firstLine: line32))
            }
            lastIPv4[index] = ipv4
            lastMAC[index] = mac
        }

        let family: PulseRun.Family
        switch record.kind {
        case .heartbeat: family = .heartbeat
        case .snapshot: family = .snapshot
        default: return nil
        }
        let slot = 2 * index + Int(family.rawValue)
        let value = record.code
        let full = openRuns.append(slot, seconds: seconds, value: value, line: line32) >= Self.maximumRunCount
        if full { finish(index, family) }
        if finishedRuns.count >= Self.runsPerMessage {
            defer { finishedRuns.removeAll(keepingCapacity: true) }
            return finishedRuns
        }
        return nil
    }

    private mutating func finish(_ index: Int, _ family: PulseRun.Family) {
        let run = openRuns.runs + (2 * index + Int(family.rawValue))
        guard run.pointee.count > 0 else { return }
        finishedRuns.append(
            PulseRun(
                venue: terminalNames[index].venue, terminal: terminalNames[index].terminal, family: family,
                minSeconds: run.pointee.minSeconds, maxSeconds: run.pointee.maxSeconds, count: run.pointee.count,
                baseSeconds: run.pointee.baseSeconds, baseLine: run.pointee.baseLine,
                times: [UInt8](UnsafeBufferPointer(start: run.pointee.times, count: run.pointee.timesCount)),
                values: [UInt8](UnsafeBufferPointer(start: run.pointee.values, count: run.pointee.count)),
                lines: [UInt8](UnsafeBufferPointer(start: run.pointee.lines, count: run.pointee.linesCount))))
        run.pointee.empty()
    }

    /// Everything still held, at the end of the file.
    mutating func drain() -> (runs: [PulseRun], addresses: [AddressAggregate], coverage: [(String, Int64, Int64)]) {
        switchCoveredVenue(to: -1)
        for index in terminalNames.indices {
            finish(index, .heartbeat)
            finish(index, .snapshot)
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
            seconds += Varint.unzigzag(zigzag)
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
