import LogFormats

/// `second-billing` (FORMATS.md §4): a second billing system (二套计费软件).
///
/// By process: every `PROC START` whose exe is in the billing-client signature list names a billing system.
/// A system other than the venue's registered 计费系统 is foreign (names compared case- and space-insensitively,
/// and one containing the other counts as the same, so `Pubwin` matches `Pubwin 2015`). Without a registry
/// entry the venue's home system is the one with the most `PROC START` events, ties to the alphabetically
/// first name. One finding per venue, foreign system and terminal; evidence: its `PROC START` rows there.
///
/// By log-ons: an `ONLINE` with a terminal is orphaned when no session of that terminal starts within
/// `logonMatchMinutes` before or after it (inclusive). A venue with at least `minimumOrphanedLogons` orphaned
/// log-ons is one finding; evidence: those `ONLINE` rows. A venue whose dump has no billing session at all is
/// judged the same way (every log-on is orphaned), and the summary names the other reading: a missing export.
/// - Complexity: O(p + o log s) per venue.
package struct SecondBillingDetector: Detector {
    package static let id = DetectorID.secondBilling
    private var findings: [Finding] = []
    /// Billing system per exe symbol, cached across venues (nil when the exe is not a billing client).
    private var systemByExe: [SymbolID: String?] = [:]

    package init() {}

    package func missingInputs(_ context: DetectionContext) -> [Wording] {
        var missing: [Wording] = []
        if context.signatures == nil {
            missing.append(
                Wording(
                    zh: "计费客户端特征库（未按进程规则检查）",
                    en: "billing-client signatures (the process rule did not run)"))
        }
        if context.registry == nil {
            missing.append(
                Wording(
                    zh: "场所登记资料（以各场所运行最多的计费客户端为准判断二套计费）",
                    en: "registry (foreign billing clients were judged against each venue's most-run client)"))
        }
        return missing
    }

    package mutating func consume(_ venue: VenueSlice, context: DetectionContext) {
        let code = context.symbols.text(venue.venue)
        if let signatures = context.signatures { checkProcesses(venue, code, signatures, context) }
        checkLogons(venue, code, context)
    }

    private mutating func checkProcesses(
        _ venue: VenueSlice, _ code: String, _ signatures: Signatures, _ context: DetectionContext
    ) {
        let processes = venue.processes
        let startsBySystem = processes.starts(
            groupedBy: { signatures.billingSystem(forExe: context.symbols.text($0)) }, cache: &systemByExe)
        guard !startsBySystem.isEmpty else { return }

        let registered = context.registry?.venues[code]?.billingSystem ?? ""
        let home: String
        let homeIsRegistered = !Self.normalised(registered).isEmpty
        if homeIsRegistered {
            home = registered
        } else {
            home = startsBySystem.max { lhs, rhs in
                (lhs.value.count, rhs.key) < (rhs.value.count, lhs.key)
            }!.key
        }
        let against = homeIsRegistered
            ? "the venue's registered billing system is \(home)"
            : "the venue mostly runs the client of \(home) (no registered billing system)"
        let againstZh = homeIsRegistered
            ? "场所登记的计费系统是“\(home)”" : "场所主要运行的是“\(home)”的客户端（未登记计费系统）"
        for system in startsBySystem.keys.sorted() where !Self.sameSystem(system, home) {
            // One finding per terminal the foreign client ran on: each is a machine an inspector must see.
            let byTerminal = Dictionary(grouping: startsBySystem[system]!) { processes.terminal[$0] }
            for (terminal, indices) in byTerminal {
                let starts = indices.sorted { (processes.timeSeconds[$0], $0) < (processes.timeSeconds[$1], $1) }
                let exeNames = Set(starts.map { processes.exe[$0] }).map { context.symbols.text($0) }.sorted()
                let terminalText = optionalText(terminal, context.symbols)
                findings.append(
                    Finding(
                        detector: Self.id, severity: .high, venue: code, terminal: terminalText,
                        startSeconds: processes.timeSeconds[starts[0]],
                        endSeconds: processes.timeSeconds[starts[starts.count - 1]],
                        summary: "The billing client of \(system) (\(listed(exeNames))) started "
                            + "\(counted(starts.count, "time")) on terminal \(terminalText ?? "?"), but \(against).",
                        summaryZh: "终端 \(terminalText ?? "（无编号）") 上“\(system)”的计费客户端（\(listedZh(exeNames))）"
                            + "启动了 \(starts.count) 次，而\(againstZh)，疑似二套计费。",
                        evidence: starts.map { processes.source[$0] }))
            }
        }
    }

    private mutating func checkLogons(_ venue: VenueSlice, _ code: String, _ context: DetectionContext) {
        let config = context.config[Self.self]
        let logons = venue.logons
        // A venue with log-ons and no billing session at all is reported too (FORMATS.md §4 read literally):
        // it bills on another system, or its billing export is missing; the summary says which it may be.
        guard logons.count > 0 else { return }
        let window = seconds(minutes: config.logonMatchMinutes)
        let sessionsByTerminal = venue.sessions.indicesByTerminal()
        var startsByTerminal: [SymbolID: [Int64]] = [:]
        for (terminal, indices) in sessionsByTerminal {
            startsByTerminal[terminal] = indices.map { venue.sessions.startSeconds[$0] }
        }
        var orphans: [Int] = []
        for index in 0..<logons.count where logons.isOnline[index] && logons.terminal[index] != 0 {
            let time = logons.timeSeconds[index]
            let starts = startsByTerminal[logons.terminal[index]] ?? []
            let candidate = lowerBound(starts, time - window)
            if candidate < starts.count, starts[candidate] <= time + window { continue }
            orphans.append(index)
        }
        guard orphans.count >= config.minimumOrphanedLogons else { return }
        orphans.sort { (logons.timeSeconds[$0], $0) < (logons.timeSeconds[$1], $1) }
        let terminals = Set(orphans.map { logons.terminal[$0] }).map { context.symbols.text($0) }.sorted()
        findings.append(
            Finding(
                detector: Self.id, severity: .medium, venue: code,
                startSeconds: logons.timeSeconds[orphans[0]], endSeconds: logons.timeSeconds[orphans[orphans.count - 1]],
                summary: "The audit client saw \(counted(orphans.count, "log-on")) on terminals \(listed(terminals)) "
                    + "with no billing session starting within \(minutesText(window)) of them"
                    + (venue.sessions.count == 0
                        ? "; the dump has no billing session of this venue at all (a second billing system, or a "
                            + "missing export)." : "."),
                summaryZh: "审计客户端记录到 \(orphans.count) 次上线（终端 \(listedZh(terminals))），前后 "
                    + "\(minutesTextZh(window))内均无计费上机记录开始"
                    + (venue.sessions.count == 0
                        ? "；本批数据中根本没有该场所的上机记录（可能使用二套计费，或缺少计费导出）。"
                        : "，疑似二套计费。"),
                evidence: orphans.map { logons.source[$0] }))
    }

    package mutating func finish(context: DetectionContext) -> [Finding] { findings }

    /// Lower case with all white space removed.
    static func normalised(_ name: String) -> String {
        String(name.lowercased().unicodeScalars.filter { !$0.properties.isWhitespace }.map(Character.init))
    }

    /// Whether two billing system names mean the same system (equal, or one contains the other, normalised).
    static func sameSystem(_ lhs: String, _ rhs: String) -> Bool {
        let left = normalised(lhs)
        let right = normalised(rhs)
        guard !left.isEmpty, !right.isEmpty else { return left == right }
        return left == right || left.contains(right) || right.contains(left)
    }
}

extension SecondBillingDetector {
    /// Thresholds of `second-billing` (FORMATS.md §4 defaults).
    package struct Config: DetectorSettings {
        package var enabled = true
        /// An `ONLINE` is orphaned when no session of its terminal starts within this many minutes of it.
        @NonNegative package var logonMatchMinutes: Double = 5
        /// A venue with at least this many orphaned log-ons is reported.
        @AtLeastOne package var minimumOrphanedLogons = 3
        package static let summary = "Foreign billing clients (signature list) and audit log-ons with no billing session."
        package static let notes: [String: String] = ["logonMatchMinutes": "before or after the ONLINE", "minimumOrphanedLogons": "per venue"]

        package init() {}
    }
}

extension DetectorID {
    package static let secondBilling = DetectorID("second-billing")
}
