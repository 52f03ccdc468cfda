import LogFormats
import Testing

private func parse<T>(_ text: String, _ body: (UnsafeRawBufferPointer) -> T) -> T {
    var text = text
    return text.withUTF8 { body(UnsafeRawBufferPointer($0)) }
}

/// 2026-11-28 14:03:22 China Standard Time.
private let reference: Int64 = 1_795_845_802

@Suite struct TimestampTests {
    static let forms: [(String, Int64)] = [
        ("2026-11-28 14:03:22", reference),
        ("2026/11/28 14:03:22", reference),
        ("2026/11/28 14:03", reference - 22),
        ("2026-11-28 14:03", reference - 22),
        ("2026-11-28T14:03:22+08:00", reference),
        ("2026-11-28T06:03:22Z", reference),
        ("2026-11-28T14:03:22.750+0800", reference),
        ("2026-11-28T07:03:22+01", reference),
        ("  2026-11-28 14:03:22 ", reference),
        ("2026/11/8 4:03:22", reference - 20 * 86_400 - 10 * 3600),
        // The platform's compact form, and ISO 8601's basic form.
        ("20261128140322", reference),
        ("20261128T140322+0800", reference),
        ("20261128T060322Z", reference),
        ("20261128T140322.5+08", reference),
        ("20261128T140322", reference),
        // 14 bytes long, yet no compact time: the general form is tried when the compact one fails.
        ("2026/11/8 4:03", reference - 20 * 86_400 - 10 * 3600 - 22),
        ("2026-11-8 14:03", reference - 20 * 86_400 - 22),
    ]

    @Test func acceptsEveryForm() {
        for (text, expected) in Self.forms {
            #expect(parse(text, FieldParser.timestamp) == expected, "\(text)")
        }
    }

    @Test(arguments: [
        "", "2026-13-01 00:00:00", "2026-02-29 10:00:00", "2026-11-28", "2026-11-28 24:00:00", "2026-11-28 14:60",
        "2026.11.28 14:03:22", "26-11-28 14:03:22", "2026-11-28 14:03:22 extra", "2026-11-28T14:03:22+8",
        "20261328140322", "20261128240000", "2026112814032", "20261128T1403+0800", "20261128T140322+8",
        "20261128T140322+08:00x",
    ])
    func rejectsMalformed(text: String) {
        #expect(parse(text, FieldParser.timestamp) == nil)
    }

    @Test(arguments: [("19950529", Int64(19_950_529)), ("1995-05-29", 19_950_529), ("20000229", 20_000_229)])
    func birthDates(text: String, value: Int64) {
        #expect(parse(text, FieldParser.birthDate) == value)
    }

    @Test(arguments: ["19950230", "1995-5-29", "18991231", "199505290", "", "1995/05/29"])
    func badBirthDates(text: String) {
        #expect(parse(text, FieldParser.birthDate) == nil)
    }

    @Test func leapDayExistsInLeapYears() {
        #expect(parse("2028-02-29 00:00:00", FieldParser.timestamp) != nil)
    }

    @Test func isoRoundTrip() {
        #expect(CivilTime.iso8601(reference) == "2026-11-28T14:03:22+08:00")
        #expect(CivilTime.localString(reference) == "2026-11-28 14:03:22")
    }
}

@Suite struct FieldTests {
    @Test(arguments: [
        ("12.50", Int64(1250)), ("12.5", 1250), ("12", 1200), ("-3.00", -300), ("0.05", 5), (".5", 50), ("+7", 700),
    ])
    func moneyToFen(text: String, fen: Int64) {
        #expect(parse(text, FieldParser.moneyFen) == fen)
    }

    @Test(arguments: ["", "12.505", "1,000", "abc", "-", "12.5元"])
    func badMoney(text: String) {
        #expect(parse(text, FieldParser.moneyFen) == nil)
    }

