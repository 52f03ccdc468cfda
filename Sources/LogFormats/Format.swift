/// The input formats of FORMATS.md §3; raw values are the contract's ids and reach JSON and the database.
package enum Format: String, CaseIterable, Sendable, Codable {
    case pubwinSessions = "pubwin-sessions"
    case pubwinTransactions = "pubwin-transactions"
    case auditPipe = "audit-pipe"
    case auditJSONL = "audit-jsonl"
    case registryVenues = "registry-venues"
    case registryTerminals = "registry-terminals"

    /// The formats of a nightly dump (the registry is imported by its own command).
    package static let dumpFormats: [Format] = [.pubwinSessions, .pubwinTransactions, .auditPipe, .auditJSONL]
}
