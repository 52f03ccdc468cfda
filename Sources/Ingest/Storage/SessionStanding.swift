import Glibc

/// The standing copy of each session of one venue (FORMATS.md §6: a copy with a 下机时间 beats one without, then the
/// later 导出时间, then the later copy), folded segment by segment in id order: what the run totals keep between
/// runs (`sessionStandingPart`, see `PartedStanding`), so that a run folds only the segments after those folded.
struct SessionStanding {
    /// 记录号 (or the derived key) of each session, by id 1...n.
    var keys = StringDictionary()
    /// Per key id: whether the standing copy is closed, its export time (0 without), its amount. Id 0 is the empty
    /// key, which this build never writes (a session without 记录号 gets a derived one) but an older cell may hold.
    private(set) var copies = ContiguousArray<(closed: Bool, export: Int64, amountFen: Int64)>(
        repeating: (false, 0, 0), count: 1)
    private var emptyKeySeen = false

    init() {}

    /// Folds one copy of the session `key` (an id of `keys`) in.
    mutating func take(key: Int32, closed: Bool, export: Int64, amountFen: Int64) {
        let id = Int(key)
        if id == copies.count {
            copies.append((closed, export, amountFen))
            return
        }
        if id == 0 && !emptyKeySeen {
            emptyKeySeen = true
            copies[0] = (closed, export, amountFen)
            return
        }
        let old = copies[id]
        if closed != old.closed ? closed : export >= old.export { copies[id] = (closed, export, amountFen) }
    }

    /// Sessions held (the empty key's included).
    var count: Int { copies.count - (emptyKeySeen ? 0 : 1) }

    /// Distinct sessions and their amounts summed.
    var totals: (distinct: Int64, amountFen: Int64) {
        var amountFen: Int64 = emptyKeySeen ? copies[0].amountFen : 0
        for copy in copies.dropFirst() { amountFen += copy.amountFen }
        return (Int64(count), amountFen)
    }

    // MARK: The cached form

    /// Per session in id order: the key's length and bytes, a byte 0 or 1 (closed), the export time and the amount,
    /// integers as zigzag varints. Written in place into room for the longest form (three 10-byte varints and a byte
    /// a session): appends to an array cost a uniqueness and a capacity check a byte, ~360 instructions a session.
    func encoded() -> [UInt8] {
        let sessions = copies.count - (emptyKeySeen ? 0 : 1)
        guard sessions > 0 else { return [] }
        let room = keys.arena.count + 31 * sessions
        return [UInt8](unsafeUninitializedCapacity: room) { buffer, written in
            let out = UnsafeMutableRawPointer(buffer.baseAddress!)
            var offset = 0
            keys.arena.withUnsafeBytes { arena in
                copies.withUnsafeBufferPointer { copies in
                    for id in (emptyKeySeen ? 0 : 1)..<copies.count {
                        let range = keys.range(Int32(id))
                        offset = Varint.write(UInt64(range.count), to: out, at: offset)
                        if !range.isEmpty {
                            (out + offset).copyMemory(from: arena.baseAddress! + range.lowerBound, byteCount: range.count)
                        }
                        offset += range.count
                        out.storeBytes(of: copies[id].closed ? 1 : 0, toByteOffset: offset, as: UInt8.self)
                        offset = Varint.write(Varint.zigzag(copies[id].export), to: out, at: offset + 1)
                        offset = Varint.write(Varint.zigzag(copies[id].amountFen), to: out, at: offset)
                    }
                }
            }
            written = offset
        }
    }

