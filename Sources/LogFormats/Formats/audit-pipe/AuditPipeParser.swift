/// Parses `audit-pipe` lines (FORMATS.md §3.3): `time|venue|EVENT|fields...`, already in UTF-8, so a
/// GBK trail byte 0x7C can no longer pose as a separator (STYLE.md §3).
package struct AuditPipeParser: AuditLineParser {
    /// Field boundaries of the current line, reused: start of field k at [2k], end at [2k + 1].
    private var bounds = ContiguousArray<Int>(repeating: 0, count: 2 * maximumFields)
    /// More fields than any event has; a longer line is quarantined by its count alone.
    private static let maximumFields = 16

    package init() {}

    /// Parses one line (no CR/LF; not blank, not a comment) and hands a recognised event to `body`.
    /// - Complexity: O(line length).
    package mutating func parse(
        _ line: UnsafeRawBufferPointer, _ body: (inout AuditRecord) -> Void
    ) throws(RowIssue) -> AuditLineOutcome {
        let fieldCount = bounds.withUnsafeMutableBufferPointer { bounds -> Int in
            guard let base = line.baseAddress else {
                bounds[0] = 0
                bounds[1] = 0
                return 1
            }
            let count = line.count
            var fieldCount = 0
            var start = 0
            @inline(__always) func close(_ bar: Int) {
                if fieldCount < Self.maximumFields {
                    bounds[2 &* fieldCount] = start
                    bounds[2 &* fieldCount &+ 1] = bar
                }
                fieldCount &+= 1
                start = bar &+ 1
            }
            // Sixteen bytes at a time: one vector compare finds every '|' of a chunk, whose bits are then taken one by
            // one (a search per field, or eight bytes at a time in general-purpose registers, cost more).
            guard count >= 16 else {
                for offset in 0..<count where base.load(fromByteOffset: offset, as: UInt8.self) == 0x7C { close(offset) }
                close(count)
                return fieldCount
            }
            let bars = SIMD16<UInt8>(repeating: 0x7C)
            @inline(__always) func barBits(at offset: Int) -> UInt64 {
                ByteSearch.bits(base.loadUnaligned(fromByteOffset: offset, as: SIMD16<UInt8>.self) .== bars)
            }
            var offset = 0
            while offset &+ 16 <= count {
                var found = barBits(at: offset)
                while found != 0 {
                    close(offset &+ found.trailingZeroBitCount)
                    found &= found &- 1
                }
                offset &+= 16
            }
            if offset < count {
                // The line's last sixteen bytes, shifted past those already read: nothing past the line is read.
                var found = barBits(at: count &- 16) >> UInt64(offset &+ 16 &- count)
                while found != 0 {
                    close(offset &+ found.trailingZeroBitCount)
                    found &= found &- 1
                }
            }
            // The field after the last '|'. (A local function for these two lines was not inlined, and its captures
            // cost dynamic exclusivity checks on every field.)
            close(count)
            return fieldCount
        }

        guard fieldCount >= 3 else {
            throw RowIssue(.wrongFieldCount, "The line has \(fieldCount) fields; an audit line has at least 3.")
        }
        func field(_ position: Int) -> UnsafeRawBufferPointer {
            UnsafeRawBufferPointer(rebasing: line[bounds[2 * position]..<bounds[2 * position + 1]])
        }
        let eventName = field(2).trimmed()
        guard let kind = AuditRecord.kind(named: eventName) else {
            return .unknownEvent(name: String(eventName.text.prefix(32)))
        }
        let expected = AuditRecord.fieldCount(kind) + 3
        guard fieldCount == expected else {
            throw RowIssue(
                .wrongFieldCount, "\(kind.name) has \(fieldCount) fields where \(expected) are expected.")
        }
        let time = try RowIssue.check(field(0), "time", .badTime, "a date and time", FieldParser.timestamp)
        let venue = field(1).trimmed()
        try RowIssue.checkVenue(venue, "venue")
        var record = AuditRecord(kind: kind, timeSeconds: time, venue: venue)
        try AuditFieldReader.fill(&record) { field($0 + 3) }
        body(&record)
        return .event
    }
}

