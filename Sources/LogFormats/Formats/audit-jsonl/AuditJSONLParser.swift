/// Parses `audit-jsonl` lines (FORMATS.md §3.4): one flat JSON object a line with `ts`, `venue`, `event`
/// and the field names of §3.3. Unknown keys (of any JSON type) are skipped; a missing field counts as empty.
package struct AuditJSONLParser: AuditLineParser {
    /// The keys netbar reads, in slot order.
    private static let keys: [StaticString] = [
        "ts", "venue", "event", "terminal", "ip", "mac", "cert_type", "cert_no", "name", "state", "exe", "md5",
        "action", "result", "bytes", "reader_sn", "status", "detail", "dst_ip", "dst_port", "bytes_up", "bytes_down",
    ]
    private enum Slot: Int {
        case ts, venue, event, terminal, ip, mac, certType, certNo, name, state, exe, md5, action, result, bytes,
            readerSerial, status, detail, destinationIP, destinationPort, bytesUp, bytesDown
    }
    /// Slots of each event's fields, in pipe order, so `AuditFieldReader` reads both formats alike.
    private static func fieldSlots(_ kind: AuditEventKind) -> [Slot] {
        switch kind {
        case .online, .offline: [.terminal, .ip, .mac, .certType, .certNo, .name]
        case .heartbeat: [.terminal, .ip, .mac, .state]
        case .process: [.terminal, .ip, .mac, .exe, .md5, .action]
        case .snapshot: [.terminal, .ip, .mac, .result, .bytes]
        case .swipe: [.readerSerial, .certType, .certNo, .name, .result]
        case .audit: [.status, .detail]
        case .flow: [.terminal, .ip, .mac, .destinationIP, .destinationPort, .bytesUp, .bytesDown]
        }
    }
    private static let slotsByKind: [[Slot]] = AuditEventKind.allCases.map { fieldSlots($0) }

    /// The keys in 64 buckets by their first eight bytes and length, with a multiplier found once under which no
    /// two keys share a bucket: a key is looked up with one multiply and one compare.
    private static let keyBuckets: (multiplier: UInt64, entries: [(packed: UInt64, count: Int, slot: Int)]) = {
        let packedKeys = keys.map { key in
            let bytes = UnsafeRawBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount)
            return (packed: packed(bytes), count: bytes.count)
        }
        var candidate: UInt64 = 0x9E37_79B9_7F4A_7C15
        while true {
            let multiplier = candidate | 1
            let buckets = packedKeys.map { bucket($0.packed, $0.count, multiplier) }
            if Set(buckets).count == buckets.count {
                var entries = [(packed: UInt64, count: Int, slot: Int)](repeating: (0, -1, 0), count: 64)
                for (slot, bucket) in buckets.enumerated() {
                    entries[bucket] = (packedKeys[slot].packed, packedKeys[slot].count, slot)
                }
                return (multiplier, entries)
            }
            candidate = candidate &* 0xD6E8_FEB8_6659_FD93 &+ 0x2545_F491_4F6C_DD1D
        }
    }()

    @inline(__always)
    private static func bucket(_ packed: UInt64, _ count: Int, _ multiplier: UInt64) -> Int {
        Int(truncatingIfNeeded: ((packed ^ UInt64(count) << 56) &* multiplier) >> 58)
    }

    @inline(__always)
    private static func packed(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        guard let base = bytes.baseAddress else { return 0 }
        if bytes.count >= 8 { return UInt64(littleEndian: base.loadUnaligned(as: UInt64.self)) }
        var value: UInt64 = 0
        for offset in 0..<bytes.count {
            value |= UInt64(base.load(fromByteOffset: offset, as: UInt8.self)) << (8 * UInt64(offset))
        }
        return value
    }

    /// The slot of a key, or nil for a key netbar does not read. `packedKey` is `packed(key)` when the caller has it.
    @inline(__always)
    private func keySlot(_ key: UnsafeRawBufferPointer, packedKey: UInt64? = nil) -> Int? {
        guard key.count <= 10 else { return nil }
        let value = packedKey ?? Self.packed(key)
        let entry = keyEntries[Self.bucket(value, key.count, keyMultiplier)]
        guard entry.count == key.count, entry.packed == value else { return nil }
        if key.count > 8 && !key.equals(Self.keys[entry.slot]) { return nil }
        return entry.slot
    }

    /// Where one slot's value lies this line: a range of the line itself (most values: no escapes), or of
    /// `scratch` (a string with escapes, unescaped).
    private struct SlotValue {
        var start: Int32
        var end: Int32
        var flags: UInt8
        static let present: UInt8 = 1, isString: UInt8 = 2, inScratch: UInt8 = 4
        static let absent = SlotValue(start: 0, end: 0, flags: 0)
    }

    /// Unescaped strings with escapes, back to back.
    private var scratch = ContiguousArray<UInt8>()

    /// `keyBuckets`, held by each parser: a static read in the per-key path cost a `swift_once` call each time.
    private let keyMultiplier: UInt64
    private let keyEntries: [(packed: UInt64, count: Int, slot: Int)]

    /// Whether strings are read through the quote index (the careful reader alone when false, so that tests
    /// can hold the one to the other).
    private let usesQuoteIndex: Bool

    package init() { self.init(usesQuoteIndex: true) }

    package init(usesQuoteIndex: Bool) {
        scratch.reserveCapacity(4096)
        (keyMultiplier, keyEntries) = Self.keyBuckets
        self.usesQuoteIndex = usesQuoteIndex
    }

    /// Parses one line (no CR/LF; not blank) and hands a recognised event to `body`.
    package mutating func parse(
        _ line: UnsafeRawBufferPointer, _ body: (inout AuditRecord) -> Void
    ) throws(RowIssue) -> AuditLineOutcome {
        scratch.removeAll(keepingCapacity: true)
        // On the stack: a line's slots and its quote index cost no allocation and no copy-on-write check.
        return try withUnsafeTemporaryAllocation(of: SlotValue.self, capacity: Self.keys.count) {
            (slots) throws(RowIssue) -> AuditLineOutcome in
            slots.initialize(repeating: .absent)
            try withUnsafeTemporaryAllocation(of: UInt64.self, capacity: (line.count + 63) / 64) {
                (quoteBits) throws(RowIssue) in
                let index = QuoteIndex(line, quoteBits)
                try scanObject(line, slots, index.hasBackslash || !usesQuoteIndex ? nil : index)
            }
            return try scratch.withRowBytes { (unescaped) throws(RowIssue) -> AuditLineOutcome in
                func value(_ slot: Slot) -> UnsafeRawBufferPointer {
                    let found = slots[slot.rawValue]
                    guard found.flags != 0 else { return UnsafeRawBufferPointer(start: nil, count: 0) }
                    let source = found.flags & SlotValue.inScratch != 0 ? unescaped : line
                    return UnsafeRawBufferPointer(rebasing: source[Int(found.start)..<Int(found.end)])
                }
                guard slots[Slot.event.rawValue].flags != 0 else {
                    throw RowIssue(.missingField, "The object has no \"event\" key.")
                }
                guard let kind = AuditRecord.kind(named: value(.event).trimmed()) else {
                    return .unknownEvent(name: String(value(.event).text.prefix(32)))
                }
                let tsField = value(.ts).trimmed()
                let time: Int64?
                if slots[Slot.ts.rawValue].flags & SlotValue.isString == 0
                    || (tsField.count >= 10 && FieldParser.integer(tsField) != nil)
                {
                    time = Self.epochMilliseconds(tsField).map { $0 >= 0 ? $0 / 1000 : ($0 - 999) / 1000 }
                } else {
                    time = FieldParser.timestamp(tsField)
                }
                guard let time else {
                    throw RowIssue(.badTime, "ts '\(tsField.text.prefix(40))' is not ISO 8601 or epoch milliseconds.")
                }
                let venue = value(.venue).trimmed()
                try RowIssue.checkVenue(venue, "venue")
                var record = AuditRecord(kind: kind, timeSeconds: time, venue: venue)
                let fieldSlots = Self.slotsByKind[Int(kind.rawValue) - 1]
                try AuditFieldReader.fill(&record) { value(fieldSlots[$0]) }
                body(&record)
                return .event
            }
        }
    }

    private static func epochMilliseconds(_ field: UnsafeRawBufferPointer) -> Int64? {
        if let whole = FieldParser.signedInteger(field) { return whole }
        // A JSON number may also come with a fraction or an exponent (`1795845802000.0`, `1.795845802E12`).
        guard let value = Double(field.text), value.isFinite, abs(value) < 1e16 else { return nil }
        return Int64(value.rounded(.down))
    }

    // MARK: JSON scanning

    /// Where a line's quotes are, a bit per byte, found in one pass of eight bytes at a time; with it a string
    /// without escapes ends at the next quote bit. (Searching each string for its end was a loop per string whose
    /// exit, after a varying number of bytes, was a mispredicted branch each: 12 % of a JSON Lines ingest.)
    private struct QuoteIndex {
        let bits: UnsafeMutableBufferPointer<UInt64>
        /// Whether the line has a backslash anywhere: then strings are read the careful way.
        let hasBackslash: Bool

        init(_ line: UnsafeRawBufferPointer, _ bits: UnsafeMutableBufferPointer<UInt64>) {
            self.bits = bits
            let count = line.count
            guard let base = line.baseAddress else {
                hasBackslash = false
                return
            }
            bits.initialize(repeating: 0)
            guard count >= 16 else {
                // Too short for a 16-byte load within the line: a byte at a time.
                var backslash = false
                for offset in 0..<count {
                    let byte = base.load(fromByteOffset: offset, as: UInt8.self)
                    if byte == 0x22 { bits[offset >> 6] |= 1 << UInt64(offset & 63) }
                    backslash = backslash || byte == 0x5C
                }
                hasBackslash = backslash
                return
            }
            // Sixteen bytes at a time: one vector compare, then each half's top bits gathered by a multiply (eight
            // bytes at a time in general-purpose registers cost about three times the instructions).
            let quotes = SIMD16<UInt8>(repeating: 0x22)
            let slashes = SIMD16<UInt8>(repeating: 0x5C)
            var backslashes = SIMDMask<SIMD16<Int8>>(repeating: false)
            @inline(__always) func quoteBits(at start: Int) -> UInt64 {
                let chunk = base.loadUnaligned(fromByteOffset: start, as: SIMD16<UInt8>.self)
                backslashes .|= chunk .== slashes
                return ByteSearch.bits(chunk .== quotes)
            }
            // `offset` stays a multiple of 16: a chunk's sixteen bits never straddle two words.
            var offset = 0
            while offset + 16 <= count {
                bits[offset >> 6] |= quoteBits(at: offset) << UInt64(offset & 63)
                offset += 16
            }
            if offset < count {
                // The line's last sixteen bytes, shifted past those already read: nothing past the line is read.
                let tail = quoteBits(at: count - 16) >> UInt64(offset + 16 - count)
                bits[offset >> 6] |= tail << UInt64(offset & 63)
            }
            hasBackslash = any(backslashes)
        }

        /// The first quote after `position`, or nil.
        @inline(__always)
        func quote(after position: Int) -> Int? {
            let next = position + 1
            var word = next >> 6
            guard word < bits.count else { return nil }
            var pending = bits[word] & (~0 << UInt64(next & 63))
            while pending == 0 {
                word += 1
                guard word < bits.count else { return nil }
                pending = bits[word]
            }
            return word << 6 + pending.trailingZeroBitCount
        }
    }

    private mutating func scanObject(
        _ line: UnsafeRawBufferPointer, _ slots: UnsafeMutableBufferPointer<SlotValue>, _ quotes: QuoteIndex?
    ) throws(RowIssue) {
        // `index` is a plain local: nested functions capturing it kept it in memory, a load and a store each use.
        var index = 0
        let count = line.count
        @inline(__always) func skipSpace(_ index: inout Int) {
            while index < count, line[index] == 0x20 || line[index] == 0x09 || line[index] == 0x0D { index += 1 }
        }
        func fail(_ what: String, _ index: Int) -> RowIssue {
            RowIssue(.badJSON, "The line is not a JSON object: \(what) at byte \(index + 1).")
        }
        skipSpace(&index)
        guard index < count, line[index] == UInt8(ascii: "{") else { throw fail("expected '{'", index) }
        index += 1
        skipSpace(&index)
        if index < count, line[index] == UInt8(ascii: "}") {
            index += 1
        } else {
            while true {
                skipSpace(&index)
                guard index < count, line[index] == UInt8(ascii: "\"") else { throw fail("expected a key", index) }
                let key = try readString(line, &index, quotes)
                let slot: Int?
                if key.flags & SlotValue.inScratch == 0 {
                    let start = Int(key.start)
                    let length = Int(key.end) - start
                    // A key is followed by `":` and a value, so eight bytes from its start are nearly always in the
                    // line: one load masked to its length packs it (byte by byte, a loop of varying length each key).
                    var packedKey: UInt64?
                    if start + 8 <= count, let base = line.baseAddress {
                        let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: start, as: UInt64.self))
                        packedKey = length >= 8 ? word : word & ((1 << UInt64(8 * length)) &- 1)
                    }
                    slot = keySlot(UnsafeRawBufferPointer(rebasing: line[start..<Int(key.end)]), packedKey: packedKey)
                } else {
                    slot = scratch.withUnsafeBytes {
                        keySlot(UnsafeRawBufferPointer(rebasing: $0[Int(key.start)..<Int(key.end)]))
                    }
                    scratch.removeSubrange(Int(key.start)...)
                }
                skipSpace(&index)
                guard index < count, line[index] == UInt8(ascii: ":") else { throw fail("expected ':'", index) }
                index += 1
                skipSpace(&index)
                guard index < count else { throw fail("expected a value", index) }
                let scratchBefore = scratch.count
                // A null or a nested value is present and empty (a missing field counts as empty).
                var value = SlotValue(start: 0, end: 0, flags: SlotValue.present)
                switch line[index] {
                case UInt8(ascii: "\""):
                    value = try readString(line, &index, quotes)
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    try skipNested(line, &index)
                default:
                    let literalStart = index
                    scan: while index < count {
                        switch line[index] {
                        case 0x2C, 0x7D, 0x20, 0x09, 0x0D: break scan
                        default: index += 1
                        }
                    }
                    let literal = UnsafeRawBufferPointer(rebasing: line[literalStart..<index])
                    guard !literal.isEmpty else { throw fail("expected a value", index) }
                    if !literal.equals("null") {
                        value = SlotValue(start: Int32(literalStart), end: Int32(index), flags: SlotValue.present)
                    }
                }
                if let slot {
                    slots[slot] = value
                } else if scratch.count > scratchBefore {
                    scratch.removeSubrange(scratchBefore...)
                }
                skipSpace(&index)
                guard index < count else { throw fail("unterminated object", index) }
                if line[index] == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                guard line[index] == UInt8(ascii: "}") else { throw fail("expected ',' or '}'", index) }
                index += 1
                break
            }
        }
        skipSpace(&index)
        guard index == count else { throw fail("text after the object", index) }
    }

    /// Reads a JSON string at `index` (on its opening quote): a range of the line. With escapes (only in a line
    /// with a backslash) its unescaped UTF-8 is appended to `scratch`.
    @inline(__always)
    private mutating func readString(
        _ line: UnsafeRawBufferPointer, _ index: inout Int, _ quotes: QuoteIndex?
    ) throws(RowIssue) -> SlotValue {
        guard let quotes else { return try readEscapedString(line, &index) }
        guard let end = quotes.quote(after: index) else { throw RowIssue(.badJSON, "A string is not terminated.") }
        defer { index = end + 1 }
        return SlotValue(start: Int32(index + 1), end: Int32(end), flags: SlotValue.present | SlotValue.isString)
    }

    /// A string of a line that has a backslash somewhere.
    private mutating func readEscapedString(
        _ line: UnsafeRawBufferPointer, _ index: inout Int
    ) throws(RowIssue) -> SlotValue {
        index += 1
        let first = index
        let count = line.count
        if let base = line.baseAddress {
            // Eight bytes at a time: a word holding neither a quote nor a backslash is passed whole. A zero byte of
            // `word ^ pattern` marks a match; the lowest flagged byte is always a true one.
            var position = index
            while position + 8 <= count {
                let word = base.loadUnaligned(fromByteOffset: position, as: UInt64.self)
                let quotes = word ^ 0x2222_2222_2222_2222
                let backslashes = word ^ 0x5C5C_5C5C_5C5C_5C5C
                let flags = ((quotes &- 0x0101_0101_0101_0101) & ~quotes
                    | (backslashes &- 0x0101_0101_0101_0101) & ~backslashes) & 0x8080_8080_8080_8080
                if flags != 0 {
                    position += flags.trailingZeroBitCount >> 3
                    break
                }
                position += 8
            }
            while position < count {
                let byte = base.load(fromByteOffset: position, as: UInt8.self)
                if byte == UInt8(ascii: "\"") {
                    index = position + 1
                    return SlotValue(start: Int32(first), end: Int32(position), flags: SlotValue.present | SlotValue.isString)
                }
                if byte == UInt8(ascii: "\\") { break }
                position += 1
            }
            index = position
        }
        guard index < count else { throw RowIssue(.badJSON, "A string is not terminated.") }
        let scratchStart = scratch.count
        scratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: line[first..<index]))
        while index < count {
            let byte = line[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return SlotValue(
                    start: Int32(scratchStart), end: Int32(scratch.count),
                    flags: SlotValue.present | SlotValue.isString | SlotValue.inScratch)
            }
            if byte != UInt8(ascii: "\\") {
                scratch.append(byte)
                index += 1
                continue
            }
            guard index + 1 < count else { break }
            let escaped = line[index + 1]
            index += 2
            switch escaped {
            case UInt8(ascii: "n"): scratch.append(0x0A)
            case UInt8(ascii: "t"): scratch.append(0x09)
            case UInt8(ascii: "r"): scratch.append(0x0D)
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0C)
            case UInt8(ascii: "u"):
                guard var scalar = hex4(line, index) else { throw RowIssue(.badJSON, "A \\u escape is malformed.") }
                index += 4
                if scalar >= 0xD800, scalar < 0xDC00, index + 6 <= count, line[index] == UInt8(ascii: "\\"),
                    line[index + 1] == UInt8(ascii: "u"), let low = hex4(line, index + 2), low >= 0xDC00, low < 0xE000
                {
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    index += 6
                }
                let unicode = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                scratch.append(contentsOf: String(Character(unicode)).utf8)
            default: scratch.append(escaped)
            }
        }
        throw RowIssue(.badJSON, "A string is not terminated.")
    }

    private func hex4(_ line: UnsafeRawBufferPointer, _ at: Int) -> UInt32? {
        guard at + 4 <= line.count else { return nil }
        var value: UInt32 = 0
        for offset in 0..<4 {
            let byte = line[at + offset]
            let digit: UInt32
            switch byte {
            case 0x30...0x39: digit = UInt32(byte - 0x30)
            case 0x41...0x46: digit = UInt32(byte - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(byte - 0x61 + 10)
            default: return nil
            }
            value = value << 4 | digit
        }
        return value
    }

    /// Skips a nested object or array of an unknown key, minding strings.
    private func skipNested(_ line: UnsafeRawBufferPointer, _ index: inout Int) throws(RowIssue) {
        var depth = 0
        var inString = false
        while index < line.count {
            let byte = line[index]
            if inString {
                if byte == UInt8(ascii: "\\") {
                    index += 1
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            } else if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
                depth += 1
            } else if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") {
                depth -= 1
                if depth == 0 {
                    index += 1
                    return
                }
            }
            index += 1
        }
        throw RowIssue(.badJSON, "A nested value is not terminated.")
    }
}

