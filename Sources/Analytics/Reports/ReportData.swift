import Ingest

/// Everything a report is made from (FORMATS.md §5, §8), read from the store once: findings marked by night,
/// the registry's base data, the files and their statuses, the last detection run, rates per venue and night.
/// Renderers are pure functions of this value, so that every report tells the same story.
package struct ReportData: Sendable {
    /// Findings after the cut (`ReportFilter`), each with `night` and `seenBefore`; high severity first.
    package var findings: [FindingRow]
    /// File id → path, for evidence.
    package var paths: [Int64: String]
    /// The registry's base data by venue code (empty without a registry).
    package var venues: [String: RegistryVenueDetails]
    /// Every file the database holds, with status and night.
    package var files: [StoredFile]
    package var quarantinedPerReason: [String: Int]
    /// The last detection run (nil: detection never ran).
    package var detection: DetectionRunRecord?
    /// Every night the database holds, oldest first.
    package var nights: [String]
    /// Rates per venue and night.
    package var rates: [VenueRateRow]
    /// Epoch seconds the report was made at.
    package var generatedAt: Int64
    /// The earliest start and latest end of the findings' data (epoch seconds), nil without findings.
    package var dataRange: (first: Int64, last: Int64)?
    /// Source line texts by (file id, line), already masked; empty when not read.
    package var evidenceText: [EvidenceKey: String] = [:]
    /// Files evidence points into that were gone or changed when their lines were read (no text for them).
    package var evidenceUnavailable: Set<Int64> = []
    package var revealCerts: Bool
    package var language: Language
    /// The cut the findings were made with (reports say so, so that a cut report is never read as the whole).
    package var filter = ReportFilter()

    package init(
        findings: [FindingRow], paths: [Int64: String], venues: [String: RegistryVenueDetails], files: [StoredFile],
        quarantinedPerReason: [String: Int], detection: DetectionRunRecord?, nights: [String], rates: [VenueRateRow],
        generatedAt: Int64, revealCerts: Bool, language: Language
    ) {
        self.findings = findings
        self.paths = paths
        self.venues = venues
        self.files = files
        self.quarantinedPerReason = quarantinedPerReason
        self.detection = detection
        self.nights = nights
        self.rates = rates
        self.generatedAt = generatedAt
        self.revealCerts = revealCerts
        self.language = language
        let starts = findings.map(\.startSeconds)
        let ends = findings.map(\.endSeconds)
        if let first = starts.min(), let last = ends.max() { dataRange = (first, last) }
    }

    /// The latest night the database holds.
    package var latestNight: String? { nights.last }

    /// A finding's summary in the report's language (English where a finding predates bilingual summaries).
    package func summary(_ finding: FindingRow) -> String {
        language == .zh ? (finding.summaryZh ?? finding.summary) : finding.summary
    }

    /// A cert as reports show it: masked unless the analyst asked for it whole.
    package func certText(_ cert: String?) -> String? {
        guard let cert, !cert.isEmpty else { return nil }
        return revealCerts ? cert : FindingsRenderer.mask(cert)
    }

    /// A venue's name from the registry, or "" when not registered.
    package func venueName(_ code: String) -> String { venues[code]?.name ?? "" }

    /// The rates of one venue on one night, by rate.
    package func rates(venue: String, night: String) -> [VenueRate: VenueRateRow] {
        var table: [VenueRate: VenueRateRow] = [:]
        for row in rates where row.venue == venue && row.night == night {
            if let rate = VenueRate(rawValue: row.rate) { table[rate] = row }
        }
        return table
    }
}

/// How a report is cut (FORMATS.md §8: by venue, detector, severity and night).
package struct ReportFilter: Sendable {
    package var venues: Set<String> = []
    package var detectors: Set<String> = []
    /// The lowest severity kept.
    package var minimumSeverity: Severity?
    /// Only this night (`latest` is resolved by the caller).
    package var night: String?
    /// Only nights on or after this one.
    package var since: String?
    /// Only findings new in their night (`seen_before` 0).
    package var newOnly = false

    package init() {}

    /// Whether anything is cut away.
    package var cuts: Bool {
        !venues.isEmpty || !detectors.isEmpty || minimumSeverity != nil || night != nil || since != nil || newOnly
    }

    /// The cut in words, e.g. "场所 33010610000123; 夜次 2026-11-28; 仅新发现"; "" when nothing is cut.
    package func describe(_ language: Language) -> String {
        var parts: [String] = []
        if !venues.isEmpty { parts.append(language.pick("场所 ", "venue ") + venues.sorted().joined(separator: ", ")) }
        if !detectors.isEmpty {
            parts.append(language.pick("规则 ", "rule ") + detectors.sorted().map { DetectorID($0).title(language) }.joined(separator: ", "))
        }
        if let minimumSeverity {
            parts.append(
                language == .zh ? "严重程度" + minimumSeverity.title(language) + "及以上" : "severity \(minimumSeverity.rawValue) or higher")
        }
        if let night { parts.append(language.pick("夜次 ", "night ") + night) }
        if let since { parts.append(language.pick("自 ", "nights since ") + since + language.pick(" 起的夜次", "")) }
        if newOnly { parts.append(language.pick("仅新发现", "new findings only")) }
        return parts.joined(separator: "; ")
    }

    package func keeps(_ finding: FindingRow) -> Bool {
        if !venues.isEmpty && !venues.contains(finding.venue) { return false }
        if !detectors.isEmpty && !detectors.contains(finding.detector) { return false }
        if let minimumSeverity, (Severity(rawValue: finding.severity) ?? .low) < minimumSeverity { return false }
        if let night, finding.night != night { return false }
        if let since, (finding.night ?? "") < since { return false }
        if newOnly && finding.seenBefore > 0 { return false }
        return true
    }
}

