import Glibc
import Ingest

extension ReportData {
    /// Reads a report's data from the store: findings marked with `seenBefore`, then cut by `filter`, high severity
    /// first (then venue, detector, start).
    package static func load(
        store: Store, filter: ReportFilter, revealCerts: Bool, language: Language, now: Int64 = Int64(time(nil))
    ) throws(StoreError) -> ReportData {
        var findings = try store.findings(summaries: language == .zh ? .chinese : .english)
        Nights.markSeenBefore(&findings)
        if filter.cuts { findings.removeAll { !filter.keeps($0) } }
        sortMostSevereFirst(&findings)
        let files = try store.storedFiles()
        var nightSet: Set<String> = []
        for file in files { if let night = file.night { nightSet.insert(night) } }  // registry files have none
        let nights = nightSet.sorted()
        var data = ReportData(
            findings: findings, paths: try store.filePaths(),
            venues: Dictionary(try store.registryVenueDetails().map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first }),
            files: files, quarantinedPerReason: try store.quarantinedPerReason(), detection: try store.lastDetectionRun(),
            nights: nights,
            rates: try store.venueRates().filter { rate in
                (filter.venues.isEmpty || filter.venues.contains(rate.venue)) && (filter.night.map { $0 == rate.night } ?? true)
                    && (filter.since.map { rate.night >= $0 } ?? true)
            }, generatedAt: now, revealCerts: revealCerts, language: language)
        data.filter = filter
        return data
    }

    /// The order of every report: high severity first, then venue, detector, start.
    package static func sortMostSevereFirst(_ findings: inout [FindingRow]) {
        // Fields read where they lie (`sortByIndex`): a row taken whole is copied for every comparison.
        findings.sortByIndex { a, b in
            let aRank = Severity(rawValue: a.pointee.severity) ?? .low
            let bRank = Severity(rawValue: b.pointee.severity) ?? .low
            if aRank != bRank { return aRank > bRank }
            if a.pointee.venue != b.pointee.venue { return a.pointee.venue < b.pointee.venue }
            if a.pointee.detector != b.pointee.detector { return a.pointee.detector < b.pointee.detector }
            if a.pointee.startSeconds != b.pointee.startSeconds { return a.pointee.startSeconds < b.pointee.startSeconds }
            return a.pointee.key < b.pointee.key
        }
    }
}
