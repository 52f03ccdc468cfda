import LogFormats

/// `manual-billing` (FORMATS.md §4): a venue where billing is done by hand.
///
/// The count is the venue's sessions with 结账方式 `手工` plus its transactions of type `补登` or `手工计费`. A
/// venue is reported when the count reaches `minimumManualItems`, or when it is at least
/// `minimumManualSharePercent` of the venue's sessions; a venue with no sessions has no share, so only the
/// count rule applies to it. One finding per venue, spanning the first to the last item; evidence: every item.
/// - Complexity: O(s + t) per venue.
package struct ManualBillingDetector: Detector {
    package static let id = DetectorID.manualBilling
    private var findings: [Finding] = []

    package init() {}

    package func missingInputs(_ context: DetectionContext) -> [Wording] { [] }

    package mutating func consume(_ venue: VenueSlice, context: DetectionContext) {
        let config = context.config[Self.self]
        let sessions = venue.sessions
        let transactions = venue.transactions
        var evidence: [SourceRef] = []
        var start = Int64.max
        var end = Int64.min
        var manualSessions = 0
        for index in 0..<sessions.count where sessions.checkout[index] == .manual {
            manualSessions += 1
            evidence.append(sessions.source[index])
            start = min(start, sessions.startSeconds[index])
            end = max(end, sessions.endSeconds[index], sessions.startSeconds[index])
        }
        var manualTransactions = 0
        for index in 0..<transactions.count where transactions.kind[index].isManual {
            manualTransactions += 1
            evidence.append(transactions.source[index])
            start = min(start, transactions.timeSeconds[index])
            end = max(end, transactions.timeSeconds[index])
        }
        let total = manualSessions + manualTransactions
        guard total > 0 else { return }
        let byCount = total >= config.minimumManualItems
        // Integer-exact for whole percents: 10 of 100 sessions is 10 %, not 9.999...
        let byShare = sessions.count > 0
            && Double(total) * 100 >= config.minimumManualSharePercent * Double(sessions.count)
        guard byCount || byShare else { return }

        let share = sessions.count > 0 ? " (\(percentText(total, sessions.count)) of its sessions)" : ""
        let shareZh = sessions.count > 0 ? "，手工计费占 \(percentText(total, sessions.count))" : ""
        findings.append(
            Finding(
                detector: Self.id, severity: .medium, venue: context.symbols.text(venue.venue),
                startSeconds: start, endSeconds: end,
                summary: "The venue billed by hand \(counted(total, "time")): "
                    + "\(counted(manualSessions, "session")) checked out manually and "
                    + "\(counted(manualTransactions, "manual transaction")), against "
                    + "\(counted(sessions.count, "session")) in the dump\(share).",
                summaryZh: "场所手工计费 \(total) 次：手工结账的上机记录 \(manualSessions) 条，补登/手工计费交易 "
                    + "\(manualTransactions) 笔；本批数据中该场所共有上机记录 \(sessions.count) 条\(shareZh)。",
                evidence: evidence))
    }

    package mutating func finish(context: DetectionContext) -> [Finding] { findings }

    private func percentText(_ part: Int, _ whole: Int) -> String {
        let tenths = (part * 1000 + whole / 2) / whole
        return "\(tenths / 10).\(tenths % 10) %"
    }
}

extension ManualBillingDetector {
    /// Thresholds of `manual-billing` (FORMATS.md §4 defaults).
    package struct Config: DetectorSettings {
        package var enabled = true
        /// A venue with at least this many manual items is reported.
        @AtLeastOne package var minimumManualItems = 5
        /// A venue whose manual items are at least this share of its sessions is reported, in percent.
        @NonNegative package var minimumManualSharePercent: Double = 10
        package static let summary = "Sessions checked out by hand plus manual transactions, per venue."
        package static let notes: [String: String] = ["minimumManualItems": "items in the dump", "minimumManualSharePercent": "of the venue's sessions"]

        package init() {}
    }
}

extension DetectorID {
    package static let manualBilling = DetectorID("manual-billing")
}
