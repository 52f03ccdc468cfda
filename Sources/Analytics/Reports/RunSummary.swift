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
    package var findingsPerVenue: [(venue: String, high: Int, medium: Int, low: Int, detectors: [String: Int])] = []

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
        output += "  \"findings\": \(findingsPerDetector.map(Self.object) ?? "{}"),\n"
        output += "  \"missing_inputs\": {"
        output += missingInputs.sorted { $0.key < $1.key }.map {
            "\(JSONText.quoted($0.key)): [\($0.value.map(JSONText.quoted).joined(separator: ", "))]"
        }.joined(separator: ", ")
        output += "}\n}\n"
        return output
    }

    /// The summary for a terminal.
    package func text(topVenues: Int = 15) -> String {
        var output = ""
        let statusCounts = Dictionary(grouping: files, by: \.status).mapValues(\.count)
        let lines = files.reduce(0) { $0 + $1.lines }
        output += "Files: \(files.count) ("
        var counts: [String] = []
        for status in FileReport.Status.allCases {
            if let count = statusCounts[status] { counts.append("\(count) \(status.rawValue)") }
        }
        output += counts.joined(separator: ", ") + "), \(lines) lines read\n"
        for file in files where (file.status != .ingested && file.status != .duplicate) || !file.warnings.isEmpty {
            var note = "  \(file.path): \(file.status.rawValue)"
            if let damage = file.damage { note += " at byte \(damage.offset) (\(damage.reason))" }
            if let reason = file.reason { note += " (\(reason))" }
            for warning in file.warnings { note += "; \(warning)" }
            output += note + "\n"
        }
        output += "Rows: " + rowsPerFormat.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + "\n"
        let quarantined = quarantinedPerReason
        let quarantinedTotal = quarantined.values.reduce(0, +)
        output += "Quarantined: \(quarantinedTotal)"
        if quarantinedTotal > 0 {
            output += " (" + quarantined.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")"
        }
        output += "\n"
        let unknown = unknownEvents
        if !unknown.isEmpty {
            output += "Unknown audit events (skipped): "
                + unknown.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + "\n"
        }
        output += "Sessions: \(sessionsDistinct) distinct, \(FieldText.yuan(sessionsAmountFen)) yuan\n"
        if let findings = findingsPerDetector {
            let total = findings.values.reduce(0, +)
            output += "Findings: \(total)\n"
            for detector in DetectorID.allCases {
                let count = findings[detector.rawValue] ?? 0
                var line = "  " + detector.rawValue.padding(toLength: 16, withPad: " ", startingAt: 0) + " \(count)"
                if let missing = missingInputs[detector.rawValue], !missing.isEmpty {
                    line += "   (incomplete: no \(missing.joined(separator: ", ")))"
                }
                output += line + "\n"
            }
            if !findingsPerVenue.isEmpty {
                output += "Venues, worst first:\n"
                for venue in findingsPerVenue.prefix(topVenues) {
                    let detectors = venue.detectors.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
                        .joined(separator: ", ")
                    output += "  \(venue.venue)  high \(venue.high), medium \(venue.medium), low \(venue.low): \(detectors)\n"
                }
                if findingsPerVenue.count > topVenues {
                    output += "  ... and \(findingsPerVenue.count - topVenues) more venues\n"
                }
            }
        }
        return output
    }
}
