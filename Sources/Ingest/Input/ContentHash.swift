/// A 128-bit content hash of a file's decompressed bytes, for recognising a re-sent export
/// (FORMATS.md §6). Not cryptographic: it guards against accidents, at memory speed, independent of
/// how the bytes were split into chunks.
package struct ContentHash: Sendable {
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
        func hex(_ value: UInt64) -> String {
            let digits = String(value, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }
        return hex(first) + hex(second)
    }
}
