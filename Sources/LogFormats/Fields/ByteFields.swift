// Field parsers straight from UTF-8 bytes (STYLE.md §7): no String, formatter or regex per field.
// A field is an `UnsafeRawBufferPointer` slice of its record, valid only while the record is.

extension UnsafeRawBufferPointer {
    /// The slice without leading and trailing spaces and tabs.
    @inline(__always)
    package func trimmed() -> UnsafeRawBufferPointer {
        var lower = 0
        var upper = count
        while lower < upper, self[lower] == 0x20 || self[lower] == 0x09 { lower += 1 }
        while upper > lower, self[upper - 1] == 0x20 || self[upper - 1] == 0x09 { upper -= 1 }
        return UnsafeRawBufferPointer(rebasing: self[lower..<upper])
    }

    /// Whether the bytes equal the UTF-8 of `literal`.
    @inline(__always)
    package func equals(_ literal: StaticString) -> Bool {
        guard count == literal.utf8CodeUnitCount else { return false }
        guard count > 0, let base = baseAddress else { return count == 0 }
        return memcmpBytes(base, UnsafeRawPointer(literal.utf8Start), count)
    }

    /// Bytes `from..<from + 8` (fewer at the end; zero beyond it) as a little-endian word, ASCII lower-case
    /// letters in upper case: a keyword compares in one step, in either case.
    @inline(__always)
    package func upperCasedWord(from start: Int = 0) -> UInt64 {
        guard let base = baseAddress, start < count else { return 0 }
        var word: UInt64 = 0
        let length = count - start
        if length >= 8 {
            word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: start, as: UInt64.self))
        } else {
            // Fewer than eight bytes in at most three loads, by the bits of the length (a loop a byte at a time
            // exited after a varying count: a mispredicted branch a keyword).
            var offset = start
            if length & 4 != 0 {
                word = UInt64(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
                offset += 4
            }
            if length & 2 != 0 {
                let pair = UInt64(UInt16(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
                word |= pair << (UInt64(offset - start) * 8)
                offset += 2
            }
            if length & 1 != 0 {
                word |= UInt64(base.load(fromByteOffset: offset, as: UInt8.self)) << (UInt64(offset - start) * 8)
            }
        }
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        // See `FieldParser.hexDigits` for the carry-free range test; bytes of 0x80 and up are left alone.
        let ascii = word & ~highs
        let lower = (ascii &+ ones &* (0x80 - 0x61)) & ~(ascii &+ ones &* (0x7F - 0x7A)) & ~word & highs
        return word &- lower >> 2
    }

    /// Whether the bytes start with the UTF-8 of `literal`.
    @inline(__always)
    package func hasPrefix(_ literal: StaticString) -> Bool {
        let length = literal.utf8CodeUnitCount
        guard count >= length, let base = baseAddress else { return length == 0 }
        return memcmpBytes(base, UnsafeRawPointer(literal.utf8Start), length)
    }

    /// The text, for messages and rare fields only.
    package var text: String { String(decoding: self, as: UTF8.self) }
}

@inline(__always)
private func memcmpBytes(_ lhs: UnsafeRawPointer, _ rhs: UnsafeRawPointer, _ count: Int) -> Bool {
    var index = 0
    while index < count {
        if lhs.load(fromByteOffset: index, as: UInt8.self) != rhs.load(fromByteOffset: index, as: UInt8.self) {
            return false
        }
        index += 1
    }
    return true
}

/// A keyword of up to 16 ASCII bytes, matched in either case a word at a time.
package struct ASCIIKeyword: Sendable {
    package let count: Int
    package let first: UInt64
    package let second: UInt64

    package init(_ text: StaticString) {
        let bytes = UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount)
        precondition(bytes.count <= 16, "a keyword is at most 16 bytes")
        count = bytes.count
        first = bytes.upperCasedWord()
        second = bytes.upperCasedWord(from: 8)
    }

    /// Whether `bytes` are this keyword, in either case; `first` is `bytes.upperCasedWord()`, computed once for
    /// a whole table.
    @inline(__always)
    package func matches(_ bytes: UnsafeRawBufferPointer, first word: UInt64) -> Bool {
        bytes.count == count && word == first && (count <= 8 || bytes.upperCasedWord(from: 8) == second)
    }
}

