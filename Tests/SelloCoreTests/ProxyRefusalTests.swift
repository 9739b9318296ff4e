import CCurl
import Testing

@testable import SelloCore

/// A proxy that refuses its credentials (HTTP 407) is an authentication failure, never retried
/// (API.md §5: retries can lock a corporate proxy account), naming `proxy`, for an https base_url
/// (the CONNECT refused) and an http one (the request refused) alike, whatever the replay policy.
@Suite struct ProxyRefusalTests {
    static func outcome(code: CURLcode, status: Int = 0, proxyStatus: Int = 0) -> TransferOutcome {
        TransferOutcome(
            code: code, status: status, body: [], contentType: "text/plain", retryAfterMs: nil, location: nil,
            requestSent: status > 0, tooLarge: false, errorText: "CONNECT tunnel failed, response 407", timing: nil,
            requestsStarted: status > 0 ? 1 : 0, proxyStatus: proxyStatus)
    }

    static let refusals = [
        outcome(code: CURLE_RECV_ERROR, proxyStatus: 407), // libcurl's error for a refused CONNECT
        outcome(code: CURLE_COULDNT_CONNECT, proxyStatus: 407),
        outcome(code: CURLE_OK, status: 407),
    ]

    @Test(arguments: refusals.indices, [ReplayPolicy.idempotent, .onlyIfNotSent(consequence: "a certificate")])
    func a407IsAnAuthFailureThatIsNeverRetried(_ index: Int, _ replay: ReplayPolicy) throws {
        let outcome = Self.refusals[index]
        let config = ClientConfig(baseURL: "http://127.0.0.1:9/x", environment: nil, service: JSONObject())
        let transport = try HTTPTransport(config: config)
        let request = HTTPRequest(.get, "/x", replay: replay)
        let hooks = CallHooks(redactor: Redactor(secrets: []))
        guard case .fail(let error) = transport.judge(outcome, request: request, retriesDone: 0, hooks: hooks) else {
            Issue.record("a 407 was not a final failure")
            return
        }
        #expect((error.kind, error.code.name, error.field) == (.auth, "PROXY_AUTH_FAILED", "proxy"))
        #expect(!error.retryable)
        #expect(error.message.contains("check the user and password in proxy"))
    }

    @Test func otherFailuresAndStatusesAreNotTheProxys() {
        #expect(HTTPTransport.proxyRefusal(Self.outcome(code: CURLE_RECV_ERROR)) == nil)
        #expect(HTTPTransport.proxyRefusal(Self.outcome(code: CURLE_RECV_ERROR, proxyStatus: 403)) == nil)
        #expect(HTTPTransport.proxyRefusal(Self.outcome(code: CURLE_OK, status: 401)) == nil)
        #expect(HTTPTransport.proxyRefusal(Self.outcome(code: CURLE_OK, status: 200, proxyStatus: 200)) == nil)
    }
}
