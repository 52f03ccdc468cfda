import Glibc
import LogFormats

/// Reads one input file end to end: decompresses, decodes, recognises the format, hands every line to the
/// format's decoder, and sends the batches to the writer in order, ending with `.end(FileReport)`. Every
/// line is counted as a row, a quarantined row or a skip (FORMATS.md §6); nothing here throws past a row.
package final class FileIngestor {
    private let file: InputFile
    private let formatOverride: Format?
    private let names: ColumnNames
    private let send: (IngestMessage) -> Void
    private let progress: (Int64) -> Void
    private let textDecoder: TextDecoder
    private let legacyContentHash: Bool

    /// - Parameters:
    ///   - names: the header map the CSV formats are recognised and read by.
    ///   - progress: called with compressed bytes read so far, about once a block.
    ///   - textDecoder: decodes the file's text (tests give one whose GBK converter cannot be opened).
    ///   - legacyContentHash: whether to hash the file the way builds before `ContentHash` did, too.
    package init(
        file: InputFile, formatOverride: Format?, names: ColumnNames, send: @escaping (IngestMessage) -> Void,
        progress: @escaping (Int64) -> Void = { _ in }, textDecoder: TextDecoder = TextDecoder(),
        legacyContentHash: Bool = false
    ) {
        self.legacyContentHash = legacyContentHash
        self.file = file
        self.formatOverride = formatOverride
        self.names = names
        self.send = send
        self.progress = progress
        self.textDecoder = textDecoder
    }

    /// How a file's lines are used once its first text is seen.
    private enum Plan {
        case decode(any RecordDecoder)
        /// Every line is skipped as this kind (the file's status says why).
        case skipAll(SkipKind)
    }

    /// Reads the file; the report also goes out as the last message.
    @discardableResult
    package func run() -> FileReport {
        var sink = BatchSink(report: FileReport(path: file.path), send: send)
        if let problem = file.problem {
            return end(&sink, status: .unreadable, reason: problem)
        }
        let reader: DecompressingReader
        do {
            reader = try DecompressingReader(file: file)
        } catch {
            return end(&sink, status: .unreadable, reason: error.description)
        }
        let blocks = LineBlockReader(source: reader, legacyHash: legacyContentHash)
        var state = ReadState()
        var plan: Plan?
        while plan == nil, let block = blocks.next() {
            switch block {
            case .oversized(let prefix):
                // A first line over the cap: quarantined, and the format is learnt from the lines after it.
                quarantineOversized(prefix, &state, &sink)
            case .lines(let raw):
                let isJSONText = formatOverride.map { $0 == .auditJSONL } ?? FormatSniffer.looksLikeJSONLines(raw)
                state.isJSONText = isJSONText
                let decoded = textDecoder.decode(raw, isFirstBlock: true, isJSONText: isJSONText)
                if let reason = textDecoder.unavailable {
                    // Its text cannot be read, so neither can its format: the file is given up, not unrecognised.
                    abandon(reason, blocks: blocks, reader: reader, state: &state, sink: &sink, pendingRaw: raw)
                    plan = .skipAll(.undecodable)
                    break
                }
                let chosen = choosePlan(decoded, &sink)
                plan = chosen
                switch chosen {
                case .decode(let decoder):
                    read(with: decoder, first: decoded, blocks: blocks, reader: reader, state: &state, sink: &sink)
                case .skipAll(let kind):
                    countLines(first: raw, blocks: blocks, reader: reader, kind: kind, state: &state, sink: &sink)
                }
            }
            progress(reader.compressedBytesRead)
        }
        sink.finish()
        sink.report.compression = reader.compression
        sink.report.encoding = textDecoder.reportedEncoding
        sink.report.contentHash = blocks.hash.finalize()
        sink.report.legacyContentHash = blocks.legacyHash?.finalize()
        sink.report.bytes = blocks.decompressedBytes
        if !sink.report.abandoned { sink.report.damage = reader.damage }
        // A status the format gave (unrecognised, ambiguous, no-venue) stands even when the file is also damaged:
        // nothing of such a file is kept, so it must not be remembered. The damage is reported beside it.
        let formatStatus = sink.report.status != .ingested
        if sink.report.abandoned {
            sink.report.status = .damaged
        } else if reader.damage != nil, reader.failedToRead, blocks.decompressedBytes == 0 {
            sink.report.status = .unreadable
            sink.report.reason = reader.damage?.reason
        } else if formatStatus {
            // kept as it was set
        } else if plan == nil, blocks.decompressedBytes > 0 {
            // Only lines over the cap: nothing to learn the format from.
            sink.report.status = .unrecognised
            sink.report.reason = "no line shorter than \(LineBlockReader.maximumLineBytes) bytes to learn the format from"
        } else if reader.damage != nil {
            sink.report.status = .damaged
        } else if blocks.decompressedBytes == 0 {
            sink.report.status = .empty
        } else if sink.namesNoVenue {
            sink.report.status = .noVenue
            sink.report.reason = "the export has no venue column and no title line naming the venue (场所编码: or 场所代码:)"
        }
        send(.end(sink.report))
        return sink.report
    }

    private func end(_ sink: inout BatchSink, status: FileReport.Status, reason: String) -> FileReport {
        sink.report.status = status
        sink.report.reason = reason
        send(.end(sink.report))
        return sink.report
    }

    /// The format (given, or recognised from the first text) and so how the lines are used.
    private func choosePlan(_ decoded: DecodedBlock, _ sink: inout BatchSink) -> Plan {
        if let formatOverride {
            sink.report.format = formatOverride
            return .decode(formatOverride.makeDecoder(names: names, strictHeader: false))
        }
        switch FormatSniffer.sniff(decoded.text, names: names) {
        case .format(let format) where format.isRegistry:
            sink.report.status = .unrecognised
            sink.report.reason =
                "a \(format.rawValue) file: registry data is read only from --registry or `netbar registry import`, "
                + "never from the dump"
            return .skipAll(.unrecognised)
        case .format(let format):
            sink.report.format = format
            return .decode(format.makeDecoder(names: names, strictHeader: true))
        case .ambiguous(let formats, let line):
            sink.report.status = .ambiguous
            sink.report.reason =
                "the header at line \(line) fits \(formats.map(\.rawValue).joined(separator: " and ")) alike; "
                + "give --format to say which"
            return .skipAll(.ambiguous)
        case .unrecognised(let reason):
            sink.report.status = .unrecognised
            sink.report.reason = reason
            return .skipAll(.unrecognised)
        }
    }

    /// Where reading a file stands across blocks.
    private struct ReadState {
        var lineNumber = 0
        var isJSONText = false
    }

    private static let tooLong = RowIssue(
        .lineTooLong, "The line is longer than \(LineBlockReader.maximumLineBytes) bytes.")

    /// A line over the cap, of which only `prefix` was kept: one quarantined row.
    private func quarantineOversized(_ prefix: UnsafeRawBufferPointer, _ state: inout ReadState, _ sink: inout BatchSink) {
        state.lineNumber += 1
        sink.report.lines += 1
        sink.quarantine(Self.tooLong, raw: prefix, line: state.lineNumber)
    }

    /// Hands every line of the file, from the first decoded block on, to `decoder` (opened from the format
    /// table's existential once per file; measured at parity with the concrete parsers it replaced).
    private func read<Decoder: RecordDecoder>(
        with decoder: Decoder, first: DecodedBlock, blocks: LineBlockReader, reader: DecompressingReader,
        state: inout ReadState, sink: inout BatchSink
    ) {
        var decoder = decoder
        var block = first
        while true {
            if let reason = textDecoder.unavailable {
                abandon(reason, blocks: blocks, reader: reader, state: &state, sink: &sink, pendingRaw: block.raw)
                return
            }
            let endsTruncated = reader.damage != nil && block.raw.last != 0x0A
            forEachLine(block, endsTruncated: endsTruncated, state: &state, sink: &sink) { line, number, sink in
                decoder.decode(line: line, number: number, into: &sink)
            }
            progress(reader.compressedBytesRead)
            var next: DecodedBlock?
            while next == nil, let following = blocks.next() {
                switch following {
                case .oversized(let prefix):
                    quarantineOversized(prefix, &state, &sink)
                case .lines(let raw):
                    next = textDecoder.decode(raw, isFirstBlock: false, isJSONText: state.isJSONText)
                }
            }
            guard let next else { break }
            block = next
        }
        decoder.decodeLast(into: &sink)
    }

    /// Calls `body` with every good line of the block and its number; quarantines the rest.
    private func forEachLine(
        _ block: DecodedBlock, endsTruncated: Bool, state: inout ReadState, sink: inout BatchSink,
        _ body: (UnsafeRawBufferPointer, Int, inout BatchSink) -> Void
    ) {
        let text = block.text
        var badIndex = 0
        var lineIndex = 0
        var position = 0
        var lineNumber = state.lineNumber
        let count = text.count
        let encodingName = textDecoder.reportedEncoding == .gbk ? "GBK/GB18030" : "UTF-8"
        while position < count {
            let lineEnd: Int
            if let found = memchr(text.baseAddress! + position, 0x0A, count - position) {  // position < count
                lineEnd = UnsafeRawPointer(found) - text.baseAddress!
            } else {
                lineEnd = count
            }
            lineNumber += 1
            if badIndex < block.badLines.count, block.badLines[badIndex].index == lineIndex {
                let range = block.badLines[badIndex].raw
                sink.quarantine(
                    RowIssue(.invalidEncoding, "The line has bytes that are not valid \(encodingName)."),
                    raw: UnsafeRawBufferPointer(rebasing: block.raw[range]), line: lineNumber)
                badIndex += 1
            } else {
                var line = UnsafeRawBufferPointer(rebasing: text[position..<lineEnd])
                if line.last == 0x0D { line = UnsafeRawBufferPointer(rebasing: line[0..<(line.count - 1)]) }
                if line.count > LineBlockReader.maximumLineBytes {
                    sink.quarantine(Self.tooLong, raw: line, line: lineNumber)
                } else if endsTruncated && lineEnd == count {
                    sink.quarantine(
                        RowIssue(.truncated, "The line was cut off where the compressed file is damaged."), raw: line,
                        line: lineNumber)
                } else {
                    body(line, lineNumber, &sink)
                }
            }
            lineIndex += 1
            position = lineEnd + 1
        }
        // A bad last line without its LF has no place in the decoded text.
        while badIndex < block.badLines.count {
            lineNumber += 1
            let range = block.badLines[badIndex].raw
            sink.quarantine(
                RowIssue(.invalidEncoding, "The line has bytes that are not valid \(encodingName)."),
                raw: UnsafeRawBufferPointer(rebasing: block.raw[range]), line: lineNumber)
            badIndex += 1
        }
        sink.report.lines += lineNumber - state.lineNumber
        state.lineNumber = lineNumber
    }

    /// Counts the lines of a file none of whose lines is used, each as a skip of `kind`.
    private func countLines(
        first: UnsafeRawBufferPointer, blocks: LineBlockReader, reader: DecompressingReader, kind: SkipKind,
        state: inout ReadState, sink: inout BatchSink
    ) {
        let lines = Self.lineCount(first) + remainingLines(blocks, reader)
        state.lineNumber += lines
        sink.report.lines += lines
        sink.skip(kind, lines: lines)
    }

    /// The lines of the blocks still to come, read but not decoded.
    private func remainingLines(_ blocks: LineBlockReader, _ reader: DecompressingReader) -> Int {
        var lines = 0
        while let block = blocks.next() {
            switch block {
            case .oversized: lines += 1
            case .lines(let raw): lines += Self.lineCount(raw)
            }
            progress(reader.compressedBytesRead)
        }
        return lines
    }

    /// The file's text decoder is unavailable: the file is given up (nothing of it kept, not remembered),
    /// the damage names the decoder, and every line counts as `undecodable`.
    private func abandon(
        _ reason: String, blocks: LineBlockReader, reader: DecompressingReader, state: inout ReadState,
        sink: inout BatchSink, pendingRaw: UnsafeRawBufferPointer
    ) {
        let offset = reader.compressedBytesRead
        let lines = Self.lineCount(pendingRaw) + remainingLines(blocks, reader)
        state.lineNumber += lines
        sink.report.lines += lines
        sink.abandon(reason: reason + "; nothing of the file was kept, so a run that can decode it will read it", at: offset)
    }

    /// Lines in a block of whole lines (the last may lack its LF at the end of the file).
    private static func lineCount(_ raw: UnsafeRawBufferPointer) -> Int {
        guard !raw.isEmpty else { return 0 }
        return TextDecoder.countNewlines(raw) + (raw.last == 0x0A ? 0 : 1)
    }
}
