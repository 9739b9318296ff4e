import Testing

@testable import SelloCore

/// RetryPolicy (API.md §5): exponential backoff with "equal jitter", capped, and its bounds.
@Suite struct RetryPolicyTests {
    static func policy(base: Int, max: Int) -> RetryPolicy {
        var policy = RetryPolicy()
        policy.baseDelayMs = base
        policy.maxDelayMs = max
        return policy
    }

    @Test func theDefaultsAreTheDocumentedOnes() {
        let policy = RetryPolicy()
        #expect((policy.maxRetries, policy.baseDelayMs, policy.maxDelayMs) == (2, 200, 5000))
    }

    /// Retry n waits between half and all of base·2^(n−1), capped at max_delay_ms.
    @Test(arguments: [(1, 100, 200), (2, 200, 400), (3, 400, 800), (5, 1600, 3200), (6, 2500, 5000), (30, 2500, 5000)])
    func eachRetryWaitsWithinItsBand(_ retry: Int, _ low: Int, _ high: Int) {
        let policy = Self.policy(base: 200, max: 5000)
        for _ in 0..<200 {
            let delay = policy.backoffMs(retry: retry)
            #expect((low...high).contains(delay), "retry \(retry): \(delay) ms")
        }
    }

    @Test func theJitterSpreadsOverTheWholeBand() {
        let delays = (0..<500).map { _ in Self.policy(base: 1000, max: 5000).backoffMs(retry: 1) }
        #expect(delays.allSatisfy { (500...1000).contains($0) })
        // Clients retrying in step is what the jitter prevents: the delays are not all alike.
        #expect(delays.min()! < 600 && delays.max()! > 900, "\(delays.min()!)…\(delays.max()!)")
        #expect(Set(delays).count > 50)
    }

    @Test(arguments: [0, -1])
    func aRetryNumberBelowOneIsTheFirst(_ retry: Int) {
        #expect((100...200).contains(Self.policy(base: 200, max: 5000).backoffMs(retry: retry)))
    }

    @Test func aZeroBaseNeverWaits() {
        #expect(Self.policy(base: 0, max: 0).backoffMs(retry: 3) == 0)
        #expect(Self.policy(base: 0, max: 5000).backoffMs(retry: 9) == 0)
    }

    /// Int(Double) traps at 2^63: delays near Int.max, or a retry number near Int.max, must not.
    @Test(arguments: [
        (Int.max, Int.max, Int.max), (Int.max, Int.max, 1), (1, Int.max, Int.max), (Int.max / 2, Int.max, 64),
    ])
    func noTrapNearIntMax(_ base: Int, _ max: Int, _ retry: Int) {
        let delay = Self.policy(base: base, max: max).backoffMs(retry: retry)
        #expect(delay >= 0 && delay <= 9_000_000_000_000_000_000)
    }

    @Test func theExponentStopsGrowingAfterTwentyDoublings() {
        // 1 ms · 2^20 = 1,048,576 ms: a retry number past 21 does not grow the delay further.
        for retry in [21, 22, 63, Int.max] {
            #expect((524_288...1_048_576).contains(Self.policy(base: 1, max: Int.max).backoffMs(retry: retry)))
        }
    }

    // MARK: - Bounds (issue 12, item 18)

    @Test func delaysAtTheirBoundsAreAccepted() {
        #expect(throws: Never.self) {
            try Self.policy(base: RetryPolicy.maxBaseDelayMs, max: RetryPolicy.maxMaxDelayMs).check()
        }
        #expect(throws: Never.self) { try Self.policy(base: 0, max: 0).check() }
    }

    @Test(arguments: [
        (RetryPolicy.maxBaseDelayMs + 1, RetryPolicy.maxMaxDelayMs, "base_delay_ms"),
        (10, RetryPolicy.maxMaxDelayMs + 1, "max_delay_ms"),
        (500, 499, "must not exceed"),
    ])
    func delaysOutOfBoundsAreRefused(_ base: Int, _ max: Int, _ said: String) {
        let error = #expect(throws: SelloError.self) { try Self.policy(base: base, max: max).check() }
        #expect(error?.kind == .invalidArgument && error?.field == "retries")
        #expect(error?.message.contains(said) == true, "\(error?.message ?? "")")
    }
}
