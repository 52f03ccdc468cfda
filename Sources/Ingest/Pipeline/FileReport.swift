import LogFormats

/// What became of one input file (FORMATS.md §6 `files[]`).
package struct FileReport: Sendable {
    package enum Status: String, Sendable, Codable {
        case ingested, duplicate, damaged, unrecognised
    }

    package var path: String
    package var format: Format?
    package var encoding: TextEncoding = .utf8
    package var compression: Compression = .none
    package var status: Status = .ingested
    /// Lines of decompressed text read.
    package var lines = 0
    /// Lines that became rows (records) of the format.
    package var rows = 0
    package var quarantined = 0
    package var skipped = 0
    package var skippedByKind: [SkipKind: Int] = [:]
    package var quarantinedByReason: [RowIssueReason: Int] = [:]
    /// Audit lines with an EVENT netbar does not know, per name.
    package var unknownEvents: [String: Int] = [:]
    package var damage: StreamDamage?
    /// Hash of the decompressed bytes.
    package var contentHash = ""
    /// Decompressed bytes.
    package var bytes: Int64 = 0
    /// 导出时间 of a Pubwin export, epoch seconds.
    package var exportSeconds: Int64?
    /// Problems with the file as a whole that lost no row (e.g. a totals row that does not add up).
    package var warnings: [String] = []
    /// The store's id for the file, once written.
    package var fileID: Int64 = 0

    package init(path: String) { self.path = path }

    mutating func skip(_ kind: SkipKind, _ count: Int = 1) {
        skipped += count
        skippedByKind[kind, default: 0] += count
    }

    mutating func quarantine(_ reason: RowIssueReason) {
        quarantined += 1
        quarantinedByReason[reason, default: 0] += 1
    }

    /// The conservation law of FORMATS.md §6.
    package var balances: Bool { lines == rows + quarantined + skipped }
}
