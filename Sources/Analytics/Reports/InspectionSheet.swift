import Ingest
import LogFormats

/// The 互联网上网服务营业场所检查情况登记表 (FORMATS.md §8): one printable A4 page per venue with the registry's base
/// data beside what the dump shows, the six rates of a night against the work plan's 100 %, every rule broken with
/// its findings and evidence, and blanks for the inspector's and the venue's signatures.
///
/// A pure function of `ReportData`: no script, no external resource, everything that came from an input escaped.
package enum InspectionSheet {
    /// The sheets of the venues `filter.venues` names, or else of every venue the data knows (registered, with
    /// findings, or with rates), in venue-code order. The rates shown are those of `filter.night`, or else of the
    /// venue's latest night. Chinese unless `data.language` is `.en`.
    package static func html(_ data: ReportData, filter: ReportFilter = ReportFilter()) -> String {
        let language = data.language
        let e = FindingsRenderer.htmlEscape
        let codes = SheetText.venues(data, filter: filter)
        let title = language.pick("互联网上网服务营业场所检查情况登记表", "Internet café inspection sheet")
        var page = SheetText.head(title: title, language: language, extraStyle: style)
        if codes.isEmpty {
            page += "<p>\(e(language.pick("没有可出具登记表的场所。", "No venue to make a sheet for.")))</p>\n"
        }
        let findingsByVenue = Dictionary(grouping: data.findings, by: \.venue)
        for code in codes {
            page += sheet(data, code: code, findings: findingsByVenue[code] ?? [], night: filter.night)
        }
        return page + "</body></html>\n"
    }

    private static let style = """
        .basis td.registry{width:30%}.basis td.seen{width:45%}
        .rates td.ok{color:#1b5e20}.rates td.short{color:#b00020;font-weight:bold}
        """

    private static func sheet(_ data: ReportData, code: String, findings: [FindingRow], night requested: String?) -> String {
        let language = data.language
        let e = FindingsRenderer.htmlEscape
        let pick = language.pick
        let base = data.venues[code]
        let nights = data.nights(venue: code)
        let night = requested ?? nights.last ?? data.latestNight
        // The sheet is of one night: its rates and that night's findings (each marked new or recurring).
        let findings = night.map { night in findings.filter { $0.night == night } } ?? findings
        let counts = night.map { data.counts(venue: code, night: $0) } ?? [:]
        let rates = night.map { data.rates(venue: code, night: $0) } ?? [:]

        var html = "<section class=\"page\" id=\"v\(e(code))\">\n"
        html += "<h1>\(e(pick("互联网上网服务营业场所检查情况登记表", "Internet café inspection sheet")))</h1>\n"
        html += "<p class=\"meta\">\(e(pick("场所编码", "Venue code"))): <b>\(e(code))</b>"
        html += " · \(e(pick("数据夜次", "Night of the data"))): \(e(night ?? pick("无", "none")))"
        html += " · \(e(pick("生成时间", "Made at"))): \(e(CivilTime.localString(data.generatedAt)))"
        html += " · \(e(pick("证件号码", "Cert numbers"))): "
        html += e(data.revealCerts ? pick("完整显示", "shown in full") : pick("已遮蔽", "masked")) + "</p>\n"

        // Base data: the registry beside what the dump shows.
        html += "<h2>\(e(pick("一、基本情况", "1. Base data")))</h2>\n<table class=\"basis\">"
        html += "<tr><th>\(e(pick("项目", "Item")))</th><th>\(e(pick("登记资料（基础资料台帐）", "Registry")))</th>"
        html += "<th>\(e(pick("数据所见", "What the dump shows")))</th></tr>\n"
        let unregistered = pick("（未登记）", "(not registered)")
        func row(_ zh: String, _ en: String, _ registered: String?, _ seen: String = "") {
            html += "<tr><th>\(e(pick(zh, en)))</th><td class=\"registry\">\(e(registered ?? unregistered))</td>"
            html += "<td class=\"seen\">\(e(seen))</td></tr>\n"
        }
        func number(_ key: VenueCount) -> Int64? { counts[VenueCount.prefix + key.rawValue] }
        row("场所名称", "Name", base?.name)
        row("场所编码", "Code", base?.code, code)
        row("业主", "Owner", base?.owner)
        row("地址", "Address", base?.address)
        row("联系电话", "Phone", base?.phone)
        row("接入服务商", "Internet provider", base?.isp)
        row("公网IP", "Public IP", base?.publicIP)
        var lanSeen = ""
        if let match = rates[.ipTerminal] {
            lanSeen = pick(
                "审计日志所见终端 \(match.denominator) 台，IP/MAC 与登记一致 \(match.numerator) 台",
                "\(match.denominator) terminals seen in the audit log, \(match.numerator) matching the registry")
        }
        row("内网网段", "LAN", base?.lan, lanSeen)
        var terminalsSeen: [String] = []
        if let billing = number(.billingTerminals) { terminalsSeen.append(pick("计费终端 \(billing) 台", "\(billing) in billing")) }
        if let audit = number(.auditTerminals) { terminalsSeen.append(pick("审计终端 \(audit) 台", "\(audit) in the audit log")) }
        row("登记终端数", "Registered terminals", base?.terminalCount.map(String.init) ?? base.map { _ in "" },
            terminalsSeen.joined(separator: pick("；", "; ")))
        row("计费系统", "Billing system", base?.billingSystem, billingClientsSeen(data, counts, base))
        var auditSeen = ""
        if let install = rates[.auditInstall] {
            auditSeen = pick(
                "发送审计数据的终端 \(install.numerator) / \(install.denominator) 台",
                "\(install.numerator) of \(install.denominator) terminals sent audit data")
        }
        row("审计系统", "Audit system", base?.auditSystem, auditSeen)
        var sessionsSeen = ""
        if let sessions = number(.sessions) {
            let staff = number(.staffSessions) ?? 0
            sessionsSeen = pick("上机记录 \(sessions) 条（其中工作卡 \(staff) 条）", "\(sessions) sessions (\(staff) on staff cards)")
        }
        row("上机记录", "Sessions", "—", sessionsSeen)
        row("数据夜次", "Nights in the database", "—", nights.joined(separator: pick("、", ", ")))
        html += "</table>\n"

        // The rates of the night against the work plan's target.
        html += "<h2>\(e(pick("二、安全管理措施落实情况", "2. Measures in place")))"
        html += "<span class=\"note\">\(e(night.map { pick("（\($0)）", " (\($0))") } ?? ""))</span></h2>\n"
        html += "<table class=\"rates\"><tr><th>\(e(pick("项目", "Rate")))</th><th>\(e(pick("结果", "Result")))</th>"
        html += "<th>\(e(pick("分子 / 分母", "Numerator / denominator")))</th><th>\(e(pick("目标", "Target")))</th>"
        html += "<th>\(e(pick("是否达标", "Met")))</th></tr>\n"
        for rate in VenueRate.allCases {
            html += "<tr><th>\(e(rate.title(language)))</th>"
            guard let value = rates[rate] else {
                let why = rate == .ipTerminal && data.venues.isEmpty
                    ? pick("无登记资料，未计算", "no registry, not computed") : pick("无数据", "no data")
                html += "<td colspan=\"2\">\(e(why))</td><td>100 %</td><td>—</td></tr>\n"
                continue
            }
            let met = value.numerator >= value.denominator
            html += "<td class=\"\(met ? "ok" : "short")\">\(e(SheetText.percent(value.numerator, value.denominator)))</td>"
            html += "<td>\(e(SheetText.fraction(rate, value, language)))</td><td>100 %</td>"
            html += "<td class=\"\(met ? "ok" : "short")\">\(e(met ? pick("达标", "yes") : pick("✗ 未达标", "✗ short")))</td></tr>\n"
        }
        html += "</table>\n"

        // Every rule broken, with its findings.
        html += "<h2>\(e(pick("三、发现的问题", "3. Problems found")))</h2>\n"
        if findings.isEmpty {
            html += "<p>\(e(pick("数据中未发现违规情况。", "The data shows no rule broken.")))</p>\n"
        }
        for (detector, group) in SheetText.byDetector(findings) {
            html += "<h3>\(e(DetectorID(detector).title(language))) <span class=\"note\">\(e(detector)) · "
            html += "\(e(pick("\(group.count) 项", counted(group.count, "finding"))))</span></h3>\n"
            html += "<table class=\"findings\">\(SheetText.columns([15, 8, 14, 0, 9, 24]))"
            html += "<tr><th>\(e(pick("时间", "Time")))</th><th>\(e(pick("终端", "Terminal")))</th>"
            html += "<th>\(e(pick("证件号码", "Cert")))</th><th>\(e(pick("情况", "What was found")))</th>"
            html += "<th>\(e(pick("新发现/重复", "New or recurring")))</th><th>\(e(pick("证据（文件:行）", "Evidence (file:line)")))</th></tr>\n"
            for finding in group {
                html += "<tr class=\"\(e(finding.severity))\"><td>\(e(SheetText.span(finding)))</td>"
                html += "<td>\(e(finding.terminal ?? finding.address ?? ""))</td><td>\(e(data.certText(finding.cert) ?? ""))</td>"
                html += "<td>\(e(data.summary(finding)))</td><td>\(e(SheetText.recurrence(finding, language)))</td>"
                html += "<td>\(SheetText.evidence(finding, data))</td></tr>\n"
            }
            html += "</table>\n"
        }

        html += "<h2>\(e(pick("四、检查意见", "4. Inspector's remarks")))</h2>\n<div class=\"remarks\"></div>\n"
        html += "<table class=\"signatures\"><tr>"
        html += "<td>\(e(pick("检查人", "Inspector"))): <span class=\"blank\"></span></td>"
        html += "<td>\(e(pick("场所负责人签字", "Venue manager's signature"))): <span class=\"blank\"></span></td>"
        html += "<td>\(e(pick("日期", "Date"))): <span class=\"blank short\"></span></td></tr></table>\n"
        return html + "</section>\n"
    }

    /// "Pubwin（20 台）、万象（2 台，与登记不符）", from the billing-client counts of the night.
    private static func billingClientsSeen(
        _ data: ReportData, _ counts: [String: Int64], _ base: RegistryVenueDetails?
    ) -> String {
        let pick = data.language.pick
        let prefix = VenueCount.prefix + VenueCount.billingClientPrefix
        var parts: [String] = []
        for (key, terminals) in counts.sorted(by: { $0.key < $1.key }) where key.hasPrefix(prefix) {
            let system = String(key.dropFirst(prefix.count))
            let registered = base?.billingSystem ?? ""
            let foreign = !registered.isEmpty && !SecondBillingDetector.sameSystem(system, registered)
            parts.append(
                system + pick("（\(terminals) 台\(foreign ? "，与登记不符" : "")）", " (\(terminals) terminals\(foreign ? ", not the registered system" : ""))"))
        }
        return parts.isEmpty ? "" : pick("运行的计费客户端：", "Billing clients run: ") + parts.joined(separator: pick("、", ", "))
    }
}

