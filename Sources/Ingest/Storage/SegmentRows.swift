/// The segments of one batch, one per venue, written in one pass over the rows in batch order. Grouping the rows
/// by venue first and writing venue after venue read every column at scattered rows (an export interleaving 400
/// venues: each row's sixteen values were sixteen cache misses); here the columns are read in order and each venue's
/// text grows at its own end.
struct VenueSegments {
    struct Written {
        /// The venue's id in the batch dictionary.
        var venue: Int32
        var rows: Int
        /// The largest time the rows gave.
        var maxTime: Int64
        var segment: SegmentText
    }

    /// The batch's venues in order of first row, each with its segment (held for reuse past `written.count`).
    private(set) var written: ArraySlice<Written> = []
    private var pool: [SegmentText] = []
    /// Index in `written` + 1 of each batch-dictionary venue id (0 = not seen), kept zeroed between batches.
    private var slotOfVenue = ContiguousArray<Int32>()
    /// Index in `written` of each row of the batch.
    private var slotOfRow = ContiguousArray<Int32>()
    /// A segment past the first that grew beyond this is given back after its batch: a pool of hundreds of venues'
    /// largest segments would otherwise stay allocated.
    private static let keptCapacity = 1 << 16

    /// Writes each row (`row` appends it to the segment and returns its time) into its venue's segment, then closes
    /// them; `written` lists them.
    mutating func write(
        venues: ContiguousArray<Int32>, dictionaryCount: Int, _ row: (Int, SegmentText) -> Int64
    ) {
        for index in written.indices where index > 0 { written[index].segment.shrink(to: Self.keptCapacity) }
        if slotOfVenue.count < dictionaryCount + 1 {
            slotOfVenue.append(contentsOf: repeatElement(0, count: dictionaryCount + 1 - slotOfVenue.count))
        }
        var all = [Written]()
        slotOfRow.removeAll(keepingCapacity: true)
        for (index, venue) in venues.enumerated() {
            var slot = Int(slotOfVenue[Int(venue)])
            if slot == 0 {
                if all.count == pool.count { pool.append(SegmentText(capacity: all.isEmpty ? 1 << 16 : 1 << 12)) }
                let segment = pool[all.count]
                segment.reset()
                all.append(Written(venue: venue, rows: 0, maxTime: Int64.min, segment: segment))
                slot = all.count
                slotOfVenue[Int(venue)] = Int32(slot)
            }
            slotOfRow.append(Int32(slot - 1))
            let time = row(index, all[slot - 1].segment)
            all[slot - 1].rows += 1
            all[slot - 1].maxTime = max(all[slot - 1].maxTime, time)
        }
        for venue in all {
            venue.segment.finish()
            slotOfVenue[Int(venue.venue)] = 0
        }
        written = all[...]
    }

    /// The rows of each venue in `written`, in order: venue k's are `order[starts[k]..<starts[k + 1]]`.
    func rowsByVenue() -> (order: [Int], starts: [Int]) {
        var starts = [Int](repeating: 0, count: written.count + 1)
        for (index, venue) in written.enumerated() { starts[index + 1] = starts[index] + venue.rows }
        var order = [Int](repeating: 0, count: slotOfRow.count)
        var fill = starts
        for (row, slot) in slotOfRow.enumerated() {
            order[fill[Int(slot)]] = row
            fill[Int(slot)] += 1
        }
        return (order, starts)
    }
}

/// Rows of a segment (`sessionSegment`, `transactionSegment`, `eventSegment`): one venue's rows of one batch of one
/// file, kept as a JSON array of row arrays in one TEXT cell instead of one SQLite row each. A row insert with its key
/// index cost ~11 k instructions, half of a billing export's ingest; the text costs a few hundred. JSON rather than a
/// packed blob so that SQLite itself can read it back (`json_each` in the `session`, `billingTransaction` and
/// `auditEvent` views): analysts keep their tables, and the views are an independent statement of the rules the Swift
/// reader applies.
///
/// A cell is written only by `SegmentText` (integers, `null`, strings) or by SQLite's `json_array` (the schema 6 and 8
/// migrations), and read by `SegmentReader`, which accepts exactly that grammar.
final class SegmentText {
    /// The cell's bytes: one buffer grown by doubling and reused segment after segment (appending byte by byte
    /// to an array paid a uniqueness check per byte).
    private var storage: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private(set) var count = 0
    /// The powers of ten that fit a UInt64, for a number's digit count. Held by each writer: a static read cost a
    /// `swift_once` call a number.
    private let powersOfTen: UnsafeMutablePointer<UInt64>

