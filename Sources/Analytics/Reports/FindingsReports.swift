import Ingest
import LogFormats

/// Renders stored findings (FORMATS.md §5). Every report is made from findings; certs are masked unless
/// the analyst asks for them.
package struct FindingsRenderer {
    package var findings: [FindingRow]
    /// File id → path, for evidence.
    package var paths: [Int64: String]
    package var revealCerts: Bool
    /// The language of summaries (FORMATS.md §7: keys and ids are the same in both).
    package var language: Language

    package init(findings: [FindingRow], paths: [Int64: String], revealCerts: Bool, language: Language = .zh) {
        self.findings = findings
        self.paths = paths
        self.revealCerts = revealCerts
        self.language = language
    }

    private func summaryText(_ finding: FindingRow) -> String {
        language == .zh ? (finding.summaryZh ?? finding.summary) : finding.summary
    }

    /// First 6 and last 4 characters kept (FORMATS.md §5); shorter numbers keep proportionally less.
    package static func mask(_ cert: String) -> String { EvidenceMasking.maskCert(cert) }

    private func certText(_ cert: String?) -> String? {
        guard let cert, !cert.isEmpty else { return nil }
        return revealCerts ? cert : Self.mask(cert)
    }

    /// JSON Lines, one finding a line, keys in the contract's order.
    package func jsonLines() -> String {
        var output = ""
        jsonLines { output += $0 }
        return output
    }

    /// The JSON Lines handed to `put` a piece of about `pieceBytes` at a time (whole lines), so that a night of a
    /// million findings is written out as it is made rather than held as one string.
    package func jsonLines<Failure: Error>(
        pieceBytes: Int = 1 << 20, _ put: (String) throws(Failure) -> Void
    ) throws(Failure) {
        var output = ""
        for finding in findings {
            var line = "{\"detector\":\(JSONText.quoted(finding.detector)),\"severity\":\(JSONText.quoted(finding.severity))"
            line += ",\"venue\":\(JSONText.quoted(finding.venue))"
            if let terminal = finding.terminal, !terminal.isEmpty { line += ",\"terminal\":\(JSONText.quoted(terminal))" }
            if let cert = certText(finding.cert) { line += ",\"cert\":\(JSONText.quoted(cert))" }
            if let address = finding.address { line += ",\"address\":\(JSONText.quoted(address))" }
            line += ",\"start\":\"\(CivilTime.iso8601(finding.startSeconds))\",\"end\":\"\(CivilTime.iso8601(finding.endSeconds))\""
            line += ",\"night\":\(finding.night.map(JSONText.quoted) ?? "null"),\"seen_before\":\(finding.seenBefore)"
            line += ",\"summary\":\(JSONText.quoted(summaryText(finding))),\"evidence\":["
            line += finding.evidence.map { "{\"file\":\(JSONText.quoted(paths[$0.fileID] ?? "?")),\"line\":\($0.line)}" }
                .joined(separator: ",")
            line += "],\"id\":\(JSONText.quoted(Self.identifier(finding.key)))}\n"
            output += line
            if output.utf8.count >= pieceBytes {
                try put(output)
                output = ""
            }
        }
        if !output.isEmpty { try put(output) }
    }

    /// A short stable id of a finding's key, for analysts to refer to a case.
    package static func identifier(_ key: String) -> String { FindingRow.identifier(key) }

    /// A CSV cell: quoted when needed, and never the start of a spreadsheet formula (a cell from an input that
    /// begins with `=`, `+`, `-`, `@`, tab or CR gets a leading `'`, the OWASP rule).
    static func csvField(_ text: String) -> String {
        var text = text
        if let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { text = "'" + text }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// CSV with a header row, for spreadsheets (UTF-8 with BOM so that Excel reads the Chinese right).
    package func csv() -> String {
        var output = ""
        csv { output += $0 }
        return output
    }

    /// The CSV handed to `put` a piece of about `pieceBytes` at a time (whole rows), as `jsonLines(pieceBytes:_:)`.
    package func csv<Failure: Error>(pieceBytes: Int = 1 << 20, _ put: (String) throws(Failure) -> Void) throws(Failure) {
        var output = "\u{FEFF}detector,severity,venue,terminal,cert,address,start,end,night,seen_before,summary,evidence\r\n"
        for finding in findings {
            let evidence = finding.evidence.map { "\(paths[$0.fileID] ?? "?"):\($0.line)" }.joined(separator: " ")
            let fields = [
                finding.detector, finding.severity, finding.venue, finding.terminal ?? "", certText(finding.cert) ?? "",
                finding.address ?? "", CivilTime.localString(finding.startSeconds), CivilTime.localString(finding.endSeconds), finding.night ?? "", "\(finding.seenBefore)", summaryText(finding),
                evidence,
            ]
            output += fields.map(Self.csvField).joined(separator: ",") + "\r\n"
            if output.utf8.count >= pieceBytes {
                try put(output)
                output = ""
            }
        }
        if !output.isEmpty { try put(output) }
    }

    /// Text for HTML: markup characters as entities, and control characters other than tab and line breaks shown as
    /// `\u{1B}` (an escape byte in a venue name is no character a page should carry raw).
    package static func htmlEscape(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&#39;"
            case "\t", "\n", "\r": output.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                    output += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        return output
    }

    /// Venues ordered worst first: most high findings, then medium, then low.
    package func venuesWorstFirst() -> [(venue: String, high: Int, medium: Int, low: Int, detectors: [String: Int])] {
        var table: [String: (high: Int, medium: Int, low: Int, detectors: [String: Int])] = [:]
        for finding in findings {
            // Changed where it lies: a copy taken out and put back copied the venue's table of detectors each time.
            switch finding.severity {
            case "high": table[finding.venue, default: (0, 0, 0, [:])].high += 1
            case "medium": table[finding.venue, default: (0, 0, 0, [:])].medium += 1
            default: table[finding.venue, default: (0, 0, 0, [:])].low += 1
            }
            table[finding.venue, default: (0, 0, 0, [:])].detectors[finding.detector, default: 0] += 1
        }
        return table.map { (venue: $0.key, high: $0.value.high, medium: $0.value.medium, low: $0.value.low, detectors: $0.value.detectors) }
            .sorted {
                ($0.high, $0.medium, $0.low, $1.venue) > ($1.high, $1.medium, $1.low, $0.venue)
            }
    }
}
