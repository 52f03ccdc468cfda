import CSQLite
import Glibc

/// A billing session as its segment holds it (every column of the `session` view).
package struct SessionCopy: Sendable {
    /// 记录号: its id in `SessionCopies.keys`.
    package var recordNo: Int32
    package var card: Int64
    package var certType: Int64
    package var cert: Int64
    package var name: Int64
    package var terminal: Int64
    /// IPv4 or `absentInt64`.
    package var ip: Int64
    package var userType: Int64
    package var startSeconds: Int64
    /// `absentInt64` while open.
    package var endSeconds: Int64
    package var amountFen: Int64
    package var cashier: Int64
    package var checkout: Int64
    package var note: Int64
    /// 导出时间 of its export, or `absentInt64`.
    package var exportSeconds: Int64
    package var fileID: Int64
    package var line: Int64
    /// As the number 19950529, or `absentInt64`.
    package var birthDate: Int64
}

/// A transaction as its segment holds it (every column of the `billingTransaction` view).
package struct TransactionCopy: Sendable {
    /// 流水号: its id in `TransactionCopies.keys`.
    package var serialNo: Int32
    package var timeSeconds: Int64
    package var kind: Int64
    package var card: Int64
    package var cert: Int64
    package var amountFen: Int64
    /// `absentInt64` when none.
    package var balanceFen: Int64
    package var cashier: Int64
    package var terminal: Int64
    package var note: Int64
    package var fileID: Int64
    package var line: Int64
}

/// One venue's sessions after FORMATS.md §6's copy rule, with their 记录号 texts.
package struct SessionCopies: Sendable {
    package var keys = StringDictionary()
    package var rows: [SessionCopy] = []
}

package struct TransactionCopies: Sendable {
    package var keys = StringDictionary()
    package var rows: [TransactionCopy] = []
}

extension Store {
    /// The venue's sessions as the `session` view gives them: of all copies of a (venue, 记录号) in the whole
    /// database, the closed one beats an open one, then the later 导出时间 (none counts as 0), then the later copy;
    /// then only the winners from the scope's files (`setScope`), in (start, terminal, 记录号) order.
    /// - Parameters:
    ///   - scoped: false reads the whole database whatever the scope.
    ///   - ordered: false leaves the rows in no particular order (for totals).
    package func resolvedSessions(venue: Int64, scoped: Bool = true, ordered: Bool = true) throws(StoreError)
        -> SessionCopies
    {
        let statement = try connection.prepare(
            "SELECT fileId, exportTime, rows FROM sessionSegment WHERE venue = ? ORDER BY id")
        statement.bind(1, venue)
        var copies = SessionCopies()
        /// The winner's index in `copies.rows` by key id (the empty key is id 0).
        var winner = ContiguousArray<Int32>(repeating: -1, count: 1)
        var scratch = ContiguousArray<UInt8>()
        while try statement.step() {
            let fileID = statement.int64(0)
            let exportSeconds = statement.nullableInt64(1)
            var reader = try SegmentReader(statement.textBytes(2), what: "a session segment of file \(fileID)")
            while try reader.nextRow() {
                let key = try reader.withString(scratch: &scratch) { copies.keys.intern($0) }
                var copy = SessionCopy(
                    recordNo: key, card: try reader.int64(), certType: try reader.int64(), cert: try reader.int64(),
                    name: try reader.int64(), terminal: try reader.int64(), ip: try reader.int64(),
                    userType: try reader.int64(), startSeconds: try reader.int64(), endSeconds: try reader.int64(),
                    amountFen: try reader.int64(), cashier: try reader.int64(), checkout: try reader.int64(),
                    note: try reader.int64(), exportSeconds: exportSeconds, fileID: fileID, line: try reader.int64(),
                    birthDate: try reader.int64())
                try reader.endRow()
                if copy.amountFen == absentInt64 { copy.amountFen = 0 }
                if Int(key) >= winner.count { winner.append(contentsOf: repeatElement(-1, count: Int(key) + 1 - winner.count)) }
                let known = winner[Int(key)]
                guard known >= 0 else {
                    winner[Int(key)] = Int32(copies.rows.count)
                    copies.rows.append(copy)
                    continue
                }
                let old = copies.rows[Int(known)]
                let (newClosed, oldClosed) = (copy.endSeconds != absentInt64, old.endSeconds != absentInt64)
                let (newExport, oldExport) = (
                    copy.exportSeconds == absentInt64 ? 0 : copy.exportSeconds,
                    old.exportSeconds == absentInt64 ? 0 : old.exportSeconds
                )
                if newClosed != oldClosed ? newClosed : newExport >= oldExport { copies.rows[Int(known)] = copy }
            }
        }
        if scoped, let scope = scopeFileIDs { copies.rows.removeAll { !scope.contains($0.fileID) } }
        guard ordered else { return copies }
        let keys = copies.keys
        copies.rows = keys.arena.withUnsafeBytes { arena in
            Self.reordered(copies.rows) { a, b in
                if a.startSeconds != b.startSeconds { return a.startSeconds < b.startSeconds }
                if a.terminal != b.terminal { return a.terminal < b.terminal }
                return Self.bytesPrecede(arena, keys.range(a.recordNo), keys.range(b.recordNo))
            }
        }
        return copies
    }

