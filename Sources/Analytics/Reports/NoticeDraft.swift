import Ingest
import LogFormats

/// The 整改通知书 draft (FORMATS.md §8): one printable page per venue with findings, naming each problem in plain
/// words with its dates and evidence, and the legal basis from the rule-to-article table (`LegalBasis`). It is
/// marked as a draft throughout: an officer checks it, completes the blanks and signs it; the tool never serves it.
///
/// A pure function of `ReportData`: no script, no external resource, everything that came from an input escaped.
package enum NoticeDraft {
    /// The drafts of every venue in `data.findings` (already cut by the report's filter), in venue-code order;
    /// `deadlineDays` fills 限期 N 日内整改. Chinese unless `data.language` is `.en`.
    package static func html(_ data: ReportData, legalBasis: LegalBasis, deadlineDays: Int = 15) -> String {
        let language = data.language
        let e = FindingsRenderer.htmlEscape
        let title = language.pick("整改通知书（草稿）", "Rectification notice (DRAFT)")
        var page = SheetText.head(title: title, language: language, extraStyle: style)
        let byVenue = Dictionary(grouping: data.findings, by: \.venue)
        if byVenue.isEmpty {
            page += "<p>\(e(language.pick("没有发现问题的场所，无需出具整改通知书。", "No venue has findings; no notice to draft.")))</p>\n"
        }
        for code in byVenue.keys.sorted() {
            page += notice(data, code: code, findings: byVenue[code] ?? [], legalBasis: legalBasis, deadlineDays: deadlineDays)
        }
        return page + "</body></html>\n"
    }

    private static let style = """
        .draft{border:3px double #b00020;color:#b00020;font-weight:bold;text-align:center;padding:2mm;margin-bottom:3mm;
        font-size:11pt}
        section.page{position:relative}
        .watermark{position:absolute;top:35%;left:0;right:0;text-align:center;font-size:90pt;color:rgba(176,0,32,.10);
        transform:rotate(-30deg);pointer-events:none;z-index:0}
        .docno{text-align:center;font-size:10.5pt}.body{font-size:10.5pt;line-height:1.7}
        .problem{margin:2mm 0 3mm}.basis{font-size:9.5pt;background:#fafafa;border-left:3px solid #888;padding:1mm 2mm}
        .missing{color:#b00020}
        """

    private static func notice(
        _ data: ReportData, code: String, findings: [FindingRow], legalBasis: LegalBasis, deadlineDays: Int
    ) -> String {
        let language = data.language
        let pick = language.pick
        let e = FindingsRenderer.htmlEscape
        let base = data.venues[code]
        let name = base?.name ?? ""
        let first = findings.map(\.startSeconds).min() ?? data.generatedAt
        let last = findings.map(\.endSeconds).max() ?? data.generatedAt

        var html = "<section class=\"page\" id=\"n\(e(code))\">\n"
        html += "<div class=\"watermark\">\(e(pick("草稿", "DRAFT")))</div>\n"
        let draftNote = pick(
            "草稿 — 由 netbar 依据数据自动生成，须经民警逐项核实、修改并签字后方可送达；未经签字不具效力。",
            "DRAFT — made by netbar from the data; an officer must check every item, correct it and sign it before "
                + "it is served. It has no effect unsigned.")
        html += "<div class=\"draft\">\(e(draftNote))</div>\n"
        html += "<h1>\(e(pick("整改通知书", "Rectification notice")))</h1>\n"
        html += "<p class=\"docno\">\(e(pick("____公（网安）整改字〔______〕第______号", "No. ______ / ______")))</p>\n"

        let venueLine = (name.isEmpty ? pick("（场所名称未登记）", "(name not registered)") : name)
        html += "<p class=\"body\"><b>\(e(venueLine))</b>\(e(pick("：", ":")))</p>\n"
        html += "<p class=\"body\">\(e(pick("场所编码", "Venue code")))\(e(pick("：", ": ")))\(e(code))"
        html += "\(e(pick("；地址：", "; address: ")))\(e(base.map { $0.address.isEmpty ? "—" : $0.address } ?? pick("（未登记）", "(not registered)")))</p>\n"
        let opening = pick(
            "经对你单位 \(localDate(first)) 至 \(localDate(last)) 的计费系统、安全审计系统数据进行检查，发现存在下列问题：",
            "A check of your venue's billing and security audit data from \(localDate(first)) to \(localDate(last)) "
                + "found the following problems:")
        html += "<p class=\"body\">\(e(opening))</p>\n"

        for (index, (detector, group)) in SheetText.byDetector(findings).enumerated() {
            let number = index + 1
            html += "<div class=\"problem\"><h3>\(number). \(e(DetectorID(detector).title(language)))"
            html += "<span class=\"note\">\(e(pick("共 \(group.count) 项", counted(group.count, "finding"))))</span></h3>\n"
            html += "<p class=\"body\">\(e(plainWords(detector, language)))</p>\n"
            html += "<table class=\"findings\">\(SheetText.columns([15, 8, 14, 0, 24]))<tr><th>\(e(pick("时间", "Time")))</th><th>\(e(pick("终端", "Terminal")))</th>"
            html += "<th>\(e(pick("证件号码", "Cert")))</th><th>\(e(pick("情况", "What was found")))</th>"
            html += "<th>\(e(pick("证据（文件:行）", "Evidence (file:line)")))</th></tr>\n"
            for finding in group {
                html += "<tr><td>\(e(SheetText.span(finding)))</td><td>\(e(finding.terminal ?? finding.address ?? ""))</td>"
                html += "<td>\(e(data.certText(finding.cert) ?? ""))</td><td>\(e(data.summary(finding)))"
                html += " <span class=\"note\">\(e(SheetText.recurrence(finding, language)))</span></td>"
                html += "<td>\(SheetText.evidence(finding, data, limit: 8))</td></tr>\n"
            }
            html += "</table>\n"
            let citations = legalBasis.entries(for: detector)
            if citations.isEmpty {
                let missing = pick(
                    "法律依据：法律依据表（\(legalBasis.source)）未列此项，请民警核实补充。",
                    "Legal basis: the table (\(legalBasis.source)) has none for this rule; the officer must add it.")
                html += "<p class=\"basis missing\">\(e(missing))</p>\n"
            }
            for citation in citations {
                let text = language == .en && !citation.textEnglish.isEmpty ? citation.textEnglish : citation.text
                html += "<p class=\"basis\">\(e(pick("法律依据：", "Legal basis: ")))<b>\(e(citation.law))\(e(citation.article))</b>"
                html += "\(e(pick("。", ". ")))\(e(text))</p>\n"
            }
            html += "</div>\n"
        }

        let order = pick(
            "上述行为违反了前列规定。现责令你单位自收到本通知书之日起，限期 \(deadlineDays) 日内整改完毕，"
                + "并将整改情况书面报告我单位。逾期不改正的，将依法予以处罚。",
            "These acts break the provisions cited. Your venue is ordered to rectify them within \(deadlineDays) days "
                + "of receiving this notice and to report the rectification in writing. Failing that, penalties will be "
                + "imposed according to law.")
        html += "<p class=\"body\">\(e(order))</p>\n"
        html += "<table class=\"signatures\"><tr>"
        html += "<td>\(e(pick("民警（签名）", "Officer (signature)"))): <span class=\"blank\"></span></td>"
        html += "<td>\(e(pick("民警（签名）", "Officer (signature)"))): <span class=\"blank\"></span></td></tr><tr>"
        html += "<td>\(e(pick("单位（盖章）", "Issuing unit (seal)"))): <span class=\"blank\"></span></td>"
        html += "<td>\(e(pick("日期", "Date"))): <span class=\"blank short\"></span></td></tr><tr>"
        html += "<td>\(e(pick("场所负责人签收", "Received by the venue's manager"))): <span class=\"blank\"></span></td>"
        html += "<td>\(e(pick("签收日期", "Date received"))): <span class=\"blank short\"></span></td></tr></table>\n"
        return html + "</section>\n"
    }

    private static func localDate(_ seconds: Int64) -> String { String(CivilTime.localString(seconds).prefix(10)) }

    /// Each rule's problem in plain words for the venue (the findings' summaries give the particulars).
    static func plainWords(_ detector: String, _ language: Language) -> String {
        let words: [String: (zh: String, en: String)] = [
            "unbilled-use": (
                "终端在使用，却没有任何计费上机记录覆盖（存在手工计费或另一套计费系统的嫌疑）。",
                "Terminals were in use with no billing session covering them (billing by hand or on a second system)."
            ),
            "manual-billing": (
                "以手工方式计费、补登，未通过计费系统登记上网信息。",
                "Use was billed or entered by hand instead of through the billing system."
            ),
            "second-billing": (
                "使用了登记计费系统以外的另一套计费软件，或审计系统所见上机无对应计费记录。",
                "A billing system other than the registered one ran, or log-ons seen by the audit system have no billing record."
            ),
            "card-free-login": (
                "上网人员未刷验身份证件即上机（免刷卡）。",
                "Customers were put on line without their ID card being read."
            ),
            "id-sharing": (
                "同一身份证件在同一时间于多台终端或多个场所使用，或在短时间内被大量使用（冒用他人身份证、公卡）。",
                "One identity was used on several terminals or venues at once, or very many times in a short time (another person's ID, a shared card)."
            ),
            "staff-card": (
                "使用工作卡为多台终端的上网人员开机，上网人员身份未登记。",
                "Staff cards were used to put customers on several terminals, leaving them unregistered."
            ),
            "invalid-id": (
                "登记的身份证号码无效（校验位错误、出生日期不存在或为已停用的第一代身份证）。",
                "Registered ID numbers cannot be valid (wrong check character, impossible birth date, or a first-generation card)."
            ),
            "minor": (
                "接纳未成年人进入营业场所上网。",
                "Minors were admitted."
            ),
            "after-hours": (
                "在规定的营业时间以外营业。",
                "The venue traded outside the permitted hours."
            ),
            "audit-gap": (
                "安全审计系统或其客户端停止运行、未上传心跳或截屏（擅自停止实施安全技术措施）。",
                "The security audit system or its clients stopped, or sent no heartbeats or screen captures."
            ),
            "ip-mismatch": (
                "终端的 IP 地址、MAC 地址与备案的基础资料不符，IP 与机器编号未一一对应。",
                "Terminal IP or MAC addresses differ from the filed registry; IPs and terminal numbers do not match one to one."
            ),
            "private-network": (
                "有非本场所终端的设备使用场所网络线路（私接设备、自组局域网或专线对外私接）。",
                "Devices that are not the venue's terminals used its line (private devices, a self-built LAN or an outside link)."
            ),
        ]
        guard let entry = words[detector] else { return DetectorID(detector).title(language) }
        return language.pick(entry.zh, entry.en)
    }
}
