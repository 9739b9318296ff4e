import Testing

@testable import SelloCore

#if canImport(Glibc)
import Glibc
#endif

/// `Retry-After` read from an answer (Transfer.retryAfterMs): seconds or an HTTP date, saturating
/// in milliseconds, since the header comes from the network.
@Suite struct RetryAfterTests {
    /// An IMF-fixdate `seconds` from now ("Sun, 06 Nov 1994 08:49:37 GMT").
    static func httpDate(secondsFromNow seconds: Int) -> String {
        var when = time(nil) + seconds
        var parts = tm()
        gmtime_r(&when, &parts)
        var buffer = [CChar](repeating: 0, count: 64)
        let count = strftime(&buffer, buffer.count, "%a, %d %b %Y %H:%M:%S GMT", &parts)
        return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    @Test(arguments: [("120", 120_000), ("0", 0), (" 5 ", 5000), ("5\t", 5000), ("86400", 86_400_000)])
    func secondsAreMilliseconds(_ header: String, _ expected: Int) {
        #expect(Transfer.retryAfterMs(header) == expected)
    }

    @Test func aNegativeNumberIsNoWait() {
        #expect(Transfer.retryAfterMs("-30") == 0)
    }

    /// `Retry-After: 9223372036854775807` overflowed `* 1000` and trapped in the caller's process
    /// (test_faults.py::test_hostile_retry_after): it saturates, to be reported and not waited for.
    @Test(arguments: ["9223372036854775807", "9223372036854776", "10000000000000000"])
    func hugeNumbersSaturate(_ header: String) {
        #expect(Transfer.retryAfterMs(header) == Int.max)
    }

    @Test func millisecondsSaturateAtTheEdge() {
        #expect(Transfer.milliseconds(seconds: Int.max / 1000) == Int.max / 1000 * 1000)
        #expect(Transfer.milliseconds(seconds: Int.max / 1000 + 1) == Int.max)
        #expect(Transfer.milliseconds(seconds: Int.min) == 0)
    }

    @Test func anHTTPDateInTheFutureIsTheTimeUntilThen() throws {
        let wait = try #require(Transfer.retryAfterMs(Self.httpDate(secondsFromNow: 120)))
        #expect((115_000...121_000).contains(wait), "\(wait) ms")
    }

    @Test func anHTTPDateInThePastIsNoWait() {
        #expect(Transfer.retryAfterMs("Wed, 21 Oct 2015 07:28:00 GMT") == 0)
    }

    @Test(arguments: ["", "soon", "1.5x", "Thu, 99 Foo 2026 99:99:99 GMT", "0x10"])
    func whatIsNeitherIsIgnored(_ header: String) {
        #expect(Transfer.retryAfterMs(header) == nil, "\(header)")
    }
}
