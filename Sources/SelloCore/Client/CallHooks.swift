/// The caller's callbacks as one call uses them, on the calling thread only, never after the call
/// returns (API.md §6). The one way out to a log or progress callback, so every line is treated
/// the same way on its way out:
///   - the call's secrets (and their encoded forms) are masked and control characters escaped
///     (issue 12, items 6 and 23);
///   - while the call holds a lock (`holdingCallbacks`), lines are queued and delivered once it is
///     released: a callback may call back into the library (item 1);
///   - the time spent inside callbacks is counted, so that it is not charged to the service's
///     timeout (item 12).
/// A batch shares one `CallHooks` between its items (same thread, same caller).
public final class CallHooks {
    let client: ClientHooks?
    private var held = 0
    private var queued: [(level: LogLevel, line: String)] = []
    private var queuedProgress: (done: Int64, total: Int64)?
    // The two read on every call are not checked for overlapping access at run time: only the
    // call's thread uses them, and no access to them runs code that could reach them again (issue
    // 13: each check cost some 75 instructions, five a call).
    /// Time spent inside the caller's callbacks during this call.
    @exclusivity(unchecked) public private(set) var callbackTime: Duration = .zero
    /// The secrets of this call: the client's credentials and each request's own.
    @exclusivity(unchecked) public private(set) var redactor: Redactor

    /// - Parameter redactor: the client's own secrets, prepared once (see `ServiceClient`).
    public init(client: ClientHooks? = nil, redactor: Redactor = Redactor(secrets: [])) {
        self.client = client
        self.redactor = redactor
    }

    public func wantsLog(_ level: LogLevel) -> Bool { client?.wantsLog(level) ?? false }

    public var hasProgress: Bool { client?.hasProgress ?? false }

    /// Sends one line to the log callback. `message` is built only when someone listens.
    public func log(_ level: LogLevel, _ message: @autoclosure () -> String) {
        guard let client, client.wantsLog(level) else { return }
        let line = LogText.escape(redactor.scrub(message()))
        guard held == 0 else {
            queued.append((level, line))
            return
        }
        timed { client.emitLog(level, line) }
    }

    public func reportProgress(done: Int64, total: Int64) {
        guard let client else { return }
        guard held == 0 else {
            queuedProgress = (done, total)
            return
        }
        timed { client.emitProgress(done: done, total: total) }
    }

    /// Registers values that must never leave the library (passwords, tokens, the Basic pair).
    public func addSecrets(_ secrets: [String]) {
        redactor.add(secrets) // which skips the short and the known ones, and makes nothing new for them
    }

    /// Runs `body` (which takes and releases a lock) with every callback held back; what it
    /// produced is delivered after it returns, when no lock of the library is held any more.
    public func holdingCallbacks<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        held += 1
        defer {
            held -= 1
            if held == 0 { flush() }
        }
        return try body()
    }

    private func flush() {
        guard let client else { return }
        let lines = queued
        let progress = queuedProgress
        queued = []
        queuedProgress = nil
        for (level, line) in lines { timed { client.emitLog(level, line) } }
        if let progress { timed { client.emitProgress(done: progress.done, total: progress.total) } }
    }

    private func timed(_ body: () -> Void) {
        let start = ContinuousClock.now
        body()
        callbackTime += ContinuousClock.now - start
    }
}
