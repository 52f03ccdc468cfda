import Glibc

/// A progress line on standard error for runs longer than a few seconds (DEPENDENCIES.md §5: our own
/// ~40 lines instead of a dependency). On a terminal it redraws in place at most 10 times a second;
/// otherwise it prints a plain line every 10 seconds.
package final class ProgressReporter: @unchecked Sendable {  // @unchecked: called from the writer thread only.
    private let totalBytes: Int64
    private let label: String
    private let startNanoseconds: UInt64
    private var lastDrawNanoseconds: UInt64 = 0
    private let isTerminal: Bool
    private var drewAnything = false
    private let enabled: Bool

    package init(totalBytes: Int64, label: String, enabled: Bool) {
        self.totalBytes = totalBytes
        self.label = label
        self.enabled = enabled
        self.isTerminal = isatty(2) != 0
        self.startNanoseconds = Self.now()
    }

    private static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }

    package func update(bytesRead: Int64, filesDone: Int, filesTotal: Int) {
        guard enabled else { return }
        let now = Self.now()
        let elapsed = now - startNanoseconds
        guard elapsed > 3_000_000_000 else { return }
        let interval: UInt64 = isTerminal ? 100_000_000 : 10_000_000_000
        guard now - lastDrawNanoseconds >= interval else { return }
        lastDrawNanoseconds = now
        let seconds = Double(elapsed) / 1e9
        let rate = Double(bytesRead) / seconds / 1e6
        var text = "\(label): \(filesDone)/\(filesTotal) files, \(bytesRead / 1_000_000) MB"
        if totalBytes > 0 {
            let fraction = min(1, Double(bytesRead) / Double(totalBytes))
            let remaining = fraction > 0 ? seconds * (1 - fraction) / fraction : 0
            text += " of \(totalBytes / 1_000_000) MB (\(Int(fraction * 100))%), \(Int(rate)) MB/s, ETA \(Int(remaining)) s"
        } else {
            text += ", \(Int(rate)) MB/s"
        }
        if isTerminal {
            writeStandardError("\r\u{1B}[2K" + text)
        } else {
            writeStandardError(text + "\n")
        }
        drewAnything = true
    }

    package func finish() {
        if enabled && drewAnything && isTerminal { writeStandardError("\n") }
    }
}

/// Writes to standard error without touching C's shared `stderr` stream object.
package func writeStandardError(_ text: String) {
    var text = text
    text.withUTF8 { bytes in
        var offset = 0
        while offset < bytes.count {
            let written = write(2, bytes.baseAddress! + offset, bytes.count - offset)
            if written <= 0 { break }
            offset += written
        }
    }
}