extension ReportData {
    /// The nights a venue has rates or findings on, oldest first.
    package func nights(venue: String) -> [String] {
        var nights: Set<String> = []
        for row in rates where row.venue == venue { nights.insert(row.night) }
        for finding in findings where finding.venue == venue { if let night = finding.night { nights.insert(night) } }
        return nights.sorted()
    }

    /// What the dump showed of a venue on a night (`VenueCount`, by full id `count:...`).
    package func counts(venue: String, night: String) -> [String: Int64] {
        var table: [String: Int64] = [:]
        for row in rates where row.venue == venue && row.night == night && row.rate.hasPrefix(VenueCount.prefix) {
            table[row.rate] = row.numerator
        }
        return table
    }
}

/// Text shared by the inspection sheet and the notice draft.
enum SheetText {
    /// The venues of a report: those the filter names, or every one the data knows of, in code order.
    static func venues(_ data: ReportData, filter: ReportFilter) -> [String] {
        if !filter.venues.isEmpty { return filter.venues.sorted() }
        var codes = Set(data.venues.keys)
        for finding in data.findings { codes.insert(finding.venue) }
        for row in data.rates { codes.insert(row.venue) }
        return codes.sorted()
    }

    /// A self-contained printable page head: A4, one venue a page (`section.page`), no external resource.
    static func head(title: String, language: Language, extraStyle: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="\(language == .zh ? "zh-CN" : "en")"><head><meta charset="utf-8">
        <title>\(FindingsRenderer.htmlEscape(title))</title>
        <style>
        @page{size:A4;margin:15mm 12mm}
        body{font-family:"Noto Serif CJK SC","Source Han Serif SC","SimSun",serif;color:#000;margin:0;background:#eee}
        section.page{background:#fff;width:186mm;margin:8mm auto;padding:10mm 12mm;box-sizing:border-box;
        page-break-after:always;break-after:page}
        section.page:last-of-type{page-break-after:auto;break-after:auto}
        h1{font-size:18pt;text-align:center;margin:0 0 4mm}h2{font-size:12pt;margin:5mm 0 2mm}
        h3{font-size:11pt;margin:3mm 0 1mm}.note{font-weight:normal;font-size:9pt;color:#444;margin-left:2mm}
        p{font-size:10.5pt;margin:1mm 0}.meta{font-size:9pt;text-align:center}
        table{border-collapse:collapse;width:100%;margin-bottom:2mm;page-break-inside:auto}table.findings{table-layout:fixed}
        tr{page-break-inside:avoid;break-inside:avoid}
        th,td{border:1px solid #000;padding:1mm 1.5mm;text-align:left;vertical-align:top;font-size:9pt;
        overflow-wrap:anywhere}
        th{background:#f2f2f2;font-weight:bold}tr.high td:first-child{border-left:3px solid #b00020}
        code{font-size:8pt}.remarks{border:1px solid #000;height:22mm}
        table.signatures td{border:none;padding-top:8mm;font-size:10.5pt}
        .blank{display:inline-block;border-bottom:1px solid #000;width:38mm}.blank.short{width:28mm}
        \(extraStyle)
        @media print{body{background:#fff}section.page{margin:0;width:auto;padding:0;box-shadow:none}}
        </style></head><body>

        """
    }

    /// A `colgroup` of column widths in percent of the page (0: the rest), so that narrow columns such as the
    /// terminal keep their width on A4.
    static func columns(_ percents: [Int]) -> String {
        "<colgroup>" + percents.map { $0 > 0 ? "<col style=\"width:\($0)%\">" : "<col>" }.joined() + "</colgroup>"
    }

    /// Findings grouped by detector, in `DetectorList` order (unknown ids last, by name).
    static func byDetector(_ findings: [FindingRow]) -> [(String, [FindingRow])] {
        let order = DetectorID.allCases.map(\.rawValue)
        let groups = Dictionary(grouping: findings, by: \.detector)
        return groups.keys.sorted { lhs, rhs in
            let left = order.firstIndex(of: lhs) ?? order.count
            let right = order.firstIndex(of: rhs) ?? order.count
            return (left, lhs) < (right, rhs)
        }.map { key in
            (key, (groups[key] ?? []).sorted { ($0.startSeconds, $0.key) < ($1.startSeconds, $1.key) })
        }
    }

    /// `2026-11-28 14:03:22 – 16:10:00`, the end's date left out when it is the start's.
    static func span(_ finding: FindingRow) -> String {
        let start = CivilTime.localString(finding.startSeconds)
        let end = CivilTime.localString(finding.endSeconds)
        if finding.endSeconds == finding.startSeconds { return start }
        return start + " – " + (end.prefix(10) == start.prefix(10) ? String(end.dropFirst(11)) : end)
    }

    /// 新发现, or 第 N 晚重复出现 (N counting this night: `seenBefore` earlier nights plus this one).
    static func recurrence(_ finding: FindingRow, _ language: Language) -> String {
        finding.seenBefore == 0
            ? language.pick("新发现", "new")
            : language.pick("第 \(finding.seenBefore + 1) 晚重复出现", "recurring, night \(finding.seenBefore + 1)")
    }

    /// Evidence as escaped `file:line` lines, the first `limit` of them and a count of the rest.
    static func evidence(_ finding: FindingRow, _ data: ReportData, limit: Int = 12) -> String {
        let e = FindingsRenderer.htmlEscape
        var lines = finding.evidence.prefix(limit).map { "<code>\(e(data.paths[$0.fileID] ?? "?")):\($0.line)</code>" }
        if finding.evidence.count > limit {
            let rest = finding.evidence.count - limit
            lines.append(e(data.language.pick("……另 \(rest) 条", "… \(rest) more")))
        }
        return lines.joined(separator: "<br>")
    }

    /// A share rounded down to a tenth of a percent, so that a shortfall never shows as 100.0 %.
    static func percent(_ numerator: Int64, _ denominator: Int64) -> String {
        guard denominator > 0 else { return "—" }
        let tenths = numerator.multipliedReportingOverflow(by: 1000)
        let value = tenths.overflow ? Int64(Double(numerator) / Double(denominator) * 1000) : tenths.partialValue / denominator
        return "\(value / 10).\(value % 10) %"
    }

    /// "45000 / 46800 秒（12.5 / 13.0 小时）" for time rates, "18 / 20 台" for counts.
    static func fraction(_ rate: VenueRate, _ row: VenueRateRow, _ language: Language) -> String {
        let pick = language.pick
        switch rate {
        case .auditUse, .billingUse:
            func hours(_ seconds: Int64) -> String {
                let tenths = (seconds * 10 + 1800) / 3600
                return "\(tenths / 10).\(tenths % 10)"
            }
            return pick(
                "\(row.numerator) / \(row.denominator) 秒（\(hours(row.numerator)) / \(hours(row.denominator)) 小时）",
                "\(row.numerator) / \(row.denominator) s (\(hours(row.numerator)) / \(hours(row.denominator)) h)")
        case .auditInstall, .ipTerminal:
            return pick("\(row.numerator) / \(row.denominator) 台", "\(row.numerator) / \(row.denominator) terminals")
        case .screenshotUpload:
            return pick("\(row.numerator) / \(row.denominator) 次", "\(row.numerator) / \(row.denominator) captures")
        case .realName:
            return pick("\(row.numerator) / \(row.denominator) 条", "\(row.numerator) / \(row.denominator) sessions")
        }
    }
}
