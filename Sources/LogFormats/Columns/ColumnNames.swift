/// The header map (FORMATS.md §1, §3.6): which column names of a CSV export mean which field, per format.
///
/// It is data, not code: the names ship in `columns/column-names.tsv` (built into the binary) and an
/// analyst adds more with `--columns FILE`, without a new build. A line is
/// `format[,format...]<TAB>field<TAB>name`; `#` starts a comment; the field `-` marks a column that is
/// known but not read (a header holding it is still that format's). Names match exactly after trimming.
package struct ColumnNames: Sendable {
    /// Per format, the field index of every name (`ignoredField` for a known column that is not read).
    private var fieldByName: [Format: [String: Int]] = [:]
    /// Where each (format, name) was defined, for conflict messages.
    private var origin: [Format: [String: String]] = [:]

    /// The field index of a column that is known but not read.
    package static let ignoredField = -1

    package init() {}

    /// The field index of `name` (trimmed header text) in `format`, `ignoredField`, or nil when unknown.
    package func field(named name: String, in format: Format) -> Int? { fieldByName[format]?[name] }

    /// Every (name, field index) of a format, sorted by name (for docs and tests).
    package func names(of format: Format) -> [(name: String, field: Int)] {
        (fieldByName[format] ?? [:]).map { ($0.key, $0.value) }.sorted { $0.name < $1.name }
    }

    /// Adds the lines of a map text; `source` names the text in errors. A name already given another field
    /// of the same format is an error (it would make headers mean two things).
    package mutating func add(_ text: String, source: String) throws(ColumnNamesError) {
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = offset + 1
            var line = Substring(rawLine)
            if line.hasSuffix("\r") { line = line.dropLast() }
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            let parts = line.split(separator: "\t", omittingEmptySubsequences: true).map { trimmed($0) }
            func fail(_ message: String) -> ColumnNamesError {
                ColumnNamesError(description: "\(source) line \(lineNumber): \(message)")
            }
            guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty }) else {
                throw fail("expected format<TAB>field<TAB>column name")
            }
            for formatName in parts[0].split(separator: ",").map({ trimmed($0) }) {
                guard let format = Format(rawValue: formatName), let fields = format.columnFields else {
                    let known = Format.allCases.filter { $0.columnFields != nil }.map(\.rawValue)
                    throw fail("'\(formatName)' is not a CSV format; use one of \(known.joined(separator: ", "))")
                }
                let fieldIndex: Int
                if parts[1] == "-" {
                    fieldIndex = Self.ignoredField
                } else if let index = fields.firstIndex(of: parts[1]) {
                    fieldIndex = index
                } else {
                    throw fail("'\(parts[1])' is not a field of \(format.rawValue); use - or one of \(fields.joined(separator: ", "))")
                }
                let name = parts[2]
                if let existing = fieldByName[format]?[name], existing != fieldIndex {
                    throw fail(
                        "'\(name)' already means \(Self.fieldName(existing, fields)) in \(format.rawValue) "
                            + "(\(origin[format]?[name] ?? "earlier"))")
                }
                fieldByName[format, default: [:]][name] = fieldIndex
                origin[format, default: [:]][name] = "\(source) line \(lineNumber)"
            }
        }
    }

    private static func fieldName(_ index: Int, _ fields: [String]) -> String {
        index == ignoredField ? "-" : fields[index]
    }

    private func trimmed(_ text: Substring) -> String {
        var result = text
        while let first = result.first, first == " " || first == "\t" || first == "\u{FEFF}" { result.removeFirst() }
        while let last = result.last, last == " " || last == "\t" { result.removeLast() }
        return String(result)
    }
}

/// A header map that cannot be read: one line naming the file, the line and what is wrong.
package struct ColumnNamesError: Error, CustomStringConvertible, Sendable {
    package var description: String
}
