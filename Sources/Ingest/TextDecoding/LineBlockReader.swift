import Glibc

/// Cuts a file's decompressed bytes into blocks of whole lines (ending at an LF, which no GBK or UTF-8
/// multibyte character contains), hashing the bytes on the way. A line longer than `maximumLineBytes`
/// is handed over as `.oversized` with its first bytes and the rest of it is skipped (STYLE.md §5).
package final class LineBlockReader {
    /// Cap on one line (a file with no newlines cannot eat memory).
    package static let maximumLineBytes = 1 << 20
    /// Bytes gathered before a block is cut.
    static let targetBlockBytes = 1 << 20

    package enum Block {
        /// Whole lines; at the end of the input the last may lack its LF.
        case lines(UnsafeRawBufferPointer)
        /// The first bytes of a line over the cap; the rest of the line is skipped.
        case oversized(UnsafeRawBufferPointer)
    }

    package let source: DecompressingReader
    package private(set) var hash = ContentHash()
    /// The hash of builds before `ContentHash`, when asked for (a database holding such values).
    package private(set) var legacyHash: LegacyContentHash?
    /// Decompressed bytes read so far.
    package private(set) var decompressedBytes: Int64 = 0
    private var buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4 << 20, alignment: 16)
    private var start = 0
    private var end = 0
    private var finished = false
    private var discarding = false

    package init(source: DecompressingReader, legacyHash: Bool = false) {
        self.source = source
        if legacyHash { self.legacyHash = LegacyContentHash() }
    }

    deinit { buffer.deallocate() }

    /// The next block, valid until the next call; nil at the end.
    package func next() -> Block? {
        while true {
            if discarding {
                if let newline = findFirstNewline(from: start) {
                    start = newline + 1
                    discarding = false
                } else {
                    start = end
                    if finished {
                        discarding = false
                        return nil
                    }
                }
            }
            if !discarding {
                if finished {
                    guard start < end else { return nil }
                    if end - start > Self.maximumLineBytes, findFirstNewline(from: start) == nil {
                        let prefix = UnsafeRawBufferPointer(rebasing: buffer[start..<(start + Self.maximumLineBytes)])
                        start = end
                        return .oversized(prefix)
                    }
                    let block = UnsafeRawBufferPointer(rebasing: buffer[start..<end])
                    start = end
                    return .lines(block)
                }
                if end - start >= Self.targetBlockBytes {
                    if let newline = findLastNewline() {
                        let block = UnsafeRawBufferPointer(rebasing: buffer[start...newline])
                        start = newline + 1
                        return .lines(block)
                    }
                    if end - start > Self.maximumLineBytes {
                        let prefix = UnsafeRawBufferPointer(rebasing: buffer[start..<(start + Self.maximumLineBytes)])
                        start = end
                        discarding = true
                        return .oversized(prefix)
                    }
                }
            }
            readMore()
        }
    }

    /// Reads the next bytes into the buffer after the live ones, with room for a whole read made first (the live
    /// tail moved to the front, or the buffer grown when a line fills it).
    private func readMore() {
        let room = DecompressingReader.readSize
        if buffer.count - end < room {
            if start > 0 {
                let live = end - start
                if live > 0 { memmove(buffer.baseAddress!, buffer.baseAddress! + start, live) }
                start = 0
                end = live
            }
            if buffer.count - end < room {
                let grown = UnsafeMutableRawBufferPointer.allocate(
                    byteCount: max(buffer.count * 2, end + room), alignment: 16)
                if end > 0 { grown.baseAddress!.copyMemory(from: buffer.baseAddress!, byteCount: end) }
                buffer.deallocate()
                buffer = grown
            }
        }
        // A read's worth at a time, as before: blocks stay near `targetBlockBytes`, within the caches.
        let count = source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[end..<(end + room)]))
        guard count > 0 else {
            finished = true
            return
        }
        hash.update(UnsafeRawBufferPointer(rebasing: buffer[end..<(end + count)]))
        legacyHash?.update(UnsafeRawBufferPointer(rebasing: buffer[end..<(end + count)]))
        decompressedBytes += Int64(count)
        end += count
    }

    private func findFirstNewline(from position: Int) -> Int? {
        guard position < end, let found = memchr(buffer.baseAddress! + position, 0x0A, end - position) else {
            return nil
        }
        return UnsafeRawPointer(found) - UnsafeRawPointer(buffer.baseAddress!)
    }

    private func findLastNewline() -> Int? {
        // The last LF is normally within a line's length of the end, so a backward scan is short.
        var index = end - 1
        while index >= start {
            if buffer[index] == 0x0A { return index }
            index -= 1
        }
        return nil
    }
}
