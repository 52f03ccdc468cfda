// The billing exports (FORMATS.md §3.1-3.2): sessions and transactions, consistent with each other.

/// Columns of a `pubwin-sessions` export.
enum SessionColumn: Int, CaseIterable {
    case recordNumber, venue, card, userType, certType, certNumber, name, terminal, ip, start, end, duration, amount
    case cashier, checkout, note

    var header: String {
        ["记录号", "场所编码", "卡号", "用户类型", "证件类型", "证件号码", "姓名", "终端号", "IP地址", "上机时间", "下机时间",
         "上网时长", "消费金额", "收银员", "结账方式", "备注"][rawValue]
    }

    /// Columns an export may leave out; the rest are required or needed by a detector.
    var isOptional: Bool { [.card, .ip, .duration, .cashier, .note].contains(self) }

    /// The column's name in an export of `dialect`, nil when that system writes no such column (FORMATS.md §3.6).
    func header(_ dialect: SessionDialect) -> String? {
        switch dialect {
        case .pubwin: header
        case .otherSystem:
            [nil, "营业场所代码", "上网账号", "用户级别", "证件类型", "证件号", "上网人员姓名", "机器号", nil, "开始时间", "结束时间",
             "上网时长", "费用", "收银员", "结账方式", "备注"][rawValue]
        case .noVenueColumn:
            ["记录号", nil, "会员卡号", "用户类型", "证件类型", "身份证号", "用户姓名", "终端编号", "IP地址", "上网开始时间", "下网时间",
             nil, "消费金额", "收银员", "结账方式", "备注"][rawValue]
        }
    }
}

/// How one CSV export is written.
struct CSVStyle {
    var timeStyle: TimeStyle
    /// 0 writes cert types as codes, 1 as `身份证`-style names, 2 as `居民身份证`-style names.
    var certTypeNames: Int
    var lowerCaseX: Bool
    var title: Bool
    var totals: Bool
    var crlf: Bool

    /// One form for every export of a plain night.
    static let plain = CSVStyle(
        timeStyle: .dashSeconds, certTypeNames: 0, lowerCaseX: false, title: false, totals: false, crlf: false)

    static func random(_ random: inout SeededRandom, minutePrecision: Bool) -> CSVStyle {
        let styles: [TimeStyle] = minutePrecision ? [.dashMinutes] : [.dashSeconds, .dashSeconds, .slashSeconds, .slashLoose]
        return CSVStyle(
            timeStyle: random.pick(styles), certTypeNames: random.below(3), lowerCaseX: random.chance(0.3),
            title: random.chance(0.6), totals: random.chance(0.6), crlf: random.chance(0.7))
    }
}

extension VenueBuilder {
    /// Transactions in time order: top-ups, log-ons and log-offs, check-outs, goods, and injected manual items.
    func buildTransactions() -> [Transaction] {
        var list = transactions
        for session in sessions where !session.platformOnly {
            let person = session.person
            let terminal = session.terminal
            switch session.userKind {
            case .staff:
                list.append(Transaction(time: session.start, kind: .logOn, person: person, amountFen: 0, balanceFen: 0, terminal: terminal))
                list.append(Transaction(time: session.end, kind: .logOff, person: person, amountFen: 0, balanceFen: 0, terminal: terminal))
            case .member:
                if people[person].balanceFen < session.amountFen + 500 {
                    let topUp = (session.amountFen / 5000 + 1) * 5000
                    people[person].balanceFen += topUp
                    list.append(
                        Transaction(time: session.start - random.int(60...100), kind: .topUp, person: person, amountFen: topUp,
                                    balanceFen: people[person].balanceFen, terminal: nil))
                }
                list.append(
                    Transaction(time: session.start, kind: .logOn, person: person, amountFen: 0,
                                balanceFen: people[person].balanceFen, terminal: terminal))
                people[person].balanceFen -= session.amountFen
                list.append(
                    Transaction(time: session.end, kind: .logOff, person: person, amountFen: -session.amountFen,
                                balanceFen: people[person].balanceFen, terminal: terminal))
                if random.chance(0.05), people[person].balanceFen >= 1500 {
                    let price = random.int(3...15) * 100
                    people[person].balanceFen -= price
                    list.append(
                        Transaction(time: session.end - random.int(600...1200), kind: .goods, person: person, amountFen: -price,
                                    balanceFen: people[person].balanceFen, terminal: nil, note: random.pick(["红牛", "可乐", "泡面", "矿泉水"])))
                }
            case .temporary:
                let deposit = (session.amountFen / 1000 + 2) * 1000
                list.append(
                    Transaction(time: session.start - random.int(30...90), kind: .openAccount, person: person, amountFen: deposit,
                                balanceFen: deposit, terminal: nil, note: "押金"))
                list.append(Transaction(time: session.start, kind: .logOn, person: person, amountFen: 0, balanceFen: deposit, terminal: terminal))
                list.append(
                    Transaction(time: session.end, kind: .logOff, person: person, amountFen: -session.amountFen,
                                balanceFen: deposit - session.amountFen, terminal: terminal))
                list.append(
                    Transaction(time: session.end + random.int(60...300), kind: .checkOut, person: person,
                                amountFen: -(deposit - session.amountFen), balanceFen: 0, terminal: nil, note: "退押金"))
            }
        }
        return list.sorted { $0.time < $1.time }
    }

