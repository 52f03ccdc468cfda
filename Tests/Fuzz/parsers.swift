// libFuzzer entry point over every LogFormats decoder and field parser: any bytes, no trap, and every line
// given to a decoder ends as a row, a quarantined row or a skip (STYLE.md §6). Built outside Package.swift by
// scripts/fuzz.sh, which runs it from the package root.
#if canImport(Glibc)
import Glibc
#endif
#if canImport(LogFormats)
import LogFormats
#endif

/// The shipped header map, read once from columns/ (the fuzzer runs from the package root).
private let names: ColumnNames = {
    var names = ColumnNames()
    guard let file = fopen("columns/column-names.tsv", "r") else { fatalError("run from the package root") }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = fread(&chunk, 1, chunk.count, file)
        if count <= 0 { break }
        bytes += chunk[0..<count]
    }
    do { try names.add(String(decoding: bytes, as: UTF8.self), source: "columns/column-names.tsv") } catch {
        fatalError("\(error)")
    }
    return names
}()

/// Counts what a decoder hands over, touching every text range it is given.
private struct CountingSink: RecordSink {
    var accounted = 0
    var touched = 0

    mutating func takeSession(_ row: SessionRecord, bytes: UnsafeRawBufferPointer, line: Int) {
        accounted += 1
        touched &+= bytes[row.venue].count + bytes[row.certNo].count + bytes[row.terminal].count + bytes[row.name].count
    }
    mutating func takeTransaction(_ row: TransactionRecord, bytes: UnsafeRawBufferPointer, line: Int) {
        accounted += 1
        touched &+= bytes[row.venue].count + bytes[row.serialNo].count
    }
    mutating func takeAuditEvent(_ record: inout AuditRecord, line: Int) {
        accounted += 1
        touched &+= record.venue.count + record.terminal.count + record.cert.count
    }
    mutating func takeRegistryVenue(_ row: RegistryVenueRecord, bytes: UnsafeRawBufferPointer, line: Int) {
        accounted += 1
        touched &+= row.fields.reduce(0) { $0 + bytes[$1].count }
    }
    mutating func takeRegistryTerminal(_ row: RegistryTerminalRecord, bytes: UnsafeRawBufferPointer, line: Int) {
        accounted += 1
        touched &+= bytes[row.terminal].count
    }
    mutating func quarantine(_ issue: RowIssue, raw: UnsafeRawBufferPointer, line: Int) { accounted += 1 }
    mutating func skip(_ kind: SkipKind, lines: Int) { accounted += lines }
    mutating func skipUnknownEvent(named name: String) { accounted += 1 }
    mutating func note(_ note: FileNote) {}
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    _ = FormatSniffer.sniff(bytes, names: names)
    _ = FormatSniffer.looksLikeJSONLines(bytes)
    // Lines as the ingest gives them: split at LF, without the CR.
    var lines: [UnsafeRawBufferPointer] = []
    var lineStart = 0
    while lineStart < size {
        var lineEnd = lineStart
        while lineEnd < size, bytes[lineEnd] != 0x0A { lineEnd += 1 }
        var line = UnsafeRawBufferPointer(rebasing: bytes[lineStart..<lineEnd])
        if line.last == 0x0D { line = UnsafeRawBufferPointer(rebasing: line[0..<(line.count - 1)]) }
        lines.append(line)
        lineStart = lineEnd + 1
        _ = FieldParser.timestamp(line)
        _ = FieldParser.birthDate(line)
        _ = FieldParser.moneyFen(line)
        _ = FieldParser.mac(line)
        _ = FieldParser.ipv4(line)
        _ = FieldParser.certType(line)
        _ = ResidentID.problem(line)
        _ = TitleLine.exportTime(in: line)
        _ = TitleLine.venue(in: line)
    }
    for format in Format.allCases {
        for strict in [true, false] {
            var decoder = format.makeDecoder(names: names, strictHeader: strict)
            var sink = CountingSink()
            for (index, line) in lines.enumerated() { decoder.decode(line: line, number: index + 1, into: &sink) }
            decoder.decodeLast(into: &sink)
            // FORMATS.md §6: every line is used, quarantined or skipped.
            precondition(sink.accounted == lines.count, "\(format.rawValue): \(sink.accounted) of \(lines.count) lines")
        }
    }
    return 0
}
