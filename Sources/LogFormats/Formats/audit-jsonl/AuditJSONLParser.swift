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

    /// Unescaped values, back to back.
    private var scratch = ContiguousArray<UInt8>()
    private var slotRanges = [Range<Int>?](repeating: nil, count: keys.count)
    private var slotIsString = [Bool](repeating: false, count: keys.count)

    package init() { scratch.reserveCapacity(4096) }

    /// Parses one line (no CR/LF; not blank) and hands a recognised event to `body`.
    package mutating func parse(
        _ line: UnsafeRawBufferPointer, _ body: (inout AuditRecord) -> Void
    ) throws(RowIssue) -> AuditLineOutcome {
        scratch.removeAll(keepingCapacity: true)
        for index in slotRanges.indices { slotRanges[index] = nil }
        try scanObject(line)

        return try scratch.withRowBytes { (bytes) throws(RowIssue) -> AuditLineOutcome in
            func value(_ slot: Slot) -> UnsafeRawBufferPointer {
                guard let range = slotRanges[slot.rawValue] else { return UnsafeRawBufferPointer(start: nil, count: 0) }
                return UnsafeRawBufferPointer(rebasing: bytes[range])
            }
            guard slotRanges[Slot.event.rawValue] != nil else {
                throw RowIssue(.missingField, "The object has no \"event\" key.")
            }
            guard let kind = AuditRecord.kind(named: value(.event).trimmed()) else {
                return .unknownEvent(name: String(value(.event).text.prefix(32)))
            }
            let tsField = value(.ts).trimmed()
            let time: Int64?
            if !slotIsString[Slot.ts.rawValue] || (tsField.count >= 10 && FieldParser.integer(tsField) != nil) {
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
            let slots = Self.slotsByKind[Int(kind.rawValue) - 1]
            try AuditFieldReader.fill(&record) { value(slots[$0]) }
            body(&record)
            return .event
        }
    }

    private static func epochMilliseconds(_ field: UnsafeRawBufferPointer) -> Int64? {
        if let whole = FieldParser.signedInteger(field) { return whole }
        // A JSON number may also come with a fraction or an exponent (`1795845802000.0`, `1.795845802E12`).
        guard let value = Double(field.text), value.isFinite, abs(value) < 1e16 else { return nil }
        return Int64(value.rounded(.down))
    }

    // MARK: JSON scanning

    private mutating func scanObject(_ line: UnsafeRawBufferPointer) throws(RowIssue) {
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
                let keyStart = scratch.count
                try readString(line, &index)
                let slot = scratch.withUnsafeBytes { bytes in
                    let key = UnsafeRawBufferPointer(rebasing: bytes[keyStart...])
                    return Self.keys.firstIndex { key.equals($0) }
                }
                scratch.removeSubrange(keyStart...)
                skipSpace()
                guard index < count, line[index] == UInt8(ascii: ":") else { throw fail("expected ':'") }
                index += 1
                skipSpace()
                guard index < count else { throw fail("expected a value") }
                let valueStart = scratch.count
                var isString = false
                switch line[index] {
                case UInt8(ascii: "\""):
                    try readString(line, &index)
                    isString = true
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    try skipNested(line, &index)
                default:
                    let literalStart = index
                    while index < count, ![0x2C, 0x7D, 0x20, 0x09, 0x0D].contains(line[index]) { index += 1 }
                    let literal = UnsafeRawBufferPointer(rebasing: line[literalStart..<index])
                    guard !literal.isEmpty else { throw fail("expected a value") }
                    if !literal.equals("null") { scratch.append(contentsOf: literal) }
                }
                if let slot {
                    slotRanges[slot] = valueStart..<scratch.count
                    slotIsString[slot] = isString
                } else {
                    scratch.removeSubrange(valueStart...)
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

    /// Reads a JSON string at `index` (on its opening quote), appending its unescaped UTF-8 to `scratch`.
    private mutating func readString(_ line: UnsafeRawBufferPointer, _ index: inout Int) throws(RowIssue) {
        index += 1
        let count = line.count
        while index < count {
            let byte = line[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return
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

