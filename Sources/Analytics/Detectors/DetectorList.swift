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
    var parts: [[Finding]] = []
    var missing: [DetectorID: [Wording]] = [:]
    var perDetector: [DetectorID: Int] = [:]
    for index in detectors.indices {
        let id = type(of: detectors[index]).id
        parts.append(detectors[index].finish(context: context))
        perDetector[id] = 0
        let lacking = detectors[index].missingInputs(context)
        if !lacking.isEmpty { missing[id] = lacking }
    }
    // The detectors' state (and their copies of the findings) goes before the findings are gathered and merged.
    detectors.removeAll()
    var findings: [Finding] = []
    findings.reserveCapacity(parts.reduce(0) { $0 + $1.count })
    while !parts.isEmpty { findings += parts.removeLast() }
    mergeByKey(&findings)
    for finding in findings { perDetector[finding.detector, default: 0] += 1 }
    return DetectionResult(findings: findings, missingInputs: missing, findingsPerDetector: perDetector)
}

/// `findings` in `findingPrecedes` order, those of one key merged into the first, their evidence united.
func mergedByKey(_ findings: [Finding]) -> [Finding] {
    var findings = findings
    mergeByKey(&findings)
    return findings
}

/// Puts `findings` in `findingPrecedes` order, in place, and merges those of one key into the first, their evidence
/// united. The order begins with the key's fields (detector, venue, start, terminal, cert, address), so the findings
/// of one key lie together and no table of keys is needed (on a night of 1.45 M findings the sorted copy and the key
/// table were 400 MB).
func mergeByKey(_ findings: inout [Finding]) {
    findings.sortByIndex { findingPrecedes($0, $1) }
    var kept = 0
    for index in findings.indices {
        if kept > 0 && sameKey(findings[kept - 1], findings[index]) {
            findings[kept - 1].evidence = Array(Set(findings[kept - 1].evidence + findings[index].evidence)).sorted()
            findings[kept - 1].endSeconds = max(findings[kept - 1].endSeconds, findings[index].endSeconds)
        } else {
            if kept != index { findings.swapAt(kept, index) }
            kept += 1
        }
    }
    findings.removeLast(findings.count - kept)
}

/// Whether two findings are one case: their `key`s are equal.
private func sameKey(_ lhs: Finding, _ rhs: Finding) -> Bool {
    lhs.detector == rhs.detector && lhs.venue == rhs.venue && lhs.startSeconds == rhs.startSeconds
        && (lhs.terminal ?? "") == (rhs.terminal ?? "") && (lhs.cert ?? "") == (rhs.cert ?? "") && lhs.address == rhs.address
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
    withUnsafePointer(to: lhs) { lhs in withUnsafePointer(to: rhs) { rhs in findingPrecedes(lhs, rhs) } }
}

/// `findingPrecedes` of findings where they lie, a field at a time: a finding passed by value out of memory the
/// compiler cannot see is copied whole first (its dozen references retained), for every comparison of a sort.
func findingPrecedes(_ lhs: UnsafePointer<Finding>, _ rhs: UnsafePointer<Finding>) -> Bool {
    if lhs.pointee.detector != rhs.pointee.detector { return lhs.pointee.detector < rhs.pointee.detector }
    if lhs.pointee.venue != rhs.pointee.venue { return lhs.pointee.venue < rhs.pointee.venue }
    if lhs.pointee.startSeconds != rhs.pointee.startSeconds { return lhs.pointee.startSeconds < rhs.pointee.startSeconds }
    // As the key reads them: no terminal or cert is the empty one; no address comes before any.
    let (lhsTerminal, rhsTerminal) = (lhs.pointee.terminal ?? "", rhs.pointee.terminal ?? "")
    if lhsTerminal != rhsTerminal { return lhsTerminal < rhsTerminal }
    let (lhsCert, rhsCert) = (lhs.pointee.cert ?? "", rhs.pointee.cert ?? "")
    if lhsCert != rhsCert { return lhsCert < rhsCert }
    if lhs.pointee.address != rhs.pointee.address {
        guard let lhsAddress = lhs.pointee.address else { return true }
        guard let rhsAddress = rhs.pointee.address else { return false }
        return lhsAddress < rhsAddress
    }
    if lhs.pointee.endSeconds != rhs.pointee.endSeconds { return lhs.pointee.endSeconds < rhs.pointee.endSeconds }
    if lhs.pointee.summary != rhs.pointee.summary { return lhs.pointee.summary < rhs.pointee.summary }
    return lhs.pointee.evidence.lexicographicallyPrecedes(rhs.pointee.evidence)
}