/// Parsers of the common field forms of FORMATS.md §2.
package enum FieldParser {
    /// A non-negative decimal integer, nil when empty, not all digits or over 18 digits.
    @inline(__always)
    package static func integer(_ field: UnsafeRawBufferPointer) -> Int64? {
        let bytes = field.trimmed()
        guard bytes.count > 0, bytes.count <= 18 else { return nil }
        var value: Int64 = 0
        for byte in bytes {
            let digit = byte &- 0x30
            guard digit < 10 else { return nil }
            value = value * 10 + Int64(digit)
        }
        return value
    }

    /// A signed decimal integer.
    package static func signedInteger(_ field: UnsafeRawBufferPointer) -> Int64? {
        let bytes = field.trimmed()
        guard let first = bytes.first else { return nil }
        if first == UInt8(ascii: "-") {
            return integer(UnsafeRawBufferPointer(rebasing: bytes[1...])).map { -$0 }
        }
        return integer(bytes)
    }

    /// Local date-time (China Standard Time unless an offset is written) as epoch seconds.
    ///
    /// Accepts `2026-11-28 14:03:22`, `2026/11/28 14:03:22`, `2026/11/8 4:03:22`, `2026-11-28 14:03`,
    /// the platform's compact `20261128140322`, and ISO 8601 `2026-11-28T14:03:22.123+08:00` / `Z` / `+0800` /
    /// `+08`, also in its basic form `20261128T140322+0800`. Fractions of a second are dropped.
    package static func timestamp(_ field: UnsafeRawBufferPointer) -> Int64? {
        let bytes = field.trimmed()
        if let seconds = canonicalTimestamp(bytes) { return seconds }
        // Other forms may be 14 bytes long too (`2026/11/8 4:03`): each special form falls through when it fails.
        if bytes.count == 14, let seconds = compactTimestamp(bytes) { return seconds }
        if bytes.count >= 15, bytes[8] == UInt8(ascii: "T"), let seconds = basicTimestamp(bytes) { return seconds }
        return generalTimestamp(bytes)
    }

    /// Every form of FORMATS.md §2 with separators, read field by field (`bytes` trimmed).
    static func generalTimestamp(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        let count = bytes.count
        var index = 0

        @inline(__always) func number(maxDigits: Int) -> Int? {
            var value = 0
            var digits = 0
            while index < count, digits < maxDigits {
                let digit = bytes[index] &- 0x30
                if digit >= 10 { break }
                value = value * 10 + Int(digit)
                index += 1
                digits += 1
            }
            return digits == 0 ? nil : value
        }
        @inline(__always) func expect(_ a: UInt8, _ b: UInt8 = 0) -> Bool {
            guard index < count, bytes[index] == a || (b != 0 && bytes[index] == b) else { return false }
            index += 1
            return true
        }

        guard let year = number(maxDigits: 4), index == 4 else { return nil }
        let separator = index < count ? bytes[index] : 0
        guard separator == UInt8(ascii: "-") || separator == UInt8(ascii: "/") else { return nil }
        index += 1
        guard let month = number(maxDigits: 2), expect(separator), let day = number(maxDigits: 2) else { return nil }
        guard expect(UInt8(ascii: " "), UInt8(ascii: "T")) else { return nil }
        while index < count, bytes[index] == 0x20 { index += 1 }
        guard let hour = number(maxDigits: 2), expect(UInt8(ascii: ":")), let minute = number(maxDigits: 2)
        else { return nil }
        var second = 0
        if expect(UInt8(ascii: ":")) {
            guard let value = number(maxDigits: 2) else { return nil }
            second = value
            if expect(UInt8(ascii: "."), UInt8(ascii: ",")) {
                guard number(maxDigits: 9) != nil else { return nil }
            }
        }
        var offsetSeconds = CivilTime.chinaOffsetSeconds
        if index < count {
            let sign = bytes[index]
            if sign == UInt8(ascii: "Z") || sign == UInt8(ascii: "z") {
                offsetSeconds = 0
                index += 1
            } else if sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                index += 1
                let start = index
                guard let offsetHours = number(maxDigits: 2), index - start == 2 else { return nil }
                var offsetMinutes = 0
                if index < count {
                    _ = expect(UInt8(ascii: ":"))
                    let minuteStart = index
                    guard let value = number(maxDigits: 2), index - minuteStart == 2 else { return nil }
                    offsetMinutes = value
                }
                guard offsetHours <= 14, offsetMinutes < 60 else { return nil }
                let magnitude = Int64(offsetHours * 3600 + offsetMinutes * 60)
                offsetSeconds = sign == UInt8(ascii: "+") ? magnitude : -magnitude
            }
        }
        guard index == count else { return nil }
        guard year >= 1970, year <= 2200, CivilTime.isValidDate(year: year, month: month, day: day),
            hour < 24, minute < 60, second < 60
        else { return nil }
        return CivilTime.epochSeconds(
            year: year, month: month, day: day, hour: hour, minute: minute, second: second,
            offsetSeconds: offsetSeconds)
    }

    /// The common fixed-position forms (`2026-11-28 14:03:22`, with `/` or `T`, and an ISO zone) without the general
    /// parser's bookkeeping: nearly every audit line has one (the general parser cost ~380 instructions a line).
    /// Whatever it accepts, the general parser reads the same; anything else falls through to it.
    @inline(__always)
    static func canonicalTimestamp(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        let count = bytes.count
        guard count >= 19, count <= 25, let base = bytes.baseAddress else { return nil }
        @inline(__always) func digit(_ offset: Int) -> Int {
            Int(base.load(fromByteOffset: offset, as: UInt8.self) &- 0x30)
        }
        @inline(__always) func byte(_ offset: Int) -> UInt8 { base.load(fromByteOffset: offset, as: UInt8.self) }
        @inline(__always) func word(_ offset: Int) -> UInt64 {
            UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        }
        // Three words cover `YYYY-MM-`, `DD HH:MM` and `HH:MM:SS` (bytes 11-18; count is at least 19).
        let (date, clock, seconds) = (word(0), word(8), word(11))
        @inline(__always) func byte(_ word: UInt64, _ at: UInt64) -> UInt8 {
            UInt8(truncatingIfNeeded: word >> (8 * at))
        }
        let separator = byte(date, 4)
        let middle = byte(clock, 2)
        guard separator == UInt8(ascii: "-") || separator == UInt8(ascii: "/"), byte(date, 7) == separator,
            middle == UInt8(ascii: " ") || middle == UInt8(ascii: "T"), byte(clock, 5) == UInt8(ascii: ":"),
            byte(seconds, 5) == UInt8(ascii: ":")
        else { return nil }
        // The digits' values, other bytes masked to 0: a byte is a digit when its value plus 0x76 stays below 0x80
        // and its own top bit is clear (a carry out of a byte comes only from a byte that fails anyway).
        let zeros: UInt64 = 0x3030_3030_3030_3030
        let x0 = (date ^ zeros) & 0x00FF_FF00_FFFF_FFFF  // YYYY-MM-
        let x1 = (clock ^ zeros) & 0xFFFF_00FF_FF00_FFFF  // DD HH:MM
        let x2 = (seconds ^ zeros) & 0xFFFF_0000_0000_0000  // __:__:SS
        guard ((x0 &+ 0x7676_7676_7676_7676 | x0) | (x1 &+ 0x7676_7676_7676_7676 | x1)
            | (x2 &+ 0x7676_7676_7676_7676 | x2)) & 0x8080_8080_8080_8080 == 0
        else { return nil }
        // Byte k of `x &* 10 &+ x >> 8` is the two-digit number at k and k + 1 (at most 99: no byte carries).
        let pairs0 = x0 &* 10 &+ x0 >> 8
        let pairs1 = x1 &* 10 &+ x1 >> 8
        let pairs2 = x2 &* 10 &+ x2 >> 8
        @inline(__always) func pair(_ pairs: UInt64, _ at: UInt64) -> Int { Int(byte(pairs, at)) }
        // The zone, as the general parser reads it: none (China), `Z`, `+08:00` or `+0800`.
        var offsetSeconds = CivilTime.chinaOffsetSeconds
        switch count {
        case 19: break
        case 20:
            guard byte(19) == UInt8(ascii: "Z") || byte(19) == UInt8(ascii: "z") else { return nil }
            offsetSeconds = 0
        case 24, 25:
            let sign = byte(19)
            guard sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") else { return nil }
            let minuteAt = count == 25 ? 23 : 22
            guard count == 24 || byte(22) == UInt8(ascii: ":") else { return nil }
            let zone = (digit(20), digit(21), digit(minuteAt), digit(minuteAt + 1))
            guard max(zone.0, zone.1, zone.2, zone.3) <= 9 else { return nil }
            let hours = zone.0 * 10 + zone.1
            let minutes = zone.2 * 10 + zone.3
            guard hours <= 14, minutes < 60 else { return nil }
            let magnitude = Int64(hours * 3600 + minutes * 60)
            offsetSeconds = sign == UInt8(ascii: "+") ? magnitude : -magnitude
        default: return nil
        }
        let year = pair(pairs0, 0) * 100 + pair(pairs0, 2)
        let month = pair(pairs0, 5)
        let day = pair(pairs1, 0)
        let hour = pair(pairs1, 3)
        let minute = pair(pairs1, 6)
        let second = pair(pairs2, 6)
        guard year >= 1970, year <= 2200, CivilTime.isValidDate(year: year, month: month, day: day), hour < 24,
            minute < 60, second < 60
        else { return nil }
        return CivilTime.epochSeconds(
            year: year, month: month, day: day, hour: hour, minute: minute, second: second, offsetSeconds: offsetSeconds)
    }

    /// `20261128140322` (FORMATS.md §2: platform exports), local time.
    private static func compactTimestamp(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        guard let value = integer(bytes) else { return nil }
        let second = Int(value % 100)
        let minute = Int(value / 100 % 100)
        let hour = Int(value / 10_000 % 100)
        let day = Int(value / 1_000_000 % 100)
        let month = Int(value / 100_000_000 % 100)
        let year = Int(value / 10_000_000_000)
        guard year >= 1970, year <= 2200, CivilTime.isValidDate(year: year, month: month, day: day), hour < 24,
            minute < 60, second < 60
        else { return nil }
        return CivilTime.epochSeconds(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
    }

    /// ISO 8601 basic format `20261128T140322`, with a fraction and an offset (`Z`, `+0800`, `+08`) allowed.
    private static func basicTimestamp(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        guard let date = integer(UnsafeRawBufferPointer(rebasing: bytes[0..<8])), bytes.count >= 15,
            let time = integer(UnsafeRawBufferPointer(rebasing: bytes[9..<15]))
        else { return nil }
        var index = 15
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") || bytes[index] == UInt8(ascii: ",") {
            index += 1
            let digitsStart = index
            while index < bytes.count, bytes[index] &- 0x30 < 10 { index += 1 }
            guard index > digitsStart else { return nil }
        }
        var offsetSeconds = CivilTime.chinaOffsetSeconds
        if index < bytes.count {
            let sign = bytes[index]
            let rest = UnsafeRawBufferPointer(rebasing: bytes[(index + 1)...])
            if (sign == UInt8(ascii: "Z") || sign == UInt8(ascii: "z")) && rest.isEmpty {
                offsetSeconds = 0
            } else if sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-"), rest.count == 2 || rest.count == 4,
                let value = integer(rest)
            {
                let (hours, minutes) = rest.count == 2 ? (value, 0) : (value / 100, value % 100)
                guard hours <= 14, minutes < 60 else { return nil }
                offsetSeconds = (sign == UInt8(ascii: "+") ? 1 : -1) * (hours * 3600 + minutes * 60)
            } else {
                return nil
            }
        }
        let (year, month, day) = (Int(date / 10_000), Int(date / 100 % 100), Int(date % 100))
        let (hour, minute, second) = (Int(time / 10_000), Int(time / 100 % 100), Int(time % 100))
        guard year >= 1970, year <= 2200, CivilTime.isValidDate(year: year, month: month, day: day), hour < 24,
            minute < 60, second < 60
        else { return nil }
        return CivilTime.epochSeconds(
            year: year, month: month, day: day, hour: hour, minute: minute, second: second, offsetSeconds: offsetSeconds)
    }

    /// A birth date `19950529` or `1995-05-29` (FORMATS.md §2, platform exports) as the number 19950529;
    /// nil unless a real date from 1900 on.
    package static func birthDate(_ field: UnsafeRawBufferPointer) -> Int64? {
        let bytes = field.trimmed()
        let digits: Int64?
        if bytes.count == 8 {
            digits = integer(bytes)
        } else if bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            let year = integer(UnsafeRawBufferPointer(rebasing: bytes[0..<4])),
            let month = integer(UnsafeRawBufferPointer(rebasing: bytes[5..<7])),
            let day = integer(UnsafeRawBufferPointer(rebasing: bytes[8..<10]))
        {
            digits = year * 10_000 + month * 100 + day
        } else {
            digits = nil
        }
        guard let digits else { return nil }
        let year = Int(digits / 10_000)
        guard year >= 1900, CivilTime.isValidDate(year: year, month: Int(digits / 100 % 100), day: Int(digits % 100))
        else { return nil }
        return digits
    }

    /// Yuan amount (`12.50`, `12.5`, `12`, `-3.00`) as integer fen; nil when malformed or over two decimals.
    package static func moneyFen(_ field: UnsafeRawBufferPointer) -> Int64? {
        let bytes = field.trimmed()
        // Nearly every amount is unsigned yuan with two decimals (`96.00`): read from its fixed end, the yuan
        // digits in one loop. Anything else is read by the general path below, which gives these the same value.
        let count = bytes.count
        if count >= 4, count <= 14, let base = bytes.baseAddress,
            base.load(fromByteOffset: count - 3, as: UInt8.self) == UInt8(ascii: ".")
        {
            let tens = base.load(fromByteOffset: count - 2, as: UInt8.self) &- 0x30
            let ones = base.load(fromByteOffset: count - 1, as: UInt8.self) &- 0x30
            var yuan: Int64 = 0
            var offset = 0
            while offset < count - 3 {
                let digit = base.load(fromByteOffset: offset, as: UInt8.self) &- 0x30
                if digit >= 10 { break }
                yuan = yuan &* 10 &+ Int64(digit)
                offset += 1
            }
            if offset == count - 3, tens < 10, ones < 10 { return yuan &* 100 &+ Int64(tens) &* 10 &+ Int64(ones) }
        }
        var index = 0
        var negative = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        var yuan: Int64 = 0
        var digits = 0
        while index < bytes.count, bytes[index] &- 0x30 < 10 {
            yuan = yuan * 10 + Int64(bytes[index] - 0x30)
            index += 1
            digits += 1
            if digits > 15 { return nil }
        }
        var fen: Int64 = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var decimals = 0
            while index < bytes.count, bytes[index] &- 0x30 < 10 {
                decimals += 1
                if decimals > 2 { return nil }
                fen = fen * 10 + Int64(bytes[index] - 0x30)
                index += 1
            }
            if decimals == 1 { fen *= 10 }
            if decimals == 0 && digits == 0 { return nil }
        } else if digits == 0 {
            return nil
        }
        guard index == bytes.count else { return nil }
        let total = yuan * 100 + fen
        return negative ? -total : total
    }

    /// 证件类型 as a code (`111`) or a name (`身份证`, `居民身份证`, ...); `.unknown` when empty; nil when unrecognised.
    package static func certType(_ field: UnsafeRawBufferPointer) -> CertType? {
        let bytes = field.trimmed()
        if bytes.isEmpty { return .unknown }
        if var code = integer(bytes) {
            // One vendor prefixes the codes with 1021 (`1021111`, public-sources.md).
            if bytes.count == 7, code / 1000 == 1021 { code %= 1000 }
            // The anonymised id is never written as a code.
            return code <= Int64(UInt16.max) && code != 1 ? CertType(rawValue: UInt16(code)) : nil
        }
        if bytes.equals("身份证") || bytes.equals("居民身份证") || bytes.equals("二代身份证") { return .residentID }
        if bytes.equals("临时身份证") || bytes.equals("临时居民身份证") { return .temporaryID }
        if bytes.equals("军官证") { return .officerCard }
        if bytes.equals("警官证") { return .policeCard }
        if bytes.equals("学生证") { return .studentCard }
        if bytes.equals("驾驶证") || bytes.equals("机动车驾驶证") { return .drivingLicence }
        if bytes.equals("护照") || bytes.equals("普通护照") { return .passport }
        if bytes.equals("港澳居民来往内地通行证") || bytes.equals("港澳通行证") { return .hongKongMacaoPermit }
        if bytes.equals("其他") || bytes.equals("其它") { return .other }
        return nil
    }

    /// IPv4 dotted quad as a host-order integer.
    package static func ipv4(_ field: UnsafeRawBufferPointer) -> UInt32? {
        let bytes = field.trimmed()
        let count = bytes.count
        guard count >= 7, count <= 15, let base = bytes.baseAddress else { return nil }
        // Octet by octet, at most three digits each: a loop per byte tested every byte for a dot.
        var value: UInt32 = 0
        var index = 0
        for part in 0..<4 {
            if part > 0 {
                guard index < count, base.load(fromByteOffset: index, as: UInt8.self) == UInt8(ascii: ".") else {
                    return nil
                }
                index += 1
            }
            guard index < count else { return nil }
            var octet = UInt32(base.load(fromByteOffset: index, as: UInt8.self) &- 0x30)
            guard octet < 10 else { return nil }
            index += 1
            for _ in 0..<2 {
                guard index < count else { break }
                let digit = base.load(fromByteOffset: index, as: UInt8.self) &- 0x30
                guard digit < 10 else { break }
                octet = octet * 10 + UInt32(digit)
                index += 1
            }
            guard octet <= 255 else { return nil }
            value = value << 8 | octet
        }
        return index == count ? value : nil
    }

    /// MAC in any of `00-1A-2B-3C-4D-5E`, `00:1a:2b:3c:4d:5e`, `001A2B3C4D5E` as its 48-bit value.
    package static func mac(_ field: UnsafeRawBufferPointer) -> UInt64? {
        let bytes = field.trimmed()
        guard let base = bytes.baseAddress else { return nil }
        // The twelve digits as two words of eight (the second padded with '0'), read eight at a time: a digit
        // at a time, a mix of digits and letters was a mispredicted branch each.
        let first: UInt64
        let second: UInt64
        switch bytes.count {
        case 12:
            first = UInt64(littleEndian: base.loadUnaligned(as: UInt64.self))
            second = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: 4, as: UInt64.self)) >> 32
                | 0x3030_3030 << 32
        case 17:
            for offset in stride(from: 2, through: 14, by: 3) {
                let separator = base.load(fromByteOffset: offset, as: UInt8.self)
                guard separator == UInt8(ascii: "-") || separator == UInt8(ascii: ":") else { return nil }
            }
            func pair(_ offset: Int) -> UInt64 {
                UInt64(UInt16(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
            }
            first = pair(0) | pair(3) << 16 | pair(6) << 32 | pair(9) << 48
            second = pair(12) | pair(15) << 16 | 0x3030_3030 << 32
        default:
            return nil
        }
        guard let high = hexDigits(first), let low = hexDigits(second) else { return nil }
        return UInt64(high) << 16 | UInt64(low >> 16)
    }

    /// Eight ASCII hex digits packed in a word (the first digit in the lowest byte) as their value, nil when a
    /// byte is not one.
    @inline(__always)
    static func hexDigits(_ word: UInt64) -> UInt32? {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        // Bytes below 0x80 add without carrying into their neighbour: x + (0x80 - lo) has its top bit set when
        // x >= lo, x + (0x7F - hi) when x > hi. Setting bit 5 makes A-F a-f.
        let letters = word | ones &* 0x20
        let isDigit = (word &+ ones &* (0x80 - 0x30)) & ~(word &+ ones &* (0x7F - 0x39))
        let isLetter = (letters &+ ones &* (0x80 - 0x61)) & ~(letters &+ ones &* (0x7F - 0x66))
        guard word & highs == 0, (isDigit | isLetter) & highs == highs else { return nil }
        // A digit's low nibble is its value; a letter's (bit 6 set) is its value less 9.
        let nibbles = (word & (ones &* 0x0F)) &+ (word >> 6 & ones) &* 9
        // Pairs of nibbles into bytes, then the four bytes into one word, first digit highest.
        let pairs = (nibbles & 0x000F_000F_000F_000F) << 4 | (nibbles >> 8 & 0x000F_000F_000F_000F)
        let quads = (pairs | pairs >> 8) & 0x0000_FFFF_0000_FFFF
        return UInt32(truncatingIfNeeded: quads | quads >> 16).byteSwapped
    }

    /// Whether the field is a 14-digit 场所编码.
    @inline(__always)
    package static func isVenueCode(_ field: UnsafeRawBufferPointer) -> Bool {
        guard field.count == 14 else { return false }
        for byte in field where byte &- 0x30 >= 10 { return false }
        return true
    }
}

/// Text forms of normalised values.
package enum FieldText {
    private static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// `00-1A-2B-3C-4D-5E`.
    package static func mac(_ value: UInt64) -> String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(17)
        for position in (0..<6).reversed() {
            let octet = UInt8(truncatingIfNeeded: value >> (UInt64(position) * 8))
            bytes.append(hexDigits[Int(octet >> 4)])
            bytes.append(hexDigits[Int(octet & 0xF)])
            if position > 0 { bytes.append(UInt8(ascii: "-")) }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `12.50`: fen as yuan with two decimals.
    package static func yuan(_ fen: Int64) -> String {
        let sign = fen < 0 ? "-" : ""
        let cents = fen.magnitude % 100
        return "\(sign)\(fen.magnitude / 100).\(cents < 10 ? "0" : "")\(cents)"
    }

    /// `192.168.1.23`.
    package static func ipv4(_ value: UInt32) -> String {
        "\(value >> 24).\(value >> 16 & 0xFF).\(value >> 8 & 0xFF).\(value & 0xFF)"
    }
}
