/// The input formats of FORMATS.md §3; raw values are the contract's ids and reach JSON and the database.
package enum Format: String, CaseIterable, Sendable, Codable {
    case pubwinSessions = "pubwin-sessions"
    case pubwinTransactions = "pubwin-transactions"
    case realnameSessions = "realname-sessions"
    case auditPipe = "audit-pipe"
    case auditJSONL = "audit-jsonl"
    case registryVenues = "registry-venues"
    case registryTerminals = "registry-terminals"

    /// The formats of a nightly dump (the registry comes only from `--registry` / `registry import`).
    package static let dumpFormats: [Format] = allCases.filter { !$0.isRegistry }

    package var isRegistry: Bool { self == .registryVenues || self == .registryTerminals }
}

// The format table: the one place that says how each format is read. A header-mapped CSV format is a
// `CSVTable` (its names are data, in the header map); a line format is a `RecordDecoder` of its own.
extension Format {
    /// The shape of a header-mapped CSV format; nil for a line format.
    package var tableShape: TableShape? {
        switch self {
        case .pubwinSessions: SessionsTable.shape
        case .pubwinTransactions: TransactionsTable.shape
        case .realnameSessions: RealnameSessionsTable.shape
        case .registryVenues: RegistryVenuesTable.shape
        case .registryTerminals: RegistryTerminalsTable.shape
        case .auditPipe, .auditJSONL: nil
        }
    }

    /// Headers that two formats fit, where the contract says which one they are: the winner of a pair prevails.
    /// FORMATS.md §3.6: a file with the platform's columns and no money column is real-name records (a header
    /// both session formats fit holds no billing-only column: realname-sessions knows only the platform's names).
    package static let precedence: [(winner: Format, loser: Format)] = [(.realnameSessions, .pubwinSessions)]

    /// The field ids of a header-mapped CSV format (what the header map names); nil for a line format.
    package var columnFields: [String]? { tableShape?.fields }

    /// A fresh decoder for one file of this format. `strictHeader`: the header must be one by the recognition
    /// rule (the format was recognised); false when the analyst forced the format.
    package func makeDecoder(names: ColumnNames, strictHeader: Bool) -> any RecordDecoder {
        switch self {
        case .pubwinSessions: CSVTableDecoder(SessionsTable(), names: names, strictHeader: strictHeader)
        case .pubwinTransactions: CSVTableDecoder(TransactionsTable(), names: names, strictHeader: strictHeader)
        case .realnameSessions: CSVTableDecoder(RealnameSessionsTable(), names: names, strictHeader: strictHeader)
        case .registryVenues: CSVTableDecoder(RegistryVenuesTable(), names: names, strictHeader: strictHeader)
        case .registryTerminals: CSVTableDecoder(RegistryTerminalsTable(), names: names, strictHeader: strictHeader)
        case .auditPipe: AuditLineDecoder<AuditPipeParser>()
        case .auditJSONL: AuditLineDecoder<AuditJSONLParser>()
        }
    }
}