    /// The standing `encoded()` wrote; damage is an error naming `what`.
    init(decoding bytes: UnsafeRawBufferPointer, what: String) throws(StoreError) {
        var offset = 0
        func damaged(_ reason: String) -> StoreError {
            StoreError(
                description: "\(what) are damaged at byte \(offset): \(reason); delete the rows of "
                    + "sessionStandingVenue to have them counted again")
        }
        func varint() throws(StoreError) -> UInt64 {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                guard offset < bytes.count else { throw damaged("a number is cut short") }
                guard shift < 64 else { throw damaged("a number is too long") }
                let byte = bytes[offset]
                offset += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte < 0x80 { return value }
                shift += 7
            }
        }
        while offset < bytes.count {
            let length = try varint()
            guard length <= UInt64(bytes.count - offset) else { throw damaged("a key runs past the end") }
            let key = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + Int(length))])
            offset += Int(length)
            guard offset < bytes.count, bytes[offset] <= 1 else { throw damaged("expected 0 or 1 (closed)") }
            let closed = bytes[offset] == 1
            offset += 1
            let export = Varint.unzigzag(try varint())
            let amountFen = Varint.unzigzag(try varint())
            let id = Int(keys.intern(key))
            if id == 0, !emptyKeySeen, copies.count == 1 {
                emptyKeySeen = true
                copies[0] = (closed, export, amountFen)
                continue
            }
            guard id == copies.count else { throw damaged("a key is repeated") }
            copies.append((closed, export, amountFen))
        }
    }
}

/// One venue's standing copies cut into parts by key, each part the keys from its `lowKey` up to the next part's
/// (in `precedes` order: a billing system's 记录号 counts up, so a night's new keys come after every stored one, in
/// the last part). A run loads, folds into and rewrites only the parts its keys fall in: one standing of every key
/// ever stored, rewritten whole, made each run's totals grow with the database (the ninth night of a
/// 1.2-million-session province export spent 1.5 s of 3.3 on it).
struct PartedStanding {
    struct Part {
        /// The part's first key, or empty for the first part (which starts the order).
        var lowKey: [UInt8]
        /// Its totals as stored, until it is loaded.
        var stored: (distinct: Int64, amountFen: Int64)
        /// Its copies, once a key fell in it (or it is new).
        var standing: SessionStanding?
    }

    private(set) var parts: [Part]
    /// Reads a stored part's copies (the parts' totals come with the list; their copies only when needed).
    private let load: ([UInt8]) throws(StoreError) -> SessionStanding
    /// The part the last key fell in: keys come in runs of one part.
    private var last = 0

    /// The venue's stored parts, in any order.
    init(parts: [Part], load: @escaping ([UInt8]) throws(StoreError) -> SessionStanding) {
        self.parts = parts.sorted { a, b in
            a.lowKey.withUnsafeBytes { a in b.lowKey.withUnsafeBytes { b in Self.precedes(a, b) } }
        }
        self.load = load
    }

    /// Key order: 记录号 shorter first, then by bytes (so that numbers written without leading zeros go in numeric
    /// order); after them the derived keys of exports without 记录号 (`@终端号|上机时间|证件号码`, FORMATS.md §3.6) by
    /// their start, then as the others: a night's sessions come after the earlier nights' there too, where the
    /// terminal first would have spread them over every part.
    static func precedes(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        let (startA, startB) = (derivedStart(a), derivedStart(b))
        if (startA == nil) != (startB == nil) { return startA == nil }
        if let startA, let startB, startA != startB { return startA < startB }
        if a.count != b.count { return a.count < b.count }
        guard a.count > 0, let left = a.baseAddress, let right = b.baseAddress else { return false }
        return memcmp(left, right, a.count) < 0
    }

    /// The 上机时间 of a derived key (`@终端号|上机时间|…`, the time in seconds), or nil for any other key.
    static func derivedStart(_ key: UnsafeRawBufferPointer) -> Int64? {
        guard key.count > 3, key[0] == UInt8(ascii: "@"), let bar = key.firstIndex(of: UInt8(ascii: "|")) else {
            return nil
        }
        var at = bar + 1
        let negative = at < key.count && key[at] == UInt8(ascii: "-")
        if negative { at += 1 }
        let digitsStart = at
        var value: UInt64 = 0
        while at < key.count, key[at] &- UInt8(ascii: "0") < 10, at - digitsStart < 19 {
            value = value * 10 + UInt64(key[at] &- UInt8(ascii: "0"))
            at += 1
        }
        guard at > digitsStart, at < key.count, key[at] == UInt8(ascii: "|"), value <= UInt64(Int64.max) else {
            return nil
        }
        return negative ? -Int64(value) : Int64(value)
    }

