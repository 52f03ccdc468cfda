import Ingest
import LogFormats

/// The analyst's HTML report (FORMATS.md §5–§8): one self-contained page made from `ReportData` alone, in the
/// report's language. A header (when it was made, the data's span, the nights held, whether certs are masked), a
/// loud banner when detection never ran or did not finish, the run summary (files by status, rows, quarantine, rules
/// that could not run fully), charts drawn here as inline SVG, and the findings table, high severity first, which a
/// small inline script filters and sorts in the browser.
///
/// Safety: every text from an input goes through `FindingsRenderer.htmlEscape`; the script is a constant that holds
/// nothing from the data (it reads the rows' escaped `data-*` attributes and only hides and reorders rows, never
/// writing markup); a Content-Security-Policy allows no network and no script from elsewhere.
package enum HTMLReport {
    /// Evidence references listed per finding; the rest are counted (a finding may cite hundreds of heartbeats).
    static let evidenceListed = 20

    /// The page, as one string.
    /// - Complexity: O(findings + evidence listed); the table is built here, so the browser has no rows to make.
    package static func render(_ data: ReportData) -> String {
        var writer = HTMLReportWriter(data: data)
        writer.write()
        return writer.html
    }
}

/// Builds the page section by section.
struct HTMLReportWriter {
    let data: ReportData
    var html = ""

    init(data: ReportData) {
        self.data = data
        html.reserveCapacity(64 * 1024 + data.findings.count * 1_500)
    }

    /// The report's language's text.
    func t(_ zh: String, _ en: String) -> String { data.language.pick(zh, en) }

    /// Text from an input, escaped for HTML text and attribute values.
    static func e(_ text: String) -> String { FindingsRenderer.htmlEscape(text) }

    static func severity(_ finding: FindingRow) -> Severity { Severity(rawValue: finding.severity) ?? .low }

    mutating func write() {
        let title = t("网吧日志分析报告", "Internet café log analysis")
        html += """
            <!DOCTYPE html>
            <html lang="\(data.language == .zh ? "zh-CN" : "en")">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="generator" content="netbar">
            <title>\(title)</title>
            <style>\(HTMLReportAssets.style)</style>
            </head>
            <body>

            """
        header(title: title)
        banners()
        html += "<main>\n"
        runSummary()
        charts()
        findingsSection()
        html += "</main>\n<script>\(HTMLReportAssets.script)</script>\n</body>\n</html>\n"
    }

    // MARK: Header

    private mutating func header(title: String) {
        let e = Self.e
        var counts: [Severity: Int] = [:]
        for finding in data.findings { counts[Self.severity(finding), default: 0] += 1 }
        let range: String
        if let span = data.dataRange {
            range = "\(CivilTime.localString(span.first)) \(t("至", "to")) \(CivilTime.localString(span.last))"
        } else if let first = data.nights.first, let last = data.nights.last {
            range = first == last ? first : "\(first) \(t("至", "to")) \(last)"
        } else {
            range = t("无数据", "no data")
        }
        let nights: String
        if data.nights.isEmpty {
            nights = t("0（数据库中没有带日期的数据）", "0 (no dated data in the database)")
        } else {
            let shown = data.nights.count > 10 ? [data.nights[0], "…"] + data.nights.suffix(8) : data.nights
            nights = "\(data.nights.count)" + t("：", ": ")
                + shown.map(e).joined(separator: t("、", ", ")) + t("（最新 ", " (latest ") + e(data.latestNight ?? "")
                + t("）", ")")
        }
        let certs =
            data.revealCerts
            ? t(
                "证件号码完整显示（--reveal-certs）：本报告含个人信息，须按涉密资料保管。",
                "Cert numbers are shown in full (--reveal-certs): this report holds personal data; keep it safe.")
            : t(
                "证件号码已遮蔽（保留前 6 位和后 4 位）。", "Cert numbers are masked (first 6 and last 4 characters kept).")
        let evidenceNote = t(
            "证据原文中的姓名和证件号码始终遮蔽。", "Names and cert numbers in evidence lines are always masked.")
        html += """
            <header id="report-header">
            <h1>\(title)</h1>
            <dl class="meta">
            <dt>\(t("生成时间", "Generated"))</dt><dd id="generated-at">\(CivilTime.localString(data.generatedAt)) (UTC+8)</dd>
            <dt>\(t("数据时间范围", "Data from"))</dt><dd id="data-range">\(range)</dd>
            <dt>\(t("已存夜数", "Nights held"))</dt><dd id="nights-held">\(nights)</dd>
            <dt>\(t("发现", "Findings"))</dt><dd id="findings-total">\(data.findings.count)\(t(" 条", "")) (\(Severity.high.title(data.language)) \(counts[.high] ?? 0), \(Severity.medium.title(data.language)) \(counts[.medium] ?? 0), \(Severity.low.title(data.language)) \(counts[.low] ?? 0))</dd>
            \(data.filter.cuts ? "<dt>" + t("筛选", "Cut") + "</dt><dd id=\"report-cut\" class=\"cut\">" + FindingsRenderer.htmlEscape(data.filter.describe(data.language)) + t("（仅显示符合条件的发现）", " (only findings that match)") + "</dd>" : "")
            <dt>\(t("个人信息", "Personal data"))</dt><dd id="mask-note" class="\(data.revealCerts ? "revealed" : "masked")">\(certs)\(evidenceNote)</dd>
            </dl>
            <nav class="toc"><a href="#run-summary">\(t("运行概况", "Run summary"))</a> <a href="#charts">\(t("图表", "Charts"))</a> <a href="#findings">\(t("发现列表", "Findings"))</a></nav>
            </header>

            """
    }

