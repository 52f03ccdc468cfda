import LogFormats
import NetbarTestSupport
import Testing

private func withLine<T>(_ text: String, _ body: (UnsafeRawBufferPointer) -> T) -> T {
    var text = text
    return text.withUTF8 { body(UnsafeRawBufferPointer($0)) }
}

private func withLine<T>(_ text: String, _ body: (UnsafeRawBufferPointer) throws(RowIssue) -> T) throws(RowIssue) -> T {
    let bytes = ContiguousArray(text.utf8)
    return try bytes.withRowBytes(body)
}

/// Frames lines into records the way the ingest does.
private func records(_ text: String) -> [(fields: [String], firstLine: Int, lines: Int, raw: String)] {
    var framer = CSVRecordFramer()
    var output: [(fields: [String], firstLine: Int, lines: Int, raw: String)] = []
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
        let outcome = withLine(String(line)) { framer.feed($0, line: index + 1) }
        if case .record = outcome {
            let record = framer.record
            let fields = (0..<record.fieldCount).map {
                String(decoding: record.bytes[record.fieldRange($0)], as: UTF8.self)
            }
            output.append((fields, record.firstLine, record.lineCount, String(decoding: record.raw, as: UTF8.self)))
        }
    }
    return output
}

@Suite struct CSVFramerTests {
    @Test func quotedCommasQuotesAndLineBreaks() {
        let parsed = records("a,\"b,c\",\"say \"\"hi\"\"\",d\n\"multi\nline\",x\nplain,,")
        #expect(parsed.count == 3)
        #expect(parsed[0].fields == ["a", "b,c", "say \"hi\"", "d"])
        #expect(parsed[1].fields == ["multi\nline", "x"])
        #expect(parsed[1].firstLine == 2 && parsed[1].lines == 2)
        #expect(parsed[2].fields == ["plain", "", ""])
        // What a quarantined row keeps: its lines as read, quoted or not.
        #expect(parsed.map(\.raw) == ["a,\"b,c\",\"say \"\"hi\"\"\",d", "\"multi\nline\",x", "plain,,"])
    }

    /// A quote after more fields than the plain path keeps room for at first: the row is framed the careful way,
    /// nothing of the plain attempt left in it, and a plain row of as many fields after it is split right too.
    @Test(arguments: [7, 8, 9, 63, 64, 65, 200])
    func aQuoteLateInAWideRowIsReadTheCarefulWay(fieldsBefore: Int) {
        let before = (0..<fieldsBefore).map { "f\($0)" }
        let quoted = (before + ["\"q,\"\"x\"\"\"", "tail"]).joined(separator: ",")
        let plain = (before + ["q", "tail"]).joined(separator: ",")
        let parsed = records(quoted + "\n" + plain + "\n" + "a,b")
        #expect(parsed.map(\.fields) == [before + ["q,\"x\"", "tail"], before + ["q", "tail"], ["a", "b"]])
        #expect(parsed.map(\.raw) == [quoted, plain, "a,b"])
    }

    /// The plain path reads sixteen bytes at a time, the last chunk overlapping the one before: a comma or a quote
    /// at every position of lines of 1-40 bytes (under, at and past one and two chunks) is seen, and seen once.
    @Test func commasAndQuotesAtEveryPositionAroundTheSixteenByteChunks() {
        for length in 1...40 {
            for position in 0..<length {
                var bytes = [Character](repeating: "b", count: length)
                bytes[position] = ","
                let line = String(bytes)
                let parsed = records(line)
                #expect(parsed.map(\.fields) == [[String(bytes[..<position]), String(bytes[(position + 1)...])]], "\(line)")
            }
            // One quote opening a field that the next line closes, at every position: a missed quote would end the
            // record on this line.
            for position in 0..<length {
                var bytes = [Character](repeating: "b", count: length)
                bytes[position] = "\""
                if position > 0 { bytes[position - 1] = "," }
                let line = String(bytes)
                let opened = String(bytes[(position + 1)...]) + "\nz"
                let expected = position > 0 ? [String(bytes[..<(position - 1)]), opened] : [opened]
                #expect(records(line + "\nz\"").map(\.fields) == [expected], "\(line)")
            }
        }
    }

