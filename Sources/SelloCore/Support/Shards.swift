#if canImport(Glibc)
import Glibc
#endif

/// State split into shards, one lock each (`Locked`), for what every call of every thread
/// touches: with one lock, threads that share a client queued on it (issue 13, row 3 of
/// `make bench`). Two threads meet only when they pick the same shard. Used for the calls in flight
/// (`CallRegistry`) and the idle easy handles (`HandlePool`).
final class Shards<Value: Sendable>: Sendable {
    /// One lock per shard.
    private let shards: [Locked<Value>]

    init(count: Int, _ initial: () -> Value) {
        shards = (0..<max(1, count)).map { _ in Locked(initial()) }
    }

    var count: Int { shards.count }

    /// Runs `body` on shard `index` (any integer: it is taken modulo the count) under its lock.
    func withLock<Result: Sendable>(_ index: Int, _ body: (inout Value) -> Result) -> Result {
        shards[Int(UInt(bitPattern: index) % UInt(shards.count))].withLock { body(&$0) }
    }

    /// The calling thread's own shard: its identity mixed (a pthread_t is an aligned address),
    /// so that a thread keeps coming back to the same one.
    var threadShard: Int {
        let mixed = UInt64(pthread_self()) &* 0x9E37_79B9_7F4A_7C15
        return Int(truncatingIfNeeded: mixed >> 32) % shards.count
    }

    /// Every shard in turn from `start`, each under its own lock, until `body` returns a value.
    func first<Result: Sendable>(from start: Int, _ body: (inout Value) -> Result?) -> Result? {
        for offset in 0..<shards.count {
            if let result = withLock(start + offset, body) { return result }
        }
        return nil
    }

    /// The sum of `body` over every shard, each read under its own lock (not one snapshot).
    func sum(_ body: (inout Value) -> Int) -> Int {
        (0..<shards.count).reduce(0) { total, index in total + withLock(index, body) }
    }
}