    init(capacity: Int = 1 << 16) {
        self.capacity = capacity
        storage = .allocate(capacity: capacity)
        powersOfTen = .allocate(capacity: 20)
        var power: UInt64 = 1
        for exponent in 0..<20 {
            powersOfTen[exponent] = power
            if exponent < 19 { power *= 10 }
        }
    }

    deinit {
        storage.deallocate()
        powersOfTen.deallocate()
    }

    /// Gives back a buffer grown past `limit` bytes (a large segment's), keeping `limit`.
    func shrink(to limit: Int) {
        guard capacity > limit else { return }
        storage.deallocate()
        capacity = limit
        storage = .allocate(capacity: limit)
        count = 0
    }

    /// The cell written so far.
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: storage, count: count) }

    @inline(__always)
    private func reserve(_ more: Int) {
        guard count + more > capacity else { return }
        var grown = capacity * 2
        while count + more > grown { grown *= 2 }
        let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
        larger.update(from: storage, count: count)
        storage.deallocate()
        storage = larger
        capacity = grown
    }

    func reset() {
        count = 0
        reserve(1)
        storage[0] = UInt8(ascii: "[")
        count = 1
    }

    /// Closes the array; `bytes` is then the cell.
    func finish() {
        reserve(1)
        storage[count] = UInt8(ascii: "]")
        count += 1
    }

    /// Starts a row: room for `values` values, strings included, and `textBytes` bytes of their strings is made
    /// once, and each value written through the `Row` returned checks it stays within it; `endRow` takes the row
    /// back, before any other row begins. The row is a value the caller keeps in registers (the class's count,
    /// read and written by every byte, was most of a row's cost; a closure given the row through `inout`, not
    /// inlined, kept it in memory).
    @inline(__always)
    func beginRow(values: Int, textBytes: Int = 0) -> Row {
        let room = 3 + values * 21 + textBytes * 6
        reserve(room)
        var row = Row(storage: storage, position: count, limit: count + room, powers: UnsafePointer(powersOfTen))
        if count > 1 { row.put(UInt8(ascii: ",")) }
        row.opening = row.position
        return row
    }

    /// Ends the row `beginRow` gave.
    @inline(__always)
    func endRow(_ row: Row) {
        var row = row
        precondition(row.storage == storage && row.opening >= count, "a segment row ended twice or out of turn")
        // Every value wrote a comma before itself: the first one's is the row's '['.
        if row.position == row.opening { row.put(UInt8(ascii: "[")) } else { storage[row.opening] = UInt8(ascii: "[") }
        row.put(UInt8(ascii: "]"))
        count = row.position
    }

    /// One row being written (see `beginRow(values:textBytes:)`).
    struct Row {
        fileprivate let storage: UnsafeMutablePointer<UInt8>
        fileprivate var position: Int
        fileprivate let limit: Int
        fileprivate let powers: UnsafePointer<UInt64>
        /// Where the row's '[' goes.
        fileprivate var opening = 0

        fileprivate init(
            storage: UnsafeMutablePointer<UInt8>, position: Int, limit: Int, powers: UnsafePointer<UInt64>
        ) {
            self.storage = storage
            self.position = position
            self.limit = limit
            self.powers = powers
        }

        @inline(__always)
        fileprivate mutating func put(_ byte: UInt8) {
            storage[position] = byte
            position &+= 1
        }

        @inline(__always)
        private mutating func separate() { put(UInt8(ascii: ",")) }

        @inline(__always)
        mutating func append(_ value: Int64) {
            // A separator, a sign and 19 digits at most.
            precondition(position + 21 <= limit - 1, "a segment row wrote more values than it made room for")
            separate()
            if value < 0 { put(UInt8(ascii: "-")) }
            let magnitude = value.magnitude
            // The digit count from the bit length (log10 2 ≈ 1233 / 4096 gives it or one more) and one compare; a
            // loop of compares cost a mispredicted exit a number.
            let estimate = ((64 - magnitude.leadingZeroBitCount) * 1233) >> 12
            let digits = max(1, estimate + (magnitude >= powers[estimate] ? 1 : 0))
            // Up to eight digits a word (the room holds a word's store past the last digit; later values overwrite
            // it): two digits a turn of `% 100` was a chain of dependent multiplies, five of them for a time.
            if digits <= 8 {
                store(Self.eightDigits(magnitude) &>> UInt64(8 &* (8 &- digits)), at: position)
            } else if digits <= 16 {
                let high = magnitude / 100_000_000
                let lead = digits &- 8
                store(Self.eightDigits(high) &>> UInt64(8 &* (8 &- lead)), at: position)
                store(Self.eightDigits(magnitude &- high &* 100_000_000), at: position &+ lead)
            } else {
                let top = magnitude / 10_000_000_000_000_000
                let rest = magnitude &- top &* 10_000_000_000_000_000
                let middle = rest / 100_000_000
                let lead = digits &- 16
                store(Self.eightDigits(top) &>> UInt64(8 &* (8 &- lead)), at: position)
                store(Self.eightDigits(middle), at: position &+ lead)
                store(Self.eightDigits(rest &- middle &* 100_000_000), at: position &+ lead &+ 8)
            }
            position &+= digits
        }

        @inline(__always)
        private func store(_ word: UInt64, at offset: Int) {
            UnsafeMutableRawPointer(storage + offset).storeBytes(of: word.littleEndian, as: UInt64.self)
        }

        /// The eight decimal digits of `value` (below 10^8, leading zeros included) as ASCII, the first digit in
        /// the lowest byte: split into halves of four digits, then pairs, then digits, every part in its own lane
        /// of one word, each division a multiply and a shift exact over its lane's range.
        @inline(__always)
        static func eightDigits(_ value: UInt64) -> UInt64 {
            let high = value / 10_000
            // Lanes of 32 bits: abcd | efgh. v / 100 = v * 5243 >> 19 for v < 43,699.
            var word = high | (value &- high &* 10_000) << 32
            let hundreds = (word &* 5243) >> 19 & 0x0000_007F_0000_007F
            // Lanes of 16 bits: ab | cd | ef | gh. v / 10 = v * 103 >> 10 for v < 179.
            word = hundreds | (word &- hundreds &* 100) << 16
            let tens = (word &* 103) >> 10 & 0x000F_000F_000F_000F
            // Bytes a | b | c | d | e | f | g | h.
            word = tens | (word &- tens &* 10) << 8
            return word | 0x3030_3030_3030_3030
        }

        /// `absentInt64` is written as `null`.
        @inline(__always)
        mutating func appendNullable(_ value: Int64) {
            guard value == absentInt64 else { return append(value) }
            precondition(position + 5 <= limit - 1, "a segment row wrote more values than it made room for")
            separate()
            put(UInt8(ascii: "n"))
            put(UInt8(ascii: "u"))
            put(UInt8(ascii: "l"))
            put(UInt8(ascii: "l"))
        }

        /// A JSON string of UTF-8 `text`: `"` and `\` escaped, control bytes as `\u00XX`.
        mutating func append(text: UnsafeRawBufferPointer) {
            precondition(position + text.count * 6 + 3 <= limit - 1, "a segment row wrote more text than it made room for")
            separate()
            put(UInt8(ascii: "\""))
            for byte in text {
                if byte >= 0x20 && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") {
                    put(byte)
                } else if byte >= 0x20 {
                    put(UInt8(ascii: "\\"))
                    put(byte)
                } else {
                    let hex: StaticString = "0123456789abcdef"
                    put(UInt8(ascii: "\\"))
                    put(UInt8(ascii: "u"))
                    put(UInt8(ascii: "0"))
                    put(UInt8(ascii: "0"))
                    put(hex.utf8Start[Int(byte >> 4)])
                    put(hex.utf8Start[Int(byte & 0xF)])
                }
            }
            put(UInt8(ascii: "\""))
        }
    }
}

