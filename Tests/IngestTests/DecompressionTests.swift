import Foundation
import NetbarTestSupport
import Testing

@testable import Ingest

/// The reader decompresses (or reads) straight into the caller's room, however small: every byte of the text comes
/// out once, in order, for plain files, zstd frames and gzip members made by the real tools.
@Suite struct DecompressionTests {
    /// 40,000 lines of mixed ASCII and Chinese text, about 1.5 MB: more than one read of the file and of the output.
    private static let text: [UInt8] = Array(
        (0..<40_000).map {
            "2026-11-28 14:\(String(format: "%02d", $0 % 60)):00|33010610000123|第\($0)行|\($0 * 7919)\n"
        }
        .joined().utf8)

    private static func files() throws -> (folder: String, names: [String]) {
        let folder = TestSupport.temporaryDirectory()
        try Data(text).write(to: URL(fileURLWithPath: folder + "/plain.log"))
        try Data("abc".utf8).write(to: URL(fileURLWithPath: folder + "/abc"))
        try Data().write(to: URL(fileURLWithPath: folder + "/empty"))
        // Two zstd frames and two gzip members, as `cat` of two archives leaves them.
        try TestSupport.shell(
            "cd '\(folder)' && head -c 700000 plain.log > a && tail -c +700001 plain.log > b && "
                + "zstd -q a -o a.zst && zstd -q b -o b.zst && cat a.zst b.zst > two.zst && "
                + "gzip -c a > a.gz && gzip -c b > b.gz && cat a.gz b.gz > two.gz && zstd -q plain.log -o one.zst")
        return (folder, ["plain.log", "abc", "empty", "two.zst", "two.gz", "one.zst"])
    }

    private static func expected(_ name: String) -> [UInt8] {
        switch name {
        case "abc": Array("abc".utf8)
        case "empty": []
        default: text
        }
    }

    /// Reads a whole file through rooms of the sizes `room` gives, one read at a time.
    private static func readAll(_ path: String, room: () -> Int) throws -> (bytes: [UInt8], damaged: Bool) {
        let reader = try DecompressingReader(file: InputFile(path: path, sizeBytes: 0))
        var bytes: [UInt8] = []
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 21, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = reader.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<room()]))
            if count == 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return (bytes, reader.damage != nil)
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func everyByteComesOutOnceWhateverTheRoom(seed: UInt64) throws {
        let (folder, names) = try Self.files()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var generator = SeededGenerator(state: seed)
        for name in names {
            // Rooms of one byte to a few hundred, and whole reads, mixed.
            let (bytes, damaged) = try Self.readAll(folder + "/" + name) {
                generator.below(4) == 0 ? DecompressingReader.readSize : 1 + generator.below(300)
            }
            #expect(!damaged, "\(name)")
            // Compared first, then expected: a failing `==` of two large arrays has Swift Testing diff them for ages.
            let same = bytes == Self.expected(name)
            #expect(same, "\(name): \(bytes.count) bytes of \(Self.expected(name).count)")
        }
    }

    /// The line reader over them: blocks of whole lines that join back to the text, and the text's hash.
    @Test func blocksJoinBackToTheTextWithItsHash() throws {
        let (folder, names) = try Self.files()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for name in names {
            let file = InputFile(path: folder + "/" + name, sizeBytes: 0)
            let blocks = LineBlockReader(source: try DecompressingReader(file: file))
            var joined: [UInt8] = []
            var blockCount = 0
            while let block = blocks.next() {
                guard case .lines(let lines) = block else {
                    Issue.record("\(name): an oversized block")
                    break
                }
                // Every block but the last ends at a line's end.
                if !joined.isEmpty { #expect(joined.last == 0x0A, "\(name)") }
                joined.append(contentsOf: lines)
                blockCount += 1
            }
            let expected = Self.expected(name)
            var hash = ContentHash()
            expected.withUnsafeBytes { hash.update($0) }
            let same = joined == expected
            #expect(same, "\(name): \(joined.count) bytes of \(expected.count)")
            #expect(blocks.hash.finalize() == hash.finalize(), "\(name)")
            #expect(blocks.decompressedBytes == Int64(expected.count), "\(name)")
            if expected.count > 1 << 20 { #expect(blockCount > 1, "\(name)") }
        }
    }

    /// A zstd file cut short gives what it holds and its damage, never more.
    @Test func aCutArchiveGivesItsBytesAndItsDamage() throws {
        let (folder, _) = try Self.files()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try TestSupport.shell(
            "cd '\(folder)' && head -c $(($(wc -c < one.zst) / 2)) one.zst > cut.zst && "
                + "head -c $(($(wc -c < a.gz) / 2)) a.gz > cut.gz")
        for name in ["cut.zst", "cut.gz"] {
            let (bytes, damaged) = try Self.readAll(folder + "/" + name) { 4096 }
            #expect(damaged, "\(name)")
            #expect(!bytes.isEmpty && bytes.count < Self.text.count, "\(name)")
            let same = Array(Self.text.prefix(bytes.count)) == bytes
            #expect(same, "\(name)")
        }
    }
}
