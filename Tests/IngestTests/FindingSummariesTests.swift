import Foundation
import Ingest
import NetbarTestSupport
import Testing

/// `Store.findings(summaries:)`: a report reads the summaries of its language only, the Chinese one falling back to
/// the English where a database has none, and a summary equal to the one before is read as that one, never as a
/// neighbour's that merely starts the same.
struct FindingSummariesTests {
    static let rows: [(en: String, zh: String?)] = [
        ("same", "同"), ("same", "同"), ("sane", "问"), ("same!", "同！"), ("sam", "同"), ("", ""), ("", nil),
        ("old only", nil),
        ("same", "同"), ("x", "乙"),
    ]

    static func store(_ folder: String) throws -> Store {
        let store = try Store(path: folder + "/db")
        try store.replaceFindings(
            rows.enumerated().map { index, texts in
                // Keys and starts in the store's reading order (detector, venue, start, ...).
                FindingRow(
                    key: "k\(index)", detector: "minor", severity: "high", venue: "33010610000123", terminal: nil,
                    cert: nil, startSeconds: Int64(index), endSeconds: Int64(index), summary: texts.en,
                    summaryZh: texts.zh, evidence: [(1, Int64(index + 1))])
            })
        return store
    }

    @Test func eachChoiceReadsItsSummaries() throws {
        let folder = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try Self.store(folder)
        let both = try store.findings()
        #expect(both.map(\.summary) == Self.rows.map(\.en))
        #expect(both.map(\.summaryZh) == Self.rows.map(\.zh))
        let english = try store.findings(summaries: .english)
        #expect(english.map(\.summary) == Self.rows.map(\.en))
        #expect(english.allSatisfy { $0.summaryZh == nil })
        let chinese = try store.findings(summaries: .chinese)
        #expect(chinese.map(\.summaryZh) == Self.rows.map { $0.zh ?? $0.en })
        #expect(chinese.allSatisfy { $0.summary.isEmpty })
        // Everything else is read alike.
        #expect(chinese.map(\.key) == both.map(\.key))
        #expect(english.map { $0.evidence.map(\.line) } == both.map { $0.evidence.map(\.line) })
    }
}
