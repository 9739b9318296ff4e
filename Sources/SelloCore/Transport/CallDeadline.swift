/// The deadline of a call (issue 12, item 18): `timeout_ms` bounds the whole call — every attempt
/// and every wait between attempts — from the moment it starts. Each attempt gets what is left; a
/// retry whose wait (backoff or Retry-After) would end past the deadline is not made, and the call
/// ends with the error that asked for it (its `retryable` and `retry_after_ms` intact). Time spent
/// inside the caller's callbacks is not counted (item 12): it is the caller's, not the service's.
struct CallDeadline {
    let start: ContinuousClock.Instant
    let hooks: CallHooks
    let callbackTimeAtStart: Duration
    let timeoutMs: Int

    /// A deadline starting now (a batch item's first launch) or at `start` (a call's beginning).
    init(
        hooks: CallHooks, timeoutMs: Int, start: ContinuousClock.Instant = .now,
        countingCallbacksSinceStart: Bool = false
    ) {
        self.start = start
        self.hooks = hooks
        callbackTimeAtStart = countingCallbacksSinceStart ? .zero : hooks.callbackTime
        self.timeoutMs = timeoutMs
    }

    var elapsed: Duration {
        (ContinuousClock.now - start) - (hooks.callbackTime - callbackTimeAtStart)
    }

    var remainingMs: Int { CallDeadline.remainingMs(elapsed: elapsed, timeoutMs: timeoutMs) }

    static func remainingMs(elapsed: Duration, timeoutMs: Int) -> Int {
        let (seconds, attoseconds) = elapsed.components
        let elapsedMs = seconds.multipliedReportingOverflow(by: 1000)
        guard !elapsedMs.overflow else { return Int.min }
        let (remaining, overflow) = timeoutMs.subtractingReportingOverflow(
            Int(elapsedMs.partialValue) + Int(attoseconds / 1_000_000_000_000_000))
        return overflow ? Int.min : remaining
    }

    /// Whether any time is left: `remainingMs > 0`, asked of the durations themselves (issue 13:
    /// the milliseconds from `Duration.components` cost some 250 instructions an attempt).
    var hasTimeLeft: Bool { CallDeadline.hasTimeLeft(elapsed: elapsed, timeoutMs: timeoutMs) }

    static func hasTimeLeft(elapsed: Duration, timeoutMs: Int) -> Bool { elapsed < .milliseconds(timeoutMs) }

    /// Before an attempt: a `timeout` error (nothing sent) when no time is left.
    func checkTimeLeft() throws(SelloError) {
        guard hasTimeLeft else {
            throw SelloError(
                .timeout, .timeout,
                "timeout_ms (\(timeoutMs) ms) ran out before this request could be sent; nothing was sent",
                retryable: true)
        }
    }

    /// `verdict`, with a retry that cannot happen before the deadline turned into its error.
    func bounded(_ verdict: Verdict) -> Verdict {
        guard case .retry(var error, let delayMs) = verdict, delayMs >= remainingMs else { return verdict }
        error.message += " (not retried: waiting \(delayMs) ms would go past the call's timeout_ms of \(timeoutMs) ms)"
        return .fail(error)
    }
}
