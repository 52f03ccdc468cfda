import LogFormats
import Testing

/// FORMATS.md §1: title lines before a CSV export's header may hold anything, including other formats' column
/// names followed by a colon and a value; they never decide the format and never change a row.
@Suite struct TitleLinePropertyTests {
    /// A small seeded generator (SplitMix64), so a failing seed can be replayed.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ count: Int) -> Int { Int(next() % UInt64(count)) }
        mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
    }

    static let exports: [(Format, String)] = [
        (.pubwinSessions, """
            记录号,场所编码,卡号,用户类型,证件类型,证件号码,姓名,终端号,上机时间,下机时间,消费金额,结账方式
            7,33010610000123,C1,会员,111,330106199001011234,张三,012,2026-11-28 14:03:22,2026-11-28 16:00:00,12.5,正常
            8,33010610000123,C2,临时,身份证,33010619900101123x,"王,五",013,2026/11/28 15:00,,3,手工
            9,33010610000123,C3,会员,111,330106199001011234,李四,014,2026-11-28 25:00:00,,1,正常
            """),
        (.pubwinSessions, """
            营业场所代码,上网账号,用户级别,证件号,上网人员姓名,机器号,开始时间,结束时间,费用
            33010610000123,A1,会员,330106199001011234,赵六,021,2026-11-28 09:00:00,2026-11-28 10:00:00,4
            """),
        (.pubwinTransactions, """
            流水号,场所编码,交易时间,交易类型,卡号,证件号码,金额,余额,收银员,终端号,备注
            100,33010610000123,2026-11-28 14:00:00,充值,C1,330106199001011234,50,50,钱,,
            101,33010610000123,2026-11-28 14:05:00,补登,C1,330106199001011234,-5,45,钱,012,补登上机费
            """),
        (.realnameSessions, """
            YYCSDM,YYCSMC,DZQH,DZ,SWRYXM,ZJLX,ZJHM,FZJGMC,GJ,SWKSSJ,SWZDH,XWSJ,D_RKSJ,WJCJSJ,WJMC
            33010610000123,某网吧,330106,杭州市西湖区,张三,111,330106199001011234,西湖分局,CHN,20261128140322,012,20261128160000,20261128160500,20261129060000,SWRY.txt
            """),
    ]

    /// Every column name the header map knows, of every format: the likeliest words for a title line to hold.
    static let knownNames: [String] = Format.allCases.flatMap { RecordingSink.names.names(of: $0).map(\.name) }

    static func titleLine(_ random: inout Random) -> String {
        let words = ["上机记录查询", "打印人", "管理员", "收银台", "2026-11-28", "至", "合 计", "共 12 条", "page 1/3", "{", "}",
                     "|", "网吧", "GBK", "   ", "#", "\t"]
        var pieces: [String] = []
        // At least one piece with a colon or a free word: a line of bare column names alone could be a header.
        for index in 0...random.below(5) {
            switch index == 0 ? random.below(3) : random.below(8) {
            case 0: pieces.append(random.pick(knownNames) + random.pick([":", "：", " : "]) + random.pick(words))
            case 1: pieces.append("导出时间:2026-11-29 0\(random.below(10)):0\(random.below(10)):00")
            case 2: pieces.append((0..<(1 + random.below(4))).map { _ in random.pick(words) }.joined())
            case 3: pieces.append("场所编码:" + String(10_000_000_000_000 + random.below(89_999_999_999_999)))
            case 4: pieces.append("\"" + random.pick(knownNames) + "," + random.pick(words) + "\"")
            case 5: pieces.append("\"" + random.pick(words))  // a quote that never closes
            case 6: pieces.append(random.pick(knownNames) + ":")
            default: pieces.append("")
            }
        }
        return pieces.joined(separator: random.below(4) == 0 ? " " : ",")
    }

    /// What a decoding produced, minus titles: the format's rows and issues, lines shifted back by `offset`.
    static func rows(_ sink: RecordingSink, offset: Int) -> [String] {
        sink.sessions.map { "\($0.venue)|\($0.recordNo)|\($0.cert)|\($0.name)|\($0.terminal)|\($0.record.startSeconds)|\($0.record.endSeconds ?? -1)|\($0.record.amountFen)|\($0.line - offset)" }
            + sink.transactions.map { "\($0.venue)|\($0.serialNo)|\($0.record.amountFen)|\($0.line - offset)" }
            + sink.quarantined.map { "\($0.reason)|\($0.line - offset)" }
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func titleLinesNeverDecideTheFormatOrChangeARow(seed: UInt64) {
        var random = Random(state: seed)
        for iteration in 0..<150 {
            let (format, export) = random.pick(Self.exports)
            let titles = (0...random.below(4)).map { _ in Self.titleLine(&random) }
            let text = titles.joined(separator: random.below(2) == 0 ? "\n" : "\r\n") + "\n" + export
            let sniffed = withBytes(text) { FormatSniffer.sniff($0, names: RecordingSink.names) }
            #expect(sniffed == .format(format), "seed \(seed) iteration \(iteration): \(titles)")
            let plain = RecordingSink.decode(format, export)
            let titled = RecordingSink.decode(format, text)
            #expect(Self.rows(titled, offset: titles.count) == Self.rows(plain, offset: 0), "seed \(seed): \(titles)")
            // Every title line is skipped as a title, or as blank when it holds nothing but spaces and commas.
            #expect(
                (titled.skips[.title] ?? 0) + (titled.skips[.blank] ?? 0) - (plain.skips[.blank] ?? 0) == titles.count,
                "seed \(seed): \(titles)")
            #expect(titled.accounted == titled.lines, "seed \(seed): \(titles)")
        }
    }

    private func withBytes<T>(_ text: String, _ body: (UnsafeRawBufferPointer) -> T) -> T {
        Array(text.utf8).withUnsafeBytes(body)
    }
}
