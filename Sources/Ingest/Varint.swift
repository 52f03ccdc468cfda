/// LEB128 varints and zigzag signs: the pulse runs' time and line deltas and the run totals' cached standings.
enum Varint {
    /// Writes `value` at `offset` seven bits a byte, low bits first, the top bit set on every byte but the last;
    /// returns the offset after it. The caller has made room (10 bytes at most).
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
