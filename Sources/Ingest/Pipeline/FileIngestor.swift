import Glibc
import LogFormats

/// Reads one input file end to end: decompresses, decodes, recognises the format, parses every line, and
/// hands batches to `send` in order, ending with `.end(FileReport)`. Every line is counted as a row, a
/// quarantined row or a skip (FORMATS.md §6); nothing here throws past a row.
package final class FileIngestor {
    private let file: InputFile
    private let formatOverride: Format?
    private let send: (IngestMessage) -> Void
    private let progress: (Int64) -> Void

    private var report: FileReport
    private var lineNumber = 0
    private var format: Format?

    private var sessions = SessionBatch()
    private var transactions = TransactionBatch()
    private var quarantine: [QuarantinedRow] = []
    private var registryRows: [RegistryRow] = []
    // nil only while a block is being read: they live in local variables then.
    private var auditReader: AuditLineReader? = AuditLineReader()
    private var pipeParser: AuditPipeParser? = AuditPipeParser()
    private var jsonParser: AuditJSONLParser? = AuditJSONLParser()
    private var framer = CSVRecordFramer()
    private var tableParser: PubwinTableParser?
    private var registryParser: RegistryParser?

    /// - Parameters:
    ///   - progress: called with compressed bytes read so far, about once a block.
    package init(
        file: InputFile, formatOverride: Format?, send: @escaping (IngestMessage) -> Void,
        progress: @escaping (Int64) -> Void = { _ in }
    ) {
        self.file = file
        self.formatOverride = formatOverride
        self.send = send
        self.progress = progress
        self.report = FileReport(path: file.path)
    }

    /// Reads the file; the report also goes out as the last message.
    @discardableResult
    package func run() -> FileReport {
        let reader: DecompressingReader
        do {
            reader = try DecompressingReader(path: file.path)
        } catch {
            report.status = .unrecognised
            report.warnings.append(error.description)
            send(.end(report))
            return report
        }
        let blocks = LineBlockReader(source: reader)
        let decoder = TextDecoder()
        var isFirst = true
        while let block = blocks.next() {
            switch block {
            case .oversized(let prefix):
                lineNumber += 1
                report.lines += 1
                quarantine(
                    RowIssue(.lineTooLong, "The line is longer than \(LineBlockReader.maximumLineBytes) bytes."),
                    raw: prefix, line: lineNumber)
            case .lines(let raw):
                let decoded = decoder.decode(raw, isFirstBlock: isFirst)
                report.encoding = decoder.reportedEncoding
                if isFirst {
                    format = formatOverride ?? FormatSniffer.sniff(decoded.text)
                    setUpParsers()
                    isFirst = false
                }
                let isLast = reader.damage != nil && raw.last != 0x0A
                consume(decoded, endsTruncated: isLast)
            }
            progress(reader.compressedBytesRead)
        }
        finishFile()
        report.compression = reader.compression
        report.encoding = decoder.reportedEncoding
        report.damage = reader.damage
        report.contentHash = blocks.hash.finalize()
        report.bytes = blocks.decompressedBytes
        report.format = format
        if reader.damage != nil {
            report.status = .damaged
        } else if format == nil {
            report.status = .unrecognised
        }
        send(.end(report))
        return report
    }

    private func setUpParsers() {
        switch format {
        case .pubwinSessions: tableParser = PubwinTableParser(table: .sessions)
        case .pubwinTransactions: tableParser = PubwinTableParser(table: .transactions)
        case .registryVenues: registryParser = RegistryParser(table: .venues)
        case .registryTerminals: registryParser = RegistryParser(table: .terminals)
        default: break
        }
    }

    // MARK: Lines

    private func consume(_ block: DecodedBlock, endsTruncated: Bool) {
        switch format {
        case .auditPipe, .auditJSONL:
            // The hot path: every counter and the reader live in locals for the block (STYLE.md §7: count in
            // locals, publish once).
            guard var reader = auditReader, var pipe = pipeParser, var json = jsonParser else { return }
            auditReader = nil
            pipeParser = nil
            jsonParser = nil
            let isPipe = format == .auditPipe
            let send = self.send
            var rows = 0
            var blank = 0
            var comments = 0
            forEachLine(block, endsTruncated: endsTruncated) { line, lineNumber in
                let trimmed = line.trimmed()
                if trimmed.isEmpty {
                    blank += 1
                    return
                }
                if trimmed.first == UInt8(ascii: "#") {
                    comments += 1
                    return
                }
                var runs: [PulseRun]?
                do throws(RowIssue) {
                    let outcome: AuditLineOutcome
                    if isPipe {
                        outcome = try pipe.parse(trimmed) { runs = reader.take(&$0, lineNumber: lineNumber, send: send) }
                    } else {
                        outcome = try json.parse(trimmed) { runs = reader.take(&$0, lineNumber: lineNumber, send: send) }
                    }
                    switch outcome {
                    case .event: rows += 1
                    case .unknownEvent(let name):
                        report.skip(.unknownEvent)
                        report.unknownEvents[name, default: 0] += 1
                    }
                } catch {
                    quarantine(error, raw: line, line: lineNumber)
                }
                if let runs { send(.pulses(runs)) }
            }
            pipeParser = pipe
            jsonParser = json
            auditReader = reader
            report.rows += rows
            if blank > 0 { report.skip(.blank, blank) }
            if comments > 0 { report.skip(.comment, comments) }
        default:
            forEachLine(block, endsTruncated: endsTruncated) { line, lineNumber in consumeLine(line, lineNumber) }
        }
    }

    /// Calls `body` with every good line of the block and its number; quarantines the rest.
    private func forEachLine(
        _ block: DecodedBlock, endsTruncated: Bool, _ body: (UnsafeRawBufferPointer, Int) -> Void
    ) {
        let text = block.text
        var badIndex = 0
        var lineIndex = 0
        var position = 0
        var lineNumber = self.lineNumber
        let count = text.count
        while position < count {
            let lineEnd: Int
            if let found = memchr(text.baseAddress! + position, 0x0A, count - position) {
                lineEnd = UnsafeRawPointer(found) - text.baseAddress!
            } else {
                lineEnd = count
            }
            lineNumber += 1
            if badIndex < block.badLines.count, block.badLines[badIndex].index == lineIndex {
                let range = block.badLines[badIndex].raw
                quarantine(
                    RowIssue(.invalidEncoding, "The line has bytes that are not valid \(encodingName)."),
                    raw: UnsafeRawBufferPointer(rebasing: block.raw[range]), line: lineNumber)
                badIndex += 1
            } else {
                var line = UnsafeRawBufferPointer(rebasing: text[position..<lineEnd])
                if line.last == 0x0D { line = UnsafeRawBufferPointer(rebasing: line[0..<(line.count - 1)]) }
                if line.count > LineBlockReader.maximumLineBytes {
                    quarantine(
                        RowIssue(.lineTooLong, "The line is longer than \(LineBlockReader.maximumLineBytes) bytes."),
                        raw: line, line: lineNumber)
                } else if endsTruncated && lineEnd == count {
                    quarantine(
                        RowIssue(.truncated, "The line was cut off where the compressed file is damaged."), raw: line,
                        line: lineNumber)
                } else {
                    body(line, lineNumber)
                }
            }
            lineIndex += 1
            position = lineEnd + 1
        }
        // A bad last line without its LF has no place in the decoded text.
        while badIndex < block.badLines.count {
            lineNumber += 1
            let range = block.badLines[badIndex].raw
            quarantine(
                RowIssue(.invalidEncoding, "The line has bytes that are not valid \(encodingName)."),
                raw: UnsafeRawBufferPointer(rebasing: block.raw[range]), line: lineNumber)
            badIndex += 1
        }
        report.lines += lineNumber - self.lineNumber
        self.lineNumber = lineNumber
    }

    private var encodingName: String { report.encoding == .gbk ? "GBK/GB18030" : "UTF-8" }

    private func consumeLine(_ line: UnsafeRawBufferPointer, _ lineNumber: Int) {
        switch format {
        case .pubwinSessions, .pubwinTransactions, .registryVenues, .registryTerminals:
            // A row of nothing but commas (a spreadsheet's empty tail) is a blank line.
            if !framer.hasPendingRecord && line.allSatisfy({ $0 == 0x2C || $0 == 0x20 || $0 == 0x09 }) {
                report.skip(.blank)
                return
            }
            switch framer.feed(line, line: lineNumber) {
            case .pending: return
            case .unterminated:
                giveUpOpenRecord(
                    "A quoted field is not closed within \(CSVRecordFramer.maximumRecordBytes) bytes.")
            case .record:
                let record = framer.record
                if record.lineCount > 1 { report.skip(.recordContinuation, record.lineCount - 1) }
                consumeRecord(record)
            }
        case .auditPipe, .auditJSONL:
            break  // read in `consume`
        case nil:
            report.skip(.unrecognised)
        }
    }

    /// A quote that never closes: only the line that opened it is quarantined, and the lines it swallowed
    /// are read again as records of their own, so one stray quote cannot lose the rest of an export.
    private func giveUpOpenRecord(_ detail: String) {
        let record = framer.record
        let lines = record.raw.split(separator: 0x0A, omittingEmptySubsequences: false)
        lines[0].withUnsafeBytes { quarantine(RowIssue(.unterminatedQuote, detail), raw: $0, line: record.firstLine) }
        for (offset, line) in lines.dropFirst().enumerated() {
            ContiguousArray(line).withUnsafeBytes { consumeLine($0, record.firstLine + 1 + offset) }
        }
    }

    private func consumeRecord(_ record: CSVRecord) {
        do {
            if var parser = tableParser {
                defer { tableParser = parser }
                switch try parser.classify(record) {
                case .title: report.skip(.title)
                case .header: report.skip(.header)
                case .totals: report.skip(.totals)
                case .row:
                    if parser.table == .sessions {
                        let row = try parser.parseSession(record)
                        record.bytes.withUnsafeBytes { sessions.append(row, bytes: $0, line: record.firstLine) }
                        if sessions.isFull {
                            send(.sessions(sessions, exportSeconds: parser.exportSeconds))
                            sessions = SessionBatch()
                        }
                    } else {
                        let row = try parser.parseTransaction(record)
                        record.bytes.withUnsafeBytes { transactions.append(row, bytes: $0, line: record.firstLine) }
                        if transactions.isFull {
                            send(.transactions(transactions))
                            transactions = TransactionBatch()
                        }
                    }
                    report.rows += 1
                }
            } else if var parser = registryParser {
                defer { registryParser = parser }
                if try parser.takeHeader(record) {
                    report.skip(.header)
                    return
                }
                let row: RegistryRow = try record.bytes.withRowBytes { (bytes) throws(RowIssue) -> RegistryRow in
                    func text(_ range: Range<Int>) -> String { UnsafeRawBufferPointer(rebasing: bytes[range]).text }
                    if parser.table == .venues {
                        let venue = try parser.parseVenue(record)
                        return .venue(
                            code: text(venue.venue), fields: venue.fields.map(text),
                            lanAddress: venue.lan.map { Int64($0.address) } ?? absentInt64,
                            lanPrefix: venue.lan.map { Int64($0.prefixLength) } ?? absentInt64,
                            terminalCount: venue.terminalCount ?? absentInt64, line: record.firstLine)
                    }
                    let terminal = try parser.parseTerminal(record)
                    return .terminal(
                        venue: text(terminal.venue), terminal: text(terminal.terminal),
                        ipv4: terminal.ipv4.map { Int64($0) } ?? absentInt64,
                        mac: terminal.mac.map { Int64($0) } ?? absentInt64, line: record.firstLine)
                }
                registryRows.append(row)
                report.rows += 1
            }
        } catch {
            record.raw.withUnsafeBytes { quarantine(error, raw: $0, line: record.firstLine) }
        }
    }

    private func quarantine(_ issue: RowIssue, raw: UnsafeRawBufferPointer, line: Int) {
        report.quarantine(issue.reason)
        quarantine.append(QuarantinedRow(line: line, reason: issue.reason, detail: issue.detail, raw: raw))
        if quarantine.count >= 1024 {
            send(.quarantine(quarantine))
            quarantine = []
        }
    }

    private func finishFile() {
        // Reading the swallowed lines again may leave another quote open at the end: repeat until none is.
        while framer.finish() { giveUpOpenRecord("A quoted field is still open at the end of the file.") }
        if let parser = tableParser {
            report.exportSeconds = parser.exportSeconds
            if parser.columns == nil, let titles = report.skippedByKind[.title], titles > 0 {
                report.warnings.append(
                    "no-header: no header row naming the columns was found, so all \(titles) lines were skipped as "
                        + "title lines; check --format")
            }
            if let total = parser.declaredTotal, total.amountFen != parser.parsedAmountFen {
                let quarantinedNote = report.quarantined > 0 ? " (\(report.quarantined) rows were quarantined)" : ""
                report.warnings.append(
                    "totals-mismatch: the totals row at line \(total.line) gives \(Self.yuan(total.amountFen)) yuan "
                        + "but the rows read sum to \(Self.yuan(parser.parsedAmountFen)) yuan\(quarantinedNote)")
            }
        }
        if sessions.count > 0 { send(.sessions(sessions, exportSeconds: tableParser?.exportSeconds)) }
        if transactions.count > 0 { send(.transactions(transactions)) }
        auditReader?.finish(send: send)
        if !quarantine.isEmpty { send(.quarantine(quarantine)) }
        if !registryRows.isEmpty { send(.registry(registryRows)) }
    }

    static func yuan(_ fen: Int64) -> String {
        let sign = fen < 0 ? "-" : ""
        let magnitude = fen.magnitude
        let cents = magnitude % 100
        return "\(sign)\(magnitude / 100).\(cents < 10 ? "0" : "")\(cents)"
    }
}
