import Synchronization
import Testing

@testable import SelloCore

#if canImport(Glibc)
import Glibc
#endif

/// The three places every call of every thread passes through (issue 13, row 3 of `make bench`):
/// the calls in flight, the idle easy handles and the question "is a callback set". Each is
/// split or lock-free so that threads rarely meet; these tests hold them to what they promise
/// whatever the split: every call reached by a cancellation, no handle lost or handed out twice,
/// and the callback question answered as the setters left it.
@Suite struct ContentionTests {
    /// Runs `body(thread)` on `threads` threads at once and waits for them all.
    static func concurrently(_ threads: Int, _ body: @escaping @Sendable (Int) -> Void) {
        var ids: [pthread_t] = []
        for thread in 0..<threads {
            let box = Unmanaged.passRetained(Job { body(thread) }).toOpaque()
            var id = pthread_t()
            let created = pthread_create(
                &id, nil,
                { raw in
                    guard let raw else { return nil }
                    Unmanaged<Job>.fromOpaque(raw).takeRetainedValue().run()
                    return nil
                }, box)
            #expect(created == 0)
            ids.append(id)
        }
        for id in ids { pthread_join(id, nil) }
    }

    final class Job: Sendable {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    /// The process id kept for `ProcessPool` is getpid()'s, also in a child of fork(), where the
    /// pool must see that it is not its parent's (issue 12, item 9).
    @Test func theKeptProcessIDIsGetpidsAlsoAfterFork() {
        #expect(ProcessID.current == getpid())
        let parent = ProcessID.current
        let child = fork()
        if child == 0 { _exit(ProcessID.current == getpid() && ProcessID.current != parent ? 0 : 1) }
        #expect(child > 0)
        var status: Int32 = 0
        #expect(waitpid(child, &status, 0) == child)
        #expect(status == 0, "the child saw a process id other than its own")
        #expect(ProcessID.current == getpid())
    }

    @Test func shardsVisitEveryShardFromTheOneAskedAndWrapAnyIndex() {
        let shards = Shards<[Int]>(count: 4) { [] }
        for index in 0..<4 { shards.withLock(index) { $0.append(index) } }
        shards.withLock(-1) { $0.append(99) } // any integer picks a shard
        var visited: [Int] = []
        let found = shards.first(from: 2) { values -> Int? in
            visited.append(values[0])
            return values[0] == 1 ? values[0] : nil
        }
        #expect(found == 1 && visited == [2, 3, 0, 1])
        #expect(shards.sum { $0.count } == 5)
        #expect((0..<4).contains(shards.threadShard) && shards.threadShard == shards.threadShard)
    }

    @Test func everyRegisteredCallIsReachedWhateverItsShard() {
        let registry = CallRegistry()
        let tokens = (0..<(CallRegistry.shardCount * 3)).map { CancelToken(callID: $0 % 2 == 0 ? "even" : "odd") }
        let keys = tokens.map { registry.register($0) }
        #expect(Set(keys).count == tokens.count)
        #expect(registry.count == tokens.count)
        #expect(registry.cancel(callID: "even") == tokens.count / 2)
        #expect(tokens.allSatisfy { $0.isCancelled == ($0.callID == "even") })
        #expect(registry.cancel(callID: "nobody") == 0)
        #expect(registry.cancel(callID: nil) == tokens.count)
        for key in keys { registry.unregister(key) }
        #expect(registry.count == 0)
        #expect(registry.cancel(callID: nil) == 0)
    }

    @Test func callsRegisteredFromManyThreadsAreAllUnregistered() {
        let registry = CallRegistry()
        let seen = Locked<Set<Int>>([])
        Self.concurrently(8) { _ in
            for _ in 0..<500 {
                let key = registry.register(CancelToken(callID: nil))
                let fresh = seen.withLock { $0.insert(key).inserted }
                #expect(fresh, "a key was given to two calls")
                registry.unregister(key)
            }
        }
        #expect(registry.count == 0)
        #expect(seen.withLock { $0.count } == 8 * 500)
    }

