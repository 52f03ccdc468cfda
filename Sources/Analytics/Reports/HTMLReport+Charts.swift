import Ingest
import LogFormats

// The report's charts, drawn here as inline SVG (no library, no network: the page must open on an offline
// analyst's machine and print). Each is made from the same findings as the table, so they tell one story.
extension HTMLReportWriter {
    /// Venues drawn in the per-venue charts; the rest are counted below the chart.
    static let venuesDrawn = 30

    mutating func charts() {
        html += "<section id=\"charts\">\n<h2>\(t("图表", "Charts"))</h2>\n<div class=\"grid\">\n"
        figure("chart-venues", t("各场所发现数（按严重程度）", "Findings per venue, by severity"), venueChart())
        figure("chart-detectors", t("各规则发现数", "Findings per rule"), detectorChart())
        figure("chart-hours", t("发现开始时刻（北京时间，按小时）", "Findings by hour of start (UTC+8)"), hourChart())
        if let latest = data.latestNight,
            data.rates.contains(where: { $0.night == latest && VenueRate(rawValue: $0.rate) != nil })
        {
            figure(
                "chart-rates", t("各场所比率（\(latest)，最低者在前）", "Rates per venue (\(latest), lowest first)"),
                ratesChart(night: latest))
        } else {
            figure(
                "chart-rates", t("各场所比率", "Rates per venue"),
                "<p class=\"empty\">\(t("数据库中尚无比率数据。", "The database holds no rates yet."))</p>")
        }
        if data.nights.count > 1 {
            figure("chart-trend-findings", t("每晚发现数", "Findings per night"), findingsTrend())
            if data.rates.contains(where: { VenueRate(rawValue: $0.rate) != nil }) {
                figure("chart-trend-rates", t("每晚比率（全部场所合计）", "Rates per night (all venues together)"), ratesTrend())
            }
        }
        html += "</div>\n</section>\n"
    }

    private mutating func figure(_ id: String, _ caption: String, _ body: String) {
        html += "<figure class=\"chart\" id=\"\(id)\"><figcaption>\(caption)</figcaption>\n\(body)\n</figure>\n"
    }

    private var noFindings: String { "<p class=\"empty\">\(t("没有发现。", "No findings."))</p>" }

    private var severityLegend: [(style: String, name: String)] {
        [Severity.high, .medium, .low].map { (style: "s-\($0.rawValue)", name: $0.title(data.language)) }
    }

    private func severitySegments(_ counts: [Severity: Int]) -> [SVGChart.Segment] {
        [Severity.high, .medium, .low].map {
            SVGChart.Segment(value: counts[$0] ?? 0, style: "s-\($0.rawValue)", name: $0.title(data.language))
        }
    }

    private func venueLabel(_ code: String) -> String {
        let name = data.venueName(code)
        return name.isEmpty ? code : "\(code) \(name)"
    }

    func venueChart() -> String {
        guard !data.findings.isEmpty else { return noFindings }
        var perVenue: [String: [Severity: Int]] = [:]
        for finding in data.findings { perVenue[finding.venue, default: [:]][Self.severity(finding), default: 0] += 1 }
        let ordered = perVenue.sorted { a, b in
            let left = (a.value[.high] ?? 0, a.value[.medium] ?? 0, a.value[.low] ?? 0)
            let right = (b.value[.high] ?? 0, b.value[.medium] ?? 0, b.value[.low] ?? 0)
            return left != right ? left > right : a.key < b.key
        }
        let bars = ordered.prefix(Self.venuesDrawn).map { venue, counts in
            SVGChart.Bar(
                label: venueLabel(venue), segments: severitySegments(counts), link: SVGChart.fragment([("venue", venue)]))
        }
        var chart = SVGChart.horizontalBars(
            bars, title: t("各场所发现数", "Findings per venue"), legend: severityLegend)
        if ordered.count > Self.venuesDrawn {
            chart += "<p class=\"note\">\(t("另有 \(ordered.count - Self.venuesDrawn) 个场所未画出。", "\(ordered.count - Self.venuesDrawn) more venues not drawn."))</p>"
        }
        return chart
    }

