import LogFormats

/// `id-sharing` (FORMATS.md §4): one identity used by several people (身份证冒用, 公卡/循环卡).
///
/// By overlap (across venues, so sessions are gathered in `consume` and judged in `finish`): two sessions of
/// one cert on different terminals, or in different venues, whose shared stretch is at least
/// `minimumOverlapMinutes`. Sessions of a cert that take part in such a pair are grouped into episodes (a new
/// episode starts when a session starts after every earlier one has ended); one finding per episode and venue it
/// touched, at that venue's earliest session and terminal; evidence: the episode's sessions.
///
/// By frequency: at least `minimumSessionsInWindow` sessions of one cert in one venue whose start times lie
/// within `windowHours` of each other (last minus first ≤ the window). Overlapping qualifying windows merge
/// into one finding per episode; evidence: the sessions of the merged windows.
/// - Complexity: O(n log n) over all sessions with a cert; the overlap sweep keeps only still-open sessions.
package struct IDSharingDetector: Detector {
    package static let id = DetectorID.idSharing

    /// One session with a cert, as the cross-venue overlap sweep needs it.
    private struct CertSession {
        var cert: SymbolID
        var venue: SymbolID
        var terminal: SymbolID
        /// Epoch seconds.
        var startSeconds: Int64
        /// Epoch seconds.
        var endSeconds: Int64
        var source: SourceRef
    }

    private var findings: [Finding] = []
    private var certSessions: [CertSession] = []

    package init() {}

    /// The overlap rule alone, over sessions gathered elsewhere (the Spark job's groups of venues): the findings an
    /// `analyze` of the whole dump gives for those certs. `symbols` names the sessions' texts.
    package static func overlapFindings(
        _ sessions: [(cert: SymbolID, venue: SymbolID, terminal: SymbolID, startSeconds: Int64, endSeconds: Int64, source: SourceRef)],
        context: DetectionContext
    ) -> [Finding] {
        var detector = IDSharingDetector()
        detector.certSessions = sessions.map {
            CertSession(
                cert: $0.cert, venue: $0.venue, terminal: $0.terminal, startSeconds: $0.startSeconds,
                endSeconds: max($0.startSeconds, $0.endSeconds), source: $0.source)
        }
        var plain = context
        plain.identitySessions = nil
        return detector.finish(context: plain)
    }

    package func missingInputs(_ context: DetectionContext) -> [Wording] { [] }

    package mutating func consume(_ venue: VenueSlice, context: DetectionContext) {
        let sessions = venue.identitySessions
        var withCert: [Int] = []
        withCert.reserveCapacity(sessions.count)
        for index in 0..<sessions.count where sessions.cert[index] != 0 {
            withCert.append(index)
            certSessions.append(
                CertSession(
                    cert: sessions.cert[index], venue: venue.venue, terminal: sessions.terminal[index],
                    startSeconds: sessions.startSeconds[index],
                    endSeconds: max(sessions.startSeconds[index], sessions.endSeconds[index]),
                    source: sessions.source[index]))
        }
        checkFrequency(venue, withCert, context)
    }

    private mutating func checkFrequency(_ venue: VenueSlice, _ withCert: [Int], _ context: DetectionContext) {
        let config = context.config[Self.self]
        let window = seconds(hours: config.windowHours)
        let sessions = venue.identitySessions
        let ordered = withCert.sorted {
            (sessions.cert[$0], sessions.startSeconds[$0], $0) < (sessions.cert[$1], sessions.startSeconds[$1], $1)
        }
        var groupStart = 0
        while groupStart < ordered.count {
            let cert = sessions.cert[ordered[groupStart]]
            var groupEnd = groupStart
            while groupEnd < ordered.count, sessions.cert[ordered[groupEnd]] == cert { groupEnd += 1 }
            let group = Array(ordered[groupStart..<groupEnd])
            groupStart = groupEnd
            guard group.count >= config.minimumSessionsInWindow else { continue }

            var episodes: [ClosedRange<Int>] = []
            var left = 0
            for right in 0..<group.count {
                while sessions.startSeconds[group[right]] - sessions.startSeconds[group[left]] > window { left += 1 }
                guard right - left + 1 >= config.minimumSessionsInWindow else { continue }
                if let last = episodes.last, left <= last.upperBound {
                    episodes[episodes.count - 1] = last.lowerBound...right
                } else {
                    episodes.append(left...right)
                }
            }
            for episode in episodes {
                let members = group[episode]
                // A platform record may name no terminal: only the named ones are counted.
                let terminals = Set(members.map { sessions.terminal[$0] }).subtracting([0])
                let onTerminals = terminals.isEmpty
                    ? "at the venue (the records name no terminal)"
                    : "on \(counted(terminals.count, "terminal")) of the venue"
                let onTerminalsZh = terminals.isEmpty ? "在本场所（记录未写明终端）" : "在本场所 \(terminals.count) 台终端"
                findings.append(
                    Finding(
                        detector: Self.id, severity: .medium, venue: context.symbols.text(venue.venue),
                        cert: context.symbols.text(cert), startSeconds: sessions.startSeconds[members.first!],
                        endSeconds: members.map { max(sessions.endSeconds[$0], sessions.startSeconds[$0]) }.max()!,
                        summary: "One cert opened \(counted(members.count, "session")) \(onTerminals) within "
                            + "\(counted(Int(config.windowHours.rounded()), "hour")).",
                        summaryZh: "同一证件 \(Int(config.windowHours.rounded())) 小时内\(onTerminalsZh)上机 "
                            + "\(members.count) 次，疑似一证多用（公卡/循环卡）。",
                        evidence: members.map { sessions.source[$0] }))
            }
        }
    }

    package mutating func finish(context: DetectionContext) -> [Finding] {
        if let collector = context.identitySessions {
            for session in certSessions {
                collector.add(
                    .init(
                        cert: context.symbols.text(session.cert), venue: context.symbols.text(session.venue),
                        terminal: context.symbols.text(session.terminal), startSeconds: session.startSeconds,
                        endSeconds: session.endSeconds, source: session.source))
            }
            certSessions = []
            return findings
        }
        let minimumOverlap = seconds(minutes: context.config[Self.self].minimumOverlapMinutes)
        // Ties of time are broken by the venue's and terminal's text, not their symbol ids: ids follow the order
        // names were first read, which differs between one run over the dump and a Spark job's groups of venues.
        let symbols = context.symbols
        certSessions.sort { a, b in
            if (a.cert, a.startSeconds, a.endSeconds) != (b.cert, b.startSeconds, b.endSeconds) {
                return (a.cert, a.startSeconds, a.endSeconds) < (b.cert, b.startSeconds, b.endSeconds)
            }
            if a.venue != b.venue { return symbols.text(a.venue) < symbols.text(b.venue) }
            if a.terminal != b.terminal { return symbols.text(a.terminal) < symbols.text(b.terminal) }
            return a.source < b.source
        }
        var groupStart = 0
        while groupStart < certSessions.count {
            let cert = certSessions[groupStart].cert
            var groupEnd = groupStart
            while groupEnd < certSessions.count, certSessions[groupEnd].cert == cert { groupEnd += 1 }
            if groupEnd - groupStart >= 2 { sweep(groupStart..<groupEnd, minimumOverlap, context) }
            groupStart = groupEnd
        }
        certSessions = []
        return findings
    }

    /// Marks sessions of one cert (in start order) that share at least `minimumOverlap` seconds with a session
    /// in another place, then groups them into episodes.
    private mutating func sweep(_ range: Range<Int>, _ minimumOverlap: Int64, _ context: DetectionContext) {
        var involved = [Bool](repeating: false, count: range.count)
        var longestShared = [Int64](repeating: 0, count: range.count)
        var open: [Int] = []  // offsets into range of sessions that may still overlap later ones
        for offset in 0..<range.count {
            let session = certSessions[range.lowerBound + offset]
            // Later sessions start no earlier, so one that cannot reach this start + minimumOverlap never will.
            open.removeAll { certSessions[range.lowerBound + $0].endSeconds - session.startSeconds < minimumOverlap }
            for other in open {
                let earlier = certSessions[range.lowerBound + other]
                // In one venue, two terminals must be known to differ (a platform record may have no terminal).
                guard earlier.venue != session.venue
                    || (earlier.terminal != session.terminal && earlier.terminal != 0 && session.terminal != 0)
                else { continue }
                let shared = min(earlier.endSeconds, session.endSeconds) - session.startSeconds
                if shared >= minimumOverlap {
                    involved[offset] = true
                    involved[other] = true
                    longestShared[offset] = max(longestShared[offset], shared)
                    longestShared[other] = max(longestShared[other], shared)
                }
            }
            open.append(offset)
        }

        var episode: [Int] = []
        var episodeEnd = Int64.min
        for offset in 0..<range.count where involved[offset] {
            let session = certSessions[range.lowerBound + offset]
            if !episode.isEmpty, session.startSeconds >= episodeEnd {
                emitOverlap(episode, range.lowerBound, longestShared, context)
                episode = []
            }
            episode.append(offset)
            episodeEnd = episode.count == 1 ? session.endSeconds : max(episodeEnd, session.endSeconds)
        }
        if !episode.isEmpty { emitOverlap(episode, range.lowerBound, longestShared, context) }
    }

    private mutating func emitOverlap(
        _ offsets: [Int], _ base: Int, _ longestShared: [Int64], _ context: DetectionContext
    ) {
        let members = offsets.map { certSessions[base + $0] }
        let first = members[0]
        let venues = Set(members.map(\.venue))
        let places: [String]
        let placesZh: String
        if venues.count == 1 {
            let terminals = Set(members.map(\.terminal)).map { context.symbols.text($0) }.sorted()
            places = ["terminals " + listed(terminals)]
            placesZh = "终端 " + listedZh(terminals)
        } else {
            var byVenue: [String: Set<String>] = [:]
            for member in members {
                byVenue[context.symbols.text(member.venue), default: []].insert(context.symbols.text(member.terminal))
            }
            // A platform record may name no terminal: then the venue alone is named.
            places = [
                "venues "
                    + listed(byVenue.keys.sorted().map { venue in
                        let terminals = byVenue[venue]!.filter { !$0.isEmpty }.sorted()
                        return terminals.isEmpty ? venue : "\(venue) (terminal \(listed(terminals)))"
                    })
            ]
            placesZh = "场所 "
                + listedZh(byVenue.keys.sorted().map { venue in
                    let terminals = byVenue[venue]!.filter { !$0.isEmpty }.sorted()
                    return terminals.isEmpty ? venue : "\(venue)（终端 \(listedZh(terminals))）"
                })
        }
        let longest = offsets.map { longestShared[$0] }.max() ?? 0
        // One finding for every venue of the episode, at that venue's earliest session: each venue admitted
        // the cert while it was in use elsewhere, and an analyst (or a checker) looking at either must find it.
        var seenVenues = Set<SymbolID>()
        for member in members where seenVenues.insert(member.venue).inserted {
            findings.append(
                Finding(
                    detector: Self.id, severity: .high, venue: context.symbols.text(member.venue),
                    terminal: optionalText(member.terminal, context.symbols), cert: context.symbols.text(first.cert),
                    startSeconds: first.startSeconds, endSeconds: members.map(\.endSeconds).max()!,
                    summary: "One cert was in use on \(places[0]) at the same time "
                        + "(\(counted(members.count, "session")), longest shared stretch \(minutesText(longest))).",
                    summaryZh: "同一证件同时在以下地点上机：\(placesZh)；共 \(members.count) 条上机记录，最长重叠 "
                        + "\(minutesTextZh(longest))，疑似身份证冒用/一证多用。",
                    evidence: members.map(\.source)))
        }
    }
}

extension IDSharingDetector {
    /// Thresholds of `id-sharing` (FORMATS.md §4 defaults).
    package struct Config: DetectorSettings {
        package var enabled = true
        /// Shortest shared stretch of two sessions of one cert on different terminals or venues, in minutes.
        @NonNegative package var minimumOverlapMinutes: Double = 1
        /// A cert with at least this many sessions in one venue within `windowHours` is reported.
        @AtLeastOne package var minimumSessionsInWindow = 8
        /// Length of the window of session start times, in hours.
        @NonNegative package var windowHours: Double = 24
        package static let summary = "One cert in use in two places at once, or used very often in one venue."
        package static let notes: [String: String] = [
            "minimumOverlapMinutes": "shared stretch of two sessions",
            "minimumSessionsInWindow": "sessions of one cert in one venue", "windowHours": "window of session start times",
        ]

        package init() {}
    }
}

extension DetectorID {
    package static let idSharing = DetectorID("id-sharing")
}
