/// A 128-bit content hash of a file's decompressed bytes, for recognising a re-sent export
/// (FORMATS.md §6). Not cryptographic: it guards against accidents, at memory speed, independent of
/// how the bytes were split into chunks.
///
/// Eight lanes each take every eighth word of a 64-byte stripe, so their multiplies overlap: 14 GB/s on one core
/// here, where `LegacyContentHash`'s one chain of dependent multiplies ran at 2.4 GB/s (a tenth of a messy night's
/// CPU). Its values start with `prefix`; the legacy ones, which databases written before hold, are 32 hex digits.
package struct ContentHash: Sendable {
    /// What this hash's values start with.
    package static let prefix = "h2:"

    private var a: UInt64 = 0x243F_6A88_85A3_08D3
    private var b: UInt64 = 0x1319_8A2E_0370_7344
    private var c: UInt64 = 0xA409_3822_299F_31D0
    private var d: UInt64 = 0x082E_FA98_EC4E_6C89
    private var e: UInt64 = 0x4528_21E6_38D0_1377
    private var f: UInt64 = 0xBE54_66CF_34E9_0C6C
    private var g: UInt64 = 0xC0AC_29B7_C97C_50DD
    private var h: UInt64 = 0x3F84_D5B5_B547_0917
    private var length: UInt64 = 0
    /// The bytes of a stripe not yet whole (the first `stashCount` of 64).
    private var stash: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
    private var stashCount = 0

    package init() {}

    /// A lane takes a word. The word is multiplied before it meets the lane: a word xor-ed in first, as the legacy
    /// hash does, carried a change of its top bit into one bit of the lane, which a one-bit change of the lane's next
    /// word undid (two bit flips gave the same hash).
    @inline(__always)
    private static func round(_ lane: UInt64, _ word: UInt64) -> UInt64 {
        let mixed = lane &+ word &* 0xC2B2_AE3D_27D4_EB4F
        return ((mixed << 31) | (mixed >> 33)) &* 0x9E37_79B1_85EB_CA87
    }

    @inline(__always)
    private mutating func absorb(_ stripe: UnsafeRawPointer) {
        a = Self.round(a, stripe.loadUnaligned(as: UInt64.self))
        b = Self.round(b, stripe.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        c = Self.round(c, stripe.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
        d = Self.round(d, stripe.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
        e = Self.round(e, stripe.loadUnaligned(fromByteOffset: 32, as: UInt64.self))
        f = Self.round(f, stripe.loadUnaligned(fromByteOffset: 40, as: UInt64.self))
        g = Self.round(g, stripe.loadUnaligned(fromByteOffset: 48, as: UInt64.self))
        h = Self.round(h, stripe.loadUnaligned(fromByteOffset: 56, as: UInt64.self))
    }

    package mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        length &+= UInt64(bytes.count)
        var index = 0
        if stashCount > 0 {
            let taken = min(64 - stashCount, bytes.count)
            let at = stashCount
            withUnsafeMutableBytes(of: &stash) { $0.baseAddress!.advanced(by: at).copyMemory(from: base, byteCount: taken) }
            stashCount += taken
            index = taken
            guard stashCount == 64 else { return }
            let whole = stash
            withUnsafeBytes(of: whole) { absorb($0.baseAddress!) }
            stashCount = 0
        }
        while index + 64 <= bytes.count {
            absorb(base + index)
            index += 64
        }
        if index < bytes.count {
            let rest = bytes.count - index
            withUnsafeMutableBytes(of: &stash) { $0.baseAddress!.copyMemory(from: base + index, byteCount: rest) }
            stashCount = rest
        }
    }

    /// `prefix` and 32 hex digits.
    package func finalize() -> String {
        var lanes = [a, b, c, d, e, f, g, h]
        var tail: UInt64 = 0
        withUnsafeBytes(of: stash) { stashed in
            // The whole words of a part stripe go to the lanes a whole stripe gives them to; the last 0-7 bytes
            // make the tail word.
            for word in 0..<(stashCount / 8) {
                lanes[word] = Self.round(lanes[word], stashed.loadUnaligned(fromByteOffset: word * 8, as: UInt64.self))
            }
            for offset in (stashCount & ~7)..<stashCount {
                tail |= UInt64(stashed[offset]) << (UInt64(offset & 7) * 8)
            }
        }
        func finish(_ value: UInt64) -> UInt64 {
            var value = value
            value ^= value >> 33
            value &*= 0xFF51_AFD7_ED55_8CCD
            value ^= value >> 33
            value &*= 0xC4CE_B9FE_1A85_EC53
            return value ^ (value >> 33)
        }
        var first = length ^ 0x9E37_79B9_7F4A_7C15
        var second = tail ^ 0xD6E8_FEB8_6659_FD93
        for (index, lane) in lanes.enumerated() {
            first = finish(first ^ lane) &+ UInt64(index)
            second = finish(second &+ lane) ^ first
        }
        first = finish(first ^ tail)
        second = finish(second ^ length)
        return Self.prefix + hex(first) + hex(second)
    }
}

/// The content hash of builds before `ContentHash`: one chain of dependent multiplies over the file's words. A
/// database that holds its values (32 hex digits) has every file hashed this way too, so that a file it already
/// holds is still recognised when sent again, and its evidence lines still found.
package struct LegacyContentHash: Sendable {
    private var lane1: UInt64 = 0x243F_6A88_85A3_08D3
    private var lane2: UInt64 = 0x1319_8A2E_0370_7344
    private var length: UInt64 = 0
    private var tail: UInt64 = 0
    private var tailCount = 0

    package init() {}

    @inline(__always)
    private mutating func mix(_ word: UInt64) {
        lane1 = (lane1 ^ word) &* 0x9E37_79B9_7F4A_7C15
        lane1 = (lane1 << 31) | (lane1 >> 33)
        lane2 = (lane2 &+ word) &* 0xC2B2_AE3D_27D4_EB4F
        lane2 = (lane2 << 27) | (lane2 >> 37)
    }

    package mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress else { return }
        length &+= UInt64(bytes.count)
        var index = 0
        while tailCount != 0 && index < bytes.count {
            tail |= UInt64(bytes[index]) << (UInt64(tailCount) * 8)
            tailCount += 1
            index += 1
            if tailCount == 8 {
                mix(tail)
                tail = 0
                tailCount = 0
            }
        }
        while index + 8 <= bytes.count {
            mix(base.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            index += 8
        }
        while index < bytes.count {
            tail |= UInt64(bytes[index]) << (UInt64(tailCount) * 8)
            tailCount += 1
            index += 1
        }
    }

    /// 32 hex digits.
    package func finalize() -> String {
        var first = lane1
        var second = lane2
        first = (first ^ tail ^ length) &* 0xFF51_AFD7_ED55_8CCD
        second = (second ^ tail ^ (length << 1)) &* 0xC4CE_B9FE_1A85_EC53
        first ^= first >> 33
        second ^= second >> 29
        first = (first ^ second) &* 0x9E37_79B9_7F4A_7C15
        second = (second ^ first) &* 0xD6E8_FEB8_6659_FD93
        first ^= first >> 32
        second ^= second >> 32
        return hex(first) + hex(second)
    }
}

/// 16 hex digits.
private func hex(_ value: UInt64) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: 16 - digits.count) + digits
}