    func detectorChart() -> String {
        guard !data.findings.isEmpty else { return noFindings }
        var perDetector: [String: [Severity: Int]] = [:]
        for finding in data.findings { perDetector[finding.detector, default: [:]][Self.severity(finding), default: 0] += 1 }
        var totals: [String: Int] = [:]
        for (detector, counts) in perDetector { totals[detector] = counts.values.reduce(0, +) }
        let ordered: [String] = perDetector.keys.sorted { a, b in
            let left = totals[a] ?? 0
            let right = totals[b] ?? 0
            return left != right ? left > right : a < b
        }
        let bars: [SVGChart.Bar] = ordered.map { detector in
            SVGChart.Bar(
                label: DetectorID(detector).title(data.language), segments: severitySegments(perDetector[detector] ?? [:]),
                link: SVGChart.fragment([("detector", detector)]))
        }
        return SVGChart.horizontalBars(bars, title: t("各规则发现数", "Findings per rule"), legend: severityLegend)
    }

    func hourChart() -> String {
        guard !data.findings.isEmpty else { return noFindings }
        var perHour = [Int](repeating: 0, count: 24)
        for finding in data.findings {
            let local = finding.startSeconds + CivilTime.chinaOffsetSeconds
            let secondOfDay = ((local % 86_400) + 86_400) % 86_400
            perHour[Int(secondOfDay / 3_600)] += 1
        }
        return SVGChart.columns(
            perHour, labels: (0..<24).map { String($0) }, title: t("按小时的发现数", "Findings per hour"), style: "s-all")
    }

    /// A short column title for the heat map (the full title is in each cell's tooltip).
    private func shortTitle(_ rate: VenueRate) -> String {
        switch rate {
        case .auditInstall: t("审计安装", "audit installed")
        case .auditUse: t("审计使用", "audit in use")
        case .billingUse: t("计费使用", "billing in use")
        case .screenshotUpload: t("截屏上传", "screenshots")
        case .realName: t("实名登记", "real name")
        case .ipTerminal: t("IP 对应", "IP match")
        }
    }

    func ratesChart(night: String) -> String {
        // Worst first: the venue whose lowest rate is lowest leads (a venue with no rate of any value comes last).
        var lowest: [String: Double] = [:]
        // The table holds other counts beside the rates (`count:…` rows): only the six rates rank a venue.
        for row in data.rates where row.night == night && VenueRate(rawValue: row.rate) != nil {
            let ratio = row.denominator > 0 ? Double(row.numerator) / Double(row.denominator) : 2
            lowest[row.venue] = min(lowest[row.venue] ?? 2, ratio)
        }
        let venues = lowest.keys.sorted { a, b in
            let left = lowest[a] ?? 2
            let right = lowest[b] ?? 2
            return left != right ? left < right : a < b
        }
        let rows = venues.prefix(Self.venuesDrawn).map { venue in
            let rates = data.rates(venue: venue, night: night)
            return SVGChart.HeatRow(
                label: venueLabel(venue), link: SVGChart.fragment([("venue", venue)]),
                cells: VenueRate.allCases.map { rate in
                    guard let row = rates[rate], row.denominator > 0 else {
                        return SVGChart.HeatCell(ratio: nil, text: "—", tooltip: "\(rate.title(data.language)): \(t("无数据", "no data"))")
                    }
                    let ratio = Double(row.numerator) / Double(row.denominator)
                    return SVGChart.HeatCell(
                        ratio: ratio, text: SVGChart.percent(ratio),
                        tooltip: "\(rate.title(data.language)): \(row.numerator) / \(row.denominator)")
                })
        }
        var chart = SVGChart.heatmap(
            Array(rows), columns: VenueRate.allCases.map(shortTitle), title: t("各场所比率", "Rates per venue"))
        chart += "<p class=\"note\">\(t("工作方案要求审计系统安装率和使用率达到 100%。", "The work plan's target for the audit install and use rates is 100 %."))</p>"
        if venues.count > Self.venuesDrawn {
            chart += "<p class=\"note\">\(t("另有 \(venues.count - Self.venuesDrawn) 个场所未画出。", "\(venues.count - Self.venuesDrawn) more venues not drawn."))</p>"
        }
        return chart
    }

