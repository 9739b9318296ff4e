#if canImport(Glibc)
import Glibc
#endif

/// A value behind a pthread mutex: what the library's shared state is kept in.
///
/// Not the standard library's `Mutex`: on Linux it is a priority-inheritance futex, so a
/// contended lock is handed over inside the kernel — a system call every time, and no ordering
/// ThreadSanitizer can see, which then reports the guarded value as raced (`make sanitize`,
/// under the 8-thread tests of `ContentionTests`). glibc's mutex waits in the kernel only when
/// it must, and the sanitizers understand it.
final class Locked<Value>: @unchecked Sendable {
    /// Unchecked at run time: the mutex makes every access exclusive, and a nested `withLock` would
    /// deadlock before any check could report it (issue 13: the check cost some 75 instructions
    /// each `withLock`, four a call).
    @exclusivity(unchecked) private var value: Value
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    init(_ value: Value) {
        self.value = value
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    /// Runs `body` on the value with the lock held. `body` must not call back into code that
    /// takes this lock, nor into a caller's callback (the library's rule: no callback under a lock).
    func withLock<Result, Failure: Error>(_ body: (inout Value) throws(Failure) -> Result) throws(Failure) -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
