import CZlib
import CZstd
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Why a dump could not be written.
package struct GeneratorError: Error, CustomStringConvertible {
    package var description: String
}

/// Compression of one dump file; the reader recognises it by magic bytes (FORMATS.md §1).
enum Compression {
    case none, gzip, zstd
}

/// Text encoding of one dump file.
enum TextEncoding {
    case utf8, utf8BOM, gbk
}

/// Encoding, compression and file writing through the system libraries (iconv, zlib, zstd).
enum Output {
    /// GBK text by glibc iconv's GB18030 converter (a superset: every character we write is in GBK).
    static func gb18030(_ utf8: [UInt8]) throws -> [UInt8] {
        if utf8.isEmpty { return [] }
        guard let converter = iconv_open("GB18030", "UTF-8"), Int(bitPattern: converter) != -1 else {
            throw GeneratorError(description: "iconv cannot convert UTF-8 to GB18030 on this system.")
        }
        defer { iconv_close(converter) }
        var output = [UInt8](repeating: 0, count: utf8.count + utf8.count / 3 + 16)
        var inputLeft = utf8.count
        var outputLeft = output.count
        let status = utf8.withUnsafeBytes { input in
            output.withUnsafeMutableBytes { buffer in
                // iconv takes non-const pointers but does not write through the input one.
                var inputPointer: UnsafeMutablePointer<CChar>? = UnsafeMutablePointer(
                    mutating: input.baseAddress!.assumingMemoryBound(to: CChar.self))
                var outputPointer: UnsafeMutablePointer<CChar>? = buffer.baseAddress!.assumingMemoryBound(to: CChar.self)
                return iconv(converter, &inputPointer, &inputLeft, &outputPointer, &outputLeft)
            }
        }
        guard status != -1 as Int, inputLeft == 0 else {
            throw GeneratorError(description: "iconv failed converting generated text to GB18030 (errno \(errno)).")
        }
        output.removeLast(outputLeft)
        return output
    }

    /// One gzip member at a fast level: gigabyte dumps must be written in minutes.
    static func gzip(_ data: [UInt8]) throws -> [UInt8] {
        var stream = z_stream()
        guard deflateInit2_(&stream, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, zlibVersion(),
                            Int32(MemoryLayout<z_stream>.size)) == Z_OK
        else { throw GeneratorError(description: "zlib deflateInit2 failed.") }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(data.count)))
        var output = [UInt8](repeating: 0, count: bound)
        let status = data.withUnsafeBytes { input in
            output.withUnsafeMutableBytes { buffer in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
                stream.avail_in = uInt(data.count)
                stream.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.avail_out = uInt(bound)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { throw GeneratorError(description: "zlib deflate failed (\(status)).") }
        output.removeLast(bound - Int(stream.total_out))
        return output
    }

    /// `frames` concatenated zstd frames (FORMATS.md §1: a file may hold several).
    static func zstd(_ data: [UInt8], frames: Int) throws -> [UInt8] {
        guard let context = ZSTD_createCCtx() else { throw GeneratorError(description: "ZSTD_createCCtx failed.") }
        defer { ZSTD_freeCCtx(context) }
        let frameCount = max(1, min(frames, data.count))
        let frameSize = (data.count + frameCount - 1) / max(1, frameCount)
        var output = [UInt8](repeating: 0, count: ZSTD_compressBound(data.count) + frameCount * 64)
        var written = 0
        var offset = 0
        repeat {
            let length = min(frameSize, data.count - offset)
            let produced = data.withUnsafeBytes { input in
                output.withUnsafeMutableBytes { buffer in
                    ZSTD_compressCCtx(
                        context, buffer.baseAddress! + written, buffer.count - written,
                        input.baseAddress.map { $0 + offset }, length, 3)
                }
            }
            guard ZSTD_isError(produced) == 0 else {
                throw GeneratorError(description: "zstd failed: \(String(cString: ZSTD_getErrorName(produced))).")
            }
            written += produced
            offset += length
        } while offset < data.count
        output.removeLast(output.count - written)
        return output
    }

    /// Encodes, compresses and writes `utf8` text; returns the file's bytes as written.
    static func encode(_ utf8: [UInt8], encoding: TextEncoding, compression: Compression, frames: Int = 1) throws
        -> [UInt8]
    {
        var text: [UInt8]
        switch encoding {
        case .utf8: text = utf8
        case .utf8BOM: text = [0xEF, 0xBB, 0xBF] + utf8
        case .gbk: text = try gb18030(utf8)
        }
        switch compression {
        case .none: break
        case .gzip: text = try gzip(text)
        case .zstd: text = try zstd(text, frames: frames)
        }
        return text
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw GeneratorError(description: "Cannot create \(path) (errno \(errno)).") }
        defer { close(descriptor) }
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, bytes.count - offset) }
            guard count > 0 else { throw GeneratorError(description: "Cannot write \(path) (errno \(errno)).") }
            offset += count
        }
    }
}