    /// The title lines of a CSV export made at `exportTime` (FORMATS.md §1: they may hold anything, and never
    /// decide the format). `query` is the export's own title, such as `上机记录查询`.
    func titleLines(_ titles: TitleStyle, query: String, exportTime: Int, newline: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        func exportLine(_ prefix: String) {
            out.append(contentsOf: Array((prefix + "导出时间:").utf8))
            times.append(exportTime, style: .dashSeconds, to: &out)
            out.append(contentsOf: newline)
        }
        switch titles {
        case .none: break
        case .exportTime: exportLine(query + ",")
        case .venueLine:
            let county = Tables.counties[spec.countyIndex]
            out.append(contentsOf: Array("场所名称:\(county.name)\(Tables.venueNameStems[spec.index % Tables.venueNameStems.count])网咖,场所编码:\(spec.code)".utf8))
            out.append(contentsOf: newline)
            exportLine(query + ",")
        case .noisy:
            exportLine("\"\(query)明细\",\"打印人:管理员,收银台1\",")
            out.append(contentsOf: Array("记录号:全部,上机时间:\(businessDate.year)-\(businessDate.month)-\(businessDate.day) 至次日,终端号:全部,证件号码:,\"备注\"".utf8))
            out.append(contentsOf: newline)
            out.append(contentsOf: Array("注:\"临时卡 含未结账记录".utf8))
            out.append(contentsOf: newline)
        }
        return out
    }

