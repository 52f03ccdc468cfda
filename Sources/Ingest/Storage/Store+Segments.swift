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
                if newClosed != oldClosed ? newClosed : newExport >= oldExport {
                    // A copy of the scope's files taking a session from another file's copy moves it out of that
                    // file's night (which `movedFromFiles` tells detection to look at again).
                    if scoped, let scope = scopeFileIDs, scope.contains(fileID), !scope.contains(old.fileID) {
                        movedFromFiles.insert(old.fileID)
                    }
                    copies.rows[Int(known)] = copy
                }
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
    /// copy rule of `resolvedSessions`. A venue's standing copies are kept in `sessionStandingPart`, cut into parts
    /// by key (`PartedStanding`), and its totals in `sessionStandingVenue` with the last segment they fold in: a run
    /// reads only the segments after it (reading every stored session again on every run grew with the database:
    /// ~1.2 µs a session), and loads and rewrites only the parts their keys fall in. A venue whose cache is
    /// missing, or ahead of its segments, is folded from its first segment.
    package func sessionTotals() throws(StoreError) -> (distinct: Int64, amountFen: Int64) {
        var cached: [Int64: (through: Int64, sessions: Int64, amountFen: Int64)] = [:]
        let cache = try connection.prepare(
            "SELECT venue, throughSegment, sessions, amountFen FROM sessionStandingVenue")
        while try cache.step() { cached[cache.int64(0)] = (cache.int64(1), cache.int64(2), cache.int64(3)) }
        let last = try connection.prepare("SELECT venue, max(id) FROM sessionSegment GROUP BY venue ORDER BY venue")
        var venues: [(venue: Int64, lastSegment: Int64)] = []
        while try last.step() { venues.append((last.int64(0), last.int64(1))) }
        var distinct: Int64 = 0
        var amountFen: Int64 = 0
        // Each venue's parts are saved as soon as it is folded, so that only one venue's keys are held at a time.
        let writes = access == .exclusive ? try StandingWrites(connection) : nil
        var writing = false
        let partList = try connection.prepare(
            "SELECT lowKey, sessions, amountFen FROM sessionStandingPart WHERE venue = ?")
        let partCopies = try connection.prepare("SELECT standing FROM sessionStandingPart WHERE venue = ? AND lowKey = ?")
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
                let what = "the cached session totals of venue \(symbolText(venue))"
                var through: Int64 = 0
                var stored: [PartedStanding.Part] = []
                if let row = cached[venue], row.through < lastSegment {
                    through = row.through
                    defer { partList.reset() }
                    partList.bind(1, venue)
                    while try partList.step() {
                        stored.append(.init(lowKey: Array(partList.blob(0)), stored: (partList.int64(1), partList.int64(2))))
                    }
                    // Totals without their parts (rows deleted by hand) are no cache: the venue is folded afresh.
                    if stored.isEmpty { through = 0 }
                }
                var standing = PartedStanding(parts: stored) { lowKey throws(StoreError) in
                    defer { partCopies.reset() }
                    partCopies.bind(1, venue)
                    lowKey.withUnsafeBytes { partCopies.bindBlob(2, $0) }
                    guard try partCopies.step() else { throw StoreError(description: "\(what) lack a part") }
                    return try SessionStanding(decoding: partCopies.blob(0), what: what)
                }
                if let kept = foldedByVenue[venue],
                    try Self.ids(venue: venue, after: through, reading: segmentIDs) == kept.map({ folded.segments[$0].id })
                {
                    try Self.fold(kept.map { folded.segments[$0] }, of: folded, into: &standing)
                    venuesFoldedInMemory += 1
                } else {
                    try fold(venue: venue, after: through, into: &standing, reading: segments)
                }
                let totals = standing.totals
                distinct += totals.distinct
                amountFen += totals.amountFen
                guard let writes else { continue }
                if !writing {
                    // An older build's whole standings, written since this schema (it finds no cache here and
                    // keeps its own), are dropped: these parts are the cache.
                    try connection.execute("BEGIN IMMEDIATE")
                    writing = true
                    try connection.execute("DELETE FROM sessionStanding")
                }
                try writes.save(
                    venue: venue, through: lastSegment, totals: totals, parts: standing,
                    partSessions: standingPartSessions, replacingAll: stored.isEmpty)
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

    /// The statements that save a venue's run totals.
    private struct StandingWrites {
        let venue: Statement
        let part: Statement
        let dropParts: Statement

        init(_ connection: SQLiteConnection) throws(StoreError) {
            venue = try connection.prepare(
                "INSERT OR REPLACE INTO sessionStandingVenue(venue, throughSegment, sessions, amountFen) VALUES(?, ?, ?, ?)")
            part = try connection.prepare(
                "INSERT OR REPLACE INTO sessionStandingPart(venue, lowKey, sessions, amountFen, standing) VALUES(?, ?, ?, ?, ?)")
            dropParts = try connection.prepare("DELETE FROM sessionStandingPart WHERE venue = ?")
        }

        /// Writes the parts keys fell in (all of them, the old ones dropped first, when the venue was folded from its
        /// first segment) and the venue's totals.
        func save(
            venue id: Int64, through: Int64, totals: (distinct: Int64, amountFen: Int64), parts: PartedStanding,
            partSessions: Int, replacingAll: Bool
        ) throws(StoreError) {
            if replacingAll {
                dropParts.bind(1, id)
                try dropParts.run()
            }
            for (lowKey, standing) in parts.changedParts(limit: partSessions) {
                let totals = standing.totals
                part.bind(1, id)
                lowKey.withUnsafeBytes { part.bindBlob(2, $0) }
                part.bind(3, totals.distinct)
                part.bind(4, totals.amountFen)
                standing.encoded().withUnsafeBytes { part.bindBlob(5, $0) }
                try part.run()
            }
            venue.bind(1, id)
            venue.bind(2, through)
            venue.bind(3, totals.distinct)
            venue.bind(4, totals.amountFen)
            try venue.run()
        }
    }

    /// The ids of a venue's segments after `id`, in order (`statement` as `sessionTotals` prepares it).
    private static func ids(venue: Int64, after id: Int64, reading statement: Statement) throws(StoreError) -> [Int64] {
        defer { statement.reset() }
        statement.bind(1, venue)
        statement.bind(2, id)
        var ids: [Int64] = []
        while try statement.step() { ids.append(statement.int64(0)) }
        return ids
    }

    /// Folds segments the writer kept in memory, as `fold(venue:after:into:reading:)` folds them from the database.
    private static func fold(
        _ segments: [FoldedSessions.Segment], of folded: FoldedSessions, into standing: inout PartedStanding
    ) throws(StoreError) {
        var failure: StoreError?
        folded.keyBytes.withUnsafeBytes { keys in
            do throws(StoreError) {
                for segment in segments {
                    for row in segment.rows {
                        try standing.take(
                            key: UnsafeRawBufferPointer(rebasing: keys[folded.key(row)]), closed: folded.closed[row],
                            export: segment.export, amountFen: folded.amountFen[row])
                    }
                }
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
    }

    /// Folds the venue's segments after `through`, in id order (`statement` as `sessionTotals` prepares it).
    func fold(venue: Int64, after through: Int64, into standing: inout PartedStanding, reading statement: Statement)
        throws(StoreError)
    {
        defer { statement.reset() }
        statement.bind(1, venue)
        statement.bind(2, through)
        var key = ContiguousArray<UInt8>()
        while try statement.step() {
            let export = statement.isNull(1) ? 0 : statement.int64(1)
            var reader = try SegmentReader(
                statement.textBytes(2), what: "a session segment of venue \(symbolText(venue))")
            // Only the key, 下机时间 and amount of each copy are read.
            while try reader.nextRow() {
                key.removeAll(keepingCapacity: true)
                _ = try reader.string(into: &key)
                try reader.skipPlainValues(8)
                let closed = !(try reader.isNull())
                var amount = try reader.int64()
                if amount == absentInt64 { amount = 0 }
                try reader.skipPlainValues(5)
                try reader.endRow()
                let failure: StoreError? = key.withUnsafeBytes { key in
                    do throws(StoreError) {
                        try standing.take(key: key, closed: closed, export: export, amountFen: amount)
                        return nil
                    } catch {
                        return error
                    }
                }
                if let failure { throw failure }
            }
        }
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
