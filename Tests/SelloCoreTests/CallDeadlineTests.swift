import Testing

@testable import SelloCore

#if canImport(Glibc)
import Glibc
#endif

/// CallDeadline (issue 12, items 12 and 18): timeout_ms bounds the whole call, attempts and waits;
/// time inside the caller's callbacks is not charged to it.
@Suite struct CallDeadlineTests {
    static let rateLimited = SelloError(
        .http, .rateLimited, "wait", retryable: true,
        details: ["retry_after_ms": .int(3000)])

    @Test func aRetryThatWouldEndPastTheDeadlineIsNotMade() {
        let deadline = CallDeadline(hooks: CallHooks(), timeoutMs: 1000)
        guard case .fail(let final) = deadline.bounded(.retry(Self.rateLimited, delayMs: 3000)) else {
            Issue.record("a 3 s wait was allowed within a 1 s deadline")
            return
        }
        // The error that asked for the retry, its facts intact, saying why it was not retried.
        #expect(final.retryable && final.code.name == "RATE_LIMITED" && final.kind == .http)
        #expect(final.details?["retry_after_ms"] == .int(3000))
        #expect(
            final.message.hasPrefix(
                "wait (not retried: waiting 3000 ms would go past the call's timeout_ms of 1000 ms)"))
        guard case .retry(_, let delay) = deadline.bounded(.retry(Self.rateLimited, delayMs: 10)), delay == 10 else {
            Issue.record("a short wait was refused")
            return
        }
    }

    @Test func aWaitOfExactlyWhatIsLeftIsNotMade() {
        let deadline = CallDeadline(hooks: CallHooks(), timeoutMs: 60_000, start: .now - .seconds(59))
        guard case .fail = deadline.bounded(.retry(Self.rateLimited, delayMs: 1000)) else {
            Issue.record("a wait ending at the deadline was allowed: the next attempt would have no time")
            return
        }
    }

    @Test func answersAndFailuresPassUnchanged() {
        let deadline = CallDeadline(hooks: CallHooks(), timeoutMs: 1, start: .now - .seconds(5))
        guard
            case .answer(let response) = deadline.bounded(
                .answer(HTTPResponse(status: 200, contentType: nil, body: [1]))),
            response.status == 200
        else {
            Issue.record("an answer was changed")
            return
        }
        guard case .fail(let error) = deadline.bounded(.fail(Self.rateLimited)), error.message == "wait" else {
            Issue.record("a failure was changed")
            return
        }
    }

    @Test func anAttemptGetsWhatIsLeft() throws {
        let deadline = CallDeadline(hooks: CallHooks(), timeoutMs: 10_000, start: .now - .seconds(4))
        try deadline.checkTimeLeft()
        let remaining = deadline.remainingMs
        #expect((5_000...6_000).contains(remaining), "\(remaining) ms")
    }

    @Test func anExpiredDeadlineSendsNothing() {
        let deadline = CallDeadline(hooks: CallHooks(), timeoutMs: 1, start: .now - .seconds(1))
        let error = #expect(throws: SelloError.self) { try deadline.checkTimeLeft() }
        #expect(error?.kind == .timeout && error?.code.name == "TIMEOUT" && error?.retryable == true)
        #expect(error?.message.contains("nothing was sent") == true)
    }

    /// `hasTimeLeft` compares durations where `remainingMs > 0` compared whole milliseconds: the
    /// same answer for every elapsed time, at and around each millisecond's edge.
    @Test func hasTimeLeftAgreesWithRemainingMilliseconds() {
        let timeouts = [1, 2, 999, 1_000, 1_001, 30_000, Int.max, 0, -1, Int.min + 1]
        let nanoseconds: [Int64] = [0, 1, 999_999, 1_000_000, 1_000_001, 1_999_999, 999_999_999, 1_000_000_000]
        var elapsedTimes: [Duration] = [.seconds(Int64(1) << 40)]
        for timeout in timeouts where timeout > 0 && timeout < 100_000 {
            for extra in nanoseconds {
                elapsedTimes.append(.milliseconds(timeout) + .nanoseconds(extra))
                elapsedTimes.append(.milliseconds(timeout) - .nanoseconds(extra))
            }
        }
        elapsedTimes += nanoseconds.map { .nanoseconds($0) }
        for timeout in timeouts {
            for elapsed in elapsedTimes where elapsed >= .zero {
                let remaining = CallDeadline.remainingMs(elapsed: elapsed, timeoutMs: timeout)
                #expect(
                    CallDeadline.hasTimeLeft(elapsed: elapsed, timeoutMs: timeout) == (remaining > 0),
                    "timeout \(timeout) ms, elapsed \(elapsed)")
            }
        }
    }

    @Test func aStartLongAgoDoesNotOverflow() {
        let deadline = CallDeadline(hooks: CallHooks(), timeoutMs: Int.max, start: .now - .seconds(Int64(1) << 40))
        #expect(deadline.remainingMs < Int.max && deadline.remainingMs > 0)
        let tiny = CallDeadline(hooks: CallHooks(), timeoutMs: Int.min + 1, start: .now - .seconds(10))
        #expect(tiny.remainingMs <= 0)
    }

    /// A log callback that takes 400 ms: the call's deadline does not count that time.
    @Test func timeInsideTheCallersCallbacksIsNotCharged() throws {
        let client = ClientHooks()
        client.setLog({ _, _, _ in _ = usleep(400_000) }, userData: nil, minLevel: 0)
        let hooks = CallHooks(client: client)
        let deadline = CallDeadline(hooks: hooks, timeoutMs: 60_000)
        let wall = ContinuousClock.now
        hooks.log(.info, "a line")
        #expect(ContinuousClock.now - wall >= .milliseconds(400))
        #expect(deadline.elapsed < .milliseconds(200), "\(deadline.elapsed)")
        try deadline.checkTimeLeft()
        #expect(deadline.remainingMs > 59_800)
    }

    /// A batch item's deadline starts at its own first launch: callbacks made before it are not
    /// subtracted from its time a second time.
    @Test func aLaterDeadlineDiscountsOnlyLaterCallbacks() {
        let client = ClientHooks()
        client.setLog({ _, _, _ in _ = usleep(300_000) }, userData: nil, minLevel: 0)
        let hooks = CallHooks(client: client)
        hooks.log(.info, "before the item")
        let item = CallDeadline(hooks: hooks, timeoutMs: 60_000)
        #expect(item.callbackTimeAtStart >= .milliseconds(300))
        #expect(item.elapsed >= .zero && item.elapsed < .milliseconds(200))
    }
}