    func findingsTrend() -> String {
        let index = Dictionary(uniqueKeysWithValues: data.nights.enumerated().map { ($0.element, $0.offset) })
        var total = [Int](repeating: 0, count: data.nights.count)
        var high = total
        var medium = total
        var low = total
        for finding in data.findings {
            guard let night = finding.night, let position = index[night] else { continue }
            total[position] += 1
            switch Self.severity(finding) {
            case .high: high[position] += 1
            case .medium: medium[position] += 1
            case .low: low[position] += 1
            }
        }
        func values(_ counts: [Int]) -> [Double?] { counts.map { Double($0) } }
        let series = [
            SVGChart.Series(name: t("合计", "all"), color: "#24292f", values: values(total)),
            SVGChart.Series(name: Severity.high.title(data.language), color: SVGChart.severityColor(.high), values: values(high)),
            SVGChart.Series(
                name: Severity.medium.title(data.language), color: SVGChart.severityColor(.medium), values: values(medium)),
            SVGChart.Series(name: Severity.low.title(data.language), color: SVGChart.severityColor(.low), values: values(low)),
        ]
        return SVGChart.lines(series, xLabels: data.nights, title: t("每晚发现数", "Findings per night"), percent: false)
    }

    func ratesTrend() -> String {
        let colors = ["#0969da", "#1a7f37", "#8250df", "#bf8700", "#cf222e", "#57606a"]
        let series = VenueRate.allCases.enumerated().map { offset, rate in
            let values = data.nights.map { night -> Double? in
                var numerator: Int64 = 0
                var denominator: Int64 = 0
                for row in data.rates where row.night == night && row.rate == rate.rawValue {
                    numerator += row.numerator
                    denominator += row.denominator
                }
                return denominator > 0 ? Double(numerator) / Double(denominator) : nil
            }
            return SVGChart.Series(name: rate.title(data.language), color: colors[offset % colors.count], values: values)
        }
        return SVGChart.lines(series, xLabels: data.nights, title: t("每晚比率", "Rates per night"), percent: true)
    }
}

/// Small SVG charts: horizontal stacked bars, columns, lines and a heat map, with every label escaped.
enum SVGChart {
    static let width = 720.0

    struct Segment {
        var value: Int
        /// The CSS class that colours it.
        var style: String
        var name: String
    }

    struct Bar {
        var label: String
        var segments: [Segment]
        /// A fragment that filters the findings table to the bar (`#venue=…`).
        var link: String?
    }

    struct Series {
        var name: String
        /// A colour of ours (never from the data).
        var color: String
        /// One value per x label; nil where there is none.
        var values: [Double?]
    }

    struct HeatCell {
        var ratio: Double?
        var text: String
        var tooltip: String
    }

    struct HeatRow {
        var label: String
        var link: String?
        var cells: [HeatCell]
    }

    static func e(_ text: String) -> String { FindingsRenderer.htmlEscape(text) }

    static func severityColor(_ severity: Severity) -> String {
        switch severity {
        case .high: "#c62828"
        case .medium: "#ef6c00"
        case .low: "#9e9e9e"
        }
    }

    /// A coordinate with at most one decimal.
    static func n(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }

    static func percent(_ ratio: Double) -> String {
        // Truncated, as the sheet and the trend do: 99.96 % must never read as 100 % (the work plan's target).
        let tenths = Int((ratio * 1000).rounded(.down))
        return "\(tenths / 10).\(tenths % 10)%"
    }

