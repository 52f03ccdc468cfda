/// PRC resident identity numbers (GB 11643-1999): check character and birth date (FORMATS.md §2).
package enum ResidentID {
    private static let weights: [Int] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    private static let checkCharacters: [UInt8] = Array("10X98765432".utf8)

    /// The ISO 7064 MOD 11-2 check character of the first 17 digits, or nil when they are not 17 digits.
    package static func checkCharacter<C: Collection<UInt8>>(ofFirst17 digits: C) -> UInt8? {
        var sum = 0
        var index = 0
        for byte in digits {
            if index == 17 { break }
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            sum += Int(byte - 0x30) * weights[index]
            index += 1
        }
        return index == 17 ? checkCharacters[sum % 11] : nil
    }

    /// Why a cert number of a resident-ID type cannot be real.
    package enum Problem: String, Sendable {
        /// 15-digit first-generation card, no longer valid.
        case firstGeneration = "first-generation"
        case wrongCheckCharacter = "wrong-check-character"
        case impossibleBirthDate = "impossible-birth-date"
        case malformed = "malformed"
    }

    /// The birth date an 18- or 15-character number encodes, if it is a real date.
    package static func birthDate<C: Collection<UInt8>>(_ number: C) -> (year: Int, month: Int, day: Int)? {
        let bytes = Array(number)
        func digits(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let byte = bytes[index]
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        let year: Int
        let month: Int
        let day: Int
        if bytes.count == 18 {
            guard let y = digits(6..<10), let m = digits(10..<12), let d = digits(12..<14) else { return nil }
            (year, month, day) = (y, m, d)
        } else if bytes.count == 15 {
            guard let y = digits(6..<8), let m = digits(8..<10), let d = digits(10..<12) else { return nil }
            (year, month, day) = (1900 + y, m, d)
        } else {
            return nil
        }
        guard year >= 1900, CivilTime.isValidDate(year: year, month: month, day: day) else { return nil }
        return (year, month, day)
    }

    /// nil when `number` (normalised, upper-case X) is a valid 18-character resident ID; otherwise why not.
    package static func problem<C: Collection<UInt8>>(_ number: C) -> Problem? {
        let bytes = Array(number)
        if bytes.count == 15 {
            return bytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) ? .firstGeneration : .malformed
        }
        guard bytes.count == 18, let expected = checkCharacter(ofFirst17: bytes) else { return .malformed }
        if birthDate(bytes) == nil { return .impossibleBirthDate }
        if bytes[17] != expected { return .wrongCheckCharacter }
        return nil
    }

    /// Whole years of age on a local date, counting a 29 February birthday as 1 March in common years.
    package static func age(birth: (year: Int, month: Int, day: Int), on date: (year: Int, month: Int, day: Int)) -> Int {
        var years = date.year - birth.year
        var birthMonth = birth.month
        var birthDay = birth.day
        if birthMonth == 2, birthDay == 29, !CivilTime.isLeapYear(date.year) {
            birthMonth = 3
            birthDay = 1
        }
        if (date.month, date.day) < (birthMonth, birthDay) { years -= 1 }
        return years
    }
}
