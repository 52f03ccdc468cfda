import LogFormats

/// `card-free-login` (FORMATS.md §4): log-on without the ID card (免刷/绕过实名).
///
/// By swipe, only in venues whose dump has at least one `SWIPE` (of any result): a session whose user type is
/// not staff (会员, 临时, or unknown when the export lacks 用户类型) needs an `OK` swipe of the same normalised cert
/// at the venue from `swipeWindowMinutes` before its start up to `swipeGraceAfterStartMinutes` after it (both
/// ends inclusive; by default a swipe at exactly the start counts and one a second later does not). A
/// member or temporary session with no cert at all cannot have been swiped and is reported too; a session of
/// unknown user type with no cert is taken for a staff card and skipped. One finding per session; evidence: the
/// session and the cert's latest earlier `OK` swipe at the venue, if any.
///
/// By process: a `PROC START` of an exe in the card-free signature list. One finding per venue, tool and terminal;
/// evidence: all its `PROC START` rows.
/// - Complexity: O((s + w) log w) per venue.
package struct CardFreeLoginDetector: Detector {
    package static let id = DetectorID.cardFreeLogin
    private var findings: [Finding] = []
    /// The normalised tool name of an exe symbol, nil when it is no listed tool; cached across venues.
    private var toolByExe: [SymbolID: String?] = [:]
    /// Venues with sessions to check but no `SWIPE` at all, where the swipe rule did not run.
    private var venuesWithoutSwipes = 0

    package init() {}

    package func missingInputs(_ context: DetectionContext) -> [Wording] {
        var missing: [Wording] = []
        if context.signatures == nil {
            missing.append(
                Wording(
                    zh: "免刷卡工具特征库（未按进程规则检查）",
                    en: "card-free-tool signatures (the process rule did not run)"))
        } else if context.signatures?.cardFreeTools.isEmpty == true {
            // The shipped list is empty (no public source names a tool): the analyst fills it from cases.
            missing.append(
                Wording(
                    zh: "特征库中的免刷卡工具（名单为空，未查找任何工具）",
                    en: "card-free tools in the signature list (it is empty, so the tool rule looked for none)"))
        }
        if venuesWithoutSwipes > 0 {
            missing.append(
                Wording(
                    zh: "刷卡记录 SWIPE（\(venuesWithoutSwipes) 个有上机记录的场所没有刷卡记录，未在这些场所按刷卡规则检查）",
                    en: "SWIPE events (none in \(counted(venuesWithoutSwipes, "venue")) with sessions; "
                        + "the swipe rule did not run there)"))
        }
        return missing
    }

    package mutating func consume(_ venue: VenueSlice, context: DetectionContext) {
        let code = context.symbols.text(venue.venue)
        if venue.swipes.count > 0 {
            checkSwipes(venue, code, context)
        } else if venue.sessions.count > 0 {
            venuesWithoutSwipes += 1
        }
        if let signatures = context.signatures { checkTools(venue, code, signatures, context) }
    }

    private mutating func checkSwipes(_ venue: VenueSlice, _ code: String, _ context: DetectionContext) {
        let config = context.config[Self.self]
        let before = seconds(minutes: config.swipeWindowMinutes)
        let after = seconds(minutes: config.swipeGraceAfterStartMinutes)
        let swipes = venue.swipes
        // OK swipes ordered by (cert, time): one binary search per session finds the cert's swipes near its start.
        var okSwipes = (0..<swipes.count).filter { swipes.result[$0] == .ok && swipes.cert[$0] != 0 }
        okSwipes.sort { (swipes.cert[$0], swipes.timeSeconds[$0], $0) < (swipes.cert[$1], swipes.timeSeconds[$1], $1) }
        let okCerts = ContiguousArray(okSwipes.map { swipes.cert[$0] })
        let okTimes = ContiguousArray(okSwipes.map { swipes.timeSeconds[$0] })

        let sessions = venue.sessions
        for index in 0..<sessions.count {
            let userType = sessions.userType[index]
            let cert = sessions.cert[index]
            if userType == .staff || (userType == .unknown && cert == 0) { continue }
            let start = sessions.startSeconds[index]
            var latestEarlier: Int?
            if cert != 0 {
                // First OK swipe of this cert at or after (start - before).
                var low = 0
                var high = okCerts.count
                while low < high {
                    let middle = (low + high) / 2
                    if (okCerts[middle], okTimes[middle]) < (cert, start - before) { low = middle + 1 } else { high = middle }
                }
                if low < okCerts.count, okCerts[low] == cert, okTimes[low] <= start + after { continue }
                // The latest swipe before the window, for the analyst to see how far off it was.
                var probe = low
                while probe < okCerts.count, okCerts[probe] == cert, okTimes[probe] <= start { probe += 1 }
                if probe > 0, okCerts[probe - 1] == cert, okTimes[probe - 1] <= start { latestEarlier = probe - 1 }
            }
            var evidence = [sessions.source[index]]
            let detail: String
            let detailZh: String
            if let latestEarlier {
                evidence.append(swipes.source[okSwipes[latestEarlier]])
                detail = "the cert's latest OK swipe here was \(minutesText(start - okTimes[latestEarlier])) earlier"
                detailZh = "该证件在本场所最近一次成功刷卡是在上机前 \(minutesTextZh(start - okTimes[latestEarlier]))"
            } else if cert == 0 {
                detail = "the session has no cert at all"
                detailZh = "该上机记录没有登记任何证件"
            } else {
                detail = "the cert has no earlier OK swipe here in the dump"
                detailZh = "本批数据中该证件此前在本场所没有成功刷卡记录"
            }
            let terminal = optionalText(sessions.terminal[index], context.symbols)
            findings.append(
                Finding(
                    detector: Self.id, severity: .medium, venue: code, terminal: terminal,
                    cert: optionalText(cert, context.symbols), startSeconds: start,
                    endSeconds: max(start, sessions.endSeconds[index]),
                    summary: "A session on terminal \(terminal ?? "(unnamed)") started with no OK ID-card swipe "
                        + "in the \(minutesText(before)) before it; \(detail).",
                    summaryZh: "终端 \(terminal ?? "（无编号）") 的一条上机记录开始前 \(minutesTextZh(before))内"
                        + "没有成功刷身份证的记录，疑似免刷卡上网；\(detailZh)。",
                    evidence: evidence))
        }
    }

    private mutating func checkTools(
        _ venue: VenueSlice, _ code: String, _ signatures: Signatures, _ context: DetectionContext
    ) {
        let processes = venue.processes
        let startsByTool = processes.starts(
            groupedBy: { exe in
                let name = context.symbols.text(exe)
                return signatures.isCardFreeTool(name) ? Signatures.normalisedExe(name) : nil
            }, cache: &toolByExe)
        for tool in startsByTool.keys.sorted() {
            // One finding per terminal the tool ran on: each is a machine that let customers on unregistered.
            let byTerminal = Dictionary(grouping: startsByTool[tool]!) { processes.terminal[$0] }
            for (terminal, indices) in byTerminal {
                let starts = indices.sorted { (processes.timeSeconds[$0], $0) < (processes.timeSeconds[$1], $1) }
                let terminalText = optionalText(terminal, context.symbols)
                findings.append(
                    Finding(
                        detector: Self.id, severity: .high, venue: code, terminal: terminalText,
                        startSeconds: processes.timeSeconds[starts[0]],
                        endSeconds: processes.timeSeconds[starts[starts.count - 1]],
                        summary: "The card-free log-on tool \(tool) started \(counted(starts.count, "time")) on "
                            + "terminal \(terminalText ?? "?").",
                        summaryZh: "终端 \(terminalText ?? "（无编号）") 上的免刷卡上网工具 \(tool) 启动了 "
                            + "\(starts.count) 次。",
                        evidence: starts.map { processes.source[$0] }))
            }
        }
    }

    package mutating func finish(context: DetectionContext) -> [Finding] { findings }
}

extension CardFreeLoginDetector {
    /// Thresholds of `card-free-login` (FORMATS.md §4 defaults).
    package struct Config: DetectorSettings {
        package var enabled = true
        /// How long before a session starts an `OK` swipe of its cert still counts, in minutes.
        @NonNegative package var swipeWindowMinutes: Double = 30
        /// How long after a session starts a swipe still counts (clock skew between billing and audit), in
        /// minutes; the contract says "before", so 0.
        @NonNegative package var swipeGraceAfterStartMinutes: Double = 0
        package static let summary = "Member or temporary sessions with no OK swipe of the cert, and card-free tools."
        package static let notes: [String: String] = ["swipeWindowMinutes": "before the session starts", "swipeGraceAfterStartMinutes": "after the start, for clock skew"]

        package init() {}
    }
}

extension DetectorID {
    package static let cardFreeLogin = DetectorID("card-free-login")
}
