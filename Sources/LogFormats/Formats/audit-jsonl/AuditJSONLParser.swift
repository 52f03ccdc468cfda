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

    /// Keys by length (the longest is 10 bytes): each key's first 8 bytes as a little-endian integer, and its slot.
    private static let keysByLength: [[(packed: UInt64, slot: Int)]] = {
        var table = [[(packed: UInt64, slot: Int)]](repeating: [], count: 11)
        for (slot, key) in keys.enumerated() {
            let bytes = UnsafeRawBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount)
            table[bytes.count].append((packed(bytes), slot))
        }
        return table
    }()

    private static func packed(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var value: UInt64 = 0
        for offset in 0..<min(8, bytes.count) { value |= UInt64(bytes[offset]) << (8 * UInt64(offset)) }
        return value
    }

    /// The slot of a key, or nil for a key netbar does not read.
    private static func slot(ofKey key: UnsafeRawBufferPointer) -> Int? {
        guard key.count < keysByLength.count else { return nil }
        let value = packed(key)
        for candidate in keysByLength[key.count] where candidate.packed == value {
            if key.count <= 8 || key.equals(keys[candidate.slot]) { return candidate.slot }
        }
        return nil
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

    package init() { scratch.reserveCapacity(4096) }

    /// Parses one line (no CR/LF; not blank) and hands a recognised event to `body`.
    package mutating func parse(
        _ line: UnsafeRawBufferPointer, _ body: (inout AuditRecord) -> Void
    ) throws(RowIssue) -> AuditLineOutcome {
        scratch.removeAll(keepingCapacity: true)
        // On the stack: a line's slots cost no allocation and no copy-on-write check.
        return try withUnsafeTemporaryAllocation(of: SlotValue.self, capacity: Self.keys.count) {
            (slots) throws(RowIssue) -> AuditLineOutcome in
            slots.initialize(repeating: .absent)
            try scanObject(line, slots)
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

    private mutating func scanObject(
        _ line: UnsafeRawBufferPointer, _ slots: UnsafeMutableBufferPointer<SlotValue>
    ) throws(RowIssue) {
        var index = 0
        let count = line.count
        func skipSpace() {
            while index < count, line[index] == 0x20 || line[index] == 0x09 || line[index] == 0x0D { index += 1 }
        }
        func fail(_ what: String) -> RowIssue {
            RowIssue(.badJSON, "The line is not a JSON object: \(what) at byte \(index + 1).")
        }
        skipSpace()
        guard index < count, line[index] == UInt8(ascii: "{") else { throw fail("expected '{'") }
        index += 1
        skipSpace()
        if index < count, line[index] == UInt8(ascii: "}") {
            index += 1
        } else {
            while true {
                skipSpace()
                guard index < count, line[index] == UInt8(ascii: "\"") else { throw fail("expected a key") }
                let key = try readString(line, &index)
                let slot: Int?
                if key.flags & SlotValue.inScratch == 0 {
                    slot = Self.slot(ofKey: UnsafeRawBufferPointer(rebasing: line[Int(key.start)..<Int(key.end)]))
                } else {
                    slot = scratch.withUnsafeBytes {
                        Self.slot(ofKey: UnsafeRawBufferPointer(rebasing: $0[Int(key.start)..<Int(key.end)]))
                    }
                    scratch.removeSubrange(Int(key.start)...)
                }
                skipSpace()
                guard index < count, line[index] == UInt8(ascii: ":") else { throw fail("expected ':'") }
                index += 1
                skipSpace()
                guard index < count else { throw fail("expected a value") }
                let scratchBefore = scratch.count
                // A null or a nested value is present and empty (a missing field counts as empty).
                var value = SlotValue(start: 0, end: 0, flags: SlotValue.present)
                switch line[index] {
                case UInt8(ascii: "\""):
                    value = try readString(line, &index)
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
                    guard !literal.isEmpty else { throw fail("expected a value") }
                    if !literal.equals("null") {
                        value = SlotValue(start: Int32(literalStart), end: Int32(index), flags: SlotValue.present)
                    }
                }
                if let slot {
                    slots[slot] = value
                } else if scratch.count > scratchBefore {
                    scratch.removeSubrange(scratchBefore...)
                }
                skipSpace()
                guard index < count else { throw fail("unterminated object") }
                if line[index] == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                guard line[index] == UInt8(ascii: "}") else { throw fail("expected ',' or '}'") }
                index += 1
                break
            }
        }
        skipSpace()
        guard index == count else { throw fail("text after the object") }
    }

    /// Reads a JSON string at `index` (on its opening quote). Without escapes it is a range of the line; with them
    /// its unescaped UTF-8 is appended to `scratch`.
    private mutating func readString(
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

