import CCurl
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// What lets another thread stop one call (API.md §6, "Cancelling a call in flight"): a flag the
/// call's thread checks between its waits, and the curl multi handle it is waiting in, woken by
/// `curl_multi_wakeup` (callable from any thread) so that the call notices within milliseconds,
/// not at libcurl's next timer.
public final class CancelToken: Sendable {
    /// The caller's `call_id`, or nil when the request carried none.
    public let callID: String?
    private let flag = Atomic<Bool>(false)
    /// The multi handle the call is waiting in, as the bits of its pointer (0: none).
    private let waitingIn = Atomic<Int>(0)
    /// Cancellations between reading `waitingIn` and the return of their wake-up: the call leaves
    /// `waiting` (after which its multi handle may be cleaned up) only when there is none, so a
    /// wake-up never reaches a multi handle being cleaned up. Two atomics, not a lock: a lock of
    /// its own cost every call an allocation, a mutex and two lock pairs (issue 13: some 600
    /// instructions a call); each side writes its own atomic, then reads the other's, in one
    /// sequentially consistent order, so at least one of them sees the other.
    private let waking = Atomic<Int>(0)

    public init(callID: String?) { self.callID = callID }

    public var isCancelled: Bool { flag.load(ordering: .acquiring) }

    /// Marks the call cancelled and wakes it. Never calls back into the caller.
    func cancel() {
        flag.store(true, ordering: .sequentiallyConsistent)
        waking.wrappingAdd(1, ordering: .sequentiallyConsistent)
        if let multi = UnsafeMutableRawPointer(bitPattern: waitingIn.load(ordering: .sequentiallyConsistent)) {
            _ = curl_multi_wakeup(multi)
        }
        waking.wrappingSubtract(1, ordering: .sequentiallyConsistent)
    }

    /// Runs `body` with `multi` as the handle a cancellation wakes. Returns once no cancellation
    /// that may have read `multi` is still waking it (a rare, short wait).
    func waiting<T>(in multi: UnsafeMutableRawPointer, _ body: () -> T) -> T {
        waitingIn.store(Int(bitPattern: multi), ordering: .sequentiallyConsistent)
        defer {
            waitingIn.store(0, ordering: .sequentiallyConsistent)
            while waking.load(ordering: .sequentiallyConsistent) != 0 { sched_yield() }
        }
        return body()
    }

    /// Sleeps up to `milliseconds`, in short slices so that a cancellation ends the wait at once.
    /// Returns false when the call was cancelled.
    func sleep(milliseconds: Int) -> Bool {
        var left = milliseconds
        while left > 0 {
            if isCancelled { return false }
            let slice = min(left, 10)
            HTTPTransport.sleep(milliseconds: slice)
            left -= slice
        }
        return !isCancelled
    }
}

/// The calls in flight on one client, by token: what `*_client_cancel` reaches.
///
/// Every call registers and unregisters itself, from whichever thread runs it, so one lock for
/// the whole client was taken twice a call by every thread: under eight threads that lock was
/// the call's most contended point (issue 13, row 3 of `make bench`). The keys come from an
/// atomic counter and pick their shard (`Shards`), so concurrent calls rarely meet; a
/// cancellation, which is rare, visits every shard.
final class CallRegistry: Sendable {
    static let shardCount = 16
    private let next = Atomic<Int>(0)
    /// A shard holds the few calls in flight that picked it: a list, not a dictionary (issue 13:
    /// hashing the key to insert it and again to find it cost some 400 instructions a call).
    private let tokens = Shards<[(key: Int, token: CancelToken)]>(count: CallRegistry.shardCount) { [] }

    /// Registers a call for its duration.
    func register(_ token: CancelToken) -> Int {
        let key = next.wrappingAdd(1, ordering: .relaxed).newValue
        tokens.withLock(key) { $0.append((key, token)) }
        return key
    }

    func unregister(_ key: Int) {
        tokens.withLock(key) { calls in
            if let index = calls.firstIndex(where: { $0.key == key }) { calls.remove(at: index) }
        }
    }

    /// Cancels the calls in flight with this `call_id` (every one when nil); how many it reached.
    func cancel(callID: String?) -> Int {
        var reached: [CancelToken] = []
        for index in 0..<tokens.count {
            reached += tokens.withLock(index) { calls in
                calls.compactMap { callID == nil || $0.token.callID == callID ? $0.token : nil }
            }
        }
        for token in reached { token.cancel() } // outside the registry's locks
        return reached.count
    }

    /// How many calls are registered now (for tests).
    var count: Int { tokens.sum { $0.count } }
}

extension SelloError {
    /// The error of a call cancelled by the caller. Whether the request may have reached the
    /// service decides `retryable`, as the operation's replay policy says (API.md §6).
    /// Cancelled while waiting to send the request again: the attempt before was judged safe to
    /// repeat, so the request may be sent again.
    static func cancelledBeforeRetry(after code: ErrorCode?) -> SelloError {
        SelloError(
            .cancelled, .cancelled,
            "the call was cancelled while it waited to send its request "
                + "again\(code.map { " (after \($0))" } ?? ""); the earlier attempt did not take effect, so "
                + "the request may be sent again",
            retryable: true)
    }

    static func cancelled(_ request: HTTPRequest?, requestSent: Bool) -> SelloError {
        guard let request, requestSent else {
            return SelloError(
                .cancelled, .cancelled,
                "the call was cancelled before its request was sent; nothing was sent",
                retryable: true)
        }
        switch request.replay {
        case .idempotent:
            return SelloError(
                .cancelled, .cancelled,
                "the call was cancelled after its request was sent; it only reads, so it may be sent again",
                retryable: true)
        case .callerMayRepeat:
            return SelloError(
                .cancelled, .cancelled,
                "the call was cancelled after its request was sent; the service recognises the very "
                    + "same request, so it may be sent again as it is",
                retryable: true)
        case .onlyIfNotSent(let consequence, let advice):
            return SelloError(
                .cancelled, .cancelled,
                "the call was cancelled after its request was sent: it may have reached the service "
                    + "(\(consequence)); \(advice)",
                retryable: false)
        }
    }
}
