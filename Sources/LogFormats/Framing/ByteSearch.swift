/// Finding one byte value 8 bytes at a time (SWAR), so that LogFormats needs nothing past the standard
/// library for what `memchr` does (STYLE.md §2, §7).
package enum ByteSearch {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// A sixteen-byte vector compare's result as sixteen bits, the first byte lowest: each half's top bits gathered by
    /// a multiply whose terms never meet (no carries).
    @inline(__always)
    package static func bits(_ mask: SIMDMask<SIMD16<Int8>>) -> UInt64 {
        let halves = unsafeBitCast(mask, to: SIMD2<UInt64>.self)
        @inline(__always) func gathered(_ word: UInt64) -> UInt64 { ((word & highs) &* 0x0002_0408_1020_4081) >> 56 }
        return gathered(halves[0]) | gathered(halves[1]) << 8
    }

    /// The index of the first `byte` in `base[from..<to]`, or nil.
    @inline(__always)
    package static func first(_ byte: UInt8, in base: UnsafeRawPointer, from: Int, to: Int) -> Int? {
        var index = from
        let pattern = ones &* UInt64(byte)
        while index + 8 <= to {
            let word = base.loadUnaligned(fromByteOffset: index, as: UInt64.self) ^ pattern
            let found = (word &- ones) & ~word & highs
            if found != 0 { return index + found.trailingZeroBitCount / 8 }
            index += 8
        }
        while index < to {
            if base.load(fromByteOffset: index, as: UInt8.self) == byte { return index }
            index += 1
        }
        return nil
    }
}
