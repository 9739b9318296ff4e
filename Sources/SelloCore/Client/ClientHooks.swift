import Synchronization

#if canImport(Glibc)
import Glibc
#endif

public enum LogLevel: Int32, Sendable, Comparable {
    case debug = 0
    case info = 1
    case warning = 2
    case error = 3

    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rawValue < rhs.rawValue }
}

public typealias ProgressFunction = @convention(c) (UnsafeMutableRawPointer?, Int64, Int64) -> Void
public typealias LogFunction = @convention(c) (UnsafeMutableRawPointer?, Int32, UnsafePointer<CChar>?) -> Void

/// The callbacks set on a client, changed by *_client_set_progress/_set_log from any thread.
///
/// Calls read them at each use (not once when they start), and a setter returns only when no
/// other thread is still inside a callback it replaced: after `*_client_set_log(c, NULL, …)`
/// returns, the old function is never called again, so a C caller may free its user_data
/// (issue 12, item 24). No lock is held while a callback runs, so a callback may call back in.
public final class ClientHooks: Sendable {
    struct Callbacks: @unchecked Sendable {
        // @unchecked: the user_data pointers are the caller's; the library only hands them back
        // to the caller's own functions, never dereferences them.
        var progress: ProgressFunction?
        var progressUserData: UnsafeMutableRawPointer?
        var log: LogFunction?
        var logUserData: UnsafeMutableRawPointer?
        var minLevel: LogLevel = .info
    }

    /// One callback running now: which setting it uses and on which thread.
    struct Running: Sendable {
        let generation: UInt64
        let thread: pthread_t
    }

    struct State: Sendable {
        var callbacks = Callbacks()
        /// Bumped by every setter; a running callback remembers the one it was read under.
        var generation: UInt64 = 0
        var running: [Running] = []
    }

    private let state = Locked(State())
    /// What `wantsLog` and `hasProgress` ask, kept beside the lock so that the question costs no
    /// lock: the pipeline asks before every line it might log, from every thread at once, and
    /// with no callback set the answer is always no. The lowest level the log function wants
    /// (`noLog` when there is none) and whether a progress function is set; written under the lock
    /// by every setter. A stale answer only means one line more or less is offered: the callback
    /// itself is still read under the lock (`begin`).
    private let logThreshold = Atomic<Int32>(ClientHooks.noLog)
    private let progressSet = Atomic<Bool>(false)
    private static let noLog = Int32.max

    public init() {}

    public func setProgress(_ function: ProgressFunction?, userData: UnsafeMutableRawPointer?) {
        let box = UnsafeSendable(userData)
        update {
            $0.progress = function
            $0.progressUserData = function == nil ? nil : box.value
        }
    }

    public func setLog(_ function: LogFunction?, userData: UnsafeMutableRawPointer?, minLevel: Int32) {
        let box = UnsafeSendable(userData)
        let level = LogLevel(rawValue: min(max(minLevel, 0), 3)) ?? .info
        update {
            $0.log = function
            $0.logUserData = function == nil ? nil : box.value
            $0.minLevel = level
        }
    }

    /// Changes the callbacks, then waits until every callback that other threads started under
    /// the old setting has returned. Called from inside one of this client's callbacks it does
    /// not wait: it would wait for itself, or for another thread's callback doing the same.
    private func update(_ change: (inout Callbacks) -> Void) {
        let me = pthread_self()
        let (generation, insideCallback) = state.withLock { state -> (UInt64, Bool) in
            change(&state.callbacks)
            state.generation &+= 1
            let callbacks = state.callbacks
            logThreshold.store(
                callbacks.log == nil ? ClientHooks.noLog : callbacks.minLevel.rawValue, ordering: .releasing)
            progressSet.store(callbacks.progress != nil, ordering: .releasing)
            return (state.generation, state.running.contains { pthread_equal($0.thread, me) != 0 })
        }
        guard !insideCallback else { return }
        while state.withLock({ $0.running.contains { $0.generation < generation } }) {
            var pause = timespec(tv_sec: 0, tv_nsec: 200_000)
            nanosleep(&pause, nil)
        }
    }

    func wantsLog(_ level: LogLevel) -> Bool { level.rawValue >= logThreshold.load(ordering: .acquiring) }

    var hasProgress: Bool { progressSet.load(ordering: .acquiring) }

    /// Calls the log function, if one is set and wants `level`, with no lock held.
    func emitLog(_ level: LogLevel, _ line: String) {
        guard
            let (function, userData, running) = begin({
                (callbacks: Callbacks) -> (LogFunction, UnsafeMutableRawPointer?)? in
                guard let log = callbacks.log, level >= callbacks.minLevel else { return nil }
                return (log, callbacks.logUserData)
            })
        else { return }
        defer { end(running) }
        line.withCString { function(userData, level.rawValue, $0) }
    }

    func emitProgress(done: Int64, total: Int64) {
        guard
            let (function, userData, running) = begin({
                (callbacks: Callbacks) -> (ProgressFunction, UnsafeMutableRawPointer?)? in
                guard let progress = callbacks.progress else { return nil }
                return (progress, callbacks.progressUserData)
            })
        else { return }
        defer { end(running) }
        function(userData, done, total)
    }

    /// Reads a callback and registers it as running, in one step under the lock.
    private func begin<F>(_ pick: (Callbacks) -> (F, UnsafeMutableRawPointer?)?) -> (
        F, UnsafeMutableRawPointer?, Running
    )? {
        let me = pthread_self()
        let picked = state.withLock { state -> UnsafeSendable<(F, UnsafeMutableRawPointer?, Running)>? in
            guard let (function, userData) = pick(state.callbacks) else { return nil }
            let running = Running(generation: state.generation, thread: me)
            state.running.append(running)
            return UnsafeSendable((function, userData, running))
        }
        return picked?.value
    }

    private func end(_ running: Running) {
        state.withLock { state in
            if let index = state.running.lastIndex(where: {
                $0.generation == running.generation && pthread_equal($0.thread, running.thread) != 0
            }) {
                state.running.remove(at: index)
            }
        }
    }

    /// The callbacks as one call sees them (see `CallHooks`).
    public var snapshot: CallHooks { CallHooks(client: self) }

    /// The same, for a call of a client whose secrets `redactor` masks.
    public func forCall(redactor: Redactor) -> CallHooks { CallHooks(client: self, redactor: redactor) }
}

/// Carries a caller-owned pointer across a lock; the library never dereferences it.
struct UnsafeSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
