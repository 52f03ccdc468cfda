import LogFormats

/// Masks personal data in source lines shown as evidence (FORMATS.md §5: certs keep their first 6 and last 4
/// characters; names keep their first character). A line's structure says where its names and certs are: a CSV
/// export's header row, an audit line's event; a line whose structure cannot be read has every run of Chinese
/// characters masked instead, so that doubt always falls on the side of hiding. Cert-like digit runs are masked
/// wherever they stand (a 备注 column may hold one).
package enum EvidenceMasking {
    /// First 6 and last 4 characters kept; shorter text keeps proportionally less (as reports mask certs).
    package static func maskCert(_ cert: String) -> String {
        let characters = Array(cert)
        let count = characters.count
        let head = count >= 14 ? 6 : count / 3
        let tail = count >= 14 ? 4 : count / 4
        guard count > head + tail else { return String(repeating: "*", count: count) }
        return String(characters[0..<head]) + String(repeating: "*", count: count - head - tail)
            + String(characters[(count - tail)...])
    }

    /// The first character and one `*`, whatever the length, so that the mask tells nothing of the name.
    package static func maskName(_ name: String) -> String {
        guard let first = name.first else { return "" }
        return String(first) + "*"
    }

    /// Masks every cert-number-like run: 15 or more digits (a 15-digit first-generation card, 17 digits and a check
    /// digit or X, or a longer number that may embed one), keeping its first 6 and last 4 characters. Venue codes
    /// (14 digits) and compact times (14) stay readable.
    package static func maskCertRuns(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var output = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            guard isDigit(scalars[index]) else {
                output.append(scalars[index])
                index += 1
                continue
            }
            var end = index
            while end < scalars.count, isDigit(scalars[end]) { end += 1 }
            if end - index == 17, end < scalars.count, scalars[end] == "X" || scalars[end] == "x" { end += 1 }
            if end - index >= 15 {
                output.append(contentsOf: scalars[index..<(index + 6)])
                for _ in 0..<(end - index - 10) { output.append("*") }
                output.append(contentsOf: scalars[(end - 4)..<end])
            } else {
                output.append(contentsOf: scalars[index..<end])
            }
            index = end
        }
        return String(output)
    }

    /// For a line whose structure cannot be read: every run of Chinese characters becomes its first character and
    /// `*`, every JSON `\uXXXX` escape a `*` (a name may be written so), and cert-like runs are masked.
    package static func maskUnstructured(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var output = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if isHan(scalar) {
                output.append(scalar)
                output.append("*")
                while index < scalars.count, isHan(scalars[index]) { index += 1 }
                continue
            }
            if scalar == "\\", index + 5 < scalars.count, scalars[index + 1] == "u",
                scalars[(index + 2)...(index + 5)].allSatisfy(isHexDigit)
            {
                output.append("*")
                index += 6
                continue
            }
            output.append(scalar)
            index += 1
        }
        return maskCertRuns(String(output))
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool { scalar.value >= 0x30 && scalar.value <= 0x39 }

    private static func isHexDigit(_ scalar: Unicode.Scalar) -> Bool {
        isDigit(scalar) || (scalar.value >= 0x41 && scalar.value <= 0x46) || (scalar.value >= 0x61 && scalar.value <= 0x66)
    }

    /// CJK ideographs (basic, extension A, compatibility, extensions B on) and the middle dot of minority names.
    private static func isHan(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x3134F, 0xB7, 0x30FB: true
        default: false
        }
    }

    // MARK: Lines of one file

    /// How a field is masked.
    enum FieldMask {
        case cert, name
        /// Free text (备注): a cashier may write a customer's name there, so every Chinese run is masked.
        case freeText
    }

    /// Masks the lines of one file in order: it sees every line (a CSV export's header, and quoted fields that span
    /// lines, decide how later lines are read) and masks those asked for.
    package struct LineMasker {
        let format: Format?
        let names: ColumnNames
        /// CSV: the header row's map, once seen (the first line that is a header by the recognition rule).
        private var header: ColumnMap?
        /// CSV: the first line that holds the required columns, for a file whose format was forced at ingest.
        private var lenientHeader: ColumnMap?
        /// CSV: whether the previous line left a quoted field open, so this line continues a record.
        private var inQuotes = false

        package init(format: Format?, names: ColumnNames) {
            self.format = format
            self.names = names
        }

        /// A line over the cap, never seen by the parser: it changes nothing.
        package mutating func skip() {}

        /// Takes the next line (nil: invalid in the file's encoding) and returns its masked text when `wanted`.
        package mutating func take(_ line: UnsafeRawBufferPointer?, wanted: Bool) -> String? {
            guard let format, let shape = format.tableShape else {
                guard wanted, let line else { return nil }
                let text = String(decoding: line, as: UTF8.self)
                switch self.format {
                case .auditPipe: return EvidenceMasking.maskPipeLine(text)
                case .auditJSONL: return EvidenceMasking.maskJSONLine(text)
                default: return EvidenceMasking.maskUnstructured(text)
                }
            }
            guard let line else {
                // The parser quarantined the line without framing it.
                return nil
            }
            let continuing = inQuotes
            if header == nil, !continuing {
                let record = CSVRecordFramer.singleLine(line, number: 0)
                let fit = HeaderFit.of(record, format: format, shape: shape, names: names)
                if fit.isHeader || (lenientHeader == nil && fit.isLenientHeader) {
                    if fit.isHeader { header = fit.map } else { lenientHeader = fit.map }
                    inQuotes = false
                    return wanted ? EvidenceMasking.maskCertRuns(String(decoding: line, as: UTF8.self)) : nil
                }
            }
            // Lines before any header are title lines, read on their own: a quote there never spans lines. Most lines
            // hold no quote at all, and those are not scanned.
            if header == nil && lenientHeader == nil {
                inQuotes = false
            } else if continuing || line.contains(0x22) {
                inQuotes = CSVSpans.scan(line, inQuotes: continuing).open
            }
            guard wanted else { return nil }
            let bytes = Array(line)
            let scan = CSVSpans.scan(bytes, inQuotes: continuing)
            let text = String(decoding: bytes, as: UTF8.self)
            guard !continuing, let map = header ?? lenientHeader else { return EvidenceMasking.maskUnstructured(text) }
            var masks: [Int: FieldMask] = [:]
            for (fieldName, mask) in EvidenceMasking.sensitiveFields(format) {
                guard let field = shape.fields.firstIndex(of: fieldName) else { continue }
                let position = map.position[field]
                if position >= 0 { masks[position] = mask }
            }
            return EvidenceMasking.maskCertRuns(CSVSpans.rewrite(bytes, spans: scan.spans, masks: masks))
        }
    }

    /// The fields of a CSV format that hold personal data, by the header map's field ids.
    static func sensitiveFields(_ format: Format) -> [(String, FieldMask)] {
        switch format {
        // The cashier (收银员) is a person too, though an employee.
        case .pubwinSessions:
            [("certNo", .cert), ("personID", .cert), ("name", .name), ("cashier", .name), ("note", .freeText)]
        case .realnameSessions: [("certNo", .cert), ("personID", .cert), ("name", .name)]
        case .pubwinTransactions: [("certNo", .cert), ("cashier", .name), ("note", .freeText)]
        // The registry's 场所名称 is the venue's; its owner and phone are a person's.
        case .registryVenues: [("owner", .name), ("phone", .cert)]
        case .registryTerminals, .auditPipe, .auditJSONL: []
        }
    }

    static func apply(_ mask: FieldMask, _ text: String) -> String {
        switch mask {
        case .cert: maskCert(text)
        case .name: maskName(text)
        case .freeText: maskUnstructured(text)
        }
    }

    /// An `audit-pipe` line (FORMATS.md §3.3): the cert and name fields of ONLINE, OFFLINE and SWIPE.
    static func maskPipeLine(_ text: String) -> String {
        var fields = text.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard fields.count >= 3 else { return maskUnstructured(text) }
        let event = Array(fields[2].trimmingSpaces.utf8)
        let kind = event.withUnsafeBytes { AuditRecord.kind(named: $0) }
        guard let kind else { return maskUnstructured(text) }
        let positions: [(Int, FieldMask)]
        switch kind {
        case .online, .offline: positions = [(7, .cert), (8, .name)]
        case .swipe: positions = [(5, .cert), (6, .name)]
        default: positions = []
        }
        guard fields.count == AuditRecord.fieldCount(kind) + 3 else { return maskUnstructured(text) }
        for (position, mask) in positions { fields[position] = apply(mask, fields[position].trimmingSpaces) }
        return maskCertRuns(fields.joined(separator: "|"))
    }

    /// An `audit-jsonl` line (FORMATS.md §3.4): the values of `cert_no` and `name` at the object's top level, however
    /// they are escaped; a line that is no JSON object is masked as unstructured.
    static func maskJSONLine(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var output = String.UnicodeScalarView()
        var index = 0
        var depth = 0
        var key: String?
        while index < scalars.count {
            let scalar = scalars[index]
            switch scalar {
            case "\"":
                guard let (value, end) = readJSONString(scalars, from: index) else { return maskUnstructured(text) }
                var next = end
                while next < scalars.count, scalars[next] == " " || scalars[next] == "\t" { next += 1 }
                let isKey = next < scalars.count && scalars[next] == ":"
                if isKey {
                    key = depth == 1 ? value : nil
                    output.append(contentsOf: scalars[index..<end])
                } else if depth == 1, let name = key, name == "cert_no" || name == "name" {
                    output.append(contentsOf: quotedJSON(apply(name == "name" ? .name : .cert, value)).unicodeScalars)
                } else {
                    output.append(contentsOf: scalars[index..<end])
                }
                index = end
                continue
            case "{", "[": depth += 1
            case "}", "]": depth -= 1
            default: break
            }
            output.append(scalar)
            index += 1
        }
        return maskCertRuns(String(output))
    }

    /// The JSON string starting at `start` (its opening quote), unescaped, and the index after its closing quote.
    private static func readJSONString(_ scalars: [Unicode.Scalar], from start: Int) -> (String, Int)? {
        var value = String.UnicodeScalarView()
        var index = start + 1
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "\"" { return (String(value), index + 1) }
            guard scalar == "\\" else {
                value.append(scalar)
                index += 1
                continue
            }
            guard index + 1 < scalars.count else { return nil }
            let escaped = scalars[index + 1]
            index += 2
            switch escaped {
            case "n": value.append("\n")
            case "t": value.append("\t")
            case "r": value.append("\r")
            case "b", "f": value.append(" ")
            case "u":
                guard var code = hex4(scalars, index) else { return nil }
                index += 4
                if code >= 0xD800, code < 0xDC00, index + 6 <= scalars.count, scalars[index] == "\\",
                    scalars[index + 1] == "u", let low = hex4(scalars, index + 2), low >= 0xDC00, low < 0xE000
                {
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    index += 6
                }
                value.append(Unicode.Scalar(code) ?? "\u{FFFD}")
            default: value.append(escaped)
            }
        }
        return nil
    }

    private static func hex4(_ scalars: [Unicode.Scalar], _ at: Int) -> UInt32? {
        guard at + 4 <= scalars.count else { return nil }
        var value: UInt32 = 0
        for scalar in scalars[at..<(at + 4)] {
            guard let digit = UInt32(String(scalar), radix: 16) else { return nil }
            value = value << 4 | digit
        }
        return value
    }

    private static func quotedJSON(_ text: String) -> String { JSONText.quoted(text) }
}

