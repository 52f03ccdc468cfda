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

    package func missingInputs(_ context: DetectionContext) -> [Wording] { [] }

    package mutating func consume(_ venue: VenueSlice, context: DetectionContext) {
        let sessions = venue.identitySessions
        guard sessions.count > 0 else { return }
        let config = context.config[Self.self]
        let code = context.symbols.text(venue.venue)
        let window = config.window(forVenueCode: code)
        let windowOffset = Int64(window.startMinuteOfDay) * 60
        let windowLength = window.lengthSeconds
        let pastMidnight = window.endMinuteOfDay > window.startMinuteOfDay ? " " : "次日 "
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
                            summary: "A session on terminal \(terminal ?? "?") ran \(minutesText(shared)) inside the "
                                + "prohibited window that opened at \(window.startText) on \(localDateText(day)) and "
                                + "closed at \(window.endText).",
                            summaryZh: "终端 \(terminal ?? "（无编号）") 的一条上机记录在禁止营业时段（\(localDateText(day)) "
                                + "\(window.startText) 起至\(pastMidnight)\(window.endText) 止）内上网 "
                                + "\(minutesTextZh(shared))，属违规时段营业。",
                            evidence: [sessions.source[index]]))
                }
                day += 1
            }
        }
    }

    package mutating func finish(context: DetectionContext) -> [Finding] { findings }
}

extension AfterHoursDetector {
    /// Thresholds of `after-hours` (FORMATS.md §4 defaults), with a window per jurisdiction.
    package struct Config: DetectorSettings {
        package var enabled = true
        /// Shortest overlap of a session with one night's window that is reported, in minutes.
        @NonNegative package var minimumOverlapMinutes: Double = 1
        /// The prohibited local-time window wherever no jurisdiction overrides it.
        package var window = LocalTimeWindow(startMinuteOfDay: 0, endMinuteOfDay: 8 * 60)
        /// Windows by administrative-division prefix of the venue code (`"3301"`, `"330106"`); longest prefix wins.
        package var jurisdictions: [String: LocalTimeWindow] = [:]

        package static let summary = "Sessions overlapping the prohibited local-time window (China Standard Time)."
        package static let notes: [String: String] = [
            "minimumOverlapMinutes": "with one night's window",
            "window": "HH:MM; an end before the start runs past midnight",
            "jurisdictions": "windows by leading digits of the venue code, the longest wins: {\"3301\": {end: \"07:00\"}}",
        ]

        package init() {}

        package func validate(path: String) throws(ConfigError) {
            for prefix in jurisdictions.keys.sorted()
            where prefix.isEmpty || prefix.utf8.count > 14 || !prefix.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
                throw ConfigError(
                    "Detector config key '\(path).jurisdictions.\(prefix)' must be the leading digits of a venue code.")
            }
        }

        /// The window that applies to a venue: the longest jurisdiction prefix of its code, else `window`.
        package func window(forVenueCode code: String) -> LocalTimeWindow {
            // Ties cannot happen: equal-length prefixes of one code are the same key.
            var best: (length: Int, window: LocalTimeWindow) = (-1, window)
            for (prefix, candidate) in jurisdictions where code.hasPrefix(prefix) && prefix.utf8.count > best.length {
                best = (prefix.utf8.count, candidate)
            }
            return best.window
        }
    }
}

extension DetectorID {
    package static let afterHours = DetectorID("after-hours")
}