    /// A loud banner when the findings cannot be trusted to be complete (FORMATS.md §7: a run that died is told as
    /// such, never read as "no findings"), and a quieter one when some rules lacked inputs.
    private mutating func banners() {
        if let detection = data.detection {
            if detection.finishedAt == nil {
                html += """
                    <div class="banner banner-alert" id="detection-banner" role="alert"><strong>\(t("最近一次检测没有完成", "The last detection did not finish"))</strong>\
                    \(t("（开始于 ", " (started ") + CivilTime.localString(detection.startedAt) + t("）", ")")): \
                    \(t("检测被中断（进程被终止、磁盘已满等），下列发现不完整，不能据此认定没有问题。请重新运行 netbar detect。", "it was interrupted (killed, disk full), so the findings below are incomplete and no absence of findings can be relied on. Run netbar detect again."))</div>

                    """
            }
        } else {
            html += """
                <div class="banner banner-alert" id="detection-banner" role="alert"><strong>\(t("尚未运行检测", "Detection has never run"))</strong>: \
                \(t("数据库中没有检测记录，本报告没有任何发现，但这不代表没有问题。请运行 netbar detect 或 netbar analyze。", "the database holds no detection run, so this report has no findings, which does not mean there are none. Run netbar detect or netbar analyze."))</div>

                """
        }
        let missing = missingInputs()
        if !missing.isEmpty {
            html += """
                <div class="banner banner-warn" id="missing-banner">\(t("有 \(missing.count) 条规则缺少数据，未能完整运行，", "\(missing.count) rule\(missing.count == 1 ? "" : "s") lacked inputs and could not run fully; "))<a href="#missing-inputs">\(t("详见运行概况", "see the run summary"))</a>\(t("。", "."))</div>

                """
        }
    }