    /// Distinct sessions in the whole database and their 消费金额 summed, in fen (FORMATS.md §6 `sessions`), by the
    /// copy rule of `resolvedSessions`. A venue's standing copies are kept in `sessionStanding` with the last segment
    /// they fold in, so a run reads only the segments after it (reading every stored session again on every run
    /// grew with the database: ~1.2 µs a session). A venue whose cache is missing, or ahead of its segments, is
    /// folded from its first segment.
    package func sessionTotals() throws(StoreError) -> (distinct: Int64, amountFen: Int64) {
        var cached: [Int64: (through: Int64, sessions: Int64, amountFen: Int64)] = [:]
        let cache = try connection.prepare("SELECT venue, throughSegment, sessions, amountFen FROM sessionStanding")
        while try cache.step() { cached[cache.int64(0)] = (cache.int64(1), cache.int64(2), cache.int64(3)) }
        let last = try connection.prepare("SELECT venue, max(id) FROM sessionSegment GROUP BY venue ORDER BY venue")
        var venues: [(venue: Int64, lastSegment: Int64)] = []
        while try last.step() { venues.append((last.int64(0), last.int64(1))) }
        var distinct: Int64 = 0
        var amountFen: Int64 = 0
        // Each venue's standing is saved as soon as it is folded, so that only one venue's keys are held at a time.
        let save = access == .exclusive
            ? try connection.prepare(
                "INSERT OR REPLACE INTO sessionStanding(venue, throughSegment, sessions, amountFen, standing) "
                    + "VALUES(?, ?, ?, ?, ?)")
            : nil
        var writing = false
        // One statement for every venue's fold: preparing it venue by venue cost 1 % of a 400-venue export's ingest.
        let segments = try connection.prepare(
            "SELECT id, exportTime, rows FROM sessionSegment WHERE venue = ? AND id > ? ORDER BY id")
        let segmentIDs = try connection.prepare("SELECT id FROM sessionSegment WHERE venue = ? AND id > ? ORDER BY id")
        let folded = foldedSessions
        foldedSessions.removeAll()
        let foldedByVenue = folded.segmentsByVenue()
        venuesFoldedInMemory = 0
        do throws(StoreError) {
            for (venue, lastSegment) in venues {
                if let row = cached[venue], row.through == lastSegment {
                    distinct += row.sessions
                    amountFen += row.amountFen
                    continue
                }
                var standing = SessionStanding()
                if let row = cached[venue], row.through < lastSegment {
                    standing = try storedStanding(venue: venue, through: row.through)
                }
                if let kept = foldedByVenue[venue],
                    try Self.ids(venue: venue, after: standing.throughSegment, reading: segmentIDs)
                        == kept.map({ folded.segments[$0].id })
                {
                    Self.fold(kept.map { folded.segments[$0] }, of: folded, into: &standing)
                    venuesFoldedInMemory += 1
                } else {
                    try fold(venue: venue, into: &standing, reading: segments)
                }
                let totals = standing.totals
                distinct += totals.distinct
                amountFen += totals.amountFen
                guard let save else { continue }
                if !writing {
                    try connection.execute("BEGIN IMMEDIATE")
                    writing = true
                }
                save.bind(1, venue)
                save.bind(2, standing.throughSegment)
                save.bind(3, totals.distinct)
                save.bind(4, totals.amountFen)
                standing.encoded().withUnsafeBytes { save.bindBlob(5, $0) }
                try save.run()
            }
            if writing { try connection.execute("COMMIT") }
        } catch {
            // The error that stopped the totals is reported, and a rollback that fails too is said beside it.
            guard writing else { throw error }
            do throws(StoreError) {
                try connection.execute("ROLLBACK")
            } catch let rollback {
                throw StoreError(
                    description: "\(error.description); the session totals' cache could not be rolled back either: "
                        + rollback.description)
            }
            throw error
        }
        return (distinct, amountFen)
    }