/// Reads a segment cell row by row. Strings are unescaped into `strings` (a byte heap the caller keeps); a cell
/// that is not a segment's JSON throws, naming the offset: a damaged database is said, never read as fewer rows.
struct SegmentReader {
    private let text: UnsafeRawBufferPointer
    private var offset = 0
    private let what: String

    init(_ text: UnsafeRawBufferPointer, what: String) throws(StoreError) {
        self.text = text
        self.what = what
        skipSpace()
        try expect(UInt8(ascii: "["))
    }

    private func damaged(_ reason: String) -> StoreError {
        StoreError(description: "\(what) is damaged at byte \(offset): \(reason); the database needs to be ingested again")
    }

    @inline(__always)
    private mutating func skipSpace() {
        while offset < text.count, text[offset] == 0x20 || text[offset] == 0x0A || text[offset] == 0x09
            || text[offset] == 0x0D
        {
            offset += 1
        }
    }

    private mutating func expect(_ byte: UInt8) throws(StoreError) {
        guard offset < text.count, text[offset] == byte else {
            throw damaged("expected '\(Character(Unicode.Scalar(byte)))'")
        }
        offset += 1
    }

    /// Starts the next row; false at the end of the array.
    mutating func nextRow() throws(StoreError) -> Bool {
        skipSpace()
        guard offset < text.count else { throw damaged("the array is not closed") }
        if text[offset] == UInt8(ascii: "]") {
            offset += 1
            return false
        }
        if text[offset] == UInt8(ascii: ",") {
            offset += 1
            skipSpace()
        }
        try expect(UInt8(ascii: "["))
        return true
    }

