import Foundation
import ShippedData

/// The rule-to-article table of the notice drafts (FORMATS.md §8): which law and article each detector's findings
/// break, with what it requires and its penalty in plain words. It is data an officer can correct without a new
/// build: `reports/legal-basis.tsv` is built into the binary, and a copy can be given instead (`--legal-basis`).
package struct LegalBasis: Sendable, Equatable {
    /// One citation.
    package struct Entry: Sendable, Equatable {
        /// The detector id (`id-sharing`).
        package var detector: String
        /// The law, e.g. 《互联网上网服务营业场所管理条例》.
        package var law: String
        /// The article, e.g. 第二十三条、第三十一条第（三）项.
        package var article: String
        /// What the article requires and its penalty, in Chinese.
        package var text: String
        /// The same in English; empty when the table gives none.
        package var textEnglish: String
        /// The 1-based line of the table it came from.
        package var line: Int
    }

    /// Rows in table order.
    package var entries: [Entry]
    /// Where the table came from (a path, or `reports/legal-basis.tsv (built in)`).
    package var source: String

    /// The citations of one detector, in table order (empty when the table names none).
    package func entries(for detector: String) -> [Entry] { entries.filter { $0.detector == detector } }

    /// The table built into the binary. A test parses it, so a bad shipped row fails the build's tests, not a run.
    package static func shipped() -> LegalBasis {
        do {
            return try parse(text: ShippedData.legalBasis, source: shippedSource)
        } catch {
            preconditionFailure("the built-in legal basis table is invalid: \(error.description)")
        }
    }

    /// The `source` of the built-in table.
    package static let shippedSource = "reports/legal-basis.tsv (built in)"

    /// The table at `path` (an officer's copy), or the built-in one when `path` is nil.
    package static func load(path: String?) throws(LegalBasisError) -> LegalBasis {
        guard let path else { return shipped() }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw LegalBasisError(source: path, line: nil, reason: "The file cannot be read.")
        }
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        // Only UTF-8: a GBK save from a Windows editor would garble every article name.
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw LegalBasisError(source: path, line: nil, reason: "The file is not UTF-8 text; save it as UTF-8.")
        }
        return try parse(text: text, source: path)
    }

    /// Parses a table: lines `detector<TAB>law<TAB>article<TAB>text[<TAB>English text]`; lines whose first
    /// non-blank character is `#` and blank lines are skipped. A row with another number of fields, an empty
    /// field, or a detector id netbar does not have is an error naming `source` and the line.
    package static func parse(text: String, source: String) throws(LegalBasisError) -> LegalBasis {
        let known = Set(DetectorList.types.map { $0.id.rawValue })
        var entries: [Entry] = []
        for (offset, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let lineNumber = offset + 1
            let trimmed = rawLine.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let fields = rawLine.split(separator: "\t", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count == 4 || fields.count == 5 else {
                throw LegalBasisError(
                    source: source, line: lineNumber,
                    reason: "Expected 4 or 5 tab-separated fields (detector id, law, article, text, optional English "
                        + "text), found \(fields.count).")
            }
            let names = ["detector id", "law", "article", "text"]
            for (index, name) in names.enumerated() where fields[index].isEmpty {
                throw LegalBasisError(source: source, line: lineNumber, reason: "The \(name) field is empty.")
            }
            guard known.contains(fields[0]) else {
                throw LegalBasisError(
                    source: source, line: lineNumber,
                    reason: "Unknown detector id '\(fields[0])'; known ids: \(known.sorted().joined(separator: ", ")).")
            }
            entries.append(
                Entry(
                    detector: fields[0], law: fields[1], article: fields[2], text: fields[3],
                    textEnglish: fields.count == 5 ? fields[4] : "", line: lineNumber))
        }
        return LegalBasis(entries: entries, source: source)
    }
}

/// A legal-basis table that cannot be used: which file, which line (nil for the file as a whole) and why.
package struct LegalBasisError: Error, CustomStringConvertible, Equatable {
    /// The file (or `reports/legal-basis.tsv (built in)`).
    package var source: String
    /// The 1-based line, nil when the file as a whole is at fault (unreadable, not UTF-8).
    package var line: Int?
    /// One English sentence.
    package var reason: String

    package init(source: String, line: Int?, reason: String) {
        self.source = source
        self.line = line
        self.reason = reason
    }

    package var description: String {
        "Legal basis table \(source)\(line.map { " line \($0)" } ?? ""): \(reason)"
    }
}
