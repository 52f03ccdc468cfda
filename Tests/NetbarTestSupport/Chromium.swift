import Foundation

/// Headless Chromium (Debian `chromium`, installed by scripts/setup.sh) for tests of the HTML pages: the DOM after
/// the page's scripts ran, the console's errors, and a screenshot kept as a test artifact.
package enum Chromium {
    /// The browser's path, or nil where it is not installed (tests then skip with a clear message).
    package static let executable: String? = {
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
                let path = "\(folder)/\(name)"
                if FileManager.default.isExecutableFile(atPath: path) { return path }
            }
        }
        return nil
    }()

    /// Why browser tests cannot run here, or nil when they can.
    package static var unavailableReason: String? {
        executable == nil ? "chromium is not installed (scripts/setup.sh installs it: apt-get install chromium)" : nil
    }

    package struct Page {
        /// The DOM serialised after scripts ran.
        package var dom: String
        /// Console messages at error level and uncaught exceptions, as Chromium logged them.
        package var scriptErrors: [String]
    }

    private static func common(_ profile: String) -> [String] {
        [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
            "--user-data-dir=\(profile)", "--virtual-time-budget=5000", "--enable-logging=stderr", "--v=0",
        ]
    }

    /// Loads `htmlPath` (no network: a self-contained page needs none) and returns its DOM and script errors.
    /// `fragment` (without `#`) is added to the page's address, for pages that read their state from it.
    package static func load(_ htmlPath: String, fragment: String? = nil) throws -> Page {
        guard let executable else { throw ChromiumError(description: unavailableReason ?? "no chromium") }
        let profile = TestSupport.temporaryDirectory("chromium-profile")
        defer { try? FileManager.default.removeItem(atPath: profile) }
        let url = URL(fileURLWithPath: htmlPath).absoluteString + (fragment.map { "#" + $0 } ?? "")
        let outcome = try TestSupport.run(executable, common(profile) + ["--dump-dom", url])
        guard outcome.status == 0 else {
            throw ChromiumError(description: "chromium exited \(outcome.status): \(outcome.standardError.suffix(400))")
        }
        // Chromium logs page console output as `INFO:CONSOLE...] "message", source: ...`; errors are the uncaught
        // exceptions and console.error calls (logged with "Uncaught" or at level ERROR).
        let errors = outcome.standardError.split(separator: "\n").map(String.init).filter {
            $0.contains(":CONSOLE") && ($0.contains("Uncaught") || $0.contains("Error") || $0.contains("error"))
        }
        return Page(dom: outcome.text, scriptErrors: errors)
    }

    /// Writes a PNG screenshot of `htmlPath` to `pngPath` at the given window size.
    package static func screenshot(_ htmlPath: String, to pngPath: String, width: Int = 1400, height: Int = 2400) throws {
        guard let executable else { throw ChromiumError(description: unavailableReason ?? "no chromium") }
        let profile = TestSupport.temporaryDirectory("chromium-profile")
        defer { try? FileManager.default.removeItem(atPath: profile) }
        let url = URL(fileURLWithPath: htmlPath).absoluteString
        let outcome = try TestSupport.run(
            executable,
            common(profile) + ["--hide-scrollbars", "--screenshot=\(pngPath)", "--window-size=\(width),\(height)", url])
        guard outcome.status == 0, FileManager.default.fileExists(atPath: pngPath) else {
            throw ChromiumError(description: "chromium made no screenshot (\(outcome.status)): \(outcome.standardError.suffix(400))")
        }
    }

    /// Where tests keep screenshots (CI keeps the folder as an artifact): `.build/test-artifacts/`.
    package static var artifactsDirectory: String {
        let folder = TestSupport.packageRoot + "/.build/test-artifacts"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }
}

package struct ChromiumError: Error, CustomStringConvertible {
    package var description: String
}
