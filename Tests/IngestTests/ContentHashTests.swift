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
    func valuesStayAsDatabasesHoldThem(text: String, expected: String) {
        #expect(hash(text == "a.log" ? Self.auditText : Array(text.utf8)) == expected, "\(text)")
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func chunksGiveTheWholeTextsHash(seed: UInt64) {
        var generator = SeededGenerator(state: seed)
        for _ in 0..<200 {
            let bytes = (0..<generator.below(300)).map { _ in UInt8(truncatingIfNeeded: generator.below(256)) }
            var chunked = ContentHash()
            var start = 0
            while start < bytes.count {
                let end = min(bytes.count, start + generator.below(20))
                bytes[start..<end].withUnsafeBytes { chunked.update($0) }
                start = end
            }
            #expect(chunked.finalize() == hash(bytes), "seed \(seed): \(bytes.count) bytes")
        }
    }
}
