import Glibc

/// A bounded FIFO between one producing and one consuming thread: the producer blocks when it is full,
/// which is what keeps memory from growing with the size of the dump.
package final class Channel<Element>: @unchecked Sendable {  // @unchecked: all state is guarded by `mutex`.
    /// Taken slots are set to nil at once, so a consumed batch is never kept alive by its channel.
    private var items: [Element?] = []
    private var head = 0
    private let capacity: Int
    private var mutex = pthread_mutex_t()
    private var notEmpty = pthread_cond_t()
    private var notFull = pthread_cond_t()

    package init(capacity: Int) {
        self.capacity = capacity
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&notEmpty, nil)
        pthread_cond_init(&notFull, nil)
    }

    deinit {
        pthread_mutex_destroy(&mutex)
        pthread_cond_destroy(&notEmpty)
        pthread_cond_destroy(&notFull)
    }

    package func send(_ item: Element) {
        pthread_mutex_lock(&mutex)
        while items.count - head >= capacity { pthread_cond_wait(&notFull, &mutex) }
        items.append(item)
        pthread_cond_signal(&notEmpty)
        pthread_mutex_unlock(&mutex)
    }

    package func receive() -> Element {
        pthread_mutex_lock(&mutex)
        while items.count == head { pthread_cond_wait(&notEmpty, &mutex) }
        let item = items[head]!
        items[head] = nil
        head += 1
        if head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 64 && head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
        pthread_cond_signal(&notFull)
        pthread_mutex_unlock(&mutex)
        return item
    }
}

/// A counter shared by threads.
final class SharedCounter: @unchecked Sendable {  // @unchecked: guarded by `mutex`.
    private var value: Int64 = 0
    private var mutex = pthread_mutex_t()

    init() { pthread_mutex_init(&mutex, nil) }
    deinit { pthread_mutex_destroy(&mutex) }

    func add(_ amount: Int64) -> Int64 {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        value += amount
        return value
    }

    var current: Int64 { add(0) }
}

/// Lets file k start only once the files before it leave room, whatever order the workers arrive in (a plain
/// semaphore can admit a later file ahead of the one the writer waits for, and deadlock). The first `jobs` files
/// the writer has not finished are always admitted; a later one waits until the files admitted and not yet written
/// hold fewer than `budgetBytes` on disk and number fewer than `maximumFiles`. A count alone stalled the
/// parsers: eight small billing exports finished behind one large audit log, and the second core waited on the
/// writer, which waited on that log (5.7 s of an 11.5 s ingest).
final class AdmissionGate: @unchecked Sendable {  // @unchecked: guarded by `mutex`.
    private var completed = 0
    private let alwaysAdmitted: Int
    private let maximumFiles: Int
    private let budgetBytes: Int64
    private var admittedBytes: Int64 = 0
    private var mutex = pthread_mutex_t()
    private var advanced = pthread_cond_t()

    init(alwaysAdmitted: Int, maximumFiles: Int, budgetBytes: Int64) {
        self.alwaysAdmitted = alwaysAdmitted
        self.maximumFiles = maximumFiles
        self.budgetBytes = budgetBytes
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&advanced, nil)
    }

    deinit {
        pthread_mutex_destroy(&mutex)
        pthread_cond_destroy(&advanced)
    }

    /// Files are admitted in index order (workers take indices in order), so `admittedBytes` covers the files
    /// from the writer's current one up to `index`.
    func admit(_ index: Int, bytes: Int64) {
        pthread_mutex_lock(&mutex)
        while index >= completed + alwaysAdmitted
            && (index >= completed + maximumFiles || admittedBytes + bytes > budgetBytes)
        {
            pthread_cond_wait(&advanced, &mutex)
        }
        admittedBytes += bytes
        pthread_mutex_unlock(&mutex)
    }

    func complete(bytes: Int64) {
        pthread_mutex_lock(&mutex)
        completed += 1
        admittedBytes -= bytes
        pthread_cond_broadcast(&advanced)
        pthread_mutex_unlock(&mutex)
    }
}