    /// Ends the row: every value must have been read.
    mutating func endRow() throws(StoreError) {
        skipSpace()
        try expect(UInt8(ascii: "]"))
    }

    @inline(__always)
    private mutating func separator() {
        skipSpace()
        if offset < text.count, text[offset] == UInt8(ascii: ",") {
            offset += 1
            skipSpace()
        }
    }

    /// An integer, or `absentInt64` for `null`.
    @inline(__always)
    mutating func int64() throws(StoreError) -> Int64 {
        // Cells carry no whitespace between values; `separator` tolerates it elsewhere.
        if offset < text.count, text[offset] == UInt8(ascii: ",") { offset += 1 } else { separator() }
        guard offset < text.count else { throw damaged("a row ends early") }
        if text[offset] == UInt8(ascii: "n") {
            guard offset + 4 <= text.count, text[offset + 1] == UInt8(ascii: "u"), text[offset + 2] == UInt8(ascii: "l"),
                text[offset + 3] == UInt8(ascii: "l")
            else { throw damaged("expected a number or null") }
            offset += 4
            return absentInt64
        }
        let negative = text[offset] == UInt8(ascii: "-")
        if negative { offset += 1 }
        let start = offset
        var value: UInt64 = 0
        // Up to 19 digits fit a UInt64 unchecked; the range is checked once at the end.
        while offset < text.count, offset - start < 20 {
            let digit = text[offset] &- UInt8(ascii: "0")
            guard digit < 10 else { break }
            value = value &* 10 &+ UInt64(digit)
            offset += 1
        }
        guard offset > start else { throw damaged("expected a number or null") }
        guard offset - start < 20, value <= UInt64(Int64.max) else { throw damaged("a number out of range") }
        return negative ? -Int64(value) : Int64(value)
    }

    /// Passes over the next value: a number, `null` or a string.
    mutating func skipValue() throws(StoreError) {
        separator()
        guard offset < text.count else { throw damaged("a row ends early") }
        if text[offset] == UInt8(ascii: "\"") {
            var scratch = ContiguousArray<UInt8>()
            _ = try withString(scratch: &scratch) { _ in 0 }
            return
        }
        let start = offset
        while offset < text.count, text[offset] != UInt8(ascii: ","), text[offset] != UInt8(ascii: "]") { offset += 1 }
        guard offset > start else { throw damaged("a value is missing") }
    }

