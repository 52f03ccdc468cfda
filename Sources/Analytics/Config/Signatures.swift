import Foundation

/// The analyst-replaceable signature lists of FORMATS.md §4: billing clients (exe -> billing system name) and
/// card-free tools. Names match the audit `exe` field case-insensitively; a detector never hard-codes one.
package struct Signatures: Sendable, Equatable {
    /// File names inside a signature directory (`--signatures DIR`).
    package static let billingClientsFileName = "billing-clients.txt"
    package static let cardFreeToolsFileName = "card-free-tools.txt"

    /// Billing system name by normalised (lower-case, no directory) executable name.
    package private(set) var billingClients: [String: String]
    /// Normalised executable names of card-free (免刷) tools.
    package private(set) var cardFreeTools: Set<String>

    package init(billingClients: [String: String], cardFreeTools: Set<String>) {
        var clients: [String: String] = [:]
        for (exe, system) in billingClients { clients[Self.normalisedExe(exe)] = system }
        self.billingClients = clients
        self.cardFreeTools = Set(cardFreeTools.map(Self.normalisedExe))
    }

    /// The billing system whose client `exe` is, or nil when it is not a listed billing client.
    package func billingSystem(forExe exe: String) -> String? { billingClients[Self.normalisedExe(exe)] }

    /// Whether `exe` is a listed card-free tool.
    package func isCardFreeTool(_ exe: String) -> Bool { cardFreeTools.contains(Self.normalisedExe(exe)) }

    /// Lower-case file name without any directory: the audit client sometimes logs a full Windows path.
    package static func normalisedExe(_ exe: String) -> String {
        var name = Substring(exe)
        if let slash = name.lastIndex(where: { $0 == "\\" || $0 == "/" }) { name = name[name.index(after: slash)...] }
        return name.trimmingCharacters(in: .whitespaces).lowercased()
    }

    /// Reads `billing-clients.txt` and `card-free-tools.txt` from `directory`.
    package static func load(directory: String) throws(ConfigError) -> Signatures {
        let base = URL(fileURLWithPath: directory, isDirectory: true)
        let clientsText = try readText(base.appendingPathComponent(billingClientsFileName))
        let toolsText = try readText(base.appendingPathComponent(cardFreeToolsFileName))
        return try parse(billingClientsText: clientsText, cardFreeToolsText: toolsText, directory: directory)
    }

    /// Parses the two lists. `#` starts a comment, blank lines are ignored; a billing-client line is
    /// `exe<TAB>system name`. A malformed line is an error naming the file and line.
    package static func parse(
        billingClientsText: String, cardFreeToolsText: String, directory: String = "."
    ) throws(ConfigError) -> Signatures {
        var clients: [String: String] = [:]
        for (lineNumber, content) in meaningfulLines(billingClientsText) {
            let fields = content.split(separator: "\t", omittingEmptySubsequences: true)
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard fields.count == 2 else {
                throw ConfigError(
                    "Signature file \(directory)/\(billingClientsFileName) line \(lineNumber) must be "
                        + "'exe-name<TAB>billing system name'.")
            }
            let exe = normalisedExe(fields[0])
            if let earlier = clients[exe], earlier != fields[1] {
                throw ConfigError(
                    "Signature file \(directory)/\(billingClientsFileName) line \(lineNumber) names \(fields[0]) "
                        + "again with another billing system.")
            }
            clients[exe] = fields[1]
        }
        var tools: Set<String> = []
        for (lineNumber, content) in meaningfulLines(cardFreeToolsText) {
            guard !content.contains("\t") else {
                throw ConfigError(
                    "Signature file \(directory)/\(cardFreeToolsFileName) line \(lineNumber) must hold one exe name.")
            }
            tools.insert(normalisedExe(content))
        }
        return Signatures(billingClients: clients, cardFreeTools: tools)
    }

    private static func readText(_ url: URL) throws(ConfigError) -> String {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ConfigError("Signature file \(url.path) cannot be read; give --signatures a directory holding it.")
        }
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        // Analysts edit these on Windows too, but only UTF-8 is accepted; a GBK save would garble system names.
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ConfigError("Signature file \(url.path) is not UTF-8 text; save it as UTF-8.")
        }
        return text
    }

    /// Non-blank lines with comments and surrounding spaces removed, with their 1-based line numbers.
    private static func meaningfulLines(_ text: String) -> [(Int, String)] {
        var result: [(Int, String)] = []
        for (offset, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            var line = Substring(rawLine)
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            let content = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if !content.isEmpty { result.append((offset + 1, content)) }
        }
        return result
    }
}
