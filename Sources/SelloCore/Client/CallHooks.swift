import Synchronization

public enum LogLevel: Int32, Sendable, Comparable {
    case debug = 0, info = 1, warning = 2, error = 3

    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rawValue < rhs.rawValue }
}

public typealias ProgressFunction = @convention(c) (UnsafeMutableRawPointer?, Int64, Int64) -> Void
public typealias LogFunction = @convention(c) (UnsafeMutableRawPointer?, Int32, UnsafePointer<CChar>?) -> Void

/// The caller's callbacks as one call sees them: a snapshot taken when the call starts, used
/// only on the calling thread and never after the call returns (API.md §6).
public struct CallHooks: @unchecked Sendable {
    // @unchecked: the user_data pointers are the caller's; we only hand them back to the
    // caller's own functions, on the caller's thread.
    var progress: ProgressFunction?
    var progressUserData: UnsafeMutableRawPointer?
    var log: LogFunction?
    var logUserData: UnsafeMutableRawPointer?
    var minLevel: LogLevel = .info

    public init() {}

    public func wantsLog(_ level: LogLevel) -> Bool { log != nil && level >= minLevel }

    /// Sends one line to the log callback. `message` is built only when someone listens, and
    /// must already be redacted (see `Redaction`).
    public func log(_ level: LogLevel, _ message: @autoclosure () -> String) {
        guard let log, level >= minLevel else { return }
        message().withCString { log(logUserData, level.rawValue, $0) }
    }

    public func reportProgress(done: Int64, total: Int64) {
        progress?(progressUserData, done, total)
    }
}

/// The callbacks set on a client, changed by *_client_set_progress/_set_log from any thread.
public final class ClientHooks: Sendable {
    private let state = Mutex(CallHooks())

    public init() {}

    public func setProgress(_ function: ProgressFunction?, userData: UnsafeMutableRawPointer?) {
        let box = UnsafeSendable(userData)
        state.withLock {
            $0.progress = function
            $0.progressUserData = function == nil ? nil : box.value
        }
    }

    public func setLog(_ function: LogFunction?, userData: UnsafeMutableRawPointer?, minLevel: Int32) {
        let box = UnsafeSendable(userData)
        let level = LogLevel(rawValue: min(max(minLevel, 0), 3)) ?? .info
        state.withLock {
            $0.log = function
            $0.logUserData = function == nil ? nil : box.value
            $0.minLevel = level
        }
    }

    public var snapshot: CallHooks { state.withLock { $0 } }
}

/// Carries a caller-owned pointer across a lock; the library never dereferences it.
struct UnsafeSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
