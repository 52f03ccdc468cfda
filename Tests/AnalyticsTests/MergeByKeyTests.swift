@testable import Analytics
import LogFormats
import NetbarTestSupport
import Testing

/// Merging findings of one case (`mergeByKey`, in place, by the order's adjacency) gives what a table of keys gave:
/// findings in `findingPrecedes` order, one per key, the first of each key keeping its fields with the evidence of
/// all united and the latest end.
struct MergeByKeyTests {
    /// The merge as it was: a sorted copy and a dictionary of `key` strings.
    static func reference(_ findings: [Finding]) -> [Finding] {
        var merged: [Finding] = []
        var indexByKey: [String: Int] = [:]
        for finding in findings.sorted(by: findingPrecedes) {
            if let existing = indexByKey[finding.key] {
                merged[existing].evidence = Array(Set(merged[existing].evidence + finding.evidence)).sorted()
                merged[existing].endSeconds = max(merged[existing].endSeconds, finding.endSeconds)
            } else {
                indexByKey[finding.key] = merged.count
                merged.append(finding)
            }
        }
        return merged
    }

    @Test(arguments: 0..<60)
    func inPlaceMergeMatchesTheKeyTable(seed: Int) {
        var generator = SeededGenerator(state: UInt64(seed) &* 7919 &+ 101)
        func pick<T>(_ values: [T]) -> T { values[generator.below(values.count)] }
        var findings: [Finding] = []
        // Few values per field, so that keys repeat with other ends, summaries and evidence.
        for _ in 0..<Int(generator.next() % 300) {
            findings.append(
                Finding(
                    detector: pick([.minor, .invalidID, .privateNetwork]), severity: pick([.high, .low]),
                    venue: pick(["33010610000001", "33010610000002"]), terminal: pick([nil, "", "001", "002"]),
                    cert: pick([nil, "", "110105201103151236"]), address: pick([nil, nil, "", "10.0.0.9"]),
                    startSeconds: Int64(pick([100, 200, 300])), endSeconds: Int64(pick([400, 500, 600])),
                    summary: pick(["a", "b"]), summaryZh: "甲",
                    evidence: (0..<Int(generator.next() % 3)).map { _ in
                        SourceRef(fileID: 1, line: Int32(generator.next() % 50))
                    }))
        }
        var merged = findings
        mergeByKey(&merged)
        #expect(merged == Self.reference(findings))
        #expect(Set(merged.map(\.key)).count == merged.count, "one finding per key")
    }

    @Test func theFirstOfAKeyKeepsItsFieldsAndGainsTheOthersEvidence() {
        func finding(_ summary: String, end: Int64, line: Int32, terminal: String?) -> Finding {
            Finding(
                detector: .minor, severity: .high, venue: "V", terminal: terminal, cert: "C", startSeconds: 10,
                endSeconds: end, summary: summary, summaryZh: summary, evidence: [SourceRef(fileID: 1, line: line)])
        }
        // No terminal and an empty one are one key; the one ending first comes first and stays.
        var findings = [finding("late", end: 90, line: 7, terminal: ""), finding("early", end: 50, line: 3, terminal: nil)]
        mergeByKey(&findings)
        #expect(findings.count == 1)
        #expect(findings.first?.summary == "early")
        #expect(findings.first?.endSeconds == 90)
        #expect(findings.first?.evidence == [SourceRef(fileID: 1, line: 3), SourceRef(fileID: 1, line: 7)])
    }
}
