/// LEB128 varints and zigzag signs: the pulse runs' time and line deltas and the run totals' cached standings.
enum Varint {
    /// Appends `value` seven bits a byte, low bits first, the top bit set on every byte but the last.
    @inline(__always)
    static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    /// Writes `value` as `append` does at `at`, returning the offset after it; the caller has made room (10 bytes).
    @inline(__always)
    static func write(_ value: UInt64, to bytes: UnsafeMutableRawPointer, at offset: Int) -> Int {
        var value = value
        var offset = offset
        while value >= 0x80 {
            bytes.storeBytes(of: UInt8(truncatingIfNeeded: value) | 0x80, toByteOffset: offset, as: UInt8.self)
            value >>= 7
            offset += 1
        }
        bytes.storeBytes(of: UInt8(value), toByteOffset: offset, as: UInt8.self)
        return offset + 1
    }

    /// A signed value with its sign in the lowest bit, so that small magnitudes of either sign stay small.
    @inline(__always)
    static func zigzag(_ value: Int64) -> UInt64 { UInt64(bitPattern: (value << 1) ^ (value >> 63)) }

    @inline(__always)
    static func unzigzag(_ value: UInt64) -> Int64 { Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1) }
}
