import Foundation

/// Shared helpers for netbar's tests: temporary folders, real external tools (iconv, zstd, gzip) and
/// the built `netbar` binary.
package enum TestSupport {
    /// A fresh temporary directory, removed by the caller when it wants.
    package static func temporaryDirectory(_ label: String = "netbar") -> String {
        let path = NSTemporaryDirectory() + "\(label)-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Result of running a program.
    package struct Outcome {
        package var status: Int32
        package var standardOutput: Data
        package var standardError: String
        package var text: String { String(decoding: standardOutput, as: UTF8.self) }
    }

    /// Runs `executable` with `arguments`, feeding `input` on standard input.
    @discardableResult
    package static func run(_ executable: String, _ arguments: [String], input: Data? = nil, directory: String? = nil)
        throws -> Outcome
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        // Files rather than pipes: no thread is needed to drain them, whatever the sizes.
        let scratch = temporaryDirectory("run")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let inputPath = scratch + "/in", outputPath = scratch + "/out", errorPath = scratch + "/err"
        _ = FileManager.default.createFile(atPath: inputPath, contents: input ?? Data())
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
        process.standardInput = FileHandle(forReadingAtPath: inputPath)
        process.standardOutput = FileHandle(forWritingAtPath: outputPath)
        process.standardError = FileHandle(forWritingAtPath: errorPath)
        try process.run()
        process.waitUntilExit()
        let output = FileManager.default.contents(atPath: outputPath) ?? Data()
        let errors = FileManager.default.contents(atPath: errorPath) ?? Data()
        return Outcome(status: process.terminationStatus, standardOutput: output, standardError: String(decoding: errors, as: UTF8.self))
    }

    /// Runs a shell command line (for pipelines of the real tools).
    @discardableResult
    package static func shell(_ command: String, input: Data? = nil) throws -> Outcome {
        try run("/bin/sh", ["-c", command], input: input)
    }

    /// Writes `text` to `path` as UTF-8.
    package static func write(_ text: String, to path: String) {
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
    }

    /// Writes `text` to `path` encoded as GBK by the real `iconv`.
    package static func writeGBK(_ text: String, to path: String) throws {
        let outcome = try run("/usr/bin/iconv", ["-f", "UTF-8", "-t", "GBK"], input: Data(text.utf8))
        precondition(outcome.status == 0, "iconv failed: \(outcome.standardError)")
        _ = FileManager.default.createFile(atPath: path, contents: outcome.standardOutput)
    }

    /// The package's root folder.
    package static var packageRoot: String {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }

    /// The `netbar` binary built beside the tests (`NETBAR_BINARY` overrides).
    package static var netbarBinary: String {
        if let path = ProcessInfo.processInfo.environment["NETBAR_BINARY"] { return path }
        var candidates: [String] = []
        var url = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        for _ in 0..<5 {
            url.deleteLastPathComponent()
            candidates.append(url.appendingPathComponent("netbar").path)
        }
        candidates.append(packageRoot + "/.build/debug/netbar")
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate) {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue {
                return candidate
            }
        }
        return packageRoot + "/.build/debug/netbar"
    }

    /// Parses a JSON object.
    package static func jsonObject(_ data: Data) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }

    /// Parses JSON Lines.
    package static func jsonLines(_ data: Data) -> [[String: Any]] {
        String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
    }
}
