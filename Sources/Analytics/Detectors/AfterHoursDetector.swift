import LogFormats

/// `after-hours` (FORMATS.md §4): trade outside permitted hours.
///
/// The prohibited window (local China Standard Time, per jurisdiction: the longest matching venue-code prefix
/// of `jurisdictions`, else `window`) is laid on every local day a session spans; a window whose end is not
/// after its start runs past midnight and belongs to the day it starts on. A session whose shared stretch with
/// one night's window is at least `minimumOverlapMinutes` trades on that night. One finding per venue and night,
/// spanning the first to the last in-window moment of its sessions; evidence: those sessions. A session that
/// crosses two nights' windows counts on both.
/// - Complexity: O(s) per venue (a session spans a bounded number of days).
package struct AfterHoursDetector: Detector {
    package static let id = DetectorID.afterHours

    /// Sessions trading in one night's window.
    private struct Night {
        var sessions: [Int] = []
        var terminals: Set<SymbolID> = []
        /// Epoch seconds of the first and last in-window moment.
        var firstSeconds = Int64.max
        var lastSeconds = Int64.min

        mutating func record(_ index: Int, terminal: SymbolID, from lower: Int64, to upper: Int64) {
            sessions.append(index)
            terminals.insert(terminal)
            firstSeconds = min(firstSeconds, lower)
            lastSeconds = max(lastSeconds, upper)
        }
    }

    private var findings: [Finding] = []

    package init() {}

    package func missingInputs(_ context: DetectionContext) -> [String] { [] }

    package mutating func consume(_ venue: VenueSlice, context: DetectionContext) {
        let sessions = venue.sessions
        guard sessions.count > 0 else { return }
        let config = context.config.afterHours
        let code = context.symbols.text(venue.venue)
        let window = config.window(forVenueCode: code)
        let windowOffset = Int64(window.startMinuteOfDay) * 60
        let windowLength = window.lengthSeconds
        let minimumOverlap = max(1, seconds(minutes: config.minimumOverlapMinutes))

        var nights: [Int64: Night] = [:]
        for index in 0..<sessions.count {
            let start = sessions.startSeconds[index]
            let end = sessions.endSeconds[index]
            guard end - start >= minimumOverlap else { continue }
            // A window starting on the day before the session's first day may still be running at its start.
            var day = localDay(start) - 1
            let lastDay = localDay(end)
            while day <= lastDay {
                let windowStart = midnight(ofLocalDay: day) + windowOffset
                let windowEnd = windowStart + windowLength
                let shared = min(end, windowEnd) - max(start, windowStart)
                if shared >= minimumOverlap {
                    // Mutated in place: copying a Night out and back would copy its arrays per session.
                    nights[day, default: Night()].record(
                        index, terminal: sessions.terminal[index], from: max(start, windowStart),
                        to: min(end, windowEnd))
                }
                day += 1
            }
        }
        for (day, night) in nights {
            findings.append(
                Finding(
                    detector: Self.id, severity: .medium, venue: code,
                    startSeconds: night.firstSeconds, endSeconds: night.lastSeconds,
                    summary: "\(counted(night.sessions.count, "session")) on "
                        + "\(counted(night.terminals.count, "terminal")) ran inside the prohibited window that opened "
                        + "at \(window.startText) on \(localDateText(day)) and closed at \(window.endText).",
                    evidence: night.sessions.map { sessions.source[$0] }))
        }
    }

    package mutating func finish(context: DetectionContext) -> [Finding] { findings }
}
