import CSQLite
import Glibc

/// A SQLite failure, with the statement's SQL where there was one.
package struct StoreError: Error, CustomStringConvertible {
    package var description: String
}

/// A thin owner of one SQLite connection (system libsqlite3); the `Store` is its only user.
package final class SQLiteConnection {
    let handle: OpaquePointer

    /// Once per process, before SQLite starts: no allocation statistics, whose global mutex costs ~3 % of
    /// a bulk insert (measured with perf on a 1.2 M-row sessions export).
    private static let configured: Bool = {
        _ = csqlite_disable_memstatus()
        return true
    }()

    init(path: String) throws(StoreError) {
        _ = Self.configured
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let status = sqlite3_open_v2(path, &handle, flags, nil)
        guard status == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            if let handle { sqlite3_close(handle) }
            throw StoreError(description: "cannot open database '\(path)': \(message)")
        }
        self.handle = handle
        sqlite3_busy_timeout(handle, 10_000)
    }

    deinit { sqlite3_close_v2(handle) }

    var errorMessage: String { String(cString: sqlite3_errmsg(handle)) }

    /// Rolls back the open transaction after a failure that is already being thrown: its own result adds nothing
    /// (SQLite has rolled back by itself when the failure was a full disk or I/O error).
    func rollbackAfterFailure() {
        _ = sqlite3_exec(handle, "ROLLBACK", nil, nil, nil)
    }

    func execute(_ sql: String) throws(StoreError) {
        var error: UnsafeMutablePointer<CChar>?
        if sqlite3_exec(handle, sql, nil, nil, &error) != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? errorMessage
            sqlite3_free(error)
            throw StoreError(description: "\(message) (in: \(sql.prefix(80)))")
        }
    }

    func prepare(_ sql: String) throws(StoreError) -> Statement {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil) == SQLITE_OK,
            let statement
        else {
            throw StoreError(description: "\(errorMessage) (in: \(sql.prefix(80)))")
        }
        return Statement(handle: statement, connection: self, sql: sql)
    }

    var changes: Int { Int(sqlite3_changes(handle)) }
}

/// A prepared statement, bound by 1-based index. Binding and stepping stay on the raw C API: it is the
/// ingest's hot path (DEPENDENCIES.md: 2.5 M rows/s raw).
package final class Statement {
    let handle: OpaquePointer
    unowned let connection: SQLiteConnection
    let sql: String

    init(handle: OpaquePointer, connection: SQLiteConnection, sql: String) {
        self.handle = handle
        self.connection = connection
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    @inline(__always) func bind(_ index: Int32, _ value: Int64) { sqlite3_bind_int64(handle, index, value) }
    @inline(__always) func bind(_ index: Int32, _ value: Int) { sqlite3_bind_int64(handle, index, Int64(value)) }
    /// Binds `absentInt64` as NULL.
    @inline(__always) func bindNullable(_ index: Int32, _ value: Int64) {
        if value == absentInt64 { sqlite3_bind_null(handle, index) } else { sqlite3_bind_int64(handle, index, value) }
    }
    @inline(__always) func bindNull(_ index: Int32) { sqlite3_bind_null(handle, index) }
    func bind(_ index: Int32, _ value: String?) {
        guard var value else {
            sqlite3_bind_null(handle, index)
            return
        }
        value.withUTF8 { bytes in
            _ = csqlite_bind_text_transient(
                handle, index, UnsafeRawPointer(bytes.baseAddress!).assumingMemoryBound(to: CChar.self),
                Int32(bytes.count))
        }
    }
    func bindBlob(_ index: Int32, _ bytes: UnsafeRawBufferPointer) {
        _ = csqlite_bind_blob_transient(handle, index, bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, Int32(bytes.count))
    }

    /// Binds bytes as text without SQLite copying them (SQLITE_STATIC): the bytes must stay valid until the
    /// statement has run and its bindings are cleared, as `runClearing` does. (SQLite's copy of every symbol was
    /// a `malloc` and a `memcpy` each: ~3 % of a sessions ingest.)
    @inline(__always) func bindBorrowedText(_ index: Int32, _ bytes: UnsafeRawBufferPointer) {
        sqlite3_bind_text(
            handle, index, (bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!).assumingMemoryBound(to: CChar.self),
            Int32(bytes.count), nil)
    }

    /// `run`, then every binding cleared: no borrowed text stays bound past the call.
    func runClearing() throws(StoreError) {
        defer { sqlite3_clear_bindings(handle) }
        try run()
    }

    /// Runs a statement that returns no rows, then resets it.
    func run() throws(StoreError) {
        let status = sqlite3_step(handle)
        sqlite3_reset(handle)
        guard status == SQLITE_DONE || status == SQLITE_ROW else {
            throw StoreError(description: "\(connection.errorMessage) (in: \(sql.prefix(80)))")
        }
    }

    /// Steps once; true while a row is available.
    func step() throws(StoreError) -> Bool {
        let status = sqlite3_step(handle)
        if status == SQLITE_ROW { return true }
        sqlite3_reset(handle)
        guard status == SQLITE_DONE else {
            throw StoreError(description: "\(connection.errorMessage) (in: \(sql.prefix(80)))")
        }
        return false
    }

    func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    @inline(__always) func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }
    @inline(__always) func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }
    /// The column, or `absentInt64` when NULL.
    @inline(__always) func nullableInt64(_ column: Int32) -> Int64 { isNull(column) ? absentInt64 : int64(column) }
    func string(_ column: Int32) -> String {
        guard let text = sqlite3_column_text(handle, column) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeRawBufferPointer(start: text, count: count), as: UTF8.self)
    }
    func optionalString(_ column: Int32) -> String? { isNull(column) ? nil : string(column) }
    /// The column's bytes, valid until the next step.
    func blob(_ column: Int32) -> UnsafeRawBufferPointer {
        let count = Int(sqlite3_column_bytes(handle, column))
        guard let bytes = sqlite3_column_blob(handle, column) else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: bytes, count: count)
    }
    /// A text column's bytes, valid until the next step.
    func textBytes(_ column: Int32) -> UnsafeRawBufferPointer {
        guard let text = sqlite3_column_text(handle, column) else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: text, count: Int(sqlite3_column_bytes(handle, column)))
    }
}
