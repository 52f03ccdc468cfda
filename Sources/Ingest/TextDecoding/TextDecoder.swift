import Glibc

/// The text encoding of an input file (FORMATS.md §1).
package enum TextEncoding: String, Sendable, Codable {
    case utf8 = "utf-8"
    case utf8BOM = "utf-8-bom"
    case gbk
}

/// A block of whole lines decoded to UTF-8, with the lines that could not be decoded.
package struct DecodedBlock {
    /// UTF-8 text; a line that could not be decoded stands as an empty line, so line numbers hold.
    package var text: UnsafeRawBufferPointer
    /// The raw bytes the block was decoded from.
    package var raw: UnsafeRawBufferPointer
    /// Indices (0-based, within the block) of lines that are invalid in the file's encoding, ascending,
    /// with each one's range in `raw`.
    package var badLines: [(index: Int, raw: Range<Int>)]
}

/// Decodes blocks of whole lines to UTF-8. The encoding is decided per file from the first block holding a
/// non-ASCII byte: a BOM means UTF-8; otherwise its non-ASCII lines (up to 200) are weighed, counting a line
/// for GBK only when it is invalid UTF-8 and GB18030 reads it. Ordinary text is GBK when such lines
/// outnumber valid UTF-8 ones; JSON text (RFC 8259: UTF-8) only when at least 3 lines and 90 % of them say
/// so, so that one broken line in a UTF-8 log is quarantined rather than the log read as GBK.
/// GBK goes through glibc iconv as GB18030 (a superset), with a lone 0x80 taken as CP936's euro sign.
/// A line invalid in the file's encoding is reported, never guessed at (FORMATS.md §1, §6); a GBK file whose
/// decoder cannot be opened is reported through `unavailable`, never read as empty text.
package final class TextDecoder {
    package private(set) var encoding: TextEncoding?
    /// Why the converter could not be opened, once that was tried and failed.
    private var openFailure: String?
    /// Why this file's GBK text cannot be decoded (iconv could not open the converter); nil for a UTF-8 file,
    /// even when the converter was tried while weighing the encoding.
    package var unavailable: String? { encoding == .gbk ? openFailure : nil }
    private let gbkCharset: String
    private var converter: iconv_t?
    private var converterTried = false
    private var output = UnsafeMutableRawBufferPointer.allocate(byteCount: 0, alignment: 16)

    /// - Parameter gbkCharset: the iconv name GBK text is decoded as (tests name one that does not exist).
    package init(gbkCharset: String = "GB18030") { self.gbkCharset = gbkCharset }

    deinit {
        if let converter { iconv_close(converter) }
        output.deallocate()
    }

    /// The encoding to report: UTF-8 for a file that never held a non-ASCII byte.
    package var reportedEncoding: TextEncoding { encoding ?? .utf8 }

    /// Decodes `raw`, whole lines (the last may lack its LF only at the end of the file). `isJSONText`: the
    /// file is JSON Lines (UTF-8 unless the bytes prove otherwise). The result is valid until the next call;
    /// when GBK is needed and `unavailable`, its text is empty.
    package func decode(_ rawInput: UnsafeRawBufferPointer, isFirstBlock: Bool, isJSONText: Bool = false) -> DecodedBlock {
        var raw = rawInput
        if isFirstBlock, raw.count >= 3, raw[0] == 0xEF, raw[1] == 0xBB, raw[2] == 0xBF {
            encoding = .utf8BOM
            raw = UnsafeRawBufferPointer(rebasing: raw[3...])
        }
        guard let firstHigh = Self.firstNonASCII(raw) else {
            return DecodedBlock(text: raw, raw: raw, badLines: [])
        }
        if encoding == nil { encoding = guessEncoding(raw, from: firstHigh, isJSONText: isJSONText) }
        if encoding == .gbk { return decodeGBK(raw) }
        // Lines are valid one by one exactly when the block is (no sequence spans an LF): lines are looked at
        // one by one only in a block that is not.
        let valid = Self.validUTF8(UnsafeRawBufferPointer(rebasing: raw[firstHigh...]))
        return DecodedBlock(text: raw, raw: raw, badLines: valid ? [] : Self.invalidUTF8Lines(raw, from: firstHigh))
    }

    /// The GB18030 converter, opened once; nil (and `unavailable` set) when iconv cannot open it.
    private func gbkConverter() -> iconv_t? {
        if !converterTried {
            converterTried = true
            let handle = iconv_open("UTF-8", gbkCharset)
            if Int(bitPattern: handle) == -1 {
                openFailure = "the \(gbkCharset) text decoder cannot be opened (iconv_open: \(String(cString: strerror(errno))))"
            } else {
                converter = handle
            }
        }
        return converter
    }

    /// Index of the first byte ≥ 0x80, scanning 8 bytes at a time.
    static func firstNonASCII(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard let base = bytes.baseAddress else { return nil }
        var index = 0
        let count = bytes.count
        while index + 8 <= count {
            if base.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { break }
            index += 8
        }
        while index < count {
            if bytes[index] >= 0x80 { return index }
            index += 1
        }
        return nil
    }

    static func lineBounds(_ bytes: UnsafeRawBufferPointer, around position: Int) -> Range<Int> {
        var start = position
        while start > 0, bytes[start - 1] != 0x0A { start -= 1 }
        var end = position
        while end < bytes.count, bytes[end] != 0x0A { end += 1 }
        return start..<end
    }

    /// The index just past the LF ending the line that holds `position`, or the end of `bytes`.
    static func lineEnd(_ bytes: UnsafeRawBufferPointer, from position: Int) -> Int {
        guard let base = bytes.baseAddress, let found = memchr(base + position, 0x0A, bytes.count - position) else {
            return bytes.count
        }
        return UnsafeRawPointer(found) - base + 1
    }

    /// Weighs the block's non-ASCII lines (see the type's comment).
    private func guessEncoding(_ bytes: UnsafeRawBufferPointer, from firstHigh: Int, isJSONText: Bool) -> TextEncoding {
        var utf8Lines = 0
        var gbkOnlyLines = 0
        var position = firstHigh
        while position < bytes.count, utf8Lines + gbkOnlyLines < 200 {
            let line = Self.lineBounds(bytes, around: position)
            let text = UnsafeRawBufferPointer(rebasing: bytes[line])
            if Self.validUTF8(text) {
                utf8Lines += 1
            } else if readsAsGB18030(text) {
                gbkOnlyLines += 1
            }
            guard line.upperBound < bytes.count,
                let next = Self.firstNonASCII(UnsafeRawBufferPointer(rebasing: bytes[(line.upperBound + 1)...]))
            else { break }
            position = line.upperBound + 1 + next
        }
        if isJSONText {
            return gbkOnlyLines >= 3 && gbkOnlyLines * 10 >= (gbkOnlyLines + utf8Lines) * 9 ? .gbk : .utf8
        }
        return gbkOnlyLines > utf8Lines ? .gbk : .utf8
    }

    /// Whether GB18030 (with CP936's lone 0x80) reads the whole line; true when no converter can be opened,
    /// so that the file is still taken for GBK and its decoder's absence reported.
    private func readsAsGB18030(_ line: UnsafeRawBufferPointer) -> Bool {
        guard gbkConverter() != nil else { return true }
        // Decoding a line into the output buffer is harmless here: no block has been decoded into it yet.
        return decodeGBK(line).badLines.isEmpty
    }

    /// Lines of the block that are not valid UTF-8.
    private static func invalidUTF8Lines(_ bytes: UnsafeRawBufferPointer, from firstHigh: Int) -> [(Int, Range<Int>)] {
        var bad: [(Int, Range<Int>)] = []
        var position = firstHigh
        var lineIndex = 0
        var countedUpTo = 0
        while position < bytes.count {
            let line = lineBounds(bytes, around: position)
            if !validUTF8(UnsafeRawBufferPointer(rebasing: bytes[line])) {
                lineIndex += countNewlines(UnsafeRawBufferPointer(rebasing: bytes[countedUpTo..<line.lowerBound]))
                countedUpTo = line.lowerBound
                bad.append((lineIndex, line))
            }
            guard line.upperBound < bytes.count,
                let next = firstNonASCII(UnsafeRawBufferPointer(rebasing: bytes[(line.upperBound + 1)...]))
            else { break }
            position = line.upperBound + 1 + next
        }
        return bad
    }

    static func countNewlines(_ bytes: UnsafeRawBufferPointer) -> Int {
        guard var pointer = bytes.baseAddress else { return 0 }
        var remaining = bytes.count
        var count = 0
        while remaining > 0, let found = memchr(pointer, 0x0A, remaining) {
            count += 1
            let advance = UnsafeRawPointer(found) - pointer + 1
            pointer += advance
            remaining -= advance
        }
        return count
    }

    /// Strict UTF-8 (no overlongs, surrogates or values past U+10FFFF).
    static func validUTF8(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        var index = 0
        let count = bytes.count
        while index < count {
            // ASCII eight bytes at a time (CSV rows are mostly digits and commas around a name), then straight to the
            // word's first high byte (byte by byte, the ASCII before each Chinese name cost a loop turn a byte).
            while index + 8 <= count {
                let high = base.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080
                if high != 0 {
                    index += UInt64(littleEndian: high).trailingZeroBitCount >> 3
                    break
                }
                index += 8
            }
            guard index < count else { break }
            // Runs of three-byte characters (the CJK of names, 会员, 正常) a word at a time: a lead E1-EC or EE-EF
            // and two continuation bytes; anything else, and the run's last character, go the general way.
            while index + 4 <= count {
                let word = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: index, as: UInt32.self))
                let lead = word & 0xFF
                guard word & 0x00C0_C0F0 == 0x0080_80E0, lead != 0xE0, lead != 0xED else { break }
                index += 3
            }
            guard index < count else { break }
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            let length: Int
            var lower: UInt8 = 0x80
            var upper: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0:
                length = 3
                lower = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED:
                length = 3
                upper = 0x9F
            case 0xF0:
                length = 4
                lower = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4:
                length = 4
                upper = 0x8F
            default: return false
            }
            guard index + length <= count else { return false }
            let second = bytes[index + 1]
            guard second >= lower, second <= upper else { return false }
            for offset in 2..<max(2, length) where bytes[index + offset] & 0xC0 != 0x80 { return false }
            index += length
        }
        return true
    }

    private func decodeGBK(_ raw: UnsafeRawBufferPointer) -> DecodedBlock {
        // GBK needs at most 3 UTF-8 bytes per 2 input bytes and GB18030's 4-byte forms 4 per 4, but a lone
        // 0x80 becomes the 3-byte €: 3 bytes per input byte bounds every case.
        let needed = raw.count * 3 + 16
        if output.count < needed {
            output.deallocate()
            output = .allocate(byteCount: needed, alignment: 16)
        }
        guard let converter = gbkConverter(), let rawBase = raw.baseAddress else {
            return DecodedBlock(text: UnsafeRawBufferPointer(start: nil, count: 0), raw: raw, badLines: [])
        }
        var bad: [(Int, Range<Int>)] = []
        var inPosition = 0
        var outPosition = 0
        var lineIndexAtPosition = 0
        var countedUpTo = 0
        let outBase = output.baseAddress!
        // ASCII is the same bytes in GBK and UTF-8, and most lines of a GBK audit log are ASCII (heartbeats,
        // processes): runs of ASCII lines are copied, and only runs of lines holding a high byte go through iconv.
        while inPosition < raw.count {
            let rest = UnsafeRawBufferPointer(rebasing: raw[inPosition...])
            guard let high = Self.firstNonASCII(rest).map({ $0 + inPosition }) else {
                (outBase + outPosition).copyMemory(from: rawBase + inPosition, byteCount: raw.count - inPosition)
                outPosition += raw.count - inPosition
                break
            }
            var segmentStart = high
            while segmentStart > inPosition, raw[segmentStart - 1] != 0x0A { segmentStart -= 1 }
            (outBase + outPosition).copyMemory(from: rawBase + inPosition, byteCount: segmentStart - inPosition)
            outPosition += segmentStart - inPosition
            inPosition = segmentStart
            // The segment runs to the end of the last line of a run of lines that each hold a high byte.
            var segmentEnd = Self.lineEnd(raw, from: high)
            while segmentEnd < raw.count, let next = Self.firstNonASCII(UnsafeRawBufferPointer(rebasing: raw[segmentEnd...])),
                memchr(rawBase + segmentEnd, 0x0A, next) == nil
            {
                segmentEnd = Self.lineEnd(raw, from: segmentEnd + next)
            }
            while inPosition < segmentEnd {
                var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutablePointer(
                    mutating: (rawBase + inPosition).assumingMemoryBound(to: CChar.self))
                var inLeft = segmentEnd - inPosition
                var outPointer: UnsafeMutablePointer<CChar>? = (outBase + outPosition).assumingMemoryBound(to: CChar.self)
                var outLeft = output.count - outPosition
                let result = iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft)
                let failure = result == -1 ? errno : 0
                inPosition = segmentEnd - inLeft
                outPosition = output.count - outLeft
                if result != -1 { break }
                if failure == E2BIG {  // cannot happen with the bound above; never write past the buffer
                    inPosition = raw.count
                    break
                }
                if failure == EILSEQ, raw[inPosition] == 0x80 {
                    // CP936 writes the euro sign as a lone 0x80, which GB18030 rejects.
                    for byte: UInt8 in [0xE2, 0x82, 0xAC] {
                        outBase.storeBytes(of: byte, toByteOffset: outPosition, as: UInt8.self)
                        outPosition += 1
                    }
                    inPosition += 1
                    continue
                }
                // EILSEQ, or EINVAL (a character cut off at the end of the file): the whole line is bad.
                let line = Self.lineBounds(raw, around: inPosition)
                lineIndexAtPosition += Self.countNewlines(UnsafeRawBufferPointer(rebasing: raw[countedUpTo..<line.lowerBound]))
                countedUpTo = line.lowerBound
                bad.append((lineIndexAtPosition, line))
                // Take back what the line had produced: LF is never a GB18030 trail byte, so the output's last LF
                // is the line's start.
                while outPosition > 0, outBase.load(fromByteOffset: outPosition - 1, as: UInt8.self) != 0x0A {
                    outPosition -= 1
                }
                if line.upperBound < raw.count {
                    outBase.storeBytes(of: 0x0A, toByteOffset: outPosition, as: UInt8.self)
                    outPosition += 1
                }
                inPosition = min(raw.count, line.upperBound + 1)
                iconv(converter, nil, nil, nil, nil)
            }
        }
        return DecodedBlock(
            text: UnsafeRawBufferPointer(start: outBase, count: outPosition), raw: raw, badLines: bad)
    }
}
