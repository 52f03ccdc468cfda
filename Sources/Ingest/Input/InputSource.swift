import Glibc

/// One input of a run: a file, or standard input.
package struct InputFile: Sendable, Hashable {
    /// The path as the analyst will read it in findings and summaries (`-` for standard input); a name that is
    /// not UTF-8 (a GBK name from a Chinese Windows archive) shows its bad bytes as U+FFFD here.
    package var path: String
    /// The path's bytes as the file system has them, for opening the file.
    package var pathBytes: [UInt8]
    /// Size on disk in bytes (compressed), 0 for standard input and pipes.
    package var sizeBytes: Int64
    /// Why the entry cannot be read at all (a special file or an unreadable folder met while walking a
    /// folder); it is reported `unreadable` with this reason instead of being read.
    package var problem: String?

    package var isStandardInput: Bool { path == "-" }

    package init(path: String, sizeBytes: Int64, problem: String? = nil) {
        self.init(pathBytes: Array(path.utf8), sizeBytes: sizeBytes, problem: problem)
    }

    package init(pathBytes: [UInt8], sizeBytes: Int64, problem: String? = nil) {
        self.path = String(decoding: pathBytes, as: UTF8.self)
        self.pathBytes = pathBytes
        self.sizeBytes = sizeBytes
        self.problem = problem
    }
}

/// A problem with the inputs named on the command line (a run error: exit 1).
package struct InputError: Error, CustomStringConvertible {
    package var description: String
}

/// Expands the command line's inputs: files as given, directories recursively (symbolic links followed,
/// each folder read once, so a link loop ends), `-` for stdin. Nothing met inside a folder is dropped in
/// silence: a FIFO, socket or device, a broken link, a folder that cannot be opened, a link back to a folder
/// already read, each becomes an entry with a `problem`, which the run reports as `unreadable`.
package enum InputSource {
    /// - Parameter excluding: files never to read (the run's own database and its journal files, which
    ///   an analyst may keep inside the dump folder).
    package static func expand(_ arguments: [String], excluding: [String] = []) throws(InputError) -> [InputFile] {
        var excluded = Set<String>()
        for path in excluding {
            // A journal file that does not exist needs no excluding.
            for suffix in ["", "-wal", "-shm", "-journal"] {
                if let canonical = canonicalPath(path + suffix) { excluded.insert(canonical) }
            }
        }
        var walker = Walker(excluded: excluded)
        for argument in arguments {
            if argument == "-" {
                walker.add(InputFile(path: "-", sizeBytes: 0))
                continue
            }
            // The same argument twice reads it once, with nothing to say.
            guard walker.arguments.insert(argument).inserted else { continue }
            var info = stat()
            guard stat(argument, &info) == 0 else {
                let reason = errno == ENOENT ? "does not exist" : "cannot be read: \(errorText(errno))"
                throw InputError(description: "input '\(argument)' \(reason)")
            }
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                walker.walk(Array(argument.utf8), info)
            case S_IFREG:
                walker.addFile(Array(argument.utf8), info)
            case S_IFIFO, S_IFCHR:
                // Named on the command line, a pipe or character device is read as a stream (`<(zcat …)`).
                walker.add(InputFile(path: argument, sizeBytes: 0))
            default:
                throw InputError(description: "input '\(argument)' is \(kindName(info.st_mode)), which cannot be read")
            }
        }
        return walker.files
    }

    private struct Walker {
        let excluded: Set<String>
        var files: [InputFile] = []
        var seenPaths = Set<[UInt8]>()
        var arguments = Set<String>()
        /// Folders already read, by device and inode: a link to one of them is not followed again.
        var seenFolders: [String: String] = [:]

        init(excluded: Set<String>) { self.excluded = excluded }

        mutating func add(_ file: InputFile) {
            if seenPaths.insert(file.pathBytes).inserted { files.append(file) }
        }

        mutating func addFile(_ path: [UInt8], _ info: stat) {
            if let canonical = withCString(path, { canonicalPath($0) }), excluded.contains(canonical) { return }
            add(InputFile(pathBytes: path, sizeBytes: Int64(info.st_size)))
        }

        mutating func walk(_ folder: [UInt8], _ info: stat) {
            let identity = "\(info.st_dev):\(info.st_ino)"
            let shown = String(decoding: folder, as: UTF8.self)
            if let first = seenFolders[identity] {
                add(InputFile(
                    pathBytes: folder, sizeBytes: 0,
                    problem: "the same folder as '\(first)', which is read already (not read twice)"))
                return
            }
            seenFolders[identity] = shown
            guard let directory = withCString(folder, { opendir($0) }) else {
                add(InputFile(pathBytes: folder, sizeBytes: 0, problem: "the folder cannot be opened: \(errorText(errno))"))
                return
            }
            var names: [[UInt8]] = []
            while let entry = readdir(directory) {
                // The name's bytes as they are: a GBK name must be opened by its own bytes.
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in Array(raw.prefix { $0 != 0 }) }
                if name != [0x2E] && name != [0x2E, 0x2E] { names.append(name) }
            }
            closedir(directory)
            let prefix = folder.last == 0x2F ? folder : folder + [0x2F]
            // Byte order of the names, so every run reads the files in the same order.
            for name in names.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
                let path = prefix + name
                var target = stat()
                guard withCString(path, { stat($0, &target) }) == 0 else {
                    let code = errno
                    var link = stat()
                    let isLink = withCString(path, { lstat($0, &link) }) == 0 && link.st_mode & S_IFMT == S_IFLNK
                    add(InputFile(
                        pathBytes: path, sizeBytes: 0,
                        problem: isLink ? "a broken symbolic link" : "cannot be read: \(errorText(code))"))
                    continue
                }
                switch target.st_mode & S_IFMT {
                case S_IFDIR: walk(path, target)
                case S_IFREG: addFile(path, target)
                default:
                    add(InputFile(
                        pathBytes: path, sizeBytes: 0,
                        problem: "\(kindName(target.st_mode)) inside a folder; only regular files are read there"))
                }
            }
        }
    }

    private static func kindName(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: "a FIFO (named pipe)"
        case S_IFSOCK: "a socket"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        default: "a special file"
        }
    }

    /// The absolute path with links resolved, or nil when it does not exist.
    static func canonicalPath(_ path: UnsafePointer<CChar>) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    static func canonicalPath(_ path: String) -> String? { path.withCString { canonicalPath($0) } }
}

/// Calls `body` with `bytes` as a NUL-terminated C string.
func withCString<Result>(_ bytes: [UInt8], _ body: (UnsafePointer<CChar>) -> Result) -> Result {
    (bytes + [0]).withUnsafeBufferPointer { buffer in
        buffer.withMemoryRebound(to: CChar.self) { body($0.baseAddress!) }  // never empty: it holds the NUL
    }
}

func errorText(_ code: Int32) -> String { String(cString: strerror(code)) }
