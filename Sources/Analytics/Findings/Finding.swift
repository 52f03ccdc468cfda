/// The detectors of FORMATS.md §4; raw values are the contract's ids and reach JSON and the database.
package enum DetectorID: String, CaseIterable, Sendable, Codable, Comparable {
    case unbilledUse = "unbilled-use"
    case manualBilling = "manual-billing"
    case secondBilling = "second-billing"
    case cardFreeLogin = "card-free-login"
    case idSharing = "id-sharing"
    case staffCard = "staff-card"
    case invalidID = "invalid-id"
    case minor = "minor"
    case afterHours = "after-hours"
    case auditGap = "audit-gap"
    case ipMismatch = "ip-mismatch"

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
/// the report writers' job, so `summary` must never contain a cert number or a name.
package struct Finding: Sendable, Hashable {
    package var detector: DetectorID
    package var severity: Severity
    /// 场所编码.
    package var venue: String
    /// 终端号, where the case has one.
    package var terminal: String?
    /// Normalised cert number, unmasked, where the case has one.
    package var cert: String?
    /// Epoch seconds.
    package var startSeconds: Int64
    /// Epoch seconds.
    package var endSeconds: Int64
    /// One English sentence, no personal data.
    package var summary: String
    /// Source rows, sorted, de-duplicated.
    package var evidence: [SourceRef]

    package init(
        detector: DetectorID, severity: Severity, venue: String, terminal: String? = nil, cert: String? = nil,
        startSeconds: Int64, endSeconds: Int64, summary: String, evidence: [SourceRef]
    ) {
        self.detector = detector
        self.severity = severity
        self.venue = venue
        self.terminal = terminal
        self.cert = cert
        self.startSeconds = startSeconds
        self.endSeconds = endSeconds
        self.summary = summary
        self.evidence = Array(Set(evidence)).sorted()
    }

    /// The stable identity of the case (STYLE.md §3): the same case found again is the same finding.
    package var key: String {
        "\(detector.rawValue)|\(venue)|\(terminal ?? "")|\(cert ?? "")|\(startSeconds)"
    }
}
