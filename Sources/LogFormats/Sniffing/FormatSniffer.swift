/// Recognises a file's format from its first lines of UTF-8 text (FORMATS.md §1: names carry no meaning).
package enum FormatSniffer {
    /// How many non-blank lines are looked at before giving up (title lines may precede a header).
    package static let maximumLines = 40

    /// The format of the text whose first lines are `text`, or nil when none is recognised.
    package static func sniff(_ text: UnsafeRawBufferPointer) -> Format? {
        var lineStart = 0
        var linesSeen = 0
        while lineStart < text.count, linesSeen < maximumLines {
            var lineEnd = lineStart
            while lineEnd < text.count, text[lineEnd] != 0x0A { lineEnd += 1 }
            var line = UnsafeRawBufferPointer(rebasing: text[lineStart..<lineEnd]).trimmed()
            if line.last == 0x0D { line = UnsafeRawBufferPointer(rebasing: line[0..<(line.count - 1)]).trimmed() }
            if line.hasPrefix("\u{FEFF}") { line = UnsafeRawBufferPointer(rebasing: line[3...]) }
            lineStart = lineEnd + 1
            if line.isEmpty || line.first == UInt8(ascii: "#") { continue }
            linesSeen += 1
            if let format = sniffLine(line) { return format }
        }
        return nil
    }

    private static func sniffLine(_ line: UnsafeRawBufferPointer) -> Format? {
        if line.first == UInt8(ascii: "{") { return .auditJSONL }
        if let bar = line.firstIndex(of: 0x7C),
            FieldParser.timestamp(UnsafeRawBufferPointer(rebasing: line[0..<bar])) != nil
        {
            return .auditPipe
        }
        if contains(line, "记录号") && contains(line, "上机时间") { return .pubwinSessions }
        if contains(line, "流水号") && contains(line, "交易类型") { return .pubwinTransactions }
        if contains(line, "场所编码") && contains(line, "场所名称") { return .registryVenues }
        if contains(line, "场所编码") && contains(line, "终端号") && contains(line, "MAC地址") { return .registryTerminals }
        return nil
    }

    private static func contains(_ line: UnsafeRawBufferPointer, _ needle: StaticString) -> Bool {
        let length = needle.utf8CodeUnitCount
        guard line.count >= length else { return false }
        let first = needle.utf8Start.pointee
        var index = 0
        while index + length <= line.count {
            if line[index] == first, UnsafeRawBufferPointer(rebasing: line[index..<(index + length)]).equals(needle) {
                return true
            }
            index += 1
        }
        return false
    }
}
