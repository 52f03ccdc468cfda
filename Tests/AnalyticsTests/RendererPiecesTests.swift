import Analytics
import Ingest
import Testing

/// JSON Lines and CSV handed out a piece at a time (`jsonLines(pieceBytes:_:)`, `csv(pieceBytes:_:)`): the pieces
/// join to the whole text, each ends at a line's end, and none is empty, whatever the piece size.
struct RendererPiecesTests {
    static func row(_ index: Int) -> FindingRow {
        let start = Int64(1_764_300_000 + index)
        let evidence: [(fileID: Int64, line: Int64)] = [(1, Int64(index + 2)), (1, Int64(index + 40))]
        return FindingRow(
            key: "minor|33010610000123|\(index)||\(index)", detector: "minor", severity: "high",
            venue: "33010610000123", terminal: "T\(index)", cert: "110105201103151236", startSeconds: start,
            endSeconds: start + 3600, summary: "A minor, \"quoted\", on terminal \(index).",
            summaryZh: "未成年人上网，终端 \(index)。", night: "2026-11-28", evidence: evidence)
    }

    static func renderer(_ count: Int) -> FindingsRenderer {
        FindingsRenderer(findings: (0..<count).map(row), paths: [1: "night/sessions.csv"], revealCerts: false)
    }

    @Test(arguments: [0, 1, 7, 64], [1, 100, 1 << 20])
    func piecesJoinToTheWhole(count: Int, pieceBytes: Int) {
        let renderer = Self.renderer(count)
        var jsonPieces: [String] = [], csvPieces: [String] = []
        renderer.jsonLines(pieceBytes: pieceBytes) { jsonPieces.append($0) }
        renderer.csv(pieceBytes: pieceBytes) { csvPieces.append($0) }
        for (whole, pieces) in [(renderer.jsonLines(), jsonPieces), (renderer.csv(), csvPieces)] {
            #expect(pieces.joined() == whole)
            #expect(pieces.allSatisfy { $0.utf8.last == UInt8(ascii: "\n") })
            // A piece holds at most one line beyond its size.
            let longest = whole.split(separator: "\n").map { $0.utf8.count + 1 }.max() ?? 0
            #expect(pieces.allSatisfy { $0.utf8.count < pieceBytes + longest })
        }
        #expect(renderer.jsonLines().split(separator: "\n").count == count)
    }

    /// A failure of `put` ends the writing there: nothing after it is made.
    @Test func aFailingPutStopsTheWriting() {
        struct Full: Error {}
        var calls = 0
        #expect(throws: Full.self) {
            try Self.renderer(50).jsonLines(pieceBytes: 10) { (_: String) throws(Full) in
                calls += 1
                if calls == 3 { throw Full() }
            }
        }
        #expect(calls == 3)
    }
}
