/// xoshiro256** seeded by SplitMix64: the generator's only source of randomness, so that one seed gives
/// byte-identical dumps (the system generator is never used).
struct SeededRandom {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    init(seed: UInt64) {
        var state = seed
        s0 = Self.splitMix(&state)
        s1 = Self.splitMix(&state)
        s2 = Self.splitMix(&state)
        s3 = Self.splitMix(&state)
    }

    /// A generator for one part (venue, unit) of a seeded whole, independent of the order parts are made in.
    init(seed: UInt64, stream: UInt64) {
        self.init(seed: Self.mix(seed, stream))
    }

    static func splitMix(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A well-mixed hash of two values, for values derived without drawing from a stream.
    static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        var state = a ^ (b &* 0xD6E8_FEB8_6659_FD93)
        return splitMix(&state)
    }

    mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// Uniform in 0..<count (the modulo bias is irrelevant for synthetic data).
    mutating func below(_ count: Int) -> Int {
        precondition(count > 0, "below(_:) needs a positive count")
        return Int(next() % UInt64(count))
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.upperBound - range.lowerBound + 1)
    }

    mutating func chance(_ probability: Double) -> Bool {
        Double(next() >> 11) * 0x1p-53 < probability
    }

    mutating func pick<T>(_ items: [T]) -> T {
        items[below(items.count)]
    }
}
