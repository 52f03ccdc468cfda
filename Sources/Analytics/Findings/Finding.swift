/// A detector's id, the contract's (FORMATS.md §4), as it reaches JSON and the database. Each detector states
/// its own in its file (`static let id = DetectorID("unbilled-use")`); the set is `DetectorList`'s.
package struct DetectorID: RawRepresentable, Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    package let rawValue: String

    package init(rawValue: String) { self.rawValue = rawValue }
    package init(_ rawValue: String) { self.rawValue = rawValue }

    /// Every listed detector's id, in list order.
    package static var allCases: [DetectorID] { DetectorList.types.map { $0.id } }

    package var description: String { rawValue }

    package static func < (lhs: DetectorID, rhs: DetectorID) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// How serious a finding is (FORMATS.md §5).
package enum Severity: String, Sendable, Codable, Comparable, CaseIterable {
    case low, medium, high

    private var rank: Int {
        switch self {
        case .low: 0
        case .medium: 1
        case .high: 2
        }
    }

    package static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// One distinct case a detector found (FORMATS.md §5). Text fields hold unmasked values; masking is
/// the report writers' job, so neither summary may contain a cert number or a name.
package struct Finding: Sendable, Hashable {
    package var detector: DetectorID
    package var severity: Severity
    /// 场所编码.
    package var venue: String
    /// 终端号, where the case has one.
    package var terminal: String?
    /// Normalised cert number, unmasked, where the case has one.
    package var cert: String?
    /// The network address (IP, MAC) the case is about, where it is no terminal (`private-network`).
    package var address: String?
    /// Epoch seconds.
    package var startSeconds: Int64
    /// Epoch seconds.
    package var endSeconds: Int64
    /// One English sentence, no personal data.
    package var summary: String
    /// The same facts in one Simplified Chinese sentence (the reports' default language, FORMATS.md §7), in the
    /// words of the police who inspect venues; the same numbers, terminals and times, no personal data.
    package var summaryZh: String
    /// Source rows, sorted, de-duplicated.
    package var evidence: [SourceRef]

    package init(
        detector: DetectorID, severity: Severity, venue: String, terminal: String? = nil, cert: String? = nil,
        address: String? = nil, startSeconds: Int64, endSeconds: Int64, summary: String, summaryZh: String,
        evidence: [SourceRef]
    ) {
        self.detector = detector
        self.severity = severity
        self.venue = venue
        self.terminal = terminal
        self.cert = cert
        self.address = address
        self.startSeconds = startSeconds
        self.endSeconds = endSeconds
        self.summary = summary
        self.summaryZh = summaryZh
        self.evidence = evidence.count < 2 ? evidence : Array(Set(evidence)).sorted()
    }

    /// The stable identity of the case (STYLE.md §3): the same case found again is the same finding.
    package var key: String {
        "\(detector.rawValue)|\(venue)|\(terminal ?? "")|\(cert ?? "")|\(startSeconds)" + (address.map { "|\($0)" } ?? "")
    }
}
