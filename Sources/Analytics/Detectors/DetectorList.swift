import LogFormats

/// Every detector of FORMATS.md §4, in one place: a new detector is its own file (the rule and its `Config`)
/// and an entry here.
package enum DetectorList {
    /// In `DetectorID` declaration order (computed: metatypes of a non-Sendable protocol are no global constant).
    package static var types: [any Detector.Type] {
        [
            UnbilledUseDetector.self,
            ManualBillingDetector.self,
            SecondBillingDetector.self,
            CardFreeLoginDetector.self,
            IDSharingDetector.self,
            StaffCardDetector.self,
            InvalidIDDetector.self,
            MinorDetector.self,
            AfterHoursDetector.self,
            AuditGapDetector.self,
            IPMismatchDetector.self,
            PrivateNetworkDetector.self,
        ]
    }

    /// A fresh instance of every detector.
    package static func all() -> [any Detector] { types.map { $0.init() } }

    /// The detectors `config` enables.
    package static func enabled(_ config: DetectorConfig) -> [any Detector] {
        types.filter { config.isEnabled($0.id) }.map { $0.init() }
    }
}

/// What a detection run produced.
package struct DetectionResult: Sendable {
    /// Sorted by detector, venue, start, terminal, cert (then end and summary), so re-runs are identical.
    package var findings: [Finding]
    /// Inputs each enabled detector lacked in this run (for the run summary); detectors missing nothing are absent.
    package var missingInputs: [DetectorID: [Wording]]
    /// Findings per enabled detector, zero included (FORMATS.md §6 `findings`).
    package var findingsPerDetector: [DetectorID: Int]

    package init(findings: [Finding], missingInputs: [DetectorID: [Wording]], findingsPerDetector: [DetectorID: Int]) {
        self.findings = findings
        self.missingInputs = missingInputs
        self.findingsPerDetector = findingsPerDetector
    }
}

/// Runs every enabled detector over the venues (in the order given, venue-code order from the store), then
/// collects their findings. Pure: same venues and context, same result.
///
/// Two findings with the same `key` (the store's identity of a case) are merged into the first in sort order,
/// their evidence united, so that a case is never stored twice.
/// - Complexity: O(n log n) in the rows of each venue, per detector.
package func runDetectors(
    venues: some Sequence<VenueSlice>, context: DetectionContext, observe: (VenueSlice) -> Void = { _ in }
) -> DetectionResult {
    var detectors = DetectorList.enabled(context.config)
    for venue in venues {
        for index in detectors.indices { detectors[index].consume(venue, context: context) }
        observe(venue)
    }
    var findings: [Finding] = []
    var missing: [DetectorID: [Wording]] = [:]
    var perDetector: [DetectorID: Int] = [:]
    for index in detectors.indices {
        let id = type(of: detectors[index]).id
        findings += detectors[index].finish(context: context)
        perDetector[id] = 0
        let lacking = detectors[index].missingInputs(context)
        if !lacking.isEmpty { missing[id] = lacking }
    }
    let merged = mergedByKey(findings)
    for finding in merged { perDetector[finding.detector, default: 0] += 1 }
    return DetectionResult(findings: merged, missingInputs: missing, findingsPerDetector: perDetector)
}

/// `findings` in `findingPrecedes` order, those of one key merged into the first, their evidence united.
func mergedByKey(_ findings: [Finding]) -> [Finding] {
    // The order is found over indices: sorting the findings themselves moved each (a dozen references) ~20 times,
    // a sixth of `detect`'s time on a night of 1.45 M findings.
    var order = Array(findings.indices)
    findings.withUnsafeBufferPointer { findings in
        order.sort { findingPrecedes(findings[$0], findings[$1]) }
    }
    var merged: [Finding] = []
    merged.reserveCapacity(findings.count)
    var indexByKey: [String: Int] = [:]
    indexByKey.reserveCapacity(findings.count)
    for index in order {
        let finding = findings[index]
        let key = finding.key
        if let existing = indexByKey[key] {
            var first = merged[existing]
            first.evidence = Array(Set(first.evidence + finding.evidence)).sorted()
            first.endSeconds = max(first.endSeconds, finding.endSeconds)
            merged[existing] = first
        } else {
            indexByKey[key] = merged.count
            merged.append(finding)
        }
    }
    return merged
}

extension DetectionResult {
    /// The results of runs over different nights as one run over all of them would give them: findings of one key
    /// merged, inputs lacked by either, findings counted again (zero for every detector either ran).
    package init(merging results: [DetectionResult]) {
        let findings = mergedByKey(results.flatMap(\.findings))
        var missing: [DetectorID: [Wording]] = [:]
        var perDetector: [DetectorID: Int] = [:]
        for result in results {
            for (id, wordings) in result.missingInputs {
                for wording in wordings where !(missing[id] ?? []).contains(wording) {
                    missing[id, default: []].append(wording)
                }
            }
            for id in result.findingsPerDetector.keys { perDetector[id] = 0 }
        }
        for finding in findings { perDetector[finding.detector, default: 0] += 1 }
        self.init(findings: findings, missingInputs: missing, findingsPerDetector: perDetector)
    }
}

/// The deterministic order of findings.
package func findingPrecedes(_ lhs: Finding, _ rhs: Finding) -> Bool {
    if lhs.detector != rhs.detector { return lhs.detector < rhs.detector }
    if lhs.venue != rhs.venue { return lhs.venue < rhs.venue }
    if lhs.startSeconds != rhs.startSeconds { return lhs.startSeconds < rhs.startSeconds }
    if lhs.terminal != rhs.terminal { return (lhs.terminal ?? "") < (rhs.terminal ?? "") }
    if lhs.cert != rhs.cert { return (lhs.cert ?? "") < (rhs.cert ?? "") }
    if lhs.address != rhs.address { return (lhs.address ?? "") < (rhs.address ?? "") }
    if lhs.endSeconds != rhs.endSeconds { return lhs.endSeconds < rhs.endSeconds }
    if lhs.summary != rhs.summary { return lhs.summary < rhs.summary }
    return lhs.evidence.lexicographicallyPrecedes(rhs.evidence)
}
