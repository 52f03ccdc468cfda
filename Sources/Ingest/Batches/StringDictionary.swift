import CPrefetch
import Glibc

/// Interns byte strings to dense ids 1...n (0 is the empty string): the dictionary encoding of a batch's
/// text columns, and the store's symbol table. Open addressing over one byte arena, so interning a field
/// that was seen before allocates nothing (STYLE.md §7).
package struct StringDictionary: Sendable {
    /// Every string's bytes, back to back, and room after them.
    private var strings = ByteRoom(room: 4096)
    /// Every string's bytes, back to back.
    package var arena: ArraySlice<UInt8> { strings.bytes }
    /// `ends[id]` is the end offset in `arena` of string `id`; `ends[0] == 0` stands for the empty string.
    package private(set) var ends = ContiguousArray<Int32>([0])
    private var hashes = ContiguousArray<UInt64>([0])
    /// Each slot holds an id in its low bits (0 = free) and, above them, the top bits of the id's hash (its
    /// tag): a probe meets a stranger's slot and moves on, or finds its own and goes straight to the bytes, without
    /// reading `hashes` (in the store's symbol table each read there was a cache miss the lookup waited for). Ids
    /// stay below the slot count (the table is at most half full), so the bits of `slots.count - 1` hold them.
    private var slots = ContiguousArray<UInt32>(repeating: 0, count: 1024)

    package init() {}

    /// Number of distinct non-empty strings.
    package var count: Int { ends.count - 1 }

    /// The bytes of string `id`.
    @inline(__always)
    package func range(_ id: Int32) -> Range<Int> {
        id <= 0 ? 0..<0 : Int(ends[Int(id) - 1])..<Int(ends[Int(id)])
    }

    package func string(_ id: Int32) -> String {
        strings.storage.withUnsafeBytes { String(decoding: UnsafeRawBufferPointer(rebasing: $0[range(id)]), as: UTF8.self) }
    }

    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        guard let base = bytes.baseAddress else { return state }
        var index = 0
        while index + 8 <= bytes.count {
            state = (state ^ base.loadUnaligned(fromByteOffset: index, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
            state ^= state >> 29
            index += 8
        }
        state = (state ^ tail(base + index, count: bytes.count - index)) &* 0x94D0_49BB_1331_11EB
        return state ^ (state >> 31)
    }

    /// The `count` (0-7) bytes at `base` as a little-endian word, in at most three loads by the bits of the count
    /// (a byte loop cost a varying number of turns, most of a short field's hash).
    @inline(__always)
    private static func tail(_ base: UnsafeRawPointer, count: Int) -> UInt64 {
        var word: UInt64 = 0
        var offset = 0
        if count & 4 != 0 {
            word = UInt64(UInt32(littleEndian: base.loadUnaligned(as: UInt32.self)))
            offset = 4
        }
        if count & 2 != 0 {
            word |= UInt64(UInt16(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt16.self))) << UInt64(8 * offset)
            offset += 2
        }
        if count & 1 != 0 { word |= UInt64(base.load(fromByteOffset: offset, as: UInt8.self)) << UInt64(8 * offset) }
        return word
    }

    /// Whether `count` bytes at `a` and `b` are equal: words compared in line for the short texts a dictionary
    /// holds (a call to `memcmp` cost more than the compare), `memcmp` past 32 bytes.
    @inline(__always)
    private static func same(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, count: Int) -> Bool {
        guard count <= 32 else { return memcmp(a, b, count) == 0 }
        var offset = 0
        while offset + 8 <= count {
            guard a.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                == b.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            else { return false }
            offset += 8
        }
        return tail(a + offset, count: count - offset) == tail(b + offset, count: count - offset)
    }

    /// The id of `bytes`, adding it when new; 0 for empty bytes.
    /// - Complexity: O(bytes.count) expected.
    @inline(__always)
    package mutating func intern(_ bytes: UnsafeRawBufferPointer) -> Int32 {
        if bytes.isEmpty { return 0 }
        return intern(bytes, hash: Self.hash(bytes))
    }

    /// The id of non-empty `bytes` whose `hash(_:)` is `hash`, adding it when new.
    @inline(__always)
    package mutating func intern(_ bytes: UnsafeRawBufferPointer, hash: UInt64) -> Int32 {
        let mask = slots.count - 1
        let idMask = UInt32(mask)
        let tag = Self.tag(hash, idMask: idMask)
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = slots[slot]
            if entry == 0 { break }
            if entry & ~idMask == tag, case let id = Int32(bitPattern: entry & idMask), equal(id, bytes) { return id }
            slot = (slot + 1) & mask
        }
        strings.append(bytes)
        ends.append(Int32(strings.count))
        hashes.append(hash)
        let id = Int32(ends.count - 1)
        slots[slot] = tag | UInt32(id)
        if count * 2 > slots.count { grow() }
        return id
    }

    /// The tag of `hash` in place above the id's bits: bits of the hash's high half (its low bits pick the slot).
    @inline(__always)
    private static func tag(_ hash: UInt64, idMask: UInt32) -> UInt32 {
        UInt32(truncatingIfNeeded: hash &>> 32) & ~idMask
    }

    /// The ids here of every string of `other` (index = `other`'s id; 0 stays 0), adding the new ones in `other`'s
    /// order. In a large dictionary each step of a lookup is a cache miss that the next one waits for (the slot,
    /// then the id's end, then its bytes): each is fetched eight strings before the step that needs it, so that
    /// the misses of many strings overlap. (Plain loads instead of prefetches did not overlap: a missing load holds
    /// up everything after it.)
    package mutating func intern(allOf other: StringDictionary) -> ContiguousArray<Int64> {
        let count = other.count
        var mapping = ContiguousArray<Int64>(repeating: 0, count: count + 1)
        let mask = slots.count - 1
        func slot(_ id: Int) -> Int { Int(truncatingIfNeeded: other.hashes[id]) & mask }
        /// The id in the first slot of `other`'s string `id` when its tag matches, else 0.
        func candidate(_ id: Int, _ slots: UnsafeBufferPointer<UInt32>) -> Int {
            let entry = slots[slot(id)]
            let tag = Self.tag(other.hashes[id], idMask: UInt32(mask))
            return entry & ~UInt32(mask) == tag ? Int(entry & UInt32(mask)) : 0
        }
        for id in 1..<(count + 1) {
            slots.withUnsafeBufferPointer { slots in
                if id + 24 <= count { netbar_prefetch(slots.baseAddress! + slot(id + 24)) }
                if id + 16 <= count, case let found = candidate(id + 16, slots), found != 0 {
                    ends.withUnsafeBufferPointer { netbar_prefetch($0.baseAddress! + found - 1) }
                }
                if id + 8 <= count, case let found = candidate(id + 8, slots), found != 0 {
                    strings.storage.withUnsafeBufferPointer { netbar_prefetch($0.baseAddress! + Int(ends[found - 1])) }
                }
            }
            let hash = other.hashes[id]
            mapping[id] = other.strings.storage.withUnsafeBytes { bytes in
                Int64(intern(UnsafeRawBufferPointer(rebasing: bytes[other.range(Int32(id))]), hash: hash))
            }
        }
        return mapping
    }

    /// Interns `bytes` with ASCII letters upper-cased (cert numbers: `x` equals `X`, FORMATS.md §4).
    package mutating func internUppercased(_ bytes: UnsafeRawBufferPointer) -> Int32 {
        if bytes.count > 64 || !Self.holdsLowercase(bytes) { return intern(bytes) }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bytes.count) { buffer in
            for (index, byte) in bytes.enumerated() {
                buffer[index] = byte >= 0x61 && byte <= 0x7A ? byte - 0x20 : byte
            }
            return intern(UnsafeRawBufferPointer(buffer))
        }
    }

    /// Whether `bytes` hold an ASCII a-z, eight bytes a word: a byte's top bit is set by adding 0x1F when it is at
    /// least 0x61 and by adding 5 when it is past 0x7A (on its low seven bits, so no carry crosses bytes), and a
    /// byte with its own top bit set (UTF-8) is no letter. A byte loop cost most of a cert's interning.
    @inline(__always)
    static func holdsLowercase(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        func lowercase(_ word: UInt64) -> Bool {
            let low = word & 0x7F7F_7F7F_7F7F_7F7F
            let atLeastA = low &+ 0x1F1F_1F1F_1F1F_1F1F
            let pastZ = low &+ 0x0505_0505_0505_0505
            return atLeastA & ~pastZ & ~word & 0x8080_8080_8080_8080 != 0
        }
        var index = 0
        while index + 8 <= bytes.count {
            if lowercase(base.loadUnaligned(fromByteOffset: index, as: UInt64.self)) { return true }
            index += 8
        }
        return lowercase(tail(base + index, count: bytes.count - index))
    }

    package mutating func intern(_ text: String) -> Int32 {
        var text = text
        return text.withUTF8 { intern(UnsafeRawBufferPointer($0)) }
    }

    @inline(__always)
    private func equal(_ id: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let stored = range(id)
        guard stored.count == bytes.count else { return false }
        return strings.storage.withUnsafeBytes { arenaBytes in
            Self.same(arenaBytes.baseAddress! + stored.lowerBound, bytes.baseAddress!, count: bytes.count)
        }
    }

    private mutating func grow() { rehash(slotCount: slots.count * 2) }

    private mutating func rehash(slotCount: Int) {
        precondition(slotCount.nonzeroBitCount == 1 && slotCount <= 1 << 31, "a dictionary's slots are a power of two")
        var newSlots = ContiguousArray<UInt32>(repeating: 0, count: slotCount)
        let mask = newSlots.count - 1
        for id in 1..<ends.count {
            var slot = Int(truncatingIfNeeded: hashes[id]) & mask
            while newSlots[slot] != 0 { slot = (slot + 1) & mask }
            newSlots[slot] = Self.tag(hashes[id], idMask: UInt32(mask)) | UInt32(id)
        }
        slots = newSlots
    }

    /// Forgets every string after the first `count` (the symbols of a file whose transaction was rolled back), as
    /// if they had never been interned. Latest first: linear probing (and `grow`, which re-inserts in id order)
    /// put a later id after every earlier one on its probe path, so emptying its slot breaks no other path.
    package mutating func truncate(keeping count: Int) {
        precondition(count >= 0 && count <= self.count)
        let mask = slots.count - 1
        for id in stride(from: self.count, to: count, by: -1) {
            var slot = Int(truncatingIfNeeded: hashes[id]) & mask
            while slots[slot] & UInt32(mask) != UInt32(id) { slot = (slot + 1) & mask }
            slots[slot] = 0
        }
        strings.truncate(to: Int(ends[count]))
        ends.removeLast(ends.count - count - 1)
        hashes.removeLast(hashes.count - count - 1)
    }

    /// Makes room for `strings` strings of `bytes` bytes in all without growing: a batch's dictionary began at 1,024
    /// slots and doubled five times on its way to a full batch's strings, rehashing and copying each time.
    package mutating func reserve(strings count: Int, bytes: Int) {
        strings.makeRoom(bytes)
        ends.reserveCapacity(count + 1)
        hashes.reserveCapacity(count + 1)
        var size = slots.count
        while size < 2 * count { size *= 2 }
        if size > slots.count { rehash(slotCount: size) }
    }
}