/// Nights of findings (FORMATS.md §5).
package enum Nights {
    /// A finding's night: the latest night among its evidence's files; a finding whose evidence lies only in files
    /// of no night (the registry) belongs to the latest night the database holds.
    package static func night(of evidence: [SourceRef], nightOfFile: [Int64: String], latest: String?) -> String? {
        var night: String?
        for reference in evidence {
            if let candidate = nightOfFile[Int64(reference.fileID)], candidate > (night ?? "") { night = candidate }
        }
        return night ?? latest
    }

    /// Sets `seenBefore` of every finding: the number of earlier nights with a finding of the same detector at the
    /// same venue for the same terminal, cert or address; for a finding with none of them (venue-level), any finding
    /// of the same detector at the venue. `maskNights`: up to how many nights each subject's nights are kept as bits
    /// of one word (a set of strings each took a third of loading a night of 1.45 M findings); more go the slow way.
    package static func markSeenBefore(_ findings: inout [FindingRow], maskNights: Int = 64) {
        // The nights findings belong to; a finding of no night is marked 0 below (it recurs on none).
        var nightSet = Set<String>()
        for finding in findings { if let night = finding.night { nightSet.insert(night) } }
        let nights = nightSet.sorted()
        // One night (the usual database of one run): nothing is earlier than anything.
        guard nights.count > 1 else {
            for index in findings.indices { findings[index].seenBefore = 0 }
            return
        }
        guard nights.count <= min(maskNights, 64) else { return markSeenBeforeBySets(&findings) }
        let rank = Dictionary(uniqueKeysWithValues: nights.enumerated().map { ($1, $0) })
        var nightsOf: [Subject: UInt64] = [:]
        nightsOf.reserveCapacity(findings.count)
        for finding in findings {
            guard let night = finding.night, let bit = rank[night] else { continue }
            forEachSubject(finding) { nightsOf[$0, default: 0] |= 1 << UInt64(bit) }
        }
        for index in findings.indices {
            guard let night = findings[index].night, let bit = rank[night] else {
                findings[index].seenBefore = 0
                continue
            }
            var earlier: UInt64 = 0
            forEachSubject(findings[index]) { earlier |= nightsOf[$0] ?? 0 }
            findings[index].seenBefore = (earlier & ((1 << UInt64(bit)) - 1)).nonzeroBitCount
        }
    }

    /// What a finding can recur by: per detector and venue, a terminal, a cert or an address, or the venue itself.
    struct Subject: Hashable {
        var detector: String
        var venue: String
        /// "t" terminal, "c" cert, "a" address, "v" the venue itself.
        var kind: UInt8
        var value: String
    }

    private static func forEachSubject(_ finding: FindingRow, _ body: (Subject) -> Void) {
        var any = false
        func visit(_ kind: Unicode.Scalar, _ value: String?) {
            guard let value, !value.isEmpty else { return }
            body(Subject(detector: finding.detector, venue: finding.venue, kind: UInt8(ascii: kind), value: value))
            any = true
        }
        visit("t", finding.terminal)
        visit("c", finding.cert)
        visit("a", finding.address)
        if !any { body(Subject(detector: finding.detector, venue: finding.venue, kind: UInt8(ascii: "v"), value: "")) }
    }

    /// `markSeenBefore` with each subject's nights as a set: any number of nights.
    private static func markSeenBeforeBySets(_ findings: inout [FindingRow]) {
        var nightsOf: [Subject: Set<String>] = [:]
        for finding in findings {
            guard let night = finding.night else { continue }
            forEachSubject(finding) { nightsOf[$0, default: []].insert(night) }
        }
        for index in findings.indices {
            guard let night = findings[index].night else {
                findings[index].seenBefore = 0
                continue
            }
            var earlier: Set<String> = []
            forEachSubject(findings[index]) { subject in
                for other in nightsOf[subject] ?? [] where other < night { earlier.insert(other) }
            }
            findings[index].seenBefore = earlier.count
        }
    }
}
