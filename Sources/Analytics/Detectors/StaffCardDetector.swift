import LogFormats

/// `staff-card` (FORMATS.md §4): staff cards (工卡) used to let customers on.
///
/// Sessions of user type `员工` in a venue, in start order; a window is any run of them whose start times lie
/// within `windowHours` of each other (last minus first ≤ the window). A window whose sessions are on at least
/// `minimumDistinctTerminals` distinct terminals qualifies, whichever staff cards they used; overlapping
/// qualifying windows merge into one finding per episode. Evidence: the staff sessions of the episode.
/// - Complexity: O(s) per venue after the start-order sort (sliding window with per-terminal counts).
package struct StaffCardDetector: Detector {
    package static let id = DetectorID.staffCard
    private var findings: [Finding] = []

    package init() {}

    package func missingInputs(_ context: DetectionContext) -> [Wording] { [] }

    package mutating func consume(_ venue: VenueSlice, context: DetectionContext) {
        let config = context.config[Self.self]
        let window = seconds(hours: config.windowHours)
        let sessions = venue.sessions
        let staff = sessions.indicesInStartOrder().filter { sessions.userType[$0] == .staff }
        guard staff.count >= config.minimumDistinctTerminals else { return }

        var perTerminal: [SymbolID: Int] = [:]
        var episodes: [ClosedRange<Int>] = []
        var left = 0
        for right in 0..<staff.count {
            perTerminal[sessions.terminal[staff[right]], default: 0] += 1
            while sessions.startSeconds[staff[right]] - sessions.startSeconds[staff[left]] > window {
                let terminal = sessions.terminal[staff[left]]
                perTerminal[terminal]! -= 1
                if perTerminal[terminal] == 0 { perTerminal[terminal] = nil }
                left += 1
            }
            guard perTerminal.count >= config.minimumDistinctTerminals else { continue }
            if let last = episodes.last, left <= last.upperBound {
                episodes[episodes.count - 1] = last.lowerBound...right
            } else {
                episodes.append(left...right)
            }
        }
        for episode in episodes {
            let members = staff[episode]
            let terminals = Set(members.map { sessions.terminal[$0] }).map { context.symbols.text($0) }.sorted()
            let cards = Set(members.map { sessions.cert[$0] }).count
            findings.append(
                Finding(
                    detector: Self.id, severity: .medium, venue: context.symbols.text(venue.venue),
                    startSeconds: sessions.startSeconds[members.first!],
                    endSeconds: members.map { max(sessions.endSeconds[$0], sessions.startSeconds[$0]) }.max()!,
                    summary: "Staff cards opened \(counted(members.count, "session")) on "
                        + "\(counted(terminals.count, "terminal")) (\(listed(terminals))) within "
                        + "\(counted(Int(config.windowHours.rounded()), "hour")), using "
                        + "\(counted(cards, "distinct card identity", "distinct card identities")).",
                    summaryZh: "\(Int(config.windowHours.rounded())) 小时内用工作卡在 \(terminals.count) 台终端"
                        + "（\(listedZh(terminals))）上机 \(members.count) 次，共涉及 \(cards) 个不同的卡证，"
                        + "疑似用工作卡为顾客开机上网。",
                    evidence: members.map { sessions.source[$0] }))
        }
    }

    package mutating func finish(context: DetectionContext) -> [Finding] { findings }
}

extension StaffCardDetector {
    /// Thresholds of `staff-card` (FORMATS.md §4 defaults).
    package struct Config: DetectorSettings {
        package var enabled = true
        /// A venue whose staff-card sessions reach this many distinct terminals within `windowHours` is reported.
        @AtLeastOne package var minimumDistinctTerminals = 3
        /// Length of the window of session start times, in hours.
        @NonNegative package var windowHours: Double = 24
        package static let summary = "Staff-card sessions on many distinct terminals of a venue."
        package static let notes: [String: String] = ["windowHours": "window of session start times"]

        package init() {}
    }
}

extension DetectorID {
    package static let staffCard = DetectorID("staff-card")
}
