import Glibc

/// The temporary database of an `analyze` without `--db` holds whole cert numbers: it is removed when the run ends,
/// however it ends, SIGINT, SIGTERM and SIGHUP included (FORMATS.md §5: personal data readable by nobody else, and
/// nothing left behind).
enum TemporaryFiles {
    /// C strings made before any signal can come: a handler may only call async-signal-safe functions
    /// (unlink, rmdir, signal, raise), never allocate.
    nonisolated(unsafe) private static var paths: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
    nonisolated(unsafe) private static var count: Int32 = 0
    nonisolated(unsafe) private static var folder: UnsafeMutablePointer<CChar>?

    /// Removes `files` of `folder`, then `folder`, at `remove()` or on a terminating signal.
    static func removeOnSignal(folder: String, files: [String]) {
        let table = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: files.count)
        for (index, name) in files.enumerated() { table[index] = strdup(folder + "/" + name) }
        paths = table
        count = Int32(files.count)
        Self.folder = strdup(folder)
        // A parent may hand down these signals blocked (a thread pool's mask survives exec): unblock them, or a
        // service manager's SIGTERM would wait for the run to end and the database would outlive it.
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&unblocked, signalNumber) }
        pthread_sigmask(SIG_UNBLOCK, &unblocked, nil)
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
            signal(signalNumber) { received in
                TemporaryFiles.remove()
                // Die of the signal as the caller expects (exit status 128 + n in a shell).
                signal(received, SIG_DFL)
                raise(received)
            }
        }
    }

    /// Removes the files and the folder now (idempotent; nothing when none were registered).
    ///
    /// A signal lands while other threads still run: SQLite may create a file (the rollback journal it writes while
    /// switching a new database to WAL) just after it was unlinked here. So the whole round is retried, briefly,
    /// until the folder itself is gone; once it is, no file can be made in it.
    static func remove() {
        guard let paths, let folder else { return }
        var pause = timespec(tv_sec: 0, tv_nsec: 2_000_000)
        for _ in 0..<500 {
            for index in 0..<Int(count) { if let path = paths[index] { unlink(path) } }
            if rmdir(folder) == 0 || errno != ENOTEMPTY { return }
            nanosleep(&pause, nil)
        }
    }
}