    @Test func aSequentialCallerGetsItsOwnLastHandleBack() throws {
        let pool = try HandlePool(maxIdle: 64)
        let first = try pool.checkout()
        pool.checkin(first)
        let second = try pool.checkout()
        #expect(first === second, "the hot handle (and its live connection) was not reused")
        pool.checkin(second)
        #expect(pool.idleCount == 1)
    }

    @Test func aHandleIdleInAnotherThreadsShardIsBorrowedNotDuplicated() throws {
        let pool = try HandlePool(maxIdle: 64)
        // Checked in by eight other threads: whichever shards they picked, this thread finds
        // every one of them before it makes a new handle.
        let made = Locked<[ObjectIdentifier]>([])
        let handles = Locked<[EasyHandle]>([])
        for _ in 0..<8 {
            guard let handle = EasyHandle() else { throw SelloError.internal("curl_easy_init failed") }
            made.withLock { $0.append(ObjectIdentifier(handle)) }
            handles.withLock { $0.append(handle) }
        }
        let box = UnsafeSendable(pool)
        Self.concurrently(8) { _ in
            guard let handle = handles.withLock({ $0.popLast() }) else { return }
            box.value.checkin(handle)
        }
        #expect(pool.idleCount == 8)
        var out: [ObjectIdentifier] = []
        for _ in 0..<8 { out.append(ObjectIdentifier(try pool.checkout())) }
        #expect(Set(out) == Set(made.withLock { $0 }), "a pooled handle was missed or handed out twice")
        #expect(pool.idleCount == 0)
    }

    @Test func threadsCheckingOutAtOnceNeverShareAHandle() throws {
        let pool = UnsafeSendable(try HandlePool(maxIdle: 64))
        let inUse = Locked<Set<ObjectIdentifier>>([])
        Self.concurrently(8) { _ in
            for _ in 0..<200 {
                guard let handle = try? pool.value.checkout() else {
                    Issue.record("checkout failed")
                    return
                }
                let alone = inUse.withLock { $0.insert(ObjectIdentifier(handle)).inserted }
                #expect(alone, "one easy handle was checked out by two threads")
                _ = inUse.withLock { $0.remove(ObjectIdentifier(handle)) }
                pool.value.checkin(handle)
            }
        }
        #expect(pool.value.idleCount <= 8)
    }

    @Test func theIdleHandlesKeptAreBounded() throws {
        let pool = try HandlePool(maxIdle: 16)
        let handles = try (0..<40).map { _ in try pool.checkout() }
        for handle in handles { pool.checkin(handle) }
        // One thread (a batch) checks in more than its shard holds: the rest spill into the other
        // shards up to the client's bound, and past it are released.
        #expect(pool.idleCount == 16)
        let again = try (0..<16).map { _ in ObjectIdentifier(try pool.checkout()) }
        #expect(Set(again).count == 16 && Set(again).isSubset(of: Set(handles.map(ObjectIdentifier.init))))
    }

    @Test func theCallbackQuestionFollowsTheSetters() {
        let hooks = ClientHooks()
        #expect(!hooks.wantsLog(.error) && !hooks.hasProgress)
        let log: LogFunction = { _, _, _ in }
        let progress: ProgressFunction = { _, _, _ in }
        hooks.setLog(log, userData: nil, minLevel: LogLevel.warning.rawValue)
        #expect(!hooks.wantsLog(.info) && hooks.wantsLog(.warning) && hooks.wantsLog(.error))
        hooks.setLog(log, userData: nil, minLevel: 0)
        #expect(hooks.wantsLog(.debug))
        hooks.setProgress(progress, userData: nil)
        #expect(hooks.hasProgress)
        hooks.setLog(nil, userData: nil, minLevel: 0)
        hooks.setProgress(nil, userData: nil)
        #expect(!hooks.wantsLog(.error) && !hooks.hasProgress)
        // Out-of-range levels are clamped as before.
        hooks.setLog(log, userData: nil, minLevel: 99)
        #expect(!hooks.wantsLog(.warning) && hooks.wantsLog(.error))
    }
}
