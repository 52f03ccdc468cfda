import LogFormats

/// `unbilled-use` (FORMATS.md §4): a run of `INUSE` heartbeats outside every widened session of the terminal.
///
/// A run is consecutive heartbeats of one terminal (in time order), all `INUSE` and all outside every session
/// of that terminal widened by `sessionWideningMinutes` at both ends (a heartbeat exactly on a widened edge is
/// inside); any other heartbeat or a silence longer than `maxSilenceMinutes` ends it. A run whose first-to-last
/// span reaches `minimumRunMinutes` is one finding. Evidence: the first and last heartbeat of the run.
///
/// A venue with such runs and no billing session at all in the dump (FORMATS.md §4) gets one finding for the
/// whole venue instead, naming how many terminals and hours were in use and that the billing export is missing
/// or billing ran elsewhere; its evidence keeps every run's first and last heartbeat, per terminal.
/// - Complexity: O(h + s log s) per venue: heartbeats and merged sessions are swept together.
package struct UnbilledUseDetector: Detector {
    package static let id = DetectorID.unbilledUse
    private var findings: [Finding] = []

    package init() {}

    package func missingInputs(_ context: DetectionContext) -> [Wording] { [] }

    package mutating func consume(_ venue: VenueSlice, context: DetectionContext) {
        guard !venue.heartbeats.isEmpty else { return }
        let config = context.config[Self.self]
        let widening = seconds(minutes: config.sessionWideningMinutes)
        let minimumRun = seconds(minutes: config.minimumRunMinutes)
        let maxSilence = seconds(minutes: config.maxSilenceMinutes)
        let sessionsByTerminal = venue.sessions.indicesByTerminal()
        let inUse = HeartbeatState.inUse.rawValue
        var runs: [(terminal: SymbolID, first: Int, last: Int)] = []

        for (terminal, series) in venue.heartbeats where series.count > 0 {
            let covered = venue.sessions.mergedIntervals(sessionsByTerminal[terminal] ?? [], wideningSeconds: widening)
            var coverIndex = 0
            var runFirst = -1
            var runLast = -1

            func closeRun() {
                if runFirst >= 0, series.timeSeconds[runLast] - series.timeSeconds[runFirst] >= minimumRun {
                    runs.append((terminal, runFirst, runLast))
                }
                runFirst = -1
                runLast = -1
            }

            for pulseIndex in 0..<series.count {
                let time = series.timeSeconds[pulseIndex]
                while coverIndex < covered.count, covered[coverIndex].interval.upperSeconds < time { coverIndex += 1 }
                let inside = coverIndex < covered.count && covered[coverIndex].interval.lowerSeconds <= time
                if series.value[pulseIndex] == inUse, !inside {
                    if runFirst >= 0, time - series.timeSeconds[runLast] <= maxSilence {
                        runLast = pulseIndex
                    } else {
                        closeRun()
                        runFirst = pulseIndex
                        runLast = pulseIndex
                    }
                } else {
                    closeRun()
                }
            }
            closeRun()
        }
        guard !runs.isEmpty else { return }
        if venue.sessions.count == 0 {
            emitVenue(venue, runs, context)
        } else {
            for run in runs { emit(venue, run.terminal, venue.heartbeats[run.terminal]!, run.first, run.last, context) }
        }
    }

    /// One finding for a venue with no billing session at all (FORMATS.md §4): per-terminal findings would only
    /// repeat one fact, that its billing is not in the dump.
    private mutating func emitVenue(
        _ venue: VenueSlice, _ runs: [(terminal: SymbolID, first: Int, last: Int)], _ context: DetectionContext
    ) {
        var evidence: [SourceRef] = []
        var inUseSeconds: Int64 = 0
        var start = Int64.max
        var end = Int64.min
        for run in runs {
            let series = venue.heartbeats[run.terminal]!  // runs come from these series
            let first = series.timeSeconds[run.first]
            let last = series.timeSeconds[run.last]
            inUseSeconds += last - first
            start = min(start, first)
            end = max(end, last)
            evidence += [series.source[run.first], series.source[run.last]]
        }
        let terminals = Set(runs.map(\.terminal)).count
        let tenthsOfHours = (inUseSeconds * 10 + 1800) / 3600
        findings.append(
            Finding(
                detector: Self.id, severity: .high, venue: context.symbols.text(venue.venue), startSeconds: start,
                endSeconds: end,
                summary: "The audit log shows \(counted(terminals, "terminal")) in use for \(tenthsOfHours / 10)."
                    + "\(tenthsOfHours % 10) hours in all (\(counted(runs.count, "run")) of INUSE heartbeats of "
                    + "\(minutesText(seconds(minutes: context.config[Self.self].minimumRunMinutes))) or more), but the dump "
                    + "has no billing session of this venue at all: its billing export is missing, or it bills on "
                    + "another system. The evidence gives each run's first and last heartbeat.",
                summaryZh: "审计日志显示 \(terminals) 台终端共使用 \(tenthsOfHours / 10).\(tenthsOfHours % 10) 小时"
                    + "（\(runs.count) 段持续 "
                    + "\(minutesTextZh(seconds(minutes: context.config[Self.self].minimumRunMinutes)))及以上的“使用中”"
                    + "（INUSE）心跳），但本批数据中根本没有该场所的上机记录：或缺少计费导出，或在另一套系统上计费。"
                    + "证据列出每段的首末两条心跳。",
                evidence: evidence))
    }

    private mutating func emit(
        _ venue: VenueSlice, _ terminal: SymbolID, _ series: PulseSeries, _ first: Int, _ last: Int,
        _ context: DetectionContext
    ) {
        let start = series.timeSeconds[first]
        let end = series.timeSeconds[last]
        let terminalText = optionalText(terminal, context.symbols)
        findings.append(
            Finding(
                detector: Self.id, severity: .high, venue: context.symbols.text(venue.venue), terminal: terminalText,
                startSeconds: start, endSeconds: end,
                summary: "Terminal \(terminalText ?? "(unnamed)") sent \(counted(last - first + 1, "INUSE heartbeat")) "
                    + "over \(minutesText(end - start)) with no billing session covering it.",
                summaryZh: "终端 \(terminalText ?? "（无编号）") 在 \(minutesTextZh(end - start))内发出 "
                    + "\(last - first + 1) 次“使用中”（INUSE）心跳，期间没有任何计费上机记录，疑似上网未计费。",
                evidence: [series.source[first], series.source[last]]))
    }

    package mutating func finish(context: DetectionContext) -> [Finding] { findings }
}

extension UnbilledUseDetector {
    /// Thresholds of `unbilled-use` (FORMATS.md §4 defaults).
    package struct Config: DetectorSettings {
        package var enabled = true
        /// Shortest reported run, from its first to its last `INUSE` heartbeat, in minutes.
        @NonNegative package var minimumRunMinutes: Double = 10
        /// How far each session is widened at both ends before heartbeats count as outside it, in minutes.
        @NonNegative package var sessionWideningMinutes: Double = 2
        /// Longest silence between two heartbeats that still continues a run, in minutes.
        @NonNegative package var maxSilenceMinutes: Double = 5
        package static let summary = "A terminal sending INUSE heartbeats while no billing session covers it."
        package static let notes: [String: String] = [
            "minimumRunMinutes": "first to last heartbeat of a run", "sessionWideningMinutes": "at both ends of each session",
            "maxSilenceMinutes": "a longer silence ends a run",
        ]

        package init() {}
    }
}

extension DetectorID {
    package static let unbilledUse = DetectorID("unbilled-use")
}