    /// Rows without a quote take a path that copies each field whole: on random rows (commas, blanks, tabs,
    /// Chinese, empty fields, lengths across the 8-byte words it scans) their fields are the runs between commas,
    /// and a row after a quoted record spanning lines is framed the same way.
    @Test(arguments: [1, 2, 3] as [UInt64])
    func rowsWithoutQuotesSplitAtEveryComma(seed: UInt64) {
        var generator = SeededGenerator(state: seed)
        func next(_ bound: Int) -> Int { generator.below(bound) }
        // `-` and `.` right after a comma, and bytes such as 0xAC (`¬`) whose XOR with a comma is 0x80, are where a
        // word-at-a-time search can see a comma that is not there.
        let pieces = ["a", "12", " ", "\t", "张三", "2026-11-28 14:03:22", "", "x y", "収", "-9.00", "-", ".", "¬", "\u{1}"]
        for _ in 0..<2000 {
            // Now and then a row wider than the room the framer starts with (64 bounds: 32 fields).
            let fields = (0..<(1 + next(next(10) == 0 ? 120 : 20))).map { _ in
                (0..<next(4)).map { _ in pieces[next(pieces.count)] }.joined()
            }
            let row = fields.joined(separator: ",")
            let parsed = records("\"open\nstill\",1\n" + row)
            #expect(parsed.count == 2)
            #expect(parsed[0].fields == ["open\nstill", "1"])
            #expect(parsed.last?.fields == fields, "\(row)")
            #expect(parsed.last?.raw == row)
            #expect(parsed.last?.firstLine == 3)
        }
    }

    @Test func unterminatedQuoteIsGivenUp() {
        var framer = CSVRecordFramer()
        let outcome = withLine("\"open") { framer.feed($0, line: 1) }
        #expect(outcome == .pending)
        let wasOpen = framer.finish()
        #expect(wasOpen)
    }

    @Test func capStopsARunawayQuote() {
        var framer = CSVRecordFramer()
        let long = String(repeating: "x", count: 40_000)
        let first = withLine("\"" + long) { framer.feed($0, line: 1) }
        #expect(first == .pending)
        let second = withLine(long) { framer.feed($0, line: 2) }
        #expect(second == .unterminated)
        #expect(!framer.hasPendingRecord)
    }
}

@Suite struct PubwinParserTests {
    static let header = "记录号,场所编码,卡号,用户类型,证件类型,证件号码,姓名,终端号,IP地址,上机时间,下机时间,上网时长,消费金额,收银员,结账方式,备注"

    @Test func titleHeaderRowsAndTotals() {
        let sink = RecordingSink.decode(
            .pubwinSessions,
            """
            上机记录查询,导出时间:2026-11-29 06:00:03
            \(Self.header)
            7,33010610000123,C1,会员,身份证,33010619900101123x,张三,012,192.168.1.12,2026/11/28 14:03,,0分,12.5,李,手工,
            合计,,,,,,,,,,,,12.50,,,
            """)
        #expect(sink.exportSeconds == 1_795_903_203)
        #expect(sink.skips == [.title: 1, .header: 1, .totals: 1])
        #expect(sink.sessions.count == 1)
        let row = sink.sessions[0]
        #expect(row.record.certType == .residentID)
        #expect(row.record.userType == .member)
        #expect(row.record.checkout == .manual)
        #expect(row.record.endSeconds == nil)
        #expect(row.record.amountFen == 1250)
        #expect(row.record.ipv4 == 0xC0A8_010C)
        #expect(row.recordNo == "7" && row.line == 3)
        #expect(sink.warnings.isEmpty, "the totals match")
    }

    @Test func totalsThatDoNotAddUpAreAWarning() {
        let sink = RecordingSink.decode(
            .pubwinSessions, "\(Self.header)\n7,33010610000123,C1,会员,111,x,张三,012,,2026-11-28 14:03,,,12.5,,正常,\n合计,,,,,,,,,,,,99,,,")
        #expect(sink.warnings.map(\.kind) == [.totalsMismatch])
    }

