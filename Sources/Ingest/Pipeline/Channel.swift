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

/// Lets file k start only once the writer has finished file k - capacity, whatever order the workers
/// arrive in (a plain semaphore can admit a later file ahead of the one the writer waits for, and
/// deadlock).
final class AdmissionGate: @unchecked Sendable {  // @unchecked: guarded by `mutex`.
    private var completed = 0
    private let capacity: Int
    private var mutex = pthread_mutex_t()
    private var advanced = pthread_cond_t()

    init(capacity: Int) {
        self.capacity = capacity
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&advanced, nil)
    }

    deinit {
        pthread_mutex_destroy(&mutex)
        pthread_cond_destroy(&advanced)
    }

    func admit(_ index: Int) {
        pthread_mutex_lock(&mutex)
        while index >= completed + capacity { pthread_cond_wait(&advanced, &mutex) }
        pthread_mutex_unlock(&mutex)
    }

    func complete() {
        pthread_mutex_lock(&mutex)
        completed += 1
        pthread_cond_broadcast(&advanced)
        pthread_mutex_unlock(&mutex)
    }
}