    /// A sessions export made at `exportTime` in `dialect`: sessions started by then, those still running open.
    func renderSessions(
        exportTime: Int, columns allColumns: [SessionColumn], style: CSVStyle, dialect: SessionDialect,
        titles: TitleStyle
    ) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(sessions.count * 220 + 1024)
        let newline: [UInt8] = style.crlf ? [13, 10] : [10]
        out += titleLines(titles, query: "上机记录查询", exportTime: exportTime, newline: newline)
        let columns = allColumns.filter { $0.header(dialect) != nil }
        appendRow(columns.map { Array(($0.header(dialect) ?? "").utf8) }, to: &out, newline: newline)
        var totalFen = 0
        var fields: [[UInt8]] = []
        for session in sessions where session.start < exportTime && !session.platformOnly {
            let open = session.end > exportTime
            let amount = open ? amount(of: session, until: exportTime) : session.amountFen
            totalFen += amount
            let person = people[session.person]
            fields.removeAll(keepingCapacity: true)
            for column in columns {
                var field: [UInt8] = []
                switch column {
                case .recordNumber: field.appendDecimal(session.recordNumber)
                case .venue: field = Array(spec.code.utf8)
                case .card: field = person.card
                case .userType:
                    field = Array((session.userKind == .member ? "会员" : session.userKind == .temporary ? "临时" : "员工").utf8)
                case .certType: field = certTypeText(person.certType, style: style.certTypeNames)
                case .certNumber: field = certText(person.cert, lowerCaseX: style.lowerCaseX || session.lowerCaseX)
                case .name: field = person.name
                case .terminal: field = Array(identities[session.terminal].number.utf8)
                case .ip: field = Array(identities[session.terminal].ipText.utf8)
                case .start: times.append(session.start, style: style.timeStyle, to: &field)
                case .end: if !open { times.append(session.end, style: style.timeStyle, to: &field) }
                case .duration:
                    let minutes = ((open ? exportTime : session.end) - session.start) / 60
                    field = Array((minutes >= 60 ? "\(minutes / 60)小时\(minutes % 60)分" : "\(minutes)分").utf8)
                case .amount: field.appendMoney(amount, style: random.below(2))
                case .cashier: field = Array(cashiers[session.cashier].utf8)
                case .checkout:
                    if !open {
                        field = Array(["正常", "手工", "自动", "强制"][Int(session.checkout.rawValue)].utf8)
                    }
                case .note: field = Array(Tables.sessionNotes[session.note].utf8)
                }
                fields.append(field)
            }
            appendRow(fields, to: &out, newline: newline)
        }
        if style.totals {
            let row = columns.enumerated().map { position, column -> [UInt8] in
                if position == 0 { return Array("合计".utf8) }
                if column == .amount {
                    var money: [UInt8] = []
                    money.appendMoney(totalFen, style: 0)
                    return money
                }
                return []
            }
            appendRow(row, to: &out, newline: newline)
        }
        return out
    }

    /// A `pubwin-transactions` export.
    func renderTransactions(
        _ list: [Transaction], exportTime: Int, style: CSVStyle, dropOptional: Bool, titles: TitleStyle
    ) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(list.count * 120 + 1024)
        let newline: [UInt8] = style.crlf ? [13, 10] : [10]
        out += titleLines(titles, query: "交易流水查询", exportTime: exportTime, newline: newline)
        let headers = dropOptional
            ? ["流水号", "场所编码", "交易时间", "交易类型", "卡号", "证件号码", "金额", "终端号"]
            : ["流水号", "场所编码", "交易时间", "交易类型", "卡号", "证件号码", "金额", "余额", "收银员", "终端号", "备注"]
        appendRow(headers.map { Array($0.utf8) }, to: &out, newline: newline)
        var serial = random.int(100_000...900_000) + dailyNumberOffset(perDay: 1_000_000)
        var totalFen = 0
        var fields: [[UInt8]] = []
        for item in list {
            serial += 1
            totalFen += item.amountFen
            let person = people[item.person]
            fields.removeAll(keepingCapacity: true)
            var number: [UInt8] = []
            number.appendDecimal(serial)
            var time: [UInt8] = []
            times.append(item.time, style: style.timeStyle, to: &time)
            var money: [UInt8] = []
            money.appendMoney(item.amountFen, style: random.below(2))
            let terminal = item.terminal.map { Array(identities[$0].number.utf8) } ?? []
            if dropOptional {
                fields = [number, Array(spec.code.utf8), time, Array(item.kind.name.utf8), person.card,
                          certText(person.cert, lowerCaseX: style.lowerCaseX), money, terminal]
            } else {
                var balance: [UInt8] = []
                balance.appendMoney(item.balanceFen, style: 0)
                fields = [number, Array(spec.code.utf8), time, Array(item.kind.name.utf8), person.card,
                          certText(person.cert, lowerCaseX: style.lowerCaseX), money, balance,
                          Array(cashiers[serial % cashiers.count].utf8), terminal, Array(item.note.utf8)]
            }
            appendRow(fields, to: &out, newline: newline)
        }
        if style.totals {
            var money: [UInt8] = []
            money.appendMoney(totalFen, style: 0)
            var row = [[UInt8]](repeating: [], count: headers.count)
            row[0] = Array("合计".utf8)
            row[6] = money
            appendRow(row, to: &out, newline: newline)
        }
        return out
    }

    func certText(_ cert: [UInt8], lowerCaseX: Bool) -> [UInt8] {
        guard lowerCaseX, cert.last == UInt8(ascii: "X") else { return cert }
        var lowered = cert
        lowered[lowered.count - 1] = UInt8(ascii: "x")
        return lowered
    }

    func certTypeText(_ code: Int, style: Int) -> [UInt8] {
        if code == 0 { return [] }
        if style == 0 { return Array(String(code).utf8) }
        let name: String =
            switch code {
            case 111: style == 1 ? "身份证" : "居民身份证"
            case 112: "临时身份证"
            case 335: "驾驶证"
            case 414: "护照"
            default: "其他"
            }
        return Array(name.utf8)
    }

    /// One CSV row with RFC 4180 quoting of fields holding a comma, quote or line break.
    func appendRow(_ fields: [[UInt8]], to out: inout [UInt8], newline: [UInt8]) {
        for (position, field) in fields.enumerated() {
            if position > 0 { out.append(UInt8(ascii: ",")) }
            if field.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }) {
                out.append(UInt8(ascii: "\""))
                for byte in field {
                    if byte == UInt8(ascii: "\"") { out.append(byte) }
                    out.append(byte)
                }
                out.append(UInt8(ascii: "\""))
            } else {
                out.append(contentsOf: field)
            }
        }
        out.append(contentsOf: newline)
    }
}
