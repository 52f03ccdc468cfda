/// The standing copy of each session of one venue (FORMATS.md §6: a copy with a 下机时间 beats one without, then the
/// later 导出时间, then the later copy), folded segment by segment in id order, as far as `throughSegment`: what the
/// run totals keep between runs in `sessionStanding.standing`, so that a run folds only the segments after it.
struct SessionStanding {
    /// 记录号 (or the derived key) of each session, by id 1...n.
    var keys = StringDictionary()
    /// Per key id: whether the standing copy is closed, its export time (0 without), its amount. Id 0 is the empty
    /// key, which this build never writes (a session without 记录号 gets a derived one) but an older cell may hold.
    private(set) var copies = ContiguousArray<(closed: Bool, export: Int64, amountFen: Int64)>(
        repeating: (false, 0, 0), count: 1)
    private var emptyKeySeen = false
    /// The last `sessionSegment` id folded in (0: none).
    var throughSegment: Int64 = 0

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

    /// Distinct sessions and their amounts summed.
    var totals: (distinct: Int64, amountFen: Int64) {
        var amountFen: Int64 = emptyKeySeen ? copies[0].amountFen : 0
        for copy in copies.dropFirst() { amountFen += copy.amountFen }
        return (Int64(copies.count - 1) + (emptyKeySeen ? 1 : 0), amountFen)
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

    /// The standing `encoded()` wrote, as of segment `through`; damage is an error naming `what`.
    init(decoding bytes: UnsafeRawBufferPointer, through: Int64, what: String) throws(StoreError) {
        throughSegment = through
        var offset = 0
        func damaged(_ reason: String) -> StoreError {
            StoreError(
                description: "\(what) are damaged at byte \(offset): \(reason); delete the rows of sessionStanding "
                    + "to have them counted again")
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