    /// The rules that could not run fully, with their reasons in the report's language (English where a run kept
    /// no Chinese), by detector id.
    func missingInputs() -> [(detector: String, reasons: [String])] {
        guard let detection = data.detection else { return [] }
        let table =
            data.language == .zh && !detection.missingInputsZh.isEmpty ? detection.missingInputsZh : detection.missingInputs
        return table.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    // MARK: Run summary

    static let statuses = [
        "ingested", "duplicate", "damaged", "unrecognised", "ambiguous", "no-venue", "empty", "unreadable",
    ]

    func statusTitle(_ status: String) -> String {
        switch status {
        case "ingested": t("已入库", "ingested")
        case "duplicate": t("重复（内容已入库）", "duplicate")
        case "damaged": t("受损（读到损坏处为止）", "damaged (read up to the damage)")
        case "unrecognised": t("无法识别格式", "unrecognised")
        case "ambiguous": t("格式不明确", "ambiguous")
        case "no-venue": t("无场所编码", "no venue")
        case "empty": t("空文件", "empty")
        case "unreadable": t("无法读取", "unreadable")
        default: status
        }
    }

    func reasonTitle(_ reason: String) -> String {
        let titles: [String: String] = [
            "wrong-field-count": "字段数不符", "bad-time": "时间无效", "invalid-encoding": "编码无效",
            "missing-field": "缺少字段值", "missing-column": "缺少列", "bad-money": "金额无效", "bad-number": "数字无效",
            "bad-mac": "MAC 地址无效", "bad-ip": "IP 地址无效", "bad-venue": "场所编码无效", "bad-value": "取值无效",
            "bad-json": "JSON 无效", "end-before-start": "结束早于开始", "unterminated-quote": "引号未闭合",
            "line-too-long": "行过长", "truncated": "被截断",
        ]
        guard data.language == .zh, let title = titles[reason] else { return reason }
        return "\(title) (\(reason))"
    }

    private mutating func runSummary() {
        let e = Self.e
        html += "<section id=\"run-summary\">\n<h2>\(t("运行概况", "Run summary"))</h2>\n"
        // Files by status.
        var byStatus: [String: Int] = [:]
        for file in data.files { byStatus[file.status, default: 0] += 1 }
        html += "<div class=\"grid\">\n<div>\n<h3>\(t("文件（按状态）", "Files by status"))</h3>\n"
        html += "<table id=\"files-by-status\"><thead><tr><th>\(t("状态", "Status"))</th><th class=\"num\">\(t("文件数", "Files"))</th></tr></thead><tbody>\n"
        let known = Set(Self.statuses)
        for status in Self.statuses + byStatus.keys.filter({ !known.contains($0) }).sorted() {
            let count = byStatus[status] ?? 0
            html += "<tr data-status=\"\(e(status))\"\(count == 0 ? " class=\"zero\"" : "")><td>\(e(statusTitle(status)))</td><td class=\"num\">\(count)</td></tr>\n"
        }
        html += "</tbody><tfoot><tr><th>\(t("合计", "Total"))</th><th class=\"num\">\(data.files.count)</th></tr></tfoot></table>\n"
        html += "<p class=\"note\">\(t("数据库只保存读到了内容的文件；重复、无法识别、格式不明确、无场所编码、空或无法读取的文件见当次运行的摘要（--summary-json）。", "The database keeps only files it kept rows of; duplicate, unrecognised, ambiguous, no-venue, empty and unreadable files are told by the run's own summary (--summary-json)."))</p>\n</div>\n"

        // Rows per format.
        var perFormat: [String: (files: Int, lines: Int64, rows: Int64, quarantined: Int64, skipped: Int64)] = [:]
        for file in data.files {
            var entry = perFormat[file.format ?? "-"] ?? (0, 0, 0, 0, 0)
            entry.files += 1
            entry.lines += file.lines
            entry.rows += file.rows
            entry.quarantined += file.quarantined
            entry.skipped += file.skipped
            perFormat[file.format ?? "-"] = entry
        }
        html += "<div>\n<h3>\(t("行数（按格式）", "Rows by format"))</h3>\n"
        html += "<table id=\"rows-by-format\"><thead><tr><th>\(t("格式", "Format"))</th><th class=\"num\">\(t("文件", "Files"))</th><th class=\"num\">\(t("行", "Lines"))</th><th class=\"num\">\(t("记录", "Rows"))</th><th class=\"num\">\(t("隔离", "Quarantined"))</th><th class=\"num\">\(t("跳过", "Skipped"))</th></tr></thead><tbody>\n"
        var total: (files: Int, lines: Int64, rows: Int64, quarantined: Int64, skipped: Int64) = (0, 0, 0, 0, 0)
        for (format, entry) in perFormat.sorted(by: { $0.key < $1.key }) {
            html += "<tr><td><code>\(e(format))</code></td><td class=\"num\">\(entry.files)</td><td class=\"num\">\(entry.lines)</td><td class=\"num\">\(entry.rows)</td><td class=\"num\">\(entry.quarantined)</td><td class=\"num\">\(entry.skipped)</td></tr>\n"
            total = (
                total.files + entry.files, total.lines + entry.lines, total.rows + entry.rows,
                total.quarantined + entry.quarantined, total.skipped + entry.skipped
            )
        }
        html += "</tbody><tfoot><tr><th>\(t("合计", "Total"))</th><th class=\"num\">\(total.files)</th><th class=\"num\">\(total.lines)</th><th class=\"num\" id=\"rows-total\">\(total.rows)</th><th class=\"num\">\(total.quarantined)</th><th class=\"num\">\(total.skipped)</th></tr></tfoot></table>\n</div>\n"

        // Quarantined rows per reason.
        html += "<div>\n<h3>\(t("隔离的行（按原因）", "Quarantined rows by reason"))</h3>\n"
        if data.quarantinedPerReason.isEmpty {
            html += "<p id=\"quarantine-none\">\(t("没有隔离的行。", "No row was quarantined."))</p>\n"
        } else {
            html += "<table id=\"quarantined-by-reason\"><thead><tr><th>\(t("原因", "Reason"))</th><th class=\"num\">\(t("行数", "Rows"))</th></tr></thead><tbody>\n"
            for (reason, count) in data.quarantinedPerReason.sorted(by: { ($1.value, $0.key) < ($0.value, $1.key) }) {
                html += "<tr><td>\(e(reasonTitle(reason)))</td><td class=\"num\">\(count)</td></tr>\n"
            }
            html += "</tbody></table>\n"
            html += "<p class=\"note\">\(t("原始字节保存在数据库中：", "The raw bytes are kept in the database: "))<code>sqlite3 netbar.db 'select * from quarantineView'</code></p>\n"
        }
        html += "</div>\n</div>\n"

        // Files not fully read.
        let troubled = data.files.filter { $0.status != "ingested" }
        html += "<h3>\(t("未完整读取的文件", "Files not read in full"))</h3>\n"
        if troubled.isEmpty {
            html += "<p id=\"troubled-none\">\(t("所有文件均完整读取。", "Every file was read in full."))</p>\n"
        } else {
            html += "<table id=\"troubled-files\"><thead><tr><th>\(t("文件", "File"))</th><th>\(t("格式", "Format"))</th><th>\(t("状态", "Status"))</th><th class=\"num\">\(t("行", "Lines"))</th><th class=\"num\">\(t("记录", "Rows"))</th><th>\(t("原因 / 损坏", "Reason / damage"))</th></tr></thead><tbody>\n"
            for file in troubled {
                var reason = ""
                if let offset = file.damageOffset {
                    reason = t("压缩字节偏移 \(offset) 处损坏", "damaged at compressed byte \(offset)")
                    if let why = file.damageReason { reason += t("：", ": ") + why }
                } else if let why = file.damageReason {
                    reason = why
                }
                html += "<tr data-status=\"\(e(file.status))\"><td><code>\(e(file.path))</code></td><td>\(e(file.format ?? "-"))</td><td>\(e(statusTitle(file.status)))</td><td class=\"num\">\(file.lines)</td><td class=\"num\">\(file.rows)</td><td>\(e(reason))</td></tr>\n"
            }
            html += "</tbody></table>\n"
        }

        // Rules that could not run fully.
        html += "<h3 id=\"missing-inputs-title\">\(t("未能完整运行的规则", "Rules that could not run fully"))</h3>\n"
        let missing = missingInputs()
        if data.detection == nil {
            html += "<p id=\"missing-inputs\">\(t("检测尚未运行。", "Detection has never run."))</p>\n"
        } else if missing.isEmpty {
            html += "<p id=\"missing-inputs\">\(t("所有规则都有所需的数据。", "Every rule had the inputs it needs."))</p>\n"
        } else {
            html += "<ul id=\"missing-inputs\">\n"
            for entry in missing {
                html += "<li data-detector=\"\(e(entry.detector))\"><strong>\(e(DetectorID(entry.detector).title(data.language)))</strong> <code>\(e(entry.detector))</code>\(t("：", ": "))\(entry.reasons.map(e).joined(separator: t("；", "; ")))</li>\n"
            }
            html += "</ul>\n"
        }
        html += "</section>\n"
    }

