import LogFormats

/// `audit-gap` (FORMATS.md §4): the audit measures not running (擅自停止实施安全技术措施).
///
/// Server events: an `AUDIT STOP` opens a stop stretch lasting until the venue's next `AUDIT START`, or the end
/// of its audit coverage; further STOPs inside it join it. One finding per stretch (evidence: its STOP lines and
/// the closing START). Each `AUDIT TAMPER` is its own finding, except one at the same second as a stretch's
/// first STOP, which joins that stretch (one case, one key).
///
/// Terminal gaps: coverage is the venue's first to last audit event. Per terminal, over the union of its
/// sessions clipped to coverage, a heartbeat gap is the time between consecutive heartbeats (any state), and
/// from the start of that time to the first heartbeat and from the last heartbeat to its end; the same for
/// `OK` snapshots. Time inside a stop stretch is cut out: it belongs to the stop's finding, and what is left
/// of a gap on either side is measured on its own. A piece of at least `maxHeartbeatGapMinutes` (heartbeats)
/// or `maxSnapshotGapMinutes` (snapshots) is a gap; overlapping gaps of one terminal, of either kind, form one
/// finding. Evidence: the pulses bounding each gap and the sessions it lies in.
/// - Complexity: O((s + p) log p) per venue: one binary search per session interval, then a linear scan.
package struct AuditGapDetector: Detector {
    package static let id = DetectorID.auditGap

    private enum GapKind { case heartbeat, snapshot }

    private struct Gap {
        var kind: GapKind
        /// Epoch seconds.
        var lowerSeconds: Int64
        /// Epoch seconds.
        var upperSeconds: Int64
        var evidence: [SourceRef]
    }

    private struct StopStretch {
        /// Epoch seconds.
        var lowerSeconds: Int64
        /// Epoch seconds.
        var upperSeconds: Int64
        var evidence: [SourceRef]
        var restarted: Bool
        var tampered = false
    }

    private var findings: [Finding] = []
    /// Venues with sessions but no audit event at all, where gaps could not be judged.
    private var venuesWithoutAudit = 0

    package init() {}

    package func missingInputs(_ context: DetectionContext) -> [Wording] {
        guard venuesWithoutAudit > 0 else { return [] }
        return [
            Wording(
                zh: "审计日志（\(venuesWithoutAudit) 个有上机记录的场所没有审计日志，未判断这些场所的审计中断）",
                en: "audit log (none for \(counted(venuesWithoutAudit, "venue")) with sessions; no gaps judged there)")
        ]
    }

    package mutating func consume(_ venue: VenueSlice, context: DetectionContext) {
        let code = context.symbols.text(venue.venue)
        let stops = stopStretches(venue, code)
        guard let coverage = venue.auditCoverage else {
            if venue.sessions.count > 0 { venuesWithoutAudit += 1 }
            return
        }
        let config = context.config[Self.self]
        let heartbeatLimit = seconds(minutes: config.maxHeartbeatGapMinutes)
        let snapshotLimit = seconds(minutes: config.maxSnapshotGapMinutes)
        let sessions = venue.sessions
        let empty = PulseSeries()

        for (terminal, indices) in sessions.indicesByTerminal() {
            var gaps: [Gap] = []
            for (interval, members) in sessions.mergedIntervals(indices, wideningSeconds: 0) {
                let lower = max(interval.lowerSeconds, coverage.lowerBound)
                let upper = min(interval.upperSeconds, coverage.upperBound)
                guard upper > lower else { continue }
                let memberSpans = members.map {
                    (sessions.startSeconds[$0], max(sessions.startSeconds[$0], sessions.endSeconds[$0]), sessions.source[$0])
                }
                if heartbeatLimit > 0 {
                    collectGaps(
                        .heartbeat, venue.heartbeats[terminal] ?? empty, okOnly: false, lower, upper, heartbeatLimit,
                        stops, memberSpans, &gaps)
                }
                if snapshotLimit > 0 {
                    collectGaps(
                        .snapshot, venue.snapshots[terminal] ?? empty, okOnly: true, lower, upper, snapshotLimit,
                        stops, memberSpans, &gaps)
                }
            }
            emitGaps(gaps, code, terminal, context)
        }
    }

    /// Stop stretches in time order, emitting their findings and the TAMPER findings.
    private mutating func stopStretches(_ venue: VenueSlice, _ code: String) -> [StopStretch] {
        let statuses = venue.auditStatuses
        guard statuses.count > 0 else { return [] }
        let order = (0..<statuses.count).sorted {
            (statuses.timeSeconds[$0], $0) < (statuses.timeSeconds[$1], $1)
        }
        let coverageEnd = venue.auditCoverage?.upperBound ?? statuses.timeSeconds[order[order.count - 1]]
        var stretches: [StopStretch] = []
        var open: StopStretch?
        var tampers: [Int] = []
        for index in order {
            let time = statuses.timeSeconds[index]
            switch statuses.status[index] {
            case .stop:
                if open == nil {
                    open = StopStretch(lowerSeconds: time, upperSeconds: time, evidence: [], restarted: false)
                }
                open!.evidence.append(statuses.source[index])
            case .start:
                if var stretch = open {
                    stretch.upperSeconds = time
                    stretch.evidence.append(statuses.source[index])
                    stretch.restarted = true
                    stretches.append(stretch)
                    open = nil
                }
            case .tamper:
                tampers.append(index)
            case .config:
                break
            }
        }
        if var stretch = open {
            stretch.upperSeconds = max(stretch.lowerSeconds, coverageEnd)
            stretches.append(stretch)
        }

        // TAMPER events at one second form one case; one at a stretch's start joins that stretch.
        var tamperGroups: [Int64: [SourceRef]] = [:]
        for index in tampers {
            let time = statuses.timeSeconds[index]
            if let stretch = stretches.firstIndex(where: { $0.lowerSeconds == time }) {
                stretches[stretch].evidence.append(statuses.source[index])
                stretches[stretch].tampered = true
            } else {
                tamperGroups[time, default: []].append(statuses.source[index])
            }
        }
        for (time, evidence) in tamperGroups {
            findings.append(
                Finding(
                    detector: Self.id, severity: .high, venue: code, startSeconds: time, endSeconds: time,
                    summary: "The venue's audit server reported TAMPER at \(CivilTime.localString(time)).",
                    summaryZh: "场所审计服务器于 \(CivilTime.localString(time)) 报告审计系统被篡改（TAMPER）。",
                    evidence: evidence))
        }
        for stretch in stretches {
            let length = minutesText(stretch.upperSeconds - stretch.lowerSeconds)
            let outcome = stretch.restarted
                ? "was restarted \(length) later" : "was not restarted before its audit log ends (\(length))"
            let lengthZh = minutesTextZh(stretch.upperSeconds - stretch.lowerSeconds)
            let outcomeZh = stretch.restarted ? "\(lengthZh)后才重新启动" : "直到审计日志结束仍未重新启动（已停止 \(lengthZh)）"
            findings.append(
                Finding(
                    detector: Self.id, severity: .high, venue: code, startSeconds: stretch.lowerSeconds,
                    endSeconds: stretch.upperSeconds,
                    summary: "The venue's audit server reported STOP\(stretch.tampered ? " and TAMPER" : "") at "
                        + "\(CivilTime.localString(stretch.lowerSeconds)) and \(outcome).",
                    summaryZh: "场所审计服务器于 \(CivilTime.localString(stretch.lowerSeconds)) 报告审计系统停止运行（STOP）"
                        + "\(stretch.tampered ? "并被篡改（TAMPER）" : "")，\(outcomeZh)，涉嫌擅自停止安全技术措施。",
                    evidence: stretch.evidence))
        }
        return stretches
    }

    /// Appends the gaps of one pulse series inside [lower, upper], with stop stretches cut out.
    private func collectGaps(
        _ kind: GapKind, _ series: PulseSeries, okOnly: Bool, _ lower: Int64, _ upper: Int64, _ limit: Int64,
        _ stops: [StopStretch], _ members: [(Int64, Int64, SourceRef)], _ gaps: inout [Gap]
    ) {
        func consider(_ from: Int64, _ to: Int64, _ fromSource: SourceRef?, _ toSource: SourceRef?) {
            guard to - from >= limit else { return }
            for piece in Self.subtract(from, to, stops) where piece.upper - piece.lower >= limit {
                var evidence: [SourceRef] = []
                if let fromSource { evidence.append(fromSource) }
                if let toSource { evidence.append(toSource) }
                for (start, end, source) in members where start < piece.upper && end > piece.lower {
                    evidence.append(source)
                }
                gaps.append(Gap(kind: kind, lowerSeconds: piece.lower, upperSeconds: piece.upper, evidence: evidence))
            }
        }
        var previousTime = lower
        var previousSource: SourceRef?
        var index = lowerBound(series.timeSeconds, lower)
        while index < series.count, series.timeSeconds[index] <= upper {
            if !okOnly || series.value[index] == 1 {
                consider(previousTime, series.timeSeconds[index], previousSource, series.source[index])
                previousTime = series.timeSeconds[index]
                previousSource = series.source[index]
            }
            index += 1
        }
        consider(previousTime, upper, previousSource, nil)
    }

    /// [from, to] minus the stop stretches (sorted, disjoint), as pieces in time order.
    private static func subtract(_ from: Int64, _ to: Int64, _ stops: [StopStretch]) -> [(lower: Int64, upper: Int64)] {
        var pieces: [(lower: Int64, upper: Int64)] = []
        var cursor = from
        var low = 0
        var high = stops.count
        while low < high {
            let middle = (low + high) / 2
            if stops[middle].upperSeconds <= from { low = middle + 1 } else { high = middle }
        }
        var index = low
        while index < stops.count, stops[index].lowerSeconds < to {
            if stops[index].lowerSeconds > cursor { pieces.append((cursor, stops[index].lowerSeconds)) }
            cursor = max(cursor, stops[index].upperSeconds)
            index += 1
        }
        if cursor < to { pieces.append((cursor, to)) }
        return pieces
    }

    private mutating func emitGaps(_ gaps: [Gap], _ code: String, _ terminal: SymbolID, _ context: DetectionContext) {
        guard !gaps.isEmpty else { return }
        let ordered = gaps.sorted { ($0.lowerSeconds, $0.upperSeconds) < ($1.lowerSeconds, $1.upperSeconds) }
        var cluster: [Gap] = []
        var clusterEnd = Int64.min
        func flush() {
            guard !cluster.isEmpty else { return }
            var parts: [String] = []
            let heartbeat = cluster.filter { $0.kind == .heartbeat }.map { $0.upperSeconds - $0.lowerSeconds }.max()
            let snapshot = cluster.filter { $0.kind == .snapshot }.map { $0.upperSeconds - $0.lowerSeconds }.max()
            var partsZh: [String] = []
            if let heartbeat {
                parts.append("no heartbeat for \(minutesText(heartbeat))")
                partsZh.append("连续 \(minutesTextZh(heartbeat))无审计心跳")
            }
            if let snapshot {
                parts.append("no OK screen capture for \(minutesText(snapshot))")
                partsZh.append("连续 \(minutesTextZh(snapshot))无成功截屏")
            }
            let terminalText = optionalText(terminal, context.symbols)
            findings.append(
                Finding(
                    detector: Self.id, severity: .medium, venue: code, terminal: terminalText,
                    startSeconds: cluster[0].lowerSeconds, endSeconds: clusterEnd,
                    summary: "Terminal \(terminalText ?? "(unnamed)") sent \(parts.joined(separator: " and ")) "
                        + "during billing sessions while the venue's audit log was running.",
                    summaryZh: "终端 \(terminalText ?? "（无编号）") 在上机期间\(partsZh.joined(separator: "、"))，"
                        + "而同期场所审计日志在正常记录，审计客户端疑被擅自停止。",
                    evidence: cluster.flatMap(\.evidence)))
            cluster = []
        }
        for gap in ordered {
            if !cluster.isEmpty, gap.lowerSeconds > clusterEnd { flush() }
            clusterEnd = cluster.isEmpty ? gap.upperSeconds : max(clusterEnd, gap.upperSeconds)
            cluster.append(gap)
        }
        flush()
    }

    package mutating func finish(context: DetectionContext) -> [Finding] { findings }
}

extension AuditGapDetector {
    /// Thresholds of `audit-gap` (FORMATS.md §4 defaults).
    package struct Config: DetectorSettings {
        package var enabled = true
        /// A terminal in a session with no heartbeat for at least this long is reported, in minutes.
        @NonNegative package var maxHeartbeatGapMinutes: Double = 15
        /// A terminal in a session with no `OK` screen capture for at least this long is reported, in minutes.
        @NonNegative package var maxSnapshotGapMinutes: Double = 30
        package static let summary = "AUDIT STOP/TAMPER, and heartbeat or OK screen-capture gaps inside sessions."
        package static let notes: [String: String] = ["maxHeartbeatGapMinutes": "a gap this long is reported", "maxSnapshotGapMinutes": "a gap this long is reported"]

        package init() {}
    }
}

extension DetectorID {
    package static let auditGap = DetectorID("audit-gap")
}
