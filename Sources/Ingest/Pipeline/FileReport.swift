import LogFormats

/// What became of one input file (FORMATS.md §6 `files[]`).
package struct FileReport: Sendable {
    package enum Status: String, Sendable, Codable, CaseIterable {
        /// Read; its rows are stored.
        case ingested
        /// The same content was ingested before; nothing changed.
        case duplicate
        /// Read up to damage (`damage` says where and why); what came before it is stored.
        case damaged
        /// No known format (`reason` says what came closest), or a registry file met among the dump.
        case unrecognised
        /// Its header row fits several formats alike (FORMATS.md §1).
        case ambiguous
        /// No venue column and no title line naming the venue (FORMATS.md §3.6).
        case noVenue = "no-venue"
        /// No bytes at all.
        case empty
        /// Could not be opened or read (`reason` says why).
        case unreadable
    }

    package var path: String
    package var format: Format?
    package var encoding: TextEncoding = .utf8
    package var compression: Compression = .none
    package var status: Status = .ingested
    /// Why the file has its status, for the statuses that need one.
    package var reason: String?
    /// Lines of decompressed text read.
    package var lines = 0
    /// Lines that became rows (records) of the format.
    package var rows = 0
    package var quarantined = 0
    package var skipped = 0
    package var skippedByKind: [SkipKind: Int] = [:]
    package var quarantinedByReason: [RowIssueReason: Int] = [:]
    /// Audit lines with an EVENT netbar does not know, per name (upper-cased: EVENT is read in either case).
    package var unknownEvents: [String: Int] = [:]
    package var damage: StreamDamage?
    /// Whether the file was given up as a whole (its text decoder was unavailable): nothing of it is kept,
    /// and it is not remembered, so that a later run reads it again.
    package var abandoned = false
    /// Hash of the decompressed bytes.
    package var contentHash = ""
    /// The file's `LegacyContentHash`, when the database holds values of that hash.
    package var legacyContentHash: String?
    /// Decompressed bytes.
    package var bytes: Int64 = 0
    /// 导出时间 of a billing export, epoch seconds.
    package var exportSeconds: Int64?
    /// Problems with the file as a whole that lost no row (e.g. a totals row that does not add up).
    package var warnings: [FileWarning] = []
    /// The store's id for the file, once written.
    package var fileID: Int64 = 0
    /// For a duplicate: the stored file that holds the same content.
    package var heldFileID: Int64?

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

    /// Whether the file's rows are stored and its content remembered (a re-sent copy is then a duplicate).
    /// Files with nothing usable are not remembered, so that a run that can read them (a header map that
    /// knows their columns, `--format`, a machine with the decoder) will. A file damaged before its first byte
    /// of text kept nothing either (and its hash would be that of empty text, shared by every such file).
    package var keepsRows: Bool { (status == .ingested || (status == .damaged && bytes > 0)) && !abandoned }
}