    /// `#key=value&…`, percent-encoded, for links into the findings table's filters.
    static func fragment(_ pairs: [(String, String)]) -> String {
        func encoded(_ text: String) -> String {
            var output = ""
            for byte in text.utf8 {
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
                    output.append(Character(Unicode.Scalar(byte)))
                default:
                    let hex = String(byte, radix: 16, uppercase: true)
                    output += "%" + (hex.count == 1 ? "0" : "") + hex
                }
            }
            return output
        }
        return "#" + pairs.map { "\(encoded($0.0))=\(encoded($0.1))" }.joined(separator: "&")
    }

    /// Rough width of text in units of half an em: CJK and other wide characters count 2.
    static func units(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { $0 + ($1.value >= 0x1100 ? 2 : 1) }
    }

    /// The text cut to `maximum` units with an ellipsis.
    static func fit(_ text: String, units maximum: Int) -> String {
        guard units(text) > maximum else { return text }
        var output = ""
        var used = 1
        for character in text {
            let width = units(String(character))
            if used + width > maximum { break }
            output.append(character)
            used += width
        }
        return output + "…"
    }

    /// A round top for an axis of counts, and its tick step (1, 2 or 5 times a power of ten).
    static func axis(_ maximum: Int) -> (top: Int, step: Int) {
        let target = max(1, maximum)
        var step = 1
        while target / step > 5 {
            if target / (step * 2) <= 5 { step *= 2; break }
            if target / (step * 5) <= 5 { step *= 5; break }
            step *= 10
        }
        let top = (target + step - 1) / step * step
        return (top, step)
    }

    /// A legend from the top left, wrapping to more rows when it is wider than the chart; `swatch` is the colour's
    /// attribute (`class="s-high"` or `fill="#…"`, ours, never from the data). Returns the rows' height too.
    private static func legend(_ items: [(swatch: String, name: String)]) -> (svg: String, height: Double) {
        var x = 8.0
        var y = 16.0
        var svg = ""
        for item in items {
            let itemWidth = 16 + Double(units(item.name)) * 7 + 18
            if x > 8, x + itemWidth > width {
                x = 8
                y += 18
            }
            svg += "<rect \(item.swatch) x=\"\(n(x))\" y=\"\(n(y - 10))\" width=\"12\" height=\"12\"/>"
            svg += "<text x=\"\(n(x + 16))\" y=\"\(n(y))\">\(e(item.name))</text>"
            x += itemWidth
        }
        return (svg, y + 10)
    }

    private static func open(height: Double, title: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(n(width)) \(n(height))\" width=\"\(n(width))\" height=\"\(n(height))\" role=\"img\" aria-label=\"\(e(title))\">"
    }

    /// One bar a row, its segments stacked left to right, the total at its end; a bar with a link filters the table.
    static func horizontalBars(_ bars: [Bar], title: String, legend items: [(style: String, name: String)]) -> String {
        let labelWidth = 236.0
        let plotWidth = width - labelWidth - 48
        let rowHeight = 22.0
        let key = legend(items.map { (swatch: "class=\"\($0.style)\"", name: $0.name) })
        let top = items.isEmpty ? 8.0 : key.height + 4
        let height = top + rowHeight * Double(bars.count) + 26
        let totals = bars.map { $0.segments.reduce(0) { $0 + $1.value } }
        let (axisTop, step) = axis(totals.max() ?? 0)
        var svg = open(height: height, title: title)
        if !items.isEmpty { svg += key.svg }
        let plotBottom = top + rowHeight * Double(bars.count)
        for tick in stride(from: 0, through: axisTop, by: step) {
            let x = labelWidth + plotWidth * Double(tick) / Double(axisTop)
            svg += "<line class=\"grid\" x1=\"\(n(x))\" y1=\"\(n(top))\" x2=\"\(n(x))\" y2=\"\(n(plotBottom))\"/>"
            svg += "<text class=\"tick\" x=\"\(n(x))\" y=\"\(n(plotBottom + 16))\" text-anchor=\"middle\">\(tick)</text>"
        }
        for (index, bar) in bars.enumerated() {
            let y = top + rowHeight * Double(index)
            if let link = bar.link { svg += "<a href=\"\(e(link))\">" }
            svg += "<g class=\"bar\"><title>\(e(bar.label)): \(totals[index])</title>"
            svg += "<text x=\"\(n(labelWidth - 6))\" y=\"\(n(y + 15))\" text-anchor=\"end\">\(e(fit(bar.label, units: 34)))</text>"
            var x = labelWidth
            for segment in bar.segments where segment.value > 0 {
                let segmentWidth = plotWidth * Double(segment.value) / Double(axisTop)
                svg += "<rect class=\"\(segment.style)\" x=\"\(n(x))\" y=\"\(n(y + 3))\" width=\"\(n(max(segmentWidth, 1)))\" height=\"\(n(rowHeight - 6))\"><title>\(e(bar.label)) · \(e(segment.name)): \(segment.value)</title></rect>"
                x += segmentWidth
            }
            svg += "<text class=\"value\" x=\"\(n(x + 4))\" y=\"\(n(y + 15))\">\(totals[index])</text></g>"
            if bar.link != nil { svg += "</a>" }
        }
        return svg + "</svg>"
    }

    /// Vertical columns, one per label, with their values above them.
    static func columns(_ values: [Int], labels: [String], title: String, style: String) -> String {
        let left = 40.0
        let top = 16.0
        let plotHeight = 180.0
        let height = top + plotHeight + 28
        let plotWidth = width - left - 12
        let slot = plotWidth / Double(max(values.count, 1))
        let (axisTop, step) = axis(values.max() ?? 0)
        var svg = open(height: height, title: title)
        for tick in stride(from: 0, through: axisTop, by: step) {
            let y = top + plotHeight - plotHeight * Double(tick) / Double(axisTop)
            svg += "<line class=\"grid\" x1=\"\(n(left))\" y1=\"\(n(y))\" x2=\"\(n(width - 12))\" y2=\"\(n(y))\"/>"
            svg += "<text class=\"tick\" x=\"\(n(left - 6))\" y=\"\(n(y + 4))\" text-anchor=\"end\">\(tick)</text>"
        }
        for (index, value) in values.enumerated() {
            let x = left + slot * Double(index)
            let barHeight = plotHeight * Double(value) / Double(axisTop)
            let label = index < labels.count ? labels[index] : ""
            if value > 0 {
                svg += "<rect class=\"\(style)\" x=\"\(n(x + slot * 0.15))\" y=\"\(n(top + plotHeight - barHeight))\" width=\"\(n(slot * 0.7))\" height=\"\(n(barHeight))\"><title>\(e(label)): \(value)</title></rect>"
                svg += "<text class=\"value\" x=\"\(n(x + slot / 2))\" y=\"\(n(top + plotHeight - barHeight - 3))\" text-anchor=\"middle\">\(value)</text>"
            }
            svg += "<text class=\"tick\" x=\"\(n(x + slot / 2))\" y=\"\(n(top + plotHeight + 16))\" text-anchor=\"middle\">\(e(label))</text>"
        }
        return svg + "</svg>"
    }

    /// Lines over the x labels (nights), a point per value with its tooltip; `percent`: values are ratios 0…1.
    static func lines(_ series: [Series], xLabels: [String], title: String, percent isPercent: Bool) -> String {
        let left = 52.0
        // Room for half the last night's label.
        let right = 40.0
        let key = legend(series.map { (swatch: "fill=\"\($0.color)\"", name: $0.name) })
        let top = key.height + 10
        let plotHeight = 180.0
        let height = top + plotHeight + 34
        let plotWidth = width - left - right
        var maximum = 0.0
        for item in series {
            for case let value? in item.values { maximum = max(maximum, value) }
        }
        let axisTop: Double
        let step: Double
        if isPercent {
            (axisTop, step) = (1, 0.2)
        } else {
            let counts = axis(Int(maximum.rounded(.up)))
            (axisTop, step) = (Double(counts.top), Double(counts.step))
        }
        func x(_ index: Int) -> Double {
            xLabels.count == 1 ? left + plotWidth / 2 : left + plotWidth * Double(index) / Double(xLabels.count - 1)
        }
        func y(_ value: Double) -> Double { top + plotHeight - plotHeight * value / axisTop }
        func label(_ value: Double) -> String { isPercent ? percent(value) : n(value) }
        var svg = open(height: height, title: title) + key.svg
        var tick = 0.0
        while tick <= axisTop + step / 2 {
            svg += "<line class=\"grid\" x1=\"\(n(left))\" y1=\"\(n(y(tick)))\" x2=\"\(n(width - right))\" y2=\"\(n(y(tick)))\"/>"
            svg += "<text class=\"tick\" x=\"\(n(left - 6))\" y=\"\(n(y(tick) + 4))\" text-anchor=\"end\">\(label(tick))</text>"
            tick += step
        }
        let every = max(1, (xLabels.count + 11) / 12)
        for (index, text) in xLabels.enumerated() where index % every == 0 || index == xLabels.count - 1 {
            svg += "<text class=\"tick\" x=\"\(n(x(index)))\" y=\"\(n(top + plotHeight + 18))\" text-anchor=\"middle\">\(e(text))</text>"
        }
        for item in series {
            // A gap (a night without a value) breaks the line.
            var run: [String] = []
            func flush() {
                if run.count > 1 {
                    svg += "<polyline fill=\"none\" stroke=\"\(item.color)\" stroke-width=\"2\" points=\"\(run.joined(separator: " "))\"/>"
                }
                run.removeAll()
            }
            for (index, value) in item.values.enumerated() {
                guard let value else {
                    flush()
                    continue
                }
                run.append("\(n(x(index))),\(n(y(value)))")
            }
            flush()
            for (index, value) in item.values.enumerated() {
                guard let value else { continue }
                let night = index < xLabels.count ? xLabels[index] : ""
                svg += "<circle cx=\"\(n(x(index)))\" cy=\"\(n(y(value)))\" r=\"3\" fill=\"\(item.color)\"><title>\(e(item.name)) \(e(night)): \(label(value))</title></circle>"
            }
        }
        return svg + "</svg>"
    }

    /// Rows of labelled cells coloured by how far each ratio falls short of 100 %.
    static func heatmap(_ rows: [HeatRow], columns: [String], title: String) -> String {
        let labelWidth = 236.0
        let top = 30.0
        let rowHeight = 22.0
        let cellWidth = (width - labelWidth - 8) / Double(max(columns.count, 1))
        let height = top + rowHeight * Double(rows.count) + 8
        var svg = open(height: height, title: title)
        for (index, column) in columns.enumerated() {
            let x = labelWidth + cellWidth * (Double(index) + 0.5)
            svg += "<text class=\"tick\" x=\"\(n(x))\" y=\"\(n(top - 10))\" text-anchor=\"middle\">\(e(fit(column, units: 14)))</text>"
        }
        for (rowIndex, row) in rows.enumerated() {
            let y = top + rowHeight * Double(rowIndex)
            if let link = row.link { svg += "<a href=\"\(e(link))\">" }
            svg += "<text x=\"\(n(labelWidth - 6))\" y=\"\(n(y + 15))\" text-anchor=\"end\">\(e(fit(row.label, units: 34)))</text>"
            if row.link != nil { svg += "</a>" }
            for (index, cell) in row.cells.enumerated() {
                let x = labelWidth + cellWidth * Double(index)
                let style: String
                switch cell.ratio {
                case nil: style = "h-none"
                case let ratio? where ratio >= 0.9995: style = "h-full"
                case let ratio? where ratio >= 0.9: style = "h-high"
                case let ratio? where ratio >= 0.7: style = "h-mid"
                default: style = "h-low"
                }
                svg += "<g><title>\(e(row.label)) · \(e(cell.tooltip))</title><rect class=\"\(style)\" x=\"\(n(x + 1))\" y=\"\(n(y + 1))\" width=\"\(n(cellWidth - 2))\" height=\"\(n(rowHeight - 2))\"/>"
                svg += "<text class=\"cell \(style)\" x=\"\(n(x + cellWidth / 2))\" y=\"\(n(y + 15))\" text-anchor=\"middle\">\(e(cell.text))</text></g>"
            }
        }
        return svg + "</svg>"
    }
}