/// The raw byte spans of a CSV line's fields, read as `CSVRecordFramer` reads them, and their rewriting.
enum CSVSpans {
    /// The fields of `bytes` (one physical line) and whether a quoted field is still open at its end. `inQuotes`: the
    /// line starts inside a quoted field left open by the line before.
    static func scan<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes, inQuotes: Bool) -> (spans: [Range<Int>], open: Bool)
    where Bytes.Index == Int {
        var spans: [Range<Int>] = []
        var quoted = inQuotes
        var fieldStart = !inQuotes
        var start = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if quoted {
                if byte == 0x22 {
                    if index + 1 < bytes.count, bytes[index + 1] == 0x22 {
                        index += 2
                        continue
                    }
                    quoted = false
                }
            } else if byte == 0x2C {
                spans.append(start..<index)
                start = index + 1
                fieldStart = true
                index += 1
                continue
            } else if byte == 0x22 && fieldStart {
                quoted = true
            }
            fieldStart = false
            index += 1
        }
        spans.append(start..<bytes.count)
        return (spans, quoted)
    }

    /// The line with the fields at `masks`' positions replaced by their masked values (quoted again when they were).
    static func rewrite(_ bytes: [UInt8], spans: [Range<Int>], masks: [Int: EvidenceMasking.FieldMask]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        for (position, span) in spans.enumerated() {
            if position > 0 { output.append(0x2C) }
            guard let mask = masks[position] else {
                output.append(contentsOf: bytes[span])
                continue
            }
            let (value, wasQuoted) = unescape(Array(bytes[span]))
            let masked = EvidenceMasking.apply(mask, String(decoding: value, as: UTF8.self).trimmingSpaces)
            if wasQuoted {
                output.append(0x22)
                for byte in masked.utf8 {
                    output.append(byte)
                    if byte == 0x22 { output.append(0x22) }
                }
                output.append(0x22)
            } else {
                output.append(contentsOf: masked.utf8)
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// A field's value as the framer reads it (outer quotes dropped, `""` made `"`), and whether it was quoted.
    private static func unescape(_ field: [UInt8]) -> ([UInt8], Bool) {
        var start = 0
        while start < field.count, field[start] == 0x20 || field[start] == 0x09 { start += 1 }
        guard start < field.count, field[start] == 0x22 else { return (field, false) }
        var value: [UInt8] = []
        var index = start + 1
        var quoted = true
        while index < field.count {
            let byte = field[index]
            if quoted, byte == 0x22 {
                if index + 1 < field.count, field[index + 1] == 0x22 {
                    value.append(0x22)
                    index += 2
                    continue
                }
                quoted = false
            } else {
                value.append(byte)
            }
            index += 1
        }
        return (value, true)
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs (as fields are read).
    var trimmingSpaces: String {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return String(text)
    }
}