    @Test func columnsInAnyOrderAndOptionalOnesMissing() {
        let sink = RecordingSink.decode(.pubwinSessions, "上机时间,终端号,证件号码,场所编码,记录号\n2026-11-28 14:03:22,005,,33010610000123,99")
        #expect(sink.sessions.count == 1)
        #expect(sink.sessions.first?.record.startSeconds == 1_795_845_802)
        #expect(sink.sessions.first?.cert == "")
        #expect(sink.sessions.first?.record.userType == .unknown)
    }

    /// Spaces and tabs around a field are not its value, on either side, mixed, or as the whole field.
    @Test(arguments: [
        ("", ""), (" ", ""), ("", " "), ("\t", ""), ("", "\t"), (" \t", "\t "), ("\t\t", "  "),
    ])
    func blanksAroundFieldsAreTrimmed(before: String, after: String) {
        func pad(_ value: String) -> String { before + value + after }
        let row = ["99", "33010610000123", "005", "33010619910511507X", "黄敏", "2026-11-28 14:03:22", ""].map(pad)
        let sink = RecordingSink.decode(
            .pubwinSessions, "记录号,场所编码,终端号,证件号码,姓名,上机时间,备注\n" + row.joined(separator: ","))
        #expect(sink.sessions.count == 1, "\(row)")
        guard let session = sink.sessions.first else { return }
        #expect(
            [session.recordNo, session.venue, session.terminal, session.cert, session.name]
                == ["99", "33010610000123", "005", "33010619910511507X", "黄敏"], "\(row)")
        #expect(session.record.startSeconds == 1_795_845_802 && session.record.note.isEmpty, "\(row)")
    }

    @Test func issuesNameTheirReason() {
        let cases: [(String, RowIssueReason)] = [
            ("1,33010610000123,C,会员,111,x,n,01,,2026-11-28 14:00:00,,,1", .wrongFieldCount),
            ("1,3301061000012,C,会员,111,x,n,01,,2026-11-28 14:00:00,,,1,,正常,", .badVenue),
            ("1,33010610000123,C,会员,111,x,n,01,,2026-11-28 25:00:00,,,1,,正常,", .badTime),
            ("1,33010610000123,C,会员,111,x,n,01,,2026-11-28 14:00:00,2026-11-28 13:00:00,,1,,正常,", .endBeforeStart),
            ("1,33010610000123,C,会员,111,x,n,01,,2026-11-28 14:00:00,,,1.234,,正常,", .badMoney),
            ("1,33010610000123,C,会员,111,x,n,01,10.0.0,2026-11-28 14:00:00,,,1,,正常,", .badIP),
            (",33010610000123,C,会员,111,x,n,01,,2026-11-28 14:00:00,,,1,,正常,", .missingField),
            ("1,33010610000123,C,会员,工作证,x,n,01,,2026-11-28 14:00:00,,,1,,正常,", .badValue),
        ]
        for (line, reason) in cases {
            let sink = RecordingSink.decode(.pubwinSessions, Self.header + "\n" + line)
            #expect(sink.sessions.isEmpty, "\(line)")
            #expect(sink.quarantined.map(\.reason) == [reason], "\(line)")
            #expect(sink.quarantined.first?.line == 2)
            #expect(sink.quarantined.first?.raw == line)
        }
        // The message names the column as the header writes it (a name made only for a failing field).
        let money = RecordingSink.decode(.pubwinSessions, Self.header + "\n" + cases[4].0)
        #expect(money.quarantined.first?.detail == "消费金额 '1.234' is not an amount in yuan.")
    }

    /// A venue taken from the title is added after the row's own bytes: a quarantined row keeps only its line.
    @Test func aRowOfAnExportWithoutAVenueColumnIsQuarantinedAsWritten() {
        let header = Self.header.replacingOccurrences(of: "场所编码,", with: "")
        let good = "1,C,会员,111,x,n,01,,2026-11-28 14:00:00,,,1,,正常,"
        let bad = "2,C,会员,111,x,n,01,,2026-11-28 14:00:00,,,1.234,,正常,"
        let sink = RecordingSink.decode(.pubwinSessions, "场所编码:33010610000123\n\(header)\n\(good)\n\(bad)")
        #expect(sink.sessions.map(\.venue) == ["33010610000123"])
        #expect(sink.quarantined.map(\.raw) == [bad])
    }

    @Test func everyRowBeforeTheHeaderIsATitle() {
        let sink = RecordingSink.decode(
            .pubwinSessions, "上机记录查询,场所:33010610000123,操作员:admin,导出时间:2026-11-29 06:00:03\n\"unclosed title")
        #expect(sink.exportSeconds == 1_795_903_203)
        #expect(sink.skips == [.title: 2])
        #expect(sink.warnings.map(\.kind) == [.noHeader])
    }
}

