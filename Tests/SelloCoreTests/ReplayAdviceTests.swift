import Testing

@testable import SelloCore

/// A write the library never sends twice says, after a failure that may have acted and after a
/// cancelled call whose request was sent, how to find out: its own read where one tells (a
/// cancellation: cfdi_get_status), else "check with the provider" (audit of 2026-12-08).
@Suite struct ReplayAdviceTests {
    static let cancellation = ReplayPolicy.onlyIfNotSent(
        consequence: "the cancellation may have been requested from the SAT",
        advice: "before trying again, cfdi_get_status tells")

    @Test func theAdviceEndsTheNoteAndTheCancelledCall() {
        #expect(
            Self.cancellation.afterPossibleArrival?.hasSuffix(
                "not sent again: before trying again, cfdi_get_status tells") == true)
        let cancelled = SelloError.cancelled(HTTPRequest(.post, "/x", replay: Self.cancellation), requestSent: true)
        #expect(
            cancelled.message.hasSuffix(
                "(the cancellation may have been requested from the SAT); before trying again, cfdi_get_status tells"))
        #expect(!cancelled.retryable)
    }

    @Test func withoutAdviceTheProviderIsAsked() {
        let plain = ReplayPolicy.onlyIfNotSent(consequence: "a user may have been created")
        #expect(plain.afterPossibleArrival?.hasSuffix(": check with the provider before trying again") == true)
        let cancelled = SelloError.cancelled(HTTPRequest(.post, "/x", replay: plain), requestSent: true)
        #expect(cancelled.message.hasSuffix("; check with the provider before trying again"))
    }
}
