import Foundation
import NetbarTestSupport
import Testing

@testable import Ingest

/// The content hash recognises a re-sent export (FORMATS.md §6) against every file a database already holds, so its
/// values never change between builds, and they never depend on how the bytes arrive in chunks.
@Suite struct ContentHashTests {
    private func hash(_ bytes: [UInt8]) -> String {
        var hash = ContentHash()
        bytes.withUnsafeBytes { hash.update($0) }
        return hash.finalize()
    }

    private func legacyHash(_ bytes: [UInt8]) -> String {
        var hash = LegacyContentHash()
        bytes.withUnsafeBytes { hash.update($0) }
        return hash.finalize()
    }

    /// A thousand audit lines and an unterminated last one, as `a.log`.
    private static let auditText: [UInt8] = {
        let lines = (0..<1000).map { "2026-11-28 14:\(String(format: "%02d", $0 % 60)):00|33010610000123|AUDIT|START|第\($0)行\n" }
        return Array((lines.joined() + "2026-11-28 15:00:00|33010610000123|AUDIT|STOP|x").utf8)
    }()

    /// Values a database written by earlier builds holds (the long one read from `ingestedFile` after an ingest by
    /// the build before this test), around the eight-byte word and the tail.
    @Test(arguments: [
        ("", "67c6687f1ff14ba5bd16a49451d0da0a"),
        ("a", "f637f02ba18fa4dbdaf813827f9cb131"),
        ("12345678", "9db8737447289131d2e96494eff7124d"),
        ("123456789", "74a7242539514193b0afe02920f1c55b"),
        ("a.log", "9893c1b53603054ca33faf10a9bc1871"),
    ])
    func legacyValuesStayAsDatabasesHoldThem(text: String, expected: String) {
        #expect(legacyHash(text == "a.log" ? Self.auditText : Array(text.utf8)) == expected, "\(text)")
    }

    /// This hash's values, as the first build that wrote them stored them: around the word, the 64-byte stripe and
    /// the tail.
    @Test(arguments: [
        ("", "h2:63ad586ba94ebdb82ef45859ed7e296b"),
        ("a", "h2:278badeb764c3adc22c07cbc756aebdd"),
        ("12345678", "h2:34f5eccd314dab8eb3b296b1f532e070"),
        ("123456789", "h2:528a95b74a7b2cd89c0f7423c496e9a4"),
        (String(repeating: "0123456789abcdef", count: 4), "h2:8cc764846b5e2f6242eec600eb23fba9"),
        (String(repeating: "0123456789abcdef", count: 4) + "x", "h2:ffa91c2fc5aff9e0c08c2358edf87ea5"),
        ("a.log", "h2:b6e2f546d09472fcde96d3f718f7619b"),
    ])
    func valuesStayAsDatabasesHoldThem(text: String, expected: String) {
        #expect(hash(text == "a.log" ? Self.auditText : Array(text.utf8)) == expected, "\(text)")
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func chunksGiveTheWholeTextsHash(seed: UInt64) {
        var generator = SeededGenerator(state: seed)
        for _ in 0..<300 {
            let bytes = (0..<generator.below(700)).map { _ in UInt8(truncatingIfNeeded: generator.below(256)) }
            var chunked = ContentHash()
            var chunkedLegacy = LegacyContentHash()
            var start = 0
            // Chunks of 0 to 149 bytes: inside a stripe, across one and across several.
            while start < bytes.count {
                let end = min(bytes.count, start + generator.below(150))
                bytes[start..<end].withUnsafeBytes {
                    chunked.update($0)
                    chunkedLegacy.update($0)
                }
                start = end
            }
            #expect(chunked.finalize() == hash(bytes), "seed \(seed): \(bytes.count) bytes")
            #expect(chunkedLegacy.finalize() == legacyHash(bytes), "seed \(seed): \(bytes.count) bytes")
        }
    }

    /// Any one bit changed anywhere, two words swapped, a stripe moved, a byte added at the end or the last one
    /// dropped: another hash. (A round that xor-ed the word into the lane before multiplying gave 46 pairs of one-bit
    /// changes the same hash here.)
    @Test func everyChangeOfTheTextChangesTheHash() {
        let text = Array(Self.auditText[0..<300])
        let original = hash(text)
        var seen: Set<String> = [original]
        var changes = 0
        for index in text.indices {
            for bit in 0..<8 {
                var changed = text
                changed[index] ^= UInt8(1 << bit)
                seen.insert(hash(changed))
                changes += 1
            }
        }
        let swapped = Array(text[8..<16] + text[0..<8] + text[16...])
        seen.insert(hash(swapped))
        let moved = Array(text[64..<128] + text[0..<64] + text[128...])
        seen.insert(hash(moved))
        seen.insert(hash(text + [0]))
        seen.insert(hash(Array(text.dropLast())))
        #expect(seen.count == changes + 5)
    }
}
