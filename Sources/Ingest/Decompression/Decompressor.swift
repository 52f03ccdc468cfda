import CZlib
import CZstd
import Glibc

/// How an input file was compressed, recognised by its magic bytes (FORMATS.md §1).
package enum Compression: String, Sendable, Codable {
    case none, zstd, gzip
}

/// Where and why a compressed stream broke off (a stream-tier issue, STYLE.md §5).
package struct StreamDamage: Sendable, Equatable, Codable {
    /// Byte offset in the compressed file at which the damage was found.
    package var offset: Int64
    package var reason: String
}

/// Reads a file (or stdin) and yields its decompressed bytes in chunks; zstd (several frames allowed)
/// and gzip (several members allowed) are recognised by magic bytes, anything else passes through.
/// On damage it stops, keeps everything decoded before it, and records `damage`.
package final class DecompressingReader {
    /// Size of each read from the file (DEPENDENCIES.md: ~1 MiB reads measured best).
    static let readSize = 1 << 20

    package private(set) var compression = Compression.none
    package private(set) var damage: StreamDamage?
    /// Compressed bytes read so far (for progress).
    package private(set) var compressedBytesRead: Int64 = 0
    /// Whether reading the file itself failed (a read error, not damaged compressed data).
    package private(set) var failedToRead = false

    private let fd: Int32
    private let ownsDescriptor: Bool
    private var input: UnsafeMutableRawBufferPointer
    private var inputCount = 0
    private var inputPosition = 0
    private var endOfFile = false
    private var zstdContext: OpaquePointer?
    private var zstream = z_stream()
    private var zstreamLive = false
    /// Compressed offset at which the current zstd frame or gzip member started.
    private var unitStartOffset: Int64 = 0
    /// Whether the current frame/member has produced its end marker.
    private var unitComplete = true
    private var started = false

    /// Opens the input (`-` for standard input), by its path's own bytes.
    package init(file: InputFile) throws(InputError) {
        let path = file.path
        if file.isStandardInput {
            fd = 0
            ownsDescriptor = false
        } else {
            fd = withCString(file.pathBytes) { open($0, O_RDONLY) }
            guard fd >= 0 else {
                throw InputError(description: "cannot open '\(path)': \(String(cString: strerror(errno)))")
            }
            ownsDescriptor = true
        }
        input = .allocate(byteCount: Self.readSize, alignment: 16)
    }

    deinit {
        if ownsDescriptor { close(fd) }
        if let zstdContext { ZSTD_freeDCtx(zstdContext) }
        if zstreamLive { inflateEnd(&zstream) }
        input.deallocate()
    }

    /// Offset in the file of `input[0]`.
    private var inputBaseOffset: Int64 = 0

    private func fill() -> Bool {
        if inputPosition < inputCount { return true }
        if endOfFile { return false }
        inputBaseOffset += Int64(inputCount)
        inputPosition = 0
        inputCount = 0
        while inputCount == 0 {
            let count = Glibc.read(fd, input.baseAddress, input.count)
            if count < 0 {
                if errno == EINTR { continue }
                damage = StreamDamage(offset: inputBaseOffset, reason: "read error: \(String(cString: strerror(errno)))")
                failedToRead = true
                endOfFile = true
                return false
            }
            if count == 0 {
                endOfFile = true
                return false
            }
            inputCount = count
            compressedBytesRead += Int64(count)
        }
        return true
    }

    private var currentOffset: Int64 { inputBaseOffset + Int64(inputPosition) }

    private func start() {
        started = true
        // Read until 4 bytes are available for the magic (a pipe may deliver fewer at once).
        guard fill() else { return }
        while inputCount < 4 && !endOfFile {
            let count = Glibc.read(fd, input.baseAddress! + inputCount, input.count - inputCount)
            if count <= 0 {
                if count < 0 && errno == EINTR { continue }
                if count < 0 {
                    damage = StreamDamage(
                        offset: inputBaseOffset + Int64(inputCount), reason: "read error: \(String(cString: strerror(errno)))")
                    failedToRead = true
                }
                endOfFile = true
                break
            }
            inputCount += count
            compressedBytesRead += Int64(count)
        }
        let magic = input.prefix(4)
        // A zstd frame, or a skippable frame (magic 0x184D2A50-5F, as pzstd writes first), which libzstd reads.
        let isSkippableFrame =
            magic.count == 4 && magic[0] & 0xF0 == 0x50 && magic[1] == 0x2A && magic[2] == 0x4D && magic[3] == 0x18
        if magic.count == 4, magic.elementsEqual([0x28, 0xB5, 0x2F, 0xFD]) || isSkippableFrame {
            compression = .zstd
            zstdContext = ZSTD_createDCtx()
            // Frames written with --long up to 2 GiB windows are accepted (DEPENDENCIES.md).
            ZSTD_DCtx_setParameter(zstdContext, ZSTD_d_windowLogMax, 31)
        } else if magic.count >= 2, magic[0] == 0x1F, magic[1] == 0x8B {
            compression = .gzip
            zstreamLive = czlib_inflateInit2(&zstream, 15 + 32) == Z_OK
        }
    }

    /// Decompresses the next bytes into `destination` (a plain file is read into it) and returns how many; 0 at the
    /// end (or after damage). Written where the caller gathers lines: a chunk of our own that the caller copied
    /// was one more pass over every byte (2.4 % of a venue's ingest).
    package func read(into destination: UnsafeMutableRawBufferPointer) -> Int {
        precondition(!destination.isEmpty, "a read needs room")
        if !started { start() }
        switch compression {
        case .none: return readPlain(into: destination)
        case .zstd: return readZstd(into: destination)
        case .gzip: return readGzip(into: destination)
        }
    }

    private func readPlain(into destination: UnsafeMutableRawBufferPointer) -> Int {
        guard damage == nil else { return 0 }
        // What `start` read for the magic goes first.
        if inputPosition < inputCount {
            let count = min(inputCount - inputPosition, destination.count)
            destination.baseAddress!.copyMemory(from: input.baseAddress! + inputPosition, byteCount: count)
            inputPosition += count
            return count
        }
        if endOfFile { return 0 }
        while true {
            let count = Glibc.read(fd, destination.baseAddress, destination.count)
            if count < 0 {
                if errno == EINTR { continue }
                damage = StreamDamage(
                    offset: compressedBytesRead, reason: "read error: \(String(cString: strerror(errno)))")
                failedToRead = true
                endOfFile = true
                return 0
            }
            if count == 0 { endOfFile = true }
            compressedBytesRead += Int64(count)
            return count
        }
    }

    /// At a frame or member boundary: true when everything left in the file is zero bytes (padding, as
    /// tape and block copies leave), which ends the stream without damage.
    private func onlyZerosRemain() -> Bool {
        while true {
            while inputPosition < inputCount {
                if input[inputPosition] != 0 { return false }
                inputPosition += 1
            }
            if !fill() { return true }
        }
    }

    private func readZstd(into destination: UnsafeMutableRawBufferPointer) -> Int {
        guard damage == nil else { return 0 }
        while true {
            if unitComplete, fill(), input[inputPosition] == 0, onlyZerosRemain() { return 0 }
            guard fill() else {
                if !unitComplete {
                    damage = StreamDamage(
                        offset: currentOffset,
                        reason: "truncated zstd frame: the frame starting at offset \(unitStartOffset) is incomplete")
                }
                return 0
            }
            if unitComplete {
                unitStartOffset = currentOffset
                unitComplete = false
            }
            var inBuffer = ZSTD_inBuffer(src: input.baseAddress! + inputPosition, size: inputCount - inputPosition, pos: 0)
            var outBuffer = ZSTD_outBuffer(dst: destination.baseAddress, size: destination.count, pos: 0)
            let result = ZSTD_decompressStream(zstdContext, &outBuffer, &inBuffer)
            let consumed = inBuffer.pos
            if ZSTD_isError(result) != 0 {
                let name = String(cString: ZSTD_getErrorName(result))
                damage = StreamDamage(offset: currentOffset + Int64(consumed), reason: "zstd: \(name)")
                return outBuffer.pos
            }
            inputPosition += consumed
            if result == 0 { unitComplete = true }
            if outBuffer.pos > 0 { return outBuffer.pos }
        }
    }

    private func readGzip(into destination: UnsafeMutableRawBufferPointer) -> Int {
        guard damage == nil else { return 0 }
        guard zstreamLive else {
            damage = StreamDamage(offset: 0, reason: "gzip: the decoder could not start")
            return 0
        }
        while true {
            if unitComplete, fill(), input[inputPosition] == 0, onlyZerosRemain() { return 0 }
            guard fill() else {
                if !unitComplete {
                    damage = StreamDamage(
                        offset: currentOffset,
                        reason: "truncated gzip member: the member starting at offset \(unitStartOffset) is incomplete")
                }
                return 0
            }
            if unitComplete {
                unitStartOffset = currentOffset
                unitComplete = false
            }
            let available = inputCount - inputPosition
            zstream.next_in = (input.baseAddress! + inputPosition).assumingMemoryBound(to: Bytef.self)
            zstream.avail_in = UInt32(available)
            // `avail_out` is 32 bits; the caller's room is a few MiB.
            let room = min(destination.count, Int(UInt32.max))
            zstream.next_out = destination.baseAddress!.assumingMemoryBound(to: Bytef.self)
            zstream.avail_out = UInt32(room)
            let status = inflate(&zstream, Z_NO_FLUSH)
            let consumed = available - Int(zstream.avail_in)
            let produced = room - Int(zstream.avail_out)
            if status == Z_STREAM_END {
                inputPosition += consumed
                unitComplete = true
                inflateReset(&zstream)  // a further member may follow (`cat a.gz b.gz`)
            } else if status != Z_OK && status != Z_BUF_ERROR {
                let message = zstream.msg.map { String(cString: $0) } ?? "error \(status)"
                damage = StreamDamage(offset: currentOffset + Int64(consumed), reason: "gzip: \(message)")
                return produced
            } else {
                inputPosition += consumed
            }
            if produced > 0 { return produced }
        }
    }
}
