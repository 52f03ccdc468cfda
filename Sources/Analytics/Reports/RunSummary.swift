import Ingest
import LogFormats

/// The summary every run ends with (FORMATS.md §6): files, rows per format, quarantine per reason,
/// sessions, findings per detector, and what the rules lacked.
package struct RunSummary {
    package var files: [FileReport] = []
    package var sessionsDistinct: Int64 = 0
    package var sessionsAmountFen: Int64 = 0
    /// nil when detection did not run.
    package var findingsPerDetector: [String: Int]?
    /// Inputs a rule lacked (e.g. no registry), per detector.
    package var missingInputs: [String: [String]] = [:]
    package var missingInputsZh: [String: [String]] = [:]
    package var findingsPerVenue: [(venue: String, high: Int, medium: Int, low: Int, detectors: [String: Int])] = []
    /// 场所名称 by code, from the registry.
    package var venueNames: [String: String] = [:]
    /// The night this run read (or the latest the database holds).
    package var night: String?
    /// Findings of that night that no earlier night had (`seen_before` 0).
    package var newInLatest: Int?

    package init() {}

    /// Files whose rows count (not re-sent duplicates, nor files of which nothing was kept).
    private var countedFiles: [FileReport] { files.filter(\.keepsRows) }

    package var rowsPerFormat: [String: Int] {
        var rows: [String: Int] = [:]
        for format in Format.dumpFormats { rows[format.rawValue] = 0 }
        for file in countedFiles { if let format = file.format { rows[format.rawValue, default: 0] += file.rows } }
        return rows
    }

    package var quarantinedPerReason: [String: Int] {
        var counts: [String: Int] = [:]
        for file in countedFiles {
            for (reason, count) in file.quarantinedByReason { counts[reason.rawValue, default: 0] += count }
        }
        return counts
    }

    package var skippedPerKind: [String: Int] {
        var counts: [String: Int] = [:]
        for file in countedFiles {
            for (kind, count) in file.skippedByKind { counts[kind.rawValue, default: 0] += count }
        }
        return counts
    }

    package var unknownEvents: [String: Int] {
        var counts: [String: Int] = [:]
        for file in countedFiles { for (name, count) in file.unknownEvents { counts[name, default: 0] += count } }
        return counts
    }

    private static func object(_ pairs: [String: Int]) -> String {
        "{" + pairs.sorted { $0.key < $1.key }.map { "\(JSONText.quoted($0.key)): \($0.value)" }.joined(separator: ", ") + "}"
    }

    /// The summary as JSON, keys in a stable order.
    package func json() -> String {
        var output = "{\n  \"files\": [\n"
        output += files.map { file in
            var entry = "    {\"path\": \(JSONText.quoted(file.path)), \"format\": "
            entry += file.format.map { JSONText.quoted($0.rawValue) } ?? "null"
            entry += ", \"encoding\": \(JSONText.quoted(file.encoding.rawValue)), \"compression\": \(JSONText.quoted(file.compression.rawValue))"
            entry += ", \"status\": \(JSONText.quoted(file.status.rawValue))"
            entry += ", \"reason\": \(file.reason.map(JSONText.quoted) ?? "null")"
            entry += ", \"lines\": \(file.lines), \"rows\": \(file.rows)"
            entry += ", \"quarantined\": \(file.quarantined), \"skipped\": \(file.skipped), \"damage\": "
            if let damage = file.damage {
                entry += "{\"offset\": \(damage.offset), \"reason\": \(JSONText.quoted(damage.reason))}"
            } else {
                entry += "null"
            }
            entry += ", \"bytes\": \(file.bytes), \"content_hash\": \(JSONText.quoted(file.contentHash))"
            entry += ", \"skipped_by_kind\": \(Self.object(Dictionary(uniqueKeysWithValues: file.skippedByKind.map { ($0.key.rawValue, $0.value) })))"
            entry += ", \"quarantined_by_reason\": \(Self.object(Dictionary(uniqueKeysWithValues: file.quarantinedByReason.map { ($0.key.rawValue, $0.value) })))"
            entry += ", \"unknown_events\": \(Self.object(file.unknownEvents))"
            entry += ", \"warnings\": [\(file.warnings.map { JSONText.quoted($0.description) }.joined(separator: ", "))]}"
            return entry
        }.joined(separator: ",\n")
        output += "\n  ],\n"
        output += "  \"rows\": \(Self.object(rowsPerFormat)),\n"
        output += "  \"quarantined\": \(Self.object(quarantinedPerReason)),\n"
        output += "  \"skipped\": \(Self.object(skippedPerKind)),\n"
        output += "  \"unknown_events\": \(Self.object(unknownEvents)),\n"
        output += "  \"sessions\": {\"distinct\": \(sessionsDistinct), \"amount_fen\": \(sessionsAmountFen)},\n"
        output += "  \"night\": \(night.map(JSONText.quoted) ?? "null"),\n"
        output += "  \"new_findings\": \(newInLatest.map(String.init) ?? "null"),\n"
        output += "  \"findings\": \(findingsPerDetector.map(Self.object) ?? "{}"),\n"
        output += "  \"missing_inputs\": {"
        output += missingInputs.sorted { $0.key < $1.key }.map {
            "\(JSONText.quoted($0.key)): [\($0.value.map(JSONText.quoted).joined(separator: ", "))]"
        }.joined(separator: ", ")
        output += "}\n}\n"
        return output
    }

    /// The summary for a terminal, in `language`; file names are made safe for a terminal (`TerminalText.safe`).
    package func text(_ language: Language = .zh, topVenues: Int = 15) -> String {
        let zh = language == .zh
        var output = ""
        if let night { output += zh ? "夜次: \(night)\n" : "Night: \(night)\n" }
        if !files.isEmpty {
            let statusCounts = Dictionary(grouping: files, by: \.status).mapValues(\.count)
            let lines = files.reduce(0) { $0 + $1.lines }
            var counts: [String] = []
            for status in FileReport.Status.allCases {
                if let count = statusCounts[status] { counts.append("\(Self.statusTitle(status, language)) \(count)") }
            }
            output += zh
                ? "文件: \(files.count) 个 (" + counts.joined(separator: ", ") + "), 读入 \(lines) 行\n"
                : "Files: \(files.count) (" + counts.joined(separator: ", ") + "), \(lines) lines read\n"
            for file in files where (file.status != .ingested && file.status != .duplicate) || !file.warnings.isEmpty {
                var note = "  \(TerminalText.safe(file.path)): \(Self.statusTitle(file.status, language))"
                if let damage = file.damage {
                    note += zh ? ", 第 \(damage.offset) 字节处损坏 (\(damage.reason))" : " at byte \(damage.offset) (\(damage.reason))"
                }
                if let reason = file.reason { note += " (\(TerminalText.safe(reason)))" }
                for warning in file.warnings { note += "; \(TerminalText.safe(warning.description))" }
                output += note + "\n"
            }
            output += (zh ? "记录: " : "Rows: ")
                + rowsPerFormat.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + "\n"
            let quarantined = quarantinedPerReason
            let quarantinedTotal = quarantined.values.reduce(0, +)
            output += (zh ? "隔离的行: " : "Quarantined: ") + "\(quarantinedTotal)"
            if quarantinedTotal > 0 {
                output += " (" + quarantined.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")"
            }
            output += "\n"
            let unknown = unknownEvents
            if !unknown.isEmpty {
                output += (zh ? "未知审计事件 (已跳过): " : "Unknown audit events (skipped): ")
                    + unknown.sorted { $0.key < $1.key }.map { "\(TerminalText.safe($0.key)) \($0.value)" }
                    .joined(separator: ", ") + "\n"
            }
        }
        output += zh
            ? "上机记录: \(sessionsDistinct) 条, 消费金额 \(FieldText.yuan(sessionsAmountFen)) 元\n"
            : "Sessions: \(sessionsDistinct) distinct, \(FieldText.yuan(sessionsAmountFen)) yuan\n"
        if let findings = findingsPerDetector {
            let total = findings.values.reduce(0, +)
            output += zh ? "发现问题: \(total) 条" : "Findings: \(total)"
            if let newInLatest, let latestNight = night {
                output += zh ? " (其中 \(latestNight) 新发现 \(newInLatest) 条)" : " (\(newInLatest) new on \(latestNight))"
            }
            output += "\n"
            let missingTable = zh ? missingInputsZh : missingInputs
            for detector in DetectorID.allCases {
                let count = findings[detector.rawValue] ?? 0
                var line = "  " + detector.rawValue.padding(toLength: 16, withPad: " ", startingAt: 0) + " \(count)"
                line += "  " + detector.title(language)
                if let missing = missingTable[detector.rawValue], !missing.isEmpty {
                    line += zh ? "   (未完整运行: 缺少 \(missing.joined(separator: "; ")))" : "   (incomplete: no \(missing.joined(separator: ", ")))"
                }
                output += line + "\n"
            }
            if !findingsPerVenue.isEmpty {
                output += zh ? "场所 (问题最多的在前):\n" : "Venues, worst first:\n"
                for venue in findingsPerVenue.prefix(topVenues) {
                    let detectors = venue.detectors.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
                        .joined(separator: ", ")
                    let name = venueNames[venue.venue].map { " " + TerminalText.safe($0) } ?? ""
                    output += zh
                        ? "  \(venue.venue)\(name)  高 \(venue.high), 中 \(venue.medium), 低 \(venue.low): \(detectors)\n"
                        : "  \(venue.venue)\(name)  high \(venue.high), medium \(venue.medium), low \(venue.low): \(detectors)\n"
                }
                if findingsPerVenue.count > topVenues {
                    output += zh
                        ? "  ... 另有 \(findingsPerVenue.count - topVenues) 个场所\n"
                        : "  ... and \(findingsPerVenue.count - topVenues) more venues\n"
                }
            }
        }
        return output
    }

    /// A file status as the summary names it.
    package static func statusTitle(_ status: FileReport.Status, _ language: Language) -> String {
        guard language == .zh else { return status.rawValue }
        switch status {
        case .ingested: return "已读入"
        case .duplicate: return "重复"
        case .damaged: return "损坏"
        case .unrecognised: return "无法识别"
        case .ambiguous: return "格式不确定"
        case .noVenue: return "无场所编码"
        case .empty: return "空文件"
        case .unreadable: return "无法读取"
        }
    }
}

/// Text from inputs (file names, reasons) made safe for a terminal: control characters (C0, DEL, C1) are shown as
/// `\u{1B}`-style escapes instead of being sent raw (an escape sequence in a file name must not drive the terminal).
package enum TerminalText {
    package static func safe(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var output = ""
        for scalar in text.unicodeScalars {
            if isControl(scalar) {
                output += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                output.unicodeScalars.append(scalar)
            }
        }
        return output
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}
