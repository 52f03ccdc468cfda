import LogFormats

/// Plain-text reports for a terminal or a mail (`report --kind text`, `--kind trend`): counts per rule and venue with
/// the venues' names, what is new in the latest night, then the findings one a line. Input text is made terminal-safe.
package enum TextReport {
    package static func render(_ data: ReportData) -> String {
        let zh = data.language == .zh
        let safe = TerminalText.safe
        var output = ""
        if data.filter.cuts { output += (zh ? "筛选: " : "Cut: ") + safe(data.filter.describe(data.language)) + "\n" }
        let newCount = data.findings.count { $0.seenBefore == 0 }
        output += zh
            ? "发现问题: \(data.findings.count) 条 (新发现 \(newCount) 条, 此前夜次已出现 \(data.findings.count - newCount) 条)\n"
            : "Findings: \(data.findings.count) (\(newCount) new, \(data.findings.count - newCount) seen on earlier nights)\n"
        if !data.nights.isEmpty {
            output += (zh ? "数据库中的夜次: " : "Nights held: ") + data.nights.joined(separator: ", ") + "\n"
        }
        if let range = data.dataRange {
            output += (zh ? "数据时间范围: " : "Data from ") + CivilTime.localString(range.first)
                + (zh ? " 至 " : " to ") + CivilTime.localString(range.last) + "\n"
        }
        let perDetector = Dictionary(grouping: data.findings, by: \.detector)
        output += zh ? "\n按规则:\n" : "\nBy rule:\n"
        for detector in DetectorID.allCases {
            let rows = perDetector[detector.rawValue] ?? []
            guard !rows.isEmpty else { continue }
            let new = rows.filter { $0.seenBefore == 0 }.count
            output += "  " + detector.rawValue.padding(toLength: 16, withPad: " ", startingAt: 0)
                + " \(rows.count)".padding(toLength: 7, withPad: " ", startingAt: 0)
                + (zh ? "新 \(new)  " : "new \(new)  ") + detector.title(data.language) + "\n"
        }
        output += zh ? "\n按场所 (问题最多的在前):\n" : "\nBy venue, worst first:\n"
        let renderer = FindingsRenderer(findings: data.findings, paths: data.paths, revealCerts: data.revealCerts)
        for venue in renderer.venuesWorstFirst() {
            let name = data.venueName(venue.venue)
            let detectors = venue.detectors.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            output += "  \(safe(venue.venue)) \(safe(name))  "
                + (zh ? "高 \(venue.high), 中 \(venue.medium), 低 \(venue.low)" : "high \(venue.high), medium \(venue.medium), low \(venue.low)")
                + ": \(detectors)\n"
        }
        output += zh ? "\n问题清单 (严重的在前):\n" : "\nFindings, most severe first:\n"
        for finding in data.findings {
            let severity = Severity(rawValue: finding.severity)?.title(data.language) ?? finding.severity
            let mark =
                finding.seenBefore == 0
                ? (zh ? "新" : "new") : (zh ? "已出现 \(finding.seenBefore) 晚" : "seen on \(finding.seenBefore) earlier night(s)")
            var subject = finding.terminal.map { zh ? "终端 \($0)" : "terminal \($0)" } ?? finding.address ?? ""
            if let cert = data.certText(finding.cert) { subject += (subject.isEmpty ? "" : ", ") + (zh ? "证件 " : "cert ") + cert }
            output += "  [\(severity)] \(finding.night ?? "-") \(safe(finding.venue)) \(safe(data.venueName(finding.venue))) "
                + "\(DetectorID(finding.detector).title(data.language)) \(safe(subject)) "
                + "\(CivilTime.localString(finding.startSeconds)) (\(mark)): \(safe(data.summary(finding)))\n"
        }
        return output
    }

    /// Rates and finding counts per venue and night (FORMATS.md §8 "Nights after"), a tab-separated table.
    package static func trend(_ data: ReportData) -> String {
        let zh = data.language == .zh
        var header = [zh ? "场所编码" : "venue", zh ? "场所名称" : "name", zh ? "夜次" : "night", zh ? "问题数" : "findings", zh ? "新发现" : "new"]
        header += VenueRate.allCases.map { $0.title(data.language) }
        var output = data.filter.cuts ? (zh ? "# 筛选: " : "# Cut: ") + data.filter.describe(data.language) + "\n" : ""
        output += header.joined(separator: "\t") + "\n"
        var venues = Set(data.findings.map(\.venue))
        for row in data.rates { venues.insert(row.venue) }
        if data.filter.venues.isEmpty { venues.formUnion(data.venues.keys) } else { venues.formIntersection(data.filter.venues) }
        let nights = data.nights.filter { night in
            (data.filter.night.map { $0 == night } ?? true) && (data.filter.since.map { night >= $0 } ?? true)
        }
        for venue in venues.sorted() {
            for night in nights {
                let findings = data.findings.filter { $0.venue == venue && $0.night == night }
                let rates = data.rates(venue: venue, night: night)
                var cells = [venue, TerminalText.safe(data.venueName(venue)), night, "\(findings.count)"]
                cells.append("\(findings.filter { $0.seenBefore == 0 }.count)")
                cells += VenueRate.allCases.map { rate in
                    guard let row = rates[rate], row.denominator > 0 else { return "-" }
                    return percent(row.numerator, row.denominator)
                }
                output += cells.joined(separator: "\t") + "\n"
            }
        }
        return output
    }

    /// "97.5%": one decimal, never rounded up to 100 % while short of it.
    package static func percent(_ numerator: Int64, _ denominator: Int64) -> String {
        guard denominator > 0 else { return "-" }
        let tenths = numerator * 1000 / denominator
        return "\(tenths / 10).\(tenths % 10)%"
    }
}
