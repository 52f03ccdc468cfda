import Foundation
import Ingest
import Testing

/// `JoinableThread.join()` returns only once the body's captures are released: a database connection captured by a
/// loading thread is closed before the process can exit (else its write-ahead log stays beside the database).
struct JoinableThreadTests {
    final class Flag: @unchecked Sendable {  // @unchecked: `value` is guarded by `lock`.
        private let lock = NSLock()
        private var value = false
        var isSet: Bool { lock.withLock { value } }
        func set() { lock.withLock { value = true } }
    }

    /// Sets its flag when it is freed, slowly, as closing a connection that checkpoints its log is.
    final class SlowToFree: @unchecked Sendable {
        let flag: Flag
        init(_ flag: Flag) { self.flag = flag }
        deinit {
            usleep(150_000)
            flag.set()
        }
    }

    @Test func joinWaitsForTheBodysCapturesToBeFreed() {
        for _ in 0..<5 {
            let flag = Flag()
            let done = Flag()
            var thread: JoinableThread?
            do {
                let held = SlowToFree(flag)
                thread = JoinableThread {
                    withExtendedLifetime(held) {}
                    done.set()
                }
            }
            // The body may have ended already; what it captured may still be being freed.
            while !done.isSet { usleep(1_000) }
            thread?.join()
            #expect(flag.isSet, "joined before the body's captures were freed")
        }
    }
}