    // MARK: Findings

    /// The text of a finding's new-or-recurring cell (FORMATS.md §5 `seen_before`).
    func recurrence(_ seenBefore: Int) -> String {
        seenBefore == 0
            ? t("新", "new")
            : t("此前 \(seenBefore) 晚已出现", "seen on \(seenBefore) earlier night\(seenBefore == 1 ? "" : "s")")
    }

    private mutating func findingsSection() {
        let e = Self.e
        let findings = data.findings
        html += "<section id=\"findings\">\n<h2>\(t("发现列表", "Findings"))</h2>\n"

        // Filters: choices are the values the findings hold, so no filter leads nowhere.
        var venues: Set<String> = []
        var detectors: Set<String> = []
        var nights: Set<String> = []
        for finding in findings {
            venues.insert(finding.venue)
            detectors.insert(finding.detector)
            if let night = finding.night { nights.insert(night) }
        }
        func options(_ values: [(value: String, label: String)]) -> String {
            "<option value=\"\">\(t("全部", "all"))</option>"
                + values.map { "<option value=\"\(e($0.value))\">\(e($0.label))</option>" }.joined()
        }
        let venueOptions = venues.sorted().map { (value: $0, label: data.venueName($0).isEmpty ? $0 : "\($0) \(data.venueName($0))") }
        let detectorOptions = detectors.map { (value: $0, label: DetectorID($0).title(data.language)) }
            .sorted { $0.label < $1.label }
        let severityOptions = Severity.allCases.reversed().map { (value: $0.rawValue, label: $0.title(data.language)) }
        let nightOptions = nights.sorted(by: >).map { (value: $0, label: $0) }
        html += """
            <form id="filters" class="filters" autocomplete="off">
            <label>\(t("场所", "Venue"))<select name="venue" id="filter-venue">\(options(venueOptions))</select></label>
            <label>\(t("规则", "Rule"))<select name="detector" id="filter-detector">\(options(detectorOptions))</select></label>
            <label>\(t("严重程度", "Severity"))<select name="severity" id="filter-severity">\(options(severityOptions))</select></label>
            <label>\(t("夜", "Night"))<select name="night" id="filter-night">\(options(nightOptions))</select></label>
            <label class="check"><span><input type="checkbox" name="new" id="filter-new" value="1"> \(t("只看新发现", "new only"))</span></label>
            <label>\(t("查找", "Search"))<input type="search" name="q" id="filter-text" placeholder="\(t("终端、证件、摘要、证据…", "terminal, cert, summary, evidence…"))"></label>
            <button type="reset" id="filter-reset">\(t("清除", "Clear"))</button>
            </form>
            <p class="count">\(t("显示", "Showing")) <span id="shown-count">\(findings.count)</span> / <span id="total-count">\(findings.count)</span>\(t(" 条发现", " findings"))<span class="hint">\(t("（点击列标题排序；筛选条件会写入网址，可收藏或转发）", " (click a column heading to sort; filters are kept in the address, to bookmark or pass on)"))</span></p>

            """

        let columns: [(key: String, title: String)] = [
            ("severity", t("严重程度", "Severity")), ("detector", t("规则", "Rule")), ("venue", t("场所", "Venue")),
            ("terminal", t("终端 / 地址", "Terminal / address")), ("cert", t("证件号码", "Cert")),
            ("start", t("开始", "Start")), ("end", t("结束", "End")), ("night", t("夜", "Night")),
            ("seen", t("新 / 复现", "New / recurring")), ("summary", t("摘要", "Summary")),
            ("evidence", t("证据", "Evidence")),
        ]
        html += "<table id=\"findings-table\">\n<thead><tr>"
        for column in columns {
            html += "<th data-key=\"\(column.key)\" aria-sort=\"none\"><button type=\"button\" class=\"sort\">\(column.title)</button></th>"
        }
        html += "</tr></thead>\n<tbody>\n"
        for (index, finding) in findings.enumerated() { row(finding, index: index) }
        html += "</tbody>\n</table>\n"
        html += "<p id=\"no-rows\"\(findings.isEmpty ? "" : " hidden")>\(t("没有符合条件的发现。", "No finding matches."))</p>\n"
        html += "</section>\n"
    }

