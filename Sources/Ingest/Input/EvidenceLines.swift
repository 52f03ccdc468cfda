import Glibc
import LogFormats

/// A source line: file id and 1-based line of the decompressed text (STYLE.md §3: provenance rides with the data).
package struct EvidenceKey: Hashable, Sendable {
    package var fileID: Int64
    package var line: Int64

    package init(fileID: Int64, line: Int64) {
        self.fileID = fileID
        self.line = line
    }
}

/// A stored file that evidence may point into, as ingest remembered it.
package struct EvidenceSource: Sendable, Equatable {
    package var fileID: Int64
    /// The path as the analyst gave it at ingest.
    package var path: String
    /// Hash of the decompressed bytes at ingest (`ContentHash`), to tell whether the file is still the same.
    package var contentHash: String
    package var format: Format?

    package init(fileID: Int64, path: String, contentHash: String, format: Format?) {
        self.fileID = fileID
        self.path = path
        self.contentHash = contentHash
        self.format = format
    }
}

/// The source lines of findings' evidence, read again for a report, with personal data masked.
package struct EvidenceText: Sendable {
    /// Masked text by source line.
    package var lines: [EvidenceKey: String] = [:]
    /// Files evidence points into that are gone, unreadable or changed since ingest: their lines have no text.
    package var unavailable: Set<Int64> = []

    package init() {}
}

/// Reads the source lines findings cite (FORMATS.md §5 evidence) from the files they came from, so that a report can
/// show the analyst the line itself. A file is read again only when it still holds what was ingested (same content
/// hash): a line number into a changed file would point at another row. Certs and names in the text are masked
/// (see `EvidenceMasking`) whatever the report's `--reveal-certs`, since a report travels further than the database.
package enum EvidenceLines {
    /// Lines read per finding (its first evidence references).
    package static let linesPerFinding = 5
    /// Lines read for one report in all, so that a report of thousands of findings stays quick and small.
    package static let totalLines = 20_000
    /// Characters kept of one line (a line may be up to 1 MiB).
    package static let maximumLineCharacters = 2_000

    /// The lines to read: the first `perFinding` references of each finding, in the findings' order (a report
    /// lists high severity first, so those get their text when `total` bites), at most `total` distinct lines.
    package static func wanted(_ evidence: [[EvidenceKey]], perFinding: Int, total: Int) -> [Int64: Set<Int64>] {
        var lines: [Int64: Set<Int64>] = [:]
        var count = 0
        for references in evidence {
            for key in references.prefix(perFinding) where count < total {
                if lines[key.fileID, default: []].insert(key.line).inserted { count += 1 }
            }
            if count >= total { break }
        }
        return lines
    }

    /// Reads and masks the wanted lines of every finding's evidence.
    /// - Parameters:
    ///   - evidence: each finding's references, in report order.
    ///   - sources: the stored files by id.
    ///   - names: the header map, to find the name and cert columns of a CSV export.
    /// - Complexity: each file named is decompressed and hashed to its end (to check it is unchanged); its text is
    ///   decoded only up to its last wanted line.
    package static func read(
        _ evidence: [[EvidenceKey]], sources: [Int64: EvidenceSource], names: ColumnNames,
        perFinding: Int = linesPerFinding, total: Int = totalLines
    ) -> EvidenceText {
        var result = EvidenceText()
        let wantedLines = wanted(evidence, perFinding: perFinding, total: total)
        for fileID in wantedLines.keys.sorted() {
            guard let source = sources[fileID], let lines = wantedLines[fileID] else {
                result.unavailable.insert(fileID)
                continue
            }
            guard let text = readFile(source, lines: lines, names: names) else {
                result.unavailable.insert(fileID)
                continue
            }
            for (line, value) in text { result.lines[EvidenceKey(fileID: fileID, line: line)] = value }
        }
        return result
    }

    /// The masked text of `lines` of one file, or nil when the file is gone, unreadable or no longer what was
    /// ingested. Lines are numbered as `FileIngestor` numbers them: decoded lines, a line over the cap counting one,
    /// a line invalid in the file's encoding keeping its place (and getting no text).
    static func readFile(_ source: EvidenceSource, lines: Set<Int64>, names: ColumnNames) -> [Int64: String]? {
        guard source.path != "-", let last = lines.max() else { return nil }  // standard input cannot be read again
        let reader: DecompressingReader
        do {
            reader = try DecompressingReader(file: InputFile(path: source.path, sizeBytes: 0))
        } catch {
            return nil
        }
        // A file stored by a build before `ContentHash` is checked against the hash that build stored.
        let legacy = !source.contentHash.hasPrefix(ContentHash.prefix)
        let blocks = LineBlockReader(source: reader, legacyHash: legacy)
        let decoder = TextDecoder()
        var masker = EvidenceMasking.LineMasker(format: source.format, names: names)
        var found: [Int64: String] = [:]
        var lineNumber: Int64 = 0
        var isFirstBlock = true
        while lineNumber < last, let block = blocks.next() {
            switch block {
            case .oversized:
                lineNumber += 1
                masker.skip()
            case .lines(let raw):
                let decoded = decoder.decode(raw, isFirstBlock: isFirstBlock, isJSONText: source.format == .auditJSONL)
                isFirstBlock = false
                if decoder.unavailable != nil { return nil }
                walk(decoded, from: &lineNumber, last: last) { number, line in
                    let wanted = lines.contains(number)
                    if let masked = masker.take(line, wanted: wanted), wanted { found[number] = clipped(masked) }
                }
            }
        }
        // The hash covers the whole file: drain what is left without decoding it.
        while blocks.next() != nil {}
        let hash = legacy ? blocks.legacyHash?.finalize() : blocks.hash.finalize()
        guard !reader.failedToRead, hash == source.contentHash else {
            return nil
        }
        return found
    }

    /// Calls `body` with each line's number and bytes, without CR (nil for a line invalid in the file's encoding),
    /// up to `last`.
    private static func walk(
        _ block: DecodedBlock, from lineNumber: inout Int64, last: Int64,
        _ body: (Int64, UnsafeRawBufferPointer?) -> Void
    ) {
        let text = block.text
        var badIndex = 0
        var lineIndex = 0
        var position = 0
        while position < text.count, lineNumber < last {
            let lineEnd: Int
            if let found = memchr(text.baseAddress! + position, 0x0A, text.count - position) {  // position < count
                lineEnd = UnsafeRawPointer(found) - text.baseAddress!
            } else {
                lineEnd = text.count
            }
            lineNumber += 1
            if badIndex < block.badLines.count, block.badLines[badIndex].index == lineIndex {
                badIndex += 1
                body(lineNumber, nil)
            } else {
                var end = lineEnd
                if end > position, text[end - 1] == 0x0D { end -= 1 }
                body(lineNumber, UnsafeRawBufferPointer(rebasing: text[position..<end]))
            }
            lineIndex += 1
            position = lineEnd + 1
        }
        // A bad last line without its LF has no place in the decoded text (as `FileIngestor` counts it).
        while badIndex < block.badLines.count, lineNumber < last, position >= text.count {
            lineNumber += 1
            badIndex += 1
            body(lineNumber, nil)
        }
    }

    /// The masked line, cut to `maximumLineCharacters`.
    private static func clipped(_ masked: String) -> String {
        guard masked.count > maximumLineCharacters else { return masked }
        return String(masked.prefix(maximumLineCharacters)) + "…"
    }
}