    /// Passes over the next `count` values, as `skipValue` would one by one. Numbers and nulls as this build writes
    /// them (a comma, then the value) are passed in one tight loop; at anything else (a string, a space before a
    /// comma, an empty value, the row's end) the values are read one by one from where they began, which says what
    /// is wrong. (Value by value, the run summary's totals of every stored session cost ~1 % more of a sessions
    /// ingest: each value went through the separator and whitespace checks.)
    mutating func skipPlainValues(_ count: Int) throws(StoreError) {
        if let end = plainValuesEnd(count) {
            offset = end
            return
        }
        for _ in 0..<count { try skipValue() }
    }

    /// Where `count` values of the form `,value` (no quote, comma or ']' inside, not empty) that start at `offset`
    /// end, or nil when the text there is anything else. Sixteen bytes at a time: one vector compare each for
    /// commas, brackets and quotes, the delimiters then taken bit by bit (a byte loop was most of the run totals'
    /// fold); the last bytes of the cell, fewer than sixteen, go byte by byte.
    private func plainValuesEnd(_ count: Int) -> Int? {
        guard let base = text.baseAddress else { return nil }
        let size = text.count
        guard count > 0, offset < size, base.load(fromByteOffset: offset, as: UInt8.self) == UInt8(ascii: ",") else {
            return count == 0 ? offset : nil
        }
        // A vector compare's lanes as two words (0xFF or 0 a byte): words combine with plain `|`, where operators on
        // `SIMDMask` were compiled lane by lane.
        @inline(__always) func lanes(_ mask: SIMDMask<SIMD16<Int8>>) -> SIMD2<UInt64> {
            unsafeBitCast(mask, to: SIMD2<UInt64>.self)
        }
        @inline(__always) func bits(_ halves: SIMD2<UInt64>) -> UInt64 {
            // Each half's top bits gathered by a multiply whose terms never meet (as LogFormats' ByteSearch.bits,
            // which is not inlined across modules).
            @inline(__always) func gathered(_ word: UInt64) -> UInt64 {
                ((word & 0x8080_8080_8080_8080) &* 0x0002_0408_1020_4081) >> 56
            }
            return gathered(halves[0]) | gathered(halves[1]) << 8
        }
        var needed = count  // delimiters still to find: the one after each value
        var previous = offset  // the last delimiter found (a comma while values remain)
        var position = offset + 1
        while position + 16 <= size {
            let chunk = base.loadUnaligned(fromByteOffset: position, as: SIMD16<UInt8>.self)
            let bracketLanes = lanes(chunk .== SIMD16(repeating: UInt8(ascii: "]")))
            let quoteLanes = lanes(chunk .== SIMD16(repeating: UInt8(ascii: "\"")))
            var delimiters = bits(lanes(chunk .== SIMD16(repeating: UInt8(ascii: ","))) | bracketLanes)
            let specialLanes = bracketLanes | quoteLanes
            let special = specialLanes[0] | specialLanes[1] != 0
            if !special && delimiters.nonzeroBitCount < needed {
                // Only commas, all before the last value's end: the chunk passes whole unless two are adjacent (an
                // empty value).
                if delimiters != 0 {
                    guard delimiters & (delimiters >> 1) == 0, position + delimiters.trailingZeroBitCount - previous >= 2
                    else { return nil }
                    needed -= delimiters.nonzeroBitCount
                    previous = position + 63 - delimiters.leadingZeroBitCount
                }
                position += 16
                continue
            }
            let brackets = special ? bits(bracketLanes) : 0
            var passed: UInt64 = 0xFFFF  // the chunk's bytes inside the values passed
            while delimiters != 0 {
                let index = delimiters.trailingZeroBitCount
                let at = position + index
                // An empty value, or the row's end before the last value.
                guard at - previous >= 2, needed == 1 || brackets & (1 << UInt64(index)) == 0 else { return nil }
                previous = at
                needed -= 1
                if needed == 0 {
                    passed = (1 << UInt64(index)) - 1
                    break
                }
                delimiters &= delimiters - 1
            }
            guard !special || bits(quoteLanes) & passed == 0 else { return nil }
            if needed == 0 { return previous }
            position += 16
        }
        // The cell's last bytes, as `skipValue` reads them: up to the next ',' or ']', unless it is a string.
        position = previous
        for _ in 0..<needed {
            guard position < size, base.load(fromByteOffset: position, as: UInt8.self) == UInt8(ascii: ",") else {
                return nil
            }
            position += 1
            let start = position
            while position < size {
                let byte = base.load(fromByteOffset: position, as: UInt8.self)
                if byte == UInt8(ascii: ",") || byte == UInt8(ascii: "]") { break }
                if byte == UInt8(ascii: "\"") { return nil }
                position += 1
            }
            guard position > start, position < size else { return nil }
        }
        return position
    }