    private mutating func row(_ finding: FindingRow, index: Int) {
        let e = Self.e
        let severity = Self.severity(finding)
        let rank = severity == .high ? 3 : severity == .medium ? 2 : 1
        let name = data.venueName(finding.venue)
        let subject = finding.terminal ?? finding.address ?? ""
        let cert = data.certText(finding.cert) ?? ""
        let night = finding.night ?? ""
        let detector = DetectorID(finding.detector)
        html += "<tr class=\"finding sev-\(severity.rawValue)\" data-order=\"\(index)\" data-venue=\"\(e(finding.venue))\" data-detector=\"\(e(finding.detector))\" data-severity=\"\(severity.rawValue)\" data-night=\"\(e(night))\" data-seen=\"\(finding.seenBefore)\">"
        html += "<td class=\"severity\" data-sort=\"\(rank)\"><span class=\"badge \(severity.rawValue)\">\(severity.title(data.language))</span></td>"
        html += "<td class=\"detector\">\(e(detector.title(data.language)))<br><code class=\"id\">\(e(finding.detector))</code></td>"
        html += "<td class=\"venue\" data-sort=\"\(e(finding.venue))\"><code>\(e(finding.venue))</code>\(name.isEmpty ? "" : "<br>" + e(name))</td>"
        html += "<td class=\"subject\">\(e(subject))</td><td class=\"cert\"><code>\(e(cert))</code></td>"
        html += "<td class=\"start\" data-sort=\"\(finding.startSeconds)\">\(CivilTime.localString(finding.startSeconds))</td>"
        html += "<td class=\"end\" data-sort=\"\(finding.endSeconds)\">\(CivilTime.localString(finding.endSeconds))</td>"
        html += "<td class=\"night\">\(e(night))</td>"
        html += "<td class=\"seen\(finding.seenBefore == 0 ? " new" : "")\" data-sort=\"\(finding.seenBefore)\">\(recurrence(finding.seenBefore))</td>"
        html += "<td class=\"summary\">\(e(data.summary(finding)))</td>"
        evidence(finding)
        html += "</tr>\n"
    }

