// libFuzzer entry point over every LogFormats parser: any bytes, no trap (STYLE.md §6).
// Built outside Package.swift by scripts/fuzz.sh.
#if canImport(LogFormats)
import LogFormats
#endif

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    _ = FormatSniffer.sniff(bytes)
    var pipe = AuditPipeParser()
    var json = AuditJSONLParser()
    var framer = CSVRecordFramer()
    var sessions = PubwinTableParser(table: .sessions)
    var transactions = PubwinTableParser(table: .transactions)
    var lineStart = 0
    var lineNumber = 0
    while lineStart <= size {
        var lineEnd = lineStart
        while lineEnd < size, bytes[lineEnd] != 0x0A { lineEnd += 1 }
        let line = UnsafeRawBufferPointer(rebasing: bytes[lineStart..<lineEnd])
        lineNumber += 1
        _ = try? pipe.parse(line) { record in _ = record.timeSeconds }
        _ = try? json.parse(line) { record in _ = record.timeSeconds }
        _ = FieldParser.timestamp(line)
        _ = FieldParser.moneyFen(line)
        _ = FieldParser.mac(line)
        _ = FieldParser.ipv4(line)
        _ = ResidentID.problem(line)
        if case .record = framer.feed(line, line: lineNumber) {
            let record = framer.record
            if (try? sessions.classify(record)) == .row { _ = try? sessions.parseSession(record) }
            if (try? transactions.classify(record)) == .row { _ = try? transactions.parseTransaction(record) }
        }
        lineStart = lineEnd + 1
    }
    _ = framer.finish()
    return 0
}
