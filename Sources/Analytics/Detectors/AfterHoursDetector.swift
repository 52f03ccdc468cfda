import LogFormats

/// `after-hours` (FORMATS.md §4): trade outside permitted hours.
///
/// The prohibited window (local China Standard Time, per jurisdiction: the longest matching venue-code prefix
/// of `jurisdictions`, else `window`) is laid on every local day a session spans; a window whose end is not
/// after its start runs past midnight and belongs to the day it starts on. A session whose shared stretch with
/// one night's window is at least `minimumOverlapMinutes` is a case: one finding per session and night (a
/// session that crosses two nights' windows counts on both), with its terminal and cert, spanning its
/// in-window stretch; evidence: the session row. Per session rather than per venue and night, so that every
/// session an analyst must account for is named, with who sat where.
/// - Complexity: O(s) per venue (a session spans a bounded number of days).
package struct AfterHoursDetector: Detector {
    package static let id = DetectorID.afterHours

    private var findings: [Finding] = []

    package init() {}

    package func missingInputs(_ context: DetectionContext) -> [String] { [] }

    package mutating func consume(_ venue: VenueSlice, context: DetectionContext) {
        let sessions = venue.identitySessions
        guard sessions.count > 0 else { return }
        let config = context.config.afterHours
        let code = context.symbols.text(venue.venue)
        let window = config.window(forVenueCode: code)
        let windowOffset = Int64(window.startMinuteOfDay) * 60
        let windowLength = window.lengthSeconds
        let minimumOverlap = max(1, seconds(minutes: config.minimumOverlapMinutes))

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
                    let terminal = optionalText(sessions.terminal[index], context.symbols)
                    findings.append(
                        Finding(
                            detector: Self.id, severity: .medium, venue: code, terminal: terminal,
                            cert: optionalText(sessions.cert[index], context.symbols),
                            startSeconds: max(start, windowStart), endSeconds: min(end, windowEnd),
                            summary: "A session on terminal \(terminal ?? "?") ran \(shared / 60) minutes inside the "
                                + "prohibited window that opened at \(window.startText) on \(localDateText(day)) and "
                                + "closed at \(window.endText).",
                            evidence: [sessions.source[index]]))
                }
                day += 1
            }
        }
    }

    package mutating func finish(context: DetectionContext) -> [Finding] { findings }
}