    @Test(arguments: [
        ("111", CertType.residentID), ("身份证", .residentID), ("居民身份证", .residentID), ("临时身份证", .temporaryID),
        ("112", .temporaryID), ("驾驶证", .drivingLicence), ("335", .drivingLicence), ("护照", .passport),
        ("414", .passport), ("其他", .other), ("990", .other), ("", .unknown),
        // The other codes of the audit vendors' lists (public-sources.md), and one vendor's 1021 prefix.
        ("114", .officerCard), ("军官证", .officerCard), ("123", .policeCard), ("133", .studentCard),
        ("学生证", .studentCard), ("516", .hongKongMacaoPermit), ("港澳通行证", .hongKongMacaoPermit),
        ("1021111", .residentID), ("1021414", .passport), ("临时居民身份证", .temporaryID),
    ])
    func certTypes(text: String, type: CertType) {
        #expect(parse(text, FieldParser.certType) == type)
    }

    @Test func unknownCertTypeIsNil() {
        #expect(parse("工作证", FieldParser.certType) == nil)
        #expect(parse("113", FieldParser.certType) == nil)
        #expect(parse("1021113", FieldParser.certType) == nil)
        // The anonymised id is a cert type of netbar's own, never one an export writes.
        #expect(parse("1", FieldParser.certType) == nil)
    }

    @Test(arguments: ["00-1A-2B-3C-4D-5E", "00:1a:2b:3c:4d:5e", "001A2B3C4D5E", "001a2b3c4d5e"])
    func macForms(text: String) {
        let value = parse(text, FieldParser.mac)
        #expect(value == 0x001A_2B3C_4D5E)
        #expect(value.map(FieldText.mac) == "00-1A-2B-3C-4D-5E")
    }

    @Test(arguments: ["00-1A-2B-3C-4D", "00-1A-2B-3C-4D-5G", "001A2B3C4D5E6F", "00_1A_2B_3C_4D_5E"])
    func badMAC(text: String) {
        #expect(parse(text, FieldParser.mac) == nil)
    }

    @Test func ipv4() {
        #expect(parse("192.168.1.23", FieldParser.ipv4) == 0xC0A8_0117)
        #expect(parse("192.168.1.23", FieldParser.ipv4).map(FieldText.ipv4) == "192.168.1.23")
        for bad in ["192.168.1", "192.168.1.256", "1.2.3.4.5", "a.b.c.d", "192.168..1", ""] {
            #expect(parse(bad, FieldParser.ipv4) == nil, "\(bad)")
        }
    }

    @Test func venueCode() {
        #expect(parse("33010610000123", FieldParser.isVenueCode))
        #expect(!parse("3301061000012", FieldParser.isVenueCode))
        #expect(!parse("3301061000012X", FieldParser.isVenueCode))
    }
}

@Suite struct ResidentIDTests {
    /// Builds a valid 18-character number from its first 17 digits.
    static func valid(_ first17: String) -> String {
        let check = ResidentID.checkCharacter(ofFirst17: Array(first17.utf8))!
        return first17 + String(UnicodeScalar(check))
    }

    @Test func knownCheckCharacter() {
        // GB 11643-1999's worked example.
        #expect(ResidentID.checkCharacter(ofFirst17: Array("11010519491231002".utf8)) == UInt8(ascii: "X"))
        #expect(ResidentID.problem(Array("11010519491231002X".utf8)) == nil)
    }

    @Test func problems() {
        let good = Self.valid("33010619900101123")
        #expect(ResidentID.problem(Array(good.utf8)) == nil)
        var wrong = Array(good.utf8)
        wrong[17] = wrong[17] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
        #expect(ResidentID.problem(wrong) == .wrongCheckCharacter)
        #expect(ResidentID.problem(Array(Self.valid("33010619900230123").utf8)) == .impossibleBirthDate)
        #expect(ResidentID.problem(Array("330106900101123".utf8)) == .firstGeneration)
        #expect(ResidentID.problem(Array("ABC".utf8)) == .malformed)
    }

    @Test func ageCountsWholeYearsAndLeapDays() {
        #expect(ResidentID.age(birth: (2008, 11, 28), on: (2026, 11, 28)) == 18)
        #expect(ResidentID.age(birth: (2008, 11, 29), on: (2026, 11, 28)) == 17)
        // Born on 29 February: a year older on 1 March in common years.
        #expect(ResidentID.age(birth: (2008, 2, 29), on: (2026, 2, 28)) == 17)
        #expect(ResidentID.age(birth: (2008, 2, 29), on: (2026, 3, 1)) == 18)
        #expect(ResidentID.age(birth: (2008, 2, 29), on: (2028, 2, 29)) == 20)
    }
}