@Suite struct AuditParserTests {
    private func pipe(_ line: String) throws -> (AuditLineOutcome, AuditEventKind?, String, String) {
        var parser = AuditPipeParser()
        var kind: AuditEventKind?
        var terminal = ""
        var cert = ""
        let outcome = try withLine(line) { (bytes) throws(RowIssue) -> AuditLineOutcome in
            try parser.parse(bytes) { record in
                kind = record.kind
                terminal = record.terminal.text
                cert = record.cert.text
            }
        }
        return (outcome, kind, terminal, cert)
    }

    @Test func everyEventHasItsFieldCount() throws {
        let lines = [
            "2026-11-28 14:00:00|33010610000123|ONLINE|012|192.168.1.12|00-1A-2B-3C-4D-5E|111|33010619900101123X|张三",
            "2026-11-28 14:00:00|33010610000123|OFFLINE|012|192.168.1.12|00-1A-2B-3C-4D-5E|111|33010619900101123X|张三",
            "2026-11-28 14:00:00|33010610000123|HEARTBEAT|012|192.168.1.12|00-1A-2B-3C-4D-5E|INUSE",
            "2026-11-28 14:00:00|33010610000123|PROC|012|192.168.1.12|00-1A-2B-3C-4D-5E|game.exe|d41d8cd9|START",
            "2026-11-28 14:00:00|33010610000123|SNAP|012|192.168.1.12|00-1A-2B-3C-4D-5E|OK|20480",
            "2026-11-28 14:00:00|33010610000123|SWIPE|SN01|111|33010619900101123X|张三|DEMAG",
            "2026-11-28 14:00:00|33010610000123|AUDIT|STOP|service stopped",
            "2026-11-28 14:00:00|33010610000123|FLOW|012|192.168.1.12|00-1A-2B-3C-4D-5E|8.8.8.8|53|100|200",
        ]
        for (line, kind) in zip(lines, AuditEventKind.allCases) {
            let parsed = try pipe(line)
            #expect(parsed.1 == kind)
            // One field more or fewer is quarantined.
            #expect(throws: RowIssue.self) { try pipe(line + "|extra") }
        }
    }

    /// Lines the field count alone decides, one per odd shape: separators only, at either end, doubled, far more
    /// fields than any event has, a separator as a word's last byte or a line's.
    @Test(arguments: [
        ("|", "has 2 fields; an audit line has at least 3"),
        ("a|b", "has 2 fields; an audit line has at least 3"),
        ("||ONLINE|", "ONLINE has 4 fields where 9 are expected"),
        ("2026-11-28 14:00:00|33010610000123|AUDIT|", "AUDIT has 4 fields where 5 are expected"),
        ("2026-11-28 14:00:00|33010610000123|AUDIT|STOP|x|", "AUDIT has 6 fields where 5 are expected"),
        ("2026-11-28 14:00:00|33010610000123|AUDIT||||", "AUDIT has 7 fields where 5 are expected"),
        ("2026-11-28 14:00:00|33010610000123|AUDIT|STOP|" + String(repeating: "|", count: 20), "AUDIT has 25 fields"),
        ("1234567|1234567|AUDIT|1", "AUDIT has 4 fields where 5 are expected"),
        ("1234567|123456789012345|AUDIT|1|2|3", "AUDIT has 6 fields where 5 are expected"),
    ])
    func fieldCountsOfOddLines(line: String, message: String) {
        let error = #expect(throws: RowIssue.self) { try pipe(line) }
        #expect(error?.detail.contains(message) == true, "\(line): \(error?.detail ?? "")")
    }

    @Test func unknownEventIsCountedNotAnError() throws {
        guard case .unknownEvent(let name) = try pipe("2026-11-28 14:00:00|33010610000123|USB|012|in").0 else {
            Issue.record("expected an unknown event")
            return
        }
        #expect(name == "USB")
    }