    private mutating func evidence(_ finding: FindingRow) {
        let e = Self.e
        let references = finding.evidence
        guard let first = references.first else {
            html += "<td class=\"evidence\" data-sort=\"0\"></td>"
            return
        }
        func place(_ reference: (fileID: Int64, line: Int64)) -> String {
            "\(e(data.paths[reference.fileID] ?? "?")):\(reference.line)"
        }
        html += "<td class=\"evidence\" data-sort=\"\(references.count)\"><details><summary><code>\(place(first))</code>"
        if references.count > 1 { html += " <span class=\"more\">+\(references.count - 1)</span>" }
        html += "</summary><ol>"
        for reference in references.prefix(HTMLReport.evidenceListed) {
            html += "<li><code>\(place(reference))</code>"
            if let text = data.evidenceText[EvidenceKey(fileID: reference.fileID, line: reference.line)] {
                html += "<pre>\(e(text))</pre>"
            } else if data.evidenceUnavailable.contains(reference.fileID) {
                html += " <span class=\"gone\">\(t("(源文件已不在或已改变)", "(the source file is gone or has changed)"))</span>"
            }
            html += "</li>"
        }
        html += "</ol>"
        if references.count > HTMLReport.evidenceListed {
            let rest = references.count - HTMLReport.evidenceListed
            html += "<p class=\"more\">\(t("另有 \(rest) 处证据未列出（见 JSON Lines 导出）", "\(rest) more not listed (see the JSON Lines findings)"))</p>"
        }
        html += "</details></td>"
    }
}