    /// Whether `key` falls in part `index`: at or after its low key, before the next part's.
    private func holds(_ index: Int, _ key: UnsafeRawBufferPointer) -> Bool {
        let afterLow = parts[index].lowKey.withUnsafeBytes { !Self.precedes(key, $0) }
        guard afterLow, index + 1 < parts.count else { return afterLow }
        return parts[index + 1].lowKey.withUnsafeBytes { Self.precedes(key, $0) }
    }

    /// Folds one copy of the session `key` into the part it falls in.
    mutating func take(key: UnsafeRawBufferPointer, closed: Bool, export: Int64, amountFen: Int64) throws(StoreError) {
        if parts.isEmpty { parts.append(Part(lowKey: [], stored: (0, 0), standing: SessionStanding())) }
        if !holds(last, key) {
            // The last part whose low key is not after the key (the first part's low key is the least).
            var low = 0
            var high = parts.count - 1
            while low < high {
                let middle = (low + high + 1) / 2
                if parts[middle].lowKey.withUnsafeBytes({ Self.precedes(key, $0) }) {
                    high = middle - 1
                } else {
                    low = middle
                }
            }
            last = low
        }
        if parts[last].standing == nil { parts[last].standing = try load(parts[last].lowKey) }
        let id = parts[last].standing!.keys.intern(key)
        parts[last].standing!.take(key: id, closed: closed, export: export, amountFen: amountFen)
    }

    /// Distinct sessions and their amounts summed, over every part.
    var totals: (distinct: Int64, amountFen: Int64) {
        var total: (distinct: Int64, amountFen: Int64) = (0, 0)
        for part in parts {
            let totals = part.standing?.totals ?? part.stored
            total = (total.distinct + totals.distinct, total.amountFen &+ totals.amountFen)
        }
        return total
    }

    /// The parts keys fell in, each cut into parts of at most `limit` sessions in key order when it grew past it
    /// (the first piece keeps the part's low key): what is to be written, with the low keys it replaces.
    func changedParts(limit: Int) -> [(lowKey: [UInt8], standing: SessionStanding)] {
        var changed: [(lowKey: [UInt8], standing: SessionStanding)] = []
        for part in parts {
            guard let standing = part.standing else { continue }
            let pieces = standing.split(limit: limit)
            for (index, piece) in pieces.enumerated() {
                changed.append((index == 0 ? part.lowKey : piece.firstKey, piece.standing))
            }
        }
        return changed
    }
}

extension SessionStanding {
    /// This standing in key order cut into pieces of at most `limit` sessions, each with its first key; itself
    /// when it holds no more.
    func split(limit: Int) -> [(firstKey: [UInt8], standing: SessionStanding)] {
        precondition(limit > 0)
        guard count > limit else { return [([], self)] }
        var order = Array((emptyKeySeen ? 0 : 1)..<copies.count)
        keys.arena.withUnsafeBytes { arena in
            func bytes(_ id: Int) -> UnsafeRawBufferPointer {
                UnsafeRawBufferPointer(rebasing: arena[keys.range(Int32(id))])
            }
            order.sort { PartedStanding.precedes(bytes($0), bytes($1)) }
        }
        var pieces: [(firstKey: [UInt8], standing: SessionStanding)] = []
        keys.arena.withUnsafeBytes { arena in
            for start in stride(from: 0, to: order.count, by: limit) {
                var piece = SessionStanding()
                for id in order[start..<min(start + limit, order.count)] {
                    let key = UnsafeRawBufferPointer(rebasing: arena[keys.range(Int32(id))])
                    let copy = copies[id]
                    piece.take(
                        key: piece.keys.intern(key), closed: copy.closed, export: copy.export, amountFen: copy.amountFen)
                }
                pieces.append((Array(UnsafeRawBufferPointer(rebasing: arena[keys.range(Int32(order[start]))])), piece))
            }
        }
        return pieces
    }
}