    @Test func badValuesAreQuarantined() {
        #expect(throws: RowIssue.self) { try pipe("2026-11-28 14:00:00|33010610000123|HEARTBEAT|012|1.2.3.4|00-1A-2B-3C-4D-5E|BUSY") }
        #expect(throws: RowIssue.self) { try pipe("28/11/2026 14:00|33010610000123|AUDIT|START|x") }
        #expect(throws: RowIssue.self) { try pipe("2026-11-28 14:00:00|33010610000123|HEARTBEAT|012|1.2.3|00-1A-2B-3C-4D-5E|IDLE") }
    }

    private func json(_ line: String) throws -> (AuditLineOutcome, AuditRecordCopy?) {
        var parser = AuditJSONLParser()
        var copy: AuditRecordCopy?
        let outcome = try withLine(line) { (bytes) throws(RowIssue) -> AuditLineOutcome in
            try parser.parse(bytes) { record in
                copy = AuditRecordCopy(
                    kind: record.kind, time: record.timeSeconds, terminal: record.terminal.text, name: record.name.text,
                    code: record.code)
            }
        }
        return (outcome, copy)
    }

    struct AuditRecordCopy {
        var kind: AuditEventKind
        var time: Int64
        var terminal: String
        var name: String
        var code: UInt8
    }

    @Test func jsonLinesAcceptISOAndEpochMillisAndIgnoreUnknownKeys() throws {
        let iso = try json(
            #"{"ts":"2026-11-28T14:03:22+08:00","venue":"33010610000123","event":"online","terminal":"012","ip":"1.2.3.4","mac":"001A2B3C4D5E","cert_type":111,"cert_no":"x","name":"\u5f20\u4e09","nested":{"a":[1,{"b":"}"}]}}"#
        ).1
        #expect(iso?.kind == .online)
        #expect(iso?.time == 1_795_845_802)
        #expect(iso?.name == "张三")
        let millis = try json(
            #"{"ts":1795845802123,"venue":"33010610000123","event":"heartbeat","terminal":"7","ip":"","mac":"","state":"LOCKED"}"#
        ).1
        #expect(millis?.time == 1_795_845_802)
        #expect(millis?.code == HeartbeatState.locked.rawValue)
        // A number in exponent form, as Java's JSON writers print doubles.
        let exponent = try json(
            #"{"ts":1.795845802E12,"venue":"33010610000123","event":"audit","status":"STOP","detail":"x"}"#
        ).1
        #expect(exponent?.time == 1_795_845_802)
        // Values in lower case, as JSON writers may put them.
        let lower = try json(
            #"{"ts":1795845802000,"venue":"33010610000123","event":"heartbeat","terminal":"7","ip":"","mac":"","state":"inuse"}"#
        ).1
        #expect(lower?.code == HeartbeatState.inUse.rawValue)
    }

