import NetbarTestSupport
import Testing

@testable import Ingest

/// `TextDecoder.validUTF8` against the standard library's strict decoder, on random bytes built from ASCII runs of
/// every length around a word, every valid multi-byte form at its edges, and the invalid ones (lone continuation
/// bytes, overlongs, surrogates, values past U+10FFFF, sequences cut short, bytes never used).
@Suite struct UTF8ValidationTests {
    private static let valid: [[UInt8]] = [
        [0xC2, 0x80], [0xDF, 0xBF], [0xE0, 0xA0, 0x80], [0xE4, 0xB8, 0xAD], [0xED, 0x9F, 0xBF], [0xEF, 0xBF, 0xBF],
        [0xF0, 0x90, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF], [0xF3, 0xBF, 0xBF, 0xBF],
    ]
    private static let invalid: [[UInt8]] = [
        [0x80], [0xBF], [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF0, 0x80, 0x80, 0x80],
        [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xFF], [0xE4, 0xB8], [0xE4], [0xF0, 0x90, 0x80],
        [0xE4, 0x41, 0x80], [0xC2, 0xC2],
    ]

    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func agreesWithTheStandardLibrary(seed: UInt64) {
        var generator = SeededGenerator(state: seed)
        func next(_ bound: Int) -> Int { generator.below(bound) }
        for _ in 0..<3_000 {
            var bytes: [UInt8] = []
            for _ in 0..<next(6) {
                bytes += (0..<next(20)).map { _ in UInt8(0x20 + next(0x5F)) }
                bytes += next(8) == 0 ? Self.invalid[next(Self.invalid.count)] : Self.valid[next(Self.valid.count)]
            }
            bytes += (0..<next(20)).map { _ in UInt8(0x20 + next(0x5F)) }
            let expected = String(validating: bytes, as: UTF8.self) != nil
            let found = bytes.withUnsafeBytes { TextDecoder.validUTF8($0) }
            #expect(found == expected, "\(bytes.map { String($0, radix: 16) })")
        }
    }

    /// Characters back to back, as a Chinese name or 收银员 is: runs of three-byte ones (taken a word at a time) with
    /// the other forms, E0 and ED leads (whose second byte has narrower bounds) and a bad byte among them, up to the
    /// end of the bytes.
    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func runsOfCharactersAgreeWithTheStandardLibrary(seed: UInt64) {
        var generator = SeededGenerator(state: seed)
        func next(_ bound: Int) -> Int { generator.below(bound) }
        let threeByte: [[UInt8]] = [
            [0xE4, 0xB8, 0xAD], [0xE6, 0x94, 0xB6], [0xEF, 0xBF, 0xBF], [0xE1, 0x80, 0x80], [0xEC, 0xBF, 0xBF],
            [0xEE, 0x80, 0x80], [0xE0, 0xA0, 0x80], [0xED, 0x9F, 0xBF],
        ]
        let bad: [[UInt8]] = [
            [0xE0, 0x9F, 0xBF], [0xED, 0xA0, 0x80], [0xE4, 0xB8, 0x41], [0xE4, 0xC0, 0x80], [0xE4, 0x41, 0x80],
            [0xE4, 0xB8, 0xC0], [0xE4, 0xB8], [0xEF], [0x80],
        ]
        for _ in 0..<3_000 {
            var bytes: [UInt8] = (0..<next(3)).map { _ in UInt8(0x41 + next(26)) }
            for _ in 0..<next(12) {
                switch next(20) {
                case 0: bytes += bad[next(bad.count)]
                case 1, 2: bytes += Self.valid[next(Self.valid.count)]
                case 3: bytes.append(UInt8(ascii: ","))
                default: bytes += threeByte[next(threeByte.count)]
                }
            }
            let expected = String(validating: bytes, as: UTF8.self) != nil
            let found = bytes.withUnsafeBytes { TextDecoder.validUTF8($0) }
            #expect(found == expected, "\(bytes.map { String($0, radix: 16) })")
        }
    }
}
