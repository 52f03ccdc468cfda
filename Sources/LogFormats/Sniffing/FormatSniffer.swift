/// What a file's first lines say its format is.
package enum SniffResult: Sendable, Equatable {
    case format(Format)
    /// The first header row fits several formats alike (FORMATS.md §1: reported, not guessed).
    case ambiguous([Format], line: Int)
    /// No line decided; the reason says what came closest.
    case unrecognised(reason: String)
}

/// Recognises a file's format from its content (FORMATS.md §1: names carry no meaning).
///
/// Lines are looked at in order. An audit line decides its format by its structure (a JSON object with an
/// `"event"` key; `time|14-digit venue|EVENT|…`). A CSV format is decided by its header row alone: the first
/// record whose trimmed fields are all names of one format and hold its required columns (`HeaderFit`); where
/// two formats fit, `Format.precedence` settles the pairs the contract settles, and any other tie is ambiguous.
/// Anything else (title lines, whatever they hold) decides nothing.
package enum FormatSniffer {
    /// Lines looked at before giving up (title lines may precede a header).
    package static let maximumLines = 1000

    /// The format of the text whose first lines are `text` (UTF-8).
    package static func sniff(_ text: UnsafeRawBufferPointer, names: ColumnNames) -> SniffResult {
        var closest: (fit: HeaderFit, format: Format, line: Int)?
        var result: SniffResult?
        forEachLine(text) { line, number in
            if isJSONLine(line) {
                result = .format(.auditJSONL)
                return false
            }
            if isPipeLine(line) {
                result = .format(.auditPipe)
                return false
            }
            let record = CSVRecordFramer.singleLine(line, number: number)
            var fitting: [Format] = []
            for format in Format.allCases {
                guard let shape = format.tableShape else { continue }
                let fit = HeaderFit.of(record, format: format, shape: shape, names: names)
                if fit.isHeader {
                    fitting.append(format)
                } else if fit.missing.isEmpty, fit.knownCount > (closest?.fit.knownCount ?? 0) {
                    closest = (fit, format, number)
                }
            }
            for (winner, loser) in Format.precedence where fitting.contains(winner) {
                fitting.removeAll { $0 == loser }
            }
            if fitting.count == 1 {
                result = .format(fitting[0])
                return false
            }
            if fitting.count > 1 {
                result = .ambiguous(fitting, line: number)
                return false
            }
            return true
        }
        if let result { return result }
        var reason = "no header row of a known format and no audit line in the first \(maximumLines) lines"
        if let closest {
            reason += "; line \(closest.line) would be a \(closest.format.rawValue) header but for the unknown "
                + "columns \(closest.fit.unknown.prefix(8).joined(separator: ", ")) (add them to the header map with "
                + "--columns FILE, or give --format \(closest.format.rawValue))"
        }
        return .unrecognised(reason: reason)
    }

    /// Whether the first line that decides anything is an audit-jsonl line: checked on the raw bytes (its
    /// structure is ASCII), so that the encoding can be chosen knowing the text is JSON (RFC 8259: UTF-8).
    package static func looksLikeJSONLines(_ raw: UnsafeRawBufferPointer) -> Bool {
        var isJSON = false
        forEachLine(raw) { line, _ in
            if isJSONLine(line) {
                isJSON = true
                return false
            }
            return !isPipeLine(line)
        }
        return isJSON
    }

    /// Calls `body` with each trimmed, non-blank, non-comment line and its number until it returns false.
    private static func forEachLine(_ text: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer, Int) -> Bool) {
        guard let base = text.baseAddress else { return }
        var lineStart = 0
        var number = 0
        while lineStart < text.count, number < maximumLines {
            let lineEnd = ByteSearch.first(0x0A, in: base, from: lineStart, to: text.count) ?? text.count
            number += 1
            var line = UnsafeRawBufferPointer(rebasing: text[lineStart..<lineEnd])
            lineStart = lineEnd + 1
            if line.last == 0x0D { line = UnsafeRawBufferPointer(rebasing: line[0..<(line.count - 1)]) }
            if number == 1, line.hasPrefix("\u{FEFF}") { line = UnsafeRawBufferPointer(rebasing: line[3...]) }
            line = line.trimmed()
            if line.isEmpty || line.first == UInt8(ascii: "#") { continue }
            if !body(line, number) { return }
        }
    }

    /// `{…}` holding an `"event"` key (FORMATS.md §3.4).
    private static func isJSONLine(_ line: UnsafeRawBufferPointer) -> Bool {
        guard line.first == UInt8(ascii: "{"), line.last == UInt8(ascii: "}"), let base = line.baseAddress else {
            return false
        }
        let key = Array("\"event\"".utf8)
        var index = 0
        while let quote = ByteSearch.first(0x22, in: base, from: index, to: line.count) {
            if quote + key.count <= line.count, key.indices.allSatisfy({ line[quote + $0] == key[$0] }) { return true }
            index = quote + 1
        }
        return false
    }

    /// `time|venue|EVENT|…` with a time, a 14-digit venue and an EVENT of letters (FORMATS.md §3.3).
    private static func isPipeLine(_ line: UnsafeRawBufferPointer) -> Bool {
        guard let base = line.baseAddress, let first = ByteSearch.first(0x7C, in: base, from: 0, to: line.count),
            let second = ByteSearch.first(0x7C, in: base, from: first + 1, to: line.count),
            FieldParser.timestamp(UnsafeRawBufferPointer(rebasing: line[0..<first])) != nil,
            FieldParser.isVenueCode(UnsafeRawBufferPointer(rebasing: line[(first + 1)..<second]).trimmed())
        else { return false }
        let eventEnd = ByteSearch.first(0x7C, in: base, from: second + 1, to: line.count) ?? line.count
        let event = UnsafeRawBufferPointer(rebasing: line[(second + 1)..<eventEnd]).trimmed()
        return !event.isEmpty && event.allSatisfy { ($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A || $0 == 0x5F }
    }
}
