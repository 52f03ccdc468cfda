import LogFormats

// Line building straight into byte buffers: the audit log is millions of lines at gigabyte scale, so no
// `String` interpolation or date formatter runs per line.

extension Array where Element == UInt8 {
    @inline(__always)
    mutating func appendASCII(_ text: StaticString) {
        text.withUTF8Buffer { append(contentsOf: $0) }
    }

    @inline(__always)
    mutating func appendTwoDigits(_ value: Int) {
        append(UInt8(truncatingIfNeeded: 0x30 + value / 10))
        append(UInt8(truncatingIfNeeded: 0x30 + value % 10))
    }

    mutating func appendDecimal(_ value: Int) {
        if value < 0 {
            append(UInt8(ascii: "-"))
            appendDecimal(-value)
            return
        }
        if value >= 10 { appendDecimal(value / 10) }
        append(UInt8(truncatingIfNeeded: 0x30 + value % 10))
    }

    /// Yuan from fen in one of the forms exports use: `12.50`, `12.5` or `12` (FORMATS.md §2).
    mutating func appendMoney(_ fen: Int, style: Int) {
        if fen < 0 { append(UInt8(ascii: "-")) }
        let magnitude = abs(fen)
        appendDecimal(magnitude / 100)
        let cents = magnitude % 100
        switch style {
        case 1 where cents == 0:
            break
        case 1 where cents % 10 == 0:
            append(UInt8(ascii: "."))
            append(UInt8(truncatingIfNeeded: 0x30 + cents / 10))
        default:
            append(UInt8(ascii: "."))
            appendTwoDigits(cents)
        }
    }
}

/// How a file writes its times (FORMATS.md §2).
enum TimeStyle: Int, CaseIterable {
    /// `2026-11-28 14:03:22`
    case dashSeconds
    /// `2026/11/28 14:03:22`
    case slashSeconds
    /// `2026/11/8 4:03:22`
    case slashLoose
    /// `2026-11-28 14:03`
    case dashMinutes
    /// `2026-11-28T14:03:22+08:00`
    case iso8601
    /// `1795845802000`
    case epochMillis
}

/// Formats times given as seconds from local midnight of the business day (negative or past 86,400 for the
/// neighbouring days).
struct TimeFormatter {
    /// Epoch seconds of local midnight starting the business day.
    let midnightEpochSeconds: Int
    /// Dates of the business day -1 ... +2 as `YYYY-MM-DD`, `YYYY/MM/DD` and `YYYY/M/D`.
    private let dash: [[UInt8]]
    private let slash: [[UInt8]]
    private let loose: [[UInt8]]

    init(year: Int, month: Int, day: Int) {
        let days = CivilTime.daysFromCivil(year: year, month: month, day: day)
        midnightEpochSeconds = Int(days * 86_400 - CivilTime.chinaOffsetSeconds)
        var dash: [[UInt8]] = []
        var slash: [[UInt8]] = []
        var loose: [[UInt8]] = []
        for offset in -1...2 {
            let date = CivilTime.civilFromDays(days + Int64(offset))
            var d: [UInt8] = []
            d.appendDecimal(date.year)
            d.append(UInt8(ascii: "-"))
            d.appendTwoDigits(date.month)
            d.append(UInt8(ascii: "-"))
            d.appendTwoDigits(date.day)
            dash.append(d)
            slash.append(d.map { $0 == UInt8(ascii: "-") ? UInt8(ascii: "/") : $0 })
            var l: [UInt8] = []
            l.appendDecimal(date.year)
            l.append(UInt8(ascii: "/"))
            l.appendDecimal(date.month)
            l.append(UInt8(ascii: "/"))
            l.appendDecimal(date.day)
            loose.append(l)
        }
        self.dash = dash
        self.slash = slash
        self.loose = loose
    }

    /// `2026-11-28T14:03:22+08:00` for a time of the business day.
    func iso8601(_ time: Int) -> String {
        var bytes: [UInt8] = []
        append(time, style: .iso8601, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    @inline(__always)
    func append(_ time: Int, style: TimeStyle, to out: inout [UInt8]) {
        if style == .epochMillis {
            // Milliseconds vary with the time so they look real, but never move it past its second.
            out.appendDecimal((midnightEpochSeconds + time) * 1000 + (time &* 7919) % 1000)
            return
        }
        let dayIndex = (time + 86_400) / 86_400  // 0 is the day before the business day
        let secondOfDay = time + 86_400 - dayIndex * 86_400
        let hour = secondOfDay / 3600
        let minute = secondOfDay / 60 % 60
        let second = secondOfDay % 60
        switch style {
        case .dashSeconds, .dashMinutes, .iso8601: out.append(contentsOf: dash[dayIndex])
        case .slashSeconds: out.append(contentsOf: slash[dayIndex])
        case .slashLoose: out.append(contentsOf: loose[dayIndex])
        case .epochMillis: break
        }
        out.append(style == .iso8601 ? UInt8(ascii: "T") : UInt8(ascii: " "))
        if style == .slashLoose { out.appendDecimal(hour) } else { out.appendTwoDigits(hour) }
        out.append(UInt8(ascii: ":"))
        out.appendTwoDigits(minute)
        if style == .dashMinutes { return }
        out.append(UInt8(ascii: ":"))
        out.appendTwoDigits(second)
        if style == .iso8601 { out.appendASCII("+08:00") }
    }
}

/// Seconds from local midnight of the business day.
@inline(__always)
func clock(_ hour: Int, _ minute: Int, _ second: Int = 0) -> Int { hour * 3600 + minute * 60 + second }
