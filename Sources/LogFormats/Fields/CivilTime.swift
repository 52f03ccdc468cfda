/// Calendar arithmetic for China Standard Time (UTC+8, no daylight saving; FORMATS.md §1), by the
/// days-from-civil algorithm, so that no `Date` or formatter is made per field.
package enum CivilTime {
    /// Seconds east of UTC of China Standard Time.
    package static let chinaOffsetSeconds: Int64 = 8 * 3600

    /// Days since 1970-01-01 of a proleptic Gregorian date.
    @inline(__always)
    package static func daysFromCivil(year: Int, month: Int, day: Int) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return Int64(era * 146_097 + dayOfEra - 719_468)
    }

    /// The (year, month, day) of a day count since 1970-01-01.
    package static func civilFromDays(_ days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = Int(days) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    package static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    package static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Whether the date exists in the calendar.
    package static func isValidDate(year: Int, month: Int, day: Int) -> Bool {
        month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year: year, month: month)
    }

    /// Epoch seconds of a China Standard Time wall-clock time.
    @inline(__always)
    package static func epochSeconds(
        year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, offsetSeconds: Int64 = chinaOffsetSeconds
    ) -> Int64 {
        daysFromCivil(year: year, month: month, day: day) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
            - offsetSeconds
    }

    /// `2026-11-28T14:03:22+08:00` for epoch seconds, in China Standard Time.
    package static func iso8601(_ epochSeconds: Int64) -> String {
        let local = epochSeconds + chinaOffsetSeconds
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let secondOfDay = Int(local - days * 86_400)
        let (year, month, day) = civilFromDays(days)
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2)):"
            + "\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2))+08:00"
    }

    /// `2026-11-28 14:03:22` for epoch seconds, in China Standard Time.
    package static func localString(_ epochSeconds: Int64) -> String {
        let iso = iso8601(epochSeconds)
        let text = iso.utf8.prefix(19)
        return String(decoding: text.map { $0 == UInt8(ascii: "T") ? UInt8(ascii: " ") : $0 }, as: UTF8.self)
    }

    /// Local (CST) midnight, in epoch seconds, of the day holding `epochSeconds`.
    package static func localMidnight(_ epochSeconds: Int64) -> Int64 {
        let local = epochSeconds + chinaOffsetSeconds
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        return days * 86_400 - chinaOffsetSeconds
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
