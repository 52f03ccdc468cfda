import Glibc

/// A thread whose end can be waited for: `join()` returns once the body has returned and let go of everything it
/// captured. Foundation's `Thread` cannot be joined, so a thread that had signalled its end still held its captures
/// for a moment; when one of them was a database connection and the process then exited, the connection was never
/// closed and its write-ahead log stayed beside the database (a copy of the database file alone missed the run's
/// writes: seen under load, 2 runs in 30).
package final class JoinableThread: @unchecked Sendable {
    // @unchecked: `thread` is written once, by `init`, before any other use.
    private final class Body {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }

    private var thread = pthread_t()
    private var joined = false

    /// Starts `body` on a thread of its own with a stack of `stackSize` bytes.
    package init(stackSize: Int = 8 << 20, _ body: @escaping @Sendable () -> Void) {
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setstacksize(&attributes, stackSize)
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        let status = pthread_create(
            &thread, &attributes,
            { context in
                // Taken and released within this function: the body's captures are gone before the thread ends.
                Unmanaged<Body>.fromOpaque(context!).takeRetainedValue().run()
                return nil
            }, context)
        // Without its thread the work cannot be done at all; Foundation's `Thread` stops the process here too.
        precondition(status == 0, "netbar: a thread could not be started (pthread_create: \(status))")
    }

    /// Waits until the body has returned and released its captures. Called once, by the thread that started it.
    package func join() {
        guard !joined else { return }
        joined = true
        pthread_join(thread, nil)
    }
}