    /// Folds the venue's session segments after `standing.throughSegment` into it, in id order, reading only the
    /// key, 下机时间 and amount of each copy.
    /// The ids of a venue's segments after `id`, in order (`statement` as `sessionTotals` prepares it).
    private static func ids(venue: Int64, after id: Int64, reading statement: Statement) throws(StoreError) -> [Int64] {
        defer { statement.reset() }
        statement.bind(1, venue)
        statement.bind(2, id)
        var ids: [Int64] = []
        while try statement.step() { ids.append(statement.int64(0)) }
        return ids
    }

    /// Folds segments the writer kept in memory, as `fold(venue:into:reading:)` folds them from the database.
    private static func fold(
        _ segments: [FoldedSessions.Segment], of folded: FoldedSessions, into standing: inout SessionStanding
    ) {
        folded.keyBytes.withUnsafeBytes { keys in
            for segment in segments {
                for row in segment.rows {
                    let key = standing.keys.intern(UnsafeRawBufferPointer(rebasing: keys[folded.key(row)]))
                    standing.take(
                        key: key, closed: folded.closed[row], export: segment.export, amountFen: folded.amountFen[row])
                }
                standing.throughSegment = segment.id
            }
        }
    }

    /// `statement` selects a venue's segments after an id, as `sessionTotals` prepares it.
    func fold(venue: Int64, into standing: inout SessionStanding, reading statement: Statement) throws(StoreError) {
        defer { statement.reset() }
        statement.bind(1, venue)
        statement.bind(2, standing.throughSegment)
        var scratch = ContiguousArray<UInt8>()
        while try statement.step() {
            let export = statement.isNull(1) ? 0 : statement.int64(1)
            var reader = try SegmentReader(
                statement.textBytes(2), what: "a session segment of venue \(symbolText(venue))")
            while try reader.nextRow() {
                let key = try reader.withString(scratch: &scratch) { standing.keys.intern($0) }
                try reader.skipPlainValues(8)
                let closed = !(try reader.isNull())
                var amount = try reader.int64()
                if amount == absentInt64 { amount = 0 }
                try reader.skipPlainValues(5)
                try reader.endRow()
                standing.take(key: key, closed: closed, export: export, amountFen: amount)
            }
            standing.throughSegment = statement.int64(0)
        }
    }

    private func storedStanding(venue: Int64, through: Int64) throws(StoreError) -> SessionStanding {
        let statement = try connection.prepare("SELECT standing FROM sessionStanding WHERE venue = ?")
        statement.bind(1, venue)
        guard try statement.step() else { return SessionStanding() }
        return try SessionStanding(
            decoding: statement.blob(0), through: through,
            what: "the cached session totals of venue \(symbolText(venue))")
    }

