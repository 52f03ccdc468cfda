import Analytics
import Ingest
import NetbarTestSupport
import Testing

/// `seen_before` (FORMATS.md §5): earlier nights with a finding of the same detector at the venue for the same
/// terminal, cert or address; venue-level findings match the same detector at the venue.
struct NightsMarkTests {
    static func row(
        _ detector: String, _ night: String?, venue: String = "V1", terminal: String? = nil, cert: String? = nil,
        address: String? = nil
    ) -> FindingRow {
        FindingRow(
            key: "\(detector)|\(venue)|\(terminal ?? "")|\(cert ?? "")|\(night ?? "")|\(address ?? "")", detector: detector,
            severity: "high", venue: venue, terminal: terminal, cert: cert, address: address, startSeconds: 0, endSeconds: 0,
            summary: "", night: night, evidence: [])
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var earlier: [FindingRow]
        var finding: FindingRow
        var expected: Int
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "nothing earlier", earlier: [], finding: row("minor", "2026-11-28", terminal: "005"), expected: 0),
        Case(
            name: "same terminal one night earlier", earlier: [row("minor", "2026-11-27", terminal: "005", cert: "A")],
            finding: row("minor", "2026-11-28", terminal: "005", cert: "B"), expected: 1),
        Case(
            name: "same cert on another terminal", earlier: [row("minor", "2026-11-27", terminal: "001", cert: "B")],
            finding: row("minor", "2026-11-28", terminal: "005", cert: "B"), expected: 1),
        Case(
            name: "two earlier nights, one by terminal and one by cert",
            earlier: [row("minor", "2026-11-26", terminal: "005"), row("minor", "2026-11-27", terminal: "009", cert: "B")],
            finding: row("minor", "2026-11-28", terminal: "005", cert: "B"), expected: 2),
        Case(
            name: "two findings on one earlier night count once",
            earlier: [row("minor", "2026-11-27", terminal: "005", cert: "X"), row("minor", "2026-11-27", terminal: "005", cert: "Y")],
            finding: row("minor", "2026-11-28", terminal: "005"), expected: 1),
        Case(
            name: "another detector does not count", earlier: [row("after-hours", "2026-11-27", terminal: "005")],
            finding: row("minor", "2026-11-28", terminal: "005"), expected: 0),
        Case(
            name: "another venue does not count", earlier: [row("minor", "2026-11-27", venue: "V2", terminal: "005")],
            finding: row("minor", "2026-11-28", terminal: "005"), expected: 0),
        Case(
            name: "a later night does not count", earlier: [row("minor", "2026-11-29", terminal: "005")],
            finding: row("minor", "2026-11-28", terminal: "005"), expected: 0),
        Case(
            name: "the same night does not count", earlier: [row("minor", "2026-11-28", terminal: "005", cert: "Z")],
            finding: row("minor", "2026-11-28", terminal: "005"), expected: 0),
        Case(
            name: "venue-level matches venue-level", earlier: [row("manual-billing", "2026-11-27")],
            finding: row("manual-billing", "2026-11-28"), expected: 1),
        Case(
            name: "venue-level is not a terminal's", earlier: [row("audit-gap", "2026-11-27", terminal: "003")],
            finding: row("audit-gap", "2026-11-28"), expected: 0),
        Case(
            name: "same address", earlier: [row("private-network", "2026-11-27", address: "192.168.1.250")],
            finding: row("private-network", "2026-11-28", address: "192.168.1.250"), expected: 1),
        Case(
            name: "no night is never recurring", earlier: [row("minor", "2026-11-27", terminal: "005")],
            finding: row("minor", nil, terminal: "005"), expected: 0),
    ]

    /// Each case by nights as bits of a word and by sets of nights.
    @Test(arguments: cases, [64, 1])
    func seenBefore(_ test: Case, maskNights: Int) {
        var rows = test.earlier + [test.finding]
        Nights.markSeenBefore(&rows, maskNights: maskNights)
        #expect(rows.last?.seenBefore == test.expected)
    }

    @Test func filterKeepsOnlyWhatIsAskedFor() {
        var rows = [
            Self.row("minor", "2026-11-27", terminal: "005"), Self.row("minor", "2026-11-28", terminal: "005"),
            Self.row("after-hours", "2026-11-28", venue: "V2", terminal: "001"),
        ]
        Nights.markSeenBefore(&rows)
        var filter = ReportFilter()
        filter.newOnly = true
        #expect(rows.filter(filter.keeps).count == 2)
        filter = ReportFilter()
        filter.since = "2026-11-28"
        #expect(rows.filter(filter.keeps).count == 2)
        filter.venues = ["V2"]
        #expect(rows.filter(filter.keeps).map(\.detector) == ["after-hours"])
    }

    /// The word-of-bits path (up to 64 nights) and the set path give the same counts, over random findings of 2-9
    /// nights on few venues, terminals and certs (so that subjects recur), nil nights and venue-level rows among them.
    @Test(arguments: 0..<40)
    func bitsAndSetsAgree(seed: Int) {
        var generator = SeededGenerator(state: UInt64(seed))
        let nightCount = 2 + Int(generator.next() % 8)
        let nights = (0..<nightCount).map { "2026-11-\(10 + $0)" }
        func pick<T>(_ values: [T]) -> T { values[generator.below(values.count)] }
        var rows: [FindingRow] = []
        for _ in 0..<(20 + Int(generator.next() % 200)) {
            rows.append(
                Self.row(
                    pick(["minor", "after-hours", "manual-billing"]), pick(nights + [nil]), venue: pick(["V1", "V2"]),
                    terminal: pick([nil, "", "001", "002"]), cert: pick([nil, "A", "B", "C"]), address: pick([nil, nil, "10.0.0.9"])))
        }
        var bits = rows, sets = rows
        Nights.markSeenBefore(&bits)
        Nights.markSeenBefore(&sets, maskNights: 1)
        #expect(bits.map(\.seenBefore) == sets.map(\.seenBefore))
        #expect(bits.contains { $0.seenBefore > 0 }, "some finding recurs")
        // Every finding of the first night is new.
        #expect(bits.filter { $0.night == nights[0] }.allSatisfy { $0.seenBefore == 0 })
    }
}
