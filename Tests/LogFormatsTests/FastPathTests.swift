import LogFormats
import NetbarTestSupport
import Testing

/// The word-at-a-time readers against the byte-at-a-time ones they replaced (kept here as references), on
/// hand-made rows and on random fields and lines.
@Suite struct FastPathTests {
    // MARK: References: the readers as they were, a byte at a time.

    private static func referenceMAC(_ field: UnsafeRawBufferPointer) -> UInt64? {
        let bytes = field.trimmed()
        guard bytes.count == 12 || bytes.count == 17 else { return nil }
        let separated = bytes.count == 17
        var value: UInt64 = 0
        var index = 0
        func hex(_ byte: UInt8) -> UInt64? {
            switch byte {
            case 0x30...0x39: UInt64(byte - 0x30)
            case 0x41...0x46: UInt64(byte - 0x41 + 10)
            case 0x61...0x66: UInt64(byte - 0x61 + 10)
            default: nil
            }
        }
        for position in 0..<6 {
            if separated && position > 0 {
                guard bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: ":") else { return nil }
                index += 1
            }
            guard let high = hex(bytes[index]), let low = hex(bytes[index + 1]) else { return nil }
            value = value << 8 | high << 4 | low
            index += 2
        }
        return value
    }

    private static func referenceIPv4(_ field: UnsafeRawBufferPointer) -> UInt32? {
        var value: UInt32 = 0
        var octet: UInt32 = 0
        var digits = 0
        var dots = 0
        for byte in field.trimmed() {
            if byte == UInt8(ascii: ".") {
                guard digits > 0, dots < 3 else { return nil }
                value = value << 8 | octet
                octet = 0
                digits = 0
                dots += 1
            } else {
                let digit = byte &- 0x30
                guard digit < 10, digits < 3 else { return nil }
                octet = octet * 10 + UInt32(digit)
                guard octet <= 255 else { return nil }
                digits += 1
            }
        }
        guard dots == 3, digits > 0 else { return nil }
        return value << 8 | octet
    }

    private static func bothAgree(_ bytes: [UInt8]) -> (mac: Bool, ip: Bool) {
        bytes.withUnsafeBytes { field in
            (FieldParser.mac(field) == referenceMAC(field), FieldParser.ipv4(field) == referenceIPv4(field))
        }
    }

    // MARK: MAC and IPv4

    static let macRows: [(String, UInt64?)] = [
        ("001A2B3C4D5E", 0x001A_2B3C_4D5E), ("001a2b3c4d5e", 0x001A_2B3C_4D5E), ("00-1A-2B-3C-4D-5E", 0x001A_2B3C_4D5E),
        ("00:1a:2B:3c:4D:5e", 0x001A_2B3C_4D5E), ("00-1A:2B-3C:4D-5E", 0x001A_2B3C_4D5E),
        ("FFFFFFFFFFFF", 0xFFFF_FFFF_FFFF), ("ffffffffffff", 0xFFFF_FFFF_FFFF), ("000000000000", 0),
        (" \t001A2B3C4D5E\t ", 0x001A_2B3C_4D5E), ("3C7C3F792F4C", 0x3C7C_3F79_2F4C),
        // Bytes next to the digits' and letters' ranges: '/', ':', '@', 'G', '`', 'g', and their bit-5 twins.
        ("/01A2B3C4D5E", nil), (":01A2B3C4D5E", nil), ("@01A2B3C4D5E", nil), ("G01A2B3C4D5E", nil),
        ("`01A2B3C4D5E", nil), ("g01A2B3C4D5E", nil), ("001A2B3C4D5\u{10}", nil), ("001A2B3C4D5\u{06}", nil),
        ("001A2B3C4D5é", nil), ("00-1A-2B-3C-4D-5", nil), ("00-1A-2B-3C-4D-5EF", nil), ("00.1A.2B.3C.4D.5E", nil),
        ("001A2B3C4D5", nil), ("001A2B3C4D5E0", nil), ("00-1A-2B-3C-4D5E-", nil), ("", nil), ("0x1A2B3C4D5E", nil),
        ("00-1A-2B-3C-4D-\u{7F}E", nil), ("\u{46}\u{46}\u{46}\u{46}\u{46}\u{46}\u{46}\u{46}\u{46}\u{46}\u{46}\u{47}", nil),
    ]

    @Test(arguments: macRows)
    func macRow(text: String, expected: UInt64?) {
        let parsed = Array(text.utf8).withUnsafeBytes { FieldParser.mac($0) }
        #expect(parsed == expected, "\(text)")
        #expect(Self.bothAgree(Array(text.utf8)).mac)
    }

    static let ipv4Rows: [(String, UInt32?)] = [
        ("192.168.1.23", 0xC0A8_0117), ("0.0.0.0", 0), ("255.255.255.255", 0xFFFF_FFFF), ("10.0.0.1", 0x0A00_0001),
        (" 1.2.3.4\t", 0x0102_0304), ("001.002.003.004", 0x0102_0304), ("256.1.1.1", nil), ("1.2.3.256", nil),
        ("1.2.3", nil), ("1.2.3.4.", nil), (".1.2.3.4", nil), ("1..2.3", nil), ("1.2.3.4.5", nil), ("1.2.3.0004", nil),
        ("1.2.3.4a", nil), ("1.2.3.-4", nil), ("1 .2.3.4", nil), ("１.2.3.4", nil), ("1234.1.1.1", nil), ("", nil),
        ("1.2.3.4 5", nil), ("999.999.999.999", nil), ("1.2.3./", nil), ("1.2.3.:", nil),
    ]

    @Test(arguments: ipv4Rows)
    func ipv4Row(text: String, expected: UInt32?) {
        let parsed = Array(text.utf8).withUnsafeBytes { FieldParser.ipv4($0) }
        #expect(parsed == expected, "\(text)")
        #expect(Self.bothAgree(Array(text.utf8)).ip)
    }

    /// Random fields of digits, hex letters in both cases, separators, spaces and odd bytes, near the lengths
    /// either reader cares about.
    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func macAndIPv4AgreeWithTheByteReaders(seed: UInt64) {
        var generator = SeededGenerator(state: seed)
        let pieces: [[UInt8]] = [
            Array("0123456789abcdefABCDEF".utf8), Array("-:.".utf8), [0x20, 0x09], Array("gG/@`~xX".utf8),
            [0x00, 0x10, 0x16, 0x7F, 0x80, 0xC3, 0xA9, 0xFF, 0xE6, 0xB8],
        ]
        var macAccepted = 0
        var ipAccepted = 0
        for _ in 0..<20_000 {
            var bytes: [UInt8] = []
            let shape = generator.below(4)
            if shape == 0 {
                // A well-formed MAC or IPv4 with one byte changed or none.
                let macForm = generator.below(2) == 0
                var text: [UInt8]
                if macForm {
                    let digits = Array("0123456789abcdefABCDEF".utf8)
                    let separator: [UInt8] = [[], Array("-".utf8), Array(":".utf8)][generator.below(3)]
                    text = []
                    for pair in 0..<6 {
                        if pair > 0 { text += separator }
                        text.append(digits[generator.below(digits.count)])
                        text.append(digits[generator.below(digits.count)])
                    }
                } else {
                    text = Array((0..<4).map { _ in String(generator.below(270)) }.joined(separator: ".").utf8)
                }
                if generator.below(2) == 0 {
                    let kind = pieces[generator.below(pieces.count)]
                    text[generator.below(text.count)] = kind[generator.below(kind.count)]
                }
                bytes = text
            } else {
                let length = [12, 17, 7, 15, 11, 13, 16, 18, 9][generator.below(9)]
                for _ in 0..<length {
                    let kind = pieces[generator.below(shape == 1 ? 1 : pieces.count)]
                    bytes.append(kind[generator.below(kind.count)])
                }
            }
            let agree = Self.bothAgree(bytes)
            #expect(agree.mac, "seed \(seed) mac \(bytes)")
            #expect(agree.ip, "seed \(seed) ip \(bytes)")
            bytes.withUnsafeBytes {
                if FieldParser.mac($0) != nil { macAccepted += 1 }
                if FieldParser.ipv4($0) != nil { ipAccepted += 1 }
            }
        }
        // Both readers accepted a good share, so the agreement is not all on rejections.
        #expect(macAccepted > 1_000 && ipAccepted > 500, "\(macAccepted) \(ipAccepted)")
    }

    // MARK: Keywords

    @Test func eventNamesInEitherCaseAndNothingElse() {
        func kind(_ text: String) -> AuditEventKind? { Array(text.utf8).withUnsafeBytes { AuditRecord.kind(named: $0) } }
        let names: [(String, AuditEventKind)] = [
            ("ONLINE", .online), ("OFFLINE", .offline), ("HEARTBEAT", .heartbeat), ("PROC", .process),
            ("SNAP", .snapshot), ("SWIPE", .swipe), ("AUDIT", .audit), ("FLOW", .flow),
        ]
        for (name, expected) in names {
            #expect(kind(name) == expected)
            #expect(kind(name.lowercased()) == expected)
            let mixed = String(name.enumerated().map { $0.offset % 2 == 0 ? Character($0.element.lowercased()) : $0.element })
            #expect(kind(mixed) == expected, "\(mixed)")
            // One letter more, less or changed, at either end or in the ninth place.
            #expect(kind(name + "S") == nil, "\(name)S")
            #expect(kind("X" + name) == nil, "X\(name)")
            #expect(kind(String(name.dropLast())) == nil)
            #expect(kind(String(name.dropFirst())) == nil)
            #expect(kind("X" + String(name.dropFirst())) == nil, "X\(name.dropFirst())")
            #expect(kind(String(name.dropLast()) + "\u{0}") == nil)
        }
        // Only a-z fold: a byte that differs from a keyword's byte in bit 5 alone but is no letter stays itself
        // (clearing bit 5 everywhere would read DEL as '_', '`' as '@', 0x10 as 0x30).
        #expect(kind("PROC".replacingOccurrences(of: "P", with: "\u{10}")) == nil)
        func keyword(_ keyword: ASCIIKeyword, _ text: String) -> Bool {
            Array(text.utf8).withUnsafeBytes { keyword.matches($0, first: $0.upperCasedWord()) }
        }
        #expect(keyword(ASCIIKeyword("READ_FAIL"), "read_fail") && keyword(ASCIIKeyword("READ_FAIL"), "Read_Fail"))
        #expect(!keyword(ASCIIKeyword("READ_FAIL"), "READ\u{7F}FAIL"))
        #expect(!keyword(ASCIIKeyword("READ_FAIL"), "READ_FAI\u{0C}"))
        #expect(!keyword(ASCIIKeyword("READ_FAIL"), "READ_FAILS"))
        #expect(!keyword(ASCIIKeyword("@"), "`") && keyword(ASCIIKeyword("A"), "a"))
        #expect(kind("\u{50}\u{52}\u{4F}\u{43}") == .process)
        #expect(kind("pro\u{63}") == .process)
        #expect(kind("PRO\u{E3}") == nil)
        #expect(kind("ＰＲＯＣ") == nil)
        #expect(kind("") == nil)
        #expect(kind("HEARTBEATHEARTBEAT") == nil)
    }

    /// The packed word of every length up to sixteen bytes from every start, against a byte-by-byte reference:
    /// bytes past the end are zero, a-z alone are folded.
    @Test(arguments: [1, 2, 3] as [UInt64])
    func upperCasedWordsOfEveryLengthAndStart(seed: UInt64) {
        var generator = SeededGenerator(state: seed)
        let alphabet = Array("aZz{`@09_-\u{7F}".utf8) + [0x00, 0x80, 0xE4, 0xFF]
        for _ in 0..<300 {
            let bytes = (0..<generator.below(17)).map { _ in alphabet[generator.below(alphabet.count)] }
            for start in 0...bytes.count {
                var expected: UInt64 = 0
                for (offset, byte) in bytes.dropFirst(start).prefix(8).enumerated() {
                    let folded = byte >= 0x61 && byte <= 0x7A ? byte - 0x20 : byte
                    expected |= UInt64(folded) << (UInt64(offset) * 8)
                }
                let word = bytes.withUnsafeBytes { $0.upperCasedWord(from: start) }
                #expect(word == expected, "seed \(seed): \(bytes) from \(start)")
            }
        }
    }

    // MARK: JSON Lines: the quote index against the careful reader

    private struct Parsed: Equatable {
        var outcome: String
        var fields: [String]
    }

    private static func parse(_ line: [UInt8], quoteIndex: Bool) -> Parsed {
        var parser = AuditJSONLParser(usesQuoteIndex: quoteIndex)
        var fields: [String] = []
        do {
            let outcome = try ContiguousArray(line).withRowBytes { (bytes) throws(RowIssue) -> AuditLineOutcome in
                try parser.parse(bytes) { record in
                    fields = [
                        "\(record.kind)", "\(record.timeSeconds)", record.venue.text, record.terminal.text,
                        "\(record.ipv4.map(String.init) ?? "-")", "\(record.mac.map(String.init) ?? "-")",
                        "\(record.certType)", record.cert.text, record.name.text, record.exe.text, record.md5.text,
                        record.readerSerial.text, record.detail.text, "\(record.code)",
                        "\(record.destinationIPv4.map(String.init) ?? "-")", "\(record.destinationPort)",
                        "\(record.bytesUp)", "\(record.bytesDown)", "\(record.bytes)",
                    ]
                }
            }
            return Parsed(outcome: "\(outcome)", fields: fields)
        } catch {
            return Parsed(outcome: "\(error.reason): \(error.detail)", fields: [])
        }
    }

    static let jsonRows: [String] = [
        #"{"ts":1795845802000,"venue":"33010610000123","event":"heartbeat","terminal":"7","ip":"1.2.3.4","mac":"001A2B3C4D5E","state":"IDLE"}"#,
        #"{ "ts" : "2026-11-28T14:03:22+08:00" , "venue":"33010610000123","event":"online","terminal":"012","ip":"","mac":"","cert_type":111,"cert_no":"x","name":"张三"}"#,
        #"{"x":{"a":"}","b":["{",":",","]},"ts":1795845802000,"venue":"33010610000123","event":"audit","status":"STOP","detail":"a,b:c{d}"}"#,
        #"{"ts":1795845802000,"venue":"33010610000123","event":"audit","status":"STOP","detail":"unterminated}"#,
        #"{"ts":1795845802000,"venue":"33010610000123","event":"audit","status":"STOP","detail":"x""#,
        #"{"ts":1795845802000,"venue":"33010610000123","event":"audit","status":"STOP","detail":"x"}  "#,
        #"{"ts":1795845802000,"venue":"33010610000123","event":"audit","status":"STOP","detail":"x"} x"#,
        #"{"ts":1795845802000,"venue":"33010610000123","event":"audit","status":"STOP","detail":"x",}"#,
        #"{"ts":1795845802000,"venue":"33010610000123","event":"audit","status":"STOP","detail":}"#,
        #"{"ts":1795845802000,"venue":"33010610000123","event":"audit","status":"STOP","detail"}"#,
        #"{"ts":1795845802000,"venue":"33010610000123","event":"audit""status":"STOP"}"#,
        #"{"":"","ts":1795845802000,"venue":"33010610000123","event":"audit","status":"START","detail":null}"#,
        #"{"ts":1795845802000,"venue":"33010610000123","event":"flow","terminal":"","ip":"1.2.3.4","mac":"","dst_ip":"8.8.8.8","dst_port":53,"bytes_up":10,"bytes_down":20}"#,
        #"{"ts":1795845802000,"venue":"33010610000123","event":"flow","ip":"1.2.3.4","dst_ip":"8.8.8.8","dst_port":53,"bytes_up":10,"bytes_downs":20,"bytes_dow":1}"#,
        #"{"ts":1795845802000,"venue":"33010610000123","event":"swipe","reader_sn":"R1","cert_type":"111","cert_no":"1","name":"","result":"read_fail"}"#,
        #"{"ts":1795845802000,"venue":"33010610000123","event":"TELEPORT"}"#,
        #"{}"#, #"{"#, #"""#, #"{""#, #"{"ts"#, #"["ts"]"#,
        // Around the index's sixteen-byte loads: shorter lines are read a byte at a time, longer ones end on the
        // line's last sixteen bytes.
        #"{"a":"b"}"#, #"{"event":"x"}"#, #"{"event":"abc"}"#, #"{"event":"abcd"}"#, #"{"event":"abcde"}"#,
        #"{"event":"abcdefghijklmnopq"}"#, #"{"event":"abcdefghijklmnopqr"}"#, "{\"ts\":1795845802000,\"venue\":\"33010610000123\",\"event\":\"audit\",\"status\":\"STOP\",\"detail\":\"\u{7F}\"}",
    ]

    @Test(arguments: jsonRows)
    func jsonRowReadsAlikeBothWays(line: String) {
        let bytes = Array(line.utf8)
        #expect(Self.parse(bytes, quoteIndex: true) == Self.parse(bytes, quoteIndex: false), "\(line)")
    }

    /// Random flat objects: known and unknown keys in any order, strings holding JSON's structural bytes and
    /// CJK, nested values, spaces, and now and then a byte dropped or doubled; lines of every length around
    /// the 64-byte words of the index.
    static let eventKeys: [(String, [String])] = [
        ("heartbeat", ["terminal", "ip", "mac", "state"]), ("ONLINE", ["terminal", "ip", "mac", "cert_type", "cert_no", "name"]),
        ("offline", ["terminal", "ip", "mac", "cert_type", "cert_no", "name"]), ("proc", ["terminal", "ip", "mac", "exe", "md5", "action"]),
        ("snap", ["terminal", "ip", "mac", "result", "bytes"]), ("swipe", ["reader_sn", "cert_type", "cert_no", "name", "result"]),
        ("audit", ["status", "detail"]), ("flow", ["terminal", "ip", "mac", "dst_ip", "dst_port", "bytes_up", "bytes_down"]),
        ("nope", ["detail"]),
    ]

    @Test(arguments: [1, 2, 3, 4, 5, 6] as [UInt64])
    func quoteIndexReadsAsTheCarefulReader(seed: UInt64) {
        var generator = SeededGenerator(state: seed)
        func pick<T>(_ items: [T]) -> T { items[generator.below(items.count)] }
        let keys = [
            "ts", "venue", "event", "terminal", "ip", "mac", "cert_type", "cert_no", "name", "state", "exe", "md5",
            "action", "result", "bytes", "reader_sn", "status", "detail", "dst_ip", "dst_port", "bytes_up",
            "bytes_down", "x", "cert_typ", "bytes_downs", "名字", "",
        ]
        let textPieces = ["a", "Z", "0", "9", "#", "!", "张", "三", "{", "}", "[", "]", ":", ",", " ", "\t", "é", "\u{1}"]
        func text() -> String { (0..<generator.below(12)).map { _ in pick(textPieces) }.joined() }
        func space() -> String { pick(["", "", "", " ", "\t", "\r", "  "]) }
        func value(for key: String) -> String {
            switch key {
            case "ts": return pick(["1795845802000", "\"2026-11-28 14:03:22\"", "\"2026-11-28T14:03:22Z\"", "1795845802000"])
            case "venue": return pick(["\"33010610000123\"", "\"33010610000123\"", "\"3301061000012\""])
            case "event":
                return "\"" + pick(["heartbeat", "ONLINE", "offline", "proc", "snap", "swipe", "audit", "flow", "nope"]) + "\""
            case "ip", "dst_ip": return pick(["\"1.2.3.4\"", "\"\"", "\"300.1.1.1\"", "null"])
            case "mac": return pick(["\"001A2B3C4D5E\"", "\"00-1a-2b-3c-4d-5e\"", "\"\"", "\"zz\""])
            case "state": return pick(["\"IDLE\"", "\"inuse\"", "\"Locked\"", "\"BUSY\""])
            case "dst_port", "bytes_up", "bytes_down", "bytes": return pick(["53", "\"53\"", "0", "1.5", "null"])
            case "cert_type": return pick(["111", "\"111\"", "\"990\"", "\"ID\""])
            case "terminal": return pick(["\"012\"", "\"7\"", "\"\(text())\""])
            case "status", "action": return pick(["\"START\"", "\"stop\"", "\"TAMPER\""])
            case "result": return pick(["\"OK\"", "\"ok\"", "\"FAIL\"", "\"READ_FAIL\""])
            case "x": return pick(["{\"a\":\"}\"}", "[1,\"]\",{}]", "true", "null", "\"\(text())\""])
            default: return pick(["\"\(text())\"", "\"\(text())\"", "1", "null", "false", "{\"k\":\"\(text())\"}"])
            }
        }
        var events = 0
        for _ in 0..<3_000 {
            // An event's own keys (each now and then left out), then any keys at all.
            let (event, own) = pick(Self.eventKeys)
            var pairs = ["\"event\"" + space() + ":" + space() + "\"\(event)\""]
            for key in ["ts", "venue"] + own where generator.below(30) != 0 {
                pairs.append("\"\(key)\"" + space() + ":" + space() + value(for: key))
            }
            for _ in 0..<generator.below(5) {
                let key = pick(keys)
                pairs.append("\"\(key)\"" + space() + ":" + space() + value(for: key))
            }
            pairs.shuffle(using: &generator)
            var line = Array((space() + "{" + space() + pairs.joined(separator: space() + "," + space()) + space() + "}" + space()).utf8)
            switch generator.below(12) {
            case 0 where !line.isEmpty: line.remove(at: generator.below(line.count))
            case 1 where !line.isEmpty:
                let at = generator.below(line.count)
                line.insert(line[at], at: at)
            case 2: line = Array(line.prefix(generator.below(line.count + 1)))
            default: break
            }
            let fast = Self.parse(line, quoteIndex: true)
            #expect(fast == Self.parse(line, quoteIndex: false), "seed \(seed): \(String(decoding: line, as: UTF8.self))")
            if fast.outcome == "event" { events += 1 }
        }
        // Enough lines were events for the comparison to have read fields, not only errors.
        #expect(events > 300, "\(events)")
    }

    // MARK: audit-pipe: field splitting

    /// Random AUDIT and ONLINE lines with fields of every length (so that '|' falls at every offset of a word,
    /// and at the very end), some with a field too many or too few: each field read back as written, or the
    /// line refused with its true field count.
    @Test(arguments: [1, 2, 3] as [UInt64])
    func pipeFieldsAtEveryOffset(seed: UInt64) {
        var generator = SeededGenerator(state: seed)
        let pieces = ["a", "Z", "9", " ", "张", "{", "}", "}}", "\u{1}", "é", "|x"]
        var events = 0
        for _ in 0..<5_000 {
            func text() -> String {
                (0..<generator.below(14)).map { _ in pieces[generator.below(pieces.count - 1)] }.joined()
                    .trimmingCharacters(in: [" "])
            }
            let online = generator.below(2) == 0
            var fields = [
                "2026-11-28 14:0\(generator.below(10)):22", "33010610000123", online ? "ONLINE" : "audit",
            ]
            fields += online ? [text() + "1", "1.2.3.4", "", "111", text(), text()] : ["STOP", text()]
            switch generator.below(6) {
            case 0: fields.append(text())
            case 1: fields.removeLast()
            case 2: fields[fields.count - 1] += pieces.last!
            default: break
            }
            let written = fields.joined(separator: "|")
            let expectedCount = written.split(separator: "|", omittingEmptySubsequences: false).count
            var parser = AuditPipeParser()
            var read: (terminal: String, name: String, detail: String)?
            do {
                _ = try ContiguousArray(written.utf8).withRowBytes { (bytes) throws(RowIssue) -> AuditLineOutcome in
                    try parser.parse(bytes) { record in
                        read = (record.terminal.text, record.name.text, record.detail.text)
                    }
                }
            } catch {
                #expect(error.reason == .wrongFieldCount, "seed \(seed): \(written): \(error.detail)")
                #expect(error.detail.contains("has \(expectedCount) fields"), "seed \(seed): \(written): \(error.detail)")
                continue
            }
            #expect(expectedCount == (online ? 9 : 5), "seed \(seed): \(written)")
            if online {
                #expect(read?.terminal == fields[3] && read?.name == fields[8], "seed \(seed): \(written)")
            } else {
                #expect(read?.detail == fields[4], "seed \(seed): \(written)")
            }
            events += 1
        }
        #expect(events > 2_000, "\(events)")
    }

    // MARK: Money

    /// 金额 as the reader read it before its fast path for `D.DD`, a byte at a time.
    private static func referenceMoneyFen(_ field: UnsafeRawBufferPointer) -> Int64? {
        let bytes = field.trimmed()
        var index = 0
        var negative = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        var yuan: Int64 = 0
        var digits = 0
        while index < bytes.count, bytes[index] &- 0x30 < 10 {
            yuan = yuan * 10 + Int64(bytes[index] - 0x30)
            index += 1
            digits += 1
            if digits > 15 { return nil }
        }
        var fen: Int64 = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var decimals = 0
            while index < bytes.count, bytes[index] &- 0x30 < 10 {
                decimals += 1
                if decimals > 2 { return nil }
                fen = fen * 10 + Int64(bytes[index] - 0x30)
                index += 1
            }
            if decimals == 1 { fen *= 10 }
            if decimals == 0 && digits == 0 { return nil }
        } else if digits == 0 {
            return nil
        }
        guard index == bytes.count else { return nil }
        return negative ? -(yuan * 100 + fen) : yuan * 100 + fen
    }

    /// Around the fast path's edges: its shortest and longest forms, one past them, a sign, a bad byte in each place.
    @Test(arguments: [
        ("0.00", Int64(0)), ("96.00", 9600), ("1.05", 105), (".50", 50), ("99999999999.99", 9_999_999_999_999),
        ("999999999999.99", 99_999_999_999_999), ("-12.50", -1250), ("+12.50", 1250), (" 12.50\t", 1250),
        ("1x.50", nil), ("12.x0", nil), ("12.5x", nil), ("12,50", nil), ("1 2.50", nil), ("..50", nil),
        ("12.505", nil), ("1.2.50", nil),
    ] as [(String, Int64?)])
    func moneyRow(text: String, expected: Int64?) {
        let parsed = Array(text.utf8).withUnsafeBytes { FieldParser.moneyFen($0) }
        #expect(parsed == expected, "\(text)")
    }

    /// Random fields of digits, points, signs, spaces and odd bytes, 0-20 bytes (past the 15 digits a yuan may have):
    /// the same value as the reference.
    @Test(arguments: [1, 2, 3] as [UInt64])
    func moneyAgreesWithTheByteReader(seed: UInt64) {
        var generator = SeededGenerator(state: seed)
        let alphabet = Array("0123456789.-+ \tx,".utf8) + [0x00, 0xE5, 0x2F, 0x3A]
        var fastShaped = 0
        for _ in 0..<50_000 {
            var bytes = (0..<generator.below(21)).map { _ in
                generator.below(3) == 0 ? alphabet[generator.below(alphabet.count)] : UInt8(0x30 + generator.below(10))
            }
            // Half of them in the fast path's shape, a byte perhaps changed after.
            if generator.below(2) == 0, bytes.count >= 4 {
                bytes[bytes.count - 3] = UInt8(ascii: ".")
                fastShaped += 1
            }
            let fast = bytes.withUnsafeBytes { FieldParser.moneyFen($0) }
            let reference = bytes.withUnsafeBytes { Self.referenceMoneyFen($0) }
            #expect(fast == reference, "\(bytes)")
        }
        #expect(fastShaped > 10_000)
    }
}
