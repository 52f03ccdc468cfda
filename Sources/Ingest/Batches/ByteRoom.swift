/// Bytes appended back to back into room made ahead: the first `count` bytes of `storage` are the values, the rest
/// is room. A value is copied in with one `memcpy`: an array's generic `append(contentsOf:)` of a few bytes cost
/// ~100 instructions, once per new string of every batch dictionary and of the symbol table, and per batch row key.
struct ByteRoom: Sendable {
    /// The values and the room after them, read by offsets below `count`.
    private(set) var storage: ContiguousArray<UInt8>
    private(set) var count = 0

    init(room: Int = 0) { storage = ContiguousArray(repeating: 0, count: room) }

    /// The values' bytes.
    var bytes: ArraySlice<UInt8> { storage[0..<count] }

    /// Makes `storage` at least `total` bytes long, at least doubling it.
    mutating func makeRoom(_ total: Int) {
        guard total > storage.count else { return }
        storage.append(contentsOf: repeatElement(0, count: max(total, 2 * storage.count) - storage.count))
    }

    @inline(__always)
    mutating func append(_ value: UnsafeRawBufferPointer) {
        let start = count
        makeRoom(start + value.count)
        if let source = value.baseAddress, !value.isEmpty {
            storage.withUnsafeMutableBytes { $0.baseAddress!.advanced(by: start).copyMemory(from: source, byteCount: value.count) }
        }
        count = start + value.count
    }

    /// Writes up to `most` bytes through `body`, which returns the offset after the last it wrote (room for `most`
    /// bytes is made first).
    @inline(__always)
    mutating func write(atMost most: Int, _ body: (UnsafeMutableBufferPointer<UInt8>, _ start: Int) -> Int) {
        makeRoom(count + most)
        let start = count
        count = storage.withUnsafeMutableBufferPointer { body($0, start) }
    }

    /// Drops every value after the first `kept` bytes.
    mutating func truncate(to kept: Int) { count = kept }
}
