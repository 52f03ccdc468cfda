import NetbarTestSupport
import Testing

@testable import LogFormats

/// The fixed-position fast path of `FieldParser.timestamp` reads every text it accepts exactly as the general
/// parser does (random fields in the fixed forms and near them: other separators, zones, lengths, digits out of
/// range), and accepts the forms nearly every audit line has.
@Suite struct TimestampFastPathTests {
    private static func read(_ text: String, _ body: (UnsafeRawBufferPointer) -> Int64?) -> Int64? {
        var text = text
        return text.withUTF8 { body(UnsafeRawBufferPointer($0)) }
    }

    @Test func commonFormsTakeTheFastPath() {
        for text in [
            "2026-11-28 14:03:22", "2026/11/28 14:03:22", "2026-11-28T14:03:22", "2026-11-28T06:03:22Z",
            "2026-11-28T14:03:22+08:00", "2026-11-28T14:03:22+0800", "2026-11-28T01:03:22-05:00",
        ] {
            let fast = Self.read(text, FieldParser.canonicalTimestamp)
            #expect(fast != nil, "\(text)")
            #expect(fast == Self.read(text, FieldParser.generalTimestamp), "\(text)")
        }
        #expect(Self.read("2026-11-28T14:03:22+08:00", FieldParser.canonicalTimestamp) == 1_795_845_802)
    }

    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func fastPathAgreesWithTheGeneralParser(seed: UInt64) {
        var generator = SeededGenerator(state: seed)
        let separators: [String] = ["-", "/", ".", "-"]
        let middles: [String] = [" ", "T", "t", "  "]
        let zones: [String] = ["", "", "Z", "z", "+08:00", "+0800", "-05:30", "+14:00", "+15:00", "+08:60", "+8:00", "+08", "Q", " "]
        var accepted = 0
        for _ in 0..<8_000 {
            func number(_ range: ClosedRange<Int>, _ width: Int) -> String {
                let value = Int.random(in: range, using: &generator)
                let text = String(value)
                return String(repeating: "0", count: max(0, width - text.count)) + text
            }
            let separator = separators.randomElement(using: &generator)!
            let other = Bool.random(using: &generator) && Int.random(in: 0..<8, using: &generator) == 0 ? "/" : separator
            var text = number(1965...2210, 4) + separator + number(0...13, 2) + other + number(0...32, 2)
            text += middles.randomElement(using: &generator)! + number(0...25, 2) + ":" + number(0...61, 2) + ":"
                + number(0...61, 2) + zones.randomElement(using: &generator)!
            if Int.random(in: 0..<10, using: &generator) == 0 {
                // A byte replaced anywhere: a letter, a digit, or a byte next to the digits ('/' and ':' and ';', '?'
                // and '@', which a test of digits a word at a time must refuse), or one with its top bit set.
                var bytes = Array(text.utf8)
                let replacements: [UInt8] = [0x41, 0x37, 0x2F, 0x3A, 0x3B, 0x3F, 0x40, 0xB5, 0xB0, 0x00]
                bytes[Int.random(in: 0..<bytes.count, using: &generator)] = replacements.randomElement(using: &generator)!
                text = String(decoding: bytes, as: UTF8.self)
            }
            let fast = Self.read(text, FieldParser.canonicalTimestamp)
            guard let fast else { continue }  // other forms (compact, basic) are tried after it
            accepted += 1
            #expect(fast == Self.read(text, FieldParser.generalTimestamp), "seed \(seed): \(text)")
            #expect(Self.read(text, FieldParser.timestamp) == fast, "seed \(seed): \(text)")
        }
        #expect(accepted > 300, "the fast path must be exercised")
    }
}
