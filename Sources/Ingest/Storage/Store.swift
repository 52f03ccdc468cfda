import CSQLite
import Glibc
import LogFormats
import Synchronization

/// The SQLite store of normalised data (STYLE.md §2): one file, created readable by its owner alone,
/// written by one writer, one transaction per ingested file.
package final class Store {
    let connection: SQLiteConnection
    package let path: String
    /// The symbol table, mirrored in memory: ids match `symbol.id`.
    package private(set) var symbols = StringDictionary()
    /// The session rows this run's writer stored, for the run totals (`sessionTotals` empties it).
    var foldedSessions = FoldedSessions()
    /// How many venues the last `sessionTotals` folded from `foldedSessions` rather than from their segments.
    package internal(set) var venuesFoldedInMemory = 0
    /// Sessions a part of a venue's run-totals standing holds at most (`PartedStanding`): a night's new keys
    /// rewrite the last part, a few tens of KiB, not every copy the venue ever stored.
    var standingPartSessions = 4096
    private var symbolsPersisted = 0

    /// How a run shares the database with other runs (a cron job overlapping a hand run, FORMATS.md §7).
    package enum Access {
        /// Writes: alone (waits for every other run).
        case exclusive
        /// Only reads: beside other readers, never during a write.
        case shared
    }

    /// Whether reads are limited to the files of `scopeFile` (one night's, `setScope`).
    var scoped = false
    /// The same files, for reads done in Swift (`Store+Segments.swift`); nil while unscoped.
    var scopeFileIDs: Set<Int64>?
    /// Files whose standing copy of a session a copy in the scope's files took over, as scoped reads met them:
    /// their nights' sessions changed.
    package var movedFromFiles = Set<Int64>()
    /// How this store was opened: only an exclusive store writes the run totals' cache.
    let access: Access
    /// Whether this run created the file (a run that fails on a usage error removes what it created).
    package private(set) var created = false
    /// The run's `flock` on the database file (shared by the stores of this process), released when the store is gone.
    private var lockKey: DatabaseLocks.Key?

    /// Opens or creates the database at `path` with mode 0600 and brings its schema up to date. Another netbar run
    /// on the same file is waited for (`waiting` is called once, before the wait), so two runs never interleave.
    package init(path: String, access: Access = .exclusive, waiting: () -> Void = {}) throws(StoreError) {
        self.path = path
        self.access = access
        // Create the file owner-only before SQLite does, and keep journal files owner-only too.
        let previousMask = umask(0o077)
        defer { umask(previousMask) }
        let existed = Glibc.access(path, F_OK) == 0
        let descriptor = open(path, O_RDWR | O_CREAT, 0o600)
        guard descriptor >= 0 else {
            throw StoreError(description: "cannot create database '\(path)': \(String(cString: strerror(errno)))")
        }
        created = !existed
        fchmod(descriptor, 0o600)
        // flock is separate from SQLite's own POSIX locks; it is held for the whole run, migration included.
        do {
            lockKey = try DatabaseLocks.acquire(descriptor, exclusive: access == .exclusive, path: path, waiting: waiting)
        } catch {
            close(descriptor)
            throw error
        }
        connection = try SQLiteConnection(path: path)
        // A 64 MiB page cache: larger measured no faster on a 2 GB dump, and memory must not grow with the dump.
        // 64 KiB pages (a new file's only; an existing one keeps its own): a segment is a few KiB of text, which
        // 4 KiB pages split into overflow chains, and the WAL's writes and checkpoint reads went page by page
        // (a sessions export's ingest: 0.8 s of 3 s in the kernel at 4 KiB, 0.3 s at 64 KiB).
        try connection.execute(
            "PRAGMA page_size=65536; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA temp_store=MEMORY; "
                + "PRAGMA cache_size=-65536;")
        try Self.migrate(connection)
        insertSymbol = try connection.prepare("INSERT INTO symbol(text) VALUES(?)")
        insertSymbols = try connection.prepare(
            "INSERT OR FAIL INTO symbol(text) VALUES" + Array(repeating: "(?)", count: Self.symbolsPerInsert).joined(separator: ","))
        try loadSymbols()
        let legacy = try connection.prepare(
            "SELECT EXISTS(SELECT 1 FROM ingestedFile WHERE contentHash NOT LIKE '\(ContentHash.prefix)%' "
                + "AND contentHash NOT LIKE 'pending:%')")
        holdsLegacyContentHashes = try legacy.step() && legacy.int64(0) == 1
    }

    /// Whether a file stored here was hashed by `LegacyContentHash` (by a build before `ContentHash`): files are then
    /// hashed both ways, so that one sent again is still recognised.
    package private(set) var holdsLegacyContentHashes = false

    private static func migrate(_ connection: SQLiteConnection) throws(StoreError) {
        let versionStatement = try connection.prepare("PRAGMA user_version")
        let version = try versionStatement.step() ? Int(versionStatement.int64(0)) : 0
        versionStatement.reset()
        guard version < Schema.migrations.count else { return }
        try connection.execute("BEGIN IMMEDIATE")
        do {
            for index in version..<Schema.migrations.count {
                try connection.execute(Schema.migrations[index])
            }
            try connection.execute("PRAGMA user_version = \(Schema.migrations.count)")
            try connection.execute("COMMIT")
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
    }

    func loadSymbols() throws(StoreError) {
        symbols = StringDictionary()
        let statement = try connection.prepare("SELECT id, text FROM symbol ORDER BY id")
        while try statement.step() {
            let id = symbols.intern(statement.textBytes(1))
            guard Int64(id) == statement.int64(0) else {
                throw StoreError(description: "the symbol table of '\(path)' is not dense; the database is damaged")
            }
        }
        symbolsPersisted = symbols.count
    }

    /// Drops the symbols added since the last `persistSymbols` (a rolled-back file's), without reading the table
    /// again: reloading it on every duplicate file grew with the database (5 % of a 5 GB night's ingest).
    func forgetUnpersistedSymbols() {
        symbols.truncate(keeping: symbolsPersisted)
    }

    /// The global id of `bytes`, adding it to the table (written at `persistSymbols`).
    @inline(__always)
    func symbol(_ bytes: UnsafeRawBufferPointer) -> Int64 { Int64(symbols.intern(bytes)) }

    /// The global ids of a batch dictionary's strings (index = the batch's id), adding the new ones.
    func symbols(of dictionary: StringDictionary) -> ContiguousArray<Int64> { symbols.intern(allOf: dictionary) }

    func symbol(_ text: String) -> Int64 { Int64(symbols.intern(text)) }

    private let insertSymbol: Statement
    /// `symbolsPerInsert` symbols in one statement, their ids given by SQLite (the next rowids, which are the
    /// in-memory ids since the table is dense): one step per symbol, and an explicit id's uniqueness probe from the
    /// root of the table, were most of a new symbol's cost. `OR FAIL`: a statement of many rows that may abort
    /// keeps a statement journal, a copy of every page it touches (40 % of the symbols' cost at 64 KiB pages);
    /// a failure here fails the file's whole transaction anyway, so no statement needs undoing on its own.
    private let insertSymbols: Statement
    static let symbolsPerInsert = 64

    /// Writes the symbols added since the last call.
    func persistSymbols() throws(StoreError) {
        guard symbolsPersisted < symbols.count else { return }
        let failure: StoreError? = symbols.arena.withUnsafeBytes { arena in
            var id = symbolsPersisted + 1
            while id <= symbols.count {
                let many = symbols.count - id + 1 >= Self.symbolsPerInsert
                let statement = many ? insertSymbols : insertSymbol
                for slot in 0..<(many ? Self.symbolsPerInsert : 1) {
                    let range = symbols.range(Int32(id))
                    statement.bindBorrowedText(Int32(slot + 1), UnsafeRawBufferPointer(rebasing: arena[range]))
                    id += 1
                }
                do throws(StoreError) { try statement.runClearing() } catch { return error }
                guard sqlite3_last_insert_rowid(connection.handle) == Int64(id - 1) else {
                    return StoreError(description: "the symbol table of '\(path)' is not dense; the database is damaged")
                }
            }
            return nil
        }
        if let failure { throw failure }
        symbolsPersisted = symbols.count
    }

    deinit { if let lockKey { DatabaseLocks.release(lockKey) } }

    /// The text of a symbol id.
    package func symbolText(_ id: Int64) -> String { symbols.string(Int32(truncatingIfNeeded: id)) }

    /// Sets this connection's page cache (KiB). Detection's readers scan each venue's rows once, so a small cache
    /// reads as fast, and two readers with the writer's 64 MiB each made peak memory grow with the database.
    package func setPageCache(kibibytes: Int) throws(StoreError) {
        try connection.execute("PRAGMA cache_size=-\(kibibytes)")
    }
}

/// Binds bytes as text, copied by SQLite (the bytes need not outlive the call).
@inline(__always)
func csqlite_bind_text_transient_raw(_ statement: Statement, _ index: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32 {
    csqlite_bind_text_transient(
        statement.handle, index, (bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!).assumingMemoryBound(to: CChar.self),
        Int32(bytes.count))
}

/// One `flock` per database file per process: stores of one process on the same file share it (a test opening a
/// database twice must not wait for itself), stores of another process wait for it.
enum DatabaseLocks {
    struct Key: Hashable {
        var device: UInt64
        var inode: UInt64
    }

    private struct Held {
        var descriptor: Int32
        var count: Int
    }

    private static let held = Mutex<[Key: Held]>([:])

    /// Takes the lock through `descriptor` (which this call then owns), or shares the one this process holds.
    static func acquire(_ descriptor: Int32, exclusive: Bool, path: String, waiting: () -> Void) throws(StoreError) -> Key {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw StoreError(description: "cannot read database '\(path)': \(String(cString: strerror(errno)))")
        }
        let key = Key(device: UInt64(status.st_dev), inode: UInt64(status.st_ino))
        let failure: StoreError? = held.withLock { table in
            if var entry = table[key] {
                entry.count += 1
                table[key] = entry
                close(descriptor)
                return nil
            }
            let mode = exclusive ? LOCK_EX : LOCK_SH
            if flock(descriptor, mode | LOCK_NB) != 0 {
                guard errno == EWOULDBLOCK else {
                    return StoreError(description: "cannot lock database '\(path)': \(String(cString: strerror(errno)))")
                }
                waiting()
                while flock(descriptor, mode) != 0 {
                    guard errno == EINTR else {
                        return StoreError(description: "cannot lock database '\(path)': \(String(cString: strerror(errno)))")
                    }
                }
            }
            table[key] = Held(descriptor: descriptor, count: 1)
            return nil
        }
        if let failure { throw failure }
        return key
    }

    static func release(_ key: Key) {
        held.withLock { table in
            guard var entry = table[key] else { return }
            entry.count -= 1
            if entry.count == 0 {
                close(entry.descriptor)
                table[key] = nil
            } else {
                table[key] = entry
            }
        }
    }
}