    /// Whether the next value is `null` (passing over it, whatever it is).
    mutating func isNull() throws(StoreError) -> Bool {
        separator()
        let null = offset < text.count && text[offset] == UInt8(ascii: "n")
        try skipValue()
        return null
    }

    /// Calls `body` with the next string's bytes: a range of the cell when it has no escapes (no copy), else
    /// unescaped into `scratch`.
    mutating func withString<Result>(
        scratch: inout ContiguousArray<UInt8>, _ body: (UnsafeRawBufferPointer) -> Result
    ) throws(StoreError) -> Result {
        separator()
        let quote = offset
        try expect(UInt8(ascii: "\""))
        while offset < text.count {
            let byte = text[offset]
            if byte == UInt8(ascii: "\"") {
                offset += 1
                return body(UnsafeRawBufferPointer(rebasing: text[(quote + 1)..<(offset - 1)]))
            }
            if byte == UInt8(ascii: "\\") { break }
            offset += 1
        }
        offset = quote
        scratch.removeAll(keepingCapacity: true)
        let range = try string(into: &scratch)
        return scratch.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[range])) }
    }

    /// A string, appended to `heap`; returns its range there.
    mutating func string(into heap: inout ContiguousArray<UInt8>) throws(StoreError) -> Range<Int> {
        separator()
        try expect(UInt8(ascii: "\""))
        let start = heap.count
        var run = offset
        while true {
            guard offset < text.count else { throw damaged("a string is not closed") }
            let byte = text[offset]
            if byte == UInt8(ascii: "\"") { break }
            guard byte == UInt8(ascii: "\\") else {
                offset += 1
                continue
            }
            heap.append(contentsOf: UnsafeRawBufferPointer(rebasing: text[run..<offset]))
            offset += 1
            guard offset < text.count else { throw damaged("a string is not closed") }
            let escaped = text[offset]
            offset += 1
            switch escaped {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): heap.append(escaped)
            case UInt8(ascii: "b"): heap.append(0x08)
            case UInt8(ascii: "f"): heap.append(0x0C)
            case UInt8(ascii: "n"): heap.append(0x0A)
            case UInt8(ascii: "r"): heap.append(0x0D)
            case UInt8(ascii: "t"): heap.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800..<0xDC00).contains(scalar) {
                    guard offset + 2 <= text.count, text[offset] == UInt8(ascii: "\\"), text[offset + 1] == UInt8(ascii: "u")
                    else { throw damaged("a lone surrogate") }
                    offset += 2
                    let low = try hex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw damaged("a lone surrogate") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let unicode = Unicode.Scalar(scalar) else { throw damaged("a lone surrogate") }
                heap.append(contentsOf: String(Character(unicode)).utf8)
            default: throw damaged("an unknown escape")
            }
            run = offset
        }
        heap.append(contentsOf: UnsafeRawBufferPointer(rebasing: text[run..<offset]))
        offset += 1
        return start..<heap.count
    }

    private mutating func hex4() throws(StoreError) -> UInt32 {
        guard offset + 4 <= text.count else { throw damaged("a short \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = text[offset] | 0x20
            let digit: UInt8
            if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                digit = byte - UInt8(ascii: "0")
            } else if byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f") {
                digit = byte - UInt8(ascii: "a") + 10
            } else {
                throw damaged("a bad \\u escape")
            }
            value = value << 4 | UInt32(digit)
            offset += 1
        }
        return value
    }
}