    /// The venue's transactions as the `billingTransaction` view gives them: the first copy of a (venue, 流水号) in
    /// the whole database stands; then only those from the scope's files, in (time, 流水号) order.
    package func resolvedTransactions(venue: Int64, scoped: Bool = true) throws(StoreError) -> TransactionCopies {
        let statement = try connection.prepare(
            "SELECT fileId, rows FROM transactionSegment WHERE venue = ? ORDER BY id")
        statement.bind(1, venue)
        var copies = TransactionCopies()
        var seen = ContiguousArray<Bool>(repeating: false, count: 1)
        var scratch = ContiguousArray<UInt8>()
        while try statement.step() {
            let fileID = statement.int64(0)
            var reader = try SegmentReader(statement.textBytes(1), what: "a transaction segment of file \(fileID)")
            while try reader.nextRow() {
                let key = try reader.withString(scratch: &scratch) { copies.keys.intern($0) }
                let copy = TransactionCopy(
                    serialNo: key, timeSeconds: try reader.int64(), kind: try reader.int64(), card: try reader.int64(),
                    cert: try reader.int64(), amountFen: try reader.int64(), balanceFen: try reader.int64(),
                    cashier: try reader.int64(), terminal: try reader.int64(), note: try reader.int64(),
                    fileID: fileID, line: try reader.int64())
                try reader.endRow()
                if Int(key) >= seen.count { seen.append(contentsOf: repeatElement(false, count: Int(key) + 1 - seen.count)) }
                guard !seen[Int(key)] else { continue }
                seen[Int(key)] = true
                copies.rows.append(copy)
            }
        }
        if scoped, let scope = scopeFileIDs { copies.rows.removeAll { !scope.contains($0.fileID) } }
        let keys = copies.keys
        copies.rows = keys.arena.withUnsafeBytes { arena in
            Self.reordered(copies.rows) { a, b in
                if a.timeSeconds != b.timeSeconds { return a.timeSeconds < b.timeSeconds }
                return Self.bytesPrecede(arena, keys.range(a.serialNo), keys.range(b.serialNo))
            }
        }
        return copies
    }

    /// `rows` in `precedes` order; indices are sorted, not the wide rows (moving those was most of the sort).
    static func reordered<Row>(_ rows: [Row], by precedes: (Row, Row) -> Bool) -> [Row] {
        var order = [Int32](0..<Int32(rows.count))
        rows.withUnsafeBufferPointer { rows in order.sort { precedes(rows[Int($0)], rows[Int($1)]) } }
        return order.map { rows[Int($0)] }
    }

    /// SQLite's BINARY order of two texts: bytes compared, then the shorter first.
    static func bytesPrecede(_ arena: UnsafeRawBufferPointer, _ a: Range<Int>, _ b: Range<Int>) -> Bool {
        let common = min(a.count, b.count)
        if common > 0, let base = arena.baseAddress {
            let order = memcmp(base + a.lowerBound, base + b.lowerBound, common)
            if order != 0 { return order < 0 }
        }
        return a.count < b.count
    }

    /// Venues with segments in the scope's files (every venue with segments when unscoped), with the latest time
    /// any of those segments holds.
    func segmentVenues(table: String, ignoringScope: Bool = false) throws(StoreError) -> [(venue: Int64, maxTime: Int64)] {
        let inScope = scoped && !ignoringScope ? " AND fileId IN scopeFile" : ""
        let statement = try connection.prepare("SELECT venue, max(maxTime) FROM \(table) WHERE 1\(inScope) GROUP BY venue")
        var venues: [(Int64, Int64)] = []
        while try statement.step() { venues.append((statement.int64(0), statement.int64(1))) }
        return venues
    }
}
