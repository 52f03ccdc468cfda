import Foundation

/// One input of a run: a file, or standard input.
package struct InputFile: Sendable, Hashable {
    /// The path as the analyst will read it in findings and summaries (`-` for standard input).
    package var path: String
    /// Size on disk in bytes (compressed), 0 for standard input.
    package var sizeBytes: Int64

    package var isStandardInput: Bool { path == "-" }

    package init(path: String, sizeBytes: Int64) {
        self.path = path
        self.sizeBytes = sizeBytes
    }
}

/// A problem with the inputs named on the command line (a run error: exit 1).
package struct InputError: Error, CustomStringConvertible {
    package var description: String
}

/// Expands the command line's inputs: files as given, directories recursively in path order, `-` for stdin.
package enum InputSource {
    /// - Parameter excluding: files never to read (the run's own database and its journal files, which
    ///   an analyst may keep inside the dump folder).
    package static func expand(_ arguments: [String], excluding: [String] = []) throws(InputError) -> [InputFile] {
        var files: [InputFile] = []
        var seen = Set<String>()
        let excluded = Set(excluding.flatMap { path -> [String] in
            let resolved = URL(fileURLWithPath: path).standardizedFileURL.path
            return ["", "-wal", "-shm", "-journal"].map { resolved + $0 }
        })
        let manager = FileManager.default
        for argument in arguments {
            if argument == "-" {
                if seen.insert("-").inserted { files.append(InputFile(path: "-", sizeBytes: 0)) }
                continue
            }
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: argument, isDirectory: &isDirectory) else {
                throw InputError(description: "input '\(argument)' does not exist")
            }
            if isDirectory.boolValue {
                guard let enumerator = manager.enumerator(atPath: argument) else {
                    throw InputError(description: "input directory '\(argument)' cannot be read")
                }
                var found: [String] = []
                while let relative = enumerator.nextObject() as? String {
                    let path = argument.hasSuffix("/") ? argument + relative : argument + "/" + relative
                    var childIsDirectory: ObjCBool = false
                    if manager.fileExists(atPath: path, isDirectory: &childIsDirectory), !childIsDirectory.boolValue,
                        !(relative as NSString).lastPathComponent.hasPrefix(".")
                    {
                        found.append(path)
                    }
                }
                for path in found.sorted()
                where !excluded.contains(URL(fileURLWithPath: path).standardizedFileURL.path) && seen.insert(path).inserted {
                    files.append(InputFile(path: path, sizeBytes: fileSize(path)))
                }
            } else if seen.insert(argument).inserted {
                files.append(InputFile(path: argument, sizeBytes: fileSize(argument)))
            }
        }
        return files
    }

    private static func fileSize(_ path: String) -> Int64 {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        return (attributes?[.size] as? NSNumber)?.int64Value ?? 0
    }
}