    /// Strings are scanned eight bytes at a time and read in place unless they hold an escape: a quote or a
    /// backslash at every offset of a word, escaped keys, multi-byte text and a backslash at the line's end.
    @Test func jsonStringsWithEscapesAtEveryOffset() throws {
        let head = #"{"ts":1795845802000,"venue":"33010610000123","event":"online","terminal":"012","ip":"","mac":"","cert_type":111,"cert_no":"x","#
        for offset in 0..<17 {
            let prefix = String(repeating: "张", count: offset % 3) + String(repeating: "a", count: offset)
            let cases: [(written: String, name: String)] = [
                (prefix, prefix),
                (prefix + #"\"q"#, prefix + "\"q"),
                (prefix + #"\\"#, prefix + "\\"),
                (prefix + #"\u5f20"#, prefix + "张"),
                (#"\n"# + prefix, "\n" + prefix),
            ]
            for (written, name) in cases {
                let parsed = try json(head + #""name":""# + written + #""}"#).1
                #expect(parsed?.name == name, "offset \(offset): \(written)")
                // The same value under an escaped key (`na\u006de` is `name`), after an unknown key with an escape.
                let escapedKey = try json(head + #""x\"y":"z\\","na\u006de":""# + written + #""}"#).1
                #expect(escapedKey?.name == name, "offset \(offset), escaped key: \(written)")
            }
            #expect(throws: RowIssue.self) { try json(head + #""name":""# + prefix + #"\"#) }
            #expect(throws: RowIssue.self) { try json(head + #""name":""# + prefix) }
        }
    }

    @Test func badJSONIsQuarantined() {
        #expect(throws: RowIssue.self) { try json(#"{"ts":1,"venue":"33010610000123","event":"audit","status":"START""#) }
        #expect(throws: RowIssue.self) { try json(#"{"ts":"yesterday","venue":"33010610000123","event":"audit","status":"START"}"#) }
        #expect(throws: RowIssue.self) { try json(#"{"ts":1795845802000,"venue":"33010610000123","event":"heartbeat","ip":"","mac":"","state":"IDLE"}"#) }
    }
}

@Suite struct SnifferTests {
    static let cases: [(String, Format)] = [
        ("上机记录查询,导出时间:2026-11-29 06:00:03\n记录号,场所编码,证件号码,终端号,上机时间\n", .pubwinSessions),
        ("流水号,场所编码,交易时间,交易类型,卡号\n", .pubwinTransactions),
        ("# comment\n\n2026-11-28 14:00:00|33010610000123|AUDIT|START|x\n", .auditPipe),
        ("{\"ts\":1,\"event\":\"audit\"}\n", .auditJSONL),
        ("场所编码,场所名称,业主\n", .registryVenues),
        ("场所编码,终端号,IP地址,MAC地址\n", .registryTerminals),
        ("YYCSDM,YYCSMC,DZQH,DZ,SWRYXM,ZJLX,ZJHM,FZJGMC,GJ,SWKSSJ,SWZDH,XWSJ,D_RKSJ,WJCJSJ,WJMC\n", .realnameSessions),
    ]

    @Test func recognisesByContent() {
        for (text, format) in Self.cases {
            let sniffed = withLine(text) { FormatSniffer.sniff($0, names: RecordingSink.names) }
            #expect(sniffed == .format(format), "\(text)")
        }
    }

    /// FORMATS.md §3.6: the platform's columns with no money column are real-name records, also when every one
    /// of them is a billing alias too; Pubwin's own names with no money column stay a billing export.
    @Test func theContractSettlesTheSessionFormats() {
        let platformOnly = "YYCSDM,SWRYXM,ZJLX,ZJHM,SWKSSJ,SWZDH,XWSJ\n"
        #expect(withLine(platformOnly) { FormatSniffer.sniff($0, names: RecordingSink.names) } == .format(.realnameSessions))
        let pubwinNames = "场所编码,证件类型,证件号码,姓名,终端号,上机时间,下机时间\n"
        #expect(withLine(pubwinNames) { FormatSniffer.sniff($0, names: RecordingSink.names) } == .format(.pubwinSessions))
        let withMoney = "YYCSDM,SWRYXM,ZJHM,SWKSSJ,SWZDH,XWSJ,费用\n"
        #expect(withLine(withMoney) { FormatSniffer.sniff($0, names: RecordingSink.names) } == .format(.pubwinSessions))
    }

    /// A header two formats fit alike, with nothing in the contract to settle it, is ambiguous: an analyst's
    /// added names can make one (here each format learns the other's columns as known but unread).
    @Test func aTieTheContractDoesNotSettleIsAmbiguous() throws {
        var names = RecordingSink.names
        try names.add(
            "pubwin-sessions\t-\t流水号\npubwin-sessions\t-\t交易时间\npubwin-sessions\t-\t交易类型\n"
                + "pubwin-transactions\t-\t上机时间\n",
            source: "test")
        let header = "上机记录查询,导出时间:2026-11-29 06:00:03\n流水号,交易时间,交易类型,证件号码,终端号,上机时间\n"
        #expect(
            withLine(header) { FormatSniffer.sniff($0, names: names) } == .ambiguous([.pubwinSessions, .pubwinTransactions], line: 2))
    }

    @Test func unrecognisedSaysWhy() {
        let sniffed = withLine("hello world\nfoo,bar\n") { FormatSniffer.sniff($0, names: RecordingSink.names) }
        guard case .unrecognised(let reason) = sniffed else {
            Issue.record("expected unrecognised, got \(sniffed)")
            return
        }
        #expect(reason.contains("no header row"))
    }
}
